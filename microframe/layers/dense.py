"""Fully connected layer."""

from __future__ import annotations

import numpy as np

from microframe import initializers
from microframe._validation import check_positive_int
from microframe.errors import ShapeError
from microframe.layers.base import Array, Layer


class Dense(Layer):
    """Affine map ``y = x @ weight + bias`` over the last axis.

    Args:
        in_features: size of each input sample, ``D_in``.
        out_features: size of each output sample, ``D_out``.
        use_bias: whether to add the learned ``bias``.
        kernel_initializer: initialiser for ``weight``, by name or object.
        bias_initializer: initialiser for ``bias``, by name or object.

    Attributes:
        params["weight"]: shape ``(D_in, D_out)``, Glorot uniform by default.
            Note that PyTorch's ``nn.Linear`` stores the transpose.
        params["bias"]: shape ``(D_out,)``, zeros by default; absent when
            ``use_bias=False``.

    Example:
        >>> layer = Dense(3, 2)
        >>> layer.forward(np.ones((4, 3))).shape
        (4, 2)
    """

    def __init__(
        self,
        in_features: int,
        out_features: int,
        *,
        use_bias: bool = True,
        kernel_initializer: str | initializers.Initializer = "glorot_uniform",
        bias_initializer: str | initializers.Initializer = "zeros",
    ) -> None:
        super().__init__()
        self.in_features = check_positive_int(in_features, "Dense in_features")
        self.out_features = check_positive_int(out_features, "Dense out_features")
        self.use_bias = bool(use_bias)
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self._x: Array | None = None
        self._ones_cache: Array | None = None

    @property
    def name(self) -> str:
        return f"Dense({self.in_features} -> {self.out_features})"

    def __repr__(self) -> str:
        return (
            f"Dense({self.in_features}, {self.out_features}, use_bias={self.use_bias})"
        )

    def init_params(self, rng: np.random.Generator) -> None:
        shape = (self.in_features, self.out_features)
        self.params["weight"] = self.kernel_initializer(shape, rng, self.dtype)
        if self.use_bias:
            bias_shape = (self.out_features,)
            self.params["bias"] = self.bias_initializer(bias_shape, rng, self.dtype)

    def forward(self, x: Array, training: bool = False) -> Array:
        """Apply the affine map.

        Shapes:
            x: ``(N, ..., D_in)``. Returns ``(N, ..., D_out)``.
        """
        self.ensure_built()
        if x.ndim < 1 or x.shape[-1] != self.in_features:
            raise ShapeError(
                f"{self.name}.forward: expected input with {self.in_features} "
                f"features on the last axis, got shape {x.shape}; check the "
                "previous layer's output size or the number of columns of x."
            )
        self._x = x
        y = _product(x, self.params["weight"])
        if self.use_bias:
            y += self.params["bias"]
        return y

    def backward(self, grad_output: Array) -> Array:
        """Fill ``grads`` and return the input gradient.

        ``grads["weight"] = x.T @ grad_output``,
        ``grads["bias"] = grad_output.sum(axis=0)`` and the input gradient is
        ``grad_output @ weight.T``, using the ``x`` cached by ``forward``.

        Shapes:
            grad_output: ``(N, ..., D_out)``. Returns ``(N, ..., D_in)``.
        """
        self._fill_grads(grad_output)
        return _product(grad_output, self.params["weight"].T)

    def backward_params(self, grad_output: Array) -> None:
        """Fill ``grads`` as ``backward`` does, without the input gradient.

        Shapes:
            grad_output: ``(N, ..., D_out)``.
        """
        self._fill_grads(grad_output)

    def _fill_grads(self, grad_output: Array) -> None:
        # Shared by backward and backward_params; unlike those two, it is
        # not wrapped, so backward does not check grad_output twice.
        x = self._cached(self._x)
        self._check_grad_shape(grad_output, x.shape[:-1] + (self.out_features,))
        if x.ndim != 2:
            x = x.reshape(-1, self.in_features)
            grad_output = grad_output.reshape(-1, self.out_features)
        self.grads["weight"] = x.T.dot(grad_output)
        if self.use_bias:
            # A vector-matrix product sums the rows about twice as fast as
            # grad_output.sum(axis=0) (NumPy 2.4 with OpenBLAS).
            self.grads["bias"] = self._ones(len(grad_output)).dot(grad_output)

    def _ones(self, rows: int) -> Array:
        """Return a cached vector of ``rows`` ones in the layer's dtype."""
        if self._ones_cache is None or len(self._ones_cache) != rows:
            self._ones_cache = np.ones(rows, self.dtype)
        return self._ones_cache

    def compute_output_shape(
        self, input_shape: tuple[int | None, ...]
    ) -> tuple[int | None, ...]:
        return input_shape[:-1] + (self.out_features,)


def _product(x: Array, weight: Array) -> Array:
    """Return ``x @ weight`` for an ``x`` of any number of axes.

    For 2-D arrays, ``ndarray.dot`` calls the same BLAS routine as ``@``
    without the dispatch of the ``matmul`` ufunc. That dispatch takes most
    of the time of a product of small matrices: about 0.6 of 0.9 us for 1x3
    by 3x2, measured with NumPy 2.4. On more axes ``dot`` does not call
    BLAS, so ``@`` is kept there.
    """
    result: Array = x.dot(weight) if x.ndim == 2 else x @ weight
    return result
