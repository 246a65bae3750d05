"""The "attention is not explanation" lesson: how far the prediction moves when the last
layer's attention is permuted, as a histogram beside the verdict."""
from __future__ import annotations

import plotly.graph_objects as go

from explainers.text.attention_permutation import AttentionPermutation

LESSON = ("Jain & Wallace (2019) asked whether attention explains a prediction: shuffle the "
          "attention weights over the tokens and see if the prediction moves. Wiegreffe & "
          "Pinter (2019) answered that it depends on the model and must be tested, not "
          "assumed. Here the last layer's attention of every head is reordered over the "
          "sentence's tokens (the other layers keep theirs).")


def permutation_figure(result: AttentionPermutation, label: str) -> go.Figure:
    """Histograms of how far the attention moved and how far the prediction moved."""
    fig = go.Figure()
    fig.add_trace(go.Histogram(x=result.attention_moved, name="attention moved",
                               marker_color="#b9770e", opacity=0.6, xbins=dict(size=0.02)))
    fig.add_trace(go.Histogram(x=result.output_tvd, name="prediction moved",
                               marker_color="#2471a3", opacity=0.75, xbins=dict(size=0.02)))
    fig.update_layout(barmode="overlay", height=260, margin=dict(l=0, r=0, t=30, b=0),
                      title=dict(text=f"{len(result.permuted)} permutations, class “{label}”",
                                 font=dict(size=12)),
                      xaxis=dict(title="total variation distance", range=[0, 1]),
                      yaxis_title="permutations", legend=dict(orientation="h", y=-0.3))
    return fig
