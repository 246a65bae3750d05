"""The Shapley lesson's core: exact Shapley values of a small grid of image regions (2^n
coalitions), and the cheaper estimators racing towards them as evaluations arrive.

No Streamlit here: the page and ``cli.py shapley`` both draw what ``Lesson`` yields.
Errors are relative L2 distances to the exact values: ||phi_hat - phi|| / ||phi||.
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Callable, Iterator

import numpy as np
import torch

from explainers.image.learned_shap import region_values, spread, trained_for
from explainers.image.partition_shap import partition_shap
from explainers.image.region_game import RegionGame, all_coalitions, exact_shapley, pool_to_grid
from explainers.image.shapley_estimators import kernel_estimates, permutation_estimates
from model_zoo import ImageClassifier

GRIDS = {4: (2, 2), 6: (2, 3), 8: (2, 4), 9: (3, 3), 12: (3, 4), 16: (4, 4)}
METHODS = ("KernelSHAP", "Permutation sampling", "Partition (pixels, pooled)", "Learned (FastSHAP)")


@dataclass(frozen=True)
class Point:
    """One estimator's state: evaluations spent, seconds spent, error against exact."""

    method: str
    evals: int
    seconds: float
    error: float
    values: np.ndarray


def relative_error(estimate: np.ndarray, exact: np.ndarray) -> float:
    return float(np.linalg.norm(estimate - exact) / max(np.linalg.norm(exact), 1e-12))


class Lesson:
    """One image, one model, one grid: the game, its exact values and the race."""

    def __init__(self, model: ImageClassifier, image: torch.Tensor, regions: int) -> None:
        if regions not in GRIDS:
            raise ValueError(f"regions must be one of {', '.join(map(str, GRIDS))}")
        self.model, self.grid, self.n = model, GRIDS[regions], regions
        self.x = model.preprocess(image)
        self.target = int(model.logits(image).argmax())
        self.game = RegionGame(model, self.x, self.grid)

    def v(self, masks: np.ndarray) -> np.ndarray:
        return self.game(torch.from_numpy(masks))[:, self.target].numpy()

    def exact(self, progress: Callable[[float], None] = lambda f: None) -> tuple[np.ndarray, float]:
        """Exact Shapley values from all 2^n coalitions, and the seconds it took."""
        started, masks = time.perf_counter(), all_coalitions(self.n)
        chunks = np.array_split(np.arange(len(masks)), max(1, len(masks) // 1024))
        values = []
        for i, rows in enumerate(chunks):
            values.append(self.v(masks[rows]))
            progress((i + 1) / len(chunks))
        return exact_shapley(np.concatenate(values), self.n), time.perf_counter() - started

    def learned(self) -> np.ndarray | None:
        """The learned explainer's values pooled onto this grid, if one is trained here."""
        facts = trained_for(self.model)
        if facts is None:
            return None
        values, _ = region_values(self.model, self.x)
        cell = values[self.target].view(1, *facts["grid"])
        return pool_to_grid(spread(cell, tuple(self.x.shape[-2:]))[0], self.grid)

    def partition(self, budget: int) -> np.ndarray:
        scores = partition_shap(self.model, self.x, self.target, max_evals=budget).scores
        return pool_to_grid(scores, self.grid)

    def race(self, exact: np.ndarray, budget: int, seed: int = 0) -> Iterator[Point]:
        """Every estimator's points, the one with the fewest evaluations stepped next."""
        rng = np.random.default_rng(seed)
        runs: dict[str, Iterator[tuple[int, np.ndarray]]] = {
            METHODS[0]: kernel_estimates(self.v, self.n, budget, rng, step=2 * self.n),
            METHODS[1]: permutation_estimates(self.v, self.n, max(1, budget // (self.n + 1)), rng),
            METHODS[2]: ((b, self.partition(b)) for b in partition_budgets(budget)),
        }
        spent = {name: (0, 0.0) for name in runs}
        self.learned()  # loads and traces the explainer once: the race times one pass
        started = time.perf_counter()
        learned = self.learned()
        if learned is not None:
            yield Point(METHODS[3], 2, time.perf_counter() - started,
                        relative_error(learned, exact), learned)
        while runs:
            name = min(runs, key=lambda m: spent[m][0])
            started = time.perf_counter()
            step = next(runs[name], None)
            if step is None:
                del runs[name]
                continue
            seconds = time.perf_counter() - started  # a partition point is one fresh run
            seconds += spent[name][1] if name != METHODS[2] else 0.0
            spent[name] = (step[0], seconds)
            yield Point(name, step[0], seconds, relative_error(step[1], exact), step[1])


def partition_budgets(budget: int) -> list[int]:
    """16, 32, 64, ... up to ``budget``: partition SHAP rerun at doubling budgets."""
    out = [16]
    while out[-1] * 2 <= budget:
        out.append(out[-1] * 2)
    return out


def exact_costs(seconds_per_eval: float, sizes=range(4, 17)) -> list[dict]:
    """Coalitions and predicted seconds of exact Shapley as n grows (2^n evaluations)."""
    return [{"regions": n, "coalitions": 2 ** n, "seconds": round(2 ** n * seconds_per_eval, 2)}
            for n in sizes]
