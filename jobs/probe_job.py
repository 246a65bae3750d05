"""``cli.py probe``: ``ProbeBatch`` over a folder or zip on the local engine or on Ray.

The files are read by ``jobs.sources.ReadFiles`` (Ray runs it as light tasks), the per-batch
callable is the probe's own, and the batches go back in file order to the same summaries,
so both engines give the same numbers.
"""
from __future__ import annotations

import time

import numpy as np

from explainers.probes.batch import ProbeBatch
from explainers.probes.run import ProbeReport, gather, summarise
from explainers.probes.spec import ProbeSpec
from jobs.batch_job import EngineChoice, check_engine, ray_pool
from jobs.engines import run_local, run_ray
from jobs.sources import FileSource, ReadFiles, SourceError

BATCH = 8


def probe_batches(model: str, specs: tuple[ProbeSpec, ...], methods: tuple[str, ...],
                  source, engine, names: list[str]):
    """Result batches of ``ProbeBatch`` over the files, on the chosen engine."""

    kwargs = dict(model=model, probes=[s.plain() for s in specs], methods=list(methods))
    columns, size = {"file": np.array(names, dtype=object)}, engine.batch_size or BATCH
    if engine.name == "ray":
        return run_ray(ProbeBatch, kwargs, columns, size, ray_pool(engine), ReadFiles(source))
    return run_local(ProbeBatch, kwargs | {"threads": engine.threads}, columns, size,
                     ReadFiles(source))


def run_probe(model: str, labels: tuple[str, ...], input_path: str,
              specs: tuple[ProbeSpec, ...], methods: tuple[str, ...] = (), engine=None,
              watch: tuple[int, ...] = (), seed: int = 0, progress=None) -> ProbeReport:
    """Every probe on every image of a folder or zip; Ctrl-C keeps the batches in hand."""
    engine = engine or EngineChoice()
    check_engine(engine)
    source = FileSource.open(input_path)
    names = source.names()
    if not names:
        raise SourceError(f"no files in {input_path}")
    started, parts, interrupted = time.perf_counter(), [], False
    try:
        for batch in probe_batches(model, specs, methods, source, engine, names):
            parts.append(batch)
            if progress is not None:
                progress(sum(len(p["file"]) for p in parts), len(names))
    except KeyboardInterrupt:
        interrupted = True
    seconds = {"batches": time.perf_counter() - started}
    columns = gather(parts)
    if not columns:
        raise SourceError("interrupted before any image was probed")
    found = summarise(model, labels, specs, methods, columns, watch, seed)
    seconds["total"] = time.perf_counter() - started
    return ProbeReport(model, labels, specs, methods, columns, found, seconds, interrupted)
