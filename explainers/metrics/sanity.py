"""Sanity check by cascading model-parameter randomisation (Adebayo et al. 2018, sec. 3.1).

From the output end down, one more block of the model gets fresh random weights at each step,
and the method explains the same input and target again. A method whose map barely changes
while the model that produced the class is destroyed explains the image, not the model.
Similarity is Spearman's rank correlation of the absolute maps, as Adebayo et al. report it
(a signed method flipping sign is still the same evidence). The verdict reads the whole
curve (``sanity_verdict``: one rule for the page's badge, the CLI and the exports).

The shared model is never touched: each step works on a private copy whose randomised
blocks own NEW parameter and buffer tensors (the other blocks share the frozen originals).
One loop checks any number of methods: each randomised copy is built once per block and
explained by every method; a single method is the loop with one. ``on_block`` is called after
each block with the reports so far, so a page can draw points as they arrive.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np
import torch
from torch import nn

from explainers.private_copy import private_copy
from explainers.progress import progress_span, report
from explainers.metrics.rank import spearman
from explainers.metrics.sanity_verdict import CHANGED_RHO, SanityVerdict, sanity_verdict
from explainers.result import Explanation
from explainers.run import explain
from model_zoo import ImageClassifier
from model_zoo.classifier import freeze



@dataclass(frozen=True)
class SanityStep:
    """The map after randomising every block down to and including ``layer``."""

    layer: str
    spearman: float
    scores: np.ndarray


@dataclass(frozen=True)
class SanityReport:
    method: str
    target: int
    original: Explanation
    steps: tuple[SanityStep, ...]
    verdict: SanityVerdict  # from the whole curve (sanity_verdict.RULE)
    threshold: float = CHANGED_RHO

    @property
    def final_spearman(self) -> float:
        """Rho after the last randomised block (shown; the verdict reads the whole curve)."""
        return self.steps[-1].spearman

    @property
    def insensitive(self) -> bool:
        """The verdict says the map ignores the model (the badge's warning, the CSV column)."""
        return self.verdict.outcome == "insensitive to the model"


BlockFn = Callable[[int, int, dict[str, SanityReport]], None]


def blocks_to_randomise(model: ImageClassifier, max_steps: int | None) -> int:
    """How many blocks a check of ``max_steps`` blocks (None: all) randomises on ``model``."""
    return len(randomisation_blocks(model, model.module)[:max_steps])


def holds_parameters(module: nn.Module) -> bool:
    return any(True for _ in module.parameters())


def randomisation_blocks(model: ImageClassifier, module: nn.Module) -> list[str]:
    """Dotted names of the blocks to randomise, output end first.

    The model's CAM blocks (outermost ones) plus each largest parameterised subtree that holds
    none of them (the classifier head, a stem, a head conv), ordered by their place in the
    module tree, which for the bundled models is forward order, then reversed.
    """
    names = {id(m): n for n, m in module.named_modules()}
    picked = [names[id(m)] for m in model.target_layers(module)
              if id(m) in names and holds_parameters(m)]
    blocks = [n for n in dict.fromkeys(picked)
              if n and not any(n.startswith(f"{other}.") for other in picked if other != n)]

    def covers_block(name: str) -> bool:
        return any(b == name or b.startswith(f"{name}.") or not name for b in blocks)

    outside = []
    for name, sub in module.named_modules():
        inside = any(name == b or name.startswith(f"{b}.") for b in blocks)
        parent = name.rpartition(".")[0] if "." in name else ""
        if (name and not inside and not covers_block(name) and holds_parameters(sub)
                and covers_block(parent)):
            outside.append(name)
    order = {n: i for i, (n, _) in enumerate(module.named_modules())}
    return sorted(blocks + outside, key=order.__getitem__, reverse=True)


def randomise_(block: nn.Module, seed: int) -> None:
    """Fresh weights for ``block``: new tensors, each layer's own ``reset_parameters`` init.

    A parameter of a layer with no reset gets normal noise at the original's scale.
    """
    for layer in block.modules():
        for name, value in list(layer._parameters.items()):
            if value is not None:
                layer._parameters[name] = nn.Parameter(value.detach().clone(), requires_grad=False)
        for name, value in list(layer._buffers.items()):
            if value is not None:
                layer._buffers[name] = value.detach().clone()
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        for layer in block.modules():
            if not layer._parameters:
                continue
            if callable(getattr(layer, "reset_parameters", None)):
                layer.reset_parameters()
                continue
            for value in layer._parameters.values():
                if value is not None:
                    with torch.no_grad():
                        value.normal_(0.0, float(value.std()) if value.numel() > 1 else 0.01)
    freeze(block)


def sanity_report(method: str, target: int, original: Explanation,
                  steps: list[SanityStep]) -> SanityReport:
    verdict = sanity_verdict(original.scores, [s.spearman for s in steps],
                             [s.scores for s in steps])
    return SanityReport(method=method, target=target, original=original, steps=tuple(steps),
                        verdict=verdict)


def cascading_randomisation_all(model: ImageClassifier, methods: list[str], image: torch.Tensor,
                                target: int, params: dict[str, dict[str, Any]] | None = None,
                                seed: int = 0, max_steps: int | None = None,
                                on_block: BlockFn | None = None) -> dict[str, SanityReport]:
    """One report per method; the same randomised copies serve every method."""
    if not isinstance(model, ImageClassifier):
        raise ValueError("the randomisation sanity check runs on image models")
    if max_steps is not None and max_steps < 1:
        raise ValueError(f"max_steps must be at least 1, got {max_steps}")
    names = randomisation_blocks(model, model.module)[:max_steps]
    if not names:
        raise ValueError(f"model {model.name!r} has no parameters to randomise")
    if not methods:
        raise ValueError("no method to check")
    params = params or {}
    with progress_span(0.0, 0.0):
        originals = {m: explain(model, m, image, target, **params.get(m, {})) for m in methods}
    steps: dict[str, list[SanityStep]] = {m: [] for m in methods}
    module = model.module
    for i, name in enumerate(names):
        # a new module object per step (sharing all tensors but the block's), so nothing a
        # method keeps per module (a hooked twin, say) outlives the weights it was made from;
        # built once per block, shared by all methods
        module = freeze(private_copy(module))
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
            on_block(i + 1, len(names), {m: sanity_report(m, target, originals[m], steps[m])
                                         for m in methods})
    return {m: sanity_report(m, target, originals[m], steps[m]) for m in methods}


def cascading_randomisation(model: ImageClassifier, method: str, image: torch.Tensor, target: int,
                            params: dict[str, Any] | None = None, seed: int = 0,
                            max_steps: int | None = None) -> SanityReport:
    """Explain again after randomising each block from the output down; compare |maps|."""
    return cascading_randomisation_all(model, [method], image, target, {method: params or {}},
                                       seed, max_steps)[method]
