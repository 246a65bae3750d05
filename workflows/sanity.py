"""The sanity check of several methods on one input, the randomised copies shared between
them (explainers/metrics/sanity_shared.py), with each block's points handed to ``on_block``
(a page draws them live) as they arrive."""
from __future__ import annotations

from typing import Any, Callable

from explainers.registry import explainer_entry
from model_zoo import Classifier

OnFigure = Callable[[Any], None]


def sanity_all(model: Classifier, methods: tuple[str, ...], x, target: int,
               settings: dict[str, dict] | None = None, max_steps: int | None = None,
               show: OnFigure | None = None) -> dict:
    """Method -> SanityReport (Adebayo et al. 2018, cascading randomisation), ``max_steps``
    blocks from the output (None: all); ``show`` gets the curves' figure after each block."""
    from components.agreement import sanity_curves, sanity_figure
    from explainers.metrics.sanity_shared import cascading_randomisation_all

    titles = {m: explainer_entry(m).title for m in methods}

    def on_block(done: int, total: int, reports: dict) -> None:
        if show is not None:
            show(sanity_figure(sanity_curves(reports, titles), total))

    return cascading_randomisation_all(model, list(methods), x, target, params=settings or {},
                                       max_steps=max_steps, on_block=on_block)
