"""The generator prior for activation maximisation (Nguyen et al. 2016, "Synthesizing the
preferred inputs for neurons in neural networks via deep generator networks", eq. 2):
optimise a latent z and show x = G(z), so the image stays on what the generator can draw.

z starts at a seeded draw from the prior N(0, I); ``penalty`` is ½‖z‖², the negative log
prior up to a constant, which keeps z where the generator was trained (the λ of the
``latent_l2`` setting weighs it against the objective).
"""
from __future__ import annotations

import torch
from torch import nn

from explainers.global_views.parameterisation import stacked_normal
from model_zoo.generators import generator_entry


class GeneratorImage:
    """The image is G(z), resized to ``size`` and repeated to three channels if grey."""

    def __init__(self, decoder: nn.Module, latent: int, size: tuple[int, int],
                 generators: list[torch.Generator]) -> None:
        self.decoder, self.size = decoder, size
        self.param = stacked_normal((latent,), generators).requires_grad_(True)

    def parameters(self) -> list[torch.Tensor]:
        return [self.param]

    def image(self) -> torch.Tensor:
        x = self.decoder(self.param)
        if tuple(x.shape[-2:]) != tuple(self.size):
            x = nn.functional.interpolate(x, size=self.size, mode="bilinear", align_corners=False)
        return x.expand(-1, 3, -1, -1) if x.shape[1] == 1 else x

    def penalty(self) -> torch.Tensor:
        """(N,) ½‖z‖²: the negative log of the N(0, I) prior, up to a constant."""
        return 0.5 * (self.param ** 2).sum(dim=1)

    def blur_(self, sigma: float) -> None:
        """Nothing to blur: the generator decides the image's smoothness."""


def generator_image(model_name: str, size: tuple[int, int],
                    generators: list[torch.Generator]) -> GeneratorImage:
    """A latent image for ``model_name``'s registered generator (ValueError if none ships)."""
    entry = generator_entry(model_name)
    return GeneratorImage(entry.load(), entry.latent, size, generators)
