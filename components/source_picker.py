"""The image source picker: an image picked on another page, else an upload, else a sample.

An upload is digested once (not on every rerun) and a removed upload is dropped from the
session, so nothing uploaded outlives its widget.
"""
from __future__ import annotations

import streamlit as st

from inputs.mnist import DIGIT_SAMPLES, describe_digit_sample
from inputs.samples import SAMPLE_IMAGES
from inputs.upload import SAMPLE_PREFIX, Upload


def image_source(prefix: str = "image", label: str = "Upload an image") -> Upload | str:
    """The chosen source; widget and state keys start with ``prefix``.

    ``{prefix}_pick`` (set by another page) names a source to explain, until cleared.
    """
    pick = st.session_state.get(f"{prefix}_pick")
    upload = st.file_uploader(label, type=None, key=f"{prefix}_upload")  # content decides
    sample = st.selectbox("…or pick a sample", SAMPLE_IMAGES + DIGIT_SAMPLES,
                          key=f"{prefix}_sample", disabled=upload is not None or bool(pick),
                          format_func=lambda s: describe_digit_sample(s) if ":" in s else s,
                          help="The MNIST digits suit the digit model (digit_cnn); an uploaded "
                               "digit should be light on dark, as in MNIST.")
    if pick:
        st.info("Explaining an image picked on another page:", icon=":material/link:")
        st.text(str(pick))
        st.button("Use my own image instead", key=f"{prefix}_pick_clear",
                  on_click=lambda: st.session_state.pop(f"{prefix}_pick", None))
        return str(pick)
    if upload is None:
        st.session_state.pop(f"{prefix}_upload_bytes", None)  # a removed upload is not kept
        return sample if ":" in sample else SAMPLE_PREFIX + sample
    return kept_upload(f"{prefix}_upload_bytes", upload)


def kept_upload(state_key: str, upload) -> Upload:
    """The upload's bytes and digest, taken once per upload (its file id), not per rerun."""
    kept = st.session_state.get(state_key)
    if kept is None or kept[0] != upload.file_id:
        kept = (upload.file_id, Upload.of(upload.getvalue()))
        st.session_state[state_key] = kept
    return kept[1]
