"""Training-data attribution subcommand of cli.py: ``influence`` (which training images
support or oppose one prediction; last-layer TracIn, explainers/influence/)."""
from __future__ import annotations

import argparse

from cli_common import (CliError, class_index, emit, engine_arguments, engine_choice,
                        load_input)

HELD_OUT_SEED = 0  # the held-out shortcut images the dashboard offers; training uses 1000


def held_out_item(spec: str):
    """``SPLIT:INDEX`` of the held-out shortcut set -> ((3, H, W) tensor, label, background)."""
    import torch

    from inputs.shortcut_data import BACKGROUNDS, SPLITS, shortcut_item

    split, _, index = spec.partition(":")
    if split not in SPLITS or not index.isdigit():
        raise CliError(f"--item {spec!r}: expected SPLIT:INDEX with SPLIT one of {', '.join(SPLITS)}")
    image, label, _, attrs = shortcut_item(split, HELD_OUT_SEED, int(index))
    return torch.from_numpy(image).permute(2, 0, 1).contiguous(), label, BACKGROUNDS[attrs["background"]]


def first_triangle() -> str:
    from inputs.shortcut_data import shortcut_item

    return next(f"biased:{i}" for i in range(100) if shortcut_item("biased", HELD_OUT_SEED, i)[1] == 0)


def cmd_influence(args: argparse.Namespace) -> None:
    from explainers.influence.attribution import attribute_summary, influence
    from explainers.influence.training_data import NoTrainingData, training_set
    from model_zoo import load_model

    model = load_model(args.model)
    try:
        training_set(model.name)
    except NoTrainingData as err:
        raise CliError(str(err)) from None
    from workflows.influence import training_gradients

    training_gradients(model, engine_choice(args))  # the pass over the training set, cached
    if args.input:
        image, described = load_input(args, model), args.input
    else:
        spec = args.item or first_triangle()
        image, label, bg = held_out_item(spec)
        described = f"held-out {spec} ({model.labels[label]} on {bg})"
    target = class_index(model, args.class_name) if args.class_name else 0
    result = influence(model, image, target, args.top)
    summary, shortcut = attribute_summary(result, model.labels[target])

    def rows(pairs):
        return [{"index": i, "score": round(s, 4), "label": model.labels[result.training.labels[i]],
                 "background": result.training.attributes["background"][i]} for i, s in pairs]

    payload = {"model": model.name, "input": described, "class": model.labels[target],
               "training_set": result.training.name, "method": "TracIn, last layer, cosine",
               "proponents": rows(result.proponents), "opponents": rows(result.opponents),
               "summary": summary, "shortcut": shortcut, "from_cache": result.from_cache}
    lines = [f"{model.name} · {described} · class {model.labels[target]} · {result.training.name}",
             "top proponents (index, score, label, background):"]
    lines += [f"  #{r['index']:5d} {r['score']:+.3f} {r['label']:9s} {r['background']}"
              for r in payload["proponents"]]
    lines += ["top opponents:"] + [f"  #{r['index']:5d} {r['score']:+.3f} {r['label']:9s} "
                                   f"{r['background']}" for r in payload["opponents"]]
    emit(payload, args.json, lines + [summary])


def add_influence_commands(sub) -> None:
    p = sub.add_parser("influence", help="training images that support or oppose a prediction")
    p.add_argument("--model", required=True, help="a model trained here (shortcut_cnn, robust_cnn, shortcut_vit)")
    p.add_argument("--input", help="an image file (default: a held-out shortcut image)")
    p.add_argument("--item", help="a held-out shortcut image, SPLIT:INDEX (default: the first triangle of biased)")
    p.add_argument("--class", dest="class_name", help="class index or label (default 0)")
    p.add_argument("--top", type=int, default=10, help="how many proponents and opponents")
    p.add_argument("--json", action="store_true")
    p.add_argument("--text", help=argparse.SUPPRESS)
    engine_arguments(p)  # the gradient pass over the training set: local or Ray
    p.set_defaults(fn=cmd_influence)
