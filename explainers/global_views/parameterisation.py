"""How the optimised image is parameterised: raw pixels, or a decorrelated Fourier spectrum.

Pixel: the image is sigmoid(p) for free p (Simonyan et al. 2014 optimise pixels directly).
Fourier: the image is sigmoid(C · irfft2(s ⊙ z)), where z are free complex coefficients,
s = 1 / max(f, 1/size) scales each frequency f so that every frequency starts with equal
energy (natural images fall off as 1/f), and C is the square root of the RGB covariance of
natural images, so the optimiser steps along decorrelated colour axes (Olah et al. 2017,
"Feature Visualization"; Mordvintsev et al. 2018, "Differentiable Image Parameterizations",
section 2). Each image's initial values come from its own generator, so a gallery of N
images starts exactly where N separate runs start.
"""
from __future__ import annotations

import math
from functools import lru_cache

import numpy as np
import torch


@lru_cache(maxsize=1)
def colour_sqrt() -> torch.Tensor:
    """(3, 3) M with M Mᵀ ∝ the RGB covariance of the bundled photos, columns of norm ≤ 1."""
    from inputs.samples import SAMPLE_IMAGES, sample_image

    pixels = np.concatenate([sample_image(n).reshape(-1, 3) for n in SAMPLE_IMAGES]) / 255.0
    values, vectors = np.linalg.eigh(np.cov(pixels, rowvar=False))
    root = vectors * np.sqrt(np.clip(values, 0, None))
    root /= np.linalg.norm(root, axis=0).max()
    return torch.tensor(root, dtype=torch.float32)


def stacked_normal(shape: tuple[int, ...], generators: list[torch.Generator]) -> torch.Tensor:
    """One standard-normal tensor of ``shape`` per generator, stacked on a new batch axis."""
    return torch.stack([torch.randn(shape, generator=g) for g in generators])


def gaussian_kernel(sigma: float) -> torch.Tensor:
    radius = max(1, math.ceil(2 * sigma))
    grid = torch.arange(-radius, radius + 1, dtype=torch.float32)
    kernel = torch.exp(-grid ** 2 / (2 * sigma ** 2))
    return kernel / kernel.sum()


class PixelImage:
    """The image is sigmoid(p): every pixel is a free parameter (the 'raw' choice)."""

    def __init__(self, size: tuple[int, int], generators: list[torch.Generator],
                 init_std: float = 0.1) -> None:
        self.param = (stacked_normal((3, *size), generators) * init_std).requires_grad_(True)

    def parameters(self) -> list[torch.Tensor]:
        return [self.param]

    def image(self) -> torch.Tensor:
        return torch.sigmoid(self.param)

    @torch.no_grad()
    def blur_(self, sigma: float) -> None:
        """Gaussian blur of the parameters in place (Yosinski et al. 2015, section 3)."""
        kernel = gaussian_kernel(sigma)
        k = kernel.numel()
        p = self.param.data
        n, c, h, w = p.shape
        flat = p.reshape(n * c, 1, h, w)
        flat = torch.nn.functional.pad(flat, (k // 2, k // 2, k // 2, k // 2), mode="reflect")
        flat = torch.nn.functional.conv2d(flat, kernel.view(1, 1, 1, k))
        flat = torch.nn.functional.conv2d(flat, kernel.view(1, 1, k, 1))
        self.param.data.copy_(flat.reshape(n, c, h, w))


class FourierImage:
    """The image is sigmoid(C · irfft2(s ⊙ z)) (see the module docstring)."""

    def __init__(self, size: tuple[int, int], generators: list[torch.Generator],
                 init_std: float = 0.01, decorrelate: bool = True, decay: float = 1.0) -> None:
        h, w = size
        self.size = size
        self.freqs = torch.sqrt(torch.fft.fftfreq(h)[:, None] ** 2 + torch.fft.rfftfreq(w)[None] ** 2)
        scale = 1.0 / torch.clamp(self.freqs, min=1.0 / max(h, w)) ** decay
        self.scale = scale * math.sqrt(h * w) / scale.norm()  # pixel std of z ~ N(0, 1) is 1
        self.mix = colour_sqrt() if decorrelate else torch.eye(3)
        shape = (3, h, w // 2 + 1, 2)
        self.param = (stacked_normal(shape, generators) * init_std).requires_grad_(True)

    def parameters(self) -> list[torch.Tensor]:
        return [self.param]

    def image(self) -> torch.Tensor:
        spectrum = torch.view_as_complex(self.param) * self.scale
        pixels = torch.fft.irfft2(spectrum, s=self.size, norm="ortho")
        return torch.sigmoid(torch.einsum("nchw,dc->ndhw", pixels, self.mix))

    @torch.no_grad()
    def blur_(self, sigma: float) -> None:
        """Gaussian blur as its transfer function exp(-2π²σ²f²) on the spectrum."""
        self.param.data.mul_(torch.exp(-2 * math.pi ** 2 * sigma ** 2 * self.freqs ** 2)[..., None])


def make_image(kind: str, size: tuple[int, int], generators: list[torch.Generator],
               decorrelate: bool = True) -> PixelImage | FourierImage:
    if kind == "pixel":
        return PixelImage(size, generators)
    if kind == "fourier":
        return FourierImage(size, generators, decorrelate=decorrelate)
    raise ValueError(f"unknown parameterisation {kind!r}; use pixel or fourier")
