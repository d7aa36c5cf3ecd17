"""Shared view of a Sequential model for the diagrams and plots.

The diagram functions read a model without changing it: forward passes run
on a deep copy, so the layers' cached inputs and the model's generator are
left as they were.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from microframe._validation import as_float_array, check_finite, check_positive_int
from microframe.activations import Activation
from microframe.errors import InputTypeError, ShapeError
from microframe.layers.base import Array, Layer
from microframe.layers.dense import Dense

if TYPE_CHECKING:
    from microframe.model import Sequential

# The unit view draws one node per unit only up to this many units per layer;
# wider layers switch to one node per layer.
MAX_UNITS = 12


@dataclass
class UnitLayer:
    """One column of units in the unit view: the input or a Dense layer.

    Attributes:
        title: subgraph title with the activations, such as
            ``"hidden 1: Sigmoid"``.
        kind: ``"input"``, ``"hidden"`` or ``"output"``.
        prefix: node label prefix, such as ``"x"`` or ``"h1_"``.
        size: number of units.
        weight: incoming weights ``(D_in, D_out)``; ``None`` for the input.
        bias: the bias ``(D_out,)``, or ``None``.
        values: the units' values for the chosen sample, or ``None``.
    """

    title: str
    kind: str
    prefix: str
    size: int
    weight: Array | None = None
    bias: Array | None = None
    values: Array | None = None


def as_batch(model: Sequential, x: Any, name: str) -> Array:
    """Convert ``x`` to a batch in the model's dtype, adding a batch axis to 1-D."""
    array = as_float_array(x, name, model.dtype)
    if array.ndim == 1:
        array = array[np.newaxis, :]
    if array.ndim == 0 or len(array) == 0:
        raise ShapeError(
            f"{name}: expected one sample (D,) or a batch (N, D) with N >= 1, "
            f"got shape {array.shape}; pass at least one row."
        )
    check_finite(array, name)
    return array


def check_view_options(
    batch: Array | None, sample: int, precision: int, component: str
) -> None:
    """Check that ``sample`` is a row of ``batch`` and ``precision`` is >= 0."""
    check_positive_int(precision, f"{component} precision", minimum=0)
    if batch is not None and not 0 <= sample < len(batch):
        raise ShapeError(
            f"{component}: sample must be a row index of x, below "
            f"{len(batch)}, got {sample}."
        )


def draws_units(batch: Array | None) -> bool:
    """Return whether ``batch`` gives one value per unit: no x, or rows (N, D)."""
    return batch is None or batch.ndim == 2


def layer_outputs(model: Sequential, x: Array) -> list[Array]:
    """Return every layer's output for ``x``, computed on a copy of the model."""
    layers = copy.deepcopy(model.layers)
    outputs = []
    out = x
    for layer in layers:
        out = forward_layer(layer, out, training=False)
        outputs.append(out)
    return outputs


def forward_layer(layer: Layer, x: Array, training: bool) -> Array:
    """Run ``layer.forward`` and check that it returned an array, as fit does."""
    out = layer.forward(x, training=training)
    if not isinstance(out, np.ndarray):
        raise InputTypeError(
            f"{layer.name}.forward: expected the output as a NumPy array, got "
            f"{type(out).__name__}; return the layer's output array."
        )
    return out


def is_small_dense(model: Sequential, max_units: int = MAX_UNITS) -> bool:
    """Return whether every layer is Dense or an activation, none wider than max_units.

    The model must also start with a Dense layer, so the input width is known.
    """
    layers = model.layers
    if not layers or not isinstance(layers[0], Dense):
        return False
    for layer in layers:
        if isinstance(layer, Dense):
            if max(layer.in_features, layer.out_features) > max_units:
                return False
        elif not isinstance(layer, Activation):
            return False
    return True


def unit_layers(
    model: Sequential, outputs: list[Array] | None, sample: int
) -> list[UnitLayer]:
    """Group a small Dense model into columns of units, one per Dense layer.

    Activations after a Dense layer join its column, and the column's values
    are the output of the last of them for row ``sample``.
    """
    first = model.layers[0]
    assert isinstance(first, Dense)  # is_small_dense checked it
    columns = [UnitLayer("input", "input", "x", first.in_features)]
    dense_positions = [
        i for i, layer in enumerate(model.layers) if isinstance(layer, Dense)
    ]
    for number, start in enumerate(dense_positions, start=1):
        stop = (
            dense_positions[number]
            if number < len(dense_positions)
            else len(model.layers)
        )
        dense = model.layers[start]
        assert isinstance(dense, Dense)
        # Mermaid sizes a subgraph by its nodes, so a long title is cut
        # off: name only the activations, the units show the width.
        names = [layer.name for layer in model.layers[start + 1 : stop]]
        is_output = number == len(dense_positions)
        kind = "output" if is_output else "hidden"
        title = "output" if is_output else f"hidden {number}"
        prefix = "y" if is_output else f"h{number}_"
        if len(dense_positions) == 2 and not is_output:
            prefix = "h"
        column = UnitLayer(
            title=f"{title}: {' + '.join(names) or 'linear'}",
            kind=kind,
            prefix=prefix,
            size=dense.out_features,
            weight=dense.params["weight"],
            bias=dense.params.get("bias"),
        )
        if outputs is not None:
            column.values = outputs[stop - 1][sample]
        columns.append(column)
    return columns


def layer_kind(layer: Layer) -> str:
    """Return ``"weights"``, ``"activation"`` or ``"other"`` for colouring."""
    if layer.params:
        return "weights"
    if isinstance(layer, Activation):
        return "activation"
    return "other"


def output_shapes(
    model: Sequential, outputs: list[Array] | None
) -> list[tuple[int | None, ...] | None]:
    """Return each layer's output shape, with ``None`` for the batch axis.

    Without outputs the shapes come from ``compute_output_shape``, starting
    from the first layer's ``in_features``; they are ``None`` when unknown.
    """
    if outputs is not None:
        return [(None,) + out.shape[1:] for out in outputs]
    in_features = (
        getattr(model.layers[0], "in_features", None) if model.layers else None
    )
    shape: tuple[int | None, ...] | None = (
        None if in_features is None else (None, in_features)
    )
    shapes: list[tuple[int | None, ...] | None] = []
    for layer in model.layers:
        if shape is not None:
            shape = layer.compute_output_shape(shape)
        shapes.append(shape)
    return shapes


def format_shape(shape: tuple[int | None, ...] | None) -> str:
    """Return ``"(N, 4)"`` for ``(None, 4)`` and ``"?"`` for an unknown shape."""
    if shape is None:
        return "?"
    return "(" + ", ".join("N" if size is None else str(size) for size in shape) + ")"
