"""The sanity check's controls, shared by the pages that offer it: how many blocks to
randomise, what that will cost, and the button that starts it. A started check is
remembered in the session under its key, so the rerun the button triggers computes it."""
from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

DEPTH_CHOICES = ("all", 1, 3, 5, 10)  # blocks the check may randomise, from the output down


@dataclass(frozen=True)
class SanityRequest:
    max_steps: int | None  # blocks to randomise (None: all)
    key: tuple  # what the check is of, depth included
    wanted: bool  # started for this key in this session


def sanity_request(prefix: str, key: tuple) -> SanityRequest:
    """The depth chosen (read before its widget is drawn) and whether the check of ``key``
    was started."""
    depth = st.session_state.get(f"{prefix}_sanity_depth", "all")
    max_steps = None if depth == "all" else int(depth)
    full = (*key, max_steps)
    return SanityRequest(max_steps, full, full in st.session_state.get(f"{prefix}_sanity_done",
                                                                        set()))


def sanity_controls(prefix: str, request: SanityRequest, blocks: int, seconds_once: float,
                    what: str, button: str, disabled: bool = False):
    """Depth picker, the cost before the check starts, and its button; the column beside
    the button, where the check's progress and live chart belong."""
    depth_col, run_col = st.columns([1, 2], vertical_alignment="bottom")
    depth_col.selectbox("Blocks to randomise, from the output down", DEPTH_CHOICES,
                        key=f"{prefix}_sanity_depth")
    if not request.wanted and not disabled:
        run_col.caption(f"About {blocks * seconds_once:.0f} s: {blocks} blocks × "
                        f"{seconds_once:.1f} s of {what} (measured above), more while others "
                        "use the server.")
    if run_col.button(button, key=f"{prefix}_sanity_run", disabled=disabled):
        st.session_state.setdefault(f"{prefix}_sanity_done", set()).add(request.key)
        st.rerun()
    return run_col
