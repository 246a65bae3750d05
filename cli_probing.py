"""Layer probing subcommand of cli.py: ``linear-probe`` (what each layer still encodes).

Not to be confused with the data-set probes of the shortcut audit: this fits a linear
classifier per layer on pooled activations (explainers/global_views/probing.py).
"""
from __future__ import annotations

import argparse
from pathlib import Path

from cli_common import CliError, emit


def cmd_linear_probe(args: argparse.Namespace) -> None:
    from cli_datasets import load_projection_dataset
    from explainers.global_views.probing import probe_layers
    from model_zoo import load_model

    dataset = load_projection_dataset(args.dataset, args.size)
    reports = []
    for name in args.model:
        model = load_model(name)
        if model.modality != "image":
            raise CliError(f"{name} reads text; linear-probe runs on image models")
        reports.append(probe_layers(model, dataset, args.property, tuple(range(args.seeds)),
                                    args.layers))
    if args.out:
        from components.probe_view import probe_figure

        Path(args.out).write_text(probe_figure(reports).to_html(include_plotlyjs=True))
    payload = [r.as_dict() for r in reports]
    lines = []
    for r in reports:
        lines.append(f"{r.model}: {r.prop!r} on {r.dataset} (chance {r.chance:.3f})")
        lines += [f"  {p.layer:<12} {p.mean:.3f}  [{p.interval()[0]:.3f}, {p.interval()[1]:.3f}]"
                  for p in r.layers]
    emit(payload, args.json, lines)


def add_probing_commands(sub) -> None:
    p = sub.add_parser("linear-probe", help="probe accuracy by layer for a class or attribute")
    p.add_argument("--model", nargs="+", required=True, help="one or more image models")
    p.add_argument("--dataset", required=True,
                   help="a generated data set (shortcut_biased, shortcut_neutral, shapes, …) "
                        "or a zip of class folders")
    p.add_argument("--size", type=int, default=600, help="items (generated sets)")
    p.add_argument("--property", default="class",
                   help="class, or an attribute (background, watermark for the shortcut sets)")
    p.add_argument("--seeds", type=int, default=5, help="held-out splits, one probe each")
    p.add_argument("--layers", nargs="+", help="module names (default: blocks, then logits)")
    p.add_argument("--out", help="HTML file with the accuracy-by-depth chart")
    p.add_argument("--json", action="store_true")
    p.set_defaults(fn=cmd_linear_probe)
