"""Class names from a user's labels file: one per line (txt) or json (a list or {index: name})."""
from __future__ import annotations

import json

MAX_LABEL_BYTES = 2 * 1024 * 1024
MAX_LABEL_CHARS = 200


class LabelsError(ValueError):
    """The labels file cannot be read; the message is fit to show a user."""


def _from_json(value: object) -> list:
    if isinstance(value, dict):
        try:
            by_index = {int(k): v for k, v in value.items()}
        except (TypeError, ValueError):
            raise LabelsError("the json labels object needs class indices as keys") from None
        if sorted(by_index) != list(range(len(by_index))):
            raise LabelsError("the json labels object must number the classes 0, 1, 2, … "
                              "without gaps")
        return [by_index[i] for i in range(len(by_index))]
    if isinstance(value, list):
        return value
    raise LabelsError("the json labels file must hold a list of names or {index: name}")


def parse_labels(data: bytes) -> tuple[str, ...]:
    """Names in class order; control characters and over-long names are refused."""
    if len(data) > MAX_LABEL_BYTES:
        raise LabelsError(f"the labels file is larger than {MAX_LABEL_BYTES // 2**20} MB")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise LabelsError("the labels file is not UTF-8 text") from None
    if text.lstrip().startswith(("[", "{")):
        try:
            names = _from_json(json.loads(text))
        except json.JSONDecodeError as err:
            raise LabelsError(f"the labels file is not valid json (line {err.lineno})") from None
    else:
        names = text.rstrip("\r\n").splitlines()
    for i, name in enumerate(names):
        if not isinstance(name, str) or not name.strip():
            raise LabelsError(f"label {i} is empty or not text")
        if len(name) > MAX_LABEL_CHARS or not name.isprintable():
            raise LabelsError(f"label {i} is longer than {MAX_LABEL_CHARS} characters or holds "
                              "control characters")
    if not names:
        raise LabelsError("the labels file is empty")
    return tuple(name.strip() for name in names)
