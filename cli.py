"""Command line: models, methods, predict, explain, sanity, actmax, project, audit, batch,
localise, report, tcav, attack, linear-probe, bench.

Bad input exits with status 2 and one line on stderr, never a traceback.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

from cli_common import (CliError, emit, load_classifier, load_input,  # noqa: F401 (cli.CliError)
                        model_arguments, read_file)
from cli_clinical import add_clinical_commands
from cli_datasets import add_dataset_commands
from cli_lessons import add_lesson_commands
from cli_probe import add_probe_commands
from cli_diff import add_diff_commands
from cli_shapley import add_shapley_commands
from cli_probing import add_probing_commands
from cli_influence import add_influence_commands
from cli_counterfactual import add_counterfactual_commands


def cmd_models(args: argparse.Namespace) -> None:
    from model_zoo import model_entries

    from cli_clinical import trained_on

    rows = [dict(name=e.name, modality=e.modality, title=e.title, source=e.source,
                 **trained_on(e.name)) for e in model_entries()]
    emit(rows, args.json, [f"{r['name']:<20} {r['modality']:<6} {r['title']}" for r in rows])


def cmd_methods(args: argparse.Namespace) -> None:
    from explainers import explainer_entries
    from explainers.method_names import idea_name

    rows = [dict(name=idea_name(e), registered=e.name, modality=e.modality, title=e.title,
                 signed=e.signed, parameters=e.defaults, summary=e.summary)
            | ({} if e.only_for is None else {"models": list(e.only_for)})  # trained per model
            for e in explainer_entries()]
    emit(rows, args.json, [f"{r['name']:<26} {r['modality']:<6} {r['title']}"
                           + (f" (only for {', '.join(r['models'])})" if "models" in r else "")
                           for r in rows])


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
    if "," in args.method:  # several methods: the gradient ones share one pass
        from cli_explain_many import explain_several

        return explain_several(args, model, data, [m.strip() for m in args.method.split(",")])
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
        payload["localisation"] = mask_scores(args.mask, result, read_file(args.input, "input"))
    if model.modality == "image":  # a DICOM's tags against the model's training domain
        from cli_clinical import dicom_payload

        payload |= dicom_payload(args, model, data, result, "localisation" in payload)
    if args.metrics:
        if model.modality == "text":
            payload["metrics"] = text_metrics(model, data, result, args.top_k)
        else:
            payload |= faithfulness_payload(model, data, result, args.rank)
            payload["continuity"] = continuity_payload(model, data, result)
    emit(payload, args.json, [f"{k}: {v}" for k, v in payload.items()])


def mask_scores(path_text: str, result, image_bytes: bytes = b"") -> dict[str, float]:
    """Localisation scores of an image map against a mask file (explainers/metrics)."""
    from explainers.metrics.localisation import localisation_scores
    from inputs.image_io import ImageDecodeError
    from inputs.seg import ground_truth_of

    if result.tokens is not None:
        raise CliError("--mask is for image models")
    try:  # a mask picture, or a DICOM SEG of the --input image
        mask = ground_truth_of(read_file(path_text, "mask"), image_bytes,
                               result.scores.shape).mask
    except ImageDecodeError as err:
        raise CliError(f"{path_text}: {err}") from None
    return localisation_scores(result.scores, mask).as_dict()


def text_metrics(model, text: str, result, k: int) -> dict:
    """The deletion score: the target probability drop with the top-k tokens removed, and
    how it compares with random removals of as many tokens."""
    from workflows.scores import map_score, random_score

    if model.modality != "text":
        raise CliError("--metrics is for text models here")
    deletion = map_score("text_deletion", model, text, result.scores, result.target,
                         signed=result.signed, k=k)
    chance = random_score("text_deletion", model, text, result.target, k=k)
    verdict = chance.verdict(deletion.drop)
    return {"deletion": dict(k=k, before=round(deletion.before, 6), after=round(deletion.after, 6),
                             drop=round(deletion.drop, 6),
                             removed=[result.tokens[i] for i in deletion.removed],
                             random_mean_drop=round(chance.mean_drop, 6),
                             random_removals=len(chance.drops),
                             random_removals_exhaustive=chance.exhaustive,
                             share_of_random_drops_below=round(verdict.share_below, 4),
                             verdict=verdict.outcome)}


def faithfulness_payload(model, data, result, rank: str = "value") -> dict[str, float]:
    """ROAD and region perturbation (MoRF/LeRF, the map's matched random maps' mean and
    spread, a verdict each, and one in words that needs both to agree) and, for comparison with
    papers, pixel deletion/insertion areas of the map and of a seeded random map. A signed
    map is ordered by value, or by |value| when ``rank`` is "magnitude"."""
    from explainers.metrics import schema
    from explainers.metrics.two_families import two_families_payload
    from workflows.scores import map_score, random_score

    by_magnitude = rank == "magnitude" and result.signed
    scores = np.abs(result.scores) if by_magnitude else result.scores
    ours = map_score("pixels", model, data, scores, result.target)
    chance = random_score("pixels", model, data, result.target)
    road = two_families_payload(map_score("road", model, data, scores, result.target))
    return {"ranked_by": "magnitude" if by_magnitude else "value",
            schema.DELETION_AUC: round(ours.deletion_auc, 6),
            schema.INSERTION_AUC: round(ours.insertion_auc, 6),
            schema.RANDOM_DELETION_AUC: round(chance.deletion_auc, 6),
            schema.RANDOM_INSERTION_AUC: round(chance.insertion_auc, 6)} | road


def continuity_payload(model, data, result) -> dict:
    """Explanation continuity (explainers/metrics/continuity.py): the map under shifts of
    1-3 model pixels, against the input's own change, with a verdict."""
    from explainers import explain
    from explainers.metrics.continuity import continuity

    def explain_map(image):
        return explain(model, result.method, image, result.target, **dict(result.params)).scores

    return continuity(explain_map, data, model.input_size[1]).as_dict()


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
    from explainers.global_views.layers import check_layer, conv_layer_names, layer_shapes

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


def cmd_bench(args: argparse.Namespace) -> None:
    from bench import run_benchmarks, table

    report = run_benchmarks(repeats=args.repeats, quick=args.quick, only=args.only)
    emit(report, args.json, table(report))


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="cli.py", description=__doc__)
    sub = root.add_subparsers(dest="command", required=True)
    for name, fn in [("models", cmd_models), ("methods", cmd_methods)]:
        p = sub.add_parser(name, help=f"list {name}")
        p.add_argument("--json", action="store_true", help="print JSON instead of text lines")
        p.set_defaults(fn=fn)
    for name, fn in [("predict", cmd_predict), ("explain", cmd_explain)]:
        p = sub.add_parser(name, help=f"{name} one input")
        model_arguments(p)
        source = p.add_mutually_exclusive_group(required=True)
        source.add_argument("--input", help="image file")
        source.add_argument("--text", help="sentence")
        p.add_argument("--json", action="store_true", help="print JSON instead of text lines")
        p.set_defaults(fn=fn)
        if name == "predict":
            p.add_argument("--top", type=int, default=5, help="how many top classes to print")
        else:
            p.add_argument("--method", required=True,
                           help="a method name (see the methods subcommand), or several "
                                "separated by commas (the gradient methods among them share "
                                "one forward+backward)")
            p.add_argument("--target", type=int, default=None, help="class index (default: top)")
            p.add_argument("--out", help="overlay PNG to write")
            p.add_argument("--save-scores", help=".npy file for the raw scores")
            p.add_argument("--metrics", action="store_true",
                           help="faithfulness: text, the deletion score (probability drop, "
                                "top-k removed); images, ROAD MoRF/LeRF areas and gap "
                                "against random maps (with a verdict), pixel "
                                "deletion/insertion areas, and explanation continuity "
                                "under shifts of 1-3 px (with a verdict)")
            p.add_argument("--rank", choices=("value", "magnitude"), default="value",
                           help="how --metrics orders a signed image map: by value (most "
                                "positive first) or by |value|, like the page's Absolute values")
            p.add_argument("--top-k", type=int, default=3, help="tokens removed by --metrics")
            p.add_argument("--mask", help="ground truth, a PNG or a DICOM SEG: adds localisation "
                                          "scores (pointing game, energy, mass, IoU)")
    p = sub.add_parser("sanity", help="cascading randomisation check of a method (images)")
    model_arguments(p)
    p.add_argument("--method", required=True, help="an image method (see the methods subcommand)")
    p.add_argument("--input", required=True, help="image file")
    p.add_argument("--target", type=int, default=None, help="class index (default: top)")
    p.add_argument("--max-steps", type=int, default=None, help="randomise at most N blocks")
    p.add_argument("--seed", type=int, default=0, help="seed of the random re-initialisation")
    p.add_argument("--json", action="store_true", help="print JSON instead of text lines")
    p.set_defaults(fn=cmd_sanity, text=None)
    p = sub.add_parser("actmax", help="activation maximisation: an image a unit or class likes")
    p.add_argument("--model", required=True, help="a model name (see the models subcommand)")
    p.add_argument("--layer", help="dotted module name of a convolution or block")
    what = p.add_mutually_exclusive_group(required=True)
    what.add_argument("--channel", type=int, help="maximise this channel's mean activation")
    what.add_argument("--unit", type=int, help="maximise this channel at the map's centre")
    what.add_argument("--class", dest="class_index", type=int, help="maximise this class logit")
    what.add_argument("--gallery", type=int, nargs="+", metavar="C",
                      help="several channels of --layer, optimised together in one batch")
    p.add_argument("--preset", default="fourier",
                   choices=["raw", "regularised", "fourier", "generator"],
                   help="raw pixels; pixels with jitter, blur, L2 and TV; a decorrelated Fourier "
                        "image with transformation robustness; or the latent of the generator "
                        "shipped with the model (x = G(z); digit_cnn has a VAE decoder)")
    p.add_argument("--steps", type=int, help="optimisation steps (default: the preset's)")
    p.add_argument("--seed", type=int, help="seed of the start image and the transforms")
    p.add_argument("--size", type=int, help="image side in px (default: the model's input)")
    p.add_argument("--out", help="PNG to write (gallery images side by side)")
    p.add_argument("--json", action="store_true", help="print JSON instead of text lines")
    p.set_defaults(fn=cmd_actmax)
    add_dataset_commands(sub)
    add_clinical_commands(sub, model_arguments)
    add_lesson_commands(sub)
    add_probe_commands(sub)
    add_diff_commands(sub)
    add_shapley_commands(sub)
    add_probing_commands(sub)
    add_influence_commands(sub)
    add_counterfactual_commands(sub)
    p = sub.add_parser("bench", help="benchmarks against the floor and the libraries")
    p.add_argument("--json", action="store_true", help="print JSON instead of text lines")
    p.add_argument("--repeats", type=int, default=3, help="timings per row (the median is kept)")
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
        from explainers import IncompatibleError, UnknownMethodError
        from model_zoo import UnknownModelError

        try:
            args.fn(args)
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
