"""Train the synthetic teaching model ``xray_phantom_cnn`` on generated phantoms.

Run: python scripts/train_xray_phantom.py  (about 3 minutes on 2 cores)
Deterministic (fixed seeds, one data order); writes
model_zoo/weights/xray_phantom_cnn.safetensors and a JSON of held-out accuracy and AUC.
Training set: phantom seed 0; held-out set: seed 1 (cases never seen in training).
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from safetensors.torch import save_file
from sklearn.metrics import roc_auc_score

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from inputs.phantoms import phantom_batch  # noqa: E402
from model_zoo.xray_phantom import WEIGHTS_FILE, PhantomNet, phantom_module  # noqa: E402

TRAIN_SEED, HELD_OUT_SEED = 0, 1


def as_batch(images: np.ndarray) -> torch.Tensor:
    return torch.from_numpy(images)[:, None].expand(-1, 3, -1, -1).contiguous()


def train(module: torch.nn.Module, x: torch.Tensor, y: torch.Tensor, epochs: int,
          batch: int, check: tuple[torch.Tensor, np.ndarray]) -> None:
    """Adam with a cosine-decayed learning rate; left-right mirrors as augmentation."""
    opt = torch.optim.Adam(module.parameters(), lr=2e-3)
    steps = epochs * (len(x) // batch)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, steps)
    order = torch.Generator().manual_seed(0)
    for epoch in range(epochs):
        module.train()
        perm = torch.randperm(len(x), generator=order)
        for start in range(0, len(x) - batch + 1, batch):
            rows = perm[start:start + batch]
            flip = torch.rand(len(rows), generator=order) < 0.5
            xb = torch.where(flip[:, None, None, None], x[rows].flip(-1), x[rows])
            loss = F.cross_entropy(module(xb), y[rows])
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
        print(f"epoch {epoch + 1}/{epochs} loss {loss.item():.4f} "
              f"check {evaluate(module, *check)}", file=sys.stderr, flush=True)


def evaluate(module: torch.nn.Module, x: torch.Tensor, y: np.ndarray) -> dict[str, float]:
    module.eval()
    with torch.inference_mode():
        probs = torch.cat([module(x[i:i + 256]).softmax(-1)[:, 1] for i in range(0, len(x), 256)])
    probs = probs.numpy()
    return {"accuracy": float(((probs > 0.5) == y).mean()), "auc": float(roc_auc_score(y, probs))}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--train", type=int, default=3000)
    parser.add_argument("--held-out", type=int, default=1000)
    parser.add_argument("--epochs", type=int, default=6)
    parser.add_argument("--batch", type=int, default=32)
    args = parser.parse_args()
    torch.manual_seed(0)
    torch.set_num_threads(2)
    started = time.perf_counter()
    images, labels, _ = phantom_batch(TRAIN_SEED, args.train)
    test_images, test_labels, _ = phantom_batch(HELD_OUT_SEED, args.held_out)
    net = PhantomNet()
    module = phantom_module(net)
    check = (as_batch(test_images[:300]), test_labels[:300])
    train(module, as_batch(images), torch.from_numpy(labels), args.epochs, args.batch, check)
    scores = evaluate(module, as_batch(test_images), test_labels)
    seconds = time.perf_counter() - started
    WEIGHTS_FILE.parent.mkdir(parents=True, exist_ok=True)
    save_file({k: v.contiguous() for k, v in net.state_dict().items()}, WEIGHTS_FILE)
    report = dict(scores, train_cases=args.train, held_out_cases=args.held_out,
                  epochs=args.epochs, seconds=round(seconds, 1))
    WEIGHTS_FILE.with_suffix(".json").write_text(json.dumps(report, indent=2) + "\n")
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
