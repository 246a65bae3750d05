"""How much a per-image ROAD verdict depends on the random maps it is judged against.

Run: python scripts/road_nulls.py [--count 12] [--seed 7] [--out road_nulls.jsonl]
For each image (random crops of the bundled samples, ``inputs.datasets.sample_crop``), the
ROAD gaps of Grad-CAM, Integrated Gradients (16 Gauss-Legendre steps, blurred baseline) and
|IG|, and of five kinds of random maps: 3 maps of 32 px cells (the page's null before this
study), 8 such maps, 4 per-cell random maps (4 px, the imputation grid: the ROAD paper's
pixel-random order, the page's null since), and per map 6 shifted copies of the map itself
(np.roll by a quarter to three quarters of each side) and 6 random-phase copies with the
map's own power spectrum (Theiler et al. 1992, surrogate data). Prints, per null and map,
the share of images on which the map beats random by the page's rule (``road_verdict``:
gap above the null's mean by more than twice its spread) and the share of its shifted
copies that do: a good null lets the first pass and stops the second.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

SHIFTS = SURROGATES = 6


def shifted(grid: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """The map moved by a quarter to three quarters of each side, wrapped around."""
    h, w = grid.shape
    return np.roll(grid, (int(rng.integers(h // 4, 3 * h // 4 + 1)),
                          int(rng.integers(w // 4, 3 * w // 4 + 1))), (0, 1))


def random_phase(grid: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A random map with ``grid``'s power spectrum (only its ranks matter to ROAD)."""
    spectrum = np.fft.rfft2(grid - grid.mean())
    phases = np.exp(2j * np.pi * rng.random(spectrum.shape))
    return np.fft.irfft2(np.abs(spectrum) * phases, s=grid.shape)


def one_image(model, rgb: np.ndarray) -> dict:
    import torch

    from explainers.metrics.faithfulness import map_on_input_grid, random_map
    from explainers.metrics.road import road_curves
    from explainers.run import explain
    from inputs.image_io import to_tensor

    x = to_tensor(rgb)
    with torch.inference_mode():
        target = int(model.module(model.preprocess(x)).argmax())
    def gap(scores: np.ndarray, k: int | None = None) -> float:
        """ROAD gap; the k-th random map gets road_verdict's imputation seed, a map seed 0."""
        return road_curves(model, x, scores, target, seed=0 if k is None else 1000 * (k + 1)).gap

    row = {"coarse": [gap(random_map(model.input_size, k, 32), k) for k in range(8)],
           "cell": [gap(random_map(model.input_size, k, 4), k) for k in range(4)]}
    maps = {"gradcam": explain(model, "gradcam", x, target).scores,
            "ig": explain(model, "integrated_gradients", x, target, steps=16,
                          adaptive=False).scores}
    maps["ig_abs"] = np.abs(maps["ig"])
    for name, scores in maps.items():
        grid, rng = map_on_input_grid(model, x, scores), np.random.default_rng(7)
        row[name] = gap(scores)
        row[f"{name}_shifted"] = [gap(shifted(grid, rng), k) for k in range(SHIFTS)]
        row[f"{name}_phase"] = [gap(random_phase(grid, rng), k) for k in range(SURROGATES)]
    return row


def antithetic(gaps) -> tuple[float, float]:
    """The page's null: mean 0, spread twice the root mean square (road_verdict)."""
    from explainers.metrics.road_verdict import antithetic_spread

    return 0.0, antithetic_spread(gaps)


def sampled(gaps) -> tuple[float, float]:
    """Shifted copies are not symmetric under reversal: their own mean, 2 SD."""
    from explainers.metrics.road_verdict import MIN_SPREAD

    return float(np.mean(gaps)), max(2 * float(np.std(gaps, ddof=1)), MIN_SPREAD)


NULLS = {"3 coarse maps, 32 px (before)": lambda r, m: antithetic(r["coarse"][:3]),
         "8 coarse maps, 32 px": lambda r, m: antithetic(r["coarse"]),
         "4 per-cell random maps, 4 px (now)": lambda r, m: antithetic(r["cell"]),
         "6 shifted copies of the map": lambda r, m: sampled(r[f"{m}_shifted"]),
         "6 random-phase copies of the map": lambda r, m: antithetic(r[f"{m}_phase"])}


def beats(gap: float, null: tuple[float, float]) -> bool:
    return gap - null[0] > null[1]


def table(rows: list[dict]) -> str:
    """Per null and map: beats random, real map / its shifted copies (separation)."""
    lines = ["| null | Grad-CAM | IG (signed) | IG by magnitude | separation |",
             "|---|---|---|---|---|"]
    for label, null in NULLS.items():
        cells, separation = [], []
        in_sample = label.startswith("6 shifted")  # its own copies: no fair separation
        for m in ("gradcam", "ig", "ig_abs"):
            real = np.mean([beats(r[m], null(r, m)) for r in rows])
            moved = np.mean([beats(g, null(r, m)) for r in rows for g in r[f"{m}_shifted"]])
            cells.append(f"{real:.0%}" if in_sample else f"{real:.0%} / {moved:.0%}")
            separation.append(real - moved)
        score = "n/a" if in_sample else f"{np.mean(separation) * 100:.0f}"
        lines.append(f"| {label} | " + " | ".join(cells) + f" | {score} |")
    return "\n".join(lines)


def main() -> None:
    from inputs.datasets import sample_crop
    from model_zoo import load_model

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=12)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path, default=Path("road_nulls.jsonl"))
    args = parser.parse_args()
    done = {}
    if args.out.is_file():
        done = {r["image"]: r for r in map(json.loads, args.out.read_text().splitlines())}
    model = load_model("mobilenet_v2")
    with args.out.open("a") as out:
        for i in range(args.count):
            name = f"crop:{args.seed}:{i}"
            if name not in done:
                done[name] = {"image": name, **one_image(model, sample_crop(args.seed, i, 224)[0])}
                out.write(json.dumps(done[name]) + "\n")
                out.flush()
                print(name, file=sys.stderr, flush=True)
    print(table(list(done.values())))


if __name__ == "__main__":
    main()
