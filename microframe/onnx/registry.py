"""The table of ONNX export rules, one per layer class.

A converter is called as ``convert(layer, builder, x, input_shape)``: ``x``
is the name of the layer's input tensor and ``input_shape`` its shape with
``None`` for the batch axis. It adds nodes through ``builder`` and returns
the name of the layer's output tensor.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from microframe.errors import UnsupportedLayerError
from microframe.layers.base import Layer
from microframe.onnx.builder import GraphBuilder

Shape = tuple[int | None, ...]
# Each converter annotates the layer class it handles, so the first
# argument is Any here.
Converter = Callable[[Any, GraphBuilder, str, Shape], str]

_CONVERTERS: dict[type[Layer], Converter] = {}

# Layers whose input is integer indices, so a graph that starts with one
# takes an int64 input.
INTEGER_INPUT_LAYERS: set[type[Layer]] = set()


def register_converter(layer_type: type[Layer]) -> Callable[[Converter], Converter]:
    """Register the decorated function as the ONNX export rule for ``layer_type``.

    The rule applies to that exact class, not to its subclasses, because a
    subclass may compute something else.

    Example:
        >>> @register_converter(MyScale)
        ... def convert_scale(layer, builder, x, input_shape):
        ...     factor = builder.constant("factor", np.array(layer.factor))
        ...     return builder.node("Mul", [x, factor])
    """

    def decorate(converter: Converter) -> Converter:
        _CONVERTERS[layer_type] = converter
        return converter

    return decorate


def converter_for(layer: Layer, position: int) -> Converter:
    """Return the export rule for ``layer``, or raise naming the layer."""
    converter = _CONVERTERS.get(type(layer))
    if converter is None:
        supported = sorted(cls.__name__ for cls in _CONVERTERS)
        raise UnsupportedLayerError(
            f"microframe.onnx.export: layer {position} ({layer.name}, class "
            f"{type(layer).__name__}) has no ONNX converter; supported layers "
            f"are {supported}. Register one with "
            "@microframe.onnx.register_converter(YourLayer)."
        )
    return converter


def pass_through(layer: Layer, builder: GraphBuilder, x: str, shape: Shape) -> str:
    """Return the input unchanged: the rule for layers that are the identity."""
    return x
