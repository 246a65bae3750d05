"""The text page through Streamlit's AppTest: rows per method, attention views, input
limits, Hugging Face loading, and user text that never becomes markup."""
from __future__ import annotations

import json
import re

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT
from tests.test_text_methods import INJECTIONS, TagCollector
from tests.tiny_models import save_tiny_bert

pytestmark = pytest.mark.slow  # full pages through AppTest

TIMEOUT = 300
FAST_METHODS = ["attention", "grad_x_input_text", "occlusion_text"]


def text_page(text: str | None = None, methods: list[str] | None = None) -> AppTest:
    app = AppTest.from_file(str(ROOT / "pages" / "text.py"), default_timeout=TIMEOUT)
    app.run()
    app.multiselect(key="text_methods").set_value(methods or FAST_METHODS)
    if text is not None:
        app.text_area(key="text_input").set_value(text)
    return app.run()


def table(app: AppTest) -> str:
    return next(h.proto.body for h in app.get("html") if "token-table" in h.proto.body)


def shown_text(app: AppTest) -> str:
    """Everything rendered as Markdown (where a link or image would come alive)."""
    kinds = [app.markdown, app.caption, app.info, app.warning, app.error, app.subheader,
             app.header, app.title]
    return " ".join(str(e.value) for kind in kinds for e in kind)


def test_default_page_shows_three_rows_and_the_attention_layout():
    app = AppTest.from_file(str(ROOT / "pages" / "text.py"), default_timeout=TIMEOUT).run()
    assert not app.exception, app.exception
    body = table(app)
    assert body.count('class="method-row"') == 3 and "wonderful" in body
    assert "Integrated Gradients" in body and "Occlusion" in body
    verdicts = re.findall(r"deletion drop [+-]\d\.\d{3}, (beats random|cannot tell|worse than "
                          r"random) \(larger than \d+% of random removals\)", body)
    assert len(verdicts) == 3, body  # every row's drop is set against random removals
    assert any("random removals of as many tokens" in c.value for c in app.caption)
    charts = app.get("plotly_chart")
    assert len(charts) == 4  # predictions, one head, rollout, the layer x head grid
    grid = json.loads(next(c for c in charts if "head 12" in c.proto.spec).proto.spec)
    assert len(grid["data"]) == 6 * 12
    assert grid["data"][-1]["hovertemplate"].startswith("layer 6 · head 12")
    assert "%{y} → %{x}: %{z:.3f}" in grid["data"][0]["hovertemplate"]


def test_rows_follow_the_picked_methods_and_target():
    app = text_page(methods=["saliency_text", "grad_x_input_text"])
    assert table(app).count('class="method-row"') == 2
    negative = next(c for c in app.selectbox(key="text_target").options if "negative" in c)
    app.selectbox(key="text_target").set_value(negative).run()
    assert "“negative”" in table(app)


def test_merging_word_pieces_changes_the_columns():
    app = text_page("unbelievably tremendous", ["occlusion_text"])
    merged = table(app)
    app.checkbox(key="text_merge").uncheck().run()
    split = table(app)
    assert ">unbelievably<" in merged and ">unbelievably<" not in split
    assert split.count('class="token-cell"') > merged.count('class="token-cell"')


@pytest.mark.parametrize("payload", INJECTIONS)
def test_injection_battery_shows_text_never_markup(payload):
    app = text_page(f"nice {payload} day")
    assert not app.exception, app.exception
    parser = TagCollector()
    for element in app.get("html"):
        parser.feed(element.proto.body)
    assert parser.tags <= {"style", "div", "table", "thead", "tbody", "tr", "th", "td", "h4"}
    assert parser.attributes <= {"class", "style", "title", "colspan"}
    assert "127.0.0.1:9" not in shown_text(app) and "javascript:" not in shown_text(app)
    for chart in app.get("plotly_chart"):
        assert "<script" not in chart.proto.spec and "<img" not in chart.proto.spec


@pytest.mark.parametrize("text", ["", "   \n\t "])
def test_empty_text_gives_a_message(text):
    app = text_page(text)
    assert not app.exception
    assert any("Type a sentence" in info.value for info in app.info)


def test_a_short_text_says_no_row_can_beat_random_removals():
    app = text_page("not bad at all")  # 4 tokens, 3 removed: 4 ways
    assert not app.exception, app.exception
    note = next(info.value for info in app.info if "only 4 ways" in info.value)
    assert "smallest p-value any row can reach is 0.125" in note and "longer sentence" in note
    assert not any("only" in info.value for info in text_page().info)  # the long default


def test_text_with_no_readable_tokens_gives_a_message():
    app = text_page("\u200b\u200b")
    assert not app.exception
    assert any("no tokens" in info.value for info in app.info)


def test_long_text_is_truncated_and_the_page_says_so():
    app = text_page("good " * 400, ["attention", "grad_x_input_text"])
    assert not app.exception
    assert any("longer than the model reads" in w.value for w in app.warning)
    assert table(app).count('class="token-cell"') == 2 * 254


@pytest.mark.parametrize("text", ["I love it 😍🎉", "أنا أحب هذا الفيلم", "zero\u200bwidth joy",
                                  "tab\tbell\x07 null\x00 end", "\u202egood\u202c movie"])
def test_unusual_characters_work(text):
    app = text_page(text)
    assert not app.exception, app.exception
    assert table(app).count('class="method-row"') == 3


def test_a_local_hugging_face_folder_loads_and_a_hub_id_offline_gets_a_message(tmp_path):
    folder = save_tiny_bert(tmp_path / "tiny-bert")
    app = text_page("the good movie")
    app.selectbox(key="text_model").set_value(app.selectbox(key="text_model").options[-1]).run()
    assert any("Hugging Face" in info.value for info in app.info)
    app.text_input(key="text_hf").set_value(str(folder)).run()
    assert not app.exception, app.exception
    assert "“POS”" in table(app) or "“NEG”" in table(app)
    app.text_input(key="text_hf").set_value("no-such-user/no-such-model-![x](http://127.0.0.1:9/a.png)").run()
    assert not app.exception
    assert any("Could not load" in e.value for e in app.error)
    assert "127.0.0.1:9" not in shown_text(app)


def test_the_attention_lesson_permutes_the_last_layer_and_says_what_it_found():
    app = text_page("Nothing about this phone disappointed me.")
    assert not any("Is attention" in h.value for h in app.subheader)  # off by default
    app.checkbox(key="text_attention_lesson").check().run()
    assert not app.exception, app.exception
    assert any("Is attention an explanation?" in h.value for h in app.subheader)
    verdict = next(m.value for m in app.markdown if "random permutations" in m.value)
    assert re.search(r"over 100 random permutations the attention moved a median 0\.\d\d", verdict)
    assert any(c.proto.spec and "permutations" in c.proto.spec for c in app.get("plotly_chart"))


def test_the_negation_example_gets_a_visible_warning_or_the_right_class():
    app = text_page("Nothing about this phone disappointed me.")
    assert not app.exception, app.exception
    target = app.selectbox(key="text_target").value
    warned = any("contains a negation" in w.value for w in app.warning)
    assert warned or target[1] == "positive", (target, [w.value for w in app.warning])
