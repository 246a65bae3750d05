"""Text methods; importing this package registers them."""
from explainers.text import attention, integrated_gradients  # noqa: F401
