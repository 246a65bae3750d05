"""Tokens coloured by their scores, as escaped HTML: user text never becomes markup.

Every string that came from the user (tokens, words, model labels) passes through
``safe_text``: HTML-escaped, control characters shown as their Unicode pictures, and each
cell isolated for bidirectional text so a right-to-left or override character cannot
reorder its neighbours.
"""
from __future__ import annotations

import html
from dataclasses import dataclass

import numpy as np

from components.colormaps import colorize

TOKEN_CMAP = "Oranges"  # light at zero, so unimportant words stay readable
CELL = "padding:3px 5px;border-radius:3px;white-space:pre;unicode-bidi:isolate"
TABLE_STYLE = ("<style>.token-table{border-collapse:separate;border-spacing:2px;font-size:.9rem}"
               f".token-table td,.token-table th{{{CELL};text-align:center;font-weight:400}}"
               ".token-table th.method{text-align:left;font-weight:600;position:sticky;left:0;"
               "background:var(--background-color,#fff);z-index:1;white-space:normal;"
               "min-width:12em;max-width:17em}"
               ".token-table .facts{font-weight:400;font-size:.75rem;opacity:.75}</style>")


def safe_text(text: str) -> str:
    """Escaped for HTML, with C0/C1 control characters made visible."""
    shown = "".join(chr(0x2400 + ord(c)) if ord(c) < 0x20 else "\u2421" if ord(c) == 0x7F
                    else "\ufffd" if 0x80 <= ord(c) < 0xA0 else c for c in text)
    return html.escape(shown, quote=True)


def readable_token(token: str) -> str:
    return token.replace("##", "").replace("\u0120", " ").replace("\u2581", " ")


def cell_colours(scores: np.ndarray, signed: bool) -> tuple[np.ndarray, list[str]]:
    """Background RGB per score (diverging if signed) and a readable text colour for each."""
    colours = colorize(np.asarray(scores, dtype=np.float64), signed, None if signed else TOKEN_CMAP)
    ink = ["#fff" if 0.299 * r + 0.587 * g + 0.114 * b < 140 else "#000" for r, g, b in colours]
    return colours, ink


def token_html(tokens: tuple[str, ...], scores: np.ndarray, signed: bool,
               special: tuple[bool, ...] | None = None) -> str:
    """One ``<span>`` per token with its score as background and in a tooltip."""
    keep = [i for i in range(len(tokens)) if special is None or not special[i]]
    colours, ink = cell_colours(np.asarray(scores)[keep], signed)
    spans = [f'<span title="{safe_text(tokens[i])}: {float(scores[i]):+.4f}" style="background:'
             f'rgb({c[0]},{c[1]},{c[2]});color:{t};margin:1px;display:inline-block;{CELL}">'
             f'{safe_text(readable_token(tokens[i]))}</span>'
             for i, c, t in zip(keep, colours, ink)]
    return '<div class="token-row" style="line-height:2">' + "".join(spans) + "</div>"


@dataclass(frozen=True)
class TokenRow:
    """One method's row: its title, per-column scores, colormap kind and the row's facts."""

    title: str
    scores: np.ndarray
    signed: bool
    facts: tuple[str, ...] = ()


def score_cells(columns: tuple[str, ...], row: TokenRow) -> str:
    """The row's cells: each column's text on its score's colour, the score in a tooltip."""
    colours, ink = cell_colours(row.scores, row.signed)
    return "".join(
        f'<td class="token-cell" title="{safe_text(c)}: {float(s):+.4f}" style="background:'
        f'rgb({rgb[0]},{rgb[1]},{rgb[2]});color:{t}">{safe_text(c)}</td>'
        for c, s, rgb, t in zip(columns, row.scores, colours, ink))


def token_table_html(columns: tuple[str, ...], rows: list[TokenRow],
                     fact_names: tuple[str, ...] = ()) -> str:
    """Methods as rows over the same token columns; each row scaled and coloured alone.

    Each row's facts (seconds, deletion score, ...) sit under the method's name in the
    sticky first column, so they stay in view when a long sentence scrolls sideways.
    """
    def facts(row: TokenRow) -> str:
        shown = [f"{name} {value}".strip() for name, value in zip(fact_names, row.facts) if value]
        return f'<div class="facts">{safe_text(" · ".join(shown))}</div>' if shown else ""

    body = "".join(
        f'<tr class="method-row"><th class="method">{safe_text(r.title)}{facts(r)}</th>'
        + score_cells(columns, r) + "</tr>"
        for r in rows)
    return (f'{TABLE_STYLE}<div style="overflow-x:auto"><table class="token-table">'
            f"<tbody>{body}</tbody></table></div>")
