"""One forward and one backward for the gradient methods asked for together (issue 27).

Grad-CAM, Grad-CAM++ and Layer-CAM read a CAM layer's activations and the target logit's
gradient there; saliency and gradient x input read the input gradient; guided Grad-CAM's
CAM part is a Grad-CAM. For one model, input and target they all come from one pass: a hook
(``explainers.hooks.captured``) on each CAM layer in use, on a private copy of the folded
network borrowed from the pool (so another session's pass never meets it), removed on exit,
and one ``torch.autograd.grad`` with respect to the input and those layers' outputs. A
method says what it reads with ``shared=SharedPart(...)`` in its registration; the maps
equal the separate calls' (the same network and operations; tests/test_shared_pass.py).
"""
from __future__ import annotations

from contextlib import ExitStack
from dataclasses import dataclass
from typing import Any, Callable, Iterable

import torch

from explainers.copy_pool import borrowed_copy
from explainers.folded_norms import folded_net
from explainers.gradients import Targets, target_scores
from explainers.hooks import captured


@dataclass(frozen=True)
class GradientPass:
    """What one forward+backward gave: the input gradient and each hooked layer's
    (activations, gradients), keyed by the layer's index in ``target_layers`` (>= 0)."""

    x: torch.Tensor
    targets: Targets
    logits: torch.Tensor
    input_gradient: torch.Tensor | None
    layers: dict[int, tuple[torch.Tensor, torch.Tensor]]
    depth: int  # how many CAM layers the model has (negative indices count from the end)

    def layer(self, index: int) -> tuple[torch.Tensor, torch.Tensor]:
        return self.layers[int(index) % self.depth]


Read = Callable[[Any, GradientPass, dict[str, Any]], torch.Tensor]  # (model, pass, settings)


@dataclass(frozen=True)
class SharedPart:
    """What a method reads from a shared pass and how it makes its (N, h, w) maps.

    ``layer``: it reads the CAM layer its ``layer`` parameter names; ``input_gradient``: it
    reads d logit / d x; ``extra_evals``: passes of its own on top (guided backprop)."""

    read: Read
    layer: bool = False
    input_gradient: bool = False
    extra_evals: int = 0


def _index(depth: int, layer: int) -> int:
    if not -depth <= int(layer) < depth:
        raise ValueError(f"layer {layer} is outside -{depth}..{depth - 1}")
    return int(layer) % depth


def gradient_pass(model: Any, x: torch.Tensor, targets: Targets, layers: Iterable[int] = (),
                  input_gradient: bool = False) -> GradientPass:
    """One forward and one backward of ``model`` (an ImageClassifier) on a batch ``x``.

    Without the input gradient the graph starts at the earliest hooked layer (a leaf), so
    the forward below it costs what inference costs, as a lone Grad-CAM's does."""
    net = folded_net(model)
    depth = len(model.target_layers(net))
    indices = sorted({_index(depth, i) for i in layers})
    leaf_at = indices[0] if indices and not input_gradient else None
    with borrowed_copy(net) as copy, ExitStack() as hooks, torch.enable_grad():
        chosen = model.target_layers(copy)
        outputs = {i: hooks.enter_context(captured(chosen[i], leaf=i == leaf_at))
                   for i in indices}
        start = x.detach().float().clone().requires_grad_(input_gradient)
        logits = copy(start)
        activations = [outputs[i][-1] for i in indices]
        wrt = ([start] if input_gradient else []) + activations
        grads = list(torch.autograd.grad(target_scores(logits, targets).sum(), wrt))
    found = grads.pop(0) if input_gradient else None
    return GradientPass(x, targets, logits.detach(), found,
                        {i: (a.detach(), g) for i, a, g in zip(indices, activations, grads)},
                        depth)


def shared_maps(model: Any, x: torch.Tensor, targets: Targets,
                requests: dict[str, tuple[SharedPart, dict[str, Any]]]
                ) -> dict[str, torch.Tensor]:
    """(N, h, w) maps of every requested method (name -> (part, settings)) from one pass."""
    layers = [s["layer"] for part, s in requests.values() if part.layer]
    needs_input = any(part.input_gradient for part, _ in requests.values())
    found = gradient_pass(model, x, targets, layers, needs_input)
    return {name: part.read(model, found, settings) for name, (part, settings) in requests.items()}
