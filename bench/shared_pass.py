"""The gradient methods shown together, from one pass (issue 27), against their separate
calls and the floor of one forward+backward: the image page's default trio (Grad-CAM, IG
and saliency: the first and last share a pass) and the gradient trio (Grad-CAM, saliency,
gradient x input: one pass in all). MobileNetV2, chelsea at 224 px, class 285; medians of
interleaved repetitions."""
from __future__ import annotations

from bench.core import register_suite, row
from bench.sidebyside import TARGET, interleaved
from explainers.run import explain
from workflows.explain_many import explain_many

GROUPS = {"page_default_trio": ("gradcam", "integrated_gradients", "saliency"),
          "gradient_trio": ("gradcam", "saliency", "grad_x_input")}


@register_suite("shared_pass")
def shared_pass(repeats: int, quick: bool) -> dict:
    from bench.core import seconds
    from explainers.gradients import target_gradient
    from inputs.image_io import to_tensor
    from inputs.samples import sample_image
    from model_zoo import load_model

    model = load_model("mobilenet_v2")
    image = model.preprocess(to_tensor(sample_image("chelsea")))[0]
    floor = seconds(lambda: target_gradient(model.module, image[None], TARGET), repeats)
    quick_ig = {"integrated_gradients": {"steps": 8, "adaptive": False}} if quick else {}
    rows = []
    for name, methods in GROUPS.items():
        asked = {m: quick_ig.get(m, {}) for m in methods}
        together, alone = interleaved(
            lambda: explain_many(model, asked, image, TARGET),
            lambda: [explain(model, m, image, TARGET, **p) for m, p in asked.items()],
            max(repeats, 1))
        evals = sum(r.model_evals for r in explain_many(model, asked, image, TARGET).values()
                    if "shared_with" not in r.extras) + 1
        rows.append(row(f"shared_pass:{name} ({', '.join(methods)})", model.name, together,
                        evals, floor, "the same methods called one by one (ours)", alone))
    return {"floors": {"mobilenet_v2_224_one_forward_backward": {"forward_backward": floor}},
            "methods": rows}
