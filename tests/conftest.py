"""Shared fixtures: bundled models loaded once per test session, tiny models, sample files."""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import explainers  # noqa: E402,F401  (registers methods)
from inputs.image_io import to_tensor  # noqa: E402
from inputs.samples import sample_image  # noqa: E402
from model_zoo import load_model  # noqa: E402

ARTIFACTS = ROOT / "tests" / "artifacts"


@pytest.fixture(scope="session")
def zoo():
    """load(name) -> the model, built once per test session."""
    cache: dict = {}

    def load(name: str):
        if name not in cache:
            cache[name] = load_model(name)
        return cache[name]

    return load


@pytest.fixture(scope="session")
def chelsea() -> torch.Tensor:
    return to_tensor(sample_image("chelsea"))


@pytest.fixture(scope="session")
def coffee() -> torch.Tensor:
    return to_tensor(sample_image("coffee"))


@pytest.fixture(scope="session")
def sample_files(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("samples")
    files = {}
    for name in ("chelsea", "coffee"):
        files[name] = folder / f"{name}.png"
        Image.fromarray(np.asarray(sample_image(name))).save(files[name])
    files["not_image"] = folder / "notes.png"
    files["not_image"].write_text("this is not an image")
    files["truncated"] = folder / "truncated.png"
    files["truncated"].write_bytes(files["chelsea"].read_bytes()[:2000])
    return files


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture(autouse=True)
def _main_thread_torch_threads():
    """A test that pins torch's thread count does not slow the tests after it."""
    before = torch.get_num_threads()
    yield
    if torch.get_num_threads() != before:
        torch.set_num_threads(before)


@pytest.fixture(scope="session")
def ray_cluster():
    """A real local Ray cluster of 2 CPUs for the data-set job tests, shut down at the end."""
    import os

    os.environ.setdefault("RAY_DEDUP_LOGS", "0")
    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
    import ray

    from jobs.engines import ray_init_options

    # address="local": a new cluster of our own, also when another test worker runs one
    ray.init(address="local", num_cpus=2, object_store_memory=200 * 1024**2,
             **ray_init_options(local=True))
    yield ray
    ray.shutdown()
