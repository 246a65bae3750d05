"""ROAD over an image set: per method, the share of images on which it beats random maps.

Run: python scripts/road_validation.py [--count 50] [--seed 1] [--out road.jsonl]
Images: the bundled samples, then random crops of them (inputs.datasets.samples, seed
``--seed``), each explained for mobilenet_v2's top class; or with ``--images phantoms``
the generated chest phantoms of seed ``--seed`` (for ``--model xray_phantom_cnn``). One
JSON line per image (the run can be resumed), then a Markdown table on stdout.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

METHODS = ("gradcam", "integrated_gradients", "integrated_gradients:black")
# IG at 16 fixed Gauss-Legendre steps keeps an image's cost near Grad-CAM's on a shared CPU
# (the map, not its completeness, is what ROAD measures). "name:baseline" picks a baseline.
PARAMS = {"integrated_gradients": {"steps": 16, "adaptive": False}}


def method_settings(spec: str) -> tuple[str, dict]:
    """``"integrated_gradients:black"`` -> the method and its settings."""
    name, _, baseline = spec.partition(":")
    return name, {**PARAMS.get(name, {}), **({"baseline": baseline} if baseline else {})}


def image_set(count: int, seed: int) -> list[tuple[str, np.ndarray]]:
    from inputs.datasets import sample_crop
    from inputs.samples import SAMPLE_IMAGES, sample_image

    named = [(f"sample:{n}", sample_image(n)) for n in SAMPLE_IMAGES][:count]
    crops = [(f"crop:{seed}:{i}", sample_crop(seed, i, 224)[0])
             for i in range(count - len(named))]
    return named + crops


def phantom_set(count: int, seed: int) -> list[tuple[str, np.ndarray]]:
    """Generated chest phantoms (with and without a lesion) as 8-bit RGB."""
    from inputs.phantoms import phantom_case, to_rgb8

    return [(f"phantom:{seed}:{i}", to_rgb8(phantom_case(seed, i).image)) for i in range(count)]


def current(row: dict) -> dict:
    """A row written before the score schema: ``gap``/``verdict`` renamed (road_gap, ...)."""
    from explainers.metrics.schema import current_names

    old = {"gap": "road_gap", "verdict": "road_verdict"}
    return {k: ({old.get(a, a): b for a, b in current_names(v).items()}
                if isinstance(v, dict) else v) for k, v in row.items()}


def one_image(model, rgb: np.ndarray, methods) -> dict:
    import torch

    from explainers.metrics import schema
    from explainers.metrics.road import road_curves
    from explainers.metrics.road_verdict import random_road, verdict
    from explainers.run import explain
    from inputs.image_io import to_tensor

    x = to_tensor(rgb)
    with torch.inference_mode():
        target = int(model.module(model.preprocess(x)).argmax())
    started = time.perf_counter()
    baseline = random_road(model, x, target)
    row = {"target": model.labels[target], "random_gap": baseline.gap,
           "random_spread": baseline.spread, "impute_s": sum(r.impute_seconds for r in baseline.runs)}
    for method in methods:
        name, settings = method_settings(method)
        result = explain(model, name, x, target, **settings)
        maps = {method: result.scores}
        if result.signed:  # also ranked by magnitude, for comparison with the signed order
            maps[f"{method} |map|"] = np.abs(result.scores)
        for name, scores in maps.items():
            curves = road_curves(model, x, scores, target)
            row[name] = schema.road_numbers(curves) | {
                schema.ROAD_VERDICT: verdict(curves, baseline).outcome}
            row["impute_s"] += curves.impute_seconds
    row["seconds"] = time.perf_counter() - started
    return row


def table(rows: list[dict], methods) -> str:
    methods = [m for m in rows[0] if isinstance(rows[0][m], dict)]
    lines = ["| method | beats random | cannot tell | worse | mean gap (random mean) |",
             "|---|---|---|---|---|"]
    for m in methods:
        counts = Counter(r[m]["road_verdict"] for r in rows)
        gap = np.mean([r[m]["road_gap"] for r in rows])
        rand = np.mean([r["random_gap"] for r in rows])
        lines.append(f"| {m} | {counts['beats random'] / len(rows):.0%} | "
                     f"{counts['cannot tell'] / len(rows):.0%} | "
                     f"{counts['worse than random'] / len(rows):.0%} | {gap:+.3f} ({rand:+.3f}) |")
    cost = np.mean([r["seconds"] for r in rows]), np.mean([r["impute_s"] for r in rows])
    lines.append(f"\n{len(rows)} images; per image {cost[0]:.1f} s for the random maps and "
                 f"{len(methods)} maps, of which imputation {cost[1]:.1f} s.")
    return "\n".join(lines)


def main() -> None:
    from model_zoo import load_model

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=50)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--model", default="mobilenet_v2")
    parser.add_argument("--images", choices=("samples", "phantoms"), default="samples")
    parser.add_argument("--methods", default=",".join(METHODS))
    parser.add_argument("--out", type=Path, default=Path("road_validation.jsonl"))
    args = parser.parse_args()
    done = {}
    if args.out.is_file():
        done = {r["image"]: current(r) for r in map(json.loads, args.out.read_text().splitlines())}
    methods = tuple(args.methods.split(","))
    model = load_model(args.model)
    with args.out.open("a") as out:
        images = phantom_set if args.images == "phantoms" else image_set
        for name, rgb in images(args.count, args.seed):
            if name not in done:
                done[name] = {"image": name, **one_image(model, rgb, methods)}
                out.write(json.dumps(done[name]) + "\n")
                out.flush()
                print(name, {m: v["road_verdict"] for m, v in done[name].items()
                             if isinstance(v, dict)}, file=sys.stderr, flush=True)
    print(table(list(done.values()), methods))


if __name__ == "__main__":
    main()
