"""The ``diff`` subcommand of cli.py: two models audited on the same inputs, compared
(prediction changes, signed difference of mean maps, mask-score deltas, SpRAy changes)."""
from __future__ import annotations

import argparse
import sys

from cli_common import CliError, emit


def cmd_diff(args: argparse.Namespace) -> None:
    from cli_datasets import load_audit_set
    from explainers import explainer_entry
    from workflows.audit import run_audit
    from explainers.audit.diff import diff_audits, diff_payload, shared_labels
    from model_zoo import load_model

    models = [load_model(args.model_a), load_model(args.model_b)]
    shared_labels(*models)  # refuse before any work
    methods = tuple(m.strip() for m in args.methods.split(",") if m.strip())
    for model in models:
        for method in methods:
            if not explainer_entry(method).is_compatible(model):
                raise CliError(f"method {method!r} does not fit model {model.name!r}")
    data, notes = load_audit_set(args)
    for note in notes:
        print(f"note: {note}", file=sys.stderr)
    a, b = (run_audit(m, data, methods, seed=args.seed) for m in models)
    payload = diff_payload(diff_audits(a, b))
    payload["seconds"] = {"audit_a": round(a.seconds["total"], 2),
                          "audit_b": round(b.seconds["total"], 2)}
    emit(payload, args.json, [f"{a.model} -> {b.model} on {a.dataset} ({payload['items']} "
                              f"images): predictions changed on "
                              f"{payload['predictions_changed']:.0%}", *payload["summary"]])


def add_diff_commands(sub) -> None:
    """The ``diff`` parser."""
    p = sub.add_parser("diff", help="compare two models' audits on the same inputs")
    p.add_argument("--model-a", required=True, help="the model before (a zoo name)")
    p.add_argument("--model-b", required=True, help="the model after")
    p.add_argument("--dataset", required=True,
                   help="shortcut_biased, shortcut_swapped, shortcut_neutral or a FILE.zip")
    p.add_argument("--masks", help="folder (or zip) of object masks named like the zip's images")
    p.add_argument("--methods", default="gradcam", help="comma-separated (default gradcam)")
    p.add_argument("--limit", type=int, help="at most N images (generated: N, default 1000)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--json", action="store_true")
    p.set_defaults(fn=cmd_diff)
