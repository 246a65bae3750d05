"""Layer-wise relevance propagation with the epsilon and z+ rules (Bach et al. 2015;
Montavon et al. 2019), on any image model built only from the calls ``lrp_trace`` knows:
convolutions and linear layers (batch norm folded in), ReLU / ReLU6, average and max
pooling, flatten, eval-mode dropout, residual additions, input normalisation.

Elsewhere (attention, SiLU, squeeze-excitation gates, ...) the method reports that it
does not fit, rather than giving a map from rules that do not apply.
"""
from __future__ import annotations

import torch

from explainers.image.lrp_trace import RelevanceMode, relevance_plan
from explainers.registry import IncompatibleError, MethodOutput, register_explainer
from model_zoo import Classifier, ImageClassifier

RULES = ("epsilon", "zplus")


def fits_lrp(model: Classifier) -> bool:
    return isinstance(model, ImageClassifier) and not relevance_plan(
        model.module, model.input_size).unsupported


def input_relevance(model: ImageClassifier, x: torch.Tensor, target: int, rule: str,
                    epsilon: float) -> torch.Tensor:
    """Relevance (1, 3, H, W) of the pixels, starting from R = the target logit."""
    plan = relevance_plan(model.module, model.input_size)
    if plan.unsupported:
        raise IncompatibleError(f"LRP rules do not cover {', '.join(plan.unsupported)}")
    mode = RelevanceMode(plan, rule, epsilon)
    with torch.enable_grad():
        leaf = x.detach().float().clone().requires_grad_(True)
        mode.carry(leaf)
        with mode:
            logits = model.module(leaf)
        if mode.unsupported:
            raise IncompatibleError(f"LRP rules do not cover {', '.join(mode.unsupported)}")
        start = torch.zeros_like(logits)
        start[:, target] = logits[:, target].detach()
        (relevance,) = torch.autograd.grad(logits, leaf, start)
    return relevance


@register_explainer("lrp_epsilon", title="LRP-epsilon", modality="image", signed=True,
                    fits=fits_lrp, epsilon=0.01,
                    summary="The target logit redistributed layer by layer in proportion to "
                            "contributions (epsilon absorbs weak ones). For conv/BN/ReLU(6)/"
                            "pool/linear nets with residual sums; others are refused.")
def lrp_epsilon(model: ImageClassifier, x: torch.Tensor, target: int,
                epsilon: float = 0.01) -> MethodOutput:
    relevance = input_relevance(model, x, target, "epsilon", float(epsilon))
    return MethodOutput(scores=relevance.sum(dim=1)[0], model_evals=1)


@register_explainer("lrp_zplus", title="LRP-z+", modality="image", signed=False,
                    fits=fits_lrp,
                    summary="Relevance redistributed along positive contributions only "
                            "(z+, alpha1-beta0 for signed inputs): non-negative maps. Same "
                            "architectures as LRP-epsilon.")
def lrp_zplus(model: ImageClassifier, x: torch.Tensor, target: int) -> MethodOutput:
    relevance = input_relevance(model, x, target, "zplus", 0.0)
    return MethodOutput(scores=relevance.sum(dim=1)[0], model_evals=1)
