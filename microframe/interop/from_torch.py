"""``from_torch``: build a microframe ``Sequential`` from a PyTorch module."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import torch
from torch import nn

from microframe import activations as act
from microframe import layers
from microframe.errors import (
    ConfigurationError,
    InputTypeError,
    UnsupportedLayerError,
)
from microframe.interop.torch_modules import (
    ChannelsLast,
    LastAxisBatchNorm,
    MaskedAvgPool,
    Reshape,
    WindowPadding,
)
from microframe.layers.base import Array, Layer
from microframe.model import Sequential

# Modules that act on each element alone, so the layout of their input
# does not matter.
_ELEMENT_WISE: dict[type[nn.Module], Callable[[Any], Layer]] = {
    nn.Identity: lambda m: act.Identity(),
    nn.ReLU: lambda m: act.ReLU(),
    nn.Sigmoid: lambda m: act.Sigmoid(),
    nn.Tanh: lambda m: act.Tanh(),
    nn.LeakyReLU: lambda m: act.LeakyReLU(m.negative_slope),
    nn.ELU: lambda m: act.ELU(m.alpha),
    nn.SELU: lambda m: act.SELU(),
    nn.GELU: lambda m: act.GELU(approximate=m.approximate == "tanh"),
    nn.SiLU: lambda m: act.SiLU(),
    nn.Softsign: lambda m: act.Softsign(),
    nn.Hardsigmoid: lambda m: act.HardSigmoid(),
    nn.Dropout: lambda m: layers.Dropout(m.p),
}


@dataclass
class _Converted:
    """A new layer and the arrays to copy into it once it is built."""

    layer: Layer
    params: dict[str, Array] = field(default_factory=dict)
    state: dict[str, Array] = field(default_factory=dict)


def _array(tensor: torch.Tensor) -> Array:
    result: Array = tensor.detach().cpu().numpy().copy()
    return result


def from_torch(
    module: nn.Module,
    *,
    input_shape: Sequence[int] | None = None,
    seed: int | None = None,
) -> Sequential:
    """Return a microframe ``Sequential`` that computes what ``module`` computes.

    ``module`` is an ``nn.Sequential`` (nested ones are flattened) or a
    single module. A module made by ``to_torch`` converts back exactly. A
    PyTorch CNN written channels-first (``nn.Conv2d`` on ``(N, C, H, W)``)
    becomes a channels-last model, so feed it ``x.transpose(0, 2, 3, 1)``;
    the weights of the first ``nn.Linear`` after its ``nn.Flatten`` are
    reordered to match, which needs ``input_shape``.

    Args:
        module: the PyTorch module.
        input_shape: shape of one sample as ``module`` takes it, without the
            batch axis, such as ``(3, 32, 32)``. Needed only when a
            channels-first feature map with more than one pixel is
            flattened.
        seed: seed of the new model's generator (dropout, shuffling).

    Raises:
        UnsupportedLayerError: for a module or setting without a microframe
            counterpart.
        ConfigurationError: when ``input_shape`` is needed but missing.
    """
    if not isinstance(module, nn.Module):
        raise InputTypeError(
            "microframe.from_torch: expected a torch.nn.Module, got "
            f"{type(module).__name__}."
        )
    children = _leaves(module)
    shapes = _trace_shapes(module, children, input_shape)
    converter = _Converter(shapes)
    converted: list[_Converted] = []
    for position, child in enumerate(children):
        converted += converter.convert(child, position)
    converter.finish()

    dtype = _dtype_of(module)
    model = Sequential([item.layer for item in converted], seed=seed, dtype=dtype)
    for item in converted:
        for key, value in item.params.items():
            item.layer.params[key] = value
        for key, value in item.state.items():
            item.layer.state[key] = np.asarray(value, dtype=dtype)
    return model


def _leaves(module: nn.Module) -> list[nn.Module]:
    if type(module) is nn.Sequential:
        return [leaf for child in module for leaf in _leaves(child)]
    return [module]


def _dtype_of(module: nn.Module) -> np.dtype[Any]:
    for tensor in module.parameters():
        if tensor.dtype == torch.float64:
            return np.dtype(np.float64)
        break
    return np.dtype(np.float32)


def _trace_shapes(
    module: nn.Module, children: list[nn.Module], input_shape: Sequence[int] | None
) -> list[tuple[int, ...]] | None:
    """Return each child's input shape, found by running zeros through it."""
    if input_shape is None:
        return None
    was_training = module.training
    module.eval()
    try:
        first_dtype = _first_input_dtype(children)
        x = torch.zeros((1, *input_shape), dtype=first_dtype)
        shapes = []
        with torch.no_grad():
            for child in children:
                shapes.append(tuple(x.shape))
                x = child(x)
    finally:
        module.train(was_training)
    return shapes


def _first_input_dtype(children: list[nn.Module]) -> torch.dtype:
    if children and isinstance(children[0], nn.Embedding):
        return torch.int64
    for child in children:
        for tensor in child.parameters():
            return tensor.dtype
    return torch.float32


class _Converter:
    """Walks the modules in order, tracking the layout of the data.

    ``channels_first`` is set after a native ``nn.Conv2d`` or pooling
    module: microframe's counterpart keeps channels last, so the flattened
    features come in another order and the next ``nn.Linear`` must be
    reordered.
    """

    def __init__(self, shapes: list[tuple[int, ...]] | None) -> None:
        self.shapes = shapes
        self.channels_first = False
        self.reorder: tuple[int, ...] | None = None
        self.skip_flatten = False

    def finish(self) -> None:
        if self.reorder is not None:
            raise UnsupportedLayerError(
                "microframe.from_torch: a channels-first feature map is "
                "flattened but no nn.Linear follows, so its features cannot "
                "be put in microframe's channels-last order."
            )

    def convert(self, module: nn.Module, position: int) -> list[_Converted]:
        kind = type(module)
        if kind in _ELEMENT_WISE:
            return [_Converted(_ELEMENT_WISE[kind](module))]
        if isinstance(module, ChannelsLast):
            return [self._spatial(module.module, position)]
        if isinstance(module, (nn.Conv1d, nn.Conv2d, nn.MaxPool1d, nn.MaxPool2d)):
            self._enter_channels_first(module, position)
            return [self._spatial(module, position)]
        if isinstance(module, (nn.AvgPool2d, nn.AdaptiveAvgPool2d)):
            self._enter_channels_first(module, position)
            converted = self._spatial(module, position)
            self.skip_flatten = isinstance(module, nn.AdaptiveAvgPool2d)
            return [converted]
        method = getattr(self, f"_{kind.__name__.lower()}", None)
        if method is None:
            raise self._unsupported(module, position, "it has no counterpart")
        result: list[_Converted] = method(module, position)
        return result

    def _unsupported(
        self, module: nn.Module, position: int, reason: str
    ) -> UnsupportedLayerError:
        return UnsupportedLayerError(
            f"microframe.from_torch: module {position} ({module!r}) cannot be "
            f"converted: {reason}."
        )

    def _enter_channels_first(self, module: nn.Module, position: int) -> None:
        self.channels_first = True

    # -- modules with weights ---------------------------------------------

    def _linear(self, module: nn.Linear, position: int) -> list[_Converted]:
        weight = _array(module.weight)
        if self.reorder is not None:
            # PyTorch flattened (C, H, W); microframe flattens (H, W, C).
            out = weight.shape[0]
            axes = (0, *range(2, len(self.reorder) + 1), 1)
            weight = weight.reshape(out, *self.reorder).transpose(axes)
            weight = weight.reshape(out, -1)
            self.reorder = None
        layer = layers.Dense(
            module.in_features, module.out_features, use_bias=module.bias is not None
        )
        params = {"weight": weight.T}
        if module.bias is not None:
            params["bias"] = _array(module.bias)
        return [_Converted(layer, params)]

    def _embedding(self, module: nn.Embedding, position: int) -> list[_Converted]:
        if module.max_norm is not None:
            raise self._unsupported(module, position, "max_norm renormalises rows")
        layer = layers.Embedding(module.num_embeddings, module.embedding_dim)
        return [_Converted(layer, {"weight": _array(module.weight)})]

    def _layernorm(self, module: nn.LayerNorm, position: int) -> list[_Converted]:
        if len(module.normalized_shape) != 1:
            raise self._unsupported(
                module, position, "it normalises over more than the last axis"
            )
        size = module.normalized_shape[0]
        layer = layers.LayerNormalization(size, epsilon=module.eps)
        return [_Converted(layer, _affine(module, size))]

    def _batch_norm(self, module: nn.Module, position: int) -> list[_Converted]:
        assert isinstance(module, nn.modules.batchnorm._BatchNorm)
        if module.momentum is None or not module.track_running_stats:
            raise self._unsupported(
                module,
                position,
                "microframe keeps exponential running statistics, so set "
                "momentum to a number and track_running_stats=True",
            )
        assert module.running_mean is not None and module.running_var is not None
        layer = layers.BatchNormalization(
            module.num_features, momentum=1.0 - module.momentum, epsilon=module.eps
        )
        state = {
            "running_mean": _array(module.running_mean),
            "running_var": _array(module.running_var),
        }
        return [_Converted(layer, _affine(module, module.num_features), state)]

    def _lastaxisbatchnorm(
        self, module: LastAxisBatchNorm, position: int
    ) -> list[_Converted]:
        return self._batch_norm(module, position)

    def _batchnorm1d(self, module: nn.BatchNorm1d, position: int) -> list[_Converted]:
        return self._batch_norm(module, position)

    def _batchnorm2d(self, module: nn.BatchNorm2d, position: int) -> list[_Converted]:
        self.channels_first = True
        return self._batch_norm(module, position)

    # -- layout and shape --------------------------------------------------

    def _flatten(self, module: nn.Flatten, position: int) -> list[_Converted]:
        if module.start_dim != 1 or module.end_dim != -1:
            raise self._unsupported(module, position, "it keeps axes after the first")
        if self.skip_flatten:
            # GlobalAveragePooling2D already returned (N, C).
            self.skip_flatten = False
            return []
        if self.channels_first:
            self.channels_first = False
            shape = self._input_shape(module, position)
            if int(np.prod(shape[2:])) > 1:
                self.reorder = shape[1:]
        return [_Converted(layers.Flatten())]

    def _reshape(self, module: Reshape, position: int) -> list[_Converted]:
        return [_Converted(layers.Reshape(module.shape))]

    def _input_shape(self, module: nn.Module, position: int) -> tuple[int, ...]:
        if self.shapes is None:
            raise ConfigurationError(
                f"microframe.from_torch: module {position} ({module!r}) flattens "
                "a channels-first feature map, so the next nn.Linear must be "
                "reordered and the map's size is needed; pass input_shape, the "
                "shape of one sample such as (3, 32, 32)."
            )
        return self.shapes[position]

    # -- softmax over the feature axis -------------------------------------

    def _softmax_axis(self, module: nn.Softmax | nn.LogSoftmax, position: int) -> None:
        rank = None if self.shapes is None else len(self.shapes[position])
        last_axis = module.dim == -1 or (
            module.dim is not None and module.dim + 1 == rank
        )
        # NOTE: without input_shape the rank is unknown, and dim=1 is taken
        # to be the last axis, which holds for the usual (N, C) logits.
        feature_axis = module.dim == 1 and (rank in (None, 2) or self.channels_first)
        if not (last_axis or feature_axis):
            raise self._unsupported(
                module, position, "microframe applies softmax over the last axis"
            )

    def _softmax(self, module: nn.Softmax, position: int) -> list[_Converted]:
        self._softmax_axis(module, position)
        return [_Converted(act.Softmax())]

    def _logsoftmax(self, module: nn.LogSoftmax, position: int) -> list[_Converted]:
        self._softmax_axis(module, position)
        return [_Converted(act.LogSoftmax())]

    def _softplus(self, module: nn.Softplus, position: int) -> list[_Converted]:
        if module.beta != 1:
            raise self._unsupported(module, position, "only beta=1 is supported")
        return [_Converted(act.Softplus())]

    # -- convolution and pooling -------------------------------------------

    def _spatial(self, module: nn.Module, position: int) -> _Converted:
        """Convert a channels-first module that ``to_torch`` wraps, or a native one."""
        padding: WindowPadding | None = None
        inner = module
        if isinstance(module, nn.Sequential) and len(module) == 2:
            first, second = module[0], module[1]
            if isinstance(first, WindowPadding):
                padding, inner = first, second
            elif isinstance(first, nn.AdaptiveAvgPool2d) and isinstance(
                second, nn.Flatten
            ):
                return self._global_pool(first, position)
        if isinstance(inner, (nn.Conv1d, nn.Conv2d)):
            return _convolution(inner, padding, position)
        if isinstance(inner, (nn.MaxPool1d, nn.MaxPool2d)):
            return _max_pool(inner, padding, position)
        if isinstance(inner, MaskedAvgPool):
            return _avg_pool(inner.pool, inner.padding, position)
        if isinstance(inner, nn.AvgPool2d):
            return _avg_pool(inner, None, position)
        if isinstance(inner, nn.AdaptiveAvgPool2d):
            return self._global_pool(inner, position)
        raise self._unsupported(module, position, "it has no counterpart")

    def _global_pool(self, module: nn.AdaptiveAvgPool2d, position: int) -> _Converted:
        if module.output_size not in (1, (1, 1)):
            raise self._unsupported(module, position, "only output_size=1 is supported")
        return _Converted(layers.GlobalAveragePooling2D())


def _pair(value: Any) -> tuple[int, int]:
    """Return PyTorch's int or tuple size argument as a pair of ints."""
    if isinstance(value, int):
        return value, value
    return int(value[0]), int(value[1])


def _single(value: Any) -> int:
    """Return PyTorch's int or 1-tuple size argument as an int."""
    return value if isinstance(value, int) else int(value[0])


def _affine(module: nn.Module, size: int) -> dict[str, Array]:
    weight = getattr(module, "weight", None)
    bias = getattr(module, "bias", None)
    return {
        "gamma": np.ones(size) if weight is None else _array(weight),
        "beta": np.zeros(size) if bias is None else _array(bias),
    }


def _padding_spec(
    module: nn.Module, padding: WindowPadding | None, native: Any, position: int
) -> str | int:
    """Return microframe's padding for a module and its optional padder."""
    if padding is not None:
        return padding.padding
    if isinstance(native, str):
        return native
    sizes = set(native) if isinstance(native, tuple) else {native}
    if len(sizes) != 1:
        raise UnsupportedLayerError(
            f"microframe.from_torch: module {position} ({module!r}) pads its "
            f"axes differently ({native}); microframe pads every side by the "
            "same amount."
        )
    size = int(sizes.pop())
    return "valid" if size == 0 else size


def _convolution(
    module: nn.Conv1d | nn.Conv2d, padding: WindowPadding | None, position: int
) -> _Converted:
    if module.groups != 1 or module.padding_mode != "zeros":
        raise UnsupportedLayerError(
            f"microframe.from_torch: module {position} ({module!r}) uses groups "
            "or a padding mode other than zeros, which microframe lacks."
        )
    spec = _padding_spec(module, padding, module.padding, position)
    bias = module.bias is not None
    weight = _array(module.weight)
    layer: Layer
    if isinstance(module, nn.Conv2d):
        layer = layers.Conv2D(
            module.in_channels,
            module.out_channels,
            _pair(module.kernel_size),
            stride=_pair(module.stride),
            padding=spec,
            dilation=_pair(module.dilation),
            use_bias=bias,
        )
        # (C_out, C_in, KH, KW) -> (KH, KW, C_in, C_out)
        params = {"weight": weight.transpose(2, 3, 1, 0)}
    else:
        layer = layers.Conv1D(
            module.in_channels,
            module.out_channels,
            module.kernel_size[0],
            stride=module.stride[0],
            padding=spec,
            dilation=module.dilation[0],
            use_bias=bias,
        )
        # (C_out, C_in, K) -> (K, C_in, C_out)
        params = {"weight": weight.transpose(2, 1, 0)}
    if module.bias is not None:
        params["bias"] = _array(module.bias)
    return _Converted(layer, params)


def _check_pool(module: nn.Module, position: int, dilation: Any = 1) -> None:
    if getattr(module, "ceil_mode", False) or dilation not in (1, (1, 1)):
        raise UnsupportedLayerError(
            f"microframe.from_torch: module {position} ({module!r}) uses "
            "ceil_mode or dilation, which microframe's pooling lacks."
        )


def _max_pool(
    module: nn.MaxPool1d | nn.MaxPool2d, padding: WindowPadding | None, position: int
) -> _Converted:
    _check_pool(module, position, module.dilation)
    spec = _padding_spec(module, padding, module.padding, position)
    stride = module.stride or module.kernel_size
    if isinstance(module, nn.MaxPool2d):
        pool_2d = layers.MaxPool2D(
            _pair(module.kernel_size), stride=_pair(stride), padding=spec
        )
        return _Converted(pool_2d)
    pool_1d = layers.MaxPool1D(
        _single(module.kernel_size), stride=_single(stride), padding=spec
    )
    return _Converted(pool_1d)


def _avg_pool(
    module: nn.AvgPool2d, padding: WindowPadding | None, position: int
) -> _Converted:
    _check_pool(module, position)
    spec = _padding_spec(module, padding, module.padding, position)
    if spec not in ("valid", "same") and module.count_include_pad:
        raise UnsupportedLayerError(
            f"microframe.from_torch: module {position} ({module!r}) counts "
            "padding in its means; microframe leaves it out, as "
            "count_include_pad=False does."
        )
    stride = module.stride or module.kernel_size
    pool = layers.AvgPool2D(
        _pair(module.kernel_size), stride=_pair(stride), padding=spec
    )
    return _Converted(pool)
