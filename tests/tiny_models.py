"""Tiny models whose right answers are known, for property tests."""
from __future__ import annotations

from pathlib import Path

import torch
from torch import nn

from model_zoo.classifier import ImageClassifier, freeze

WORDS = ["good", "bad", "movie", "the", "was", "great", "awful", "plot", "a", "very"]


class BlockPool(nn.Module):
    """A fixed 'conv' layer: 2x2 average pooling of the channel sum, one output channel."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return nn.functional.avg_pool2d(x.sum(1, keepdim=True), 2)


class QuadrantNet(nn.Module):
    """Class 0 = mean of the top-left quadrant of the pooled map; class 1 = the rest."""

    def __init__(self) -> None:
        super().__init__()
        self.features = nn.Sequential(BlockPool(), nn.Identity())

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        a = self.features(x)[:, 0]
        h, w = a.shape[-2] // 2, a.shape[-1] // 2
        top_left = a[:, :h, :w].mean((1, 2))
        return torch.stack([top_left, a.mean((1, 2)) - top_left], dim=1)


class CellNet(nn.Module):
    """Class k (of 4) = squared mean of one cell of a 4x4 grid over the input; non-linear."""

    CELLS = ((1, 2), (0, 0), (3, 1), (2, 3))

    def __init__(self) -> None:
        super().__init__()
        self.features = nn.Sequential(BlockPool(), nn.AvgPool2d(4))  # 32x32 input -> 4x4 cells

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        a = self.features(x)[:, 0]
        return torch.stack([a[:, r, c] ** 2 for r, c in self.CELLS], dim=1)


def tiny_image_model(net: nn.Module, size: tuple[int, int], classes: int) -> ImageClassifier:
    return ImageClassifier(name=f"tiny:{type(net).__name__}", module=freeze(net),
                           labels=tuple(f"class {i}" for i in range(classes)), input_size=size,
                           target_layers=lambda m: list(m.features))


def save_tiny_bert(folder: Path) -> Path:
    """A randomly initialised 2-class BERT and its tokenizer, saved like a hub download."""
    from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

    folder.mkdir(parents=True, exist_ok=True)
    vocab = folder / "vocab.txt"
    vocab.write_text("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *WORDS]) + "\n")
    tokenizer = BertTokenizer(vocab=str(vocab), do_lower_case=True)  # transformers 5: vocab=
    torch.manual_seed(0)
    config = BertConfig(vocab_size=len(WORDS) + 5, hidden_size=16, num_hidden_layers=2,
                        num_attention_heads=2, intermediate_size=32, max_position_embeddings=64,
                        initializer_range=0.5,
                        num_labels=2, id2label={0: "NEG", 1: "POS"}, label2id={"NEG": 0, "POS": 1})
    BertForSequenceClassification(config).save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return folder
