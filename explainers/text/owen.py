"""Owen values over a balanced binary hierarchy of contiguous tokens, refined best-first.

The partition explainer of Lundberg & Lee (shap's ``PartitionExplainer``; Owen 1977 for
the value): a node splits into halves L and R; with its outside context m, it takes
f(m+L) and f(m+R), gives each child half its weight in both contexts (the sibling absent:
f(m+L) - f(m); present: f(m+L+R) - f(m+R)), and children are expanded largest
weight x |change| first. When the evaluation budget runs out, a pending node's change is
spread evenly over its tokens. Every step conserves the total, so the scores always sum
to f(all) - f(none) (efficiency), whatever the budget.
"""
from __future__ import annotations

import heapq
import itertools
from typing import Callable

import torch

from explainers.progress import report

ValueFn = Callable[[torch.Tensor], torch.Tensor]  # (N, n) bool masks -> (N,) values


def owen_values(value: ValueFn, n: int, max_evals: int = 500,
                batch: int = 16) -> tuple[torch.Tensor, int]:
    """Scores (n,) and the evaluations used (at most ``max_evals``, at least 2)."""
    ends = value(torch.stack([torch.zeros(n, dtype=torch.bool), torch.ones(n, dtype=torch.bool)]))
    phi = torch.zeros(n, dtype=torch.float64)
    tie = itertools.count()
    # entries: (priority, tie, start, stop, context mask, f(context), f(context + node), weight)
    queue = [(0.0, next(tie), 0, n, torch.zeros(n, dtype=torch.bool), float(ends[0]),
              float(ends[1]), 1.0)]
    evals = 2
    while queue:
        if evals + 2 > max_evals:
            break
        work = []
        while queue and len(work) * 2 < batch and evals + 2 * (len(work) + 1) <= max_evals:
            node = heapq.heappop(queue)
            _, _, start, stop, _, f00, f11, weight = node
            if stop - start == 1:
                phi[start] += weight * (f11 - f00)
            else:
                work.append(node)
        if not work:
            continue
        masks = []
        for _, _, start, stop, m00, *_ in work:
            mid = (start + stop) // 2
            m10, m01 = m00.clone(), m00.clone()
            m10[start:mid] = True
            m01[mid:stop] = True
            masks += [m10, m01]
        out = value(torch.stack(masks)).double()
        evals += len(masks)
        report(evals / max_evals, "Owen values")
        for i, (_, _, start, stop, m00, f00, f11, weight) in enumerate(work):
            mid, f10, f01, half = (start + stop) // 2, float(out[2 * i]), float(out[2 * i + 1]), weight / 2
            for child, context, low, high in (
                    ((start, mid), m00, f00, f10), ((start, mid), masks[2 * i + 1], f01, f11),
                    ((mid, stop), m00, f00, f01), ((mid, stop), masks[2 * i], f10, f11)):
                heapq.heappush(queue, (-abs(high - low) * half, next(tie), *child, context, low,
                                       high, half))
    for _, _, start, stop, _, f00, f11, weight in queue:
        phi[start:stop] += weight * (f11 - f00) / (stop - start)
    return phi.float(), evals
