"""Image methods; importing this package registers them."""
from explainers.image import gradcam, integrated_gradients, saliency  # noqa: F401
