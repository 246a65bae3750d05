"""A small CNN the tests train in a few seconds, with a concept planted in its data:
class 1 ("striped") is exactly the images that carry stripes; class 0 holds dots, flat
colours and blotches. TCAV of "striped" for class 1 must come out significant."""
from __future__ import annotations

import numpy as np
import torch
from torch import nn

from inputs.concept_images import concept_set
from model_zoo.classifier import ImageClassifier, freeze

SIZE = 32
OTHERS = ("dotted", "red", "green", "blue", "blotchy", "checkered")


def planted_data(per_class: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """(N, 128, 128, 3) uint8 images and 0/1 labels (1 = striped)."""
    share = -(-per_class // len(OTHERS))
    negatives = np.concatenate([concept_set(n, share, seed + 1) for n in OTHERS])[:per_class]
    positives = concept_set("striped", per_class, seed + 1)
    return np.concatenate([negatives, positives]), np.r_[np.zeros(per_class), np.ones(per_class)]


class StripeNet(nn.Module):
    """Two conv blocks; TCAV reads ``block1``, so a ReLU layer lies between it and the logits
    and the class's gradients differ from image to image."""

    def __init__(self) -> None:
        super().__init__()
        self.block1 = nn.Sequential(nn.Conv2d(3, 8, 3, padding=1), nn.ReLU())
        self.block2 = nn.Sequential(nn.Conv2d(8, 16, 3, stride=2, padding=1), nn.ReLU())
        self.head = nn.Linear(16, 2)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.block2(self.block1(x)).amax((2, 3)))


def trained_stripe_model(seed: int = 0, per_class: int = 64, steps: int = 100) -> ImageClassifier:
    """StripeNet fitted on ``planted_data`` (full batch, Adam), frozen, as an image classifier."""
    torch.manual_seed(seed)
    images, labels = planted_data(per_class, seed)
    x = torch.nn.functional.interpolate(torch.from_numpy(images).permute(0, 3, 1, 2).float() / 255,
                                        size=(SIZE, SIZE), mode="bilinear", antialias=True)
    y = torch.from_numpy(labels).long()
    net = StripeNet()
    optimiser = torch.optim.Adam(net.parameters(), lr=0.01)
    for _ in range(steps):
        optimiser.zero_grad()
        nn.functional.cross_entropy(net(x), y).backward()
        optimiser.step()
    net.zero_grad(set_to_none=True)
    return ImageClassifier(name="tiny:stripes", module=freeze(net), labels=("other", "striped"),
                           input_size=(SIZE, SIZE), target_layers=lambda m: [m.block1, m.block2])
