"""Faithfulness metrics of attribution maps (deletion and insertion curves)."""
from explainers.metrics.faithfulness import FaithfulnessScores, deletion_insertion, random_baseline

__all__ = ["FaithfulnessScores", "deletion_insertion", "random_baseline"]
