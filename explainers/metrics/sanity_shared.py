"""Cascading randomisation for several methods at once: each randomised copy of the model is
built once per block and explained by every method (Adebayo et al. 2018, sec. 3.1).

Building a copy is cheap next to explaining, but a per-method loop also re-randomises the
same block with the same seed once per method; here it happens once. ``on_block`` is
called after each block with the reports so far, so a page can draw points as they arrive.
"""
from __future__ import annotations

import dataclasses
from typing import Any, Callable

import numpy as np
import torch

from explainers.metrics.rank import spearman
from explainers.metrics.sanity import (INSENSITIVE_RHO, SanityReport, SanityStep,
                                       randomisation_blocks, randomise_)
from explainers.metrics.sanity_verdict import sanity_verdict
from explainers.private_copy import private_copy
from explainers.progress import progress_span, report
from explainers.run import explain
from model_zoo import ImageClassifier
from model_zoo.classifier import freeze

BlockFn = Callable[[int, int, dict[str, SanityReport]], None]


def finish(method: str, target: int, original, steps: list[SanityStep]) -> SanityReport:
    final = steps[-1].spearman
    return SanityReport(method=method, target=target, original=original, steps=tuple(steps),
                        final_spearman=final, insensitive=final > INSENSITIVE_RHO,
                        verdict=sanity_verdict(original.scores, [s.spearman for s in steps],
                                               [s.scores for s in steps]))


def cascading_randomisation_all(model: ImageClassifier, methods: list[str], image: torch.Tensor,
                                target: int, params: dict[str, dict[str, Any]] | None = None,
                                seed: int = 0, max_steps: int | None = None,
                                on_block: BlockFn | None = None) -> dict[str, SanityReport]:
    """One report per method; the same randomised copies serve every method."""
    if not isinstance(model, ImageClassifier):
        raise ValueError("the randomisation sanity check runs on image models")
    names = randomisation_blocks(model, model.module)[:max_steps]
    if not names or not methods:
        raise ValueError("nothing to randomise or no method to check")
    params = params or {}
    with progress_span(0.0, 0.0):
        originals = {m: explain(model, m, image, target, **params.get(m, {})) for m in methods}
    steps: dict[str, list[SanityStep]] = {m: [] for m in methods}
    module = model.module
    for i, name in enumerate(names):
        module = freeze(private_copy(module))  # built once per block, shared by all methods
        randomise_(module.get_submodule(name), seed + i)
        randomised = dataclasses.replace(model, module=module,
                                         name=f"{model.name} (randomised to {name})")
        for k, m in enumerate(methods):
            share = (i + k / len(methods)) / len(names), (i + (k + 1) / len(methods)) / len(names)
            with progress_span(*share):
                scores = explain(randomised, m, image, target, **params.get(m, {})).scores
            rho = spearman(np.abs(originals[m].scores), np.abs(scores))
            steps[m].append(SanityStep(layer=name, spearman=rho, scores=scores))
        report((i + 1) / len(names), f"randomised {name}")
        if on_block is not None:
            on_block(i + 1, len(names), {m: finish(m, target, originals[m], steps[m])
                                         for m in methods})
    return {m: finish(m, target, originals[m], steps[m]) for m in methods}
