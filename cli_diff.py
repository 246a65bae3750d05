"""The ``diff`` subcommand of cli.py: two models audited on the same inputs, compared
(prediction changes, signed difference of mean maps, mask-score deltas, SpRAy changes)."""
from __future__ import annotations

import argparse
import sys

from cli_common import CliError, emit


def cmd_diff(args: argparse.Namespace) -> None:
    from cli_datasets import load_audit_set
    from explainers import explainer_entry
    from explainers.audit.diff import shared_labels
    from workflows.audit_diff import diff_models

    models = [side_model(args, "a"), side_model(args, "b")]
    for model in models:
        if model.modality != "image":
            raise CliError(f"{model.name} is not an image model: the diff audits images")
    shared_labels(*models)  # refuse before any work
    methods = tuple(m.strip() for m in args.methods.split(",") if m.strip())
    for model in models:
        for method in methods:
            if not explainer_entry(method).is_compatible(model):
                raise CliError(f"method {method!r} does not fit model {model.name!r}")
    data, notes = load_audit_set(args)
    for note in notes:
        print(f"note: {note}", file=sys.stderr)
    _, payload = diff_models(*models, data, methods, seed=args.seed, road=args.road)
    emit(payload, args.json, [f"{payload['model_a']} -> {payload['model_b']} on "
                              f"{payload['dataset']} ({payload['items']} images): predictions "
                              f"changed on {payload['predictions_changed']:.0%}",
                              *payload["summary"], *payload.get("road_summary", [])])


def side_model(args: argparse.Namespace, side: str):
    """Model A or B: a zoo name (``--model-a``), or ``--checkpoint-a FILE`` with
    ``--arch-a`` (a .safetensors/.pt state dict) or alone (.onnx), ``--labels-a FILE``:
    read the way every other subcommand reads ``--model``/``--checkpoint``."""
    from cli_common import load_classifier

    pick = argparse.Namespace(**{k: getattr(args, f"{k}_{side}")
                                 for k in ("model", "checkpoint", "arch", "labels")})
    if pick.model is None and pick.checkpoint is None:
        raise CliError(f"model {side.upper()}: pass --model-{side} NAME or "
                       f"--checkpoint-{side} FILE (with --arch-{side} for a state dict)")
    if pick.checkpoint is not None and pick.model is not None:
        raise CliError(f"model {side.upper()}: --model-{side} or --checkpoint-{side}, not both")
    return load_classifier(pick)


def add_diff_commands(sub) -> None:
    """The ``diff`` parser."""
    p = sub.add_parser("diff", help="compare two models' audits on the same inputs")
    for side, when in (("a", "before"), ("b", "after")):
        p.add_argument(f"--model-{side}", help=f"the model {when}: a zoo name")
        p.add_argument(f"--checkpoint-{side}", help=f"or the model {when} from a file: "
                       ".safetensors or .pt state dict (with --arch-" + side + "), or .onnx")
        p.add_argument(f"--arch-{side}", help="the checkpoint's architecture, e.g. small_cnn")
        p.add_argument(f"--labels-{side}", help="its class names: txt (one a line) or json; "
                       "the diff compares the labels both models share, by name")
    p.add_argument("--dataset", required=True,
                   help="shortcut_biased, shortcut_swapped, shortcut_neutral or a FILE.zip")
    p.add_argument("--masks", help="folder (or zip) of object masks named like the zip's images")
    p.add_argument("--methods", default="gradcam", help="comma-separated (default gradcam)")
    p.add_argument("--limit", type=int, help="at most N images (generated: N, default 1000)")
    p.add_argument("--road", type=int, default=0, metavar="N",
                   help="ROAD gap of both models' maps on N images spread over the set, "
                        "with the paired difference (default 0: off; about 15 forwards an image)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--json", action="store_true")
    p.set_defaults(fn=cmd_diff)
