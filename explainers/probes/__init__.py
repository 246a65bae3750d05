"""Counterfactual probes: registered image edits, their effect on a model over a data set,
compared with a placebo edit of the same region."""
from explainers.probes import image_probes, text_probes  # noqa: F401  (register the probes)
from explainers.probes.registry import (ProbeEntry, ProbeError, Probed, probe_entries,
                                        probe_entry, register_probe)

__all__ = ["ProbeEntry", "ProbeError", "Probed", "probe_entries", "probe_entry",
           "register_probe"]
