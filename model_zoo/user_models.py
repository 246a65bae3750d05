"""Users' own checkpoints, kept loaded for a few uploads and then really let go.

A bounded least-recently-used table: the only strong reference the dashboard keeps to a
user's model. An evicted model is dropped here and nowhere else holds it, so the limit
bounds memory (a test checks that a weak reference to an evicted model dies).
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Callable

from model_zoo.classifier import Classifier

CHECKPOINT_PREFIX = "checkpoint:"
MAX_USER_MODELS = 4


class UserModels:
    """Name -> loaded model, at most ``limit`` of them, least recently used dropped first."""

    def __init__(self, limit: int = MAX_USER_MODELS) -> None:
        self.limit = limit
        self._models: OrderedDict[str, Classifier] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, name: str) -> Classifier:
        with self._lock:
            if name not in self._models:
                raise ValueError("this checkpoint is no longer loaded; upload it again")
            self._models.move_to_end(name)
            return self._models[name]

    def load(self, name: str, build: Callable[[], Classifier]) -> Classifier:
        """The model of that name, built (outside the lock) if it is not loaded."""
        with self._lock:
            if name in self._models:
                self._models.move_to_end(name)
                return self._models[name]
        model = build()
        with self._lock:
            model = self._models.setdefault(name, model)
            self._models.move_to_end(name)
            while len(self._models) > self.limit:
                self._models.popitem(last=False)
        return model

    def __contains__(self, name: str) -> bool:
        with self._lock:
            return name in self._models

    def __len__(self) -> int:
        with self._lock:
            return len(self._models)
