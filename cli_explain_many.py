"""``cli.py explain --method a,b,...``: several methods on one input, the gradient methods
that read the same pass computed from one forward+backward (workflows/explain_many)."""
from __future__ import annotations

import argparse

from cli_common import CliError, emit


def explain_several(args: argparse.Namespace, model, data, names: list[str]) -> None:
    """One JSON object (or a line) per method; ``--out``, ``--save-scores``, ``--metrics``
    and ``--mask`` take one method."""
    from workflows.explain_many import explain_many
    from workflows.methods import checked_methods

    if args.out or args.save_scores or args.metrics or getattr(args, "mask", None):
        raise CliError("--out, --save-scores, --metrics and --mask take one --method")
    try:
        checked_methods(model, names)
        found = explain_many(model, names, data, args.target)
    except ValueError as err:
        raise CliError(str(err)) from err
    rows = [dict(method=name, target=r.target, label=model.labels[r.target],
                 seconds=round(r.seconds, 4), model_evals=r.model_evals,
                 shape=list(r.scores.shape), signed=r.signed, params=dict(r.params),
                 shared_with=list(r.extras.get("shared_with", ())))
            for name, r in found.items()]
    emit(dict(model=model.name, results=rows), args.json,
         [f"{r['method']:<22} {r['label']}  {r['seconds']:.3f} s  {r['model_evals']} passes"
          + (f"  (one pass with {', '.join(r['shared_with'])})" if r["shared_with"] else "")
          for r in rows])
