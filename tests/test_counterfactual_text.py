"""Text counterfactuals on a word-count 'model' with known answers: the fewest edits,
each checked by the model; a search that cannot flip says so with the best it found."""
from __future__ import annotations

import numpy as np
import pytest

from explainers.counterfactual.text import text_counterfactual

POSITIVE, NEGATIVE = {"love", "great", "wonderful", "good"}, {"hate", "terrible", "awful", "bad", "not"}


def lexicon_probs(sentence: str) -> np.ndarray:
    """(negative, positive): a softmax over counts of sentiment words; 'not' is negative."""
    words = [w.strip(",.!").lower() for w in sentence.split()]
    score = sum(w in POSITIVE for w in words) - sum(w in NEGATIVE for w in words)
    p = 1 / (1 + np.exp(-2 * score))
    return np.array([1 - p, p])


def test_fewest_edits_flip_and_each_is_checked():
    text = "I love this great film"
    result = text_counterfactual(lexicon_probs, text, target=0)
    assert result.flipped and len(result.edits) == 2   # one swap leaves a tie, two flip
    assert np.argmax(lexicon_probs(result.counterfactual)) == 0
    np.testing.assert_allclose(result.counterfactual_probs, lexicon_probs(result.counterfactual))
    assert result.evaluations > 1 and result.original == text


def test_one_edit_is_enough_when_one_word_carries_the_sentiment():
    result = text_counterfactual(lexicon_probs, "a good day", target=0)
    assert result.flipped and len(result.edits) == 1


def test_non_convergence_says_so_with_the_best_found():
    text = "love love love love love love love great"
    result = text_counterfactual(lexicon_probs, text, target=0, max_edits=2)
    assert not result.flipped and 1 <= len(result.edits) <= 2
    assert result.counterfactual_probs[0] > result.original_probs[0]


def test_bad_target_is_refused():
    with pytest.raises(ValueError, match="outside"):
        text_counterfactual(lexicon_probs, "a good day", target=5)
