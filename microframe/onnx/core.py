"""ONNX export rules for Dense, Dropout, Embedding, reshaping and normalisation."""

from __future__ import annotations

import numpy as np

from microframe.layers import (
    BatchNormalization,
    Dense,
    Dropout,
    Embedding,
    Flatten,
    LayerNormalization,
    Reshape,
)
from microframe.onnx.builder import GraphBuilder
from microframe.onnx.registry import (
    INTEGER_INPUT_LAYERS,
    Shape,
    pass_through,
    register_converter,
)

# Dropout is the identity at inference, so it adds no node.
register_converter(Dropout)(pass_through)


@register_converter(Dense)
def _dense(layer: Dense, builder: GraphBuilder, x: str, shape: Shape) -> str:
    # MatMul broadcasts over leading axes, so (N, ..., D_in) inputs work too.
    # Gemm would need a 2-D input.
    weight = builder.constant("weight", layer.params["weight"])
    y = builder.node("MatMul", [x, weight])
    if "bias" in layer.params:
        bias = builder.constant("bias", layer.params["bias"])
        y = builder.node("Add", [y, bias])
    return y


@register_converter(Embedding)
def _embedding(layer: Embedding, builder: GraphBuilder, x: str, shape: Shape) -> str:
    # Gather needs integer indices. After another layer the ids are float,
    # and as the first layer the Cast from int64 is a no-op.
    ids = builder.node("Cast", [x], to=builder.onnx.TensorProto.INT64)
    weight = builder.constant("embedding", layer.params["weight"])
    return builder.node("Gather", [weight, ids], axis=0)


INTEGER_INPUT_LAYERS.add(Embedding)


@register_converter(Flatten)
def _flatten(layer: Flatten, builder: GraphBuilder, x: str, shape: Shape) -> str:
    return builder.node("Flatten", [x], axis=1)


@register_converter(Reshape)
def _reshape(layer: Reshape, builder: GraphBuilder, x: str, shape: Shape) -> str:
    # A 0 in ONNX's target shape copies that input axis: the batch axis here.
    target = builder.constant("shape", [0, *layer.shape])
    return builder.node("Reshape", [x, target])


@register_converter(BatchNormalization)
def _batch_normalization(
    layer: BatchNormalization, builder: GraphBuilder, x: str, shape: Shape
) -> str:
    # Inference uses the running statistics, so the layer is the affine map
    # y = x * scale + shift over the last axis, whatever the input's rank.
    params = {k: v.astype(np.float64) for k, v in layer.params.items()}
    mean = layer.state["running_mean"].astype(np.float64)
    var = layer.state["running_var"].astype(np.float64)
    scale = params["gamma"] / np.sqrt(var + layer.epsilon)
    shift = params["beta"] - mean * scale
    scaled = builder.node("Mul", [x, builder.constant("scale", scale)])
    return builder.node("Add", [scaled, builder.constant("shift", shift)])


@register_converter(LayerNormalization)
def _layer_normalization(
    layer: LayerNormalization, builder: GraphBuilder, x: str, shape: Shape
) -> str:
    gamma = builder.constant("gamma", layer.params["gamma"])
    beta = builder.constant("beta", layer.params["beta"])
    return builder.node(
        "LayerNormalization", [x, gamma, beta], axis=-1, epsilon=layer.epsilon
    )
