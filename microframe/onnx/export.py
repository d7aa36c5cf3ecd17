"""``export``: write a ``Sequential`` model as an ONNX graph."""

from __future__ import annotations

import os
from collections.abc import Sequence
from types import ModuleType
from typing import Any

import numpy as np

from microframe._input_shape import check_input_shape
from microframe._optional import import_optional
from microframe.errors import ConfigurationError, InputTypeError, ShapeError
from microframe.layers.base import Layer
from microframe.model import Sequential
from microframe.onnx import activations, core, spatial
from microframe.onnx.builder import GraphBuilder
from microframe.onnx.registry import INTEGER_INPUT_LAYERS, Shape, converter_for

# The converter modules register their rules when imported.
_CONVERTER_MODULES = (activations, core, spatial)

# Opset 17 is the first with a LayerNormalization operator, so it is the
# oldest opset that every converter can target. Its IR version is 8.
DEFAULT_OPSET = 17
_IR_VERSIONS = {17: 8, 18: 8, 19: 9, 20: 9, 21: 10}
BATCH_AXIS_NAME = "N"


def export(
    model: Sequential,
    path: str | os.PathLike[str] | None,
    input_shape: Sequence[int] | None = None,
    *,
    opset: int = DEFAULT_OPSET,
    input_name: str = "input",
    output_name: str = "output",
) -> Any:
    """Convert ``model`` to an ONNX graph, check it and write it to ``path``.

    The graph computes ``model.predict`` in float32, so the weights of a
    float64 model are rounded to float32. Its input and output have a
    dynamic batch axis named ``"N"``. Dropout becomes the identity, as at
    inference.

    Args:
        model: the model to export.
        path: file to write; ``None`` returns the graph without writing it.
        input_shape: shape of one sample, without the batch axis, such as
            ``(30,)`` or ``(28, 28, 1)``. Defaults to ``(in_features,)``
            when the first layer has ``in_features``.
        opset: ONNX opset version, from 17 to 21.
        input_name: name of the graph's input.
        output_name: name of the graph's output.

    Returns:
        the ``onnx.ModelProto``, already checked with
        ``onnx.checker.check_model(proto, full_check=True)``.

    Raises:
        MissingDependencyError: when the ``onnx`` package is not installed.
        UnsupportedLayerError: for a layer without an ONNX converter.
        ConfigurationError: for an unknown opset or a missing input shape.
    """
    if not isinstance(model, Sequential):
        raise InputTypeError(
            "microframe.onnx.export: expected a Sequential model, got "
            f"{type(model).__name__}; wrap the layers in Sequential([...])."
        )
    onnx = import_optional("onnx", "microframe[onnx]", "microframe.onnx.export")
    if opset not in _IR_VERSIONS:
        raise ConfigurationError(
            f"microframe.onnx.export: opset must be one of {sorted(_IR_VERSIONS)}, "
            f"got {opset}."
        )
    input_shape_full: Shape = (None, *_sample_shape(model, input_shape))
    first = model.layers[0] if model.layers else None
    integer_input = type(first) in INTEGER_INPUT_LAYERS
    input_type = onnx.TensorProto.INT64 if integer_input else onnx.TensorProto.FLOAT

    builder = GraphBuilder(onnx)
    x, shape = input_name, input_shape_full
    for position, layer in enumerate(model.layers):
        _check_features(layer, position, shape)
        convert = converter_for(layer, position)
        x = convert(layer, builder, x, shape)
        shape = layer.compute_output_shape(shape)
        if any(size is not None and size < 1 for size in shape):
            # A kernel larger than the image: the layers name it best.
            hint = "it is one sample without the batch axis, such as (28, 28, 1)"
            check_input_shape(
                model.layers,
                input_shape_full,
                model.dtype,
                "microframe.onnx.export",
                hint,
                reported_shape=input_shape_full[1:],
            )
    builder.nodes.append(onnx.helper.make_node("Identity", [x], [output_name]))

    graph = onnx.helper.make_graph(
        builder.nodes,
        "microframe_sequential",
        [_value_info(onnx, input_name, input_type, input_shape_full)],
        [_value_info(onnx, output_name, onnx.TensorProto.FLOAT, shape)],
        initializer=builder.initializers,
    )
    proto = onnx.helper.make_model(
        graph,
        producer_name="microframe",
        opset_imports=[onnx.helper.make_opsetid("", opset)],
        ir_version=_IR_VERSIONS[opset],
    )
    onnx.checker.check_model(proto, full_check=True)
    if path is not None:
        onnx.save(proto, os.fspath(path))
    return proto


def _sample_shape(model: Sequential, input_shape: Sequence[int] | None) -> Shape:
    """Return the shape of one input sample, checked to contain positive sizes."""
    if input_shape is None:
        first = model.layers[0] if model.layers else None
        in_features = getattr(first, "in_features", None)
        if in_features is None:
            raise ConfigurationError(
                "microframe.onnx.export: input_shape is required when the first "
                "layer has no in_features; pass the shape of one sample, such "
                "as input_shape=(28, 28, 1)."
            )
        return (int(in_features),)
    sizes = tuple(input_shape)
    valid = all(isinstance(s, (int, np.integer)) and s > 0 for s in sizes)
    if not sizes or not valid:
        raise ConfigurationError(
            "microframe.onnx.export: input_shape must be the shape of one sample "
            f"without the batch axis, positive integers such as (30,), got "
            f"{input_shape!r}."
        )
    return tuple(int(s) for s in sizes)


def _check_features(layer: Layer, position: int, shape: Shape) -> None:
    """Raise when ``shape`` cannot feed ``layer``, before ONNX reports it."""
    expected = getattr(layer, "in_features", None) or getattr(
        layer, "in_channels", None
    )
    if expected is not None and shape[-1] not in (None, expected):
        raise ShapeError(
            f"microframe.onnx.export: layer {position} ({layer.name}) expects "
            f"{expected} features on the last axis, got input of shape "
            f"{('N', *shape[1:])}; check input_shape or the layer sizes."
        )


def _value_info(onnx: ModuleType, name: str, elem_type: int, shape: Shape) -> Any:
    """Describe a graph input or output, with a named dynamic batch axis."""
    dims: list[int | str | None] = [BATCH_AXIS_NAME, *shape[1:]]
    return onnx.helper.make_tensor_value_info(name, elem_type, dims)
