"""Concept activation vectors (Kim et al. 2018, sec. 3.2): the normal of a linear boundary
between a concept's activations and a random set's, with its held-out accuracy.

scikit-learn's ``SGDClassifier`` with the settings of the TCAV reference code and captum's
default (hinge loss, alpha 0.01, max_iter 1000, tol 1e-3), seeded. We do not call
``captum.concept.TCAV``: it pickles activations and CAVs to ``save_path`` on disk (nothing
a user uploads may be written) and hooks the model it is given (ours is shared).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sklearn.linear_model import SGDClassifier
from sklearn.model_selection import train_test_split
from threadpoolctl import ThreadpoolController

TEST_SHARE = 0.33  # held out for the accuracy, as in the reference implementation
_BLAS = ThreadpoolController()  # made once: building one scans the loaded libraries (12 ms)


@dataclass(frozen=True)
class Cav:
    """A unit vector pointing from the random set toward the concept, and its test accuracy."""

    vector: np.ndarray
    accuracy: float


def span_coordinates(gram: np.ndarray, train: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Coordinates of every row in an orthonormal basis of the training rows' span, and the
    (n_train, k) map from coordinates back to weights on the training rows.

    SGD with L2 decay starting from zero only ever adds multiples of training rows to w, so
    w stays in their span, and fitting on these coordinates gives the same CAV (the basis is
    orthonormal, so the penalty is unchanged; tested). Each epoch then costs n x k, not n x D.
    """
    values, vectors = np.linalg.eigh(gram[np.ix_(train, train)])
    keep = values > values.max() * 1e-10
    to_rows = vectors[:, keep] / np.sqrt(values[keep])
    return gram[:, train] @ to_rows, to_rows


def fit_cav(concept: np.ndarray, random: np.ndarray, seed: int) -> Cav:
    """Separate (n, D) concept activations (label 1) from (m, D) random ones (label 0).

    One BLAS thread: these products are small, and on a busy 2-core machine OpenBLAS's
    second thread made the Gram product 10-30x slower (0.05-0.17 s against 0.003-0.009 s).
    """
    with _BLAS.limit(limits=1):
        return _fit_cav(concept, random, seed)


def _fit_cav(concept: np.ndarray, random: np.ndarray, seed: int) -> Cav:
    features = np.concatenate([concept, random]).astype(np.float64)
    features /= float(np.abs(features).mean()) or 1.0  # one scale: the direction is unchanged
    labels = np.r_[np.ones(len(concept)), np.zeros(len(random))]
    train, test = train_test_split(np.arange(len(labels)), test_size=TEST_SHARE,
                                   stratify=labels, random_state=seed)
    coords, to_rows = span_coordinates(features @ features.T, train)
    model = SGDClassifier(alpha=0.01, max_iter=1000, tol=1e-3, random_state=seed)
    model.fit(coords[train], labels[train])
    accuracy = float((model.predict(coords[test]) == labels[test]).mean())
    vector = (features[train].T @ (to_rows @ model.coef_[0])).astype(np.float32)
    norm = float(np.linalg.norm(vector))
    return Cav(vector / norm if norm > 0 else vector, accuracy)


def tcav_score(gradients: np.ndarray, cav: Cav) -> float:
    """Share of the class's images whose directional derivative S = grad . v is positive
    (Kim et al. 2018, eq. 1-2)."""
    return float((gradients @ cav.vector > 0).mean())
