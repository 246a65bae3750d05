"""A user's zip of class folders plus optional object masks of the same names, for an audit.

Reuses the zip loader's guards (paths, sizes, ratios, lying headers) and adds what an audit
needs: at least two classes, no empty class folder, and masks that match the images one to
one (same ``class/name``, any image suffix) and in size. Nothing is extracted to disk.
"""
from __future__ import annotations

import hashlib
import io
import zipfile
from pathlib import Path, PurePosixPath

import numpy as np

from inputs.audit_data import AuditSet
from inputs.datasets import Dataset
from inputs.image_io import ImageDecodeError, decode_image
from inputs.zip_dataset import (MAX_ZIP_BYTES, ZipDatasetError, image_members, read_member,
                                remember, small)

MAX_IMAGES = 5000


def _open(data: bytes, what: str) -> zipfile.ZipFile:
    if len(data) > MAX_ZIP_BYTES:
        raise ZipDatasetError(f"the {what} archive is larger than {MAX_ZIP_BYTES // 2**20} MB")
    try:
        return zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError):
        raise ZipDatasetError(f"the {what} file is not a zip archive that can be read") from None


def empty_folders(archive: zipfile.ZipFile, images: list[str]) -> list[str]:
    """Folders of the archive (entries or parents of files) with no image anywhere below."""
    holding = {part for name in images for part in PurePosixPath(name).parts[:-1]}
    folders = set()
    for info in archive.infolist():
        parts = [p for p in info.filename.split("/") if p]
        folders.update(parts if info.is_dir() else parts[:-1])
    return sorted(f for f in folders - holding if not f.startswith((".", "__MACOSX")))


def read_images(archive: zipfile.ZipFile) -> tuple[list[str], list[np.ndarray], list[str], list[str]]:
    """Keys (``class/stem``), full-size RGB arrays, folders, and names that were not images."""
    keys, images, folders, unreadable = [], [], [], []
    try:
        members = image_members(archive)
    except ZipDatasetError as err:
        if "no images" in str(err):
            raise ZipDatasetError("the archive holds no images in class folders "
                                  "(cat/1.jpg, dog/2.png, …)") from None
        raise
    for info, folder in members:
        try:
            images.append(decode_image(read_member(archive, info)))
        except (ImageDecodeError, zipfile.BadZipFile, RuntimeError, EOFError, OSError):
            unreadable.append(info.filename[-60:])
            continue
        keys.append(f"{folder}/{PurePosixPath(info.filename).stem}")
        folders.append(folder)
    return keys, images, folders, unreadable


def mask_arrays(data: bytes) -> dict[str, np.ndarray]:
    """``class/stem`` -> bool mask (any non-black pixel is object) from a zip of masks."""
    with _open(data, "masks") as archive:
        keys, images, _, unreadable = read_images(archive)
    if unreadable:
        raise ZipDatasetError(f"these masks could not be read as images: {', '.join(unreadable[:3])}")
    return {k: np.asarray(img).max(axis=-1) > 127 for k, img in zip(keys, images)}


def matched_masks(keys: list[str], shapes: list[tuple[int, int]],
                  masks: dict[str, np.ndarray]) -> list[np.ndarray]:
    """The mask of each image, or one clear error naming the first missing or misfit mask."""
    missing = [k for k in keys if k not in masks]
    if missing:
        raise ZipDatasetError(f"no mask for {len(missing)} image(s), e.g. {missing[0]!r}; "
                              "masks need the same class/name as their images")
    for key, shape in zip(keys, shapes):
        if masks[key].shape != shape:
            raise ZipDatasetError(f"the mask of {key!r} is {masks[key].shape[1]}x"
                                  f"{masks[key].shape[0]} px but the image is "
                                  f"{shape[1]}x{shape[0]} px")
    return [masks[k] for k in keys]


def zip_audit_set(data: bytes, mask_data: bytes | None = None) -> tuple[AuditSet, list[str]]:
    """An audit set from a zip of class folders (and a zip of masks), plus notes for the user."""
    with _open(data, "image") as archive:
        keys, images, folders, unreadable = read_images(archive)
        empty = empty_folders(archive, [i.filename for i, _ in image_members(archive)])
    if empty:
        raise ZipDatasetError(f"the class folder {empty[0]!r} holds no images")
    classes = tuple(sorted(set(folders)))
    if len(classes) < 2:
        raise ZipDatasetError("an audit compares classes: the archive needs at least two class "
                              f"folders with images, it has {len(classes)}")
    if len(images) > MAX_IMAGES:
        raise ZipDatasetError(f"the archive holds more than {MAX_IMAGES} images")
    notes = [f"{len(unreadable)} file(s) could not be read as images and were left out"] \
        if unreadable else []
    masks = None
    if mask_data is not None:
        fitted = matched_masks(keys, [img.shape[:2] for img in images], mask_arrays(mask_data))
        masks = np.stack([small(m[..., None].repeat(3, -1).astype(np.uint8) * 255)[..., 0] >= 128
                          for m in fitted])
    name = "audit-" + hashlib.sha256(data + (mask_data or b"")).hexdigest()[:16]
    labels = np.array([classes.index(f) for f in folders], dtype=np.int64)
    items = np.stack([small(img) for img in images])
    sources = tuple(f"dataset:{name}:{i}" for i in range(len(labels)))
    remember(Dataset(name, "image", items, labels, classes, sources=sources))
    return AuditSet(name, items, labels, classes, masks, sources), notes


def folder_masks_zip(folder: Path) -> bytes:
    """A directory of masks (``class/name.png``) packed in memory as a zip, for the CLI."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                archive.write(path, path.relative_to(folder).as_posix())
    return buffer.getvalue()
