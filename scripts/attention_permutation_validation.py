"""Attention is not explanation, measured: over held-out tweets, how far the prediction of
the sentiment model moves when its last layer's attention is permuted.

Run: python scripts/attention_permutation_validation.py [--count 100]
Sentences: the first ``--count`` held-out tweets of the sentiment split (never trained on)
with at least 8 tokens (the same set as text_deletion_validation.py). 100 permutations each.
Prints a Markdown table of the medians over sentences.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))


def main() -> None:
    import explainers  # noqa: F401  (imports the model zoo)
    from explainers.text.attention_permutation import permute_attention
    from model_zoo import load_model
    from text_deletion_validation import held_out_tweets

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=100)
    args = parser.parse_args()
    model = load_model("minilm_sentiment")
    rows = []
    for i, text in enumerate(held_out_tweets(args.count, model)):
        result = permute_attention(model, model.encode(text))
        rows.append((np.median(result.attention_moved), np.median(result.output_tvd),
                     result.flip_share, np.median(result.output_tvd) < 0.05))
        print(f"\r{i + 1}/{args.count}", end="", file=sys.stderr)
    moved, tvd, flips, steady = map(np.asarray, zip(*rows))
    print(f"\n| sentences | attention moved (median TVD) | prediction moved (median TVD) "
          f"| top class changed (mean share) | sentences with prediction TVD < 0.05 |\n"
          f"|---|---|---|---|---|\n| {len(rows)} | {np.median(moved):.2f} | {np.median(tvd):.3f} "
          f"| {flips.mean():.1%} | {steady.mean():.0%} |")


if __name__ == "__main__":
    main()
