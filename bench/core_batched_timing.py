"""Time the batched audit maps and one attack step's map (docs/core.md): PYTHONPATH=. python bench/core_batched_timing.py"""
import sys, time, json
import torch
torch.set_num_threads(1)
torch.manual_seed(0)
from model_zoo import load_model
import explainers  # noqa
from explainers.audit.batch_maps import batch_maps, batched_gradcam
from explainers.fragility.smooth import smoothed_copy
model = load_model("mobilenet_v2")
x = torch.rand(8, 3, 224, 224, generator=torch.Generator().manual_seed(0))
targets = torch.arange(8)

def best(fn, n=3):
    times = []
    for _ in range(n):
        t = time.perf_counter(); fn(); times.append(time.perf_counter() - t)
    return min(times)

out = {"gradcam_batch8": best(lambda: batched_gradcam(model, x, targets)),
       "saliency_batch8": best(lambda: batch_maps(model, "saliency", x, targets))}
net = smoothed_copy(model.module, 10.0)
x1 = x[:1].clone()
try:
    from explainers.fragility.maps import differentiable_map
    def step(method):
        xx = x1.clone().requires_grad_(True)
        with torch.enable_grad():
            _, s = differentiable_map(model, method, net, xx, 3)
            torch.autograd.grad(s.sum(), xx)
except ImportError:
    from explainers.fragility.maps import MAPS
    def step(method):
        xx = x1.clone().requires_grad_(True)
        layer = model.target_layers(net)[-1] if method == "gradcam" else None
        with torch.enable_grad():
            _, s = MAPS[method](net, xx, 3, layer)
            torch.autograd.grad(s.sum(), xx)
for m in ("gradcam", "saliency", "integrated_gradients"):
    out[f"attack_step_{m}"] = best(lambda: step(m))
print(json.dumps({k: round(v, 3) for k, v in out.items()}))
