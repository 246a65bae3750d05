"""Text methods with known answers: IG completeness, attention rows, rollout by hand, Owen
values of additive games, LIME's ridge against sklearn, occlusion and deletion by direct
removal, word merging, and HTML that carries no markup from the input."""
from __future__ import annotations

from html.parser import HTMLParser

import numpy as np
import pytest
import torch

from explainers import explain
from explainers.metrics.text_deletion import (RandomDeletion, deletion_score, random_deletion,
                                              random_removals, top_tokens)
from explainers.text.lime_text import lime_samples, weighted_ridge
from explainers.text.owen import owen_values
from explainers.text.removal import keep_masks, word_positions
from explainers.text.rollout import attention_rollout
from explainers.text.words import merge_words
from model_zoo import load_model
from tests.helpers import assert_untouched
from tests.tiny_models import save_tiny_bert

SENTENCE = "What a lovely, sunny and wonderful morning"


@pytest.fixture(scope="module")
def tiny_bert(tmp_path_factory):
    return load_model(f"hf:{save_tiny_bert(tmp_path_factory.mktemp('hub') / 'tiny-bert')}")


def test_integrated_gradients_text_is_complete_on_the_bundled_model(zoo):
    model = zoo("minilm_sentiment")
    result = explain(model, "integrated_gradients_text", SENTENCE, target=2, steps=64, batch=64)
    enc = model.encode(SENTENCE)
    from explainers.text.integrated_gradients import baseline_ids

    with torch.inference_mode():
        ends = model.module(input_ids=torch.cat([enc.input_ids, baseline_ids(model, enc)]),
                            attention_mask=enc.attention_mask.expand(2, -1)).logits[:, 2]
    change = float(ends[0] - ends[1])
    assert abs(float(result.scores.sum()) - change) < 0.01 * abs(change) + 1e-3
    assert result.delta == pytest.approx(float(result.scores.sum()) - change, abs=1e-4)


@pytest.mark.parametrize("name", ["minilm_sentiment", "tiny"])
def test_attention_rows_sum_to_one(name, zoo, tiny_bert):
    model = tiny_bert if name == "tiny" else zoo(name)
    attentions = explain(model, "attention", "the good movie was very bad").extras["attentions"]
    assert np.allclose(attentions.sum(-1), 1, atol=1e-5)
    rolled = explain(model, "attention_rollout", "the good movie").extras["rollout"]
    assert np.allclose(rolled.sum(-1), 1, atol=1e-5)


def test_rollout_on_a_hand_built_two_layer_case():
    """Layer 1 heads average to [[1,0],[.5,.5]] -> with I, renormalised: [[1,0],[.25,.75]].
    Layer 2 heads average to [[0,1],[0,1]] -> [[.5,.5],[0,1]]. Rollout = L2 @ L1."""
    layer1 = torch.tensor([[[1.0, 0.0], [0.0, 1.0]], [[1.0, 0.0], [1.0, 0.0]]])
    layer2 = torch.tensor([[[0.0, 1.0], [0.0, 1.0]], [[0.0, 1.0], [0.0, 1.0]]])
    rolled = attention_rollout(torch.stack([layer1, layer2]))
    expected = torch.tensor([[0.5 * 1 + 0.5 * 0.25, 0.5 * 0 + 0.5 * 0.75], [0.25, 0.75]])
    assert torch.allclose(rolled, expected)


def test_owen_values_of_an_additive_game_are_its_weights():
    weights = torch.tensor([0.5, -2.0, 1.0, 0.0, 3.0, -1.0, 0.25])
    phi, evals = owen_values(lambda keep: keep.double() @ weights.double(), 7, max_evals=1000)
    assert torch.allclose(phi, weights, atol=1e-6) and evals <= 2 * 7 * 7


def test_owen_values_are_efficient_and_fair_at_any_budget():
    """f = x0 * x1 (a pure interaction of two neighbours): full budget splits it evenly;
    any budget keeps the total f(all) - f(none) = 1."""
    def game(keep):
        return (keep[:, 0] & keep[:, 1]).double()

    phi, _ = owen_values(game, 4, max_evals=100)
    assert torch.allclose(phi, torch.tensor([0.5, 0.5, 0.0, 0.0]), atol=1e-6)
    for budget in (2, 4, 6, 10):
        phi, evals = owen_values(game, 4, max_evals=budget)
        assert evals <= budget and float(phi.sum()) == pytest.approx(1.0)


def test_shap_text_sums_to_the_logit_change_with_all_words_removed(tiny_bert):
    text = "the good movie was very bad"
    result = explain(tiny_bert, "shap_text", text, target=1, max_evals=60)
    enc = tiny_bert.encode(text)
    masks = keep_masks(enc, torch.tensor([[True] * 6, [False] * 6]))
    with torch.inference_mode():
        ends = tiny_bert.module(input_ids=enc.input_ids.expand(2, -1),
                                attention_mask=masks).logits[:, 1]
    assert float(result.scores.sum()) == pytest.approx(float(ends[0] - ends[1]), abs=1e-4)
    assert result.model_evals <= 60


def test_weighted_ridge_matches_sklearn():
    from sklearn.linear_model import Ridge

    rng = np.random.default_rng(0)
    x, y, w = rng.random((50, 6)) > 0.5, rng.random(50), rng.random(50)
    theirs = Ridge(alpha=1.0).fit(x.astype(float), y, sample_weight=w).coef_
    ours = weighted_ridge(torch.tensor(x, dtype=torch.float64), torch.tensor(y), torch.tensor(w))
    assert np.allclose(ours.numpy(), theirs, atol=1e-8)


def test_lime_samples_follow_lime_text():
    keep = lime_samples(9, 200, seed=3)
    removed = (~keep).sum(1)
    assert keep[0].all() and (removed[1:] >= 1).all() and (removed[1:] <= 8).all()
    assert torch.equal(keep, lime_samples(9, 200, seed=3))


@pytest.mark.slow
def test_lime_text_finds_the_word_that_decides(zoo):
    result = explain(zoo("minilm_sentiment"), "lime_text", "the food was awful", target=0,
                     samples=300)
    words = [t for t, s in zip(result.tokens, result.scores)]
    assert words[int(np.argmax(result.scores))] == "awful"


def test_occlusion_is_the_logit_drop_of_removing_each_token(tiny_bert):
    text = "the good movie"
    result = explain(tiny_bert, "occlusion_text", text, target=0)
    enc = tiny_bert.encode(text)
    for column, position in enumerate(word_positions(enc).tolist()):
        keep = torch.ones(1, 3, dtype=torch.bool)
        keep[0, column] = False
        with torch.inference_mode():
            full = tiny_bert.module(input_ids=enc.input_ids,
                                    attention_mask=enc.attention_mask).logits[0, 0]
            without = tiny_bert.module(input_ids=enc.input_ids,
                                       attention_mask=keep_masks(enc, keep)).logits[0, 0]
        assert result.scores[position] == pytest.approx(float(full - without), abs=1e-5)
    assert result.scores[0] == 0 and result.scores[-1] == 0  # [CLS], [SEP]


def test_gradient_times_input_and_saliency_match_captum(tiny_bert):
    from captum.attr import LayerGradientXActivation

    from explainers.private_copy import private_copy

    text = "the good movie was very bad"
    enc = tiny_bert.encode(text)
    scratch = private_copy(tiny_bert.module)
    layer = LayerGradientXActivation(
        lambda ids: scratch(input_ids=ids, attention_mask=enc.attention_mask).logits,
        scratch.get_input_embeddings())
    theirs = layer.attribute(enc.input_ids, target=1).sum(-1)[0]
    ours = explain(tiny_bert, "grad_x_input_text", text, target=1)
    assert np.allclose(ours.scores, theirs.detach().numpy(), atol=1e-5)
    saliency = explain(tiny_bert, "saliency_text", text, target=1)
    assert (saliency.scores > 0).all() and not saliency.signed
    assert_untouched(tiny_bert.module)


@pytest.mark.slow
def test_deletion_removes_the_top_tokens_and_the_drop_is_real(zoo):
    model = zoo("minilm_sentiment")
    text = "I love this wonderful day"
    enc = model.encode(text)
    assert top_tokens(np.array([0, 1, 5, 3, 5, 0, 9.0]), (True,) + (False,) * 5 + (True,), 2) == [2, 4]
    good = explain(model, "integrated_gradients_text", text, target=2, steps=16, batch=16)
    deletion = deletion_score(model, enc, good.scores, 2, k=2)
    assert set(deletion.removed) <= set(word_positions(enc).tolist()) and len(deletion.removed) == 2
    assert deletion.before > 0.5 and deletion.drop > 0.2
    worst = deletion_score(model, enc, -good.scores, 2, k=2)
    assert worst.drop < deletion.drop
    chance = random_deletion(model, text, 2, k=2)  # 5 words: all 10 pairs
    assert chance.exhaustive and len(chance.drops) == 10
    assert max(chance.drops) == pytest.approx(deletion.drop, abs=1e-6)  # IG found the best pair
    assert chance.verdict(deletion.drop).outcome == "beats random"
    assert chance.verdict(worst.drop).share_below < 0.5  # the reversed order: below random


def test_random_removals_take_every_subset_or_a_seeded_sample():
    every = random_removals(5, 2)
    assert every.shape == (10, 5) and ((~every).sum(1) == 2).all()
    assert len({tuple(r) for r in every}) == 10
    sampled = random_removals(30, 3, count=64, seed=4)
    assert sampled.shape == (64, 30) and ((~sampled).sum(1) == 3).all()
    assert (sampled == random_removals(30, 3, count=64, seed=4)).all()
    assert random_removals(2, 3).shape == (1, 2) and not random_removals(2, 3).any()


def test_deletion_verdict_counts_ties_as_half_and_says_cannot_tell_in_between():
    chance = RandomDeletion(3, tuple(np.linspace(0, 0.99, 100)), exhaustive=False)
    assert chance.verdict(0.995).outcome == "beats random"
    assert chance.verdict(-0.1).outcome == "worse than random"
    middle = chance.verdict(0.5)
    assert middle.outcome == "cannot tell" and middle.share_below == pytest.approx(0.5, abs=0.01)
    same = RandomDeletion(2, (0.3,), exhaustive=True)  # one subset: every word removed
    assert same.verdict(0.3).outcome == "cannot tell" and same.verdict(0.3).share_below == 0.5
    few = RandomDeletion(2, tuple(np.arange(6) / 10), exhaustive=True)  # 4 tokens, 2 removed
    assert not few.can_beat and few.verdict(0.5).outcome == "cannot tell"  # even the best
    ten = RandomDeletion(2, tuple(np.arange(10) / 10), exhaustive=True)  # 5 tokens, 2 removed
    assert ten.can_beat and ten.verdict(0.9).outcome == "beats random"
    assert RandomDeletion(3, tuple(np.arange(64.0)), exhaustive=False).can_beat  # a sample


def test_merging_word_pieces_sums_their_scores():
    tokens = ("[CLS]", "un", "##believ", "##able", "day", "!", "[SEP]")
    special = (True, False, False, False, False, False, True)
    words, flags, scores = merge_words(tokens, special, np.arange(7.0))
    assert words == ("[CLS]", "unbelievable", "day", "!", "[SEP]")
    assert flags == (True, False, False, False, True)
    assert scores.tolist() == [0, 6, 4, 5, 6]
    pieces = ("<s>", "\u2581un", "believ", "able", "\u2581day", "</s>")
    words, _, _ = merge_words(pieces, (True, False, False, False, False, True), np.ones(6))
    assert words == ("<s>", "unbelievable", "day", "</s>")


class TagCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: set[str] = set()
        self.attributes: set[str] = set()

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        self.attributes |= {name for name, _ in attrs}


INJECTIONS = ["<script>alert(1)</script>", '<img src=x onerror="alert(2)">',
              "![x](http://127.0.0.1:9/pixel.png)", "[click](javascript:alert(3))",
              '"><svg onload=alert(4)>', "\u202eevil\u200b\x07"]


@pytest.mark.parametrize("payload", INJECTIONS)
def test_token_table_html_has_no_markup_from_the_input(payload):
    from components.tokens import TokenRow, token_table_html

    columns = (payload, "ok")
    html = token_table_html(columns, [TokenRow(payload, np.array([1.0, -1.0]), True, (payload,))],
                            ("seconds",))
    parser = TagCollector()
    parser.feed(html)
    assert parser.tags <= {"style", "div", "table", "thead", "tbody", "tr", "th", "td"}
    assert parser.attributes <= {"class", "style", "title", "colspan"}
    assert "<script" not in html and "<img" not in html and "<svg" not in html


TEXT_METHODS = ["attention", "attention_rollout", "integrated_gradients_text", "grad_x_input_text",
                "saliency_text", "occlusion_text", "shap_text", "lime_text"]


def test_every_text_method_is_registered_for_text():
    from explainers import explainer_entries

    assert set(TEXT_METHODS) <= {e.name for e in explainer_entries("text")}


@pytest.mark.slow
@pytest.mark.parametrize("method", TEXT_METHODS)
def test_cli_explains_text_with_every_method_and_the_deletion_metric(method, capsys):
    import json

    import cli

    status = cli.main(["explain", "--model", "minilm_sentiment", "--method", method, "--text",
                       "the food was awful", "--metrics", "--top-k", "2", "--json"])
    assert status == 0
    payload = json.loads(capsys.readouterr().out)
    deletion = payload["metrics"]["deletion"]
    assert deletion["k"] == 2 and len(deletion["removed"]) == 2
    assert deletion["drop"] == pytest.approx(deletion["before"] - deletion["after"], abs=1e-5)
    assert set(deletion["removed"]) <= set(payload["tokens"][1:-1])
    # 4 words, 2 removed: all 6 subsets are the random reference
    assert deletion["random_removals"] == 6 and deletion["random_removals_exhaustive"]
    assert deletion["verdict"] in ("beats random", "cannot tell", "worse than random")
    assert 0 <= deletion["share_of_random_drops_below"] <= 1


def test_random_deletion_states_its_smallest_p_value_and_the_ks_that_allow_a_verdict():
    from explainers.metrics.text_deletion import verdict_possible

    few = RandomDeletion(3, tuple(np.arange(4) / 10), exhaustive=True, n=4)  # C(4, 3) = 4
    assert few.smallest_p == pytest.approx(0.125) and few.verdict_ks() == []
    seven = RandomDeletion(3, tuple(np.arange(35) / 35), exhaustive=True, n=7)
    assert seven.smallest_p == pytest.approx(0.5 / 35) and seven.can_beat
    assert seven.verdict_ks() == [2, 3, 4, 5]  # C(7, k) >= 10 for these k only
    assert not verdict_possible(7, 1) and verdict_possible(30, 3)  # 7 ways; a sample of 64
    sampled = RandomDeletion(3, tuple(np.arange(64.0)), exhaustive=False, n=30)
    assert sampled.smallest_p == pytest.approx(1 / 65)


def test_the_strength_note_appears_only_when_verdicts_are_weak():
    from components.facts import deletion_strength_note

    few = RandomDeletion(3, tuple(np.arange(4) / 10), exhaustive=True, n=4)
    note = deletion_strength_note(few, ["cannot tell"])
    assert "only 4 ways" in note and "0.125" in note and "longer sentence" in note
    seven = RandomDeletion(3, tuple(np.arange(35) / 35), exhaustive=True, n=7)
    assert "35 ways" in deletion_strength_note(seven, ["cannot tell", "cannot tell"])
    assert deletion_strength_note(seven, ["cannot tell", "beats random"]) is None
    sampled = RandomDeletion(3, tuple(np.arange(64.0)), exhaustive=False, n=30)
    assert deletion_strength_note(sampled, ["cannot tell"]) is None
