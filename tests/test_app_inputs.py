"""The hostile-file battery through the image page (AppTest): one message each, and the
same session keeps working afterwards; engineers' own checkpoints through the page."""
from __future__ import annotations

import pytest

import pickle

import torch
from safetensors.torch import save as save_safetensors
from streamlit.testing.v1 import AppTest

from tests.bad_images import battery
from tests.conftest import ROOT
from tests.test_checkpoint import Payload

pytestmark = pytest.mark.slow  # full pages through AppTest

TIMEOUT = 300


def messages(app: AppTest) -> str:
    return " | ".join(e.value for e in app.error)


def drawn(app: AppTest) -> bool:
    """The page drew its grid of explanation panels."""
    return any("explanation-grid" in element.proto.body for element in app.get("html"))


def uploader(app: AppTest, key: str):
    return next(u for u in app.get("file_uploader") if u.proto.id.endswith(f"-{key}"))


def image_page() -> AppTest:
    app = AppTest.from_file(str(ROOT / "pages" / "image.py"), default_timeout=TIMEOUT)
    app.session_state["image_methods"] = ["gradcam"]  # one fast method, no extra metrics
    app.session_state["image_faithfulness"] = False
    return app.run()


def test_the_battery_through_one_page_session():
    app = image_page()
    for name, case in battery().items():
        if name == "over_20_mb":  # the server refuses it first (maxUploadSize, below)
            continue
        uploader(app, "image_upload").set_value(("upload.png", case.data, "image/png")).run()
        assert not app.exception, (name, app.exception)
        if case.error:
            assert len(app.error) == 1 and case.error in messages(app), (name, messages(app))
            assert not drawn(app), name
        else:
            assert not app.error, (name, messages(app))
            assert drawn(app), name
            shown = " ".join(str(c.value) for c in [*app.info, *app.caption])
            assert case.note is None or case.note in shown, (name, shown)
    uploader(app, "image_upload").set_value(None).run()
    assert not app.exception and not app.error and drawn(app)
    assert "image_upload_bytes" not in app.session_state  # a removed upload is not kept


def test_server_config_is_locked_down():
    import tomllib

    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    server = config["server"]
    assert server["address"] == "127.0.0.1" and server["maxUploadSize"] == 20
    assert server["enableXsrfProtection"] and server["enableCORS"]
    assert not server["enableStaticServing"] and server["fileWatcherType"] == "none"
    assert config["client"]["showErrorDetails"] == "none"


def upload_checkpoint(app: AppTest, weights: bytes, labels: bytes | None = None) -> AppTest:
    app.selectbox(key="image_checkpoint_arch").set_value("squeezenet1_1")
    uploader(app, "image_checkpoint_weights").set_value(
        ("mine.safetensors", weights, "application/octet-stream"))
    if labels is not None:
        uploader(app, "image_checkpoint_labels").set_value(("labels.txt", labels, "text/plain"))
    return app.run()


def test_own_checkpoint_on_the_image_page(tmp_path):
    import torchvision.models as tvm

    torch.manual_seed(0)
    net = tvm.get_model("squeezenet1_1", weights=None, num_classes=3)
    app = image_page()
    upload_checkpoint(app, save_safetensors(net.state_dict()), b"zebra finch\nkoala\nyak\n")
    assert not app.exception and not app.error, messages(app)
    assert drawn(app)
    charts = " ".join(c.proto.spec for c in app.get("plotly_chart"))
    assert "koala" in charts and "yak" in charts

    marker = tmp_path / "ran"
    upload_checkpoint(app, pickle.dumps(Payload(str(marker))))
    assert not app.exception and "refused unopened" in messages(app)
    assert not marker.exists()
    assert drawn(app)  # the page goes on with the zoo model
