"""ImageNet-1k label names, from torchvision's weight metadata (no download)."""
from __future__ import annotations

from functools import lru_cache

from model_zoo.torchvision_compat import ensure_torchvision_importable

IMAGENET_MEAN = (0.485, 0.456, 0.406)
IMAGENET_STD = (0.229, 0.224, 0.225)


@lru_cache(maxsize=1)
def imagenet_labels() -> tuple[str, ...]:
    ensure_torchvision_importable()
    from torchvision.models import MobileNet_V2_Weights

    return tuple(MobileNet_V2_Weights.IMAGENET1K_V1.meta["categories"])
