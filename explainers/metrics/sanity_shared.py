"""The several-methods check now lives with the one loop in ``explainers.metrics.sanity``
(one randomised copy per block, explained by every method); this name is kept for callers."""
from explainers.metrics.sanity import BlockFn, cascading_randomisation_all

__all__ = ["BlockFn", "cascading_randomisation_all"]
