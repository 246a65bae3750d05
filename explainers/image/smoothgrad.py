"""SmoothGrad (Smilkov et al. 2017, eq. 3): the gradient magnitude averaged over noisy
copies of the image, then the maximum over RGB like plain saliency."""
from __future__ import annotations

import torch

from explainers.gradients import target_gradient
from explainers.progress import report
from explainers.registry import MethodOutput, register_explainer
from model_zoo import ImageClassifier


@register_explainer("smoothgrad", title="SmoothGrad", modality="image", signed=False,
                    noise=0.15, samples=25, batch=16, quick={"samples": 6, "batch": 4},
                    summary="Gradient magnitude averaged over noisy copies of the image; "
                            "noise is a fraction of the pixel range (10-20% in the paper).")
def smoothgrad(model: ImageClassifier, x: torch.Tensor, target: int, noise: float = 0.15,
               samples: int = 25, batch: int = 16) -> MethodOutput:
    """sigma = noise * (max - min) of the image; ``batch`` noisy copies per pass, seeded."""
    if samples < 1 or batch < 1 or noise < 0:
        raise ValueError("smoothgrad needs samples >= 1, batch >= 1 and noise >= 0")
    sigma = float(noise) * float(x.max() - x.min())
    generator = torch.Generator().manual_seed(0)
    total = torch.zeros_like(x)
    # Equal chunks (25 at batch 16 run as 13 + 12, not 16 + 9): a short last batch cost more
    # per image. The noise is one seeded stream, so the split does not change the samples.
    chunks = -(-samples // batch)
    size = -(-samples // chunks)
    for start in range(0, samples, size):
        count = min(size, samples - start)
        noisy = x + sigma * torch.randn((count, *x.shape[1:]), generator=generator)
        total += target_gradient(model.module, noisy, target).abs().sum(0, keepdim=True)
        report((start + count) / samples, "SmoothGrad: noisy samples")
    return MethodOutput(scores=(total / samples).amax(dim=1)[0], model_evals=samples)
