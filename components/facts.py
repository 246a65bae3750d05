"""One-line summaries shown under every explanation."""
from __future__ import annotations

from explainers import Explanation


def cost_caption(result: Explanation) -> str:
    """Seconds, model evaluations and, where the method has one, the completeness gap."""
    facts = f"{result.seconds:.2f} s · {result.model_evals} model evaluations"
    if result.delta is not None:
        facts += f" · completeness gap {result.delta:+.3f}"
    return facts


def choice_label(choice: tuple[int, str, float]) -> str:
    """A top-k entry (index, label, probability) as the target picker shows it."""
    return f"{choice[1]} ({choice[2]:.1%})"
