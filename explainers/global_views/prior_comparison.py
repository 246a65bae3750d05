"""The lecture's three pictures for one class and one seed: raw pixels, regularised pixels,
and a generator prior (x* = G(z*), z* = argmax_z y_c(G(z)); Nguyen et al. 2016).

Same objective, seed and step count for all three; only the image's parameterisation and
priors differ, so the difference in the pictures is the priors' doing.
"""
from __future__ import annotations

from dataclasses import replace

from explainers.global_views.actmax import Settings, preset
from model_zoo.generators import has_generator

LESSON = ("Raw pixels reach the class with noise no one would call a digit (an adversarial "
          "pattern); regularisers make it smoother; the generator keeps the image on what it "
          "learnt digits look like, so the class's idea becomes visible.")


def comparison_settings(model_name: str, input_side: int, steps: int = 128,
                        seed: int = 0) -> dict[str, Settings]:
    """Settings per prior, at the model's input size; "generator" only where one ships.

    The regularised preset's 8 px jitter is meant for 224 px; it is scaled to the input side.
    """
    jitter = max(1, round(8 * input_side / 224))
    runs = {"raw pixels": preset("raw"),
            "regularised": preset("regularised", jitter=jitter)}
    if has_generator(model_name):
        runs["generator prior"] = preset("generator")
    return {name: replace(s, steps=steps, seed=seed, size=0) for name, s in runs.items()}
