"""A small VAE on MNIST (Kingma & Welling 2014), trained here by ``scripts/train_digit_generator.py``.

Its decoder is the generator prior for ``digit_cnn``'s activation maximisation, and an API
for latent-space work (counterfactuals)::

    decoder = load_generator()          # (N, LATENT) -> (N, 1, 28, 28) in [0, 1], frozen
    vae = load_vae(); mu, logvar = vae.encode(x)   # x: (N, 1, 28, 28) in [0, 1]

Nothing here is trained at run time; the weights are committed (``WEIGHTS_FILE``).
"""
from __future__ import annotations

from pathlib import Path

import torch
from safetensors.torch import load_file
from torch import nn

from model_zoo.classifier import freeze
from model_zoo.generators import register_generator

LATENT = 8
WEIGHTS_FILE = Path(__file__).parent / "weights" / "digit_vae.safetensors"


def decoder_net(latent: int = LATENT) -> nn.Sequential:
    """z -> 32x7x7 -> 16x14x14 -> 1x28x28, a sigmoid at the end (pixels in [0, 1])."""
    return nn.Sequential(
        nn.Linear(latent, 256), nn.ReLU(), nn.Linear(256, 32 * 7 * 7), nn.ReLU(),
        nn.Unflatten(1, (32, 7, 7)),
        nn.ConvTranspose2d(32, 16, 4, stride=2, padding=1), nn.ReLU(),
        nn.ConvTranspose2d(16, 1, 4, stride=2, padding=1), nn.Sigmoid())


def encoder_net(latent: int = LATENT) -> nn.Sequential:
    """1x28x28 -> 16x14x14 -> 32x7x7 -> 2·latent (mean and log-variance)."""
    return nn.Sequential(
        nn.Conv2d(1, 16, 4, stride=2, padding=1), nn.ReLU(),
        nn.Conv2d(16, 32, 4, stride=2, padding=1), nn.ReLU(), nn.Flatten(),
        nn.Linear(32 * 7 * 7, 256), nn.ReLU(), nn.Linear(256, 2 * latent))


class DigitVAE(nn.Module):
    def __init__(self, latent: int = LATENT) -> None:
        super().__init__()
        self.encoder, self.decoder = encoder_net(latent), decoder_net(latent)

    def encode(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Posterior mean and log-variance of (N, 1, 28, 28) digits in [0, 1]."""
        mu, logvar = self.encoder(x).chunk(2, dim=1)
        return mu, logvar

    def forward(self, x: torch.Tensor, noise: torch.Tensor) -> tuple[torch.Tensor, ...]:
        mu, logvar = self.encode(x)
        z = mu + noise * torch.exp(0.5 * logvar)  # the reparameterisation trick
        return self.decoder(z), mu, logvar


def load_vae() -> DigitVAE:
    """The trained VAE, frozen (encoder and decoder)."""
    if not WEIGHTS_FILE.is_file():
        raise FileNotFoundError(f"{WEIGHTS_FILE.name} missing: run "
                                "python scripts/train_digit_generator.py")
    vae = DigitVAE()
    vae.load_state_dict(load_file(str(WEIGHTS_FILE)))
    return freeze(vae)


@register_generator("digit_cnn", latent=LATENT, title="VAE decoder trained on MNIST")
def load_generator() -> nn.Module:
    """The decoder: (N, LATENT) standard-normal latents -> (N, 1, 28, 28) digits in [0, 1]."""
    return load_vae().decoder
