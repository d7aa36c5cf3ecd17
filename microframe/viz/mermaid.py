"""Mermaid flowcharts of a Sequential model, drawn from its live weights.

Small Dense networks get one node per unit and one edge per weight. Other
models get one node per layer with its shape and parameter count, and with
activation and weight statistics when an input is given.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from microframe.activations import ReLU, Sigmoid, Tanh
from microframe.errors import ConfigurationError, ShapeError
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

if TYPE_CHECKING:
    from microframe.model import Sequential

# A sigmoid or tanh output counts as saturated within this distance of its
# limits. There the derivative is below 0.01 for sigmoid (peak 0.25) and
# 0.02 for tanh (peak 1), so little gradient flows back through the unit.
SATURATION_MARGIN = 0.01

# Fill and stroke colours per node class, shared with the matplotlib drawing.
NODE_COLOURS = {
    "input": ("#dbeafe", "#1d4ed8"),
    "hidden": ("#dcfce7", "#15803d"),
    "output": ("#fde68a", "#b45309"),
    "weights": ("#dcfce7", "#15803d"),
    "activation": ("#fce7f3", "#be185d"),
    "other": ("#e5e7eb", "#374151"),
}
POSITIVE_EDGE = "#2563eb"
NEGATIVE_EDGE = "#dc2626"

_VIEWS = ("auto", "units", "layers")


def to_mermaid(
    model: Sequential,
    x: Any = None,
    *,
    view: str = "auto",
    sample: int = 0,
    precision: int = 3,
    max_units: int = MAX_UNITS,
) -> str:
    """Return the text of a Mermaid ``flowchart LR`` of ``model``.

    Args:
        model: the model to draw; it is not changed.
        x: optional input, one sample ``(D,)`` or a batch ``(N, D)``. The
            unit view labels each unit with its value for row ``sample``;
            the layer view shows statistics over the whole batch.
        view: ``"units"`` for one node per unit and one edge per weight,
            ``"layers"`` for one node per layer, or ``"auto"``. Auto picks
            units when every layer is Dense or an activation, no layer has
            more than ``max_units`` units, and ``x`` (if given) is ``(D,)``
            or ``(N, D)``. Otherwise it picks layers.
        sample: the row of ``x`` shown in the unit view.
        precision: decimals shown for values and weights.
        max_units: the widest layer the ``"auto"`` view draws unit by unit.

    Returns:
        Mermaid source; render it with the Mermaid CLI or paste it into a
        Markdown ``mermaid`` fence.

    Raises:
        ConfigurationError: for an unknown ``view``, or ``"units"`` on a
            model that is not a stack of Dense layers and activations.
        ShapeError: when ``sample`` is not a row of ``x``, or for
            ``"units"`` with an ``x`` of more than two axes.
        InputValueError: when ``x`` holds NaN or infinity.

    Example:
        >>> text = model.to_mermaid(np.array([0.5, 0.1, -0.2]))
        >>> text.splitlines()[0]
        'flowchart LR'
    """
    if view not in _VIEWS:
        raise ConfigurationError(
            f"to_mermaid: view must be one of {_VIEWS}, got {view!r}."
        )
    small = is_small_dense(model, max_units)
    if view == "units" and not is_small_dense(model, max_units=10**9):
        raise ConfigurationError(
            "to_mermaid: view='units' needs a model made of Dense layers and "
            "activations that starts with Dense; use view='layers'."
        )
    batch = None if x is None else as_batch(model, x, "to_mermaid x")
    if view == "units" and batch is not None and not draws_units(batch):
        raise ShapeError(
            "to_mermaid: view='units' shows one value per unit, so x must be "
            f"(D,) or (N, D), got shape {batch.shape}; use view='layers'."
        )
    outputs = None if batch is None else layer_outputs(model, batch)
    if view == "units" or (view == "auto" and small and draws_units(batch)):
        check_view_options(batch, sample, precision, "to_mermaid")
        columns = unit_layers(model, outputs, sample)
        if batch is not None:
            columns[0].values = batch[sample]
        return _unit_chart(columns, precision)
    check_view_options(None, sample, precision, "to_mermaid")
    return _layer_chart(model, batch, outputs, precision)


def unit_node_id(column: int, unit: int) -> str:
    """Return the Mermaid node id of ``unit`` in ``column`` (0 is the input)."""
    return f"n{column}_{unit}"


def unit_label(column: UnitLayer, unit: int, precision: int) -> str:
    """Return a unit's label: its name, then its value when known."""
    name = f"{column.prefix}{unit + 1}"
    parts = [name]
    if column.values is not None:
        parts.append(f"{float(column.values[unit]):.{precision}f}")
    if column.bias is not None:
        parts.append(f"b={float(column.bias[unit]):.{precision}f}")
    return "<br/>".join(parts)


def _unit_chart(columns: list[UnitLayer], precision: int) -> str:
    lines = ["flowchart LR"]
    for index, column in enumerate(columns):
        lines.append(f'  subgraph L{index}["{column.title}"]')
        lines.append("    direction TB")
        for unit in range(column.size):
            label = unit_label(column, unit, precision)
            lines.append(f'    {unit_node_id(index, unit)}(("{label}"))')
        lines.append("  end")

    positive: list[int] = []
    negative: list[int] = []
    for index in range(1, len(columns)):
        weight = columns[index].weight
        assert weight is not None  # every column after the input has weights
        for source in range(weight.shape[0]):
            for target in range(weight.shape[1]):
                value = float(weight[source, target])
                edge = len(positive) + len(negative)
                (positive if value >= 0 else negative).append(edge)
                lines.append(
                    f"  {unit_node_id(index - 1, source)} -->"
                    f'|"{value:.{precision}f}"| {unit_node_id(index, target)}'
                )

    for kind in ("input", "hidden", "output"):
        members = [
            unit_node_id(index, unit)
            for index, column in enumerate(columns)
            if column.kind == kind
            for unit in range(column.size)
        ]
        lines.append(_class_def(kind))
        if members:
            lines.append(f"  class {','.join(members)} {kind}")
    for edges, colour in ((positive, POSITIVE_EDGE), (negative, NEGATIVE_EDGE)):
        if edges:
            joined = ",".join(str(edge) for edge in edges)
            lines.append(f"  linkStyle {joined} stroke:{colour}")
    return "\n".join(lines) + "\n"


def _class_def(kind: str) -> str:
    fill, stroke = NODE_COLOURS[kind]
    return f"  classDef {kind} fill:{fill},stroke:{stroke},color:#111827"


def layer_statistics(layer: Any, output: Array | None, precision: int) -> list[str]:
    """Return label lines with output and weight statistics for one layer.

    Output lines give the mean and standard deviation over the batch, and
    the fraction of saturated outputs after Sigmoid or Tanh. After ReLU
    they give the fraction of dead units, the features or channels (last
    axis) that are zero for every sample and position of the batch.
    """
    lines = []
    if output is not None:
        lines.append(
            f"out mean {output.mean():.{precision}f}, std {output.std():.{precision}f}"
        )
        if isinstance(layer, Sigmoid):
            saturated = (output < SATURATION_MARGIN) | (output > 1 - SATURATION_MARGIN)
            lines.append(f"saturated {saturated.mean():.0%}")
        elif isinstance(layer, Tanh):
            saturated = np.abs(output) > 1 - SATURATION_MARGIN
            lines.append(f"saturated {saturated.mean():.0%}")
        elif isinstance(layer, ReLU):
            # A unit is a feature or channel, the last axis, so a
            # convolution filter counts as dead only at every position.
            dead = np.all(output.reshape(-1, output.shape[-1]) <= 0, axis=0)
            lines.append(f"dead units {dead.mean():.0%}")
    if output is not None:
        for key, param in layer.params.items():
            lines.append(
                f"{key} mean {param.mean():.{precision}f}, "
                f"std {param.std():.{precision}f}"
            )
    return lines


def _layer_chart(
    model: Sequential,
    batch: Array | None,
    outputs: list[Array] | None,
    precision: int,
) -> str:
    shapes = output_shapes(model, outputs)
    lines = ["flowchart LR"]
    input_shape = None if batch is None else (None,) + batch.shape[1:]
    if input_shape is None and shapes and shapes[0] is not None:
        first = model.layers[0]
        input_shape = (None, getattr(first, "in_features", None))
    lines.append(f'  x_in[/"input<br/>{format_shape(input_shape)}"/]')
    previous = "x_in"
    kinds: dict[str, list[str]] = {"input": ["x_in"]}
    for index, layer in enumerate(model.layers):
        node = f"layer{index}"
        label = [
            f"{index}: {layer.name}",
            f"out {format_shape(shapes[index])}",
            f"{layer.count_params():,} params",
        ]
        output = None if outputs is None else outputs[index]
        label += layer_statistics(layer, output, precision)
        lines.append(f'  {node}["{"<br/>".join(label)}"]')
        lines.append(f"  {previous} --> {node}")
        kinds.setdefault(layer_kind(layer), []).append(node)
        previous = node
    for kind, nodes in kinds.items():
        lines.append(_class_def(kind))
        lines.append(f"  class {','.join(nodes)} {kind}")
    return "\n".join(lines) + "\n"
