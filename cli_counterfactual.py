"""Counterfactual subcommand of cli.py: ``counterfactual`` (the smallest change that makes a
model say ``--to``: word edits for text, the generator's latent space or a regularised pixel
change for images; explainers/counterfactual/, workflows/counterfactuals.py)."""
from __future__ import annotations

import argparse
from pathlib import Path

from cli_common import CliError, class_index, emit, load_input

NAMED = ("digit", "sample")  # named sources (inputs/sources.py) besides held-out SPLIT:INDEX


def image_argument(args: argparse.Namespace, model):
    """``--input``: a file, ``digit:N`` / ``sample:NAME``, or a held-out shortcut ``biased:N``."""
    from inputs.shortcut_data import SPLITS
    from workflows.counterfactuals import held_out_shortcut

    prefix, sep, _ = (args.input or "").partition(":")
    if args.input is None or Path(args.input).is_file() or not sep:
        return load_input(args, model)
    try:
        if prefix in NAMED:
            from inputs.sources import image_from_source
            return image_from_source(args.input)
        if prefix in SPLITS:
            return held_out_shortcut(args.input)[0]
    except ValueError as err:
        raise CliError(f"--input {args.input!r}: {err}") from None
    raise CliError(f"--input {args.input!r}: a file, digit:N, sample:NAME or SPLIT:N "
                   f"(SPLIT one of {', '.join(SPLITS)})")


def text_payload(model, args, target: int) -> tuple[dict, list[str]]:
    from workflows.counterfactuals import text_counterfactual

    result = text_counterfactual(model, load_input(args, model), target, args.max_edits)
    probs = {"original": result.original_probs, "counterfactual": result.counterfactual_probs}
    payload = {"original": result.original, "counterfactual": result.counterfactual,
               "edits": list(result.edits), "flipped": result.flipped,
               "evaluations": result.evaluations,
               **{f"{k}_probabilities": {lab: round(float(p), 4) for lab, p in zip(model.labels, v)}
                  for k, v in probs.items()}}
    head = (f"flipped to {model.labels[target]} with {len(result.edits)} edit(s)" if result.flipped
            else f"no flip to {model.labels[target]} within {args.max_edits} edits; best found")
    lines = [head, f"  original:       {result.original}", f"  counterfactual: {result.counterfactual}"]
    lines += [f"  edit: {e}" for e in result.edits]
    lines += [f"  p({model.labels[target]}): {result.original_probs[target]:.3f} -> "
              f"{result.counterfactual_probs[target]:.3f} ({result.evaluations} model evaluations)"]
    return payload, lines


def image_payload(model, args, target: int) -> tuple[dict, list[str]]:
    from model_zoo.generators import has_generator
    from workflows.counterfactuals import digit_counterfactual, image_counterfactual

    how = args.how if args.how != "auto" else ("latent" if has_generator(model.name) else "pixels")
    search = digit_counterfactual if how == "latent" else image_counterfactual
    try:
        result = search(model, image_argument(args, model), target, steps=args.steps)
    except ValueError as err:
        raise CliError(str(err)) from None
    if args.out:
        save_strip(result, Path(args.out))
    payload = {"method": result.method, "flipped": result.flipped, "steps": result.steps,
               "mean_abs_change": round(result.distance, 5), "seconds": round(result.seconds, 2),
               "verdict": result.verdict(model.labels),
               **{f"{k}_probabilities": {lab: round(float(p), 4) for lab, p in zip(model.labels, v)}
                  for k, v in (("original", result.original_probs),
                               ("counterfactual", result.counterfactual_probs))}}
    return payload, [result.verdict(model.labels)] + ([f"saved {args.out}"] if args.out else [])


def save_strip(result, path: Path) -> None:
    """original | counterfactual | difference (red brighter, blue darker) as one PNG."""
    import numpy as np
    from PIL import Image

    from components.counterfactual_view import difference_rgb, shown

    strip = np.concatenate([shown(result.original), shown(result.counterfactual),
                            shown(difference_rgb(result.difference))], axis=1)
    Image.fromarray(strip).save(path)


def cmd_counterfactual(args: argparse.Namespace) -> None:
    from model_zoo import load_model

    model = load_model(args.model)
    target = class_index(model, args.to)
    build = text_payload if model.modality == "text" else image_payload
    payload, lines = build(model, args, target)
    emit({"model": model.name, "to": model.labels[target], **payload}, args.json, lines)


def add_counterfactual_commands(sub) -> None:
    p = sub.add_parser("counterfactual", help="the smallest change that makes a model say "
                                              "another class (text or image)")
    p.add_argument("--model", required=True, help="a zoo name (text or image)")
    p.add_argument("--to", required=True, help="the class to reach: index or label")
    p.add_argument("--text", help="the sentence (text models)")
    p.add_argument("--input", help="image file, digit:N, sample:NAME or held-out SPLIT:N")
    p.add_argument("--how", choices=["auto", "latent", "pixels"], default="auto",
                   help="images: latent (through the model's generator), pixels (a sparse, "
                        "smooth perturbation); auto: latent where a generator ships")
    p.add_argument("--steps", type=int, default=300, help="images: optimisation steps")
    p.add_argument("--max-edits", type=int, default=3, help="text: most word edits tried")
    p.add_argument("--out", help="images: save original | counterfactual | difference as PNG")
    p.add_argument("--json", action="store_true")
    p.set_defaults(fn=cmd_counterfactual)
