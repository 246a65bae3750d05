"""Data-set subcommands of cli.py: ``project`` (a layer's embeddings in 2-D or 3-D),
``batch`` (every image of a folder or zip into a table) and ``audit`` (shortcut audit).
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from cli_common import (CliError, emit, engine_arguments, engine_choice, load_classifier,
                        model_arguments, read_file)


def load_projection_dataset(name: str, size: int | None):
    """A named data set (``size`` items, default its own) or a zip of class folders."""
    from inputs.datasets import load_dataset
    from inputs.zip_dataset import zip_dataset

    if not name.endswith(".zip"):
        return load_dataset(name, size)
    if size is not None:
        raise CliError("--size applies to generated and bundled data sets, not a zip")
    path = Path(name)
    if not path.is_file():
        raise CliError(f"no such file: {path}")
    return zip_dataset(path.read_bytes())[0]


def cmd_project(args: argparse.Namespace) -> None:
    from components.projection_figure import (hover_texts, projection_figure, standalone_html,
                                              thumbnail_uris)
    from explainers.global_views.layers import projection_layer_names
    from explainers.global_views.projection import project
    from workflows.projection import extract_activations
    from model_zoo import load_model

    model = load_model(args.model)
    dataset = load_projection_dataset(args.dataset, args.size)
    layers = projection_layer_names(model)
    layer = args.layer or layers[-2]
    acts = extract_activations(model, dataset, layer, engine_choice(args))
    proj = project(acts.features, args.method, args.dims, args.seed)
    true = [dataset.label_names[k] for k in dataset.labels]
    if args.out:
        hover = hover_texts(true, [model.labels[k] for k in acts.predicted], acts.confidence,
                            dataset.items if dataset.modality == "text" else None)
        fig = projection_figure(proj.coords, hover, categories=true, colour_title="true label")
        thumbs = thumbnail_uris(dataset.items) if dataset.modality == "image" else None
        Path(args.out).write_text(standalone_html(fig, thumbs), encoding="utf-8")
    payload = dict(model=model.name, dataset=dataset.name, items=len(dataset), layer=layer,
                   features=acts.features.shape[1], method=args.method, dims=args.dims,
                   seed=args.seed, extraction_seconds=round(acts.seconds, 3),
                   items_per_second=round(acts.items_per_second, 1),
                   projection_seconds=round(proj.seconds, 3), out=args.out,
                   coords=[[round(float(v), 4) for v in row] for row in proj.coords],
                   labels=true, predicted=[model.labels[k] for k in acts.predicted])
    emit(payload, args.json, [f"{k}: {v}" for k, v in payload.items()
                              if k not in ("coords", "labels", "predicted")])


def batch_methods(model_name: str, methods_text: str) -> tuple[str, ...]:
    """The comma-separated methods, checked against the model before any work starts."""
    from model_zoo import load_model
    from workflows.methods import checked_methods, split_names

    if not split_names(methods_text):
        raise CliError("--methods lists no method")
    model = load_model(model_name)
    if model.modality != "image":
        raise CliError(f"batch explains image files; {model.name} reads text")
    return checked_methods(model, methods_text)


def interrupted(*_: Any) -> None:
    """A polite kill (SIGTERM) unwinds like Ctrl-C, so the rows in hand reach the table."""
    raise KeyboardInterrupt


def cmd_batch(args: argparse.Namespace) -> None:
    import signal

    from jobs.batch_job import BatchJob, run_batch

    job = BatchJob(args.model, batch_methods(args.model, args.methods), args.metrics,
                   args.overlays, args.road)
    engine = engine_choice(args)
    signal.signal(signal.SIGTERM, interrupted)
    summary = run_batch(job, args.input, Path(args.out), engine, args.flush_seconds,
                        progress=not args.no_progress)
    payload = dict(engine=summary.engine, workers=summary.workers, files=summary.files,
                   skipped=summary.skipped, processed=summary.processed, errors=summary.errors,
                   seconds=round(summary.seconds, 3),
                   images_per_second=round(summary.images_per_second, 3),
                   table=str(Path(args.out) / "results.parquet"),
                   bad_files=[dict(file=f, error=e) for f, e in summary.bad_files])
    if summary.road:
        payload["road"] = summary.road
    emit(payload, args.json, [f"{k}: {v}" for k, v in payload.items() if k != "bad_files"]
         + [f"bad file: {f}: {e}" for f, e in summary.bad_files])


def load_audit_set(args: argparse.Namespace):
    """A generated shortcut split (held-out, seed ``--seed``) or a zip with ``--masks``."""
    from inputs.audit_data import generated_set
    from inputs.audit_zip import folder_masks_zip, zip_audit_set

    if not args.dataset.endswith(".zip"):
        if args.masks:
            raise CliError("--masks applies to a zip of class folders; generated sets have masks")
        return generated_set(args.dataset, args.limit or 1000, args.seed), []
    masks = None
    if args.masks:
        folder = Path(args.masks)
        if folder.is_dir():
            masks = folder_masks_zip(folder)
        else:
            masks = read_file(args.masks, "masks")
    data, notes = zip_audit_set(read_file(args.dataset, "dataset"), masks)
    return data.head(args.limit), notes


def audit_payload(report) -> dict:
    """The audit's figures as plain JSON: classes with flags, SpRAy clusters, timings."""
    spray = {report.label_names[c]: dict(
        k=sp.k, eigenvalues=[round(float(v), 4) for v in sp.eigenvalues],
        clusters=[dict(cluster=s.cluster, size=s.size, share=round(s.share, 3),
                       purity=round(s.purity, 3), focus=round(s.focus, 3),
                       hot_spot=[round(float(v), 3) for v in s.hot_spot],
                       flagged=s.flagged, examples=list(s.examples)) for s in sp.summaries])
        for c, sp in report.spray.items()}
    return dict(model=report.model, dataset=report.dataset, items=len(report.columns["label"]),
                methods=list(report.methods), classes=report.rows, flagged=report.flagged,
                spray=spray, seconds={k: round(v, 2) for k, v in report.seconds.items()})


def cmd_audit(args: argparse.Namespace) -> None:
    from workflows.audit import run_audit
    from workflows.methods import checked_methods

    model = load_classifier(args)
    methods = checked_methods(model, args.methods or "gradcam")
    data, notes = load_audit_set(args)
    for note in notes:
        print(f"note: {note}", file=sys.stderr)
    engine = engine_choice(args)
    if engine.name == "ray" and args.checkpoint is not None:
        raise CliError("--engine ray loads the model by name in every worker: use a zoo "
                       "model (--model), not --checkpoint")
    report = run_audit(model, data, methods, seed=args.seed, engine=engine)
    payload = audit_payload(report)
    if args.out:
        from components.audit_report import report_html

        Path(args.out).write_text(report_html(report, data), encoding="utf-8")
        payload["out"] = args.out
    lines = [f"{r['class']:<16} {', '.join(r['flags']) or 'no flags'}" for r in report.rows]
    emit(payload, args.json, [f"{report.model} on {report.dataset} ({payload['items']} images)",
                              *lines])


def add_dataset_commands(sub) -> None:
    """The ``project``, ``batch`` and ``audit`` parsers."""
    p = sub.add_parser("project", help="project a layer's pooled activations of a data set")
    p.add_argument("--model", required=True, help="a model name (see the models subcommand)")
    p.add_argument("--dataset", required=True, help="shapes, samples, tweets or a FILE.zip")
    p.add_argument("--size", type=int, help="items of a generated or bundled set")
    p.add_argument("--layer", help="default: the last block (images) or layer (text)")
    p.add_argument("--method", default="umap", choices=["pca", "tsne", "umap"],
                   help="projection method")
    p.add_argument("--dims", type=int, default=2, choices=[2, 3], help="2-D or 3-D projection")
    p.add_argument("--seed", type=int, default=0, help="seed of the data set and the projection")
    p.add_argument("--out", help="interactive HTML to write (hover shows thumbnails)")
    p.add_argument("--json", action="store_true", help="print JSON instead of text lines")
    engine_arguments(p)
    p.set_defaults(fn=cmd_project)
    p = sub.add_parser("batch", help="explain every image of a folder or zip into a table")
    p.add_argument("--model", required=True, help="a model name (see the models subcommand)")
    p.add_argument("--methods", required=True, help="comma-separated, e.g. gradcam,saliency")
    p.add_argument("--input", required=True, help="a folder (walked) or a zip of images")
    p.add_argument("--out", required=True, help="output folder; a second run resumes it")
    p.add_argument("--metrics", action="store_true",
                   help="pixel deletion/insertion areas per map (as in papers)")
    p.add_argument("--road", action="store_true",
                   help="ROAD per map against 4 random maps of the same image: gap and verdict "
                        "columns, and each method's beats-random share (about 5 s per image "
                        "at 224 px on 2 cores, plus 1 s per map)")
    p.add_argument("--overlays", action="store_true", help="also write overlay PNGs")
    p.add_argument("--flush-seconds", type=float, default=10.0,
                   help="write finished rows to the table at least this often")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.add_argument("--json", action="store_true", help="print JSON instead of text lines")
    engine_arguments(p)
    p.set_defaults(fn=cmd_batch)
    p = sub.add_parser("audit", help="shortcut audit of an image model over a data set")
    model_arguments(p)
    p.add_argument("--dataset", required=True,
                   help="shortcut_biased, shortcut_swapped, shortcut_neutral or a FILE.zip")
    p.add_argument("--methods", default="gradcam", help="comma-separated (default gradcam)")
    p.add_argument("--masks", help="folder (or zip) of object masks named like the zip's images")
    p.add_argument("--limit", type=int, help="audit at most N images (generated: N, default 1000)")
    p.add_argument("--seed", type=int, default=0, help="generated split's seed; swaps, SpRAy")
    p.add_argument("--out", help="self-contained HTML report to write")
    p.add_argument("--json", action="store_true", help="print JSON instead of text lines")
    engine_arguments(p)
    p.set_defaults(fn=cmd_audit)
