"""Removing the top TracIn proponents of one prediction and retraining changes it more than
removing as many random training images (Koh & Liang 2017, sec. 5.1; Pruthi et al. 2020).

Run: nice -n 10 python scripts/influence_retrain.py [--k 400] [--random-seeds 2]
Retrains shortcut_cnn's recipe (scripts/train_shortcut_models.py, same seed and schedule)
on its training set (a) whole, (b) without the k top proponents of the held-out triangle
biased:2 for "triangle", (c) without k random images (per seed); prints p(triangle) for the
test image after each and the change against (a). Resumable: finished runs are kept in
/tmp/influence_retrain.json. One thread; a few minutes per retraining on 2 shared cores.
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
from tqdm import tqdm

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import model_zoo  # noqa: E402,F401  (before torchvision: the compat shim)
from explainers.influence.attribution import influence  # noqa: E402
from explainers.influence.training_data import training_set  # noqa: E402
from model_zoo.shortcut_models import ARCHITECTURES, wrap  # noqa: E402
from workflows.counterfactuals import held_out_shortcut  # noqa: E402

STATE = Path("/tmp/influence_retrain.json")
MODEL, ITEM, TARGET = "shortcut_cnn", "biased:2", 0


def retrain(x: torch.Tensor, y: torch.Tensor, epochs: int = 3, lr: float = 3e-3,
            batch: int = 64, seed: int = 1000) -> torch.nn.Module:
    """train_shortcut_models.py's loop (AdamW, one-cycle, seeded) on the given images."""
    from inputs.shortcut_data import CLASSES

    torch.manual_seed(seed)
    module = wrap(ARCHITECTURES["small_cnn"](len(CLASSES)))
    steps = epochs * (len(y) // batch)
    opt = torch.optim.AdamW(module.parameters(), lr=lr, weight_decay=1e-4)
    schedule = torch.optim.lr_scheduler.OneCycleLR(opt, lr, total_steps=steps)
    order = torch.Generator().manual_seed(seed)
    module.train()
    with tqdm(total=steps, leave=False) as bar:
        for _ in range(epochs):
            perm = torch.randperm(len(y), generator=order)
            for i in range(len(y) // batch):
                idx = perm[i * batch:(i + 1) * batch]
                loss = F.cross_entropy(module(x[idx]), y[idx])
                opt.zero_grad()
                loss.backward()
                opt.step()
                schedule.step()
                bar.update()
    return module.eval()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--k", type=int, default=400)
    parser.add_argument("--random-seeds", type=int, default=2)
    args = parser.parse_args()
    torch.set_num_threads(1)
    model = model_zoo.load_model(MODEL)
    rgb, described = held_out_shortcut(ITEM)
    image = torch.from_numpy(rgb).permute(2, 0, 1).float() / 255
    training = training_set(MODEL)
    top = [i for i, _ in influence(model, image, TARGET, args.k).proponents]
    removals = {"none": [], f"top {args.k} proponents": top}
    for seed in range(args.random_seeds):
        rng = np.random.default_rng(seed)
        removals[f"random {args.k} (seed {seed})"] = rng.choice(len(training.labels), args.k,
                                                                replace=False).tolist()
    done = json.loads(STATE.read_text()) if STATE.is_file() else {}
    x, y = torch.from_numpy(training.images), torch.from_numpy(training.labels)
    for name, removed in tqdm(removals.items(), desc="retrainings"):
        if name in done and done[name]["k"] == len(removed):
            continue
        keep = np.setdiff1d(np.arange(len(y)), removed)
        began = time.perf_counter()
        net = retrain(x[keep], y[keep])
        with torch.inference_mode():
            p = float(torch.softmax(net(image[None]), dim=1)[0, TARGET])
        done[name] = {"k": len(removed), "p_target": p, "seconds": time.perf_counter() - began}
        STATE.write_text(json.dumps(done, indent=1))
    base = done["none"]["p_target"]
    print(f"{MODEL}, held-out {ITEM} ({described}), p(triangle) after retraining:")
    for name in removals:
        r = done[name]
        print(f"  remove {name:28s} p = {r['p_target']:.4f}  change {r['p_target'] - base:+.4f}"
              f"  ({r['seconds']:.0f} s)")


if __name__ == "__main__":
    main()
