"""ONNX export rules for convolution and pooling on channels-last input.

microframe's images are ``(N, H, W, C)`` and sequences ``(N, L, C)``, but
ONNX's Conv and pooling operators take the channel axis second. Each rule
transposes the input to channels-first, applies the operator and
transposes back, so the layers around it keep the channels-last layout.
Padding is written as explicit ``pads`` (``[top, left, bottom, right]``
in 2-D), because onnxruntime rejects ``auto_pad`` with dilation above 1.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from microframe.errors import ShapeError
from microframe.layers import (
    AvgPool2D,
    Conv1D,
    Conv2D,
    GlobalAveragePooling2D,
    MaxPool1D,
    MaxPool2D,
)
from microframe.layers._windows import PaddingSpec, resolve_padding
from microframe.layers.base import Layer
from microframe.onnx.builder import GraphBuilder
from microframe.onnx.registry import Shape, register_converter

_TO_CHANNELS_FIRST = {4: [0, 3, 1, 2], 3: [0, 2, 1]}
_TO_CHANNELS_LAST = {4: [0, 2, 3, 1], 3: [0, 2, 1]}


def _pads(
    layer: Layer,
    shape: Shape,
    padding: PaddingSpec,
    kernel: Sequence[int],
    stride: Sequence[int],
    dilation: Sequence[int],
) -> list[int]:
    """Return ONNX ``pads``: every axis's start padding, then every end."""
    sizes = shape[1:-1]
    if any(size is None for size in sizes):
        raise ShapeError(
            f"microframe.onnx.export: {layer.name} needs the spatial input "
            f"size to compute its padding, got shape {shape}; pass the full "
            "sample shape as input_shape."
        )
    pairs = [
        resolve_padding(padding, int(size or 0), k, s, d)
        for size, k, s, d in zip(sizes, kernel, stride, dilation, strict=True)
    ]
    return [before for before, _ in pairs] + [after for _, after in pairs]


def _channels_first(
    builder: GraphBuilder,
    x: str,
    rank: int,
    op_type: str,
    inputs: list[str],
    **attributes: Any,
) -> str:
    """Apply ``op_type`` to ``x`` in channels-first layout and move back."""
    moved = builder.node("Transpose", [x], perm=_TO_CHANNELS_FIRST[rank])
    y = builder.node(op_type, [moved, *inputs], **attributes)
    return builder.node("Transpose", [y], perm=_TO_CHANNELS_LAST[rank])


@register_converter(Conv2D)
def _conv2d(layer: Conv2D, builder: GraphBuilder, x: str, shape: Shape) -> str:
    # (KH, KW, C_in, C_out) -> (C_out, C_in, KH, KW)
    kernel = layer.params["weight"].transpose(3, 2, 0, 1)
    inputs = [builder.constant("kernel", kernel)]
    if layer.use_bias:
        inputs.append(builder.constant("bias", layer.params["bias"]))
    pads = _pads(
        layer, shape, layer.padding, layer.kernel_size, layer.stride, layer.dilation
    )
    return _channels_first(
        builder,
        x,
        4,
        "Conv",
        inputs,
        kernel_shape=list(layer.kernel_size),
        strides=list(layer.stride),
        dilations=list(layer.dilation),
        pads=pads,
    )


@register_converter(Conv1D)
def _conv1d(layer: Conv1D, builder: GraphBuilder, x: str, shape: Shape) -> str:
    # (K, C_in, C_out) -> (C_out, C_in, K)
    kernel = layer.params["weight"].transpose(2, 1, 0)
    inputs = [builder.constant("kernel", kernel)]
    if layer.use_bias:
        inputs.append(builder.constant("bias", layer.params["bias"]))
    size, stride, dilation = layer.kernel_size, layer.stride, layer.dilation
    pads = _pads(layer, shape, layer.padding, [size], [stride], [dilation])
    return _channels_first(
        builder,
        x,
        3,
        "Conv",
        inputs,
        kernel_shape=[size],
        strides=[stride],
        dilations=[dilation],
        pads=pads,
    )


@register_converter(MaxPool2D)
def _max_pool2d(layer: MaxPool2D, builder: GraphBuilder, x: str, shape: Shape) -> str:
    # ONNX's MaxPool ignores padded positions, like microframe's -inf padding.
    pads = _pads(layer, shape, layer.padding, layer.pool_size, layer.stride, (1, 1))
    return _channels_first(
        builder,
        x,
        4,
        "MaxPool",
        [],
        kernel_shape=list(layer.pool_size),
        strides=list(layer.stride),
        pads=pads,
    )


@register_converter(AvgPool2D)
def _avg_pool2d(layer: AvgPool2D, builder: GraphBuilder, x: str, shape: Shape) -> str:
    # count_include_pad=0 leaves padded positions out of each mean, as
    # microframe does.
    pads = _pads(layer, shape, layer.padding, layer.pool_size, layer.stride, (1, 1))
    return _channels_first(
        builder,
        x,
        4,
        "AveragePool",
        [],
        kernel_shape=list(layer.pool_size),
        strides=list(layer.stride),
        pads=pads,
        count_include_pad=0,
    )


@register_converter(MaxPool1D)
def _max_pool1d(layer: MaxPool1D, builder: GraphBuilder, x: str, shape: Shape) -> str:
    size, stride = layer.pool_size, layer.stride
    pads = _pads(layer, shape, layer.padding, [size], [stride], [1])
    return _channels_first(
        builder, x, 3, "MaxPool", [], kernel_shape=[size], strides=[stride], pads=pads
    )


@register_converter(GlobalAveragePooling2D)
def _global_average_pooling2d(
    layer: GlobalAveragePooling2D, builder: GraphBuilder, x: str, shape: Shape
) -> str:
    moved = builder.node("Transpose", [x], perm=_TO_CHANNELS_FIRST[4])
    pooled = builder.node("GlobalAveragePool", [moved])
    return builder.node("Flatten", [pooled], axis=1)
