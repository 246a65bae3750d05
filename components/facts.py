"""One-line summaries shown under every explanation."""
from __future__ import annotations

from explainers import Explanation


def evaluations(count: int) -> str:
    return f"{count} model evaluation{'' if count == 1 else 's'}"


def cost_caption(result: Explanation) -> str:
    """Seconds, model evaluations and, where the method has one, the completeness gap."""
    facts = f"{result.seconds:.2f} s · {evaluations(result.model_evals)}"
    if result.delta is not None:
        facts += f" · completeness gap {result.delta:+.3f}"
    return facts


def choice_label(choice: tuple[int, str, float]) -> str:
    """A top-k entry (index, label, probability) as the text page's target picker shows it."""
    return f"{choice[1]} ({choice[2]:.1%})"


HIDDEN_PARAMS = ("batch",)  # speed knobs that do not change the map


def params_caption(params: dict[str, object]) -> str:
    """The method's key parameters, ``name=value`` joined (speed knobs left out)."""
    return ", ".join(f"{name}={_short(value)}" for name, value in params.items()
                     if name not in HIDDEN_PARAMS)


def _short(value: object) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


FAITHFULNESS_NOTE = (
    "Deletion AUC: the area under the class probability as the most important pixels are "
    "replaced by the mean colour first (lower is better). Insertion AUC: as they are put "
    "back into a blurred copy (higher is better).")


def faithfulness_caption(deletion_auc: float, insertion_auc: float) -> str:
    """Deletion AUC (lower is better) and insertion AUC (higher is better) of a map."""
    return f"deletion AUC {deletion_auc:.3f} ↓ · insertion AUC {insertion_auc:.3f} ↑"


def sanity_badge(insensitive: bool, final_spearman: float) -> tuple[str, str]:
    """(kind, text) of a panel's sanity-check badge after cascading randomisation."""
    if insensitive:
        return "warn", f"insensitive to the model (ρ {final_spearman:.2f})"
    return "ok", f"sanity ✓ (ρ {final_spearman:.2f})"
