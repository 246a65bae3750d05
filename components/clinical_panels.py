"""Rendering for the clinical page: technical attributes, localisation captions, panels."""
from __future__ import annotations

import html

from components.grid import Panel

SCORE_LABELS = {"pointing_game": "pointing game", "energy_pointing_game": "energy in mask",
                "relevance_mass": "relevance mass", "iou_otsu": "IoU (Otsu)",
                "iou_top_k": "IoU (top 10%)"}


def technical_html(rows: tuple[tuple[str, str], ...]) -> str:
    """The allow-listed technical attributes as a small table (values escaped)."""
    cells = "".join(f"<tr><th style='text-align:left;padding-right:8px'>{html.escape(k)}</th>"
                    f"<td>{html.escape(v)}</td></tr>" for k, v in rows)
    return f"<table class='technical' style='font-size:0.85em'>{cells}</table>"


def localisation_caption(scores: dict[str, float]) -> str:
    hit = "hit" if scores["pointing_game"] >= 1 else "miss"
    rest = ", ".join(f"{SCORE_LABELS[k]} {scores[k]:.2f}" for k in list(SCORE_LABELS)[1:])
    return f"Pointing game {hit}; {rest}"


def clinical_panel(title: str, lines: list[str], drawn: tuple,
                   badge: tuple[str, str] | None = None) -> Panel:
    return Panel(title, tuple(line for line in lines if line),
                 tuple(image for image, _ in drawn), badge, tuple(uri for _, uri in drawn))
