"""Fine-tune the top MiniLM layers and the head of ``minilm_sentiment``, deterministically.

Run: OMP_NUM_THREADS=1 python scripts/finetune_sentiment.py --train-rows 0 --test-rows 0
(all rows: the first stage of the committed weights, see docs/results.md; float sums may
differ with another thread count; scripts/train_sentiment_sources.py then tunes the top layer
and head on the rated sentences, docs/sentiment.md: run it after this one)
The embeddings and the layers below the tuned ones stay frozen, so their outputs are
computed once and cached (sorted by length, padded per batch); only the top ``--layers``
layers (default all ``TUNED_LAYERS`` = 6) and the head learn. Writes
model_zoo/weights/minilm_sentiment_tuned.safetensors: the changed tensors only, stored as
``--dtype`` (float16: 6 layers x 1.77M parameters x 2 bytes ~ 21 MB; read back as float32),
and prints held-out accuracy and per-class recall, scored with the stored (rounded) weights,
on the same seeded split as scripts/train_sentiment_head.py.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from train_sentiment_head import CONFIDENT, HELD_OUT, SEED, corpus  # noqa: E402

from safetensors.torch import load_file, save_file  # noqa: E402

from model_zoo.minilm_sentiment import (  # noqa: E402
    HEAD_FILE, SENTIMENT_LABELS, TUNED_FILE, MeanPooledClassifier, load_encoder,
    overlay_fine_tuned)

BATCH = 32
ENCODER_LR = 1e-4  # best of 5e-5 / 1e-4 / 2e-4 on 4,000 tweets (docs/results.md)
TUNED_LAYERS = 6  # all of MiniLM-L6; the word embeddings stay frozen
STORE_DTYPE = "float16"  # halves the file; the scores below use the rounded tensors


def batches(tokenizer, texts: list[str], rows: np.ndarray) -> list[dict]:
    """Batches of similar length (sorted), padded per batch: far less padding than global."""
    rows = rows[np.argsort([len(texts[i]) for i in rows], kind="stable")]
    out = []
    for start in range(0, len(rows), BATCH):
        chunk = rows[start:start + BATCH]
        enc = tokenizer([texts[i] for i in chunk], padding=True, truncation=True,
                        max_length=64, return_tensors="pt")
        out.append({"rows": chunk, **enc})
    return out


@torch.no_grad()  # not inference_mode: the cached tensors feed autograd later
def cache_lower(encoder, groups: list[dict], cut: int) -> None:
    """Run the frozen embeddings and layers below ``cut`` once; keep their output (fp32)."""
    for n, b in enumerate(groups):
        h = encoder.embeddings(input_ids=b["input_ids"], token_type_ids=b["token_type_ids"])
        ext = encoder._create_attention_masks(b["attention_mask"], None, h, None, None)[0]
        for layer in encoder.encoder.layer[:cut]:
            h = layer(h, ext)
        b["hidden"], b["ext"] = h, ext
        print(f"\rcached {n + 1}/{len(groups)}", end="", file=sys.stderr)
    print(file=sys.stderr)


def top_logits(model: MeanPooledClassifier, b: dict, cut: int) -> torch.Tensor:
    h = b["hidden"]
    for layer in model.encoder.encoder.layer[cut:]:
        h = layer(h, b["ext"])
    mask = b["attention_mask"].unsqueeze(-1).float()
    pooled = torch.nn.functional.normalize((h * mask).sum(1) / mask.sum(1), dim=-1)
    return model.head(pooled)


def evaluate(model, groups: list[dict], labels: np.ndarray, cut: int,
             confidence: np.ndarray) -> dict:
    """Held-out accuracy, per-class recall, and accuracy on the tweets whose label the
    annotators agreed on (confidence >= CONFIDENT; rows without a confidence count as sure)."""
    model.eval()
    pred = np.zeros(len(labels), dtype=int)
    with torch.inference_mode():
        for b in groups:
            pred[b["rows"]] = top_logits(model, b, cut).argmax(1).numpy()
    rows = np.concatenate([b["rows"] for b in groups])
    ok = pred[rows] == labels[rows]
    recall = {name: round(float(ok[labels[rows] == k].mean()), 4)
              for k, name in enumerate(SENTIMENT_LABELS)}
    sure = confidence[rows] >= CONFIDENT
    return {"held_out_accuracy": round(float(ok.mean()), 4), "recall": recall,
            f"held_out_accuracy_confidence_{CONFIDENT}": round(float(ok[sure].mean()), 4),
            "confident_held_out": int(sure.sum())}


def train(model, groups, labels, cut: int, epochs: int, save, max_steps: int = 0,
          lr: float = ENCODER_LR, weights: np.ndarray | None = None) -> None:
    """AdamW with a linear decay planned over ``epochs``; ``max_steps`` stops early (the run
    is then exactly the full run's checkpoint at that step: same order, same dropout).
    ``weights`` (one per corpus row) weight each tweet's loss, e.g. by annotator confidence."""
    params = [p for p in model.parameters() if p.requires_grad]
    opt = torch.optim.AdamW([{"params": list(model.encoder.parameters()), "lr": lr},
                             {"params": list(model.head.parameters()), "lr": 1e-3}],
                            weight_decay=0.01)
    total = epochs * len(groups)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: max(0.0, 1 - s / total))
    rng, t0 = np.random.default_rng(SEED), time.time()
    order = np.concatenate([rng.permutation(len(groups)) for _ in range(epochs)])
    model.train()
    for step, i in enumerate(order[:max_steps or total], start=1):
        b = groups[i]
        y = torch.as_tensor(labels[b["rows"]])
        each = torch.nn.functional.cross_entropy(top_logits(model, b, cut), y, reduction="none")
        w = None if weights is None else torch.as_tensor(weights[b["rows"]], dtype=each.dtype)
        loss = each.mean() if w is None else (each * w).sum() / w.sum()
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        opt.step()
        sched.step()
        if step % 50 == 0:
            print(f"step {step}/{total} loss {loss.item():.3f} {time.time() - t0:.0f}s",
                  file=sys.stderr, flush=True)
            save()


def changed_tensors(model: MeanPooledClassifier, cut: int, dtype: torch.dtype) -> dict:
    """The tuned layers' and the head's tensors (the only ones that moved), as ``dtype``."""
    prefixes = tuple(f"encoder.encoder.layer.{i}." for i in range(cut, 100)) + ("head.",)
    return {k: v.detach().to(dtype).contiguous() for k, v in model.state_dict().items()
            if k.startswith(prefixes)}


def split_rows(args: argparse.Namespace, size: int) -> tuple[np.ndarray, np.ndarray]:
    """The seeded split of scripts/train_sentiment_head.py, optionally cut short."""
    order = np.random.default_rng(SEED).permutation(size)
    split = int(size * (1 - HELD_OUT))
    train_rows, test_rows = order[:split], order[split:]
    if args.train_rows:
        train_rows = train_rows[:args.train_rows]
    if args.test_rows:
        test_rows = test_rows[:args.test_rows]
    if args.limit:
        train_rows, test_rows = train_rows[:args.limit], test_rows[:args.limit // 4]
    return train_rows, test_rows


def tunable_model(layers: int) -> tuple[MeanPooledClassifier, object, int]:
    """The stock encoder and trained head, with only the top ``layers`` and the head free."""
    encoder, tokenizer = load_encoder()
    head = torch.nn.Linear(encoder.config.hidden_size, len(SENTIMENT_LABELS))
    head.load_state_dict(load_file(HEAD_FILE))
    model = MeanPooledClassifier(encoder, head)
    cut = encoder.config.num_hidden_layers - layers
    model.requires_grad_(False)
    for layer in encoder.encoder.layer[cut:]:
        layer.requires_grad_(True)
    head.requires_grad_(True)
    encoder.eval()
    return model, tokenizer, cut


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--train-rows", type=int, default=4000,
                        help="training tweets used (0: all 30.5k); the CPU budget decides")
    parser.add_argument("--test-rows", type=int, default=2000,
                        help="held-out tweets scored (0: all 7.6k), before and after alike")
    parser.add_argument("--limit", type=int, default=0, help="a quick trial: N train rows, N/4 test")
    parser.add_argument("--layers", type=int, default=TUNED_LAYERS, help="top layers tuned")
    parser.add_argument("--dtype", choices=("float16", "bfloat16", "float32"),
                        default=STORE_DTYPE, help="how the tuned tensors are stored")
    parser.add_argument("--lr", type=float, default=ENCODER_LR, help="encoder learning rate")
    parser.add_argument("--weight-by-confidence", action="store_true",
                        help="weight each tweet's loss by its label's annotator confidence")
    parser.add_argument("--max-steps", type=int, default=0,
                        help="stop after N batches of 32 (0: the whole schedule)")
    parser.add_argument("--skip-before", action="store_true",
                        help="do not score the untuned model first (saves minutes)")
    parser.add_argument("--score-only", action="store_true",
                        help="no training: score the tensors already in --out")
    parser.add_argument("--init", type=Path, default=None,
                        help="start from these tuned tensors (a second epoch, say)")
    parser.add_argument("--out", type=Path, default=TUNED_FILE)
    return parser.parse_args()


def main() -> None:
    args = arguments()
    torch.manual_seed(SEED)
    t0 = time.time()
    frame = corpus()
    texts = frame.text.astype(str).tolist()
    labels = frame.sentiment.map({n: i for i, n in enumerate(SENTIMENT_LABELS)}).to_numpy()
    confidence = frame.confidence.fillna(1.0).to_numpy()
    train_rows, test_rows = split_rows(args, len(frame))
    model, tokenizer, cut = tunable_model(args.layers)
    if args.init:  # continue from a stored run (its float16 tensors, read back as float32)
        overlay_fine_tuned(model, load_file(args.init))
    if args.score_only:
        train_rows = train_rows[:0]
    train_groups = batches(tokenizer, texts, train_rows)
    test_groups = batches(tokenizer, texts, test_rows)
    cache_lower(model.encoder, train_groups + test_groups, cut)
    skip = args.skip_before or args.score_only
    before = None if skip else evaluate(model, test_groups, labels, cut, confidence)
    print("before", json.dumps(before), file=sys.stderr, flush=True)
    args.out.parent.mkdir(parents=True, exist_ok=True)

    def save() -> None:
        save_file(changed_tensors(model, cut, getattr(torch, args.dtype)), args.out)

    t_train = time.time()
    if not args.score_only:
        weights = confidence if args.weight_by_confidence else None
        train(model, train_groups, labels, cut, args.epochs, save, args.max_steps, args.lr,
              weights)
        save()
    train_seconds = round(time.time() - t_train)
    overlay_fine_tuned(model, load_file(args.out))  # score what the stored file gives
    after = evaluate(model, test_groups, labels, cut, confidence)
    print(json.dumps({"train": len(train_rows), "held_out": len(test_rows), "epochs": args.epochs,
                      "max_steps": args.max_steps,
                      "baseline_is_the_frozen_head": True, "tuned_layers": args.layers,
                      "dtype": args.dtype, "megabytes": round(args.out.stat().st_size / 1e6, 1),
                      "before": before, **after, "train_seconds": train_seconds,
                      "seconds": round(time.time() - t0)}))


if __name__ == "__main__":
    main()
