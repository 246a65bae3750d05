"""Print minilm_sentiment's answers on contrast and negation sentences (docs/results.md).

Run: python scripts/sentiment_examples.py  (a Markdown table on stdout)
The first three were the issue's examples; the rest were written afterwards, not tuned on.
"""
from __future__ import annotations

import sys
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

SENTENCES = (
    "The service was slow but the food was great.",
    "I expected to hate it, but it was wonderful.",
    "Not bad at all, actually pretty good.",
    "The trailer looked amazing, but the film itself was a letdown.",
    "I wouldn't say it was terrible.",
    "Never again: cold coffee, rude staff, and a forty minute wait.",
    "The hotel was fine, nothing special.",
    "I can't believe how much I enjoyed this book.",
    "The plot was predictable, yet I loved every minute of it.",
    "Although the reviews were terrible, the concert was fantastic.",
    "Great price, but it broke after two days.",
    "Nothing about this phone disappointed me.",
    "I was hoping for a lot more from this sequel.",
)


def main() -> None:
    from model_zoo import load_model, probabilities

    model = load_model("minilm_sentiment")
    print("| sentence | answer |\n|---|---|")
    for text in SENTENCES:
        with torch.inference_mode():
            probs = probabilities(model, text)
        best = int(probs.argmax())
        print(f"| {text} | {model.labels[best]} {float(probs[best]):.2f} |")


if __name__ == "__main__":
    main()
