"""Where a batch job's results go, written as they arrive so an interruption loses nothing.

``OUT/job.json`` (what the job is: a second run must ask for the same), ``OUT/maps/<file>.npz``
(raw maps, one array per method), ``OUT/overlays/<file>.<method>.png``, and the table as
Parquet parts in ``OUT/table/`` (each written to a hidden name, then renamed, so a part is
whole or absent). At the end the parts are merged into ``OUT/results.parquet``, one row per
file. Files already in the table are skipped by the next run (resume).
"""
from __future__ import annotations

import json
import os
import time
import uuid
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

BLOBS = ("maps",)  # columns written as files, not into the table
OVERLAY_SUFFIX = "_overlay"


class JobMismatchError(ValueError):
    """The output folder holds a different job; the message is fit to show a user."""


def atomic_write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def inside(folder: Path, name: str, suffix: str) -> Path:
    """``folder/name+suffix``, refusing names that would land outside ``folder``."""
    path = (folder / (name + suffix)).resolve()
    if not path.is_relative_to(folder.resolve()):
        raise ValueError(f"unsafe file name {name[:60]!r}")
    return path


def arrow_column(values: np.ndarray) -> pa.Array:
    if values.dtype.kind in "OUS":
        return pa.array([str(v) for v in values], type=pa.string())
    return pa.array(values)


class ResultStore:
    """The output folder of one job; ``add`` each result batch, ``finish`` at the end."""

    def __init__(self, out: Path, spec: dict[str, Any], flush_seconds: float = 10.0,
                 flush_rows: int = 256) -> None:
        self.out, self.table_dir = Path(out), Path(out) / "table"
        self.flush_seconds, self.flush_rows = flush_seconds, flush_rows
        self.check_spec(spec)
        self.run_id, self.parts = time.strftime("%Y%m%dT%H%M%S") + uuid.uuid4().hex[:6], 0
        self.pending: list[pa.Table] = []
        self.last_flush = time.monotonic()

    def check_spec(self, spec: dict[str, Any]) -> None:
        path = self.out / "job.json"
        if path.exists():
            old = json.loads(path.read_text())
            if old != spec:
                raise JobMismatchError(f"{self.out} holds another job ({old}); pick a new --out "
                                       "or repeat that job's options to resume it")
            return
        atomic_write(path, json.dumps(spec, indent=2).encode())

    def done(self) -> set[str]:
        """Files already in the table (fine or failed): a resumed run skips them."""
        if not any(self.table_dir.glob("part-*.parquet")):
            return set()
        return set(pq.read_table(self.table_dir, columns=["file"])["file"].to_pylist())

    def add(self, batch: dict[str, np.ndarray]) -> None:
        """Write the batch's map files now; queue its rows for the next part."""
        names = [str(f) for f in batch["file"]]
        rows = {k: arrow_column(v) for k, v in batch.items()
                if k not in BLOBS and not k.endswith(OVERLAY_SUFFIX)}
        rows["maps"] = pa.array([self.write_blobs(name, batch, i) for i, name in enumerate(names)],
                                type=pa.string())
        self.pending.append(pa.table(rows))
        due = time.monotonic() - self.last_flush >= self.flush_seconds
        if due or sum(t.num_rows for t in self.pending) >= self.flush_rows:
            self.flush()

    def write_blobs(self, name: str, batch: dict[str, np.ndarray], i: int) -> str:
        """The row's npz and overlays; returns the npz path relative to OUT ("" if none)."""
        if not len(batch["maps"][i]):
            return ""
        path = inside(self.out / "maps", name, ".npz")
        atomic_write(path, bytes(batch["maps"][i]))
        for key in (k for k in batch if k.endswith(OVERLAY_SUFFIX)):
            method = key[:-len(OVERLAY_SUFFIX)]
            atomic_write(inside(self.out / "overlays", name, f".{method}.png"), bytes(batch[key][i]))
        return path.relative_to(self.out.resolve()).as_posix()

    def flush(self) -> None:
        if self.pending:
            self.parts += 1
            buffer = pa.BufferOutputStream()
            pq.write_table(pa.concat_tables(self.pending), buffer)
            atomic_write(self.table_dir / f"part-{self.run_id}-{self.parts:05d}.parquet",
                         buffer.getvalue().to_pybytes())
            self.pending = []
        self.last_flush = time.monotonic()

    def finish(self) -> pa.Table:
        """Flush, then merge every part into ``results.parquet``: one row per file, sorted."""
        self.flush()
        table = pq.read_table(self.table_dir)
        names = table["file"].to_pylist()
        last = {name: i for i, name in enumerate(names)}  # a file written twice: keep the last
        table = table.take(sorted(last.values(), key=lambda i: names[i]))
        buffer = pa.BufferOutputStream()
        pq.write_table(table, buffer)
        atomic_write(self.out / "results.parquet", buffer.getvalue().to_pybytes())
        return table
