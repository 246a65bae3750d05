"""The audit's verdict in words: one sentence per flagged class saying what was found and
how sure, from the figures the audit already holds (no model code).

How sure: the flip rate's 95% Wilson interval (Wilson 1927) over the class's swaps. "Strong"
when its lower end clears the flag threshold, "suggestive" when only the estimate does; a
SpRAy cluster alone is "a lead to inspect, not proof" (one pattern of maps is no
counterfactual).
"""
from __future__ import annotations

import math

from explainers.audit.flags import BACKGROUND, FLIP


def wilson(rate: float, n: int, z: float = 1.96) -> tuple[float, float]:
    """The 95% Wilson score interval of a proportion ``rate`` observed over ``n`` trials."""
    if n <= 0:
        return float("nan"), float("nan")
    centre = (rate + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(rate * (1 - rate) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return max(0.0, centre - half), min(1.0, centre + half)


def _method_title(method: str) -> str:
    from explainers import explainer_entry

    try:
        return explainer_entry(method).title
    except ValueError:
        return method


def evidence(row: dict, methods: tuple[str, ...], clusters: list) -> tuple[list[str], str]:
    """The findings of one class as phrases, and how sure they make us."""
    found, sureness = [], "a lead to inspect, not proof"
    flip = row.get("flip_rate")
    if flip is not None:
        low, high = wilson(flip, row["items"])
        found.append(f"predictions flip in {flip:.0%} of background swaps (95% CI "
                     f"{low:.0%}-{high:.0%}, {row['items']} images)")
        if flip >= FLIP:
            sureness = "strong" if low >= FLIP else "suggestive"
    for m in methods:
        share = (row.get(m) or {}).get("background_share")
        if share is not None and share >= BACKGROUND:
            area = (row.get(m) or {}).get("object_area")
            found.append(f"{share:.0%} of {_method_title(m)}'s mass lies on the background"
                         + (f" (the object covers {area:.0%} of the image)" if area else ""))
    for s in clusters:
        found.append(f"SpRAy found a small, pure cluster of {s.share:.0%} of its maps "
                     f"(purity {s.purity:.2f}, focus {s.focus:.2f})")
    return found, sureness


def class_verdicts(report) -> list[str]:
    """One sentence per flagged class of an ``AuditReport``."""
    sentences = []
    for c, row in enumerate(report.rows):
        if not row["flags"]:
            continue
        spray = report.spray.get(c)
        clusters = [s for s in spray.summaries if s.flagged] if spray else []
        found, sureness = evidence(row, report.methods, clusters)
        sentences.append(f"{row['class']}: {'; '.join(found)}. Evidence: {sureness}.")
    return sentences
