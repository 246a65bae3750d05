"""Is this scan what the model was trained on? The DICOM's own tags (Modality, Body part,
View) against the model's declared TrainingDomain; one sentence per disagreement, meant to be
shown loudly before any map. A model that declares nothing gets no check (and no warning)."""
from __future__ import annotations

from model_zoo.training_domain import TrainingDomain

CHEST_LIKE = {"CHEST", "THORAX", "LUNG"}


def _tag(technical: tuple[tuple[str, str], ...], label: str) -> str | None:
    value = dict(technical).get(label)
    return str(value).strip().upper() if value not in (None, "") else None


def domain_warnings(domain: TrainingDomain | None, technical: tuple[tuple[str, str], ...],
                    model_title: str) -> tuple[str, ...]:
    """Sentences naming each tag that disagrees with the model's training data."""
    if domain is None:
        return ()
    trained = f"{model_title} was trained on {domain.describe()}"
    found = []
    modality = _tag(technical, "Modality")
    if modality and modality not in domain.modalities:
        found.append(f"This scan is {modality}; {trained}. Its answer here is not evidence "
                     "of anything.")
    part = _tag(technical, "Body part")
    if part and not ({part} & set(domain.body_parts)
                     or (part in CHEST_LIKE and CHEST_LIKE & set(domain.body_parts))):
        found.append(f"This scan's body part is {part.lower()}; {trained}.")
    view = _tag(technical, "View")
    if view and domain.view and view != domain.view.upper():
        found.append(f"This scan's view is {view}; the model expects {domain.view}.")
    if modality is None and not found:
        found.append(f"This input carries no DICOM tags to check; {trained}. Make sure the "
                     "image is of that kind before reading the maps.")
    return tuple(found)
