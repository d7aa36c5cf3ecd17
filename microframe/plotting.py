"""Training curves as a PNG, drawn with matplotlib (an optional dependency)."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path

from microframe._optional import import_optional
from microframe.errors import NotFittedError


def plot_history(
    history: Mapping[str, Sequence[float]],
    epochs: Sequence[int],
    path: str | os.PathLike[str],
) -> Path:
    """Draw one panel per quantity (train and ``val_`` curves) and save a PNG.

    Uses matplotlib's object API with the Agg canvas, so the global pyplot
    state and backend are left alone.
    """
    figure_module = import_optional(
        "matplotlib.figure", "microframe[plot]", "History.plot"
    )
    agg_module = import_optional(
        "matplotlib.backends.backend_agg", "microframe[plot]", "History.plot"
    )
    if not epochs:
        raise NotFittedError(
            "History.plot: the history has no epochs; train with fit(epochs>=1) "
            "before plotting."
        )

    names = [key for key in history if not key.startswith("val_")]
    names += [
        key[4:] for key in history if key.startswith("val_") and key[4:] not in names
    ]
    figure = figure_module.Figure(figsize=(4.5 * len(names), 3.5), layout="constrained")
    agg_module.FigureCanvasAgg(figure)
    x = [epoch + 1 for epoch in epochs]
    for index, name in enumerate(names):
        axes = figure.add_subplot(1, len(names), index + 1)
        if name in history:
            axes.plot(x, history[name], marker="o", markersize=3, label="train")
        if f"val_{name}" in history:
            axes.plot(
                x, history[f"val_{name}"], marker="o", markersize=3, label="validation"
            )
        axes.set_title(name)
        axes.set_xlabel("epoch")
        axes.grid(alpha=0.3)
        axes.legend()

    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(target, format="png", dpi=100)
    return target
