"""Signal patterns from data, for PatternNet and PatternAttribution (Kindermans et al. 2018,
"Learning how to explain neural networks", ICLR).

For a unit y = wᵀx the data x = s + d hold a signal s (what y is about) and a distractor d
(what w must cancel). The gradient shows w, which is shaped by the distractor as much as by
the signal. The pattern a = cov(x, y) / (wᵀ cov(x, y)) (eq. 4, the linear estimator S_a)
recovers the signal's direction; for a unit followed by a ReLU the two-component estimator
S_a+- keeps the part where y > 0 (eq. 5): a₊ = (E₊[xy] − E₊[x]E₊[y]) / wᵀ(E₊[xy] − E₊[x]E₊[y]).
The output layer (no ReLU after it) gets S_a over all data.

Works on a network of Conv2d / Linear / ReLU / pooling / flatten modules; a BatchNorm2d right
after a convolution is folded into it first (eval-mode BN is a per-channel affine map).
Quality of an estimator: ρ(S) = 1 − max_v corr(y, vᵀ(x − S(x))) (eq. 7), on held-out data.
"""
from __future__ import annotations

import copy
from dataclasses import dataclass, field

import torch
import torch.nn.functional as F
from torch import nn

WEIGHTED = (nn.Conv2d, nn.Linear)
PASSIVE = (nn.ReLU, nn.MaxPool2d, nn.AdaptiveAvgPool2d, nn.AvgPool2d, nn.Flatten, nn.Dropout,
           nn.Identity, nn.Sequential)


def fold_batchnorm(module: nn.Module) -> nn.Module:
    """A deep copy in which every Conv2d → BatchNorm2d pair of a Sequential is one Conv2d."""
    folded = copy.deepcopy(module)
    for seq in [m for m in folded.modules() if isinstance(m, nn.Sequential)]:
        names = list(seq._modules)
        for first, second in zip(names, names[1:]):
            conv, bn = seq._modules[first], seq._modules[second]
            if isinstance(conv, nn.Conv2d) and isinstance(bn, nn.BatchNorm2d):
                scale = bn.weight / torch.sqrt(bn.running_var + bn.eps)
                bias = conv.bias if conv.bias is not None else torch.zeros_like(bn.running_mean)
                merged = nn.Conv2d(conv.in_channels, conv.out_channels, conv.kernel_size,
                                   conv.stride, conv.padding, conv.dilation, conv.groups, True)
                merged.weight.data = (conv.weight * scale.view(-1, 1, 1, 1)).detach()
                merged.bias.data = ((bias - bn.running_mean) * scale + bn.bias).detach()
                seq._modules[first], seq._modules[second] = merged, nn.Identity()
    return folded.eval().requires_grad_(False)


def supported(net: nn.Module, allowed: tuple[type, ...] = ()) -> bool:
    """True if every leaf module of the (folded) net is one the pattern rules cover."""
    kinds = WEIGHTED + PASSIVE + allowed
    return all(isinstance(m, kinds) for m in net.modules() if not list(m.children()))


def weighted_layers(net: nn.Module) -> list[nn.Module]:
    return [m for m in net.modules() if isinstance(m, WEIGHTED)]


def rows(layer: nn.Module, x: torch.Tensor) -> torch.Tensor:
    """The layer's inputs as rows (M, D): receptive-field patches for a convolution."""
    if isinstance(layer, nn.Linear):
        return x.reshape(-1, x.shape[-1])
    # contiguous: the models run channels-last, where unfold takes a path ~50x slower
    patches = F.unfold(x.contiguous(), layer.kernel_size, layer.dilation, layer.padding,
                       layer.stride)
    return patches.transpose(1, 2).reshape(-1, patches.shape[1])


def flat_weight(layer: nn.Module) -> torch.Tensor:
    return layer.weight.reshape(layer.weight.shape[0], -1)


@dataclass
class Moments:
    """Running sums for one layer: Σ over rows where the mask holds, per output unit."""

    positive_only: bool
    n: torch.Tensor | None = None
    sx: torch.Tensor | None = None
    sy: torch.Tensor | None = None
    sxy: torch.Tensor | None = None

    def add(self, x: torch.Tensor, y: torch.Tensor, gate: torch.Tensor) -> None:
        m = (gate > 0).double() if self.positive_only else torch.ones_like(gate, dtype=torch.float64)
        x, y = x.double(), y.double()
        parts = (m.sum(0), m.T @ x, (m * y).sum(0), (m * y).T @ x)
        if self.n is None:
            self.n, self.sx, self.sy, self.sxy = parts
        else:
            self.n, self.sx, self.sy, self.sxy = (a + b for a, b in
                                                  zip((self.n, self.sx, self.sy, self.sxy), parts))

    def pattern(self, w: torch.Tensor) -> torch.Tensor:
        """(out, D) a = cov(x, y) / (wᵀ cov(x, y)) per unit (eq. 4, or 5 on y > 0)."""
        n = self.n.clamp(min=1)[:, None]
        cov = self.sxy / n - (self.sx / n) * (self.sy[:, None] / n)
        scale = (w.double() * cov).sum(1, keepdim=True)
        safe = torch.where(scale.abs() > 1e-12, scale, torch.ones_like(scale))
        return torch.where(scale.abs() > 1e-12, cov / safe, torch.zeros_like(cov)).float()


@dataclass(frozen=True)
class Patterns:
    """One pattern per weighted layer (the weight's shape), in forward order, and quality."""

    patterns: tuple[torch.Tensor, ...]
    samples: int
    seconds: float
    quality: tuple[dict, ...] = field(default=())


def layer_rows(net: nn.Module, x: torch.Tensor) -> list[tuple[torch.Tensor, torch.Tensor]]:
    """(inputs as rows, outputs as rows) of each weighted layer for one batch; hooks removed."""
    layers = weighted_layers(net)
    seen: list[tuple[torch.Tensor, torch.Tensor]] = []

    def hook(layer, inputs, output):
        out = output.permute(0, 2, 3, 1) if output.dim() == 4 else output  # rows as unfold's
        seen.append((rows(layer, inputs[0]), out.reshape(-1, output.shape[1])))

    handles = [layer.register_forward_hook(hook) for layer in layers]
    try:
        with torch.inference_mode():
            net(x)
    finally:
        for handle in handles:
            handle.remove()
    return seen


def estimate_patterns(net: nn.Module, batches: list[torch.Tensor],
                      held_out: list[torch.Tensor] | None = None, quality_units: int = 8,
                      quality_rows: int = 5000) -> Patterns:
    """Two-component patterns (S_a+) for the hidden layers, S_a for the output layer.

    ``net`` is the folded network as the model runs it (inputs already normalised).
    ``held_out`` batches, if given, measure ρ(S_w) (the gradient's implicit signal) and
    ρ(S_a) per layer on data the patterns were not estimated from.
    """
    import time

    started = time.perf_counter()
    layers = weighted_layers(net)
    moments = [Moments(positive_only=i < len(layers) - 1) for i in range(len(layers))]
    samples = 0
    for x in batches:
        samples += len(x)
        for m, (xr, yr) in zip(moments, layer_rows(net, x)):
            m.add(xr, yr, yr)
    patterns = tuple(m.pattern(flat_weight(layer)).reshape(layer.weight.shape)
                     for m, layer in zip(moments, layers))
    quality = tuple(signal_quality(net, held_out, patterns, quality_units, quality_rows)
                    ) if held_out else ()
    return Patterns(patterns, samples, time.perf_counter() - started, quality)


def rho(xr: torch.Tensor, y: torch.Tensor, a: torch.Tensor, ridge: float = 1e-6) -> float:
    """ρ(S) = 1 − max_v corr(y, vᵀd), d = x − a·y (eq. 7); the max is the multiple
    correlation of y with d: sqrt(gᵀ Σ_d⁻¹ g / var y), g = cov(d, y)."""
    d = xr - y[:, None] * a[None]
    d, yc = d - d.mean(0), y - y.mean()
    var_y = (yc @ yc) / len(y)
    if var_y <= 1e-12:
        return float("nan")
    g = d.T @ yc / len(y)
    cov_d = d.T @ d / len(y)
    cov_d += torch.eye(len(g), dtype=d.dtype) * ridge * cov_d.trace().clamp(min=1e-12) / len(g)
    r2 = (g @ torch.linalg.solve(cov_d, g)) / var_y
    return float(1 - torch.sqrt(r2.clamp(0, 1)))


def signal_quality(net: nn.Module, held_out: list[torch.Tensor], patterns: tuple[torch.Tensor, ...],
                   units: int, max_rows: int) -> list[dict]:
    """Per layer, the mean ρ over a few units of the filter's estimator S_w (what the
    gradient implies) and the pattern's estimator, on held-out rows."""
    collected = [layer_rows(net, x) for x in held_out]
    report = []
    for i, layer in enumerate(weighted_layers(net)):
        xr = torch.cat([c[i][0] for c in collected]).double()
        yr = torch.cat([c[i][1] for c in collected]).double()
        if len(xr) > max_rows:
            pick = torch.randperm(len(xr), generator=torch.Generator().manual_seed(0))[:max_rows]
            xr, yr = xr[pick], yr[pick]
        w = flat_weight(layer).double()
        if len(xr) < 4 * w.shape[1]:  # ρ needs a regression on D inputs: too few rows, no figure
            report.append(dict(layer=i, kind=type(layer).__name__, units=0, rho_filter=None,
                               rho_pattern=None, note=f"{len(xr)} held-out rows for {w.shape[1]} inputs"))
            continue
        a = patterns[i].reshape(len(w), -1).double()
        chosen = torch.linspace(0, len(w) - 1, min(units, len(w))).round().long().unique()
        bias = layer.bias.double() if layer.bias is not None else torch.zeros(len(w), dtype=xr.dtype)
        y_all = yr - bias  # wᵀx, the linear part the estimators explain
        rw = [rho(xr, y_all[:, j], w[j] / (w[j] @ w[j])) for j in chosen.tolist()]
        ra = [rho(xr, y_all[:, j], a[j]) for j in chosen.tolist()]
        report.append(dict(layer=i, kind=type(layer).__name__, units=len(chosen),
                           rho_filter=round(float(torch.tensor(rw).nanmean()), 3),
                           rho_pattern=round(float(torch.tensor(ra).nanmean()), 3)))
    return report


class PatternLayer(nn.Module):
    """The layer's forward value; its input gradient goes through ``backward_weight``
    instead of the weight (PatternNet: the pattern; PatternAttribution: weight ⊙ pattern)."""

    def __init__(self, layer: nn.Module, backward_weight: torch.Tensor) -> None:
        super().__init__()
        self.layer, self.backward_weight = layer, backward_weight

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if isinstance(self.layer, nn.Linear):
            shadow = F.linear(x, self.backward_weight)
        else:
            c = self.layer
            shadow = F.conv2d(x, self.backward_weight, None, c.stride, c.padding, c.dilation,
                              c.groups)
        return shadow + (self.layer(x) - shadow).detach()


def pattern_network(net: nn.Module, patterns: Patterns, kind: str) -> nn.Module:
    """A copy of the folded ``net`` whose backward pass is PatternNet's (``"net"``) or
    PatternAttribution's (``"attribution"``); the forward values are unchanged."""
    if kind not in ("net", "attribution"):
        raise ValueError("kind is 'net' or 'attribution'")
    out = copy.deepcopy(net)
    swaps = [(out.get_submodule(path.rpartition(".")[0]), path.rpartition(".")[2], child)
             for path, child in out.named_modules() if isinstance(child, WEIGHTED)]
    for (parent, name, child), pattern in zip(swaps, patterns.patterns):  # weighted_layers' order
        weight = pattern if kind == "net" else child.weight * pattern
        setattr(parent, name, PatternLayer(child, weight.detach()))
    return out
