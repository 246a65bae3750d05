"""Data-set jobs: the local engine and a real local Ray cluster give the same table and maps;
bad files are rows with an error, never fatal; a killed run resumes; impossible worker counts
are refused. Small images and Grad-CAM keep this to about a minute (more on a busy machine)."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq
import pytest
from PIL import Image

import cli
from inputs.datasets import shape_item
from jobs.batch_job import BatchJob, EngineChoice, run_batch

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[1]
IMAGES = 40
BAD = {"broken.png", "notes.txt"}
JOB = BatchJob("mobilenet_v2", ("gradcam",))
RAY_LIMIT_S = 600  # a hung pool never finishes; this bounds the wait, it is no speed claim


@pytest.fixture(scope="module")
def image_folder(tmp_path_factory) -> Path:
    """40 generated 64 px images in two sub-folders, a truncated PNG and a text file."""
    folder = tmp_path_factory.mktemp("images")
    for i in range(IMAGES):
        path = folder / f"part{i % 2}" / f"shape{i:02d}.png"
        path.parent.mkdir(exist_ok=True)
        Image.fromarray(shape_item(7, i)[0]).save(path)
    png = (folder / "part0" / "shape00.png").read_bytes()
    (folder / "broken.png").write_bytes(png[:len(png) // 2])
    (folder / "notes.txt").write_text("not an image")
    return folder


def finished_within(seconds: float, fn, *args, **kwargs):
    """Run ``fn`` in a thread; fail (not hang) if it has not returned in time."""
    box: dict = {}
    thread = threading.Thread(target=lambda: box.update(value=fn(*args, **kwargs)), daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), f"the job did not finish within {seconds} s (a starved pool?)"
    return box["value"]


@pytest.fixture(scope="module")
def both_engines(image_folder, tmp_path_factory, ray_cluster):
    outs = {name: tmp_path_factory.mktemp(name) for name in ("local", "ray")}
    local = run_batch(JOB, str(image_folder), outs["local"], EngineChoice(threads=1),
                      progress=False)
    ray_engine = EngineChoice("ray", workers=2, batch_size=4)  # two actors on 2 CPUs + reads
    ray = finished_within(RAY_LIMIT_S, run_batch, JOB, str(image_folder), outs["ray"],
                          ray_engine, progress=False)
    return outs, {"local": local, "ray": ray}


def test_local_and_ray_give_the_same_table_and_maps(both_engines):
    outs, summaries = both_engines
    tables = {k: pq.read_table(v / "results.parquet").to_pandas() for k, v in outs.items()}
    local, ray = tables["local"], tables["ray"]
    assert len(local) == IMAGES + len(BAD) and summaries["ray"].processed == IMAGES + len(BAD)
    assert summaries["ray"].workers == 2
    for column in ("file", "digest", "error", "label", "class_index", "maps"):
        assert list(local[column]) == list(ray[column])
    np.testing.assert_allclose(local["probability"], ray["probability"], rtol=1e-5)
    for name in local["maps"][local["error"] == ""]:
        a, b = np.load(outs["local"] / name), np.load(outs["ray"] / name)
        np.testing.assert_allclose(a["gradcam"], b["gradcam"], atol=1e-4)
        assert a["gradcam"].shape == (64, 64)


def test_bad_files_are_rows_with_an_error(both_engines):
    outs, summaries = both_engines
    for engine in ("local", "ray"):
        table = pq.read_table(outs[engine] / "results.parquet").to_pandas()
        bad = table[table["error"] != ""]
        assert set(bad["file"]) == BAD
        assert all("not a usable image" in e for e in bad["error"])
        assert {f for f, _ in summaries[engine].bad_files} == BAD
        assert (table["error"] == "").sum() == IMAGES  # the rest went on


def test_second_run_skips_what_the_table_holds(both_engines, image_folder):
    outs, _ = both_engines
    again = run_batch(JOB, str(image_folder), outs["local"], EngineChoice(threads=1),
                      progress=False)
    assert (again.skipped, again.processed) == (IMAGES + len(BAD), 0)


def test_a_killed_run_resumes_without_losing_or_repeating_rows(image_folder, tmp_path):
    out = tmp_path / "out"
    command = [sys.executable, "cli.py", "batch", "--model", "mobilenet_v2", "--methods",
               "gradcam", "--input", str(image_folder), "--out", str(out), "--threads", "1",
               "--batch-size", "2", "--flush-seconds", "0", "--no-progress"]
    proc = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 300
    while len(list((out / "table").glob("part-*.parquet"))) < 3:
        assert proc.poll() is None and time.monotonic() < deadline, proc.stderr.read()
        time.sleep(0.2)
    proc.send_signal(signal.SIGKILL)  # the worst case: no chance to clean up
    proc.wait()
    kept = pq.read_table(out / "table")["file"].to_pylist()
    assert 6 <= len(kept) < IMAGES and not (out / "results.parquet").exists()
    resumed = run_batch(JOB, str(image_folder), out, EngineChoice(threads=1), progress=False)
    assert resumed.skipped == len(kept)
    assert resumed.processed == IMAGES + len(BAD) - len(kept)
    final = pq.read_table(out / "results.parquet")["file"].to_pylist()
    assert sorted(final) == sorted(set(final)) and len(final) == IMAGES + len(BAD)


def test_more_workers_than_cpus_is_refused(image_folder, tmp_path, capsys, ray_cluster):
    base = ["batch", "--model", "mobilenet_v2", "--methods", "gradcam",
            "--input", str(image_folder), "--out", str(tmp_path / "out")]
    assert cli.main(base + ["--engine", "ray", "--workers", "3"]) == 2
    assert "--workers 3 is more than the 2 CPUs of the Ray cluster" in capsys.readouterr().err
    too_many = os.cpu_count() + 1
    assert cli.main(base + ["--workers", str(too_many)]) == 2
    assert f"--workers {too_many} is more than" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()  # refused before anything was written
    for other in (["audit", "--model", "shortcut_cnn", "--dataset", "shortcut_biased",
                   "--limit", "12"], ["project", "--model", "mobilenet_v2", "--dataset", "shapes",
                                      "--size", "12"]):
        assert cli.main(other + ["--engine", "ray", "--workers", "3"]) == 2
        assert "more than the 2 CPUs" in capsys.readouterr().err


def test_projection_extraction_on_ray_matches_local(ray_cluster):
    from explainers.global_views.extraction import extract
    from inputs.datasets import load_dataset
    from model_zoo import load_model
    from workflows.projection import extract_activations

    dataset = load_dataset("shapes", 24)
    model = load_model("mobilenet_v2")
    local = extract(model, dataset, "1.features.18")
    ray = finished_within(RAY_LIMIT_S, extract_activations, model, dataset, "1.features.18",
                          EngineChoice("ray", workers=1, batch_size=8))
    np.testing.assert_allclose(local.features, ray.features, rtol=1e-4, atol=1e-5)
    assert (local.predicted == ray.predicted).all()


def test_audit_on_ray_matches_local(ray_cluster):
    from inputs.audit_data import generated_set
    from model_zoo import load_model
    from workflows.audit import run_audit

    model, data = load_model("shortcut_cnn"), generated_set("shortcut_biased", 24)
    local = run_audit(model, data, ("gradcam",))
    ray = finished_within(RAY_LIMIT_S, run_audit, model, data, ("gradcam",),
                          engine=EngineChoice("ray", workers=1, batch_size=8))
    assert local.columns.keys() == ray.columns.keys()
    for key, values in local.columns.items():
        np.testing.assert_allclose(values, ray.columns[key], rtol=1e-4, atol=1e-5, err_msg=key)
    assert [r["flags"] for r in local.rows] == [r["flags"] for r in ray.rows]
    assert local.flagged == ray.flagged


def test_seeded_methods_get_a_seed_from_the_image_not_the_worker(image_folder, monkeypatch):
    """RISE takes a seed: each image's comes from its bytes, whatever the batch around it."""
    import hashlib

    import explainers
    from explainers import Explanation
    from jobs.batch_work import BatchWork, image_seed

    seen: dict[int, int] = {}

    def fake_explain(model, method, x, target=None, **params):
        seen[int(x.sum() * 1000)] = params["seed"]
        return Explanation(scores=np.zeros(x.shape[-2:]), method=method, target=target,
                           signed=False, seconds=0.0, model_evals=0)

    monkeypatch.setattr(explainers, "explain", fake_explain)
    files = sorted((image_folder / "part0").iterdir())[:3]
    data = [f.read_bytes() for f in files]
    work = BatchWork("mobilenet_v2", ["rise"], threads=1)
    batch = lambda order: {"file": np.array([files[i].name for i in order], dtype=object),  # noqa: E731
                           "data": np.array([data[i] for i in order], dtype=object),
                           "read_error": np.array([""] * len(order), dtype=object)}
    work(batch([0, 1, 2]))
    first = dict(seen)
    seen.clear()
    work(batch([2, 1]))
    work(batch([0]))
    assert seen == first and len(set(first.values())) == 3
    assert set(first.values()) == {image_seed(hashlib.sha256(d).hexdigest()) for d in data}


def test_road_columns_and_each_methods_beats_random_share(image_folder, tmp_path, ray_cluster):
    """--road: a gap and a verdict code per map, the random maps' spread per image, and the
    summary's shares over the images, the same on Ray; the job spec keeps old tables
    resumable."""
    folder = tmp_path / "three"
    folder.mkdir()
    for f in sorted((image_folder / "part1").iterdir())[:3]:
        (folder / f.name).write_bytes(f.read_bytes())
    job = BatchJob("mobilenet_v2", ("gradcam", "saliency"), road=True)
    # the Ray actor runs 2 torch threads: so does the local run, since a saliency map's
    # order (and ROAD gap) on these flat shapes moves with the summation order
    summary = run_batch(job, str(folder), tmp_path / "out", EngineChoice(threads=2),
                        progress=False)
    table = pq.read_table(tmp_path / "out" / "results.parquet").to_pandas()
    on_ray = finished_within(RAY_LIMIT_S, run_batch, job, str(folder), tmp_path / "ray",
                             EngineChoice("ray", workers=1, batch_size=2), progress=False)
    ray_table = pq.read_table(tmp_path / "ray" / "results.parquet").to_pandas()
    assert on_ray.road == summary.road
    for column in ("gradcam_road_gap", "saliency_road_gap", "random_road_gap_spread"):
        np.testing.assert_allclose(ray_table[column], table[column], atol=1e-4, err_msg=column)
    assert summary.errors == 0 and len(table) == 3
    assert (table["random_road_gap_spread"] > 0).all()
    for method in job.methods:
        codes = table[f"{method}_road_verdict"]
        assert set(codes) <= {-1.0, 0.0, 1.0} and table[f"{method}_road_gap"].notna().all()
        share = summary.road[method]
        assert share["images"] == 3
        assert share["beats_random"] == pytest.approx((codes > 0).mean(), abs=1e-4)
        assert share["beats_random"] + share["cannot_tell"] + share["worse_than_random"] == \
            pytest.approx(1.0, abs=1e-3)
    assert "road" not in JOB.spec() and job.spec()["road"] is True
