"""Probes over in-memory files, for the probes page (the CLI and Ray run jobs/probe_job.py)."""
from __future__ import annotations

from model_zoo import Classifier


def probe_files(model: Classifier, probe: dict, methods: tuple[str, ...],
                watch: tuple[int, ...], files_key: str, batch: dict):
    """Summaries, gallery items and refused files of ``probe`` over ``batch``."""
    from explainers.probes.batch import ProbeBatch
    from explainers.probes.run_memory import probe_in_memory

    return probe_in_memory(ProbeBatch(model, [probe], list(methods)), batch, watch)
