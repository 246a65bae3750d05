"""Benchmark suite of the token-level methods beyond IG and last-layer attention, on
minilm_sentiment and the 32-token sentence: one-pass gradients and rollout against their
single-pass floors, occlusion against its evaluations x the batched forward, and occlusion,
SHAP and LIME against captum, shap and lime at equal evaluations and batch size.
"""
from __future__ import annotations

import torch

from bench.core import register_suite, row, seconds
from bench.methods import SENTENCE_32
from explainers.gradients import target_gradient
from explainers.run import explain
from explainers.text.removal import TEXT_BATCH
from model_zoo import TextClassifier, load_model

TARGET = 2  # positive


def string_classifier(model: TextClassifier, output: str, counter: list[int]):
    """A list of strings -> (N, classes) logits or probabilities, as the libraries want."""

    def classify(texts) -> "object":
        texts = [str(t) for t in texts]
        counter[0] += len(texts)
        chunks = []
        with torch.inference_mode():
            for start in range(0, len(texts), TEXT_BATCH):
                enc = model.tokenizer(texts[start:start + TEXT_BATCH], return_tensors="pt",
                                      padding=True, truncation=True, max_length=model.max_length)
                chunks.append(model.module(input_ids=enc["input_ids"],
                                           attention_mask=enc["attention_mask"]).logits)
        logits = torch.cat(chunks)
        return (logits if output == "logits" else torch.softmax(logits, -1)).numpy()

    return classify


def floors(model: TextClassifier, repeats: int) -> dict:
    enc = model.encode(SENTENCE_32)
    ids, mask = enc.input_ids, enc.attention_mask
    embeds = model.embedding_layer()(ids).detach()

    def forward(batch: int = 1):
        with torch.inference_mode():
            return model.module(input_ids=ids.expand(batch, -1), attention_mask=mask.expand(batch, -1))

    def logits(x):
        return model.module(inputs_embeds=x, attention_mask=mask).logits

    return {"tokens": ids.shape[1], "forward": seconds(forward, repeats),
            "forward_backward": seconds(lambda: target_gradient(logits, embeds, TARGET), repeats),
            "batched_forward_per_sample":
                seconds(lambda: forward(TEXT_BATCH), repeats) / TEXT_BATCH}


def shap_seconds(model: TextClassifier, evals: int, repeats: int) -> tuple[float, int]:
    import shap

    counter = [0]
    classify = string_classifier(model, "logits", counter)
    explainer = shap.explainers.Partition(lambda t: classify(t)[:, TARGET],
                                          shap.maskers.Text(model.tokenizer))
    run = lambda: explainer(  # noqa: E731
        [SENTENCE_32], max_evals=evals, batch_size=TEXT_BATCH, silent=True)
    taken = seconds(run, repeats)
    counter[0] = 0
    run()
    return taken, counter[0]


def lime_seconds(model: TextClassifier, samples: int, words: int, repeats: int) -> float:
    from lime.lime_text import LimeTextExplainer

    classify = string_classifier(model, "probabilities", [0])
    explainer = LimeTextExplainer(bow=False, random_state=0)
    return seconds(lambda: explainer.explain_instance(
        SENTENCE_32, classify, labels=(TARGET,), num_features=words, num_samples=samples),
        repeats)


def occlusion_library_seconds(model: TextClassifier, repeats: int) -> float:
    from captum.attr import FeatureAblation

    enc = model.encode(SENTENCE_32)
    ablation = FeatureAblation(
        lambda ids: model.module(input_ids=ids,
                                 attention_mask=enc.attention_mask.expand(ids.shape[0], -1)).logits)
    pad = torch.full_like(enc.input_ids, model.tokenizer.pad_token_id)
    return seconds(lambda: ablation.attribute(enc.input_ids, baselines=pad, target=TARGET,
                                              perturbations_per_eval=TEXT_BATCH), repeats)


@register_suite("text_perturbation")
def text_perturbation(repeats: int, quick: bool) -> dict:
    model = load_model("minilm_sentiment")
    base = floors(model, repeats)
    fb, fwd, per = base["forward_backward"], base["forward"], base["batched_forward_per_sample"]
    budget = 48 if quick else 500

    def ours(method: str, **params) -> tuple[float, int]:
        result = explain(model, method, SENTENCE_32, TARGET, **params)
        return seconds(lambda: explain(model, method, SENTENCE_32, TARGET, **params),
                       repeats), result.model_evals

    rows = []
    for method, floor in (("grad_x_input_text", fb), ("saliency_text", fb),
                          ("attention_rollout", fwd)):
        taken, evals = ours(method)
        rows.append(row(method, model.name, taken, evals, floor))
    taken, evals = ours("occlusion_text")
    rows.append(row("occlusion_text", model.name, taken, evals, evals * per,
                    "captum FeatureAblation ([PAD])", occlusion_library_seconds(model, repeats)))
    taken, evals = ours("shap_text", max_evals=budget)
    library, library_evals = shap_seconds(model, budget, repeats)
    rows.append(row(f"shap_text ({budget} max evals)", model.name, taken, evals, evals * per,
                    f"shap Partition+Text masker ({library_evals} evals)", library))
    words = base["tokens"] - 2
    taken, evals = ours("lime_text", samples=budget)
    rows.append(row(f"lime_text ({budget} samples)", model.name, taken, evals, evals * per,
                    "lime LimeTextExplainer", lime_seconds(model, budget, words, repeats)))
    return {"floors": {"minilm_sentiment_32_tokens_perturbation": base}, "methods": rows}
