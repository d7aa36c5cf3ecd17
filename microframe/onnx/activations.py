"""ONNX export rules for every activation."""

from __future__ import annotations

import math

import numpy as np

from microframe.activations import (
    ELU,
    GELU,
    SELU,
    HardSigmoid,
    Identity,
    LeakyReLU,
    LogSoftmax,
    ReLU,
    Sigmoid,
    SiLU,
    Softmax,
    Softplus,
    Softsign,
    Tanh,
)
from microframe.activations.extra import SELU_ALPHA, SELU_SCALE
from microframe.onnx.builder import GraphBuilder
from microframe.onnx.registry import Converter, Shape, pass_through, register_converter


def _single_op(op_type: str) -> Converter:
    def convert(layer: object, builder: GraphBuilder, x: str, shape: Shape) -> str:
        return builder.node(op_type, [x])

    return convert


register_converter(Identity)(pass_through)
register_converter(ReLU)(_single_op("Relu"))
register_converter(Sigmoid)(_single_op("Sigmoid"))
register_converter(Tanh)(_single_op("Tanh"))
register_converter(Softplus)(_single_op("Softplus"))
register_converter(Softsign)(_single_op("Softsign"))


@register_converter(LeakyReLU)
def _leaky_relu(layer: LeakyReLU, builder: GraphBuilder, x: str, shape: Shape) -> str:
    return builder.node("LeakyRelu", [x], alpha=float(layer.negative_slope))


@register_converter(ELU)
def _elu(layer: ELU, builder: GraphBuilder, x: str, shape: Shape) -> str:
    return builder.node("Elu", [x], alpha=float(layer.alpha))


@register_converter(SELU)
def _selu(layer: SELU, builder: GraphBuilder, x: str, shape: Shape) -> str:
    # ONNX's default constants are float32 roundings; write microframe's.
    return builder.node("Selu", [x], alpha=SELU_ALPHA, gamma=SELU_SCALE)


@register_converter(HardSigmoid)
def _hard_sigmoid(
    layer: HardSigmoid, builder: GraphBuilder, x: str, shape: Shape
) -> str:
    return builder.node("HardSigmoid", [x], alpha=1.0 / 6.0, beta=0.5)


@register_converter(Softmax)
def _softmax(layer: Softmax, builder: GraphBuilder, x: str, shape: Shape) -> str:
    # The default axis changed in opset 13, so it is always written out.
    return builder.node("Softmax", [x], axis=-1)


@register_converter(LogSoftmax)
def _log_softmax(layer: LogSoftmax, builder: GraphBuilder, x: str, shape: Shape) -> str:
    return builder.node("LogSoftmax", [x], axis=-1)


@register_converter(SiLU)
def _silu(layer: SiLU, builder: GraphBuilder, x: str, shape: Shape) -> str:
    return builder.node("Mul", [x, builder.node("Sigmoid", [x])])


def _scalar(builder: GraphBuilder, value: float) -> str:
    return builder.constant("scalar", np.array(value))


@register_converter(GELU)
def _gelu(layer: GELU, builder: GraphBuilder, x: str, shape: Shape) -> str:
    # Written with basic operators, because ONNX's Gelu needs opset 20.
    if layer.approximate:
        # Phi(x) ~ 0.5 * (1 + tanh(sqrt(2 / pi) * (x + 0.044715 * x**3)))
        cube = builder.node("Mul", [x, builder.node("Mul", [x, x])])
        inner = builder.node(
            "Add", [x, builder.node("Mul", [cube, _scalar(builder, 0.044715)])]
        )
        scaled = builder.node("Mul", [inner, _scalar(builder, math.sqrt(2 / math.pi))])
        curve = builder.node("Tanh", [scaled])
    else:
        # Phi(x) = 0.5 * (1 + erf(x / sqrt(2)))
        scaled = builder.node("Mul", [x, _scalar(builder, 1 / math.sqrt(2))])
        curve = builder.node("Erf", [scaled])
    one_plus = builder.node("Add", [curve, _scalar(builder, 1.0)])
    half_x = builder.node("Mul", [x, _scalar(builder, 0.5)])
    return builder.node("Mul", [half_x, one_plus])
