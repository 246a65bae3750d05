"""Two engines for one per-batch callable class: in this process, or a Ray Data actor pool.

Both take the job as columns (a dict of equal-length arrays), an optional light ``read``
function run before the work (Ray runs it as tasks), and the work class with its keyword
arguments; both yield result batches as they arrive. Ray's pool is sized so read tasks keep
a slot: on 2 cores a pool that reserves every CPU starves the reads and the job hangs.
"""
from __future__ import annotations

import logging
import math
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterator

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
READ_CPUS = 0.1  # logical CPUs a read task reserves; the pool always leaves at least this
Batch = dict[str, np.ndarray]


class EngineError(ValueError):
    """The engine cannot run the job as asked; the message is fit to show a user."""


@dataclass(frozen=True)
class Pool:
    """Ray actors: how many, the logical CPUs each reserves, the torch threads each runs."""

    workers: int
    cpus: float
    threads: int


def local_cpus() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()


def check_workers(workers: int, cpus: float, where: str) -> None:
    if workers < 1:
        raise EngineError("--workers must be at least 1")
    if workers > cpus:
        raise EngineError(f"--workers {workers} is more than the {cpus:g} CPUs of {where}; "
                          f"use at most {int(cpus)}")


def plan_pool(workers: int, total_cpus: float, cpus_per_worker: float | None = None) -> Pool:
    """Split the cluster's CPUs between ``workers`` actors, keeping ``READ_CPUS`` for reads."""
    check_workers(workers, total_cpus, "the Ray cluster")
    cpus = cpus_per_worker or math.floor((total_cpus / workers - READ_CPUS) * 20) / 20
    if cpus <= 0 or workers * cpus + READ_CPUS > total_cpus:
        raise EngineError(f"{workers} workers x {cpus:g} CPUs leave no CPU for reading the "
                          f"files ({total_cpus:g} CPUs in all): use fewer workers or a "
                          "smaller --cpus-per-worker")
    return Pool(workers, cpus, max(1, round(cpus)))


def slices(columns: Batch, size: int) -> Iterator[Batch]:
    n = len(next(iter(columns.values())))
    for start in range(0, n, size):
        yield {k: v[start:start + size] for k, v in columns.items()}


def run_local(work_cls: type, work_kwargs: dict[str, Any], columns: Batch, batch_size: int,
              read: Callable[[Batch], Batch] | None = None) -> Iterator[Batch]:
    """The default engine: one instance of the work class in this process, batch by batch."""
    work = work_cls(**work_kwargs)
    for batch in slices(columns, batch_size):
        yield work(read(batch) if read else batch)


def ray_init_options(local: bool) -> dict[str, Any]:
    """Workers import this project from the same path (every node has the clone and venv)."""
    options: dict[str, Any] = {"runtime_env": {"env_vars": {"PYTHONPATH": str(ROOT)}},
                               "logging_level": "warning"}
    return options | ({"include_dashboard": False} if local else {})


def connect(address: str | None) -> float:
    """Join the cluster at ``address`` (``auto``, ``ray://host:10001``) or start a local one;
    an already connected session (tests) is used as it is. Returns the cluster's CPUs."""
    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
    import ray
    import ray.data

    if not ray.is_initialized():
        ray.init(address=address, **ray_init_options(local=address is None))
    ray.data.DataContext.get_current().enable_progress_bars = False  # ours shows throughput
    logging.getLogger("ray.data").setLevel(logging.WARNING)
    return float(ray.cluster_resources().get("CPU", 0))


def run_ray(work_cls: type, work_kwargs: dict[str, Any], columns: Batch, batch_size: int,
            pool: Pool, read: Callable[[Batch], Batch] | None = None) -> Iterator[Batch]:
    """Ray Data over the rows: ``read`` as light tasks, then ``map_batches`` on an actor pool
    in which each actor builds ``work_cls(**work_kwargs)`` once; results stream back."""
    import ray.data

    n = len(next(iter(columns.values())))
    rows = [{k: v[i] for k, v in columns.items()} for i in range(n)]
    ds = ray.data.from_items(rows, override_num_blocks=max(1, min(math.ceil(n / batch_size),
                                                                    1000)))
    if read is not None:
        ds = ds.map_batches(read, batch_size=batch_size, num_cpus=READ_CPUS,
                            batch_format="numpy")
    ds = ds.map_batches(work_cls, fn_constructor_kwargs=work_kwargs | {"threads": pool.threads},
                        batch_size=batch_size, num_cpus=pool.cpus, batch_format="numpy",
                        compute=ray.data.ActorPoolStrategy(size=pool.workers))
    yield from ds.iter_batches(batch_size=None, batch_format="numpy")
