"""One name per method across modalities (issue 12): the model's modality picks the variant,
the old ``*_text`` names still work, and a misfit names the methods that fit."""
from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest

from explainers import IncompatibleError, UnknownMethodError, explain, explainer_entries
from explainers.method_names import entry_for, idea_name, names_that_fit
from tests.conftest import ROOT

SENTENCE = "I love this wonderful day"


@pytest.mark.parametrize("idea", ["integrated_gradients", "occlusion", "shap", "lime",
                                  "saliency", "grad_x_input"])
def test_an_image_methods_name_finds_the_text_variant(idea, zoo):
    text, image = zoo("minilm_sentiment"), zoo("mobilenet_v2")
    assert entry_for(idea, text).name == f"{idea}_text"
    assert entry_for(idea, image).name == idea
    assert entry_for(f"{idea}_text", text).name == f"{idea}_text"  # the old name still works
    assert entry_for(f"{idea}_text", image).name == idea  # and means the idea on images


def test_the_idea_name_gives_the_same_map_as_the_old_name(zoo):
    model = zoo("minilm_sentiment")
    new = explain(model, "integrated_gradients", SENTENCE, steps=8, batch=8)
    old = explain(model, "integrated_gradients_text", SENTENCE, steps=8, batch=8)
    np.testing.assert_allclose(new.scores, old.scores, atol=1e-6)
    assert new.delta is not None and new.tokens == old.tokens


def test_a_misfit_names_the_methods_that_fit(zoo):
    text = zoo("minilm_sentiment")
    with pytest.raises(IncompatibleError, match="does not fit") as err:
        entry_for("gradcam", text)
    assert "attention" in str(err.value) and "integrated_gradients" in str(err.value)
    assert "gradcam" not in names_that_fit(text)
    with pytest.raises(UnknownMethodError):
        entry_for("no_such_method", text)


def test_every_registered_name_resolves_to_itself_on_a_fitting_model(zoo):
    models = [zoo("mobilenet_v2"), zoo("minilm_sentiment")]
    for entry in explainer_entries():
        fitting = [m for m in models if entry.is_compatible(m)]
        for model in fitting:
            assert entry_for(entry.name, model) is entry
            assert entry_for(idea_name(entry), model) is entry


def cli(*args: str, **kwargs) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, str(ROOT / "cli.py"), *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kwargs)


@pytest.mark.slow
def test_cli_explains_a_text_model_by_the_ideas_name():
    run = cli("explain", "--model", "minilm_sentiment", "--method", "integrated_gradients",
              "--text", SENTENCE, "--json")
    out, err = run.communicate(timeout=600)
    assert run.returncode == 0, err.decode()
    payload = json.loads(out)
    assert payload["label"] == "positive" and "delta" in payload


@pytest.mark.slow
def test_cli_lists_one_name_per_idea():
    run = cli("methods", "--json")
    rows = json.loads(run.communicate(timeout=300)[0])
    names = {(r["name"], r["modality"]) for r in rows}
    assert {("integrated_gradients", "image"), ("integrated_gradients", "text")} <= names
    assert not any(r["name"].endswith("_text") for r in rows)


@pytest.mark.slow
@pytest.mark.parametrize("args", [("methods",), ("methods", "--json"), ("models",)])
def test_cli_exits_quietly_when_the_reader_leaves(args):
    """``cli.py methods | head -1``: the reader is gone before we write."""
    run = cli(*args)
    run.stdout.close()  # like head after its first line
    err = run.stderr.read().decode()
    run.wait(timeout=300)
    assert "Traceback" not in err and "BrokenPipe" not in err, err
    assert run.returncode in (0, 141)


@pytest.mark.slow
def test_cli_pipe_into_head_prints_one_line():
    shell = subprocess.run(f"'{sys.executable}' '{ROOT / 'cli.py'}' methods --json | head -1",
                           shell=True, capture_output=True, text=True, timeout=300)
    assert shell.stdout == "[\n" and shell.stderr == ""
