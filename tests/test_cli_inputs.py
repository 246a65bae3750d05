"""The command line on the hostile-file battery and on user checkpoints: one line, exit 2."""
from __future__ import annotations

import json
import pickle

import pytest
import torch
from safetensors.torch import save as save_safetensors

import cli
import model_zoo
from tests.bad_images import battery
from tests.test_checkpoint import Payload
from tests.test_cli import cli as run_cli

pytestmark = pytest.mark.slow  # a Python process per command

CASES = battery()


@pytest.fixture
def fast_zoo(monkeypatch, zoo):
    """The CLI's model loading served from the test session's models (in-process runs)."""
    monkeypatch.setattr(model_zoo, "load_model", zoo)


def one_error_line(stderr: str) -> str:
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error:"), stderr
    assert "Traceback" not in stderr
    return lines[0]


@pytest.mark.parametrize("name", list(CASES))
def test_every_battery_file_through_the_cli(name, fast_zoo, tmp_path, capsys):
    case = CASES[name]
    path = tmp_path / "upload.png"  # the name never matters
    path.write_bytes(case.data)
    code = cli.main(["predict", "--model", "mobilenet_v2", "--input", str(path), "--json"])
    captured = capsys.readouterr()
    if case.error:
        assert code == 2
        assert case.error in one_error_line(captured.err)
    else:
        assert code == 0, captured.err
        assert len(json.loads(captured.out)["top"]) == 5
        notes = [line for line in captured.err.splitlines() if line.startswith("note:")]
        assert (case.note is None) == (not notes)
        assert all(line.startswith("note:") for line in captured.err.splitlines())


@pytest.mark.parametrize("name", ["svg", "declared_bomb"])
def test_a_real_process_exits_2_with_one_line(name, tmp_path):
    path = tmp_path / "image.png"
    path.write_bytes(CASES[name].data)
    run = run_cli("explain", "--model", "mobilenet_v2", "--method", "gradcam", "--input", str(path))
    assert run.returncode == 2
    assert CASES[name].error in one_error_line(run.stderr)


def test_checkpoint_from_the_command_line(zoo, sample_files, tmp_path):
    state = zoo("mobilenet_v2").module[1].state_dict()
    weights, labels = tmp_path / "mine.safetensors", tmp_path / "labels.json"
    weights.write_bytes(save_safetensors({k: v.contiguous() for k, v in state.items()}))
    labels.write_text(json.dumps([f"c{i}" for i in range(1000)]))
    run = run_cli("explain", "--checkpoint", str(weights), "--arch", "mobilenet_v2", "--labels",
                  str(labels), "--method", "gradcam", "--input", str(sample_files["chelsea"]),
                  "--json")
    assert run.returncode == 0, run.stderr
    payload = json.loads(run.stdout)
    assert payload["model"] == "checkpoint:mobilenet_v2" and payload["label"] == "c285"


@pytest.mark.parametrize("make, message", [
    (lambda marker: pickle.dumps(Payload(marker)), "refused unopened"),
    (lambda marker: save_safetensors({"classifier.1.weight": torch.zeros(3, 5)}),
     "'features.0.0.weight' is missing"),
    (lambda marker: b"\x00garbage" * 50, "neither safetensors nor"),
])
def test_bad_checkpoints_from_the_command_line(make, message, fast_zoo, sample_files, tmp_path,
                                               capsys):
    marker, weights = tmp_path / "ran", tmp_path / "mine.pt"
    weights.write_bytes(make(str(marker)))
    code = cli.main(["predict", "--checkpoint", str(weights), "--arch", "mobilenet_v2",
                     "--input", str(sample_files["chelsea"])])
    assert code == 2
    assert message in one_error_line(capsys.readouterr().err)
    assert not marker.exists()


@pytest.mark.parametrize("args, message", [
    (["--checkpoint", "{w}"], "--arch"),
    (["--checkpoint", "{w}", "--arch", "mobilenet_v2", "--model", "mobilenet_v2"], "not --model"),
    ([], "pass --model NAME"),
    (["--checkpoint", "/no/such.pt", "--arch", "mobilenet_v2"], "no such checkpoint file"),
])
def test_checkpoint_argument_mistakes(args, message, sample_files, tmp_path, capsys):
    weights = tmp_path / "w.pt"
    weights.write_bytes(b"x")
    args = [a.format(w=weights) for a in args]
    code = cli.main(["predict", *args, "--input", str(sample_files["chelsea"])])
    assert code == 2 and message in one_error_line(capsys.readouterr().err)
