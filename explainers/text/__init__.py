"""Text methods; importing this package registers them."""
from explainers.text import (  # noqa: F401
    attention, gradients, integrated_gradients, lime_text, occlusion, rollout, shap_text)
