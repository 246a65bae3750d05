"""The hostile-file battery through the image page (AppTest): one message each, and the
same session keeps working afterwards."""
from __future__ import annotations

from streamlit.testing.v1 import AppTest

from tests.bad_images import battery
from tests.conftest import ROOT

TIMEOUT = 300


def messages(app: AppTest) -> str:
    return " | ".join(e.value for e in app.error)


def drawn(app: AppTest) -> bool:
    """The page drew its grid of explanation panels."""
    return any("explanation-grid" in element.proto.body for element in app.get("html"))


def test_the_battery_through_one_page_session():
    app = AppTest.from_file(str(ROOT / "pages" / "image.py"), default_timeout=TIMEOUT)
    app.session_state["image_methods"] = ["gradcam"]  # one fast method, no extra metrics
    app.session_state["image_faithfulness"] = False
    app.run()
    for name, case in battery().items():
        if name == "over_20_mb":  # the server refuses it first (maxUploadSize, below)
            continue
        app.get("file_uploader")[0].set_value(("upload.png", case.data, "image/png")).run()
        assert not app.exception, (name, app.exception)
        if case.error:
            assert len(app.error) == 1 and case.error in messages(app), (name, messages(app))
            assert not drawn(app), name
        else:
            assert not app.error, (name, messages(app))
            assert drawn(app), name
    app.get("file_uploader")[0].set_value(None).run()
    assert not app.exception and not app.error and drawn(app)


def test_server_config_is_locked_down():
    import tomllib

    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    server = config["server"]
    assert server["address"] == "127.0.0.1" and server["maxUploadSize"] == 20
    assert server["enableXsrfProtection"] and server["enableCORS"]
    assert not server["enableStaticServing"] and server["fileWatcherType"] == "none"
    assert config["client"]["showErrorDetails"] == "none"
