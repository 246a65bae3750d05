"""Data-set jobs (batch explanations, feature extraction) on two engines: in-process or Ray.

The per-batch work is one callable class (``jobs.batch_work``, ``jobs.extraction_work``)
that both engines call, so their results cannot drift apart (``jobs.engines``).
"""
