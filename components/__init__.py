"""Rendering only: overlays, token highlights, Plotly figures. No model code."""
