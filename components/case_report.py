"""A case report as a PDF made in memory (reportlab): what was explained, how, and how well.

It carries the model's name and weights digest, the input's pixel digest (never a file name),
the windows used, the prediction, each map with its colour bar, parameters and scores, the
sanity verdict where one was run, the date and the software version. It is built only from
the facts given here, which hold no patient or study attribute, so none can reach it.
"""
from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import datetime, timezone

import numpy as np
from matplotlib import colormaps
from PIL import Image
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import (Image as PdfImage, KeepTogether, Paragraph, SimpleDocTemplate,
                                Spacer, Table, TableStyle)
from xml.sax.saxutils import escape

from explainers.metrics import schema

DISCLAIMER = ("Not a diagnostic device. Explanations show what drove this model's output; "
              "they are not a diagnosis. The bundled phantom model is a synthetic teaching "
              "model; the brain MRI model is a third-party package's, measured here on 17 "
              "slices only.")


def param_text(key: str, value: object) -> str:
    """``layer=-1`` as "layer: last convolutional block", other parameters as key: value."""
    if key == "layer" and value == -1:
        return "layer: the last convolutional block"
    if key == "layer" and isinstance(value, int) and value < 0:
        return f"layer: block {value} from the end"
    return f"{key.replace('_', ' ')}: {value}"


def grouped(digest: str, size: int = 16) -> str:
    """A hex digest in blocks of ``size``, so it wraps inside its table cell."""
    return " ".join(digest[i:i + size] for i in range(0, len(digest), size))


@dataclass(frozen=True)
class MapEntry:
    """One explanation map as reported: overlay image, colormap and its facts."""

    title: str
    overlay: np.ndarray  # (H, W, 3) uint8
    cmap: str
    signed: bool
    params: dict[str, object]
    scores: dict[str, float] = field(default_factory=dict)  # localisation and faithfulness
    sanity: str | None = None
    faithfulness: str | None = None  # the ROAD verdict in words, where it was run


@dataclass(frozen=True)
class CaseFacts:
    model: str
    weights_sha256: str
    input_digest: str
    windows: tuple[tuple[str, str], ...]  # (role, description)
    prediction: tuple[tuple[str, float], ...]  # (label, probability), highest first
    explained: str
    maps: tuple[MapEntry, ...]
    software: str
    technical: tuple[tuple[str, str], ...] = ()
    warnings: tuple[str, ...] = ()  # out-of-distribution sentences, shown first
    ground_truth: str = ""  # where the localisation mask came from, if any
    created: str = field(default_factory=lambda: datetime.now(timezone.utc)
                         .strftime("%Y-%m-%d %H:%M UTC"))


def _png_flowable(rgb: np.ndarray, width_mm: float) -> PdfImage:
    buffer = io.BytesIO()
    Image.fromarray(rgb).save(buffer, format="PNG")
    buffer.seek(0)
    height = width_mm * rgb.shape[0] / rgb.shape[1]
    return PdfImage(buffer, width=width_mm * mm, height=height * mm)


def colour_bar(cmap: str, signed: bool, length: int = 256) -> np.ndarray:
    """A horizontal (12, length, 3) strip of the colormap, low on the left."""
    row = (colormaps[cmap](np.linspace(0, 1, length))[:, :3] * 255).round().astype(np.uint8)
    return np.repeat(row[None], 12, axis=0)


def _table(rows: list[list[str]], widths: list[float] | None = None,
           size: float | None = None) -> Table:
    style = getSampleStyleSheet()["BodyText"]
    if size:
        style = style.clone("small", fontSize=size, leading=size * 1.2)
    cells = [[Paragraph(escape(str(c)), style) for c in row] for row in rows]
    table = Table(cells, colWidths=[w * mm for w in widths] if widths else None, hAlign="LEFT")
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.3, colors.grey),
                               ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return table


def _side_by_side(rows: tuple[tuple[str, str], ...]) -> list[list[str]]:
    """Label/value pairs two to a row, so the image's attributes take half the height."""
    cells = [[str(label), str(value)] for label, value in rows]
    cells += [["", ""]] * (len(cells) % 2)
    return [cells[i] + cells[i + 1] for i in range(0, len(cells), 2)]


def _map_block(entry: MapEntry, styles) -> KeepTogether:
    low, high = ("−max", "+max") if entry.signed else ("low", "high")
    bar = Table([[Paragraph(low, styles["BodyText"]), _png_flowable(colour_bar(
        entry.cmap, entry.signed), 35), Paragraph(high, styles["BodyText"])]], hAlign="LEFT",
                colWidths=[13 * mm, 37 * mm, 13 * mm])
    params = "; ".join(param_text(k, v) for k, v in entry.params.items()) or "defaults"
    rows = [["Parameters", params]] + [[schema.label(k), f"{v:.3f}"]
                                       for k, v in entry.scores.items()]
    if entry.faithfulness:
        rows.append(["Faithfulness against random maps", entry.faithfulness])
    if entry.sanity:
        rows.append(["Sanity check", entry.sanity])
    side = Table([[[_png_flowable(entry.overlay, 48), bar], _table(rows, [58, 47], size=8)]],
                 colWidths=[62 * mm, 108 * mm], hAlign="LEFT")
    side.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return KeepTogether([Paragraph(escape(entry.title), styles["Heading3"]), side,
                         Spacer(1, 3 * mm)])


def case_report_pdf(facts: CaseFacts) -> bytes:
    """The report as PDF bytes; nothing is written to disk."""
    styles = getSampleStyleSheet()
    warning = styles["BodyText"].clone("warning", textColor=colors.HexColor("#b00020"),
                                       fontName="Helvetica-Bold")
    story = [Paragraph("Explanation case report", styles["Title"]),
             Paragraph(escape(DISCLAIMER), styles["Italic"]), Spacer(1, 3 * mm),
             *[Paragraph(escape("Out of distribution: " + w), warning) for w in facts.warnings],
             Spacer(1, 2 * mm),
             _table([["Model", facts.model], ["Weights SHA-256", grouped(facts.weights_sha256)],
                     ["Input pixel SHA-256", grouped(facts.input_digest)],
                     *([["Ground truth", facts.ground_truth]] if facts.ground_truth else []),
                     *[[f"Window ({role})", text] for role, text in facts.windows],
                     ["Prediction", " · ".join(f"{label} {p:.1%}" for label, p
                                               in facts.prediction)],
                     ["Explained class", facts.explained], ["Created", facts.created],
                     ["Software", facts.software]], [45, 125]),
             *([Spacer(1, 2 * mm), _table(_side_by_side(facts.technical), [36, 49, 36, 49], size=8)]
               if facts.technical else []),
             ]
    blocks = [_map_block(entry, styles) for entry in facts.maps]
    heading = Paragraph("Maps", styles["Heading2"])  # kept on the first map's page
    first = blocks[0]._content if blocks else []  # flat: a nested KeepTogether breaks early
    story += [KeepTogether([heading, *first]), *blocks[1:]]
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=A4, topMargin=14 * mm, bottomMargin=14 * mm,
                      title="Explanation case report", author="",
                      subject="", creator="explanation dashboard").build(story)
    return buffer.getvalue()
