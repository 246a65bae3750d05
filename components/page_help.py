"""Plain-language help for the terms a student meets on the image page, and page-wide CSS.

Text only (no Streamlit calls), so the page decides where it goes.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

FAVICON = Path(__file__).parent / "assets" / "favicon.png"  # served by our server, not a CDN
WEAK_TOP = 0.40  # below this the top class is called weak

# Selected items in multiselects: Streamlit keeps the tags on one line that scrolls
# sideways and cuts long ones ("ency (gradient)", "b (68.0%)"); wrap them instead, in full.
_TAGS = ".stMultiSelect [data-testid='stMultiSelectTagsContainer']"
FULL_TAGS_CSS = (
    f"<style>{_TAGS}{{flex-wrap:wrap!important;overflow:visible!important;height:auto!important;"
    "max-height:none!important}"
    f"{_TAGS}>span[role='group']{{display:flex!important;flex-wrap:wrap!important;"
    "height:auto!important;row-gap:4px}"
    ".stMultiSelect div[role='group']{height:auto!important;max-height:none!important}"
    ".stMultiSelect [data-tag]{max-width:none!important;flex-shrink:0}"
    ".stMultiSelect [data-tag]>span{max-width:none!important;overflow:visible!important;"
    "text-overflow:clip!important}</style>")

FAITHFULNESS_HELP = (
    "Deletion: remove the pixels the map calls most important first and watch the class "
    "probability fall; a good map makes it fall fast (small area, lower is better). "
    "Insertion: start from a blurred image and put those pixels back first; a good map "
    "makes the probability rise fast (large area, higher is better).")

LAYER_HELP = (
    "The part of the network the map is taken from, by its path: `1.features.18` is block "
    "18 of the `features` stack inside part 1 of the model (part 0 only normalises colours). "
    "Late blocks see large regions and whole objects but give coarse maps (7×7 cells); "
    "early blocks give sharp maps of edges and textures.")

GLOSSARY = f"""
**Deletion and insertion (AUC).** {FAITHFULNESS_HELP}

**Completeness gap.** Integrated Gradients should share out exactly the change in the
class score between its baseline image (blurred by default) and this one. The gap is what
is left over, shown as a share of that change: near 0 means the map accounts for the whole
score. By default IG adds steps where the path needs them until the gap is under 1 %.

**ROAD and "beats random".** Pixels are removed in the map's order and filled in from their
neighbours; the gap between removing the least and the most important first is compared
with the same gap for random maps. "Cannot tell" means the map did no better than random
maps can by chance on this image.

**Layer names such as `1.features.18`.** {LAYER_HELP}

**Class indices.** The number in brackets after a class name is its position in the
model's list of classes (ImageNet: 1000 classes, numbered 0 to 999). The same name can
appear twice with different numbers.

**Colours.** Signed maps (red and blue) show evidence for the class (red) and against it
(blue); white is no effect. Unsigned maps show importance only, dark low and bright high.
Click a map to see it large; click again to close it.
"""


def weak_top_note(probs: np.ndarray, labels: tuple[str, ...]) -> str | None:
    """A warning when the model's best guess is weak: the object may not be one of its classes."""
    top = int(np.argmax(probs))
    if probs[top] >= WEAK_TOP:
        return None
    return (f"The model is unsure: its top class, “{labels[top]}”, has only "
            f"{probs[top]:.0%}. The object in the image may not be among the model's "
            f"{len(labels)} classes, so every map explains a guess.")
