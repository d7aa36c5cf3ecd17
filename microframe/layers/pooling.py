"""Pooling layers: max and average over windows, and global average."""

from __future__ import annotations

import numpy as np

from microframe._validation import check_positive_int
from microframe.errors import ConfigurationError
from microframe.layers._checks import check_input
from microframe.layers._windows import (
    Geometry,
    PaddingSpec,
    add_windows,
    as_pair,
    check_padding,
    crop_padding,
    make_geometry,
    output_length,
    pad_input,
    resolve_padding,
    window_offsets,
    window_view,
)
from microframe.layers.base import Array, Layer

_IMAGE_FIX = (
    "pooling expects channels-last images, so add a channel axis with "
    "x[..., np.newaxis] or move it last with x.transpose(0, 2, 3, 1)"
)


class _Pooling2D(Layer):
    """Shared arguments, geometry and shape checks of the window pools."""

    def __init__(
        self,
        pool_size: int | tuple[int, int],
        stride: int | tuple[int, int] | None,
        padding: PaddingSpec,
    ) -> None:
        super().__init__()
        kind = type(self).__name__
        self.pool_size = as_pair(pool_size, f"{kind} pool_size")
        self.stride = as_pair(
            self.pool_size if stride is None else stride, f"{kind} stride"
        )
        self.padding = check_padding(padding, f"{kind} padding")
        if isinstance(self.padding, int) and self.padding >= min(self.pool_size):
            raise ConfigurationError(
                f"{kind} padding must be smaller than pool_size {self.pool_size}, "
                f"got {self.padding}; otherwise a window can hold only padding."
            )
        self._geometry: Geometry | None = None
        self._out_shape: tuple[int, ...] = ()

    @property
    def name(self) -> str:
        ph, pw = self.pool_size
        return f"{type(self).__name__}({ph}x{pw})"

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(pool_size={self.pool_size}, "
            f"stride={self.stride}, padding={self.padding!r})"
        )

    def _geometry_for(self, x: Array) -> Geometry:
        check_input(self.name, x, ("N", "H", "W", "C"), None, _IMAGE_FIX)
        return make_geometry(
            self.name,
            (x.shape[1], x.shape[2]),
            self.pool_size,
            self.stride,
            (1, 1),
            (self.padding, self.padding),
        )

    def _checked_geometry(self, grad_output: Array) -> Geometry:
        if self._geometry is None:
            self._cached(None)
        assert self._geometry is not None  # _cached(None) raised otherwise
        self._check_grad_shape(grad_output, self._out_shape)
        return self._geometry

    def compute_output_shape(
        self, input_shape: tuple[int | None, ...]
    ) -> tuple[int | None, ...]:
        sizes: list[int | None] = []
        for axis in range(2):
            size = input_shape[1 + axis]
            if size is None:
                sizes.append(None)
                continue
            k, s = self.pool_size[axis], self.stride[axis]
            pad = resolve_padding(self.padding, size, k, s, 1)
            sizes.append(output_length(size, k, s, 1, pad))
        return (input_shape[0], sizes[0], sizes[1], input_shape[3])


def _max_pool_forward(x: Array, geometry: Geometry) -> tuple[Array, Array]:
    """Return the window maxima and, per output, the kernel offset of the maximum.

    One pass per kernel offset over ``(N, OH, OW, C)`` slices is faster than
    reducing the 6-D window view, whose last axes are far apart in memory.
    """
    padded = pad_input(x, geometry, value=-np.inf)
    kw = geometry.kernel[1]
    out: Array | None = None
    argmax = np.zeros((x.shape[0], *geometry.out_size, x.shape[3]), dtype=np.intp)
    for i, j, rows, columns in window_offsets(geometry):
        candidate = padded[:, rows, columns, :]
        if out is None:
            out = candidate.copy()
            continue
        # Strictly greater, so ties keep the first maximum. np.where makes
        # one pass, which measured faster than assigning through the mask.
        better = candidate > out
        np.maximum(out, candidate, out=out)
        argmax = np.where(better, i * kw + j, argmax)
    assert out is not None  # a window has at least one element
    return out, argmax


def _max_pool_backward(grad_output: Array, argmax: Array, geometry: Geometry) -> Array:
    """Route each output gradient to the input element that was the maximum."""
    kw = geometry.kernel[1]
    n, c = grad_output.shape[0], grad_output.shape[-1]
    grad = np.zeros((n, *geometry.padded_size, c), dtype=grad_output.dtype)
    for i, j, rows, columns in window_offsets(geometry):
        grad[:, rows, columns, :] += grad_output * (argmax == i * kw + j)
    return crop_padding(grad, geometry)


class MaxPool2D(_Pooling2D):
    """Maximum over each ``(PH, PW)`` window of channels-last images.

    ``y[n, i, j, c] = max(xp[n, i * SH : i * SH + PH, j * SW : j * SW + PW, c])``,
    with ``xp`` padded by ``-inf``. The gradient goes to the first maximum
    of each window only.

    Args:
        pool_size: window ``P`` or ``(PH, PW)``.
        stride: ``S`` or ``(SH, SW)``; the pool size when omitted.
        padding: ``"valid"``, ``"same"`` or an int below the pool size.

    Example:
        >>> MaxPool2D(2).forward(np.ones((1, 5, 5, 3))).shape
        (1, 2, 2, 3)
    """

    def __init__(
        self,
        pool_size: int | tuple[int, int] = 2,
        *,
        stride: int | tuple[int, int] | None = None,
        padding: PaddingSpec = "valid",
    ) -> None:
        super().__init__(pool_size, stride, padding)
        self._argmax: Array | None = None

    def forward(self, x: Array, training: bool = False) -> Array:
        """Take the maximum of each window.

        Shapes:
            x: ``(N, H, W, C)``. Returns ``(N, OH, OW, C)``.
        """
        self.ensure_built()
        geometry = self._geometry_for(x)
        out, self._argmax = _max_pool_forward(x, geometry)
        self._geometry, self._out_shape = geometry, out.shape
        return out

    def backward(self, grad_output: Array) -> Array:
        """Return the input gradient: ``grad_output`` at each window's maximum.

        Uses the arg-max indices cached by ``forward``; other inputs get 0,
        and an input in several windows adds their gradients.

        Shapes:
            grad_output: ``(N, OH, OW, C)``. Returns ``(N, H, W, C)``.
        """
        geometry = self._checked_geometry(grad_output)
        return _max_pool_backward(grad_output, self._cached(self._argmax), geometry)


class AvgPool2D(_Pooling2D):
    """Mean over each ``(PH, PW)`` window of channels-last images.

    ``y[n, i, j, c] = mean(x over the window)``. Padded positions are left
    out of the mean (Keras's behaviour; PyTorch's ``count_include_pad=False``).

    Args:
        pool_size: window ``P`` or ``(PH, PW)``.
        stride: ``S`` or ``(SH, SW)``; the pool size when omitted.
        padding: ``"valid"``, ``"same"`` or an int below the pool size.

    Example:
        >>> AvgPool2D(2, stride=1).forward(np.ones((1, 3, 3, 2))).shape
        (1, 2, 2, 2)
    """

    def __init__(
        self,
        pool_size: int | tuple[int, int] = 2,
        *,
        stride: int | tuple[int, int] | None = None,
        padding: PaddingSpec = "valid",
    ) -> None:
        super().__init__(pool_size, stride, padding)
        self._counts: Array | None = None

    def forward(self, x: Array, training: bool = False) -> Array:
        """Average each window over its unpadded elements.

        Shapes:
            x: ``(N, H, W, C)``. Returns ``(N, OH, OW, C)``.
        """
        self.ensure_built()
        geometry = self._geometry_for(x)
        ones = np.ones((1, x.shape[1], x.shape[2], 1), dtype=x.dtype)
        counts = window_view(pad_input(ones, geometry), geometry).sum(axis=(4, 5))
        sums = window_view(pad_input(x, geometry), geometry).sum(axis=(4, 5))
        out: Array = sums / counts
        self._counts, self._geometry, self._out_shape = counts, geometry, out.shape
        return out

    def backward(self, grad_output: Array) -> Array:
        """Spread ``grad_output / count`` over each window's elements.

        Shapes:
            grad_output: ``(N, OH, OW, C)``. Returns ``(N, H, W, C)``.
        """
        geometry = self._checked_geometry(grad_output)
        share = grad_output / self._cached(self._counts)
        kh, kw = geometry.kernel
        expanded = share[:, :, :, np.newaxis, np.newaxis, :]
        grad_windows = np.broadcast_to(
            expanded, (*share.shape[:3], kh, kw, share.shape[3])
        )
        return add_windows(grad_windows, geometry)


class GlobalAveragePooling2D(Layer):
    """Mean over the two spatial axes: ``y[n, c] = mean(x[n, :, :, c])``.

    Example:
        >>> GlobalAveragePooling2D().forward(np.ones((2, 4, 4, 3))).shape
        (2, 3)
    """

    def __init__(self) -> None:
        super().__init__()
        self._in_shape: tuple[int, ...] = ()

    def forward(self, x: Array, training: bool = False) -> Array:
        """Average each channel over height and width.

        Shapes:
            x: ``(N, H, W, C)``. Returns ``(N, C)``.
        """
        self.ensure_built()
        check_input(self.name, x, ("N", "H", "W", "C"), None, _IMAGE_FIX)
        self._in_shape = x.shape
        result: Array = x.mean(axis=(1, 2))
        return result

    def backward(self, grad_output: Array) -> Array:
        """Return ``grad_output / (H * W)`` broadcast over height and width.

        Shapes:
            grad_output: ``(N, C)``. Returns ``(N, H, W, C)``.
        """
        if not self._in_shape:
            self._cached(None)
        n, h, w, c = self._in_shape
        self._check_grad_shape(grad_output, (n, c))
        share = grad_output[:, np.newaxis, np.newaxis, :] / (h * w)
        result: Array = np.broadcast_to(share, self._in_shape).copy()
        return result

    def compute_output_shape(
        self, input_shape: tuple[int | None, ...]
    ) -> tuple[int | None, ...]:
        return (input_shape[0], input_shape[3])


class MaxPool1D(Layer):
    """Maximum over windows of ``P`` steps of ``(N, L, C)`` sequences.

    ``y[n, i, c] = max(xp[n, i * stride : i * stride + P, c])``, computed by
    ``MaxPool2D``'s code on ``(N, 1, L, C)``.

    Args:
        pool_size: window length ``P``.
        stride: step between windows; ``pool_size`` when omitted.
        padding: ``"valid"``, ``"same"`` or an int below ``pool_size``.

    Example:
        >>> MaxPool1D(2).forward(np.ones((3, 7, 4))).shape
        (3, 3, 4)
    """

    def __init__(
        self,
        pool_size: int = 2,
        *,
        stride: int | None = None,
        padding: PaddingSpec = "valid",
    ) -> None:
        super().__init__()
        self.pool_size = check_positive_int(pool_size, "MaxPool1D pool_size")
        self.stride = check_positive_int(
            self.pool_size if stride is None else stride, "MaxPool1D stride"
        )
        self.padding = check_padding(padding, "MaxPool1D padding")
        if isinstance(self.padding, int) and self.padding >= self.pool_size:
            raise ConfigurationError(
                f"MaxPool1D padding must be smaller than pool_size "
                f"{self.pool_size}, got {self.padding}; otherwise a window can "
                "hold only padding."
            )
        self._argmax: Array | None = None
        self._geometry: Geometry | None = None
        self._out_shape: tuple[int, ...] = ()

    @property
    def name(self) -> str:
        return f"MaxPool1D({self.pool_size})"

    def __repr__(self) -> str:
        return (
            f"MaxPool1D(pool_size={self.pool_size}, stride={self.stride}, "
            f"padding={self.padding!r})"
        )

    def forward(self, x: Array, training: bool = False) -> Array:
        """Take the maximum of each window of steps.

        Shapes:
            x: ``(N, L, C)``. Returns ``(N, OL, C)``.
        """
        self.ensure_built()
        check_input(
            self.name,
            x,
            ("N", "L", "C"),
            None,
            "sequences are (batch, steps, features), so add a feature axis "
            "with x[..., np.newaxis] for one feature per step",
        )
        geometry = make_geometry(
            self.name,
            (1, x.shape[1]),
            (1, self.pool_size),
            (1, self.stride),
            (1, 1),
            ("valid", self.padding),
        )
        out, self._argmax = _max_pool_forward(x[:, np.newaxis], geometry)
        self._geometry, self._out_shape = geometry, out[:, 0].shape
        return out[:, 0]

    def backward(self, grad_output: Array) -> Array:
        """Return ``grad_output`` at each window's maximum, 0 elsewhere.

        Shapes:
            grad_output: ``(N, OL, C)``. Returns ``(N, L, C)``.
        """
        argmax = self._cached(self._argmax)
        assert self._geometry is not None  # set together with _argmax
        self._check_grad_shape(grad_output, self._out_shape)
        grad = _max_pool_backward(grad_output[:, np.newaxis], argmax, self._geometry)
        return grad[:, 0]

    def compute_output_shape(
        self, input_shape: tuple[int | None, ...]
    ) -> tuple[int | None, ...]:
        size = input_shape[1]
        length = None
        if size is not None:
            pad = resolve_padding(self.padding, size, self.pool_size, self.stride, 1)
            length = output_length(size, self.pool_size, self.stride, 1, pad)
        return (input_shape[0], length, input_shape[2])
