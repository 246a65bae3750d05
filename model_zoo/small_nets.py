"""Two small image architectures for the shortcut lab, in plain torch.

``small_cnn``: four conv-BN-ReLU blocks (two max-pooled), global average pooling, a linear
head; every block is a CAM layer and LRP's rules cover all of it.
``small_vit``: a patch embedding and a few pre-norm attention blocks. The blocks take and
give (N, D, h, w) maps, so the CAM family works on them unchanged; each block's softmax
weights pass through an ``AttentionProbe`` (an identity) that attention methods hook on a
private copy, never on the shared model. Classification is from the mean patch token.
"""
from __future__ import annotations

import torch
from torch import nn

SHORTCUT_MEAN = (0.5, 0.5, 0.5)
SHORTCUT_STD = (0.25, 0.25, 0.25)


def conv_block(cin: int, cout: int, pool: bool) -> nn.Sequential:
    layers: list[nn.Module] = [nn.Conv2d(cin, cout, 3, padding=1, bias=False),
                               nn.BatchNorm2d(cout), nn.ReLU()]
    return nn.Sequential(*layers, nn.MaxPool2d(2)) if pool else nn.Sequential(*layers)


def small_cnn(classes: int, widths: tuple[int, ...] = (12, 24, 32, 32)) -> nn.Sequential:
    """64 px in, a 16x16 map at the last block, ~24k parameters, ~8 M multiply-adds."""
    a, b, c, d = widths
    features = nn.Sequential(conv_block(3, a, True), conv_block(a, b, True),
                             conv_block(b, c, False), conv_block(c, d, False))
    head = nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(d, classes))
    return nn.Sequential(features, head)


class AttentionProbe(nn.Identity):
    """Marks a block's attention weights (N, heads, T, T) for a hook on a private copy."""


class PatchEmbed(nn.Module):
    """Non-overlapping patches -> D channels, plus a learnt position embedding: (N, D, h, w)."""

    def __init__(self, dim: int, patch: int, grid: int) -> None:
        super().__init__()
        self.proj = nn.Conv2d(3, dim, patch, stride=patch)
        self.position = nn.Parameter(torch.zeros(1, dim, grid, grid))
        nn.init.trunc_normal_(self.position, std=0.02)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.proj(x) + self.position


class AttentionBlock(nn.Module):
    """Pre-norm multi-head self-attention and MLP with residuals, over the map's positions."""

    def __init__(self, dim: int, heads: int, mlp: int) -> None:
        super().__init__()
        self.heads = heads
        self.norm1, self.norm2 = nn.LayerNorm(dim), nn.LayerNorm(dim)
        self.qkv, self.proj = nn.Linear(dim, 3 * dim), nn.Linear(dim, dim)
        self.probe = AttentionProbe()
        self.mlp = nn.Sequential(nn.Linear(dim, mlp), nn.GELU(), nn.Linear(mlp, dim))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        n, d, h, w = x.shape
        tokens = x.reshape(n, d, h * w).transpose(1, 2)
        q, k, v = self.qkv(self.norm1(tokens)).reshape(n, h * w, 3, self.heads, -1).permute(
            2, 0, 3, 1, 4)
        weights = self.probe(torch.softmax(q @ k.transpose(-2, -1) * q.shape[-1] ** -0.5, -1))
        tokens = tokens + self.proj((weights @ v).transpose(1, 2).reshape(n, h * w, d))
        tokens = tokens + self.mlp(self.norm2(tokens))
        return tokens.transpose(1, 2).reshape(n, d, h, w)


class MeanTokenHead(nn.Module):
    """Mean over positions, layer norm, linear: the summary is the mean patch token."""

    def __init__(self, dim: int, classes: int) -> None:
        super().__init__()
        self.norm, self.fc = nn.LayerNorm(dim), nn.Linear(dim, classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.fc(self.norm(x.mean(dim=(2, 3))))


def small_vit(classes: int, size: int = 64, patch: int = 8, dim: int = 64, depth: int = 3,
              heads: int = 4) -> nn.Sequential:
    """64 px in, 8x8 patches of 8 px, ``depth`` blocks of ``heads`` heads, ~110k parameters."""
    blocks = nn.Sequential(*[AttentionBlock(dim, heads, 2 * dim) for _ in range(depth)])
    return nn.Sequential(PatchEmbed(dim, patch, size // patch), blocks,
                         MeanTokenHead(dim, classes))


def attention_probes(module: nn.Module) -> list[AttentionProbe]:
    """The model's attention probes in forward order (empty for models without them)."""
    return [m for m in module.modules() if isinstance(m, AttentionProbe)]
