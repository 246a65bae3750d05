"""The ``probe`` subcommand of cli.py: counterfactual probes of an image model over a
folder or zip of images (or the real photographs of installed packages), locally or on Ray.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

from cli_common import CliError, class_index, emit, engine_arguments, engine_choice


def probe_specs(args: argparse.Namespace):
    from explainers.probes import ProbeError
    from explainers.probes.spec import parse_spec

    probes = args.probe or ["watermark:imagenet-w"]
    if args.param and len(probes) > 1:
        raise CliError("--param sets one probe's settings: give a single --probe with it")
    try:
        return tuple(parse_spec(p, args.param) for p in probes)
    except ProbeError as err:
        raise CliError(str(err)) from None


def rounded(value: Any) -> Any:
    """Floats to 6 significant places, all the way down, so the JSON stays readable."""
    if isinstance(value, float):
        return float(f"{value:.6g}")
    if isinstance(value, dict):
        return {k: rounded(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [rounded(v) for v in value]
    return value


def probe_payload(report, source: str) -> dict:
    pairs = len(report.columns["file"]) * len(report.specs)
    return rounded(dict(
        model=report.model, input=source, images=len(report.columns["file"]),
        errors=len(report.bad_files), interrupted=report.interrupted,
        methods=list(report.methods), probes=report.probes,
        seconds=report.seconds,
        image_probes_per_second=pairs / max(report.seconds["batches"], 1e-9),
        bad_files=[dict(file=f, error=e) for f, e in report.bad_files]))


def galleries(report, source: str, model) -> dict[str, list]:
    """Gallery pictures for each probe's most affected images (a few files re-read)."""
    from explainers.probes.batch import ProbeBatch, working_size
    from explainers.probes.gallery import gallery_items
    from inputs.image_io import decode_image
    from jobs.sources import FileSource, ReadFiles

    work = ProbeBatch(model, [], list(report.methods))
    out = {}
    for spec in report.specs:
        files = [row["file"] for row in report.probes[spec.key]["gallery"]]
        if not files:
            continue
        read = ReadFiles(FileSource.open(source))({"file": np.array(files, dtype=object)})
        images = [working_size(decode_image(bytes(d))) for d in read["data"]]
        out[spec.key] = gallery_items(work, spec, files, images)
    return out


def watch_classes(args: argparse.Namespace, model) -> tuple[int, ...]:
    names = [w.strip() for w in (args.watch or "").split(",") if w.strip()]
    return tuple(class_index(model, w) for w in names)


def cmd_probe(args: argparse.Namespace) -> None:
    from explainers import explainer_entry
    from model_zoo import load_model

    if args.list:
        return list_probes(args)
    specs = probe_specs(args)
    if (args.input is None) == (args.photos is None):
        raise CliError("pass --input FOLDER_OR_ZIP or --photos tuning|reporting|all")
    if args.model is None:
        raise CliError("pass --model NAME")
    model = load_model(args.model)
    if model.modality != "image":
        raise CliError(f"probes edit images; {model.name} reads text")
    methods = tuple(m.strip() for m in (args.methods or "").split(",") if m.strip())
    for method in methods:
        if not explainer_entry(method).is_compatible(model):
            raise CliError(f"method {method!r} does not fit model {model.name!r}")
    with tempfile.TemporaryDirectory(prefix="probe-photos-") as tmp:
        source = args.input or photo_folder(args.photos, Path(tmp))
        run(args, model, specs, methods, source)


def photo_folder(split: str, folder: Path) -> str:
    from inputs.photos import write_photos

    if not write_photos(folder, split):
        raise CliError("no photo package is installed (scripts/setup.sh installs them)")
    return str(folder)


def run(args: argparse.Namespace, model, specs, methods, source: str) -> None:
    from jobs.probe_job import run_probe

    report = run_probe(args.model, model.labels, source, specs, methods, engine_choice(args),
                       watch_classes(args, model), args.seed)
    label = args.input or f"photos ({args.photos} split)"
    payload = probe_payload(report, label)
    if args.out:
        from components.probe_report import probe_html

        Path(args.out).write_text(probe_html(payload, galleries(report, source, model)),
                                  encoding="utf-8")
        payload["out"] = args.out
    if report.interrupted:
        print("note: interrupted; the figures cover the images done so far", file=sys.stderr)
    lines = [f"{model.name}: {payload['images']} images, {payload['errors']} with errors"]
    for key, found in payload["probes"].items():
        lines.append(found["verdict"])
        for row in (found["summary"] or {}).get("pushed_toward", [])[:args.top]:
            lines.append(f"  toward {row['label']:<24} {100 * row['change']:+.2f} points "
                         f"(CI {100 * row['ci'][0]:+.2f} to {100 * row['ci'][1]:+.2f})")
    emit(payload, args.json, lines + [f"bad file: {b['file']}: {b['error']}"
                                      for b in payload["bad_files"]])


def list_probes(args: argparse.Namespace) -> None:
    from explainers.probes import probe_entries

    rows = [dict(name=e.name, title=e.title, settings=e.defaults, presets=e.presets,
                 needs_mask=e.needs_mask) for e in probe_entries()]
    emit(rows, args.json, [f"{r['name']:<12} {r['title']}  presets: "
                           f"{', '.join(r['presets']) or '-'}" for r in rows])


def add_probe_commands(sub) -> None:
    """The ``probe`` parser."""
    p = sub.add_parser("probe", help="counterfactual probes (watermark, patch, ...) of an image "
                                     "model over a folder or zip, against a placebo")
    p.add_argument("--model", help="a zoo name, torchvision:NAME or hf:ID")
    p.add_argument("--input", help="a folder (walked) or a zip of images")
    p.add_argument("--photos", choices=["tuning", "reporting", "all"],
                   help="the real photographs of installed packages (docs/probes.md)")
    p.add_argument("--probe", action="append",
                   help="NAME or NAME:PRESET, repeatable (default watermark:imagenet-w)")
    p.add_argument("--param", action="append", help="KEY=VALUE setting of the one --probe")
    p.add_argument("--methods", default="", help="comma-separated maps whose share inside the "
                                                 "probed region is measured (e.g. gradcam)")
    p.add_argument("--watch", help="comma-separated classes (labels or indices) to test "
                                   "against the placebo, chosen before looking (e.g. carton)")
    p.add_argument("--top", type=int, default=10, help="classes pushed toward to print")
    p.add_argument("--seed", type=int, default=0, help="bootstrap and permutation seed")
    p.add_argument("--out", help="self-contained HTML report with the gallery")
    p.add_argument("--list", action="store_true", help="list the registered probes")
    p.add_argument("--json", action="store_true")
    engine_arguments(p)
    p.set_defaults(fn=cmd_probe)
