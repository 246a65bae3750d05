"""Issue 27: each colour legend sits under the panel it describes; placeholders are not panels."""
from __future__ import annotations

import re

import numpy as np

from components.grid import Panel, Pending, grid_html

IMAGE = np.zeros((8, 8, 3), np.uint8)


def test_each_panel_carries_its_own_legend():
    markup = grid_html([Panel("Grad-CAM", (), (IMAGE,), legend=("inferno", False)),
                        Panel("IG", (), (IMAGE,), legend=("RdBu_r", True)),
                        Pending("Score-CAM")], 3)
    figures = re.findall(r'<figure class="panel".*?</figure>', markup)
    assert len(figures) == 2 and markup.count('class="panel-pending"') == 1
    assert 'data-cmap="inferno" data-signed="0"' in figures[0] and "high importance" in figures[0]
    assert 'data-cmap="RdBu_r" data-signed="1"' in figures[1] and "for the class" in figures[1]
    assert 'class="colorbars"' not in markup  # no shared legend above every panel


def test_a_panel_without_a_legend_draws_none():
    assert "panel-colorbar" not in grid_html([Panel("x", (), (IMAGE,))], 1)
