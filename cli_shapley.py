"""The Shapley lesson on the command line: ``cli.py shapley`` computes exact Shapley values
of a small grid of regions (2^n coalitions) and races KernelSHAP, permutation sampling,
partition SHAP and the learned explainer towards them, printing each one's error and cost."""
from __future__ import annotations

import argparse

from cli_common import CliError, emit


def lesson_image(model_name: str, index: int):
    """A held-out image of the model's own data (the learned explainer never saw it)."""
    from explainers.image.learned_shap_sets import LESSON_MODELS, images_for

    if model_name not in LESSON_MODELS:
        raise CliError(f"the lesson runs on {', '.join(LESSON_MODELS)}")
    return images_for(model_name, "held_out", index + 1)[index]


def cmd_shapley(args: argparse.Namespace) -> None:
    from explainers.image.shapley_lesson import Lesson, exact_costs
    from model_zoo import load_model

    lesson = Lesson(load_model(args.model), lesson_image(args.model, args.image), args.regions)
    exact, seconds = lesson.exact()
    points = list(lesson.race(exact, args.budget, args.seed))
    final = {p.method: p for p in points}
    rows = [{"method": p.method, "evals": p.evals, "seconds": round(p.seconds, 3),
             "relative_error": round(p.error, 4)} for p in final.values()]
    costs = exact_costs(seconds / 2 ** args.regions)
    payload = {"model": args.model, "regions": args.regions, "grid": list(lesson.grid),
               "target": lesson.model.labels[lesson.target],
               "exact": {"coalitions": 2 ** args.regions, "seconds": round(seconds, 3),
                         "values": [round(float(v), 5) for v in exact]},
               "final": rows, "exact_cost_as_n_grows": costs,
               "curves": [{"method": p.method, "evals": p.evals, "error": round(p.error, 5)}
                          for p in points]}
    lines = [f"exact Shapley, {args.regions} regions: {2 ** args.regions} coalitions in "
             f"{seconds:.2f} s (target {payload['target']!r})",
             f"{'method':<28} {'evals':>6} {'seconds':>8} {'error vs exact':>15}"]
    lines += [f"{r['method']:<28} {r['evals']:>6} {r['seconds']:>8.3f} {r['relative_error']:>15.4f}"
              for r in rows]
    lines += ["exact cost as n grows (at this run's seconds per evaluation):"]
    lines += [f"  n={c['regions']:>2}: {c['coalitions']:>6} coalitions, ~{c['seconds']} s"
              for c in costs]
    emit(payload, args.json, lines)


def add_shapley_commands(sub) -> None:
    """The ``shapley`` parser."""
    from explainers.image.shapley_lesson import GRIDS

    p = sub.add_parser("shapley", help="the Shapley lesson: exact values vs estimators")
    p.add_argument("--model", default="shortcut_cnn")
    p.add_argument("--regions", type=int, default=9, choices=sorted(GRIDS))
    p.add_argument("--budget", type=int, default=512, help="evaluations per estimator")
    p.add_argument("--image", type=int, default=0, help="held-out image number")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--json", action="store_true")
    p.set_defaults(fn=cmd_shapley)
