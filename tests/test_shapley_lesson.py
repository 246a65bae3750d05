"""The Shapley lesson: its core on the shortcut CNN, the page through AppTest, the CLI."""
from __future__ import annotations

import json

import numpy as np
import pytest
import torch
from streamlit.testing.v1 import AppTest

from explainers.image.learned_shap_sets import images_for
from explainers.image.region_game import pool_to_grid, region_index
from explainers.image.shapley_lesson import METHODS, Lesson
from tests.conftest import ROOT
from tests.test_app import TIMEOUT


def test_region_index_matches_the_game_cells():
    index = region_index((3, 3), (64, 64))
    assert index[0, 0] == 0 and index[-1, -1] == 8 and len(index.unique()) == 9
    assert pool_to_grid(torch.ones(64, 64), (3, 3)).sum() == 64 * 64


def test_estimators_close_in_on_exact_for_four_regions(zoo):
    """n = 4: 16 coalitions; KernelSHAP and 8 permutations end near the exact values,
    every estimate keeps efficiency, and the learned one costs two evaluations."""
    lesson = Lesson(zoo("shortcut_cnn"), images_for("shortcut_cnn", "held_out", 1)[0], 4)
    exact, _ = lesson.exact()
    gap = lesson.v(np.array([[True] * 4, [False] * 4]))
    assert np.isclose(exact.sum(), gap[0] - gap[1])
    points = list(lesson.race(exact, 64))
    final = {p.method: p for p in points}
    assert set(final) == set(METHODS)
    assert final["KernelSHAP"].error < 0.05 and final["Permutation sampling"].error < 0.2
    assert final["Learned (FastSHAP)"].evals == 2
    first = next(p for p in points if p.method == "Permutation sampling")
    assert first.evals == 5 and final["Permutation sampling"].evals == 60


@pytest.mark.parametrize("model", ["shortcut_cnn", "digit_cnn"])  # digits: 28 px, uneven cells
def test_lesson_page_runs_and_keeps_its_result(model):
    app = AppTest.from_file(str(ROOT / "pages" / "shapley.py"), default_timeout=TIMEOUT)
    app.session_state["shapley_model"] = model
    app.session_state["shapley_regions"] = 6
    app.session_state["shapley_budget"] = 64
    app.run()
    assert not app.exception, app.exception
    assert any("Run the lesson" in info.value for info in app.info)
    app.button(key="shapley_run").click().run()
    assert not app.exception, app.exception
    assert app.subheader[0].value.startswith("Exact: 64 coalitions in")
    rows = app.dataframe[0].value
    assert set(rows["method"]) == set(METHODS)
    assert len(app.dataframe[1].value) == 13  # n = 4 .. 16
    assert any("learned, not computed" in c.value for c in app.caption)
    errors = rows.set_index("method")["error vs exact"].astype(float)
    assert np.isfinite(errors).all() and errors["KernelSHAP"] < 1


def test_cli_shapley_json(capsys):
    from cli import main

    main(["shapley", "--regions", "4", "--budget", "32", "--json"])
    out = json.loads(capsys.readouterr().out)
    assert out["exact"]["coalitions"] == 16 and len(out["exact"]["values"]) == 4
    assert {r["method"] for r in out["final"]} == set(METHODS)
    assert out["exact_cost_as_n_grows"][-1]["coalitions"] == 65536
