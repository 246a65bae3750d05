"""What every cli.py subcommand shares: the user-mistake error, reading files, models and
inputs, printing, and the model and engine arguments.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any


class CliError(Exception):
    """A user mistake: printed as one line, exit status 2."""


def read_file(path_text: str, what: str) -> bytes:
    path = Path(path_text)
    if not path.is_file():
        raise CliError(f"no such {what} file: {path}")
    return path.read_bytes()


def load_classifier(args: argparse.Namespace):
    """``--model NAME``, or ``--checkpoint FILE --arch NAME [--labels FILE]``."""
    from model_zoo import load_model

    if args.checkpoint is None:
        if args.model is None:
            raise CliError("pass --model NAME, or --checkpoint FILE with --arch NAME")
        return load_model(args.model)
    if args.checkpoint.lower().endswith(".onnx") and args.model is None:  # read from the graph
        from model_zoo.labels import parse_labels
        from model_zoo.onnx_import import onnx_classifier, onnx_name

        labels = parse_labels(read_file(args.labels, "labels")) if args.labels else None
        data = read_file(args.checkpoint, "checkpoint")
        model = onnx_classifier(data, labels, name=onnx_name(data), source="user ONNX model",
                                size=onnx_size(getattr(args, "onnx_size", None)),
                                scale=getattr(args, "onnx_scale", 1.0),
                                runtime=getattr(args, "onnx_runtime", "auto"))
        if model.forward_only:
            print(f"note: the model {model.forward_only}; only perturbation methods fit it "
                  "(occlusion, RISE, LIME, SHAP)", file=sys.stderr)
        return model
    if args.model is not None or args.arch is None:
        raise CliError("--checkpoint takes --arch NAME (and optionally --labels FILE), "
                       "not --model")
    from model_zoo.checkpoint import load_checkpoint

    labels = read_file(args.labels, "labels") if args.labels else None
    return load_checkpoint(args.arch, read_file(args.checkpoint, "checkpoint"), labels)


def onnx_size(text: str | None) -> tuple[int, int] | None:
    """``--onnx-size 224`` or ``224x240`` (height x width) -> (h, w)."""
    if not text:
        return None
    parts = text.lower().split("x")
    if len(parts) > 2 or not all(p.strip().isdigit() and int(p) > 0 for p in parts):
        raise CliError(f"--onnx-size takes SIDE or HEIGHTxWIDTH, got {text!r}")
    return int(parts[0]), int(parts[-1])


def load_input(args: argparse.Namespace, model) -> Any:
    """The sentence, or the image decoded by the safe loader (its notes go to stderr)."""
    from inputs.image_io import ImageDecodeError, load_image, to_tensor

    if model.modality == "text":
        if args.text is None:
            raise CliError(f"model {model.name} reads text: pass --text")
        if not args.text.strip():
            raise CliError("the text is empty")
        return args.text
    if args.input is None:
        raise CliError(f"model {model.name} reads images: pass --input FILE")
    path = Path(args.input)
    if not path.is_file():
        raise CliError(f"no such file: {path}")
    try:
        loaded = load_image(path.read_bytes())
    except ImageDecodeError as err:
        raise CliError(f"{path}: {err}") from None
    for note in loaded.notes:
        print(f"note: {note}", file=sys.stderr)
    return to_tensor(loaded.rgb)


def emit(payload: Any, as_json: bool, lines: list[str]) -> None:
    print(json.dumps(payload, indent=2) if as_json else "\n".join(lines))


def class_index(model, text: str) -> int:
    """A class given as an index or a label (case-insensitive)."""
    if text.isdigit() and int(text) < len(model.labels):
        return int(text)
    lowered = [label.lower() for label in model.labels]
    if text.lower() not in lowered:
        raise CliError(f"no class {text!r} in {model.name}: give an index or a label")
    return lowered.index(text.lower())


def fraction(text: str) -> float:
    """``8/255`` or ``0.03``."""
    top, _, bottom = text.partition("/")
    try:
        return float(top) / float(bottom) if bottom else float(top)
    except (ValueError, ZeroDivisionError):
        raise argparse.ArgumentTypeError(f"not a number or fraction: {text!r}") from None


def engine_choice(args: argparse.Namespace):
    from jobs.batch_job import EngineChoice

    if args.address and args.engine != "ray":
        raise CliError("--address is for --engine ray")
    return EngineChoice(args.engine, args.workers, args.address, args.cpus_per_worker,
                        args.batch_size, args.threads)


def model_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--model", help="a zoo name, torchvision:NAME or hf:ID (see models)")
    p.add_argument("--checkpoint", help="your weights: .safetensors or a .pt state dict "
                   "(with --arch), or a .onnx model (input read from its graph)")
    p.add_argument("--arch", help="the checkpoint's architecture, e.g. mobilenet_v2, resnet18")
    p.add_argument("--labels", help="class names for --checkpoint: txt (one a line) or json")
    p.add_argument("--onnx-size", help="a .onnx model's input HEIGHTxWIDTH where its graph "
                   "leaves it dynamic")
    p.add_argument("--onnx-scale", type=float, default=1.0, help="a .onnx model takes pixels "
                   "in [0, 1] times this (255 for a 0..255 graph)")
    p.add_argument("--onnx-runtime", default="auto", choices=["auto", "torch", "onnxruntime"],
                   help="torch: convert (every method); onnxruntime: run as is (perturbation "
                   "methods only); auto: convert, else onnxruntime")


def engine_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--engine", default="local", choices=["local", "ray"],
                   help="local: in this process; ray: a Ray cluster (see docs/engineer.md)")
    p.add_argument("--address", help="Ray cluster: auto, or ray://HOST:10001 (default: start "
                                     "a local one)")
    p.add_argument("--workers", type=int, default=1, help="Ray actors, each loading the model")
    p.add_argument("--cpus-per-worker", type=float, help="logical CPUs each Ray actor reserves "
                                                         "(default: an equal share)")
    p.add_argument("--batch-size", type=int, help="items per call of the work (default: 8 "
                                                  "images for batch, the job's own otherwise)")
    p.add_argument("--threads", type=int, help="torch threads per worker (default: its share; "
                                               "1 is faster on a busy machine)")
