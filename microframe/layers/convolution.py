"""Convolution layers on channels-last input: ``Conv2D`` and ``Conv1D``."""

from __future__ import annotations

import numpy as np

from microframe import initializers
from microframe._validation import check_positive_int
from microframe.layers._checks import check_input
from microframe.layers._windows import (
    Geometry,
    PaddingSpec,
    add_windows,
    as_pair,
    check_padding,
    make_geometry,
    output_length,
    pad_input,
    resolve_padding,
    window_view,
)
from microframe.layers.base import Array, Layer


def conv_forward(
    x: Array, kernel: Array, bias: Array | None, geometry: Geometry
) -> tuple[Array, Array]:
    """Convolve ``x`` through im2col and one matrix product.

    Args:
        x: input ``(N, H, W, C_in)``.
        kernel: ``(KH, KW, C_in, C_out)``.
        bias: ``(C_out,)`` or ``None``.
        geometry: padding, strides and output size.

    Returns:
        the output ``(N, OH, OW, C_out)`` and the column matrix
        ``(N * OH * OW, KH * KW * C_in)`` that the backward pass needs.
    """
    n = x.shape[0]
    oh, ow = geometry.out_size
    windows = window_view(pad_input(x, geometry), geometry)
    # (N, OH, OW, C, KH, KW) -> (N, OH, OW, KH, KW, C), to match the kernel.
    columns = windows.transpose(0, 1, 2, 4, 5, 3).reshape(n * oh * ow, -1)
    out = columns @ kernel.reshape(columns.shape[1], -1)
    if bias is not None:
        out += bias
    return out.reshape(n, oh, ow, -1), columns


def conv_backward(
    grad_output: Array, columns: Array, kernel: Array, geometry: Geometry
) -> tuple[Array, Array, Array]:
    """Return the gradients for the kernel, the bias and the input.

    ``grad_kernel = columns.T @ grad_output``, ``grad_bias =
    grad_output.sum(...)``, and the input gradient is ``grad_output @
    kernel.T`` folded back onto the input by ``add_windows``.
    """
    grad_kernel, grad_bias = conv_param_grads(grad_output, columns, kernel)
    return grad_kernel, grad_bias, conv_input_grad(grad_output, kernel, geometry)


def conv_param_grads(
    grad_output: Array, columns: Array, kernel: Array
) -> tuple[Array, Array]:
    """Return the gradients for the kernel and the bias, as ``conv_backward``."""
    grad_2d = grad_output.reshape(-1, kernel.shape[-1])
    grad_kernel = (columns.T @ grad_2d).reshape(kernel.shape)
    return grad_kernel, grad_2d.sum(axis=0)


def conv_input_grad(grad_output: Array, kernel: Array, geometry: Geometry) -> Array:
    """Return the gradient for the input, as ``conv_backward``."""
    kh, kw, c_in, c_out = kernel.shape
    n, oh, ow, _ = grad_output.shape
    grad_2d = grad_output.reshape(-1, c_out)
    kernel_2d = kernel.reshape(-1, c_out)
    grad_columns = (grad_2d @ kernel_2d.T).reshape(n, oh, ow, kh, kw, c_in)
    return add_windows(grad_columns, geometry)


class _Convolution(Layer):
    """Shared parameters, caching and backward pass of Conv2D and Conv1D."""

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        use_bias: bool,
        kernel_initializer: str | initializers.Initializer,
        bias_initializer: str | initializers.Initializer,
    ) -> None:
        super().__init__()
        kind = type(self).__name__
        self.in_channels = check_positive_int(in_channels, f"{kind} in_channels")
        self.out_channels = check_positive_int(out_channels, f"{kind} out_channels")
        self.use_bias = bool(use_bias)
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self._columns: Array | None = None
        self._geometry: Geometry | None = None
        self._out_shape: tuple[int, ...] = ()

    def _kernel_shape(self) -> tuple[int, ...]:
        raise NotImplementedError

    def _kernel_shape_2d(self) -> tuple[int, int, int, int]:
        raise NotImplementedError

    def init_params(self, rng: np.random.Generator) -> None:
        shape = self._kernel_shape()
        self.params["weight"] = self.kernel_initializer(shape, rng, self.dtype)
        if self.use_bias:
            bias_shape = (self.out_channels,)
            self.params["bias"] = self.bias_initializer(bias_shape, rng, self.dtype)

    def _forward_2d(self, x: Array, geometry: Geometry) -> Array:
        kernel = self.params["weight"].reshape(self._kernel_shape_2d())
        bias = self.params["bias"] if self.use_bias else None
        out, self._columns = conv_forward(x, kernel, bias, geometry)
        self._geometry = geometry
        self._out_shape = out.shape
        return out

    def _backward_2d(self, grad_output: Array, input_grad: bool = True) -> Array | None:
        """Fill ``grads``; return the input gradient, or ``None`` without it."""
        columns = self._cached(self._columns)
        assert self._geometry is not None  # set together with _columns
        kernel = self.params["weight"].reshape(self._kernel_shape_2d())
        grad_kernel, grad_bias = conv_param_grads(grad_output, columns, kernel)
        self.grads["weight"] = grad_kernel.reshape(self.params["weight"].shape)
        if self.use_bias:
            self.grads["bias"] = grad_bias
        if not input_grad:
            return None
        return conv_input_grad(grad_output, kernel, self._geometry)


class Conv2D(_Convolution):
    """2-D convolution (cross-correlation) on channels-last images.

    ``y[n, i, j, :] = sum over (a, b, c) of xp[n, i * SH + a * DH, j * SW + b *
    DW, c] * weight[a, b, c, :] + bias``, where ``xp`` is the padded input,
    ``S`` the stride and ``D`` the dilation. Computed as one matrix product
    of the im2col matrix ``(N * OH * OW, KH * KW * C_in)`` with the kernel.

    Args:
        in_channels: channels of the input, ``C_in``.
        out_channels: channels of the output (number of filters), ``C_out``.
        kernel_size: ``K`` or ``(KH, KW)``.
        stride: ``S`` or ``(SH, SW)``.
        padding: ``"valid"`` (none), ``"same"`` (``ceil(H / SH)`` outputs,
            the odd pixel padded after the input, as Keras does) or an int
            padded with zeros on every side.
        dilation: spacing between kernel elements, ``D`` or ``(DH, DW)``.
        use_bias: whether to add the learned ``bias``.
        kernel_initializer: initialiser for ``weight``, by name or object.
        bias_initializer: initialiser for ``bias``, by name or object.

    Attributes:
        params["weight"]: ``(KH, KW, C_in, C_out)``, Glorot uniform by default.
            PyTorch's ``nn.Conv2d`` stores ``(C_out, C_in, KH, KW)``, so
            ``weight.transpose(3, 2, 0, 1)`` converts.
        params["bias"]: ``(C_out,)``, zeros by default; absent when
            ``use_bias=False``.

    Example:
        >>> layer = Conv2D(3, 8, 3, padding="same")
        >>> layer.forward(np.ones((2, 5, 5, 3))).shape
        (2, 5, 5, 8)
    """

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        kernel_size: int | tuple[int, int],
        *,
        stride: int | tuple[int, int] = 1,
        padding: PaddingSpec = "valid",
        dilation: int | tuple[int, int] = 1,
        use_bias: bool = True,
        kernel_initializer: str | initializers.Initializer = "glorot_uniform",
        bias_initializer: str | initializers.Initializer = "zeros",
    ) -> None:
        super().__init__(
            in_channels, out_channels, use_bias, kernel_initializer, bias_initializer
        )
        self.kernel_size = as_pair(kernel_size, "Conv2D kernel_size")
        self.stride = as_pair(stride, "Conv2D stride")
        self.padding = check_padding(padding, "Conv2D padding")
        self.dilation = as_pair(dilation, "Conv2D dilation")

    @property
    def name(self) -> str:
        kh, kw = self.kernel_size
        return f"Conv2D({self.in_channels} -> {self.out_channels}, {kh}x{kw})"

    def __repr__(self) -> str:
        return (
            f"Conv2D({self.in_channels}, {self.out_channels}, "
            f"kernel_size={self.kernel_size}, stride={self.stride}, "
            f"padding={self.padding!r}, dilation={self.dilation}, "
            f"use_bias={self.use_bias})"
        )

    def _kernel_shape(self) -> tuple[int, ...]:
        return self._kernel_shape_2d()

    def _kernel_shape_2d(self) -> tuple[int, int, int, int]:
        kh, kw = self.kernel_size
        return (kh, kw, self.in_channels, self.out_channels)

    def forward(self, x: Array, training: bool = False) -> Array:
        """Convolve ``x`` with the kernel and add the bias.

        Shapes:
            x: ``(N, H, W, C_in)``. Returns ``(N, OH, OW, C_out)``.
        """
        self.ensure_built()
        check_input(
            self.name,
            x,
            ("N", "H", "W", "C_in"),
            self.in_channels,
            "images are channels-last, so add a channel axis with "
            "x[..., np.newaxis] or move it last with x.transpose(0, 2, 3, 1)",
        )
        geometry = make_geometry(
            self.name,
            (x.shape[1], x.shape[2]),
            self.kernel_size,
            self.stride,
            self.dilation,
            (self.padding, self.padding),
        )
        return self._forward_2d(x, geometry)

    def backward(self, grad_output: Array) -> Array:
        """Fill ``grads`` and return the input gradient.

        ``grads["weight"] = columns.T @ grad_output`` and
        ``grads["bias"] = grad_output.sum(axis=(0, 1, 2))``; the input
        gradient ``grad_output @ weight.T`` is summed back over the windows
        each pixel belongs to. Uses the im2col matrix cached by ``forward``.

        Shapes:
            grad_output: ``(N, OH, OW, C_out)``. Returns ``(N, H, W, C_in)``.
        """
        self._cached(self._columns)
        self._check_grad_shape(grad_output, self._out_shape)
        grad_input = self._backward_2d(grad_output)
        assert grad_input is not None  # input_grad is True by default
        return grad_input

    def backward_params(self, grad_output: Array) -> None:
        """Fill ``grads`` as ``backward`` does, without the input gradient.

        ``fit`` calls this when the layer comes first, where folding the
        input gradient back over the windows would be wasted work.

        Shapes:
            grad_output: ``(N, OH, OW, C_out)``.
        """
        self._cached(self._columns)
        self._check_grad_shape(grad_output, self._out_shape)
        self._backward_2d(grad_output, input_grad=False)

    def compute_output_shape(
        self, input_shape: tuple[int | None, ...]
    ) -> tuple[int | None, ...]:
        n, h, w = input_shape[0], input_shape[1], input_shape[2]
        sizes = [
            _conv_length(size, k, s, d, self.padding)
            for size, k, s, d in zip(
                (h, w), self.kernel_size, self.stride, self.dilation, strict=True
            )
        ]
        return (n, sizes[0], sizes[1], self.out_channels)


def _conv_length(
    size: int | None, kernel: int, stride: int, dilation: int, padding: PaddingSpec
) -> int | None:
    if size is None:
        return None
    pad = resolve_padding(padding, size, kernel, stride, dilation)
    return output_length(size, kernel, stride, dilation, pad)


class Conv1D(_Convolution):
    """1-D convolution over the steps of ``(N, L, C_in)`` sequences.

    ``y[n, i, :] = sum over (a, c) of xp[n, i * stride + a * dilation, c] *
    weight[a, c, :] + bias``, computed by ``Conv2D``'s im2col code on
    ``(N, 1, L, C_in)``.

    Args:
        in_channels: features per step, ``C_in``.
        out_channels: filters, ``C_out``.
        kernel_size: window length ``K``.
        stride: step between windows.
        padding: ``"valid"``, ``"same"`` or an int, as in ``Conv2D``.
        dilation: spacing between kernel elements.
        use_bias: whether to add the learned ``bias``.
        kernel_initializer: initialiser for ``weight``, by name or object.
        bias_initializer: initialiser for ``bias``, by name or object.

    Attributes:
        params["weight"]: ``(K, C_in, C_out)``, Glorot uniform by default.
        params["bias"]: ``(C_out,)``, zeros by default.

    Example:
        >>> layer = Conv1D(4, 6, 3)
        >>> layer.forward(np.ones((2, 10, 4))).shape
        (2, 8, 6)
    """

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        kernel_size: int,
        *,
        stride: int = 1,
        padding: PaddingSpec = "valid",
        dilation: int = 1,
        use_bias: bool = True,
        kernel_initializer: str | initializers.Initializer = "glorot_uniform",
        bias_initializer: str | initializers.Initializer = "zeros",
    ) -> None:
        super().__init__(
            in_channels, out_channels, use_bias, kernel_initializer, bias_initializer
        )
        self.kernel_size = check_positive_int(kernel_size, "Conv1D kernel_size")
        self.stride = check_positive_int(stride, "Conv1D stride")
        self.padding = check_padding(padding, "Conv1D padding")
        self.dilation = check_positive_int(dilation, "Conv1D dilation")

    @property
    def name(self) -> str:
        return f"Conv1D({self.in_channels} -> {self.out_channels}, {self.kernel_size})"

    def __repr__(self) -> str:
        return (
            f"Conv1D({self.in_channels}, {self.out_channels}, "
            f"kernel_size={self.kernel_size}, stride={self.stride}, "
            f"padding={self.padding!r}, dilation={self.dilation}, "
            f"use_bias={self.use_bias})"
        )

    def _kernel_shape(self) -> tuple[int, ...]:
        return (self.kernel_size, self.in_channels, self.out_channels)

    def _kernel_shape_2d(self) -> tuple[int, int, int, int]:
        return (1, self.kernel_size, self.in_channels, self.out_channels)

    def forward(self, x: Array, training: bool = False) -> Array:
        """Convolve each sequence with the kernel and add the bias.

        Shapes:
            x: ``(N, L, C_in)``. Returns ``(N, OL, C_out)``.
        """
        self.ensure_built()
        check_input(
            self.name,
            x,
            ("N", "L", "C_in"),
            self.in_channels,
            "sequences are (batch, steps, features), so add a feature axis "
            "with x[..., np.newaxis] for one feature per step",
        )
        geometry = make_geometry(
            self.name,
            (1, x.shape[1]),
            (1, self.kernel_size),
            (1, self.stride),
            (1, self.dilation),
            ("valid", self.padding),
        )
        out = self._forward_2d(x[:, np.newaxis], geometry)
        return out[:, 0]

    def backward(self, grad_output: Array) -> Array:
        """Fill ``grads`` and return the input gradient, as ``Conv2D`` does.

        Shapes:
            grad_output: ``(N, OL, C_out)``. Returns ``(N, L, C_in)``.
        """
        self._cached(self._columns)
        n, _, length, c_out = self._out_shape
        self._check_grad_shape(grad_output, (n, length, c_out))
        grad_input = self._backward_2d(grad_output[:, np.newaxis])
        assert grad_input is not None  # input_grad is True by default
        return grad_input[:, 0]

    def backward_params(self, grad_output: Array) -> None:
        """Fill ``grads`` as ``backward`` does, without the input gradient.

        Shapes:
            grad_output: ``(N, OL, C_out)``.
        """
        self._cached(self._columns)
        n, _, length, c_out = self._out_shape
        self._check_grad_shape(grad_output, (n, length, c_out))
        self._backward_2d(grad_output[:, np.newaxis], input_grad=False)

    def compute_output_shape(
        self, input_shape: tuple[int | None, ...]
    ) -> tuple[int | None, ...]:
        length = _conv_length(
            input_shape[1], self.kernel_size, self.stride, self.dilation, self.padding
        )
        return (input_shape[0], length, self.out_channels)
