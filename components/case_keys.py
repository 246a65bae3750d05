"""Widget keys that are new for every case, so no widget carries a value, a label or an
on_change callback over from the previous case.

Streamlit keeps a keyed widget's identity when its options change: after a new upload the
browser would still hold the old preset ("CT mediastinum" for an MR, whose options lack it)
and the old class with the old case's probability in its label. A key per case gives the
new case fresh widgets, each starting at its own default.
"""
from __future__ import annotations

import hashlib
from typing import Hashable

import streamlit as st


def case_key(base: str, context: Hashable) -> str:
    """``base`` suffixed with a short digest of ``context``; the widgets of earlier
    contexts under the same ``base`` are dropped from the session state."""
    key = f"{base}@{hashlib.sha256(repr(context).encode()).hexdigest()[:12]}"
    prefix = f"{base}@"
    for stale in [k for k in st.session_state if isinstance(k, str) and k.startswith(prefix)
                  and not k.startswith(key)]:
        del st.session_state[stale]
    return key

