"""Shared helpers: progress reporting, batched evaluations, rank correlation, bench suites."""
import threading

import numpy as np
import pytest
import torch

from explainers.batching import batched_outputs, generated_outputs
from explainers.progress import report, reporting
from explainers.metrics.rank import spearman, spearman_matrix


def test_progress_reaches_only_the_listener_of_this_context():
    seen, other = [], []

    def elsewhere():
        with reporting(lambda f, _t: other.append(f)):
            pass  # a listener in another thread never hears this thread's reports

    with reporting(lambda f, _t: seen.append(f)):
        worker = threading.Thread(target=elsewhere)
        worker.start()
        report(0.5)
        report(2.0)  # clipped
        worker.join()
    report(0.7)  # nobody listens any more
    assert seen == [0.5, 1.0] and other == []


def test_batched_outputs_match_one_pass_and_report_every_chunk():
    net = torch.nn.Linear(4, 3)
    x = torch.randn(37, 4)
    fractions = []
    with reporting(lambda f, _t: fractions.append(f)):
        out = batched_outputs(net, x, batch=16)
    assert torch.allclose(out, net(x).detach(), atol=1e-6)
    assert fractions == [16 / 37, 32 / 37, 1.0]
    made = generated_outputs(net, lambda a, b: x[a:b], total=37, batch=10)
    assert torch.allclose(made, out, atol=1e-6)  # other chunks: other summation orders


def test_spearman_known_values():
    a = np.arange(10.0)
    assert spearman(a, a ** 3) == pytest.approx(1.0)
    assert spearman(a, -a) == pytest.approx(-1.0)
    assert spearman(a, np.zeros(10)) == 0.0
    m = spearman_matrix([a, -a, a ** 2])
    assert np.allclose(np.diag(m), 1) and m[0, 1] == pytest.approx(-1) and np.allclose(m, m.T)
    with pytest.raises(ValueError):
        spearman(a, np.arange(5.0))


def test_unknown_bench_suite_is_refused():
    from bench import run_benchmarks, suite_names

    assert {"image_methods", "text_methods"} <= set(suite_names())
    with pytest.raises(ValueError, match="unknown benchmark suite"):
        run_benchmarks(only=["nope"])


def test_image_sources_resolve_samples_and_registered_prefixes(zoo):
    from explainers.image.cam import cam_layer_names
    from inputs.samples import sample_image
    from inputs.sources import image_from_source, register_image_source

    assert np.array_equal(image_from_source("sample:coffee"), sample_image("coffee"))
    register_image_source("test-grey", lambda rest: np.full((4, 5, 3), int(rest), np.uint8))
    assert image_from_source("test-grey:7").max() == 7
    with pytest.raises(ValueError, match="unknown image source"):
        image_from_source("nowhere:1")
    names = cam_layer_names(zoo("mobilenet_v2"))
    assert names[-1].endswith("features.18") and len(names) == len(set(names)) > 5


def test_uploads_are_cached_by_their_digest_not_rehashed():
    """Caches key an Upload by the digest taken once: a different object with the same
    digest is a cache hit, whatever its bytes (so its bytes were never hashed again)."""
    import hashlib

    import streamlit as st

    from dashboard_cache import BY_DIGEST
    from inputs.upload import Upload, source_digest

    first = Upload.of(b"first image bytes")
    assert first.digest == hashlib.sha256(b"first image bytes").hexdigest()
    assert source_digest(first) == first.digest and len(source_digest("sample:chelsea")) == 64

    @st.cache_data(hash_funcs=BY_DIGEST)
    def length(source: Upload) -> int:
        return len(source.data)

    assert length(first) == len(b"first image bytes")
    assert length(Upload(b"other", first.digest)) == len(b"first image bytes")
    assert length(Upload.of(b"other")) == len(b"other")
