"""Tokens coloured by their scores, as escaped HTML: user text never becomes markup."""
from __future__ import annotations

import html

import numpy as np

from components.colormaps import colorize

TOKEN_CMAP = "Oranges"  # light at zero, so unimportant words stay readable


def readable_token(token: str) -> str:
    return token.replace("##", "").replace("\u0120", " ").replace("\u2581", " ")


def token_html(tokens: tuple[str, ...], scores: np.ndarray, signed: bool,
               special: tuple[bool, ...] | None = None) -> str:
    """One ``<span>`` per token with its score as background and in a tooltip."""
    colours = colorize(np.asarray(scores), signed, None if signed else TOKEN_CMAP)
    spans = []
    for i, (token, rgb, score) in enumerate(zip(tokens, colours, scores)):
        if special is not None and special[i]:
            continue
        luminance = 0.299 * rgb[0] + 0.587 * rgb[1] + 0.114 * rgb[2]
        text = "#fff" if luminance < 140 else "#000"
        spans.append(
            f'<span title="{html.escape(token)}: {float(score):+.4f}" style="background:'
            f'rgb({rgb[0]},{rgb[1]},{rgb[2]});color:{text};padding:2px 3px;margin:1px;'
            f'border-radius:3px;display:inline-block">{html.escape(readable_token(token))}</span>')
    return '<div class="token-row" style="line-height:2">' + "".join(spans) + "</div>"
