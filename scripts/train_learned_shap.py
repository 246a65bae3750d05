"""Train the learned SHAP explainers (FastSHAP) for the models with a training set.

Run: nice -n 10 python scripts/train_learned_shap.py [--model NAME ...]
Per model: (1) labels: the model's logits on ``--coalitions`` Shapley-kernel coalitions of
an 8x8 region grid (plus the empty and full ones) for ``--images`` training images,
checkpointed every chunk; (2) the explainer fitted to them by the FastSHAP loss
(explainers/image/learned_shap.py), checkpointed every epoch; (3) its fidelity on held-out
images. Writes explainers/image/learned_weights/NAME.safetensors with the facts as
metadata. Deterministic (seeded data, coalitions and order); resumable: the checkpoints
live in ~/.cache/learned_shap/ and a rerun picks up where it stopped (``--fresh`` ignores them).
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

import numpy as np
import torch
from safetensors.torch import save_file
from tqdm import tqdm

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from explainers.folded_norms import folded_net  # noqa: E402
from explainers.image import learned_shap  # noqa: E402
from explainers.image.learned_shap import ExplainerNet, efficient, weights_path  # noqa: E402
from explainers.image.learned_shap_fidelity import fidelity  # noqa: E402
from explainers.image.learned_shap_sets import TRAINED_MODELS, images_for  # noqa: E402
from explainers.image.region_game import BLUR, kernel_coalitions, region_images  # noqa: E402
from explainers.image.perturbation import box_blur  # noqa: E402
from model_zoo import load_model  # noqa: E402
from model_zoo.digest import weights_sha256  # noqa: E402

CACHE = Path.home() / ".cache" / "learned_shap"
GRID = (8, 8)
SAVE_EVERY = 64  # images between label checkpoints


def labels(model, images: torch.Tensor, coalitions: int, path: Path) -> dict[str, torch.Tensor]:
    """Masks (N, K, n) and logits v(S) (N, K, C), v(0) and v(1) (N, C); resumable: saved
    every ``SAVE_EVERY`` images, computed a few images at a time (fewer for large inputs)."""
    n = GRID[0] * GRID[1]
    chunk = max(1, 16 * 64 * 64 // (images.shape[-2] * images.shape[-1]))  # 16 at 64 px, 1 at 224
    done = torch.load(path) if path.is_file() else {"masks": [], "values": [], "ends": []}
    rng = np.random.default_rng(0)
    all_masks = [kernel_coalitions(n, coalitions, rng) for _ in range(len(images))]
    first = sum(len(m) for m in done["masks"])
    with tqdm(total=len(images), initial=first, desc="labels") as bar:
        for start in range(first, len(images), chunk):
            xs = images[start:start + chunk]
            masks = torch.from_numpy(np.stack(all_masks[start:start + chunk]))
            ends = torch.stack([torch.zeros(n), torch.ones(n)]).bool()
            batch = torch.cat([region_images(x[None], box_blur(x[None], BLUR),
                                             torch.cat([ends, m]), GRID)
                               for x, m in zip(xs, masks)])
            with torch.inference_mode():
                out = folded_net(model)(batch).view(len(xs), coalitions + 2, -1)
            done["masks"].append(masks)
            done["values"].append(out[:, 2:].clone())
            done["ends"].append(out[:, :2].clone())
            if (start + len(xs)) % SAVE_EVERY < chunk or start + len(xs) == len(images):
                torch.save(done, path)
            bar.update(len(xs))
    return {k: torch.cat(v) for k, v in done.items()}


def fit(net: ExplainerNet, images: torch.Tensor, data: dict, epochs: int, path: Path,
        scale: float = 1.0) -> float:
    """Adam on the FastSHAP loss with normalised values; one checkpoint per epoch. Values are
    fitted in units of ``scale`` (the spread of the labels), so a model whose logits move by
    hundredths and one whose logits move by tens start the net at the same footing."""
    opt = torch.optim.Adam(net.parameters(), lr=2e-3)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, epochs)
    first, loss = 0, torch.tensor(float("nan"))
    if path.is_file():
        state = torch.load(path)
        net.load_state_dict(state["net"]), opt.load_state_dict(state["opt"])
        sched.load_state_dict(state["sched"])
        first, loss = state["epoch"], torch.tensor(state.get("loss", float("nan")))
    gap = (data["ends"][:, 1] - data["ends"][:, 0]) / scale
    target = (data["values"] - data["ends"][:, :1]) / scale
    for epoch in (bar := tqdm(range(first, epochs), initial=first, total=epochs, desc="fit")):
        order = torch.randperm(len(images), generator=torch.Generator().manual_seed(epoch))
        net.train()
        for start in range(0, len(images), 32):
            rows = order[start:start + 32]
            phi = efficient(net(images[rows]), gap[rows])  # (B, C, n)
            pred = data["masks"][rows].float() @ phi.transpose(1, 2)  # (B, K, C)
            loss = ((pred - target[rows]) ** 2).mean()
            opt.zero_grad()
            loss.backward()
            opt.step()
        sched.step()
        bar.set_postfix(loss=f"{loss.item():.4f}")
        torch.save({"net": net.state_dict(), "opt": opt.state_dict(),
                    "sched": sched.state_dict(), "epoch": epoch + 1,
                    "loss": loss.item()}, path)
    return loss.item()


def train_one(name: str, args: argparse.Namespace) -> dict:
    torch.manual_seed(0)
    model = load_model(name)
    started = time.perf_counter()
    CACHE.mkdir(parents=True, exist_ok=True)
    tag = f"{name}-{args.images}-{args.coalitions}"
    if args.fresh:
        for p in CACHE.glob(f"{tag}*"):
            p.unlink()
    images = images_for(name, "train", args.images)
    data = labels(model, images, args.coalitions, CACHE / f"{tag}-labels.pt")
    net = ExplainerNet(len(model.labels), GRID, pooled=args.pooled)
    scale = float((data["values"] - data["ends"][:, None, 0]).std()) if args.scaled else 1.0
    last_loss = fit(net, images, data, args.epochs,
                    CACHE / f"{tag}-{args.epochs}{'-scaled' if args.scaled else ''}"
                          f"{'-pooled' if args.pooled else ''}-fit.pt", scale)
    meta = {"classes": len(model.labels), "grid": list(GRID), "width": 32, "scale": scale,
            "pooled": args.pooled,
            "model": name, "model_sha256": weights_sha256(model.module),
            "train_images": args.images, "coalitions_per_image": args.coalitions,
            "epochs": args.epochs, "final_loss": last_loss,
            "train_seconds": round(time.perf_counter() - started, 1)}
    path = weights_path(name)
    state = {k: v.contiguous() for k, v in net.eval().state_dict().items()}
    save_file(state, str(path), metadata={"learned_shap": json.dumps(meta)})
    learned_shap._load.cache_clear()
    meta["fidelity"] = fidelity(model, images_for(name, "held_out", args.held_out),
                                args.shap_evals, args.permutations)
    save_file(state, str(path), metadata={"learned_shap": json.dumps(meta)})
    learned_shap._load.cache_clear()
    return meta


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", nargs="*", default=list(TRAINED_MODELS))
    parser.add_argument("--images", type=int, default=1200)
    parser.add_argument("--coalitions", type=int, default=32)
    parser.add_argument("--epochs", type=int, default=40)
    parser.add_argument("--held-out", type=int, default=12)
    parser.add_argument("--shap-evals", type=int, default=1000)
    parser.add_argument("--permutations", type=int, default=16)
    parser.add_argument("--fresh", action="store_true")
    parser.add_argument("--scaled", action="store_true",
                        help="fit values in units of the labels' spread (stored as 'scale')")
    parser.add_argument("--pooled", action="store_true",
                        help="the explainer reads the input averaged to 4 x 4 pixels a region "
                             "(a quarter of the net's cost on 64 x 64 images)")
    args = parser.parse_args()
    torch.set_num_threads(int(os.environ.get("OMP_NUM_THREADS", "1")))
    for name in args.model:
        print(json.dumps(train_one(name, args), indent=2), flush=True)


if __name__ == "__main__":
    main()
