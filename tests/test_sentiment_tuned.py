"""minilm_sentiment lays its fine-tuned tensors (float16 on disk) over the PyPI encoder."""
from __future__ import annotations

import numpy as np
import pytest
import torch
from safetensors.torch import load_file

import model_zoo.minilm_sentiment as minilm
from model_zoo import probabilities

MAX_BYTES = 25 * 1024 * 1024
TUNED_WEIGHT = "encoder.encoder.layer.0.attention.self.query.weight"


def test_tuned_file_is_small_and_holds_only_encoder_layers_and_head():
    assert minilm.TUNED_FILE.stat().st_size <= MAX_BYTES
    names = load_file(minilm.TUNED_FILE).keys()
    assert {"head.weight", "head.bias", TUNED_WEIGHT} <= set(names)
    assert not any("embeddings" in name for name in names)  # the embeddings stay stock


def test_model_carries_the_tuned_tensors_not_the_stock_ones(zoo):
    stored = load_file(minilm.TUNED_FILE)[TUNED_WEIGHT]
    loaded = zoo("minilm_sentiment").module.state_dict()[TUNED_WEIGHT]
    stock, _ = minilm.load_encoder()
    stock_weight = stock.state_dict()[TUNED_WEIGHT.removeprefix("encoder.")]
    assert loaded.dtype == torch.float32
    assert torch.equal(loaded, stored.float())
    assert (loaded - stock_weight).abs().max() > 1e-3


def test_model_still_builds_from_the_head_alone_without_the_tuned_file(monkeypatch, tmp_path):
    monkeypatch.setattr(minilm, "TUNED_FILE", tmp_path / "absent.safetensors")
    model = minilm.build_minilm_sentiment()
    stock, _ = minilm.load_encoder()
    weight = model.module.state_dict()[TUNED_WEIGHT]
    assert torch.equal(weight, stock.state_dict()[TUNED_WEIGHT.removeprefix("encoder.")])
    assert probabilities(model, "a lovely day").shape == (3,)


def test_overlay_rejects_names_the_model_does_not_have():
    with pytest.raises(ValueError, match="not in the model"):
        minilm.overlay_fine_tuned(torch.nn.Linear(2, 2), {"nope.weight": torch.zeros(2, 2)})


TEACHER_SENTENCES = [  # written for these tests, never trained or tuned on
    ("The staff were kind and the room was spotless; we loved our stay.", "positive"),
    ("My order arrived broken and nobody answered my emails.", "negative"),
    ("The staff were kind and the room was spotless.", "positive"),
    ("This is the best pizza I have ever had.", "positive"),
    ("The battery died after two days, what a waste of money.", "negative"),
    ("I would happily buy this again.", "positive"),
    ("The film was boring and far too long.", "negative"),
    ("What a wonderful surprise, thank you so much!", "positive"),
    ("The service was slow and the food was cold.", "negative"),
    ("Great value, works perfectly.", "positive"),
    ("I regret buying this phone.", "negative"),
    ("The concert was fantastic.", "positive"),
    ("The hotel was dirty and noisy.", "negative"),
    ("Our guide was friendly and very helpful.", "positive"),
    ("The app keeps crashing and support is useless.", "negative"),
    ("A beautiful, moving story with great acting.", "positive"),
    ("Terrible customer service, never again.", "negative"),
    ("The room was clean and quiet.", "positive"),
    ("This was not worth the price.", "negative"),
    ("Not bad at all, I enjoyed it.", "positive"),
    ("The delivery was quick and the packaging was neat.", "positive"),
    ("The instructions were confusing and parts were missing.", "negative"),
    ("She gave a brilliant talk.", "positive"),
    ("I hated every minute of it.", "negative"),
]


def test_tuned_model_reads_clear_sentences_a_teacher_might_type(zoo):
    """At least 22 of the 24 right. Both shipped models miss "The staff were kind and the room
    was spotless." (docs/sentiment.md); a model that reads clear sentences worse fails."""
    model = zoo("minilm_sentiment")
    wrong = [text for text, label in TEACHER_SENTENCES
             if model.labels[int(np.argmax(probabilities(model, text)))] != label]
    assert len(wrong) <= 2, wrong
