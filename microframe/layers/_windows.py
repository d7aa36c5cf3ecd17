"""Sliding-window helpers shared by convolution and pooling layers.

Convolution and pooling see channels-last input ``(N, H, W, C)``; the 1-D
layers reshape ``(N, L, C)`` to ``(N, 1, L, C)`` and reuse these helpers.
Windows are strided views from ``sliding_window_view``, and the layers copy
them once, into the im2col matrix or the pooled values. The backward passes
loop over the window offsets (at most ``KH * KW`` iterations), never over
pixels or samples.
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from microframe.errors import ConfigurationError, ShapeError
from microframe.layers.base import Array

PaddingSpec = str | int


def as_pair(value: Any, name: str, *, minimum: int = 1) -> tuple[int, int]:
    """Return ``value`` (an int or a pair of ints) as a pair of ints."""
    pair = value if isinstance(value, (tuple, list)) else (value, value)
    if len(pair) != 2 or not all(_is_int(v) and v >= minimum for v in pair):
        raise ConfigurationError(
            f"{name} must be an integer >= {minimum} or a pair of them, got {value!r}."
        )
    return int(pair[0]), int(pair[1])


def check_padding(padding: Any, name: str) -> PaddingSpec:
    """Return ``padding`` checked: ``"valid"``, ``"same"`` or an int >= 0."""
    if isinstance(padding, str) and padding.lower() in ("valid", "same"):
        return padding.lower()
    if _is_int(padding) and padding >= 0:
        return int(padding)
    raise ConfigurationError(
        f"{name} must be 'valid', 'same' or an integer >= 0, got {padding!r}."
    )


def _is_int(value: Any) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def resolve_padding(
    padding: PaddingSpec, size: int, kernel: int, stride: int, dilation: int
) -> tuple[int, int]:
    """Return the ``(before, after)`` padding of one spatial axis.

    ``"same"`` gives ``ceil(size / stride)`` outputs and puts the odd pixel
    of padding after the input, as TensorFlow and Keras do.
    """
    if isinstance(padding, int):
        return padding, padding
    if padding == "same":
        extent = dilation * (kernel - 1) + 1
        out = math.ceil(size / stride)
        total = max((out - 1) * stride + extent - size, 0)
        return total // 2, total - total // 2
    return 0, 0


@dataclass(frozen=True)
class Geometry:
    """Sizes of one 2-D sliding-window operation on ``(N, H, W, C)`` input."""

    in_size: tuple[int, int]
    kernel: tuple[int, int]
    stride: tuple[int, int]
    dilation: tuple[int, int]
    pad_h: tuple[int, int]
    pad_w: tuple[int, int]
    out_size: tuple[int, int]

    @property
    def padded_size(self) -> tuple[int, int]:
        """``(H, W)`` after padding."""
        return (
            self.in_size[0] + sum(self.pad_h),
            self.in_size[1] + sum(self.pad_w),
        )


def output_length(
    size: int, kernel: int, stride: int, dilation: int, pad: tuple[int, int]
) -> int:
    """Return the number of windows along one axis; 0 when none fits."""
    extent = dilation * (kernel - 1) + 1
    padded = size + pad[0] + pad[1]
    if padded < extent:
        return 0
    return (padded - extent) // stride + 1


def make_geometry(
    owner: str,
    in_size: tuple[int, int],
    kernel: tuple[int, int],
    stride: tuple[int, int],
    dilation: tuple[int, int],
    padding: tuple[PaddingSpec, PaddingSpec],
) -> Geometry:
    """Resolve the padding and output size, or raise if no window fits."""
    pads = [
        resolve_padding(
            padding[axis], in_size[axis], kernel[axis], stride[axis], dilation[axis]
        )
        for axis in range(2)
    ]
    out = tuple(
        output_length(
            in_size[axis], kernel[axis], stride[axis], dilation[axis], pads[axis]
        )
        for axis in range(2)
    )
    if min(out) < 1:
        raise ShapeError(
            f"{owner}.forward: the spatial size {in_size} is smaller than the "
            f"window {kernel} (dilation {dilation}) after padding {pads}; use "
            "a larger input, a smaller kernel or padding='same'."
        )
    return Geometry(
        in_size, kernel, stride, dilation, pads[0], pads[1], (out[0], out[1])
    )


def pad_input(x: Array, geometry: Geometry, value: float = 0.0) -> Array:
    """Pad the two spatial axes of ``(N, H, W, C)`` input with ``value``."""
    if geometry.pad_h == (0, 0) and geometry.pad_w == (0, 0):
        return x
    widths = ((0, 0), geometry.pad_h, geometry.pad_w, (0, 0))
    return np.pad(x, widths, constant_values=value)


def window_view(padded: Array, geometry: Geometry) -> Array:
    """Return the windows of padded input as a view ``(N, OH, OW, C, KH, KW)``."""
    (kh, kw), (sh, sw), (dh, dw) = geometry.kernel, geometry.stride, geometry.dilation
    extent = (dh * (kh - 1) + 1, dw * (kw - 1) + 1)
    windows = sliding_window_view(padded, extent, axis=(1, 2))
    oh, ow = geometry.out_size
    view: Array = windows[:, : oh * sh : sh, : ow * sw : sw, :, ::dh, ::dw]
    return view


def window_offsets(geometry: Geometry) -> list[tuple[int, int, slice, slice]]:
    """List ``(i, j, rows, columns)`` for every kernel offset ``(i, j)``.

    ``padded[:, rows, columns, :]`` is the ``(N, OH, OW, C)`` array of the
    input elements that kernel position ``(i, j)`` covers in every window.
    """
    (kh, kw), (sh, sw), (dh, dw) = geometry.kernel, geometry.stride, geometry.dilation
    oh, ow = geometry.out_size
    offsets = []
    for i in range(kh):
        rows = slice(i * dh, i * dh + sh * (oh - 1) + 1, sh)
        for j in range(kw):
            columns = slice(j * dw, j * dw + sw * (ow - 1) + 1, sw)
            offsets.append((i, j, rows, columns))
    return offsets


def add_windows(grad_windows: Array, geometry: Geometry) -> Array:
    """Sum window gradients back onto the input: the adjoint of ``window_view``.

    Args:
        grad_windows: gradient for every window element, shape
            ``(N, OH, OW, KH, KW, C)``.
        geometry: the geometry of the forward pass.

    Returns:
        the gradient for the unpadded input, ``(N, H, W, C)``.
    """
    n, c = grad_windows.shape[0], grad_windows.shape[-1]
    grad = np.zeros((n, *geometry.padded_size, c), dtype=grad_windows.dtype)
    for i, j, rows, columns in window_offsets(geometry):
        grad[:, rows, columns, :] += grad_windows[:, :, :, i, j, :]
    return crop_padding(grad, geometry)


def crop_padding(padded: Array, geometry: Geometry) -> Array:
    """Remove the spatial padding added by ``pad_input``."""
    h, w = geometry.in_size
    top, left = geometry.pad_h[0], geometry.pad_w[0]
    result: Array = padded[:, top : top + h, left : left + w, :]
    return result
