"""Running a model with LRP rules in place of its layers, with no hooks and no tracing.

A thread-local ``TorchFunctionMode`` sees every torch call of one forward pass in this
thread only (other sessions' passes on the shared model are untouched). Calls that touch
the relevance-carrying tensors are swapped for the rules in ``lrp_rules``; any such call
this module does not know makes the model incompatible, so no map is ever silently wrong.
A first probe pass (cached per model) checks that, and finds each batch norm that directly
follows a convolution used by nothing else, to fold it into that convolution.
"""
from __future__ import annotations

import functools
import weakref
from collections import Counter
from dataclasses import dataclass, field

import torch
import torch.nn.functional as F
from torch import nn
from torch.overrides import TorchFunctionMode

from explainers.image.lrp_rules import LinearRule, PassRule, SumRule

WEIGHTED = {"conv2d", "linear"}
POOLS = {"adaptive_avg_pool2d", "avg_pool2d", "mean"}
RECTIFIERS = {"relu", "relu_", "relu6", "hardtanh", "hardtanh_"}
SCALINGS = {"sub", "__sub__", "div", "__truediv__", "truediv", "mul", "__mul__", "__rmul__"}
SUMS = {"add", "__add__", "__iadd__", "__radd__", "add_"}
ROUTING = {"flatten", "view", "reshape", "contiguous", "max_pool2d", "_max_pool2d",
           "squeeze", "unsqueeze", "pad"}


@dataclass
class Plan:
    """What the probe found: unsupported calls, and folded (weight, bias) per conv weight."""

    unsupported: list[str] = field(default_factory=list)
    folded: dict[int, tuple[torch.Tensor, torch.Tensor]] = field(default_factory=dict)


def _holds_tensor(value: object) -> bool:
    if isinstance(value, (list, tuple)):
        return any(_holds_tensor(v) for v in value)
    return isinstance(value, torch.Tensor)


def _conv_args(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    return input, weight, bias, (stride, padding, dilation, groups)


def _linear_args(input, weight, bias=None):
    return input, weight, bias


def _bn_args(input, running_mean, running_var, weight=None, bias=None, training=False,
             momentum=0.1, eps=1e-5):
    return input, running_mean, running_var, weight, bias, training, eps


def _conv(a, w, b, *, options):
    return F.conv2d(a, w, b, *options)


def _linear(a, w, b):
    return F.linear(a, w, b)


def fold(weight: torch.Tensor, bias: torch.Tensor | None, bn: tuple) -> tuple:
    """Batch norm after a conv as one conv: W' = W g/s, b' = (b - mu) g/s + beta."""
    mean, var, gamma, beta, eps = bn
    scale = (gamma if gamma is not None else 1.0) / torch.sqrt(var + eps)
    shift = (bias if bias is not None else 0.0) - mean
    return (weight * scale.view(-1, *[1] * (weight.dim() - 1)),
            shift * scale + (beta if beta is not None else 0.0))


class RelevanceMode(TorchFunctionMode):
    """Probe (``plan=None``): run normally, record. Run: apply ``rule`` with ``plan``."""

    def __init__(self, plan: Plan | None, rule: str = "epsilon", eps: float = 1e-6) -> None:
        super().__init__()
        self.plan, self.rule, self.eps = plan, rule, eps
        self.carriers: dict[int, torch.Tensor] = {}
        self.uses: Counter = Counter()
        self.conv_outputs: dict[int, tuple] = {}  # probe: id(out) -> (weight, bias)
        self.candidates: list[tuple] = []  # probe: (id(conv out), weight, bias, bn)
        self.prefolded: set[int] = set()
        self.unsupported: list[str] = []
        self.bn_calls = 0
        self.weight_calls: Counter = Counter()  # probe: calls per weight (shared layers)

    def carry(self, t: torch.Tensor) -> torch.Tensor:
        self.carriers[id(t)] = t
        return t

    def carries(self, t: object) -> bool:
        return isinstance(t, torch.Tensor) and self.carriers.get(id(t)) is t

    def __torch_function__(self, func, types, args=(), kwargs=None):
        kwargs = kwargs or {}
        flat = [*args, *kwargs.values()]
        flat += [t for a in flat if isinstance(a, (list, tuple)) for t in a]
        carried = [a for a in flat if self.carries(a)]
        if not carried:
            return func(*args, **kwargs)
        name = getattr(func, "__name__", str(func))
        out = self.dispatch(func, name, args, kwargs, carried)
        if out is None:  # metadata (shape, size, dim) passes; an unknown tensor op does not
            out = func(*args, **kwargs)
            if _holds_tensor(out):
                self.unsupported.append(name)
            return out
        for t in carried:
            self.uses[id(t)] += 1
        return self.carry(out) if isinstance(out, torch.Tensor) else out

    def dispatch(self, func, name, args, kwargs, carried):
        if name in WEIGHTED:
            return self.weighted(func, name, args, kwargs)
        if name == "batch_norm":
            return self.batch_norm(func, args, kwargs)
        if name in POOLS and self.carries(args[0]):
            pool = lambda a, _w, _b: func(a, *args[1:], **kwargs)  # noqa: E731
            return self.apply_linear(pool, args[0], None, None)
        if name in RECTIFIERS:
            return self.rectifier(func, name, args, kwargs)
        if name == "dropout" and not kwargs.get("training", args[2] if len(args) > 2 else True):
            return args[0]
        if name in SUMS and len(carried) == 2 and not kwargs.get("alpha"):
            return self.residual_sum(args[0], args[1])
        if name in SCALINGS and len(carried) == 1 and self.carries(args[0]):
            return self.scaling(func, args, kwargs)
        if name in ROUTING and (name != "pad" or kwargs.get("value") in (None, 0)):
            return func(*args, **kwargs)  # autograd routes relevance like values
        return None

    def weighted(self, func, name, args, kwargs):
        if name == "linear":
            a, weight, bias = _linear_args(*args, **kwargs)
            fn = _linear
        else:
            a, weight, bias, options = _conv_args(*args, **kwargs)
            fn = functools.partial(_conv, options=options)
        if not self.carries(a) or self.carries(weight):
            return None
        if self.plan is None:
            out = fn(a, weight, bias)
            self.conv_outputs[id(out)] = (weight, bias)
            self.weight_calls[id(weight)] += 1
            return out
        if id(weight) in self.plan.folded:
            weight, bias = self.plan.folded[id(weight)]
            out = self.apply_linear(fn, a, weight, bias)
            self.prefolded.add(id(out))
            return out
        return self.apply_linear(fn, a, weight, bias)

    def apply_linear(self, fn, a, weight, bias):
        if self.plan is None:
            return fn(a, weight, bias)
        return LinearRule.apply(a, fn, weight, bias, self.rule, self.eps)

    def batch_norm(self, func, args, kwargs):
        a, mean, var, gamma, beta, training, eps = _bn_args(*args, **kwargs)
        if training:
            return None
        if self.plan is None:
            self.bn_calls += 1
            if id(a) in self.conv_outputs:
                bn = (mean, var, gamma, beta, eps)
                self.candidates.append((id(a), *self.conv_outputs[id(a)], bn))
            return func(*args, **kwargs)
        return a if id(a) in self.prefolded else None

    def rectifier(self, func, name, args, kwargs):
        low = args[1] if len(args) > 1 else kwargs.get("min_val", -1.0)
        if name.startswith("hardtanh") and low != 0:  # only hardtanh(0, t) is a rectifier
            return None
        out_of_place = {**kwargs, "inplace": False} if "inplace" in kwargs else kwargs
        call = torch.relu if name == "relu_" else (F.hardtanh if name == "hardtanh_" else func)
        fn = lambda a: call(a, *args[1:], **out_of_place)  # noqa: E731
        return fn(args[0]) if self.plan is None else PassRule.apply(args[0], fn)

    def residual_sum(self, x, y):
        if not (self.carries(x) and self.carries(y)) or x.shape != y.shape:
            return None
        return x + y if self.plan is None else SumRule.apply(x, y, self.rule, self.eps)

    def scaling(self, func, args, kwargs):
        a = args[0]
        fn = lambda t: func(t, *args[1:], **kwargs)  # noqa: E731
        out = fn(a) if self.plan is None else PassRule.apply(a, fn)
        return out if out.shape == a.shape else None

    def finish_probe(self) -> Plan:
        """Folds are kept only where the conv's output feeds the batch norm alone, and the
        conv is called once (a layer applied twice is not folded, so the model is refused)."""
        plan = Plan(unsupported=sorted(set(self.unsupported)))
        for out_id, weight, bias, bn in self.candidates:
            if self.uses[out_id] == 1 and self.weight_calls[id(weight)] == 1:
                plan.folded[id(weight)] = fold(weight, bias, bn)
        if len(plan.folded) < self.bn_calls:
            plan.unsupported.append("batch_norm (not right after a convolution)")
        return plan


_PLANS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def relevance_plan(module: nn.Module, input_size: tuple[int, int]) -> Plan:
    """Probe ``module`` once on a blank image; cached for the module's lifetime."""
    if module not in _PLANS:
        mode = RelevanceMode(None)
        x = torch.zeros(1, 3, *input_size)
        with torch.no_grad():
            mode.carry(x)
            with mode:
                module(x)
        _PLANS[module] = mode.finish_probe()
    return _PLANS[module]
