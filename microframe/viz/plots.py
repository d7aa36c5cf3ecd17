"""PNG pictures with matplotlib: the network diagram, decision boundaries and
histograms of weights and gradients.

matplotlib is an optional extra (``pip install "microframe[plot]"``); each
function raises ``MissingDependencyError`` naming it when it is missing.
Figures are drawn on the Agg canvas without pyplot, so no window opens and
no global figure state changes.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from microframe._validation import as_numeric_array, check_same_length
from microframe.errors import MissingDependencyError, NotFittedError, ShapeError
from microframe.layers.base import Array
from microframe.viz._network import (
    MAX_UNITS,
    UnitLayer,
    as_batch,
    check_view_options,
    draws_units,
    format_shape,
    is_small_dense,
    layer_kind,
    layer_outputs,
    output_shapes,
    unit_layers,
)
from microframe.viz.mermaid import (
    NEGATIVE_EDGE,
    NODE_COLOURS,
    POSITIVE_EDGE,
    layer_statistics,
    unit_label,
)

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from microframe.model import Sequential


def _new_figure(width: float, height: float) -> Figure:
    try:
        figure_module = importlib.import_module("matplotlib.figure")
        agg = importlib.import_module("matplotlib.backends.backend_agg")
    except ImportError:
        raise MissingDependencyError(
            "microframe.viz: plotting needs matplotlib, which is not installed; "
            'install it with pip install "microframe[plot]".'
        ) from None
    figure: Figure = figure_module.Figure(figsize=(width, height), dpi=100)
    agg.FigureCanvasAgg(figure)
    return figure


def _save(figure: Figure, path: str | Path) -> Path:
    target = Path(path)
    # As History.plot does, create the folder rather than fail inside matplotlib.
    target.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(target, format="png", bbox_inches="tight")
    return target


def plot_model(
    model: Sequential,
    path: str | Path,
    x: Any = None,
    *,
    sample: int = 0,
    precision: int = 3,
    max_units: int = MAX_UNITS,
) -> Path:
    """Draw the ``to_mermaid`` diagram of ``model`` with matplotlib as a PNG.

    Small Dense networks are drawn unit by unit with each weight on its
    edge, blue when positive and red when negative. Other models are drawn
    as a chain of boxes, one per layer. The model is not changed.

    Args:
        model: the model to draw.
        path: the PNG file to write.
        x: optional input ``(D,)`` or ``(N, D)``, as for ``to_mermaid``.
        sample: the row of ``x`` whose values label the units.
        precision: decimals shown for values and weights.
        max_units: the widest layer drawn unit by unit.

    Returns:
        The path written.
    """
    batch = None if x is None else as_batch(model, x, "plot x")
    outputs = None if batch is None else layer_outputs(model, batch)
    if is_small_dense(model, max_units) and draws_units(batch):
        check_view_options(batch, sample, precision, "plot")
        columns = unit_layers(model, outputs, sample)
        if batch is not None:
            columns[0].values = batch[sample]
        figure = _draw_units(columns, precision)
    else:
        check_view_options(None, sample, precision, "plot")
        figure = _draw_layers(model, outputs, precision)
    return _save(figure, path)


def _draw_units(columns: list[UnitLayer], precision: int) -> Figure:
    tallest = max(column.size for column in columns)
    figure = _new_figure(3.0 * len(columns), 1.2 * tallest + 1.0)
    axes = figure.add_subplot()
    axes.set_axis_off()
    axes.set_xlim(-0.6, len(columns) - 0.4)
    axes.set_ylim(-0.8, tallest)

    def position(column: int, unit: int) -> tuple[float, float]:
        size = columns[column].size
        return float(column), (tallest - 1) / 2 + (size - 1) / 2 - unit

    for index in range(1, len(columns)):
        weight = columns[index].weight
        assert weight is not None  # every column after the input has weights
        for source in range(weight.shape[0]):
            for target in range(weight.shape[1]):
                (x0, y0), (x1, y1) = (
                    position(index - 1, source),
                    position(index, target),
                )
                value = float(weight[source, target])
                colour = POSITIVE_EDGE if value >= 0 else NEGATIVE_EDGE
                axes.plot([x0, x1], [y0, y1], color=colour, linewidth=1, zorder=1)
                # Stagger the labels of edges leaving one unit so they do
                # not overlap near it.
                along = 0.25 + 0.4 * target / max(weight.shape[1] - 1, 1)
                axes.text(
                    x0 + along * (x1 - x0),
                    y0 + along * (y1 - y0),
                    f"{value:.{precision}f}",
                    fontsize=7,
                    ha="center",
                    va="center",
                    bbox={"facecolor": "white", "edgecolor": "none", "pad": 1},
                    zorder=2,
                )
    for index, column in enumerate(columns):
        fill, stroke = NODE_COLOURS[column.kind]
        axes.text(index, tallest - 0.4, column.title, ha="center", fontsize=8)
        for unit in range(column.size):
            label = unit_label(column, unit, precision).replace("<br/>", "\n")
            axes.text(
                *position(index, unit),
                label,
                ha="center",
                va="center",
                fontsize=8,
                bbox={
                    "boxstyle": "circle",
                    "facecolor": fill,
                    "edgecolor": stroke,
                },
                zorder=3,
            )
    return figure


def _draw_layers(
    model: Sequential, outputs: list[Array] | None, precision: int
) -> Figure:
    shapes = output_shapes(model, outputs)
    count = len(model.layers)
    figure = _new_figure(2.6 * max(count, 1), 2.4)
    axes = figure.add_subplot()
    axes.set_axis_off()
    axes.set_xlim(-0.6, count - 0.4)
    axes.set_ylim(-1, 1)
    for index, layer in enumerate(model.layers):
        lines = [
            f"{index}: {layer.name}",
            f"out {format_shape(shapes[index])}",
            f"{layer.count_params():,} params",
        ]
        output = None if outputs is None else outputs[index]
        lines += layer_statistics(layer, output, precision)
        fill, stroke = NODE_COLOURS[layer_kind(layer)]
        axes.text(
            index,
            0,
            "\n".join(lines),
            ha="center",
            va="center",
            fontsize=7,
            bbox={"boxstyle": "round", "facecolor": fill, "edgecolor": stroke},
        )
        if index:
            axes.annotate(
                "",
                xy=(index - 0.42, 0),
                xytext=(index - 0.58, 0),
                arrowprops={"arrowstyle": "->"},
            )
    return figure


def plot_decision_boundary(
    model: Sequential,
    x: Any,
    y: Any,
    path: str | Path,
    *,
    resolution: int = 200,
    margin: float = 0.5,
) -> Path:
    """Shade the class ``model`` predicts over the plane and scatter the data.

    A single output column is read as the probability of class 1 (the
    boundary is where it crosses 0.5); several columns are read by arg-max.

    Args:
        model: a trained model with two input features.
        x: the points, ``(N, 2)``.
        y: their labels ``(N,)``, or one-hot rows ``(N, C)``.
        path: the PNG file to write.
        resolution: grid points per axis.
        margin: space added around the data on each side.

    Returns:
        The path written.

    Raises:
        ShapeError: when ``x`` does not have two features.
    """
    points = as_batch(model, x, "plot_decision_boundary x")
    if points.ndim != 2 or points.shape[1] != 2:
        raise ShapeError(
            "plot_decision_boundary: expected x of shape (N, 2), got shape "
            f"{points.shape}; project the data to two features first."
        )
    labels = as_numeric_array(y, "plot_decision_boundary y")
    check_same_length(points, labels, "plot_decision_boundary")
    if labels.ndim == 2 and labels.shape[1] > 1:
        labels = labels.argmax(axis=1)
    labels = labels.reshape(len(points), -1)[:, 0]

    low = points.min(axis=0) - margin
    high = points.max(axis=0) + margin
    grid_x, grid_y = np.meshgrid(
        np.linspace(low[0], high[0], resolution),
        np.linspace(low[1], high[1], resolution),
    )
    grid = np.column_stack([grid_x.ravel(), grid_y.ravel()])
    predicted = model.predict(grid)
    if predicted.ndim == 1 or predicted.shape[1] == 1:
        classes = (predicted.reshape(-1) >= 0.5).astype(int)
    else:
        classes = predicted.argmax(axis=1)

    figure = _new_figure(5, 4.5)
    axes = figure.add_subplot()
    axes.contourf(grid_x, grid_y, classes.reshape(grid_x.shape), alpha=0.3)
    scatter = axes.scatter(points[:, 0], points[:, 1], c=labels, s=12)
    axes.legend(*scatter.legend_elements(), title="class", loc="best")
    axes.set_xlabel("feature 0")
    axes.set_ylabel("feature 1")
    return _save(figure, path)


def _histograms(
    arrays: list[tuple[str, Array]], path: str | Path, bins: int, title: str
) -> Path:
    figure = _new_figure(3.2 * len(arrays), 2.8)
    for index, (label, values) in enumerate(arrays, start=1):
        axes: Axes = figure.add_subplot(1, len(arrays), index)
        axes.hist(values.ravel(), bins=bins)
        axes.set_title(label, fontsize=8)
    figure.suptitle(title)
    return _save(figure, path)


def plot_weight_histograms(
    model: Sequential, path: str | Path, *, bins: int = 30
) -> Path:
    """Draw one histogram per parameter array (weights and biases) as a PNG.

    Raises:
        ShapeError: when the model has no parameters.
    """
    arrays = [
        (f"{index}: {layer.name} {key}", param)
        for index, layer in enumerate(model.layers)
        for key, param in layer.params.items()
    ]
    if not arrays:
        raise ShapeError(
            "plot_weight_histograms: the model has no parameters to plot; "
            "add a layer with weights such as Dense."
        )
    return _histograms(arrays, path, bins, "weights")


def plot_gradient_histograms(
    model: Sequential, path: str | Path, *, bins: int = 30
) -> Path:
    """Draw one histogram per gradient array from the last backward pass.

    Raises:
        NotFittedError: when no layer has gradients yet.
    """
    arrays = [
        (f"{index}: {layer.name} d{key}", grad)
        for index, layer in enumerate(model.layers)
        for key, grad in layer.grads.items()
    ]
    if not arrays:
        raise NotFittedError(
            "plot_gradient_histograms: no gradients found in any layer; run "
            "model.fit(...) or model.backward(...) first."
        )
    return _histograms(arrays, path, bins, "gradients")
