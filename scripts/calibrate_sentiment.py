"""Calibrate and measure ``minilm_sentiment``: temperature scaling, accuracy per source,
and the negation sentences it gets wrong.

Run: OMP_NUM_THREADS=2 python scripts/calibrate_sentiment.py [--tweets 1600] [--per-source 400]
(progress on stderr; seeded samples: the first --tweets of the shuffled held-out tweets and
--per-source clear-polarity test sentences of each vader source; 0 means all of them)
- Temperature scaling (Guo et al. 2017, section 4.2): one scalar T dividing the logits,
  fitted by NLL on half of the held-out tweets of scripts/train_sentiment_head.py's seeded
  split (never trained on); expected calibration error (15 equal-width bins, Guo et al.
  eq. 3) before and after on the other half. Writes T and the figures to
  model_zoo/weights/minilm_sentiment_calibration.json and a reliability diagram to
  docs/figures/sentiment_reliability.png.
- Accuracy on the human-rated sentences of vaderSentiment's source archive
  (scripts/sentiment_sources.py) with a clear polarity (|mean rating| >= 1.5), per source,
  on the test rows of its seeded split (never trained or tuned on by
  scripts/train_sentiment_sources.py); a prediction counts only when the top class is that
  polarity.
- Negation: the same accuracy on those sentences with and without a negation word, so
  the text page's warning rests on a measured gap.
"""
from __future__ import annotations

import hashlib
import json
import re
import sys
from pathlib import Path

import numpy as np
import torch

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

BINS = 15
NEGATION = re.compile(r"\b(not|no|never|nothing|nobody|none|neither|nor|without|hardly|"
                      r"barely|cannot)\b|n't\b", re.IGNORECASE)
CACHE = Path.home() / ".cache" / "xai-dashboard" / "sentiment-logits"
OUT = ROOT / "model_zoo" / "weights" / "minilm_sentiment_calibration.json"
FIGURE = ROOT / "docs" / "figures" / "sentiment_reliability.png"


def raw_logits(model, texts: list[str], batch: int = 64) -> np.ndarray:
    """Logits at temperature 1 (the calibration file is not applied), cached per text set."""
    from model_zoo.minilm_sentiment import TUNED_FILE

    weights = TUNED_FILE.read_bytes() if TUNED_FILE.is_file() else b""  # a new model, new key
    key = hashlib.sha256(("\n".join(texts) + model.source).encode() + weights).hexdigest()[:16]
    path = CACHE / f"{key}.npy"
    if path.is_file():
        return np.load(path)
    order = np.argsort([len(t) for t in texts], kind="stable")
    out = np.zeros((len(texts), len(model.labels)))
    with torch.inference_mode():
        for start in range(0, len(texts), batch):
            rows = order[start:start + batch]
            enc = model.tokenizer([texts[i] for i in rows], padding=True, truncation=True,
                                  max_length=128, return_tensors="pt")
            logits = model.module(input_ids=enc["input_ids"],
                                  attention_mask=enc["attention_mask"]).logits
            out[rows] = logits.double().numpy() * current_temperature()
            print(f"\rscored {start + len(rows)}/{len(texts)}", end="", file=sys.stderr)
    print(file=sys.stderr)
    CACHE.mkdir(parents=True, exist_ok=True)
    np.save(path, out)
    return out


def softmax(logits: np.ndarray, temperature: float = 1.0) -> np.ndarray:
    z = logits / temperature
    z = z - z.max(1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(1, keepdims=True)


def fit_temperature(logits: np.ndarray, labels: np.ndarray) -> float:
    """The T minimising the mean negative log-likelihood (LBFGS on log T)."""
    x, y = torch.from_numpy(logits), torch.from_numpy(labels)
    log_t = torch.zeros(1, dtype=torch.float64, requires_grad=True)
    opt = torch.optim.LBFGS([log_t], lr=0.5, max_iter=200)

    def closure():
        opt.zero_grad()
        loss = torch.nn.functional.cross_entropy(x / log_t.exp(), y)
        loss.backward()
        return loss

    opt.step(closure)
    return float(log_t.detach().exp())


def calibration_bins(probs: np.ndarray, labels: np.ndarray, bins: int = BINS):
    """(confidence, accuracy, count) per equal-width bin of the top probability."""
    conf, correct = probs.max(1), probs.argmax(1) == labels
    edges = np.linspace(0, 1, bins + 1)
    which = np.clip(np.digitize(conf, edges[1:-1]), 0, bins - 1)
    return [(conf[which == b].mean() if (which == b).any() else np.nan,
             correct[which == b].mean() if (which == b).any() else np.nan,
             int((which == b).sum())) for b in range(bins)]


def ece(probs: np.ndarray, labels: np.ndarray, bins: int = BINS) -> float:
    """Expected calibration error: sum over bins of |accuracy - confidence| x share."""
    total = len(labels)
    return float(sum(n / total * abs(a - c) for c, a, n in calibration_bins(probs, labels, bins)
                     if n))


def reliability_figure(before, after, path: Path, command: str) -> None:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(4.8, 4.4), dpi=110)
    ax.plot([0, 1], [0, 1], color="#999", lw=1, ls=":", label="perfectly calibrated")
    for bins, name, colour in ((before, "T = 1", "#c0392b"), (after, "temperature scaled",
                                                              "#2471a3")):
        pts = [(c, a) for c, a, n in bins if n >= 10]
        ax.plot(*zip(*pts), marker="o", color=colour, label=name)
    ax.set(xlabel="confidence (top probability)", ylabel="accuracy", xlim=(0.3, 1),
           ylim=(0.3, 1), title="minilm_sentiment, held-out tweets")
    ax.legend(loc="upper left", fontsize=8)
    fig.text(0.01, 0.005, command, fontsize=6, color="#555")
    fig.tight_layout(rect=(0, 0.03, 1, 1))
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path)


def negation_split(right: np.ndarray, negated: np.ndarray, rows: np.ndarray) -> dict:
    """Accuracy on the sentences of ``rows`` with and without a negation word."""
    return {name: {"sentences": int((rows & which).sum()),
                   "accuracy": round(float(right[rows & which].mean()), 4)}
            for name, which in (("with_negation", negated), ("without", ~negated))}


def main() -> None:
    import explainers  # noqa: F401  (imports the model zoo)
    from model_zoo import load_model
    from sentiment_sources import clear_polarity, rated_sentences, split_sources
    from train_sentiment_head import HELD_OUT, SEED, corpus

    import argparse

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tweets", type=int, default=1600)
    parser.add_argument("--per-source", type=int, default=0)
    args = parser.parse_args()
    model = load_model("minilm_sentiment")
    labels = list(model.labels)
    frame = corpus()
    order = np.random.default_rng(SEED).permutation(len(frame))
    test = order[int(len(frame) * (1 - HELD_OUT)):]
    test = test[:args.tweets or None]
    texts = [str(frame.text.iloc[i]) for i in test]
    y = np.array([labels.index(frame.sentiment.iloc[i]) for i in test])
    logits = raw_logits(model, texts)
    half = np.random.default_rng(1).permutation(len(y))
    fit, held = half[: len(y) // 2], half[len(y) // 2:]
    t = fit_temperature(logits[fit], y[fit])
    before, after = softmax(logits[held]), softmax(logits[held], t)
    report = {"temperature": round(t, 4), "fitted_on": f"{len(fit)} held-out tweets (seed 1 half)",
              "ece_before": round(ece(before, y[held]), 4),
              "ece_after": round(ece(after, y[held]), 4),
              "tweet_accuracy": round(float((after.argmax(1) == y[held]).mean()), 4),
              "evaluated_on": f"{len(held)} other held-out tweets"}
    conf = after.max(1)
    low = conf < 0.6
    report["low_confidence"] = {"below": 0.6, "share": round(float(low.mean()), 4),
                                "accuracy": round(float((after.argmax(1) == y[held])[low].mean()), 4)}
    rated = split_sources(rated_sentences())
    clear = clear_polarity(rated[rated.split == "test"])
    if args.per_source:
        clear = clear.groupby("source").sample(n=args.per_source, random_state=SEED)
    probs = softmax(raw_logits(model, clear.text.tolist()), t)
    right = probs.argmax(1) == clear.label.map(labels.index).to_numpy()
    report["clear_polarity_accuracy"] = {
        source: {"sentences": int((clear.source == source).sum()),
                 "accuracy": round(float(right[(clear.source == source).to_numpy()].mean()), 4)}
        for source in sorted(clear.source.unique())}
    negated = np.array([bool(NEGATION.search(text)) for text in clear.text])
    report["negation"] = {"pattern": NEGATION.pattern,
                          **{polarity: negation_split(right, negated,
                                                      (clear.label == polarity).to_numpy())
                             for polarity in ("positive", "negative")}}
    OUT.write_text(json.dumps(report, indent=2) + "\n")
    reliability_figure(calibration_bins(before, y[held]), calibration_bins(after, y[held]),
                       FIGURE, "python scripts/calibrate_sentiment.py")
    print(json.dumps(report, indent=2))


def current_temperature() -> float:
    """The temperature the loaded model already applies (1 before any calibration file)."""
    from model_zoo.minilm_sentiment import temperature

    return temperature()


if __name__ == "__main__":
    main()
