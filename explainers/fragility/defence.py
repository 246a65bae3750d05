"""The beta-smoothed map as a defence (Dombrowski et al. 2019, sec. 5), with its beta chosen
so the smoothed network still recognises the image.

Why not a fixed small beta: on MobileNetV2 (ReLU6 after batch norm, 17 blocks deep) a
softplus with beta = 1 changes the network beyond recognition: the bundled cat's class falls
from p = 0.76 to 1e-13, and the Grad-CAM map of the smoothed copy is the same for the cat and
for the coffee cup (Spearman 1.0). That map "resisted" every attack (top-k intersection 1.0)
only because it no longer looked at the image. The four bundled samples keep their label
from beta = 20-30 (cat, coffee, astronaut) to above 50 (rocket); the smallest such beta on
a ladder is the smoothest map that still explains this prediction.
"""
from __future__ import annotations

import torch

from explainers.fragility.smooth import set_beta, smoothed_copy
from model_zoo import ImageClassifier

BETA_LADDER = (1.0, 3.0, 10.0, 20.0, 30.0, 50.0, 100.0, 200.0)


def defence_beta(model: ImageClassifier, x: torch.Tensor, label: int) -> tuple[float, bool]:
    """(the smallest beta on the ladder whose smoothed copy predicts ``label`` on the (1, 3, H,
    W) input ``x``, True), or (the ladder's largest, False) when none does."""
    net = smoothed_copy(model.module, BETA_LADDER[0])
    for beta in BETA_LADDER:
        set_beta(net, beta)
        with torch.inference_mode():
            if int(net(x).argmax()) == label:
                return beta, True
    return BETA_LADDER[-1], False


def defence_name(beta: float, kept: bool) -> str:
    return f"β-smoothed (β = {beta:g})" + ("" if kept else ", label lost")
