"""Real photographs from installed packages, for probing pretrained ImageNet models.

Nothing is downloaded: each set is a Debian or Python package that ``scripts/setup.sh``
installs; a photo whose package is missing is simply not listed. Art, renders and abstract
wallpapers of those packages are left out by name. Every photo falls by a digest of its
name into the tuning split (about a third: choose probe settings, find the classes to
watch) or the reporting split (the figures in docs/probes.md); the two never mix.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

PLASMA = "/usr/share/wallpapers"
BACKGROUNDS = "/usr/share/backgrounds"


@dataclass(frozen=True)
class PhotoSet:
    name: str
    package: str
    licence: str
    files: tuple[str, ...]  # paths; "skimage:NAME", "sklearn:NAME", "matplotlib:NAME" too


PHOTO_SETS = (
    PhotoSet("plasma", "Debian plasma-workspace-wallpapers", "GPL-2+ (KDE Visual Design Group)",
             tuple(f"{PLASMA}/{n}/contents/images/1920x1080.jpg" for n in (
                 "BytheWater", "ColdRipple", "DarkestHour", "EveningGlow", "FallenLeaf", "Grey",
                 "Kite", "OneStandsOut", "Path", "summer_1am")) +
             tuple(f"{PLASMA}/{n}/contents/images/{s}" for n, s in (
                 ("ColorfulCups", "2560x1600.jpg"), ("MilkyWay", "1080x1920.png"),
                 ("Volna", "5120x2880.jpg")))),
    PhotoSet("mate", "Debian mate-backgrounds", "GPL-2+ (authors in its copyright file)",
             tuple(f"{BACKGROUNDS}/mate/nature/{n}.jpg" for n in (
                 "Aqua", "Blinds", "Dune", "FreshFlower", "Garden", "GreenMeadow", "LadyBird",
                 "RainDrops", "Storm", "TwoWings", "Wood", "YellowFlower"))),
    PhotoSet("lomiri", "Debian lomiri-wallpapers-16.04",
             "CC-BY-4.0 or CC-BY-SA-4.0 per file (its copyright file)",
             tuple(f"{BACKGROUNDS}/{n}.jpg" for n in (
                 "Bridge_by_Sander_Klootwijk", "Dragonfly_by_Bolly", "Kleiber_by_Lukas_Baubkus",
                 "Picture_0B_by_freespace", "Picture_1A_by_freespace", "Wine_by_Jakkub_Mede",
                 "aitzgorri_by_Aitzol_Berasategi", "friends_by_Aitzol_Berasategi",
                 "life_by_Aitzol_Berasategi", "picosdeeuropa_by_Aitzol_Berasategi",
                 "seeding_by_Clements_Engelhardt", "sunset_by_Aitzol_Berasategi",
                 "Infinite-Sea_by_Aury88", "free_by_Peter_Nerlich"))),
    PhotoSet("skimage", "scikit-image (skimage.data)",
             "CC0 or public domain per image (skimage/data/README.txt)",
             tuple(f"skimage:{n}" for n in (
                 "astronaut", "chelsea", "coffee", "rocket",
                 "hubble_deep_field", "camera", "coins", "moon", "brick", "grass", "gravel",
                 "page"))),
    PhotoSet("sklearn", "scikit-learn (sklearn.datasets.load_sample_images)",
             "CC-BY-2.0 (sklearn/datasets/images/README.txt)",
             ("sklearn:china.jpg", "sklearn:flower.jpg")),
    PhotoSet("matplotlib", "matplotlib (mpl-data/sample_data)", "public domain (US Navy photo)",
             ("matplotlib:grace_hopper.jpg",)),
)
SPLITS = ("tuning", "reporting", "all")


def split_of(name: str) -> str:
    """A fixed third of the names (by SHA-256) tunes; the rest report."""
    return "tuning" if int(hashlib.sha256(name.encode()).hexdigest()[:8], 16) % 3 == 0 \
        else "reporting"


def photo_name(reference: str) -> str:
    if ":" in reference:
        return reference.split(":", 1)[1].removesuffix(".jpg")
    path = Path(reference)
    return path.parts[4] if reference.startswith(PLASMA) else path.stem


def available(reference: str) -> bool:
    if reference.startswith("skimage:"):
        import skimage.data

        return hasattr(skimage.data, reference[8:])
    return resolve(reference).is_file()


def resolve(reference: str) -> Path:
    """The file behind a reference (scikit-image names resolve in ``read_photo``)."""
    kind, _, name = reference.partition(":")
    if kind == "sklearn":
        import sklearn.datasets

        return Path(sklearn.datasets.__file__).parent / "images" / name
    if kind == "matplotlib":
        import matplotlib

        return Path(matplotlib.get_data_path()) / "sample_data" / name
    return Path(reference)


def read_photo(reference: str) -> np.ndarray:
    """(H, W, 3) uint8 RGB; grey photos are repeated into three channels."""
    if reference.startswith("skimage:"):
        import skimage.data

        image = np.asarray(getattr(skimage.data, reference[8:])())
    else:
        from PIL import Image

        with Image.open(resolve(reference)) as img:
            image = np.asarray(img.convert("RGB"))
    if image.ndim == 2:
        image = np.repeat(image[..., None], 3, axis=2)
    return np.ascontiguousarray(image[..., :3]).astype(np.uint8)


def photo_references(split: str = "all") -> list[tuple[PhotoSet, str]]:
    """(set, reference) of every installed photo in ``split``, in a fixed order."""
    if split not in SPLITS:
        raise ValueError(f"unknown split {split!r}; choose one of {', '.join(SPLITS)}")
    return [(s, ref) for s in PHOTO_SETS for ref in s.files if available(ref)
            and split in ("all", split_of(photo_name(ref)))]


def write_photos(folder: Path, split: str = "all", longest: int = 512) -> list[Path]:
    """Write the split's photos as JPEGs (longest side ``longest`` px) named SET-NAME.jpg."""
    from PIL import Image

    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for photo_set, ref in photo_references(split):
        img = Image.fromarray(read_photo(ref))
        img.thumbnail((longest, longest), Image.Resampling.LANCZOS)
        path = folder / f"{photo_set.name}-{photo_name(ref)}.jpg"
        img.save(path, quality=95)
        written.append(path)
    return written
