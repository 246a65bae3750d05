"""The audit page's "Compare with…" view: the diff's sentences, a table of deltas and the
signed difference of each class's mean map (B - A), every tile on one colour scale."""
from __future__ import annotations

import numpy as np
import streamlit as st
from matplotlib import colormaps

from components.audit_view import enlarge
from components.colormaps import SIGNED_CMAP
from explainers.metrics.schema import label


def diff_tile(difference: np.ndarray, scale: float) -> np.ndarray:
    """A signed map on the shared scale [-scale, scale]: blue lost, red gained."""
    unit = np.clip(difference / scale, -1, 1) / 2 + 0.5
    return enlarge((colormaps[SIGNED_CMAP](unit)[..., :3] * 255).round().astype(np.uint8))


def delta_rows(payload: dict) -> list[dict]:
    rows = []
    for row in payload["classes"]:
        out = {"class": row["class"]}
        for key, value in row.items():
            if isinstance(value, dict) and "delta" in value:
                out[f"{key.replace('_', ' ')}"] = f"{value['a']:.2f} → {value['b']:.2f}"
        out["SpRAy clusters"] = " → ".join(
            "-" if s is None else f"{s['k']} ({len(s['flagged'])} flagged)"
            for s in (row["spray"]["a"], row["spray"]["b"]))
        rows.append(out)
    return rows


def road_rows(road: dict) -> list[dict]:
    """Per method and score (named by the score schema): A, B, B - A and its CI."""
    rows = []
    for m, found in road.items():
        for key, v in found.items():
            if isinstance(v, dict):
                rows.append({"method": m, "score": label(key), "A": round(v["a"], 3),
                             "B": round(v["b"], 3), "B - A": round(v["delta"], 3),
                             "95% CI": f"{v['delta_ci'][0]:+.3f} to {v['delta_ci'][1]:+.3f}",
                             "images": found["images"]})
    return rows


def diff_section(diff, payload: dict) -> None:
    """Render a computed ``AuditDiff`` (and its JSON payload) on the page."""
    st.markdown(f"**{payload['model_a']} → {payload['model_b']}**: predictions changed on "
                f"{payload['predictions_changed']:.0%} of {payload['items']} images.")
    for sentence in payload["summary"]:
        st.markdown(f"- {sentence}")
    st.dataframe(delta_rows(payload), hide_index=True, key="audit_diff_table", width="stretch")
    if payload.get("road"):
        for sentence in payload["road_summary"]:
            st.markdown(f"- {sentence}")
        st.dataframe(road_rows(payload["road"]), hide_index=True, key="audit_diff_road",
                     width="stretch")
    for m, maps in diff.map_diff.items():
        st.image([diff_tile(d, diff.scale) for d in maps], width=128,
                 caption=[f"{name}: {m}, B - A (±{diff.scale:.2f})"
                          for name in diff.a.label_names])
