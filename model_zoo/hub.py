"""The real loading path for users with internet or a local cache.

``torchvision:NAME[:WEIGHTS]`` builds any torchvision classifier with its default (or
named) weights, fetched into ``$TORCH_HOME`` once or found there; ``hf:ID_OR_FOLDER`` loads any
Hugging Face sequence classifier. Neither runs remote code.
"""
from __future__ import annotations

from model_zoo.assemble import assemble_image_classifier
from model_zoo.classifier import ImageClassifier, TextClassifier, freeze
from model_zoo.errors import UnknownModelError
from model_zoo.layers import pick_by_names, spatial_blocks
from model_zoo.registry import register_loader
from model_zoo.torchvision_compat import ensure_torchvision_importable

DEFAULT_IMAGE_SIZE = (224, 224)


def load_reference(reference: str) -> ImageClassifier | TextClassifier:
    kind, _, name = reference.partition(":")
    if not name:
        raise UnknownModelError(f"{reference!r} names no model after the prefix")
    if kind == "torchvision":
        net_name, _, weights_name = name.partition(":")
        return load_torchvision(net_name, weights_name or "DEFAULT")
    return load_hf(name)


def load_torchvision(name: str, weights_name: str = "DEFAULT") -> ImageClassifier:
    ensure_torchvision_importable()
    import torchvision.models as tvm

    if name not in tvm.list_models(module=tvm):
        raise UnknownModelError(f"torchvision has no classification model {name!r}")
    options = tvm.get_model_weights(name)
    try:
        weights = options[weights_name]
    except KeyError:
        known = ", ".join(["DEFAULT", *options.__members__])
        raise UnknownModelError(f"{name} has no weights {weights_name!r}; choose {known}") from None
    net = tvm.get_model(name, weights=weights)
    preset = weights.transforms()
    size = tuple(preset.crop_size) * (2 // len(preset.crop_size))
    return assemble_image_classifier(
        net, preset.mean, preset.std, weights.meta["categories"],
        pick_by_names(spatial_blocks(net, size)), name=f"torchvision:{name}:{weights_name}",
        input_size=size, source=weights.url)


def quiet_transformers() -> None:
    """No progress bars or info chatter: the command line promises one line on errors."""
    from transformers.utils import logging

    logging.set_verbosity_error()
    logging.disable_progress_bar()


def load_hf(name_or_folder: str) -> TextClassifier:
    ensure_torchvision_importable()
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    quiet_transformers()
    try:
        tokenizer = AutoTokenizer.from_pretrained(name_or_folder)
        net = AutoModelForSequenceClassification.from_pretrained(
            name_or_folder, attn_implementation="eager")
    except OSError as err:
        raise UnknownModelError(f"cannot load Hugging Face model {name_or_folder!r}: {err}") from err
    id2label = net.config.id2label
    labels = tuple(id2label[i] for i in range(len(id2label)))
    limit = min(getattr(tokenizer, "model_max_length", 512) or 512, 512)
    return TextClassifier(name=f"hf:{name_or_folder}", module=freeze(net), tokenizer=tokenizer,
                          labels=labels, max_length=limit, source=name_or_folder)


register_loader("torchvision:", load_reference,
                summary="`torchvision:NAME[:WEIGHTS]`: any torchvision classifier with its default "
                        "(or named) weights, downloaded into `$TORCH_HOME` once or found there")
register_loader("hf:", load_reference,
                summary="`hf:ID_OR_FOLDER`: any Hugging Face sequence classifier from the hub, "
                        "its cache or a local folder; no remote code")
