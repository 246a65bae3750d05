"""Beats-random shares of two faithfulness families under several nulls, on real photos.

Run: python scripts/faithfulness_validation.py --photos tuning|reporting [--surrogates 2]
    [--old-null] [--out f.jsonl]
For each photo of the split (``inputs.photos``: tuning chooses, reporting reports), the
model's top class is explained by Grad-CAM and by Integrated Gradients (16 fixed
Gauss-Legendre steps from the blurred baseline, as scripts/road_validation.py: ROAD judges
the map's order, not its completeness), signed and ranked by magnitude. Each map is scored
by ROAD and by region perturbation, and so are ``--surrogates`` permuted and as many
shifted surrogates of it (``matched_null``; 2 + 2 is the page's null), and with
``--old-null`` 4 per-cell random maps (ROAD's null before). One JSON line per photo
(resumable); then, per null, the share of photos on which each map beats random under
ROAD, under region perturbation, and under both (the words' rule, ``two_families``).
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

NULLS = {"matched: 2 permuted + 2 shifted (page)": ("permuted", 2, "shifted", 2),
         "matched: 4 permuted": ("permuted", 4, "shifted", 0),
         "matched: 4 shifted": ("permuted", 0, "shifted", 4),
         "per-cell noise, 4 maps (ROAD's null before)": None}


def one_photo(model, rgb: np.ndarray, surrogates: int, old_null: bool,
              signed: bool) -> dict:
    import torch

    from explainers.metrics.faithfulness import map_on_input_grid, random_map
    from explainers.metrics.matched_null import matched_maps
    from explainers.metrics.region_perturbation import region_curves
    from explainers.metrics.road import road_curves
    from explainers.run import explain
    from inputs.image_io import to_tensor

    x = to_tensor(rgb)
    with torch.inference_mode():
        target = int(model.module(model.preprocess(x)).argmax())
    started = time.perf_counter()

    def gaps(scores: np.ndarray, k: int | None = None) -> list[float]:
        seed = 0 if k is None else 1000 * (k + 1)  # two_families' imputation seeds
        return [road_curves(model, x, scores, target, seed=seed).gap,
                region_curves(model, x, scores, target).gap]

    ig = explain(model, "integrated_gradients", x, target, steps=16, adaptive=False).scores
    maps = {"gradcam": explain(model, "gradcam", x, target).scores, "ig_abs": np.abs(ig)}
    if signed:
        maps["ig"] = ig
    row = {"target": model.labels[target]}
    if old_null:
        row["cell"] = [gaps(random_map(model.input_size, k, 4), k) for k in range(4)]
    for name, scores in maps.items():
        grid = map_on_input_grid(model, x, scores)
        row[name] = gaps(scores)
        row[f"{name}_permuted"] = [gaps(m, k) for k, m in enumerate(
            matched_maps(grid, surrogates, 0, ("permuted",)))]
        row[f"{name}_shifted"] = [gaps(m, k) for k, m in enumerate(
            matched_maps(grid, surrogates, 0, ("shifted",)))]
    row["seconds"] = time.perf_counter() - started
    return row


def null_gaps(row: dict, name: str, null) -> np.ndarray:
    """(maps, 2) gaps of the null's random maps for map ``name`` (ROAD, region)."""
    if null is None:
        return np.array(row["cell"])
    kind_a, count_a, kind_b, count_b = null
    return np.array(row[f"{name}_{kind_a}"][:count_a] + row[f"{name}_{kind_b}"][:count_b])


def outcomes(row: dict, name: str, null) -> tuple[str, str]:
    """(ROAD, region) outcomes by road_verdict's rule against the null's antithetic pairs."""
    from explainers.metrics.road_verdict import antithetic_spread

    randoms, own = null_gaps(row, name, null), row[name]

    def one(i: int) -> str:
        spread = antithetic_spread(np.concatenate([randoms[:, i], -randoms[:, i]]))
        return ("beats random" if own[i] > spread else
                "worse than random" if own[i] < -spread else "cannot tell")
    return one(0), one(1)


def table(rows: list[dict]) -> str:
    lines = ["| null | map | ROAD beats random | region beats random | both (the words) | "
             "disagree |", "|---|---|---|---|---|---|"]
    for null_name, null in NULLS.items():
        counts = null and (null[1] + null[3])
        if null is None and "cell" not in rows[0] or counts and \
                len(rows[0]["gradcam_permuted"]) < max(null[1], null[3]):
            continue  # not measured in this run
        for name, title in (("gradcam", "Grad-CAM"), ("ig", "IG signed"),
                            ("ig_abs", "IG by magnitude")):
            found = [outcomes(r, name, null) for r in rows if name in r]
            if not found:
                continue
            title = title if len(found) == len(rows) else f"{title} ({len(found)} photos)"
            road = np.mean([a == "beats random" for a, _ in found])
            region = np.mean([b == "beats random" for _, b in found])
            both = np.mean([a == b == "beats random" for a, b in found])
            differ = np.mean([a != b for a, b in found])
            lines.append(f"| {null_name} | {title} | {road:.0%} | {region:.0%} | "
                         f"**{both:.0%}** | {differ:.0%} |")
    lines.append(f"\n{len(rows)} photos; {np.mean([r['seconds'] for r in rows]):.0f} s each "
                 "for the maps, all surrogates and both families.")
    return "\n".join(lines)


def main() -> None:
    import torch

    from inputs.photos import photo_name, photo_references, read_photo
    from model_zoo import load_model

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--photos", default="tuning", choices=("tuning", "reporting", "all"))
    parser.add_argument("--model", default="mobilenet_v2")
    parser.add_argument("--surrogates", type=int, default=2, help="per kind")
    parser.add_argument("--old-null", action="store_true")
    parser.add_argument("--no-signed", action="store_true", help="skip IG in signed order")
    parser.add_argument("--shard", default="1/1", help="i/n: every n-th photo from the i-th")
    parser.add_argument("--table-only", action="store_true", help="only print the table")
    parser.add_argument("--out", type=Path, default=Path("faithfulness_validation.jsonl"))
    args = parser.parse_args()
    torch.set_num_threads(1)
    done = {}
    if args.out.is_file():
        done = {r["image"]: r for r in map(json.loads, args.out.read_text().splitlines())}
    model = None if args.table_only else load_model(args.model)
    shard, shards = map(int, args.shard.split("/"))
    with args.out.open("a") as out:
        for i, (photo_set, ref) in enumerate(photo_references(args.photos)):
            if args.table_only or i % shards != shard - 1:
                continue
            name = f"{photo_set.name}-{photo_name(ref)}"
            if name not in done:
                done[name] = {"image": name, **one_photo(model, read_photo(ref), args.surrogates,
                                                         args.old_null, not args.no_signed)}
                out.write(json.dumps(done[name]) + "\n")
                out.flush()
                print(name, f"{done[name]['seconds']:.0f} s", file=sys.stderr, flush=True)
    print(table(list(done.values())))


if __name__ == "__main__":
    main()
