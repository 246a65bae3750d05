"""A user's zip of class folders (``cat/1.jpg``, ``dog/2.png``…) read in memory, never extracted.

Guards: the archive's size, the number of entries, each entry's declared and actual size,
the total unpacked size and the compression ratio (zip bombs); names with ``..`` or an
absolute path are refused, not just skipped. Images are decoded by ``decode_image``
(Pillow's own bomb limits) and kept at ``ITEM_SIZE`` px, so nothing large lingers.
"""
from __future__ import annotations

import hashlib
import io
import threading
import zipfile
from collections import OrderedDict
from pathlib import PurePosixPath

import numpy as np
import torch
import torch.nn.functional as F

from inputs.datasets import Dataset, register_dataset_items
from inputs.image_io import MAX_BYTES, ImageDecodeError, decode_image

MAX_ZIP_BYTES = 200 * 2**20
MAX_ENTRIES = 5000
MAX_TOTAL_BYTES = 1024 * 2**20
MAX_RATIO = 200  # unpacked / packed for one entry; JPEG and PNG barely compress further
ITEM_SIZE = 128
IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".webp", ".bmp", ".tif", ".tiff", ".gif"}
REMEMBERED = 4


class ZipDatasetError(ValueError):
    """The archive cannot be used; the message is fit to show a user."""


def safe_parts(name: str) -> tuple[str, ...] | None:
    """Path parts of a member name, or None for folders and hidden/system files."""
    if name.startswith("/") or "\\" in name or ".." in name.split("/"):
        raise ZipDatasetError(f"the archive holds an unsafe path: {name[:80]!r}")
    parts = tuple(p for p in PurePosixPath(name).parts if p)
    if name.endswith("/") or not parts or any(p.startswith((".", "__MACOSX")) for p in parts):
        return None
    return parts


def image_members(archive: zipfile.ZipFile) -> list[tuple[zipfile.ZipInfo, str]]:
    """(member, class folder) for every image file, after the size and path checks."""
    infos = archive.infolist()
    if len(infos) > MAX_ENTRIES:
        raise ZipDatasetError(f"the archive has more than {MAX_ENTRIES} entries")
    if sum(i.file_size for i in infos) > MAX_TOTAL_BYTES:
        raise ZipDatasetError(f"the archive unpacks to more than {MAX_TOTAL_BYTES // 2**20} MB")
    found = []
    for info in infos:
        parts = safe_parts(info.filename)
        if parts is None or PurePosixPath(parts[-1]).suffix.lower() not in IMAGE_SUFFIXES:
            continue
        if len(parts) < 2:
            raise ZipDatasetError("put the images in one folder per class (cat/1.jpg, dog/2.jpg)")
        if info.file_size > MAX_BYTES or info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise ZipDatasetError(f"{parts[-1][:60]!r} is too large or suspiciously compressed")
        found.append((info, parts[-2]))
    if not found:
        raise ZipDatasetError("the archive holds no images in class folders")
    return found


def read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    """The member's bytes, refusing to read past its declared size (a lying header)."""
    with archive.open(info) as handle:
        data = handle.read(info.file_size + 1)
    if len(data) > info.file_size:
        raise ZipDatasetError(f"{info.filename[:60]!r} is larger than its header says")
    return data


def small(rgb: np.ndarray, size: int = ITEM_SIZE) -> np.ndarray:
    """Resize (no crop, like the models) to size x size uint8."""
    x = torch.from_numpy(np.array(rgb, dtype=np.uint8)).permute(2, 0, 1)[None].float()
    x = F.interpolate(x, size=(size, size), mode="bilinear", antialias=True, align_corners=False)
    return x[0].permute(1, 2, 0).round().clamp(0, 255).to(torch.uint8).numpy()


def zip_dataset(data: bytes, name: str | None = None) -> tuple[Dataset, int]:
    """The images of a zip of class folders, and how many files were skipped as unreadable."""
    if len(data) > MAX_ZIP_BYTES:
        raise ZipDatasetError(f"the archive is larger than {MAX_ZIP_BYTES // 2**20} MB")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError):
        raise ZipDatasetError("the file is not a zip archive that can be read") from None
    images, folders, skipped = [], [], 0
    with archive:
        for info, folder in image_members(archive):
            try:
                images.append(small(decode_image(read_member(archive, info))))
                folders.append(folder)
            except (ImageDecodeError, zipfile.BadZipFile, RuntimeError, EOFError, OSError):
                skipped += 1  # RuntimeError: encrypted members
    if not images:
        raise ZipDatasetError("none of the images in the archive could be read")
    classes = tuple(sorted(set(folders)))
    labels = np.array([classes.index(f) for f in folders], dtype=np.int64)
    name = name or "upload-" + hashlib.sha256(data).hexdigest()[:16]
    dataset = Dataset(name, "image", np.stack(images), labels, classes,
                      sources=tuple(f"dataset:{name}:{i}" for i in range(len(labels))))
    remember(dataset)
    return dataset, skipped


_remembered: OrderedDict[str, Dataset] = OrderedDict()
_lock = threading.Lock()


def remember(dataset: Dataset) -> None:
    """Keep the last few uploaded sets in memory so ``dataset:NAME:i`` opens on the image page.

    Names carry a hash of the archive's bytes, so another session cannot guess them.
    """
    with _lock:
        _remembered[dataset.name] = dataset
        _remembered.move_to_end(dataset.name)
        while len(_remembered) > REMEMBERED:
            _remembered.popitem(last=False)


def remembered_image(name: str, index: int) -> np.ndarray:
    with _lock:
        dataset = _remembered.get(name)
    if dataset is None or not 0 <= index < len(dataset):
        raise ValueError(f"no image {index} in data set {name!r} (it may have been forgotten)")
    return dataset.items[index]


register_dataset_items(remembered_image)
