"""Clinical subcommands of cli.py: ``localise`` (a localisation benchmark over phantom
cases with masks) and ``report`` (a PDF case report with no patient identifier)."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

from cli_common import CliError, load_classifier

PHANTOM_DATASET = "phantoms"
BENCH_SEED = 2  # workflows.case_report.PHANTOM_SEED: not the training (0) nor held-out (1) seed


def phantom_cases(count: int, seed: int = BENCH_SEED) -> list:
    """The first ``count`` phantom cases with a lesion: (image tensor, mask)."""
    from explainers.metrics.localisation_bench import Case
    from inputs.image_io import to_tensor
    from inputs.phantoms import phantom_case, to_rgb8

    cases, index = [], 0
    while len(cases) < count:
        case = phantom_case(seed, index)
        if case.label:
            cases.append(Case(to_tensor(to_rgb8(case.image)), case.mask))
        index += 1
    return cases


def cmd_localise(args: argparse.Namespace) -> None:
    from explainers.metrics.localisation_bench import benchmark_method, summary_row
    from inputs.phantoms import LABELS
    from model_zoo import load_model
    from workflows.methods import checked_methods

    if args.dataset != PHANTOM_DATASET:
        raise CliError(f"unknown data set {args.dataset!r}; masks are known for "
                               f"{PHANTOM_DATASET!r}")
    model = load_model(args.model)
    if model.modality != "image":
        raise CliError("localisation needs an image model")
    target = LABELS.index("lesion") if args.target is None else args.target
    cases = phantom_cases(args.cases, args.seed)
    rows = [summary_row(benchmark_method(model, m, cases, target))
            for m in checked_methods(model, args.methods)]
    chance = float(np.mean([case.mask.mean() for case in cases]))  # a uniform map's energy
    payload = dict(model=model.name, dataset=args.dataset, cases=len(cases), seed=args.seed,
                   target=target, label=model.labels[target], ci="bootstrap 95%",
                   uniform_map_energy=round(chance, 4), methods=rows)
    lines = [f"{r['method']:<24} pointing {r['pointing_game'][0]:.2f}  energy "
             f"{r['energy_pointing_game'][0]:.2f}  IoU(Otsu) {r['iou_otsu'][0]:.2f}  "
             f"{r['seconds_per_case']:.3f} s/case" for r in rows]
    lines.append(f"a uniform map's energy in the masks: {chance:.3f}")
    print(json.dumps(payload, indent=2) if args.json else "\n".join(lines))


def report_input(args: argparse.Namespace):
    """(model input tensor, viewing RGB, windows in words, technical rows) of --input."""
    from components.case_facts import window_text
    from inputs.dicom import is_dicom, read_dicom
    from inputs.grey import dicom_case, model_tensor, picture_case

    data = Path(args.input).read_bytes() if Path(args.input).is_file() else None
    if data is None:
        raise CliError(f"no such file: {args.input}")
    case = dicom_case(read_dicom(data), args.frame) if is_dicom(data) else picture_case(data)
    tensor = model_tensor(case)
    view = case.view(case.model_voi)
    windows = (("model input", window_text(case.model_voi)), ("view", window_text(case.model_voi)))
    return tensor, view, windows, case.technical


def trained_on(name: str) -> dict:
    """``trained_on`` of a zoo model that declares its training domain (else nothing)."""
    from model_zoo.training_domain import training_domain

    domain = training_domain(name)
    if domain is None:
        return {}
    return {"trained_on": dict(modalities=list(domain.modalities),
                               body_parts=list(domain.body_parts), view=domain.view,
                               input_kind=domain.input_kind)}


def distance_sentences(model, image) -> tuple[dict, tuple[str, ...]]:
    """The feature-space distance (JSON) and, when far, its sentence, for models that
    declare one."""
    from model_zoo.training_domain import feature_distance

    measure = feature_distance(model.name)
    if measure is None:
        return {}, ()
    value, far, sentence = measure(model, image)
    return ({"feature_distance": dict(value=round(value, 3), far=far, verdict=sentence)},
            (sentence,) if far else ())


def dicom_payload(args: argparse.Namespace, model, image, result, has_mask: bool) -> dict:
    """The out-of-distribution sentences (the DICOM's tags, the feature-space distance) and,
    for a DICOM without --mask, the localisation scores against its own overlay plane."""
    from explainers.metrics.localisation import localisation_scores
    from inputs.dicom import DicomError, is_dicom, read_dicom
    from inputs.overlays import overlay_mask
    from model_zoo.domain_check import domain_warnings
    from model_zoo.training_domain import training_domain

    data = Path(args.input).read_bytes()
    extra, far = distance_sentences(model, image)
    if getattr(model, "forward_only", ""):  # an ONNX graph run by onnxruntime, and why
        extra = extra | {"forward_only": model.forward_only}
    if has_mask:  # where the --mask came from: a picture or a DICOM SEG
        extra = extra | {"ground_truth": user_ground_truth(args, tuple(result.scores.shape)).source}
    if not is_dicom(data):
        return extra | {"out_of_distribution": list(far)} if extra else {}
    technical = read_dicom(data).technical
    payload = extra | {"out_of_distribution": list(domain_warnings(
        training_domain(model.name), technical, f"the model {model.name}")) + list(far)}
    if not has_mask and result.tokens is None:
        try:
            overlay = overlay_mask(data, tuple(result.scores.shape))
        except DicomError as err:
            raise CliError(f"{args.input}: {err}") from None
        if overlay is not None:
            scores = localisation_scores(result.scores, overlay.mask).as_dict()
            payload |= {"ground_truth": overlay.describe(), "localisation": scores}
    return payload


def user_ground_truth(args: argparse.Namespace, shape: tuple[int, int]):
    """--mask as ground truth: a mask picture or a DICOM SEG of --input (None without)."""
    from inputs.image_io import ImageDecodeError
    from inputs.seg import ground_truth_of

    if not getattr(args, "mask", None):
        return None
    try:
        return ground_truth_of(Path(args.mask).read_bytes(), Path(args.input).read_bytes(), shape)
    except (ImageDecodeError, OSError) as err:
        raise CliError(f"{args.mask}: {err}") from None


def report_extras(args: argparse.Namespace, model, shape: tuple[int, int],
                  has_mask: bool) -> dict:
    """CaseFacts' ``warnings`` and ``ground_truth`` (and the overlay ``mask``) of --input."""
    from inputs.dicom import DicomError, is_dicom, read_dicom
    from inputs.overlays import overlay_mask
    from model_zoo.domain_check import domain_warnings
    from model_zoo.training_domain import training_domain

    data = Path(args.input).read_bytes()
    technical = read_dicom(data).technical if is_dicom(data) else ()
    extras = {"warnings": domain_warnings(training_domain(model.name), technical,
                                          f"the model {model.name}"),
              "ground_truth": "uploaded mask" if has_mask else ""}
    if is_dicom(data) and not has_mask:
        try:
            overlay = overlay_mask(data, shape)
        except DicomError as err:
            raise CliError(f"{args.input}: {err}") from None
        if overlay is not None:
            extras |= {"mask": overlay.mask, "ground_truth": overlay.describe()}
    return extras


def cmd_report(args: argparse.Namespace) -> None:
    from dataclasses import replace

    from components.case_report import case_report_pdf
    from explainers.run import predicted_class
    from workflows.case_report import case_report
    from workflows.methods import checked_methods

    model = load_classifier(args)
    if model.modality != "image":
        raise CliError("a case report explains an image model")
    tensor, view, windows, technical = report_input(args)
    truth = user_ground_truth(args, tuple(tensor.shape[-2:]))
    mask = truth.mask if truth else None
    target = predicted_class(model, tensor) if args.target is None else args.target
    extras = report_extras(args, model, tuple(tensor.shape[-2:]), mask is not None)
    if truth:
        extras["ground_truth"] = truth.source
    extras["warnings"] += distance_sentences(model, tensor)[1]
    mask = extras.pop("mask", mask)
    facts = replace(case_report(model, tensor, view, checked_methods(model, args.methods),
                                target, mask, windows, technical), **extras)
    Path(args.out).write_bytes(case_report_pdf(facts))
    print(json.dumps(dict(out=args.out, model=model.name, target=target,
                          methods=[e.title for e in facts.maps],
                          out_of_distribution=list(facts.warnings),
                          ground_truth=facts.ground_truth), indent=2), file=sys.stdout)


def add_clinical_commands(sub, model_arguments) -> None:
    p = sub.add_parser("localise", help="localisation scores of every method over phantom "
                                        "cases with known lesion masks, with bootstrap CIs")
    p.add_argument("--model", required=True, help="a model name (see the models subcommand)")
    p.add_argument("--dataset", default=PHANTOM_DATASET, help="cases with known masks: phantoms")
    p.add_argument("--cases", type=int, default=20, help="generated cases with a lesion")
    p.add_argument("--seed", type=int, default=BENCH_SEED,
                   help="seed of the generated cases (2: unseen in training)")
    p.add_argument("--methods", help="comma-separated (default: every compatible method)")
    p.add_argument("--target", type=int, default=None, help="class index (default: lesion)")
    p.add_argument("--json", action="store_true", help="print JSON instead of text lines")
    p.set_defaults(fn=cmd_localise)
    p = sub.add_parser("report", help="a PDF case report (no patient identifier)")
    model_arguments(p)
    p.add_argument("--methods", required=True, help="comma-separated method names")
    p.add_argument("--input", required=True, help="DICOM or image file")
    p.add_argument("--frame", type=int, default=0, help="frame of a multi-frame DICOM")
    p.add_argument("--mask", help="ground truth: a mask image, or a DICOM SEG of --input; adds "
                   "localisation scores")
    p.add_argument("--target", type=int, default=None, help="class index (default: top)")
    p.add_argument("--out", required=True, help="PDF file to write")
    p.set_defaults(fn=cmd_report, text=None)
