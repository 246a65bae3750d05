"""Users' own checkpoints are bounded for real: an evicted model is freed, not kept alive by
a cache, a private copy or a result."""
from __future__ import annotations

import gc
import weakref

import pytest
import torch
from safetensors.torch import save as save_safetensors
from torch import nn

from model_zoo.architectures import Architecture, register_architecture
from model_zoo.user_models import UserModels


def tiny_net(classes: int) -> nn.Module:
    return nn.Sequential(nn.Conv2d(3, 4, 3, padding=1), nn.ReLU(), nn.AdaptiveAvgPool2d(1),
                         nn.Flatten(), nn.Linear(4, classes))


TINY = register_architecture(Architecture("tiny_test_net", tiny_net, "4.weight", (0.5,) * 3,
                                          (0.25,) * 3, (16, 16), lambda net: [net[0]]))


def weights(seed: int) -> bytes:
    torch.manual_seed(seed)
    return save_safetensors({k: v.contiguous() for k, v in tiny_net(2).state_dict().items()})


def test_the_table_keeps_the_most_recently_used():
    table = UserModels(limit=2)
    for name in "abc":
        table.load(name, lambda: object())
    assert "a" not in table and len(table) == 2
    table.get("b")  # b is now the most recent: loading d evicts c
    table.load("d", lambda: object())
    assert "b" in table and "c" not in table
    with pytest.raises(ValueError, match="no longer loaded"):
        table.get("a")


def test_an_evicted_checkpoint_is_freed_after_use():
    """Load one more checkpoint than the limit, explain with the newest through the caches,
    then load enough others to evict it: no model object survives its eviction."""
    import dashboard_cache as cache

    def load(seed: int) -> str:
        return cache.user_checkpoint("tiny_test_net", weights(seed), b"yes\nno\n")

    limit, refs = cache.USER_MODELS.limit, []
    for seed in range(limit + 1):
        refs.append(weakref.ref(cache.cached_model(load(seed)).module))
    used = load(limit)
    assert cache.cached_explanation(used, "gradcam", "sample:chelsea", 1).scores.ndim == 2
    assert cache.cached_probabilities(used, "sample:chelsea").shape == (2,)
    for seed in range(limit + 1, 2 * limit + 1):
        load(seed)
    gc.collect()
    assert [ref() is None for ref in refs] == [True] * (limit + 1)
    assert len(cache.USER_MODELS) == limit
    with pytest.raises(ValueError, match="no longer loaded"):
        cache.cached_model(used)
