"""How far an input is from the model's own training data in feature space: the Mahalanobis
distance of its pooled last-block features to those of held-out in-distribution cases (Lee et
al. 2018, "A simple unified framework for detecting out-of-distribution samples", eq. 2, one
class-agnostic Gaussian). The threshold is the 99th percentile on a second held-out set; the
false-alarm rate is measured on a third and stated with every verdict."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from torch import nn


@dataclass(frozen=True)
class FeatureDistance:
    mean: np.ndarray
    precision: np.ndarray  # inverse of the shrunk covariance
    threshold: float
    false_alarm_rate: float  # on the second held-out set
    held_out: int

    def distance(self, features: np.ndarray) -> np.ndarray:
        d = np.atleast_2d(features) - self.mean
        return np.sqrt(np.einsum("ij,jk,ik->i", d, self.precision, d))

    def verdict(self, features: np.ndarray) -> tuple[float, bool, str]:
        """(distance, beyond the threshold, the sentence with the false-alarm rate)."""
        value = float(self.distance(features)[0])
        far = value > self.threshold
        words = ("far from" if far else "within") + " the model's held-out training data"
        return value, far, (f"Feature-space distance {value:.1f} (threshold {self.threshold:.1f}):"
                            f" {words}; the threshold flags {self.false_alarm_rate:.1%} of "
                            f"{self.held_out} held-out in-distribution cases (false alarms).")


def pooled_features(block: nn.Module, module: nn.Module, x: torch.Tensor) -> np.ndarray:
    """(N, C) spatial means of ``block``'s output during a forward of ``module``; the hook is
    removed whatever happens."""
    kept = []
    handle = block.register_forward_hook(lambda _m, _i, out: kept.append(out.mean(dim=(2, 3))))
    try:
        with torch.inference_mode():
            module(x)
    finally:
        handle.remove()
    return kept[0].double().numpy()


def calibrate(fit: np.ndarray, tune: np.ndarray, check: np.ndarray, quantile: float = 0.99,
              shrink: float = 0.05) -> FeatureDistance:
    """The Gaussian of ``fit`` features (covariance shrunk towards its mean variance), the
    ``quantile`` of ``tune``'s distances as threshold, and the false alarms on ``check``:
    three disjoint held-out sets, so the stated rate is not measured where it was set."""
    mean = fit.mean(axis=0)
    cov = np.cov(fit, rowvar=False)
    cov = (1 - shrink) * cov + shrink * np.trace(cov) / len(cov) * np.eye(len(cov))
    partial = FeatureDistance(mean, np.linalg.inv(cov), 0.0, 0.0, len(check))
    threshold = float(np.quantile(partial.distance(tune), quantile))
    rate = float(np.mean(partial.distance(check) > threshold))
    return FeatureDistance(mean, partial.precision, threshold, rate, len(check))
