"""Concepts a user picks on the projection page, kept in their session only (never on disk),
and offered on the Concepts page next to the generated and zip concepts."""
from __future__ import annotations

import hashlib

import numpy as np
import streamlit as st

from inputs.concept_images import MIN_IMAGES

PICKED = "picked_concepts"  # session key: {name: (digest, (N, S, S, 3) uint8 images)}
ADD = "concepts_add"  # session key: a picked concept to add to the Concepts page's choice
MAX_IMAGES = 100  # per picked concept: enough for TCAV, small in a session
MAX_CONCEPTS = 8  # per session; the oldest goes first
MAX_CHOSEN = 8  # concepts in one TCAV run (the page's multiselect allows as many)


def picked_concepts() -> dict[str, tuple[str, np.ndarray]]:
    return st.session_state.setdefault(PICKED, {})


def picked_key(name: str) -> str:
    """The set key of a picked concept (names the images' content, so caches stay right)."""
    return f"picked:{picked_concepts()[name][0]}:{name}"


def save_picked(name: str, images: np.ndarray) -> str:
    """Keep ``images`` (at most MAX_IMAGES) as concept ``name``; returns a message to show."""
    name = " ".join(name.split())
    if not name:
        raise ValueError("give the concept a name")
    if len(images) < MIN_IMAGES:
        raise ValueError(f"{len(images)} item(s) selected; a concept needs at least "
                         f"{MIN_IMAGES} images for TCAV")
    kept = np.ascontiguousarray(images[:MAX_IMAGES])
    store = picked_concepts()
    store.pop(name, None)
    while len(store) >= MAX_CONCEPTS:
        store.pop(next(iter(store)))
    store[name] = (hashlib.sha256(kept.tobytes()).hexdigest()[:16], kept)
    return f"Saved “{name}”: {len(kept)} images, in this session only."


def save_concept_form(items: np.ndarray, labels: list[str], selected: list[int], key: str) -> None:
    """Items selected on the chart (box or lasso) or picked by number, kept as a named concept
    on a button press; then a button that opens the Concepts page with it chosen."""
    extra = st.multiselect("Items for a concept: select points on the chart (box or lasso), "
                           "or pick them by number", range(len(items)), key=f"{key}_items",
                           format_func=lambda i: f"#{i} {labels[i]}")
    chosen = sorted(set(selected) | set(extra))
    st.caption(f"{len(chosen)} item(s) chosen (TCAV needs at least {MIN_IMAGES}); a saved "
               "concept stays in this browser session only, never on disk.")
    name = st.text_input("Concept name", key=f"{key}_name", placeholder="e.g. grassy")
    if st.button("Save as a concept", key=f"{key}_save", disabled=not chosen):
        try:
            st.success(save_picked(name, items[chosen]))
        except ValueError as err:
            st.error(str(err))
    saved = list(picked_concepts())
    if saved and st.button(f"Use “{saved[-1]}” on the Concepts page", key=f"{key}_open"):
        st.session_state[ADD] = saved[-1]
        st.switch_page("pages/concepts.py")


def concept_options(generated, zip_sets: dict[str, np.ndarray], zip_digest: str) -> dict[str, str]:
    """{label shown: set key} for every concept on offer: generated, picked, from the zip."""
    options = {name: f"concept:{name}" for name in generated}
    options |= {f"{name} (picked)": picked_key(name) for name in picked_concepts()}
    options |= {f"{name} (zip)": f"zip:{zip_digest}:{name}" for name in zip_sets}
    return options


def set_images(key: str, zip_sets: dict[str, np.ndarray]) -> np.ndarray | None:
    """A picked or zip concept's images if still at hand (None: gone from the session)."""
    kind, digest, name = key.split(":", 2)
    if kind == "picked":
        stored = picked_concepts().get(name)
        return stored[1] if stored and stored[0] == digest else None
    return zip_sets.get(name)


def chosen_concepts(chosen: list[str], options: dict[str, str], zip_digest: str) -> list[str]:
    """The Concepts page's choice, kept to what is on offer, plus a concept just saved on the
    projection page and the folders of a newly uploaded zip (chosen for the user)."""
    chosen = [c for c in chosen if c in options]
    added = st.session_state.pop(ADD, None)
    new = [f"{added} (picked)"] if added else []
    if zip_digest and st.session_state.get("concepts_zip_seen") != zip_digest:
        st.session_state["concepts_zip_seen"] = zip_digest
        new += [label for label, key in options.items() if key.startswith(f"zip:{zip_digest}:")]
    return (chosen + [c for c in new if c in options and c not in chosen])[:MAX_CHOSEN]
