"""Export rules from microframe layers to ONNX operators, one per layer type.

A converter is called as ``convert(layer, builder, x, input_shape)``: ``x``
is the name of the layer's input tensor and ``input_shape`` its shape with
``None`` for the batch axis. It adds nodes through ``builder`` and returns
the name of the layer's output tensor.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from microframe.activations import Identity, LeakyReLU, ReLU, Sigmoid, Softmax, Tanh
from microframe.errors import UnsupportedLayerError
from microframe.layers.base import Layer
from microframe.layers.dense import Dense
from microframe.layers.dropout import Dropout
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


@register_converter(Dense)
def _convert_dense(layer: Dense, builder: GraphBuilder, x: str, shape: Shape) -> str:
    # MatMul broadcasts over leading axes, so (N, ..., D_in) inputs work too.
    weight = builder.constant("weight", layer.params["weight"])
    y = builder.node("MatMul", [x, weight])
    if "bias" in layer.params:
        bias = builder.constant("bias", layer.params["bias"])
        y = builder.node("Add", [y, bias])
    return y


def _pass_through(layer: Layer, builder: GraphBuilder, x: str, shape: Shape) -> str:
    return x


# Dropout is the identity at inference, so it adds no node.
register_converter(Dropout)(_pass_through)
register_converter(Identity)(_pass_through)


def _element_wise(op_type: str) -> Converter:
    def convert(layer: Layer, builder: GraphBuilder, x: str, shape: Shape) -> str:
        return builder.node(op_type, [x])

    return convert


register_converter(ReLU)(_element_wise("Relu"))
register_converter(Sigmoid)(_element_wise("Sigmoid"))
register_converter(Tanh)(_element_wise("Tanh"))


@register_converter(LeakyReLU)
def _convert_leaky_relu(
    layer: LeakyReLU, builder: GraphBuilder, x: str, shape: Shape
) -> str:
    return builder.node("LeakyRelu", [x], alpha=float(layer.negative_slope))


@register_converter(Softmax)
def _convert_softmax(layer: Layer, builder: GraphBuilder, x: str, shape: Shape) -> str:
    # The default axis changed in opset 13, so it is always written out.
    return builder.node("Softmax", [x], axis=-1)
