"""Pictures and explanations of a model: Mermaid diagrams, PNG plots and a
training step written out layer by layer."""

from microframe.viz.explain import LayerStep, StepExplanation, explain_step
from microframe.viz.mermaid import to_mermaid
from microframe.viz.plots import (
    plot_decision_boundary,
    plot_gradient_histograms,
    plot_model,
    plot_weight_histograms,
)
from microframe.viz.render import render_mermaid

__all__ = [
    "LayerStep",
    "StepExplanation",
    "explain_step",
    "plot_decision_boundary",
    "plot_gradient_histograms",
    "plot_model",
    "plot_weight_histograms",
    "render_mermaid",
    "to_mermaid",
]
