"""Image methods; importing this package registers them."""
from explainers.image import gradcam, integrated_gradients, saliency  # noqa: F401
from explainers.image import cam_variants, grad_input, guided, score_cam, smoothgrad  # noqa: F401
from explainers.image import deconvnet, lrp, patternnet  # noqa: F401
from explainers.image import occlusion  # noqa: F401
from explainers.image import lime_image  # noqa: F401
from explainers.image import partition_shap  # noqa: F401
from explainers.image import rise  # noqa: F401
from explainers.image import vit_attention  # noqa: F401
from explainers.image import learned_shap  # noqa: F401
from explainers.image import extremal  # noqa: F401
