"""Pictures for counterfactuals: the signed difference as red (brighter) / blue (darker),
thumbnails enlarged without blurring, and a caption with the probabilities."""
from __future__ import annotations

import numpy as np

from components.actmax_view import enlarge


def difference_rgb(difference: np.ndarray) -> np.ndarray:
    """(H, W, 3) signed change -> (H, W, 3) uint8: red where the counterfactual is brighter,
    blue where darker, black unchanged; scaled by the largest change (shown in the caption)."""
    change = difference.mean(axis=-1)
    scale = max(float(np.abs(change).max()), 1e-8)
    out = np.zeros(change.shape + (3,))
    out[..., 0] = np.clip(change, 0, None) / scale
    out[..., 2] = np.clip(-change, 0, None) / scale
    return (out * 255).round().astype(np.uint8)


def shown(image: np.ndarray, width: int = 224) -> np.ndarray:
    """(H, W, 3) float in [0, 1] or uint8 -> uint8 enlarged to about ``width`` pixels."""
    rgb = image if image.dtype == np.uint8 else (np.clip(image, 0, 1) * 255).round().astype(np.uint8)
    return enlarge(rgb, max(1, width // rgb.shape[1]))


def probability_caption(name: str, probs: np.ndarray, labels: tuple[str, ...],
                        target: int) -> str:
    """"counterfactual · model says 8 (97.1%) · p(8) = 97.1%"."""
    top = int(probs.argmax())
    return (f"{name} · model says {labels[top]} ({probs[top]:.1%}) · "
            f"p({labels[target]}) = {probs[target]:.1%}")


def edits_html(original: str, counterfactual: str) -> str:
    """Two lines, original and counterfactual, words compared with difflib: removed or
    replaced words struck through in red on the first, new words bold green on the second."""
    from difflib import SequenceMatcher

    from components.tokens import safe_text

    before, after = original.split(), counterfactual.split()
    old, new = [], []
    for tag, i1, i2, j1, j2 in SequenceMatcher(a=before, b=after, autojunk=False).get_opcodes():
        old += [safe_text(w) if tag == "equal" else
                f"<del style='color:#b2182b'>{safe_text(w)}</del>" for w in before[i1:i2]]
        new += [safe_text(w) if tag == "equal" else
                f"<b style='color:#1a7f37'>{safe_text(w)}</b>" for w in after[j1:j2]]
    return (f"<p>original: {' '.join(old)}</p>"
            f"<p>counterfactual: {' '.join(new)}</p>")


def flip_summary(result, labels: tuple[str, ...]) -> str:
    """"Flipped to negative with 2 edits: ...; p(negative) 0.000 -> 0.936 (25 model calls)"."""
    to = labels[result.target]
    head = (f"Flipped to {to} with {len(result.edits)} edit(s)" if result.flipped else
            f"No flip to {to} within the edits tried; the best found")
    edits = "; ".join(result.edits) or "no edit"
    return (f"{head}: {edits}. p({to}) {result.original_probs[result.target]:.3f} → "
            f"{result.counterfactual_probs[result.target]:.3f} · top class "
            f"{labels[int(result.counterfactual_probs.argmax())]} "
            f"({result.evaluations} model calls)")
