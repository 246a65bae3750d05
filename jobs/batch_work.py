"""The per-batch work of ``cli.py batch``: one class that the local engine and Ray both call.

``__init__`` loads the model once from its registry name (a Ray actor does it once per
worker); ``__call__`` decodes a batch of files, predicts them in one forward pass, explains
each image with every method and, if asked, scores each map by deletion and insertion
and/or by ROAD against random maps (computed once per image, shared by its maps).
Seeded methods are seeded per image from the file's content digest, never per worker, so
any engine with any number of workers gives the same maps.
"""
from __future__ import annotations

import hashlib
import io
import time
from typing import Any

import numpy as np
import torch

from explainers.metrics.schema import (DELETION_AUC, INSERTION_AUC, RANDOM_ROAD_GAP_SPREAD,
                                       ROAD_GAP, ROAD_SECONDS, ROAD_VERDICT, method_column)
from inputs.image_io import ImageDecodeError, decode_image, to_tensor


VERDICT_CODES = {"beats random": 1.0, "cannot tell": 0.0, "worse than random": -1.0}


def image_seed(digest: str) -> int:
    """A 31-bit seed from the content digest: the same image gets the same noise anywhere."""
    return int(digest[:8], 16) & 0x7FFFFFFF


def npz_bytes(maps: dict[str, np.ndarray]) -> bytes:
    buffer = io.BytesIO()
    np.savez_compressed(buffer, **maps)
    return buffer.getvalue()


class BatchWork:
    """Explain a batch of files: ``{"file", "data", "read_error"}`` -> one row per file.

    Row columns: file, digest, error ("" when fine), label, class_index, probability,
    height, width, per method ``<m>_seconds`` (and with metrics ``<m>_deletion_auc``,
    ``<m>_insertion_auc``, ``<m>_metrics_seconds``; with road ``<m>_road_gap``,
    ``<m>_road_verdict`` (+1 beats random, 0 cannot tell, -1 worse), ``<m>_road_seconds`` and
    per image ``random_road_gap_spread``), ``maps`` (npz bytes, one array per method) and
    with overlays ``<m>_overlay`` (PNG bytes). Score names: ``explainers.metrics.schema``.
    """

    def __init__(self, model: str, methods: list[str], metrics: bool = False,
                 overlays: bool = False, threads: int | None = None, road: bool = False) -> None:
        if threads:
            torch.set_num_threads(threads)
        import explainers  # noqa: F401  (registers the methods in a fresh worker process)
        from model_zoo import load_model

        self.model = load_model(model)
        self.methods, self.metrics, self.overlays = list(methods), metrics, overlays
        self.road = road

    def __call__(self, batch: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        rows = [self.decode(str(f), d, str(e))
                for f, d, e in zip(batch["file"], batch["data"], batch["read_error"])]
        good = [r for r in rows if not r["error"]]
        if good:
            self.predict(good)
        for row in good:
            self.explain_row(row)
        return self.columns(rows)

    def decode(self, name: str, data: bytes, read_error: str) -> dict[str, Any]:
        row: dict[str, Any] = {"file": name, "digest": hashlib.sha256(data).hexdigest(),
                               "error": read_error}
        if not read_error:
            try:
                row["image"] = decode_image(bytes(data))
            except ImageDecodeError as err:
                row["error"] = f"not a usable image: {err}"
        return row

    def predict(self, rows: list[dict[str, Any]]) -> None:
        """One forward pass for the batch: top class and its probability per image."""
        inputs = torch.cat([self.model.preprocess(to_tensor(r["image"])) for r in rows])
        with torch.inference_mode():
            probs = torch.softmax(self.model.module(inputs).double(), dim=-1)
        best, index = probs.max(dim=-1)
        for row, p, k in zip(rows, best.tolist(), index.tolist()):
            row |= {"probability": p, "class_index": k, "label": self.model.labels[k]}

    def explain_row(self, row: dict[str, Any]) -> None:
        """Every method on one image; an exception is this file's error, not the job's."""
        try:
            row |= self.explain_image(to_tensor(row["image"]), row["class_index"],
                                      image_seed(row["digest"]), row["image"])
        except Exception as err:  # noqa: BLE001  (one odd image must not stop a long job)
            row["error"] = f"{type(err).__name__}: {err}"

    def explain_image(self, x: torch.Tensor, target: int, seed: int,
                      rgb: np.ndarray) -> dict[str, Any]:
        out: dict[str, Any] = {"maps": {}}
        baseline = None
        if self.road:
            from explainers.metrics.road_verdict import random_road

            baseline = random_road(self.model, x, target)
            out[RANDOM_ROAD_GAP_SPREAD] = baseline.spread
        together = self.shared_results(x, target)
        for method in self.methods:
            result = together.get(method) or self.run_method(method, x, target, seed)
            out["maps"][method] = result.scores
            out[f"{method}_seconds"] = result.seconds
            if self.metrics:
                out |= self.faithfulness(method, x, result.scores, target)
            if baseline is not None:
                out |= self.road_scores(method, x, result.scores, target, baseline)
            if self.overlays:
                out[f"{method}_overlay"] = self.overlay(rgb, result)
        return out

    def shared_results(self, x: torch.Tensor, target: int) -> dict:
        """The gradient methods that read one forward+backward, from one shared pass (their
        ``<m>_seconds`` is the pass's); none when fewer than two are asked for."""
        from explainers.run_shared import shareable
        from workflows.explain_many import explain_many

        group = shareable(self.model, self.methods)
        return explain_many(self.model, group, x, target) if len(group) >= 2 else {}

    def run_method(self, method: str, x: torch.Tensor, target: int, seed: int):
        from explainers import explain, explainer_entry

        params = {"seed": seed} if "seed" in explainer_entry(method).defaults else {}
        torch.manual_seed(seed)  # for methods drawing from torch's global generator
        return explain(self.model, method, x, target=target, **params)

    def faithfulness(self, method: str, x: torch.Tensor, scores: np.ndarray,
                     target: int) -> dict[str, float]:
        """Deletion and insertion areas (explainers/metrics) and the seconds they took."""
        from explainers.metrics import deletion_insertion

        started = time.perf_counter()
        result = deletion_insertion(self.model, x, scores, target)
        return {method_column(method, DELETION_AUC): result.deletion_auc,
                method_column(method, INSERTION_AUC): result.insertion_auc,
                f"{method}_metrics_seconds": time.perf_counter() - started}

    def road_scores(self, method: str, x: torch.Tensor, scores: np.ndarray, target: int,
                    baseline) -> dict[str, float]:
        """ROAD gap of the map, its verdict against ``baseline`` as a number, the seconds."""
        from explainers.metrics.road import road_curves
        from explainers.metrics.road_verdict import verdict

        started = time.perf_counter()
        curves = road_curves(self.model, x, scores, target)
        code = VERDICT_CODES[verdict(curves, baseline).outcome]
        return {method_column(method, ROAD_GAP): curves.gap,
                method_column(method, ROAD_VERDICT): code,
                method_column(method, ROAD_SECONDS): time.perf_counter() - started}

    @staticmethod
    def overlay(rgb: np.ndarray, result) -> bytes:
        from components.overlay import overlay, png_bytes

        return png_bytes(overlay(np.asarray(rgb), result.scores, result.signed))

    def columns(self, rows: list[dict[str, Any]]) -> dict[str, np.ndarray]:
        """Rows -> typed columns; failed rows get NaN numbers and empty bytes."""
        cols: dict[str, np.ndarray] = {
            "file": np.array([r["file"] for r in rows], dtype=object),
            "digest": np.array([r["digest"] for r in rows], dtype=object),
            "error": np.array([r["error"] for r in rows], dtype=object),
            "label": np.array([r.get("label", "") if not r["error"] else "" for r in rows],
                              dtype=object),
            "class_index": np.array([r.get("class_index", -1) if not r["error"] else -1
                                     for r in rows], dtype=np.int64),
        }
        for key in ("probability", *self.number_columns()):
            cols[key] = np.array([np.nan if r["error"] else r.get(key, np.nan) for r in rows],
                                 dtype=np.float64)
        for key in ("height", "width"):
            axis = 0 if key == "height" else 1
            cols[key] = np.array([r["image"].shape[axis] if "image" in r else -1 for r in rows],
                                 dtype=np.int64)
        cols["maps"] = np.array([b"" if r["error"] else npz_bytes(r["maps"]) for r in rows],
                                dtype=object)
        for method in self.methods if self.overlays else ():
            cols[f"{method}_overlay"] = np.array(
                [b"" if r["error"] else r[f"{method}_overlay"] for r in rows], dtype=object)
        return cols

    def number_columns(self) -> list[str]:
        names = [RANDOM_ROAD_GAP_SPREAD] if self.road else []
        for method in self.methods:
            names.append(f"{method}_seconds")
            if self.metrics:
                names += [method_column(method, k) for k in (DELETION_AUC, INSERTION_AUC,
                                                              "metrics_seconds")]
            if self.road:
                names += [method_column(method, k) for k in (ROAD_GAP, ROAD_VERDICT, ROAD_SECONDS)]
        return names
