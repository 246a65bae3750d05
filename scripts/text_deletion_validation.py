"""Text deletion against random removals over held-out tweets: per method, the share of
sentences on which its top-k removal beats random removals of as many tokens.

Run: python scripts/text_deletion_validation.py [--count 100] [--k 3]
Sentences: the first ``--count`` held-out tweets of the sentiment split (never trained on)
with at least 8 tokens, each explained for the model's top class. Prints a Markdown table.
"""
from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

METHODS = ("integrated_gradients_text", "occlusion_text", "attention", "saliency_text",
           "random_scores")
CONTROL = "random_scores"  # a control: a seeded random ranking per sentence
MIN_TOKENS = 8  # shorter sentences leave too few distinct removals to tell anything apart


def held_out_tweets(count: int, model) -> list[str]:
    from train_sentiment_head import HELD_OUT, SEED, corpus

    frame = corpus()
    order = np.random.default_rng(SEED).permutation(len(frame))
    test = order[int(len(frame) * (1 - HELD_OUT)):]
    texts = [str(frame.text.iloc[i]) for i in test]
    words = lambda t: sum(not s for s in model.encode(t).special)  # noqa: E731
    return [t for t in texts if words(t) >= MIN_TOKENS][:count]


def main() -> None:
    import explainers  # noqa: F401  (registers the methods)
    from explainers import explain
    from explainers.metrics.text_deletion import explanation_deletion, random_deletion
    from model_zoo import load_model, probabilities

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=100)
    parser.add_argument("--k", type=int, default=3)
    parser.add_argument("--model", default="minilm_sentiment")
    parser.add_argument("--methods", default=",".join(METHODS))
    args = parser.parse_args()
    model = load_model(args.model)
    methods = args.methods.split(",")
    outcomes = {m: Counter() for m in methods}
    shares = {m: [] for m in methods}
    started = time.perf_counter()
    texts = held_out_tweets(args.count, model)
    for n, text in enumerate(texts, start=1):
        target = int(np.argmax(probabilities(model, text)))
        chance = random_deletion(model, text, target, args.k)
        for method in methods:
            if method == CONTROL:  # seeded random scores: should beat random about 5 % of the time
                scores = np.random.default_rng(n).normal(size=len(model.encode(text).special))
                signed = True
            else:
                result = explain(model, method, text, target=target)
                scores, signed = result.scores, result.signed
            drop = explanation_deletion(model, text, scores, signed, target, args.k).drop
            verdict = chance.verdict(drop)
            outcomes[method][verdict.outcome] += 1
            shares[method].append(verdict.share_below)
        print(f"\r{n}/{len(texts)}", end="", file=sys.stderr)
    print(file=sys.stderr)
    print("| method | beats random | cannot tell | worse | median share of random drops below |")
    print("|---|---|---|---|---|")
    for m in methods:
        c, total = outcomes[m], len(texts)
        print(f"| {m} | {c['beats random'] / total:.0%} | {c['cannot tell'] / total:.0%} | "
              f"{c['worse than random'] / total:.0%} | {np.median(shares[m]):.0%} |")
    print(f"\n{len(texts)} held-out tweets, k = {args.k}, {time.perf_counter() - started:.0f} s.")


if __name__ == "__main__":
    main()
