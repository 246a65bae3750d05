"""The two kinds of loaded classifier every explainer and page works with."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Literal

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

Modality = Literal["image", "text"]
LayerPicker = Callable[[nn.Module], list[nn.Module]]


class Normalize(nn.Module):
    """Channel normalisation inside the model, so explainers work in [0, 1] pixel space."""

    def __init__(self, mean: tuple[float, ...], std: tuple[float, ...]) -> None:
        super().__init__()
        self.register_buffer("mean", torch.tensor(mean).view(1, -1, 1, 1))
        self.register_buffer("std", torch.tensor(std).view(1, -1, 1, 1))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        # Channels-last from here on: oneDNN's convolutions run faster on it. Measured on
        # MobileNetV2 at 224 px, batch 16, 2 cores: forward 9-11 ms/image against 15-16 ms
        # in NCHW; forward+backward 23 against 28-31 ms/image.
        # Gradients to ``x`` come back channels-last too (same values; use reshape, not view).
        return ((x - self.mean) / self.std).contiguous(memory_format=torch.channels_last)


def freeze(module: nn.Module) -> nn.Module:
    """Eval mode and no parameter gradients: a shared model is read-only."""
    module.eval()
    module.requires_grad_(False)
    return module


@dataclass(frozen=True, eq=False)
class ImageClassifier:
    """An image model taking (N, 3, h, w) RGB in [0, 1]; normalisation is inside ``module``.

    ``target_layers(module)`` lists the convolutional blocks usable by CAM methods,
    last one the default; it takes the module so it works on a private copy too.
    ``forward_only``: empty, or why the module gives no gradients (an ONNX graph run by
    onnxruntime); then only methods registered ``forward_only`` fit it.
    """

    name: str
    module: nn.Module
    labels: tuple[str, ...]
    input_size: tuple[int, int]
    target_layers: LayerPicker
    source: str = ""
    modality: Modality = "image"
    forward_only: str = ""

    def preprocess(self, image: torch.Tensor) -> torch.Tensor:
        """Resize a (3, H, W) or (1, 3, H, W) image in [0, 1] to the model's input size.

        A plain resize, no crop, so every input pixel has a place in the map.
        """
        x = image if image.dim() == 4 else image.unsqueeze(0)
        if tuple(x.shape[-2:]) == self.input_size:
            return x.float()
        return F.interpolate(x.float(), size=self.input_size, mode="bilinear",
                             align_corners=False, antialias=True)

    def logits(self, image: torch.Tensor) -> torch.Tensor:
        with torch.inference_mode():
            return self.module(self.preprocess(image))


@dataclass(frozen=True)
class Encoded:
    """A tokenised sentence: ids and mask of shape (1, T), and the T token strings."""

    input_ids: torch.Tensor
    attention_mask: torch.Tensor
    tokens: tuple[str, ...]
    special: tuple[bool, ...]
    truncated: bool


@dataclass(frozen=True, eq=False)
class TextClassifier:
    """A sequence classifier called like a Hugging Face one.

    ``module(input_ids=..., attention_mask=..., inputs_embeds=..., output_attentions=...)``
    returns an object with ``.logits`` and ``.attentions``. ``pooling`` says where the
    sequence summary comes from: the first position, or the mean over tokens.
    """

    name: str
    module: nn.Module
    tokenizer: object
    labels: tuple[str, ...]
    max_length: int = 256
    pooling: Literal["cls", "mean"] = "cls"
    source: str = ""
    modality: Modality = "text"

    def encode(self, text: str) -> Encoded:
        enc = self.tokenizer(text, return_tensors="pt", truncation=True,
                             max_length=self.max_length)
        full_length = len(self.tokenizer(text, truncation=False)["input_ids"])
        ids = enc["input_ids"]
        special_ids = set(self.tokenizer.all_special_ids)
        return Encoded(
            input_ids=ids,
            attention_mask=enc["attention_mask"],
            tokens=tuple(self.tokenizer.convert_ids_to_tokens(ids[0].tolist())),
            special=tuple(int(i) in special_ids for i in ids[0]),
            truncated=full_length > ids.shape[1],
        )

    def embedding_layer(self) -> nn.Embedding:
        return self.module.get_input_embeddings()

    def logits(self, text: str) -> torch.Tensor:
        enc = self.encode(text)
        with torch.inference_mode():
            return self.module(input_ids=enc.input_ids,
                               attention_mask=enc.attention_mask).logits


Classifier = ImageClassifier | TextClassifier


def probabilities(model: Classifier, data: torch.Tensor | str) -> np.ndarray:
    """Softmax class probabilities of one input, as a float64 NumPy vector."""
    return torch.softmax(model.logits(data).double(), dim=-1)[0].numpy()
