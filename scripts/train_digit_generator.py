"""Train the digit VAE (the generator prior for ``digit_cnn``): seeded, resumable, minutes.

Run: nice -n 10 python scripts/train_digit_generator.py [--epochs 8]
Loss: Bernoulli reconstruction (binary cross-entropy, summed over pixels) plus the KL
divergence to N(0, I) (Kingma & Welling 2014, eq. 10). State is saved after each epoch to
``--state``; a rerun resumes. Writes model_zoo/weights/digit_vae.safetensors and prints the
test reconstruction loss and KL (nats per digit).
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import torch
import torch.nn.functional as F
from safetensors.torch import save_file
from tqdm import tqdm

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from inputs.mnist import mnist  # noqa: E402
from model_zoo.digit_generator import LATENT, WEIGHTS_FILE, DigitVAE  # noqa: E402

SEED = 0
BATCH = 128


def pixels(images) -> torch.Tensor:
    return torch.tensor(images).float().div(255).unsqueeze(1)


def vae_loss(vae: DigitVAE, x: torch.Tensor, noise: torch.Tensor) -> tuple[torch.Tensor, ...]:
    recon, mu, logvar = vae(x, noise)
    rec = F.binary_cross_entropy(recon, x, reduction="sum") / len(x)
    kl = -0.5 * torch.sum(1 + logvar - mu ** 2 - logvar.exp()) / len(x)
    return rec, kl


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--epochs", type=int, default=8)
    parser.add_argument("--lr", type=float, default=2e-3)
    parser.add_argument("--state", type=Path, default=Path("/tmp/digit_vae_state.pt"))
    args = parser.parse_args()
    torch.set_num_threads(1)
    torch.manual_seed(SEED)
    x_train, _ = mnist("train")
    x_test, _ = mnist("test")
    vae = DigitVAE()
    opt = torch.optim.Adam(vae.parameters(), lr=args.lr)
    start, seconds = 0, 0.0
    if args.state.is_file():
        saved = torch.load(args.state, weights_only=True)
        vae.load_state_dict(saved["vae"])
        opt.load_state_dict(saved["opt"])
        start, seconds = saved["epoch"], saved["seconds"]
        print(f"resuming after epoch {start}")
    steps = len(x_train) // BATCH
    for epoch in range(start, args.epochs):
        began = time.perf_counter()
        gen = torch.Generator().manual_seed(SEED + epoch)
        perm = torch.randperm(len(x_train), generator=gen)
        for group in opt.param_groups:  # a step decay, so resuming needs no scheduler state
            group["lr"] = args.lr * (0.5 if epoch >= args.epochs * 3 // 4 else 1.0)
        vae.train()
        bar = tqdm(range(steps), desc=f"epoch {epoch + 1}/{args.epochs}")
        for i in bar:
            x = pixels(x_train[perm[i * BATCH:(i + 1) * BATCH].numpy()])
            rec, kl = vae_loss(vae, x, torch.randn(len(x), LATENT, generator=gen))
            opt.zero_grad()
            (rec + kl).backward()
            opt.step()
            if i % 50 == 0:
                bar.set_postfix(rec=f"{rec.item():.1f}", kl=f"{kl.item():.1f}")
        seconds += time.perf_counter() - began
        torch.save({"vae": vae.state_dict(), "opt": opt.state_dict(), "epoch": epoch + 1,
                    "seconds": seconds}, args.state)
    vae.eval()
    with torch.inference_mode():
        rec, kl = vae_loss(vae, pixels(x_test), torch.zeros(len(x_test), LATENT))
    save_file({k: v.contiguous() for k, v in vae.state_dict().items()}, str(WEIGHTS_FILE))
    print(json.dumps({"model": "digit_vae", "latent": LATENT, "epochs": args.epochs,
                      "test_reconstruction_nats": round(rec.item(), 2),
                      "test_kl_nats": round(kl.item(), 2), "train_seconds": round(seconds, 1)}))


if __name__ == "__main__":
    main()
