"""``to_torch``: build a ``torch.nn.Sequential`` equal to a microframe model."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import torch
from torch import nn

from microframe import activations as act
from microframe import layers
from microframe.errors import InputTypeError, UnsupportedLayerError
from microframe.interop.torch_modules import (
    ChannelsLast,
    LastAxisBatchNorm,
    MaskedAvgPool,
    Reshape,
    WindowPadding,
)
from microframe.layers.base import Array, Layer
from microframe.model import Sequential

ToTorch = Callable[[Any, torch.dtype], nn.Module]


def to_torch(model: Sequential) -> nn.Sequential:
    """Return a ``torch.nn.Sequential`` that computes what ``model`` computes.

    Weights are copied (not shared) and transposed to PyTorch's layout, and
    the module has the model's dtype. Convolution and pooling are wrapped in
    ``ChannelsLast``, so the module takes the same channels-last arrays as
    the model. The module is returned in eval mode, where it matches
    ``model.predict``; call ``.train()`` before training it.

    Raises:
        UnsupportedLayerError: for a layer without a PyTorch counterpart.
    """
    if not isinstance(model, Sequential):
        raise InputTypeError(
            "microframe.interop.to_torch: expected a Sequential model, got "
            f"{type(model).__name__}; wrap the layers in Sequential([...])."
        )
    dtype = torch.float64 if model.dtype == np.float64 else torch.float32
    modules = [
        _convert(layer, position, dtype) for position, layer in enumerate(model.layers)
    ]
    # Modules are created in the model's dtype, so float64 weights are
    # never rounded through float32.
    return nn.Sequential(*modules).eval()


def _convert(layer: Layer, position: int, dtype: torch.dtype) -> nn.Module:
    rule = _RULES.get(type(layer))
    if rule is None:
        supported = sorted(cls.__name__ for cls in _RULES)
        raise UnsupportedLayerError(
            f"microframe.interop.to_torch: layer {position} ({layer.name}, class "
            f"{type(layer).__name__}) has no PyTorch counterpart; supported "
            f"layers are {supported}."
        )
    return rule(layer, dtype)


def _copy(target: torch.Tensor | None, value: Array) -> None:
    """Copy ``value`` into a parameter or buffer without sharing memory."""
    if target is None:
        raise TypeError("_copy: the target tensor is missing.")
    with torch.no_grad():
        target.copy_(torch.from_numpy(np.ascontiguousarray(value)))


def _dense(layer: layers.Dense, dtype: torch.dtype) -> nn.Module:
    linear = nn.Linear(
        layer.in_features, layer.out_features, bias=layer.use_bias, dtype=dtype
    )
    # microframe stores (in, out); nn.Linear stores (out, in).
    _copy(linear.weight, layer.params["weight"].T)
    if layer.use_bias:
        _copy(linear.bias, layer.params["bias"])
    return linear


def _conv_bias(
    conv: nn.Conv1d | nn.Conv2d, layer: layers.Conv1D | layers.Conv2D
) -> None:
    if layer.use_bias:
        _copy(conv.bias, layer.params["bias"])


def _conv2d(layer: layers.Conv2D, dtype: torch.dtype) -> nn.Module:
    integer_padding = isinstance(layer.padding, int)
    conv = nn.Conv2d(
        layer.in_channels,
        layer.out_channels,
        layer.kernel_size,
        stride=layer.stride,
        padding=layer.padding if integer_padding else 0,
        dilation=layer.dilation,
        bias=layer.use_bias,
        dtype=dtype,
    )
    # (KH, KW, C_in, C_out) -> (C_out, C_in, KH, KW)
    _copy(conv.weight, layer.params["weight"].transpose(3, 2, 0, 1))
    _conv_bias(conv, layer)
    if integer_padding or layer.padding == "valid":
        return ChannelsLast(conv)
    padding = WindowPadding(
        layer.padding, layer.kernel_size, layer.stride, layer.dilation
    )
    return ChannelsLast(nn.Sequential(padding, conv))


def _conv1d(layer: layers.Conv1D, dtype: torch.dtype) -> nn.Module:
    integer_padding = isinstance(layer.padding, int)
    conv = nn.Conv1d(
        layer.in_channels,
        layer.out_channels,
        layer.kernel_size,
        stride=layer.stride,
        padding=layer.padding if integer_padding else 0,
        dilation=layer.dilation,
        bias=layer.use_bias,
        dtype=dtype,
    )
    # (K, C_in, C_out) -> (C_out, C_in, K)
    _copy(conv.weight, layer.params["weight"].transpose(2, 1, 0))
    _conv_bias(conv, layer)
    if integer_padding or layer.padding == "valid":
        return ChannelsLast(conv)
    padding = WindowPadding(
        layer.padding, (layer.kernel_size,), (layer.stride,), (layer.dilation,)
    )
    return ChannelsLast(nn.Sequential(padding, conv))


def _max_pool2d(layer: layers.MaxPool2D, dtype: torch.dtype) -> nn.Module:
    if isinstance(layer.padding, int):
        pool = nn.MaxPool2d(layer.pool_size, layer.stride, padding=layer.padding)
        return ChannelsLast(pool)
    pool = nn.MaxPool2d(layer.pool_size, layer.stride)
    if layer.padding == "valid":
        return ChannelsLast(pool)
    padding = WindowPadding(
        layer.padding, layer.pool_size, layer.stride, (1, 1), value=-np.inf
    )
    return ChannelsLast(nn.Sequential(padding, pool))


def _max_pool1d(layer: layers.MaxPool1D, dtype: torch.dtype) -> nn.Module:
    if isinstance(layer.padding, int):
        pool = nn.MaxPool1d(layer.pool_size, layer.stride, padding=layer.padding)
        return ChannelsLast(pool)
    pool = nn.MaxPool1d(layer.pool_size, layer.stride)
    if layer.padding == "valid":
        return ChannelsLast(pool)
    padding = WindowPadding(
        layer.padding, (layer.pool_size,), (layer.stride,), (1,), value=-np.inf
    )
    return ChannelsLast(nn.Sequential(padding, pool))


def _avg_pool2d(layer: layers.AvgPool2D, dtype: torch.dtype) -> nn.Module:
    if isinstance(layer.padding, int):
        pool = nn.AvgPool2d(
            layer.pool_size,
            layer.stride,
            padding=layer.padding,
            count_include_pad=False,
        )
        return ChannelsLast(pool)
    pool = nn.AvgPool2d(layer.pool_size, layer.stride)
    if layer.padding == "valid":
        return ChannelsLast(pool)
    padding = WindowPadding(layer.padding, layer.pool_size, layer.stride, (1, 1))
    return ChannelsLast(MaskedAvgPool(padding, pool))


def _global_average_pooling2d(
    layer: layers.GlobalAveragePooling2D, dtype: torch.dtype
) -> nn.Module:
    return ChannelsLast(nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Flatten()))


def _batch_normalization(
    layer: layers.BatchNormalization, dtype: torch.dtype
) -> nn.Module:
    # PyTorch's momentum weighs the new batch, microframe's the old average.
    norm = LastAxisBatchNorm(
        layer.num_features,
        eps=layer.epsilon,
        momentum=1.0 - layer.momentum,
        dtype=dtype,
    )
    _copy(norm.weight, layer.params["gamma"])
    _copy(norm.bias, layer.params["beta"])
    _copy(norm.running_mean, layer.state["running_mean"])
    _copy(norm.running_var, layer.state["running_var"])
    return norm


def _layer_normalization(
    layer: layers.LayerNormalization, dtype: torch.dtype
) -> nn.Module:
    norm = nn.LayerNorm(layer.num_features, eps=layer.epsilon, dtype=dtype)
    _copy(norm.weight, layer.params["gamma"])
    _copy(norm.bias, layer.params["beta"])
    return norm


def _embedding(layer: layers.Embedding, dtype: torch.dtype) -> nn.Module:
    embedding = nn.Embedding(layer.num_embeddings, layer.embedding_dim, dtype=dtype)
    _copy(embedding.weight, layer.params["weight"])
    return embedding


_RULES: dict[type[Layer], ToTorch] = {
    layers.Dense: _dense,
    layers.Dropout: lambda layer, dtype: nn.Dropout(layer.rate),
    layers.Flatten: lambda layer, dtype: nn.Flatten(),
    layers.Reshape: lambda layer, dtype: Reshape(layer.shape),
    layers.Conv2D: _conv2d,
    layers.Conv1D: _conv1d,
    layers.MaxPool2D: _max_pool2d,
    layers.MaxPool1D: _max_pool1d,
    layers.AvgPool2D: _avg_pool2d,
    layers.GlobalAveragePooling2D: _global_average_pooling2d,
    layers.BatchNormalization: _batch_normalization,
    layers.LayerNormalization: _layer_normalization,
    layers.Embedding: _embedding,
    act.Identity: lambda layer, dtype: nn.Identity(),
    act.ReLU: lambda layer, dtype: nn.ReLU(),
    act.Sigmoid: lambda layer, dtype: nn.Sigmoid(),
    act.Tanh: lambda layer, dtype: nn.Tanh(),
    act.LeakyReLU: lambda layer, dtype: nn.LeakyReLU(layer.negative_slope),
    act.Softmax: lambda layer, dtype: nn.Softmax(dim=-1),
    act.LogSoftmax: lambda layer, dtype: nn.LogSoftmax(dim=-1),
    act.ELU: lambda layer, dtype: nn.ELU(layer.alpha),
    # nn.SELU uses the constants of microframe's SELU, to float64 precision.
    act.SELU: lambda layer, dtype: nn.SELU(),
    act.GELU: lambda layer, dtype: nn.GELU("tanh" if layer.approximate else "none"),
    act.SiLU: lambda layer, dtype: nn.SiLU(),
    act.Softplus: lambda layer, dtype: nn.Softplus(),
    act.Softsign: lambda layer, dtype: nn.Softsign(),
    act.HardSigmoid: lambda layer, dtype: nn.Hardsigmoid(),
}
