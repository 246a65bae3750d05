"""The private-copy pool: one caller per copy, copies reused across threads, hooks removed."""
from __future__ import annotations

import threading

import numpy as np
import torch

from explainers import explain
from explainers.copy_pool import borrowed_copy, idle_copies
from explainers.folded_norms import folded_module
from explainers.hooks import captured
from explainers.image.cam import layer_activations
from tests.helpers import assert_untouched, hook_count


def test_a_copy_is_lent_to_one_caller_at_a_time_and_reused():
    module = torch.nn.Sequential(torch.nn.Linear(2, 2))
    with borrowed_copy(module) as first, borrowed_copy(module) as second:
        assert first is not second and first is not module
        assert first[0].weight is module[0].weight  # shares the tensors
    assert idle_copies(module) == 2
    with borrowed_copy(module) as again:
        assert again in (first, second)


def test_new_threads_reuse_the_pool_instead_of_copying(zoo, chelsea):
    """Streamlit runs each rerun in a new thread: the second thread gets the first's copy."""
    model = zoo("mobilenet_v2")
    explain(model, "gradcam", chelsea, target=285)
    pooled = folded_module(model.module, model.target_layers)  # what Grad-CAM borrows from
    before = idle_copies(pooled)
    assert before >= 1
    seen = []

    def run():
        with borrowed_copy(pooled) as copy:
            seen.append(id(copy))

    for _ in range(3):
        worker = threading.Thread(target=run)
        worker.start()
        worker.join()
    assert len(set(seen)) == 1 and idle_copies(pooled) == before
    assert_untouched(model.module)


def test_a_copy_left_with_a_hook_is_never_lent_again():
    module = torch.nn.Sequential(torch.nn.Linear(2, 2))
    with borrowed_copy(module) as copy:
        copy[0].register_forward_hook(lambda *a: None)
    assert idle_copies(module) == 0


def test_the_graph_starts_at_the_layer_and_gives_the_same_gradient(zoo, chelsea):
    """The leaf hook: same activations and gradients as backpropagating from the input."""
    model = zoo("mobilenet_v2")
    x = model.preprocess(chelsea)
    acts, grads = layer_activations(model, x, 285, -1)
    with borrowed_copy(model.module) as copy, torch.enable_grad():
        layer = model.target_layers(copy)[-1]
        outputs = []
        handle = layer.register_forward_hook(lambda _m, _i, out: outputs.append(out))
        logits = copy(x.clone().requires_grad_(True))
        handle.remove()
        (expected,) = torch.autograd.grad(logits[:, 285].sum(), outputs[-1])
    # Grad-CAM's copy has its batch norms folded (explainers/folded_norms): float rounding
    np.testing.assert_allclose(grads.numpy(), expected.numpy(), rtol=1e-3, atol=1e-6)
    np.testing.assert_allclose(acts.numpy(), outputs[-1].detach().numpy(), atol=1e-4)
    with captured(layer, leaf=True):
        assert hook_count(copy) > 0
    assert hook_count(copy) == 0 and hook_count(model.module) == 0
