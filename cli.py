"""Command line: models, methods, predict, explain, sanity, actmax, project, audit, batch,
localise, report, tcav, attack, bench.

Bad input exits with status 2 and one line on stderr, never a traceback.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import numpy as np


class CliError(Exception):
    """A user mistake: printed as one line, exit status 2."""


def read_file(path_text: str, what: str) -> bytes:
    path = Path(path_text)
    if not path.is_file():
        raise CliError(f"no such {what} file: {path}")
    return path.read_bytes()


def load_classifier(args: argparse.Namespace):
    """``--model NAME``, or ``--checkpoint FILE --arch NAME [--labels FILE]``."""
    from model_zoo import load_model

    if args.checkpoint is None:
        if args.model is None:
            raise CliError("pass --model NAME, or --checkpoint FILE with --arch NAME")
        return load_model(args.model)
    if args.model is not None or args.arch is None:
        raise CliError("--checkpoint takes --arch NAME (and optionally --labels FILE), "
                       "not --model")
    from model_zoo.checkpoint import load_checkpoint

    labels = read_file(args.labels, "labels") if args.labels else None
    return load_checkpoint(args.arch, read_file(args.checkpoint, "checkpoint"), labels)


def load_input(args: argparse.Namespace, model) -> Any:
    """The sentence, or the image decoded by the safe loader (its notes go to stderr)."""
    from inputs.image_io import ImageDecodeError, load_image, to_tensor

    if model.modality == "text":
        if args.text is None:
            raise CliError(f"model {model.name} reads text: pass --text")
        if not args.text.strip():
            raise CliError("the text is empty")
        return args.text
    if args.input is None:
        raise CliError(f"model {model.name} reads images: pass --input FILE")
    path = Path(args.input)
    if not path.is_file():
        raise CliError(f"no such file: {path}")
    try:
        loaded = load_image(path.read_bytes())
    except ImageDecodeError as err:
        raise CliError(f"{path}: {err}") from None
    for note in loaded.notes:
        print(f"note: {note}", file=sys.stderr)
    return to_tensor(loaded.rgb)


def emit(payload: Any, as_json: bool, lines: list[str]) -> None:
    print(json.dumps(payload, indent=2) if as_json else "\n".join(lines))


def cmd_models(args: argparse.Namespace) -> None:
    from model_zoo import model_entries

    rows = [dict(name=e.name, modality=e.modality, title=e.title, source=e.source)
            for e in model_entries()]
    emit(rows, args.json, [f"{r['name']:<20} {r['modality']:<6} {r['title']}" for r in rows])


def cmd_methods(args: argparse.Namespace) -> None:
    from explainers import explainer_entries
    from explainers.method_names import idea_name

    rows = [dict(name=idea_name(e), registered=e.name, modality=e.modality, title=e.title,
                 signed=e.signed, parameters=e.defaults, summary=e.summary)
            for e in explainer_entries()]
    emit(rows, args.json, [f"{r['name']:<26} {r['modality']:<6} {r['title']}" for r in rows])


def cmd_predict(args: argparse.Namespace) -> None:
    from components.predictions import top_k
    from model_zoo import probabilities

    model = load_classifier(args)
    probs = probabilities(model, load_input(args, model))
    rows = [dict(index=i, label=name, probability=round(p, 6))
            for i, name, p in top_k(probs, model.labels, args.top)]
    emit(dict(model=model.name, top=rows), args.json,
         [f"{r['probability']:7.2%}  {r['label']} ({r['index']})" for r in rows])


def cmd_explain(args: argparse.Namespace) -> None:
    from explainers import explain
    from model_zoo import probabilities

    model = load_classifier(args)
    data = load_input(args, model)
    result = explain(model, args.method, data, target=args.target)
    probs = probabilities(model, data)
    if args.save_scores:
        np.save(args.save_scores, result.scores)
    if args.out:
        save_overlay(args.out, model, data, result)
    payload = dict(model=model.name, method=result.method, target=result.target,
                   label=model.labels[result.target],
                   probability=round(float(probs[result.target]), 6),
                   seconds=round(result.seconds, 4), model_evals=result.model_evals,
                   shape=list(result.scores.shape), signed=result.signed,
                   params=dict(result.params))
    if result.delta is not None:
        payload["delta"] = result.delta
    if result.tokens is not None:
        payload["tokens"] = list(result.tokens)
        payload["scores"] = [round(float(s), 6) for s in result.scores]
    if getattr(args, "mask", None):
        payload["localisation"] = mask_scores(args.mask, result)
    if args.metrics:
        if model.modality == "text":
            payload["metrics"] = text_metrics(model, data, result, args.top_k)
        else:
            payload |= faithfulness_payload(model, data, result)
    emit(payload, args.json, [f"{k}: {v}" for k, v in payload.items()])


def mask_scores(path_text: str, result) -> dict[str, float]:
    """Localisation scores of an image map against a mask file (explainers/metrics)."""
    from explainers.metrics.localisation import localisation_scores
    from inputs.image_io import ImageDecodeError
    from inputs.masks import mask_from_bytes

    if result.tokens is not None:
        raise CliError("--mask is for image models")
    try:
        mask = mask_from_bytes(read_file(path_text, "mask"), result.scores.shape)
    except ImageDecodeError as err:
        raise CliError(f"{path_text}: {err}") from None
    return localisation_scores(result.scores, mask).as_dict()


def text_metrics(model, text: str, result, k: int) -> dict:
    """The deletion score: the target probability drop with the top-k tokens removed."""
    from explainers.metrics.text_deletion import explanation_deletion

    if model.modality != "text":
        raise CliError("--metrics is for text models here")
    deletion = explanation_deletion(model, text, result.scores, result.signed, result.target, k)
    return {"deletion": dict(k=k, before=round(deletion.before, 6), after=round(deletion.after, 6),
                             drop=round(deletion.drop, 6),
                             removed=[result.tokens[i] for i in deletion.removed])}


def faithfulness_payload(model, data, result) -> dict[str, float]:
    """ROAD (MoRF/LeRF, random maps' mean and spread, verdict) and, for comparison with
    papers, pixel deletion/insertion areas of the map and of a seeded random map."""
    from explainers.metrics import deletion_insertion, random_baseline

    from explainers.metrics.road import road_curves
    from explainers.metrics.road_verdict import random_road, road_payload

    ours = deletion_insertion(model, data, result.scores, result.target)
    chance = random_baseline(model, data, result.target)
    road = road_payload(road_curves(model, data, result.scores, result.target),
                        random_road(model, data, result.target))
    return {"deletion_auc": round(ours.deletion_auc, 6),
            "insertion_auc": round(ours.insertion_auc, 6),
            "random_deletion_auc": round(chance.deletion_auc, 6),
            "random_insertion_auc": round(chance.insertion_auc, 6)} | road


def cmd_sanity(args: argparse.Namespace) -> None:
    from explainers.run import predicted_class
    from explainers.metrics.sanity import cascading_randomisation

    model = load_classifier(args)
    if model.modality != "image":
        raise CliError(f"the sanity check runs on image models; {model.name} reads text")
    data = load_input(args, model)
    target = predicted_class(model, data) if args.target is None else args.target
    result = cascading_randomisation(model, args.method, data, target, seed=args.seed,
                                     max_steps=args.max_steps)
    steps = [dict(layer=s.layer, spearman=round(s.spearman, 6)) for s in result.steps]
    payload = dict(model=model.name, method=result.method, target=result.target,
                   label=model.labels[result.target], steps=steps,
                   final_spearman=round(result.final_spearman, 6),
                   threshold=result.threshold, insensitive=result.insensitive,
                   verdict=result.verdict.outcome, verdict_text=result.verdict.text,
                   early_mean_spearman=round(result.verdict.early_rho, 6))
    emit(payload, args.json, [f"{s['layer']:<24} rho {s['spearman']:+.3f}" for s in steps]
         + [f"final rho {result.final_spearman:+.3f}", result.verdict.text])


def save_overlay(path: str, model, data, result) -> None:
    from components.overlay import overlay, png_bytes

    if model.modality != "image":
        raise CliError("--out draws an image overlay; text results go to --json")
    rgb = (data.permute(1, 2, 0).numpy() * 255).round().astype(np.uint8)
    Path(path).write_bytes(png_bytes(overlay(rgb, result.scores, result.signed)))


def actmax_objective(args: argparse.Namespace, model):
    from explainers.global_views import objectives as obj
    from explainers.global_views.layers import LOGITS, check_layer, conv_layer_names, layer_shapes

    if args.class_index is not None:
        objective = obj.class_logit(args.class_index)
    else:
        if args.layer is None:
            raise CliError("--channel, --unit and --gallery need --layer NAME")
        check_layer(model, args.layer, conv_layer_names(model))
        if args.unit is not None:
            objective = obj.unit(args.layer, args.unit)
        elif args.gallery:
            objective = obj.channel(args.layer, *args.gallery)
        else:
            objective = obj.channel(args.layer, args.channel)
    obj.check_range(objective, layer_shapes(model, [objective.layer])[objective.layer])
    return objective


def cmd_actmax(args: argparse.Namespace) -> None:
    from components.overlay import png_bytes
    from explainers.global_views.actmax import maximise, preset
    from model_zoo import load_model

    model = load_model(args.model)
    if model.modality != "image":
        raise CliError("activation maximisation optimises images: pick an image model")
    objective = actmax_objective(args, model)
    overrides = {k: v for k, v in dict(steps=args.steps, seed=args.seed, size=args.size).items()
                 if v is not None}
    result = maximise(model, objective, preset(args.preset, **overrides))
    if args.out:
        Path(args.out).write_bytes(png_bytes(np.concatenate(list(result.images), axis=1)))
    payload = dict(model=model.name, preset=args.preset, out=args.out,
                   curve=[[round(float(v), 4) for v in row] for row in result.curve],
                   **result.summary())
    payload["top_label"] = [model.labels[k] for k in result.top_class]
    emit(payload, args.json, [f"{k}: {v}" for k, v in payload.items() if k != "curve"])


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
    from explainers.global_views.extraction import extract
    from explainers.global_views.layers import projection_layer_names
    from explainers.global_views.projection import project
    from model_zoo import load_model

    model = load_model(args.model)
    dataset = load_projection_dataset(args.dataset, args.size)
    layers = projection_layer_names(model)
    layer = args.layer or layers[-2]
    if args.engine == "local" and args.workers == 1:
        acts = extract(model, dataset, layer)
    else:  # the same extractor, batch by batch on the engine's workers
        from jobs.extraction_work import extract_on

        acts = extract_on(engine_choice(args), args.model, dataset, layer)
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
    from explainers import explainer_entry
    from model_zoo import load_model

    methods = tuple(dict.fromkeys(m.strip() for m in methods_text.split(",") if m.strip()))
    if not methods:
        raise CliError("--methods lists no method")
    model = load_model(model_name)
    if model.modality != "image":
        raise CliError(f"batch explains image files; {model.name} reads text")
    for method in methods:
        if not explainer_entry(method).is_compatible(model):
            raise CliError(f"method {method!r} does not fit model {model.name!r}")
    return methods


def engine_choice(args: argparse.Namespace):
    from jobs.batch_job import EngineChoice

    if args.address and args.engine != "ray":
        raise CliError("--address is for --engine ray")
    return EngineChoice(args.engine, args.workers, args.address, args.cpus_per_worker,
                        args.batch_size, args.threads)


def interrupted(*_: Any) -> None:
    """A polite kill (SIGTERM) unwinds like Ctrl-C, so the rows in hand reach the table."""
    raise KeyboardInterrupt


def cmd_batch(args: argparse.Namespace) -> None:
    import signal

    from jobs.batch_job import BatchJob, run_batch

    job = BatchJob(args.model, batch_methods(args.model, args.methods), args.metrics,
                   args.overlays)
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
    from explainers import explainer_entry
    from explainers.audit import run_audit

    model = load_classifier(args)
    methods = tuple(m.strip() for m in args.methods.split(",") if m.strip())
    for method in methods:
        if not explainer_entry(method).is_compatible(model):
            raise CliError(f"method {method!r} does not fit model {model.name!r}")
    data, notes = load_audit_set(args)
    for note in notes:
        print(f"note: {note}", file=sys.stderr)
    if args.engine == "local" and args.workers == 1:
        report = run_audit(model, data, methods, seed=args.seed)
    else:  # the same per-batch work (AuditBatch) on the engine's workers
        from jobs.audit_work import audit_on

        if args.checkpoint is not None:
            raise CliError("--engine ray loads the model by name in every worker: use a zoo "
                           "model (--model), not --checkpoint")
        report = audit_on(engine_choice(args), model, data, methods, seed=args.seed)
    payload = audit_payload(report)
    if args.out:
        from components.audit_report import report_html

        Path(args.out).write_text(report_html(report, data), encoding="utf-8")
        payload["out"] = args.out
    lines = [f"{r['class']:<16} {', '.join(r['flags']) or 'no flags'}" for r in report.rows]
    emit(payload, args.json, [f"{report.model} on {report.dataset} ({payload['items']} images)",
                              *lines])


def cmd_bench(args: argparse.Namespace) -> None:
    from bench import run_benchmarks, table

    report = run_benchmarks(repeats=args.repeats, quick=args.quick, only=args.only)
    emit(report, args.json, table(report))


def class_index(model, text: str) -> int:
    """A class given as an index or a label (case-insensitive)."""
    if text.isdigit() and int(text) < len(model.labels):
        return int(text)
    lowered = [label.lower() for label in model.labels]
    if text.lower() not in lowered:
        raise CliError(f"no class {text!r} in {model.name}: give an index or a label")
    return lowered.index(text.lower())


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


def fraction(text: str) -> float:
    """``8/255`` or ``0.03``."""
    top, _, bottom = text.partition("/")
    try:
        return float(top) / float(bottom) if bottom else float(top)
    except (ValueError, ZeroDivisionError):
        raise argparse.ArgumentTypeError(f"not a number or fraction: {text!r}") from None


def cmd_attack(args: argparse.Namespace) -> None:
    from components.overlay import png_bytes
    from explainers.fragility import AttackSettings, fragility

    model = load_classifier(args)
    if model.modality != "image":
        raise CliError("attacks on interpretation here read image models")
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


def model_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--model", help="a zoo name, torchvision:NAME or hf:ID (see models)")
    p.add_argument("--checkpoint", help="your weights: .safetensors or a .pt state dict")
    p.add_argument("--arch", help="the checkpoint's architecture, e.g. mobilenet_v2, resnet18")
    p.add_argument("--labels", help="class names for --checkpoint: txt (one a line) or json")


def engine_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--engine", default="local", choices=["local", "ray"],
                   help="local: in this process; ray: a Ray cluster (see README, scale-out)")
    p.add_argument("--address", help="Ray cluster: auto, or ray://HOST:10001 (default: start "
                                     "a local one)")
    p.add_argument("--workers", type=int, default=1, help="Ray actors, each loading the model")
    p.add_argument("--cpus-per-worker", type=float, help="logical CPUs each Ray actor reserves "
                                                         "(default: an equal share)")
    p.add_argument("--batch-size", type=int, help="items per call of the work (default: 8 "
                                                  "images for batch, the job's own otherwise)")
    p.add_argument("--threads", type=int, help="torch threads per worker (default: its share; "
                                               "1 is faster on a busy machine)")


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="cli.py", description=__doc__)
    sub = root.add_subparsers(dest="command", required=True)
    for name, fn in [("models", cmd_models), ("methods", cmd_methods)]:
        p = sub.add_parser(name, help=f"list {name}")
        p.add_argument("--json", action="store_true")
        p.set_defaults(fn=fn)
    for name, fn in [("predict", cmd_predict), ("explain", cmd_explain)]:
        p = sub.add_parser(name, help=f"{name} one input")
        model_arguments(p)
        source = p.add_mutually_exclusive_group(required=True)
        source.add_argument("--input", help="image file")
        source.add_argument("--text", help="sentence")
        p.add_argument("--json", action="store_true")
        p.set_defaults(fn=fn)
        if name == "predict":
            p.add_argument("--top", type=int, default=5)
        else:
            p.add_argument("--method", required=True)
            p.add_argument("--target", type=int, default=None, help="class index (default: top)")
            p.add_argument("--out", help="overlay PNG to write")
            p.add_argument("--save-scores", help=".npy file for the raw scores")
            p.add_argument("--metrics", action="store_true",
                           help="faithfulness: text, the deletion score (probability drop, "
                                "top-k removed); images, ROAD MoRF/LeRF areas and gap "
                                "against random maps (with a verdict), and pixel "
                                "deletion/insertion areas")
            p.add_argument("--top-k", type=int, default=3, help="tokens removed by --metrics")
            p.add_argument("--mask", help="ground-truth mask image (PNG): adds localisation "
                                          "scores (pointing game, energy, mass, IoU)")
    p = sub.add_parser("sanity", help="cascading randomisation check of a method (images)")
    model_arguments(p)
    p.add_argument("--method", required=True)
    p.add_argument("--input", required=True, help="image file")
    p.add_argument("--target", type=int, default=None, help="class index (default: top)")
    p.add_argument("--max-steps", type=int, default=None, help="randomise at most N blocks")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--json", action="store_true")
    p.set_defaults(fn=cmd_sanity, text=None)
    p = sub.add_parser("actmax", help="activation maximisation: an image a unit or class likes")
    p.add_argument("--model", required=True)
    p.add_argument("--layer", help="dotted module name of a convolution or block")
    what = p.add_mutually_exclusive_group(required=True)
    what.add_argument("--channel", type=int, help="maximise this channel's mean activation")
    what.add_argument("--unit", type=int, help="maximise this channel at the map's centre")
    what.add_argument("--class", dest="class_index", type=int, help="maximise this class logit")
    what.add_argument("--gallery", type=int, nargs="+", metavar="C",
                      help="several channels of --layer, optimised together in one batch")
    p.add_argument("--preset", default="fourier", choices=["raw", "regularised", "fourier"])
    p.add_argument("--steps", type=int)
    p.add_argument("--seed", type=int)
    p.add_argument("--size", type=int, help="image side in px (default: the model's input)")
    p.add_argument("--out", help="PNG to write (gallery images side by side)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(fn=cmd_actmax)
    p = sub.add_parser("project", help="project a layer's pooled activations of a data set")
    p.add_argument("--model", required=True)
    p.add_argument("--dataset", required=True, help="shapes, samples, tweets or a FILE.zip")
    p.add_argument("--size", type=int, help="items of a generated or bundled set")
    p.add_argument("--layer", help="default: the last block (images) or layer (text)")
    p.add_argument("--method", default="umap", choices=["pca", "tsne", "umap"])
    p.add_argument("--dims", type=int, default=2, choices=[2, 3])
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--out", help="interactive HTML to write (hover shows thumbnails)")
    p.add_argument("--json", action="store_true")
    engine_arguments(p)
    p.set_defaults(fn=cmd_project)
    p = sub.add_parser("batch", help="explain every image of a folder or zip into a table")
    p.add_argument("--model", required=True)
    p.add_argument("--methods", required=True, help="comma-separated, e.g. gradcam,saliency")
    p.add_argument("--input", required=True, help="a folder (walked) or a zip of images")
    p.add_argument("--out", required=True, help="output folder; a second run resumes it")
    p.add_argument("--metrics", action="store_true", help="deletion/insertion areas per map")
    p.add_argument("--overlays", action="store_true", help="also write overlay PNGs")
    p.add_argument("--flush-seconds", type=float, default=10.0,
                   help="write finished rows to the table at least this often")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.add_argument("--json", action="store_true")
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
    p.add_argument("--json", action="store_true")
    engine_arguments(p)
    p.set_defaults(fn=cmd_audit)
    from cli_clinical import add_clinical_commands

    add_clinical_commands(sub, model_arguments)
    p = sub.add_parser("tcav", help="TCAV: does a class use a concept at a layer?")
    p.add_argument("--model", required=True)
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
    p.add_argument("--runs", type=int, default=10)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--json", action="store_true")
    p.set_defaults(fn=cmd_tcav)
    p = sub.add_parser("attack", help="attack a method's map: same label, moved map")
    model_arguments(p)
    p.add_argument("--method", required=True,
                   choices=["saliency", "grad_x_input", "integrated_gradients", "gradcam"])
    p.add_argument("--input", required=True, help="image file")
    p.add_argument("--kind", default="top_k", choices=["top_k", "centre", "target"])
    p.add_argument("--epsilon", type=fraction, default=8 / 255, help="L-inf budget, e.g. 8/255")
    p.add_argument("--steps", type=int, default=20)
    p.add_argument("--top-k", type=int, default=1000, help="pixels in the top-k measures")
    p.add_argument("--region", help="target region top,left,bottom,right (fractions)")
    p.add_argument("--no-defences", action="store_true", help="skip SmoothGrad and β-smoothing")
    p.add_argument("--out", help="the attacked image (PNG, the model's input size)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(fn=cmd_attack, text=None)
    p = sub.add_parser("bench", help="benchmarks against the floor and the libraries")
    p.add_argument("--json", action="store_true")
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--quick", action="store_true", help="fewer steps, for smoke tests")
    p.add_argument("--only", nargs="+", metavar="SUITE",
                   help="run only these suites (default: all; see bench/)")
    p.set_defaults(fn=cmd_bench)
    return root


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        status = _run(args)
        sys.stdout.flush()  # inside the try: a closed pipe shows here, not at exit
        return status
    except BrokenPipeError:  # the reader (``| head -1``) left: stop quietly, like Unix tools
        quiet_stdout()
        return 141  # the shell's status for a writer stopped by SIGPIPE


def quiet_stdout() -> None:
    """Point stdout at /dev/null so the interpreter's final flush raises nothing."""
    import os

    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


def _run(args: argparse.Namespace) -> int:
    try:
        import explainers  # noqa: F401  (registers methods; imports the model zoo first)
        from cli_clinical import ClinicalCliError
        from explainers import IncompatibleError, UnknownMethodError
        from model_zoo import UnknownModelError

        try:
            args.fn(args)
        except ClinicalCliError as err:
            raise CliError(str(err)) from None
        except (UnknownModelError, UnknownMethodError, IncompatibleError, ValueError,
                FileNotFoundError) as err:
            raise CliError(str(err)) from None
    except CliError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
