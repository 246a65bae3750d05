"""How faithful a learned explainer is on held-out images: its region values against a
Shapley estimate with many evaluations (permutation sampling on the same region game) and
against partition SHAP at a large budget pooled onto the grid, plus ROAD on its map."""
from __future__ import annotations

import time

import numpy as np
import torch

from explainers.image.learned_shap import region_values
from explainers.image.partition_shap import partition_shap
from explainers.image.region_game import RegionGame, pool_to_grid
from explainers.image.shapley_estimators import permutation_estimates
from explainers.metrics.rank import spearman
from explainers.metrics.road import road_curves
from model_zoo import ImageClassifier


def top_k_overlap(a: np.ndarray, b: np.ndarray, k: int) -> float:
    """Share of the k highest regions of ``a`` that are among the k highest of ``b``."""
    return len(set(np.argsort(-a)[:k]) & set(np.argsort(-b)[:k])) / k


def permutation_shapley(model: ImageClassifier, x: torch.Tensor, target: int,
                        grid: tuple[int, int], permutations: int, seed: int) -> np.ndarray:
    game = RegionGame(model, x, grid)
    v = lambda masks: game(torch.from_numpy(masks))[:, target].numpy()  # noqa: E731
    *_, (evals, phi) = permutation_estimates(v, game.players, permutations,
                                             np.random.default_rng(seed))
    return phi


def image_fidelity(model: ImageClassifier, image: torch.Tensor, shap_evals: int,
                   permutations: int, seed: int = 0) -> dict[str, float]:
    """One held-out image: agreement of the learned map with the slow references, speeds."""
    x = model.preprocess(image)
    target = int(model.logits(image).argmax())
    started = time.perf_counter()
    values, meta = region_values(model, x)
    learned_s = time.perf_counter() - started
    grid = tuple(meta["grid"])
    learned = values[target].numpy()
    reference = permutation_shapley(model, x, target, grid, permutations, seed)
    started = time.perf_counter()
    shap_map = partition_shap(model, x, target, max_evals=shap_evals).scores
    shap_s = time.perf_counter() - started
    partition = pool_to_grid(shap_map, grid)
    k = max(1, len(learned) // 8)
    pixel_map = torch.from_numpy(learned).float().view(1, 1, *grid)  # ROAD reads its order only
    pixel_map = torch.nn.functional.interpolate(pixel_map, size=x.shape[-2:], mode="nearest")[0, 0]
    return {"spearman_vs_shapley": spearman(learned, reference),
            "spearman_vs_partition": spearman(learned, partition),
            "spearman_partition_vs_shapley": spearman(partition, reference),
            "top_k_vs_shapley": top_k_overlap(learned, reference, k),
            "top_k_vs_partition": top_k_overlap(learned, partition, k),
            "road_gap_learned": road_curves(model, x[0], pixel_map.numpy(), target).gap,
            "road_gap_partition": road_curves(model, x[0], shap_map.numpy(), target).gap,
            "learned_seconds": learned_s, "partition_seconds": shap_s}


def fidelity(model: ImageClassifier, images: torch.Tensor, shap_evals: int = 1000,
             permutations: int = 16) -> dict[str, float]:
    """Means over held-out images (and the settings, so a reader knows what was compared)."""
    region_values(model, model.preprocess(images[0]))  # load the explainer before timing
    rows = [image_fidelity(model, image, shap_evals, permutations, seed=i)
            for i, image in enumerate(images)]
    means = {key: float(np.mean([r[key] for r in rows])) for key in rows[0]}
    return means | {"images": len(rows), "partition_evals": shap_evals,
                    "shapley_permutations": permutations}


def exact_fidelity(model: ImageClassifier, images: torch.Tensor, regions: int = 16,
                   shap_evals: int = 500) -> dict[str, float]:
    """Against exact Shapley values of a small grid (2^regions coalitions, the lesson's game):
    the learned values and partition SHAP at ``shap_evals`` pooled onto that grid; means of
    rank correlation, top-k overlap (k = regions / 4) and relative L2 error over images."""
    from explainers.image.shapley_lesson import Lesson, relative_error

    k, rows = max(1, regions // 4), []
    for image in images:
        lesson = Lesson(model, image, regions)
        exact, exact_s = lesson.exact()
        learned, partition = lesson.learned(), lesson.partition(shap_evals)
        rows.append({"spearman_learned": spearman(learned, exact),
                     "spearman_partition": spearman(partition, exact),
                     "top_k_learned": top_k_overlap(learned, exact, k),
                     "top_k_partition": top_k_overlap(partition, exact, k),
                     "rel_error_learned": relative_error(learned, exact),
                     "rel_error_partition": relative_error(partition, exact),
                     "exact_seconds": exact_s})
    means = {key: float(np.mean([r[key] for r in rows])) for key in rows[0]}
    return means | {"images": len(rows), "regions": regions, "coalitions": 2 ** regions,
                    "partition_evals": shap_evals, "top_k": k}
