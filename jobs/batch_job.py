"""``cli.py batch``: explain every file of a folder or zip on the local engine or on Ray.

The job lists the files, skips those already in the output's table (resume), streams the rest
through ``BatchWork`` on the chosen engine, writes results as they arrive, and shows a
progress bar with throughput and time left.
"""
from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Iterator

import numpy as np
from tqdm import tqdm

from explainers.metrics.schema import ROAD_VERDICT, method_column
from jobs.batch_work import BatchWork
from jobs.engines import (EngineError, Pool, check_workers, connect, local_cpus, plan_pool,
                          run_local, run_ray)
from jobs.results import ResultStore
from jobs.sources import FileSource, ReadFiles, SourceError

BATCH = 8  # images per call: a few seconds of work, so results stream back steadily


@dataclass(frozen=True)
class BatchJob:
    """What to compute: it is written to ``OUT/job.json`` and must match on resume."""

    model: str
    methods: tuple[str, ...]
    metrics: bool = False
    overlays: bool = False
    road: bool = False

    def spec(self) -> dict:
        """The job as written to job.json; ``road`` only when on, so tables from before it
        existed still resume."""
        spec = asdict(self) | {"methods": list(self.methods)}
        if not self.road:
            spec.pop("road")
        return spec


@dataclass(frozen=True)
class EngineChoice:
    """Where to compute: ``local`` (in process) or ``ray`` (a cluster at ``address``)."""

    name: str = "local"
    workers: int = 1
    address: str | None = None
    cpus_per_worker: float | None = None
    batch_size: int | None = None  # items per call (None: the job's own default)
    threads: int | None = None  # torch threads per worker (default: its share of the CPUs)


@dataclass
class BatchSummary:
    files: int
    skipped: int
    processed: int = 0
    errors: int = 0
    seconds: float = 0.0
    workers: int = 1
    engine: str = "local"
    threads: int | None = None
    bad_files: list[tuple[str, str]] = field(default_factory=list)
    road: dict[str, dict[str, float]] = field(default_factory=dict)  # per method, shares

    @property
    def images_per_second(self) -> float:
        return self.processed / self.seconds if self.seconds > 0 else 0.0


def result_batches(job: BatchJob, engine: EngineChoice, pool: Pool | None, source: FileSource,
                   todo: list[str]) -> Iterator[dict[str, np.ndarray]]:
    kwargs = dict(model=job.model, methods=list(job.methods), metrics=job.metrics,
                  overlays=job.overlays, road=job.road)
    columns, size = {"file": np.array(todo, dtype=object)}, engine.batch_size or BATCH
    if pool is None:
        return run_local(BatchWork, kwargs | {"threads": engine.threads}, columns, size,
                         ReadFiles(source))
    return run_ray(BatchWork, kwargs, columns, size, pool, ReadFiles(source))


def ray_pool(engine: EngineChoice) -> Pool:
    """Connect to (or start) the cluster and size the actor pool on its CPUs."""
    pool = plan_pool(engine.workers, connect(engine.address), engine.cpus_per_worker)
    return replace(pool, threads=engine.threads) if engine.threads else pool


def check_engine(engine: EngineChoice) -> None:
    """Refuse impossible worker counts before any work (Ray's are checked on connecting)."""
    if engine.name not in ("local", "ray"):
        raise EngineError(f"unknown engine {engine.name!r}; choose local or ray")
    if engine.name == "local":
        check_workers(engine.workers, local_cpus(), "this machine")
        if engine.workers != 1:
            raise EngineError("the local engine runs one worker (its torch threads use every "
                              "CPU); --workers N is for --engine ray")
    if engine.batch_size is not None and engine.batch_size < 1:
        raise EngineError("--batch-size must be at least 1")


def run_batch(job: BatchJob, input_path: str, out: Path, engine: EngineChoice = EngineChoice(),
              flush_seconds: float = 10.0, progress: bool = True) -> BatchSummary:
    """Explain every file not yet in ``out``'s table; returns counts and throughput."""
    check_engine(engine)
    pool = ray_pool(engine) if engine.name == "ray" else None
    source = FileSource.open(input_path)
    names = source.names()
    if not names:
        raise SourceError(f"no files in {input_path}")
    store = ResultStore(out, job.spec(), flush_seconds)
    done = store.done()
    todo = [n for n in names if n not in done]
    summary = BatchSummary(len(names), len(names) - len(todo), workers=engine.workers,
                           engine=engine.name, threads=pool.threads if pool else engine.threads)
    started = time.perf_counter()
    bar = tqdm(total=len(todo), unit="img", desc=f"{engine.name} x{engine.workers}",
               disable=not progress or not todo, mininterval=1.0, smoothing=0.1)
    try:
        for batch in result_batches(job, engine, pool, source, todo) if todo else ():
            store.add(batch)
            count(summary, batch)
            bar.update(len(batch["file"]))
            bar.set_postfix(errors=summary.errors, refresh=False)
    finally:
        bar.close()
        summary.seconds = time.perf_counter() - started
        store.flush()
    table = store.finish()
    if job.road:
        summary.road = road_shares(table, job.methods)
    return summary


def road_shares(table, methods) -> dict[str, dict[str, float]]:
    """Per method, over the images with a ROAD verdict: the share that beats random maps,
    cannot be told from them, or is worse, and how many images that is."""
    shares = {}
    for method in methods:
        column = table[method_column(method, ROAD_VERDICT)]
        codes = np.asarray(column.to_numpy(zero_copy_only=False), float)
        codes = codes[~np.isnan(codes)]
        n = max(len(codes), 1)
        shares[method] = {"beats_random": round(float((codes > 0).sum() / n), 4),
                          "cannot_tell": round(float((codes == 0).sum() / n), 4),
                          "worse_than_random": round(float((codes < 0).sum() / n), 4),
                          "images": int(len(codes))}
    return shares


def count(summary: BatchSummary, batch: dict[str, np.ndarray]) -> None:
    errors = [(str(f), str(e)) for f, e in zip(batch["file"], batch["error"]) if e]
    summary.processed += len(batch["file"])
    summary.errors += len(errors)
    summary.bad_files += errors
