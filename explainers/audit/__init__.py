"""Data-set audits for shortcut features: pure torch/NumPy steps, no Streamlit.

``AuditBatch`` is the per-batch callable (local engine and Ray Data; ``workflows.audit``
runs it); the other modules are the steps (mask scores, swaps, SpRAy, clusters, flags).
"""
from explainers.audit.batch import AuditBatch
from explainers.audit.run import AuditReport, summarise_columns

__all__ = ["AuditBatch", "AuditReport", "summarise_columns"]
