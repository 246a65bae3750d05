"""Benchmarks for ``cli.py bench``; importing this package registers the suites."""
from explainers.bench import methods, text_perturbation  # noqa: F401  (registers suites)
from explainers.bench import load, memory  # noqa: F401  (registers suites)
from explainers.bench import metrics  # noqa: F401  (registers suites)
from explainers.bench import global_views  # noqa: F401  (registers suites)
from explainers.bench import image_gradient_cam  # noqa: F401
from explainers.bench import image_perturbation  # noqa: F401
from explainers.bench.core import register_suite, row, run_benchmarks, seconds, suite_names, table

__all__ = ["register_suite", "row", "run_benchmarks", "seconds", "suite_names", "table"]
