"""Lesson subcommands of cli.py: ``tcav`` (concept activation vectors) and ``attack``
(attacks on interpretation).
"""
from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from cli_common import (CliError, class_index, emit, fraction, load_classifier, load_input,
                        model_arguments, read_file)


def tcav_sets(args: argparse.Namespace, model, target: int):
    """(class images, {concept: images}, random pool) from the arguments."""
    from inputs.concept_images import concept_set, photo_crops, random_pool, zip_concepts
    from inputs.samples import SAMPLE_IMAGES, sample_image
    from inputs.image_io import to_tensor
    from model_zoo import probabilities

    if args.images:
        images = (photo_crops(args.images, args.count, args.seed) if args.images in SAMPLE_IMAGES
                  else np.concatenate(list(zip_concepts(read_file(args.images, "zip")).values())))
    else:
        found = [n for n in SAMPLE_IMAGES
                 if int(np.argmax(probabilities(model, to_tensor(sample_image(n))))) == target]
        if not found:
            raise CliError("no bundled sample shows this class: pass --images SAMPLE or FILE.zip")
        images = photo_crops(found[0], args.count, args.seed)
    concepts = {n: concept_set(n, args.count, args.seed) for n in args.concepts or ()}
    if args.concepts_zip:
        concepts |= zip_concepts(read_file(args.concepts_zip, "zip"))
    return images, concepts, random_pool(2 * args.count, seed=1000 + args.seed)


def tcav_reference(args: argparse.Namespace, concepts: dict):
    """(name, images) of ``--relative``: popped from the concepts, or generated; or None."""
    from inputs.concept_images import CONCEPTS, concept_set

    name = args.relative
    if name is None:
        return None
    if name in concepts:
        return name, concepts.pop(name)
    if name not in CONCEPTS:
        raise CliError(f"--relative {name!r}: not a generated concept nor a folder of the zip")
    return name, concept_set(name, args.count, args.seed)


def cmd_tcav(args: argparse.Namespace) -> None:
    from explainers.concepts import run_tcav
    from explainers.global_views.layers import block_names, check_layer
    from model_zoo import load_model

    model = load_model(args.model)
    if model.modality != "image":
        raise CliError("TCAV here reads image models")
    target = class_index(model, args.class_name)
    images, concepts, pool = tcav_sets(args, model, target)
    reference = tcav_reference(args, concepts)
    layers = []
    for layer in args.layer:
        check_layer(model, layer, block_names(model))
        timed = run_tcav(model, layer, target, images, concepts, pool, args.runs, args.seed,
                         reference=reference)
        result = timed.result
        layers.append(dict(
            layer=layer, null_mean=round(float(result.null_scores.mean()), 4),
            null_scores=[round(float(v), 4) for v in result.null_scores],
            seconds=round(timed.seconds, 3), reading_seconds=round(timed.reading_seconds, 3),
            first_run_seconds=round(result.first_run_seconds, 4),
            other_runs_seconds=round(result.other_runs_seconds, 4),
            concepts=[dict(concept=c.concept, tcav=round(c.mean, 4),
                           std=round(float(c.scores.std()), 4),
                           scores=[round(float(v), 4) for v in c.scores],
                           cav_accuracy=round(c.accuracy, 4), p_value=float(f"{c.p_value:.4g}"),
                           significant=c.significant, separable=c.separable, verdict=c.verdict)
                      for c in result.concepts]))
    payload = dict(model=model.name, target=target, label=model.labels[target], runs=args.runs,
                   images_per_set=args.count, alpha=0.05,
                   against=reference[0] if reference else "random images", layers=layers)
    emit(payload, args.json, [f"{r['layer']}: {c['concept']:<12} TCAV {c['tcav']:.2f} "
                              f"(CAV acc {c['cav_accuracy']:.0%}) {c['verdict']}"
                              for r in layers for c in r["concepts"]])


def cmd_attack(args: argparse.Namespace) -> None:
    from components.overlay import png_bytes
    from explainers.fragility import AttackSettings, attackable_methods, fragility
    from workflows.methods import checked_methods

    if args.method not in attackable_methods():
        raise CliError(f"--method {args.method!r} cannot be attacked; choose one of "
                       f"{', '.join(attackable_methods())}")
    model = load_classifier(args)
    if model.modality != "image":
        raise CliError("attacks on interpretation here read image models")
    checked_methods(model, (args.method,))
    region = tuple(fraction(v) for v in args.region.split(",")) if args.region else None
    if region is not None and len(region) != 4:
        raise CliError("--region is top,left,bottom,right as fractions, e.g. 0,0,0.5,0.5")
    settings = AttackSettings(kind=args.kind, epsilon=args.epsilon, steps=args.steps,
                              k=args.top_k, region=region)
    report = fragility(model, load_input(args, model), args.method, settings,
                       defences=not args.no_defences)
    if args.out:
        Path(args.out).write_bytes(png_bytes(report.attacked))
    payload = dict(
        model=model.name, method=args.method, attack=args.kind, epsilon=round(args.epsilon, 6),
        label_before=model.labels[report.label], label_after=model.labels[report.label_after],
        label_kept=report.label == report.label_after,
        probability_before=round(report.probability_before, 6),
        probability_after=round(report.probability_after, 6),
        linf=round(report.linf, 6), linf_255=round(report.linf * 255, 2), top_k=args.top_k,
        **report.maps.change.as_dict(), steps=report.steps,
        attack_seconds=round(report.attack_seconds, 3),
        seconds_per_step=round(report.seconds_per_step, 4), out=args.out,
        defences={name: pair.change.as_dict() for name, pair in report.defences.items()})
    emit(payload, args.json, [f"{k}: {v}" for k, v in payload.items()])


def add_lesson_commands(sub) -> None:
    """The ``tcav`` and ``attack`` parsers."""
    p = sub.add_parser("tcav", help="TCAV: does a class use a concept at a layer?")
    p.add_argument("--model", required=True, help="a model name (see the models subcommand)")
    p.add_argument("--layer", required=True, nargs="+", help="block name(s), e.g. 1.features.14")
    p.add_argument("--class", dest="class_name", required=True, help="class index or label")
    p.add_argument("--concepts", nargs="+", help="generated concepts (striped, dotted, red, …)")
    p.add_argument("--concepts-zip", help="zip with one folder of images per concept")
    p.add_argument("--relative", metavar="CONCEPT",
                   help="relative TCAV: compare each concept with this one, not with random "
                        "images (e.g. --concepts 'meadow background' --relative 'dunes background')")
    p.add_argument("--images", help="the class's images: a bundled sample's name (its crops) "
                                    "or a zip (default: a sample predicted as the class)")
    p.add_argument("--count", type=int, default=30, help="images per set (random pool: twice)")
    p.add_argument("--runs", type=int, default=10,
                   help="CAVs fitted, each against other random images")
    p.add_argument("--seed", type=int, default=0, help="seed of the image sets and the fits")
    p.add_argument("--json", action="store_true", help="print JSON instead of text lines")
    p.set_defaults(fn=cmd_tcav)
    p = sub.add_parser("attack", help="attack a method's map: same label, moved map")
    model_arguments(p)
    p.add_argument("--method", required=True,
                   help="a method whose map an attack can differentiate, e.g. saliency "
                        "(the registry's list, checked after parsing)")
    p.add_argument("--input", required=True, help="image file")
    p.add_argument("--kind", default="top_k", choices=["top_k", "centre", "target"],
                   help="push mass off the top-k pixels, move the centre of mass, or pull "
                        "the map into --region")
    p.add_argument("--epsilon", type=fraction, default=8 / 255, help="L-inf budget, e.g. 8/255")
    p.add_argument("--steps", type=int, default=20, help="projected sign-gradient steps")
    p.add_argument("--top-k", type=int, default=1000, help="pixels in the top-k measures")
    p.add_argument("--region", help="target region top,left,bottom,right (fractions)")
    p.add_argument("--no-defences", action="store_true", help="skip SmoothGrad and β-smoothing")
    p.add_argument("--out", help="the attacked image (PNG, the model's input size)")
    p.add_argument("--json", action="store_true", help="print JSON instead of text lines")
    p.set_defaults(fn=cmd_attack, text=None)
