"""Attention is not explanation: the last layer's attention permuted on a private copy."""
from __future__ import annotations

import numpy as np
import pytest
import torch

from explainers.text.attention_permutation import (PERMUTED, key_orders, last_attention,
                                                   permute_attention)
from model_zoo import load_model, probabilities
from tests.helpers import assert_untouched
from tests.tiny_models import save_tiny_bert


@pytest.fixture(scope="module")
def tiny_bert(tmp_path_factory):
    return load_model(f"hf:{save_tiny_bert(tmp_path_factory.mktemp('hub') / 'tiny-bert')}")


def test_key_orders_permute_only_the_real_tokens_and_start_with_the_identity():
    valid = np.array([True, True, True, True, False, False])
    orders = key_orders(valid, count=20, seed=3).numpy()
    assert (orders[0] == np.arange(6)).all()
    assert (orders[:, 4:] == [4, 5]).all()  # padding stays where it is
    assert all(sorted(row[:4]) == [0, 1, 2, 3] for row in orders)
    assert any((row[:4] != np.arange(4)).any() for row in orders[1:])


@pytest.mark.parametrize("text", ["good movie", "the bad and the good movie"])
def test_the_unpermuted_row_is_the_model_and_permutations_move_the_output(tiny_bert, text):
    result = permute_attention(tiny_bert, tiny_bert.encode(text), count=30)
    assert np.allclose(result.original, probabilities(tiny_bert, text), atol=1e-6)
    assert result.permuted.shape == (30, 2) and np.allclose(result.permuted.sum(1), 1)
    assert (result.output_tvd > 1e-6).any()  # the swap really reaches the output
    assert ((result.attention_moved >= 0) & (result.attention_moved <= 1)).all()


def test_the_shared_model_keeps_its_attention_path_and_no_hooks(tiny_bert):
    layer = last_attention(tiny_bert.module)
    before = layer.config._attn_implementation
    permute_attention(tiny_bert, tiny_bert.encode("good movie"), count=5)
    assert layer.config._attn_implementation == before != PERMUTED
    assert not hasattr(layer, "xai_key_order")
    assert_untouched(tiny_bert.module)
    with torch.inference_mode():  # and it still predicts as before
        again = probabilities(tiny_bert, "good movie")
    assert np.allclose(again, permute_attention(tiny_bert, tiny_bert.encode("good movie"),
                                                count=1).original, atol=1e-6)


def test_the_verdict_says_the_attention_does_not_matter_when_the_output_does_not_move(tiny_bert):
    from explainers.text.attention_permutation import AttentionPermutation

    steady = AttentionPermutation(np.array([0.9, 0.1]), np.tile([0.9, 0.1], (50, 1)),
                                  np.full(50, 0.6))
    assert steady.flip_share == 0 and "not what the decision rests on" in steady.verdict()
    moving = AttentionPermutation(np.array([0.9, 0.1]), np.tile([0.3, 0.7], (50, 1)),
                                  np.full(50, 0.6))
    assert moving.flip_share == 1 and "matters here" in moving.verdict()
