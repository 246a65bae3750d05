"""Benchmarks for ``cli.py bench``; importing this package registers the suites."""
from bench import methods, text_perturbation  # noqa: F401  (registers suites)
from bench import load, memory  # noqa: F401  (registers suites)
from bench import load_cold  # noqa: F401
from bench import metrics  # noqa: F401  (registers suites)
from bench import global_views  # noqa: F401  (registers suites)
from bench import image_gradient_cam  # noqa: F401
from bench import image_perturbation  # noqa: F401
from bench import numbers  # noqa: F401  (issue 11: adaptive IG, ROAD cost)
from bench import first_heatmap  # noqa: F401
from bench import scale  # noqa: F401  (registers the data-set job suite)
from bench import audit  # noqa: F401
from bench import clinical  # noqa: F401
from bench import clinical_real  # noqa: F401  (issue 25: real radiograph, ONNX Grad-CAM)
from bench import lessons  # noqa: F401  (tcav, attack)
from bench import registered  # noqa: F401  (every registered method, no edit per method)
from bench import probes  # noqa: F401  (issue 26: probe throughput)
from bench import digit_lessons  # noqa: F401  (issue 28: actmax generator, probing, patterns)
from bench.core import register_suite, row, run_benchmarks, seconds, suite_names, table

__all__ = ["register_suite", "row", "run_benchmarks", "seconds", "suite_names", "table"]
from bench import learned_shap  # noqa: F401  (issue 27: amortized SHAP)
from bench import extremal  # noqa: F401  (issue 29: extremal perturbation)
from bench import sidebyside, shared_pass  # noqa: F401  (issue 27: against the libraries; one pass)
