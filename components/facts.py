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
    if "gap_share" in result.extras:  # adaptive IG: steps used, gap as share of logit change
        facts += (f" ({result.extras['gap_share']:.1%} of the logit change, "
                  f"{result.extras['steps_used']} steps)")
    if "area_reached" in result.extras:  # extremal perturbation: the mask's mean value
        facts += f" · mask area {result.extras['area_reached']:.1%}"
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


ROAD_NOTE = (
    "ROAD (Rong et al. 2022): pixels are removed in the map's order and filled in from their "
    "neighbours (noisy linear imputation), so the removal pattern itself tells the model "
    "little. MoRF removes the most relevant first (lower area is better), LeRF the least "
    "relevant first (higher is better); each curve is divided by the starting probability. "
    "A map beats random when its gap LeRF − MoRF exceeds twice the root mean square of the "
    "gaps of 4 random maps (one random value per 4 × 4-pixel removal cell, as in the ROAD "
    "paper; at least 0.02); a random map has no order, so their mean gap is 0 (each counts "
    "with its reverse); inside that spread: cannot tell.")
ROAD_SIGNED_NOTE = (
    " A signed map is ranked by value, most positive first: maps made of per-pixel gradients "
    "(Integrated Gradients, gradient × input, LRP) change sign from pixel to pixel and in that "
    "order often cannot be told from random; “Absolute values” ranks them by magnitude.")


def deletion_fact(drop: float, verdict) -> str:
    """A text row's deletion drop with its verdict against random removals."""
    return (f"{drop:+.3f}, {verdict.outcome} (larger than {verdict.share_below:.0%} of "
            "random removals)")


def road_caption(morf_auc: float, lerf_auc: float) -> str:
    return f"ROAD MoRF {morf_auc:.2f} ↓ · LeRF {lerf_auc:.2f} ↑"


def sanity_verdict_badge(verdict) -> tuple[str, str]:
    """(kind, text) of a panel's sanity badge from the whole-curve verdict."""
    if verdict.passed:
        return "ok", f"sanity ✓ (mean ρ {verdict.early_rho:.2f}, first blocks)"
    if verdict.outcome in ("vanishes", "constant"):
        word = "map vanishes" if verdict.outcome == "vanishes" else "map turns constant"
        return "warn", f"{word} when randomised: cannot judge"
    return "warn", f"insensitive to the model (mean ρ {verdict.early_rho:.2f}, first blocks)"


def deletion_strength_note(chance, outcomes: list[str]) -> str | None:
    """Why the text page's verdicts are weak, when they are: how many random removals
    there were, the smallest p-value any row could reach, and which k would allow one."""
    from explainers.metrics.text_deletion import BEATS_SHARE

    if chance.can_beat and (not chance.exhaustive or set(outcomes) != {"cannot tell"}):
        return None
    m, need = len(chance.drops), 1 - BEATS_SHARE
    ways = (f"Removing {chance.k} of this text's {chance.n or '?'} tokens can be done in "
            f"{'only ' if not chance.can_beat else ''}{m} ways")
    bound = (f"the smallest p-value any row can reach is {chance.smallest_p:.3f} "
             f"(a verdict needs {need:.2f} or less)")
    if chance.can_beat:
        return f"{ways}; {bound}. No row is clearly better or worse than random here."
    ks = chance.verdict_ks()
    advice = (f"k = {', '.join(map(str, ks))} would allow a verdict on this text"
              if ks else "a longer sentence would allow one")
    return f"{ways}, too few for any row to beat random: {bound}. {advice.capitalize()}."
