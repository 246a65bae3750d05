"""Is a TCAV score more than chance? (Kim et al. 2018, sec. 3.5)

The concept's scores over runs (each against another random set) are compared with the
scores of random-vs-random CAVs by a two-sided Student t-test, as the reference library
and LIT do; a concept whose p-value is not below ``alpha`` is marked not significant.
"""
from __future__ import annotations

import math
import warnings
from dataclasses import dataclass

import numpy as np
from scipy import stats

ALPHA = 0.05


@dataclass(frozen=True)
class Significance:
    p_value: float
    significant: bool


def t_test(concept_scores: np.ndarray, null_scores: np.ndarray,
           alpha: float = ALPHA) -> Significance:
    """Two-sided t-test of the concept's scores against the random CAVs' scores.

    Identical constant samples give no evidence (p = 1); constant but different samples
    are as far apart as they can be (p = 0).
    """
    a, b = np.asarray(concept_scores, float), np.asarray(null_scores, float)
    if len(a) < 2 or len(b) < 2:
        raise ValueError("the t-test needs at least 2 runs on each side (TCAV uses 10 or more)")
    if np.ptp(a) == 0 and np.ptp(b) == 0:
        p = 1.0 if a[0] == b[0] else 0.0
    else:
        with warnings.catch_warnings():  # one constant side: scipy warns, the test is fine
            warnings.simplefilter("ignore", RuntimeWarning)
            p = float(stats.ttest_ind(a, b).pvalue)
        p = 1.0 if math.isnan(p) else p
    return Significance(p, p < alpha)
