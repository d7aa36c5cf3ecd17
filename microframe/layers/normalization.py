"""Normalisation layers: ``BatchNormalization`` and ``LayerNormalization``."""

from __future__ import annotations

from typing import Any

import numpy as np

from microframe import initializers
from microframe._validation import as_float_array, check_number, check_positive_int
from microframe.errors import InputValueError, ShapeError
from microframe.layers.base import Array, Layer


def _normalized_backward(
    grad_x_hat: Array, x_hat: Array, inv_std: Array, axes: tuple[int, ...]
) -> Array:
    """Return the input gradient of ``x_hat = (x - mean(x)) * inv_std``.

    ``mean`` and ``inv_std = 1 / sqrt(var(x) + epsilon)`` are taken over
    ``axes`` from the same ``x``, which gives
    ``dx = inv_std * (g - mean(g) - x_hat * mean(g * x_hat))``.
    """
    mean_grad = grad_x_hat.mean(axis=axes, keepdims=True)
    mean_projection = (grad_x_hat * x_hat).mean(axis=axes, keepdims=True)
    result: Array = inv_std * (grad_x_hat - mean_grad - x_hat * mean_projection)
    return result


class _Normalization(Layer):
    """Scale ``gamma`` and shift ``beta`` over the last axis, and shape checks."""

    def __init__(
        self,
        num_features: int,
        epsilon: float,
        gamma_initializer: str | initializers.Initializer,
        beta_initializer: str | initializers.Initializer,
    ) -> None:
        super().__init__()
        kind = type(self).__name__
        self.num_features = check_positive_int(num_features, f"{kind} num_features")
        self.epsilon = check_number(
            epsilon, f"{kind} epsilon", low=0.0, low_inclusive=False
        )
        self.gamma_initializer = initializers.get(gamma_initializer)
        self.beta_initializer = initializers.get(beta_initializer)
        self._x_hat: Array | None = None
        self._inv_std: Array | None = None

    @property
    def name(self) -> str:
        return f"{type(self).__name__}({self.num_features})"

    def init_params(self, rng: np.random.Generator) -> None:
        shape = (self.num_features,)
        self.params["gamma"] = self.gamma_initializer(shape, rng, self.dtype)
        self.params["beta"] = self.beta_initializer(shape, rng, self.dtype)

    def _check_input(self, x: Array, min_ndim: int) -> None:
        if x.ndim >= min_ndim and x.shape[-1] == self.num_features:
            return
        raise ShapeError(
            f"{self.name}.forward: expected input of shape (N, ..., "
            f"{self.num_features}) with features on the last axis, got "
            f"{x.shape}; set num_features to the size of the last axis."
        )

    def _backward_common(self, grad_output: Array) -> tuple[Array, Array]:
        """Fill ``grads`` and return ``(x_hat, grad_output * gamma)``."""
        x_hat = self._cached(self._x_hat)
        self._check_grad_shape(grad_output, x_hat.shape)
        batch_axes = tuple(range(x_hat.ndim - 1))
        self.grads["gamma"] = (grad_output * x_hat).sum(axis=batch_axes)
        self.grads["beta"] = grad_output.sum(axis=batch_axes)
        return x_hat, grad_output * self.params["gamma"]

    def compute_output_shape(
        self, input_shape: tuple[int | None, ...]
    ) -> tuple[int | None, ...]:
        return input_shape


class BatchNormalization(_Normalization):
    """Normalise each feature over the batch, then scale and shift.

    ``y = gamma * (x - mean) / sqrt(var + epsilon) + beta``. In training,
    ``mean`` and ``var`` (the biased variance) are taken over every axis but
    the last, so images ``(N, H, W, C)`` are normalised per channel. Each
    training pass also updates the running statistics, as Keras does:
    ``running_mean = momentum * running_mean + (1 - momentum) * mean``, and
    the same for ``running_var``. Inference uses the running statistics.

    Args:
        num_features: size of the last axis, ``C``.
        momentum: weight of the old running statistics, in ``[0, 1)``; Keras
            uses 0.99, and PyTorch's ``momentum=0.1`` is ``1 - momentum``.
        epsilon: added to the variance before the square root.
        gamma_initializer: initialiser for ``gamma``; ones by default.
        beta_initializer: initialiser for ``beta``; zeros by default.

    Attributes:
        params["gamma"], params["beta"]: ``(C,)``.
        state["running_mean"], state["running_var"]: ``(C,)``, starting at
            zeros and ones. They live in ``state``, not ``params``, so
            optimizers never update them; save ``state`` to keep them.

    Example:
        >>> layer = BatchNormalization(3)
        >>> layer.forward(np.ones((4, 3)), training=True).shape
        (4, 3)
    """

    def __init__(
        self,
        num_features: int,
        *,
        momentum: float = 0.99,
        epsilon: float = 1e-3,
        gamma_initializer: str | initializers.Initializer = "ones",
        beta_initializer: str | initializers.Initializer = "zeros",
    ) -> None:
        super().__init__(num_features, epsilon, gamma_initializer, beta_initializer)
        self.momentum = check_number(
            momentum,
            "BatchNormalization momentum",
            low=0.0,
            high=1.0,
            high_inclusive=False,
        )
        self._training = False

    def __repr__(self) -> str:
        return (
            f"BatchNormalization({self.num_features}, momentum={self.momentum}, "
            f"epsilon={self.epsilon})"
        )

    def init_params(self, rng: np.random.Generator) -> None:
        super().init_params(rng)
        self.state["running_mean"] = np.zeros(self.num_features, dtype=self.dtype)
        self.state["running_var"] = np.ones(self.num_features, dtype=self.dtype)

    def get_state(self) -> dict[str, Array]:
        """Return copies of ``running_mean`` and ``running_var``, for saving."""
        self.ensure_built()
        return {key: value.copy() for key, value in self.state.items()}

    def set_state(self, state: dict[str, Any]) -> None:
        """Restore the running statistics from what ``get_state`` returned.

        Raises:
            InputValueError: when a key is missing or unknown.
            ShapeError: when an array is not ``(num_features,)``.
        """
        self.ensure_built()
        if set(state) != set(self.state):
            raise InputValueError(
                f"{self.name}.set_state: expected keys {sorted(self.state)}, got "
                f"{sorted(state)}; pass the dict that get_state() returned."
            )
        arrays = {}
        for key, value in state.items():
            array = as_float_array(value, f"{self.name} state[{key!r}]", self.dtype)
            if array.shape != (self.num_features,):
                raise ShapeError(
                    f"{self.name}.set_state: expected {key} of shape "
                    f"({self.num_features},), got {array.shape}; the state was "
                    "saved from a layer with another num_features."
                )
            arrays[key] = array.copy()
        self.state.update(arrays)

    def _update_running(self, mean: Array, var: Array) -> None:
        keep = self.momentum
        for key, batch_value in (("running_mean", mean), ("running_var", var)):
            updated = keep * self.state[key] + (1.0 - keep) * batch_value
            # Stay in the layer's dtype even when x arrives in another one.
            self.state[key] = updated.astype(self.dtype, copy=False)

    def forward(self, x: Array, training: bool = False) -> Array:
        """Normalise with batch statistics (training) or running ones.

        Shapes:
            x: ``(N, ..., C)``. Returns the same shape.
        """
        self.ensure_built()
        self._check_input(x, min_ndim=2)
        axes = tuple(range(x.ndim - 1))
        if training:
            mean = x.mean(axis=axes)
            var = x.var(axis=axes)
            self._update_running(mean, var)
        else:
            mean, var = self.state["running_mean"], self.state["running_var"]
        self._inv_std = 1.0 / np.sqrt(var + self.epsilon)
        self._x_hat = (x - mean) * self._inv_std
        self._training = training
        result: Array = self.params["gamma"] * self._x_hat + self.params["beta"]
        return result

    def backward(self, grad_output: Array) -> Array:
        """Fill ``grads`` and return the input gradient.

        ``grads["gamma"] = sum(grad_output * x_hat)`` and ``grads["beta"] =
        sum(grad_output)`` over every axis but the last. In training the
        batch statistics depend on ``x``, so with ``g = grad_output * gamma``:
        ``dx = inv_std * (g - mean(g) - x_hat * mean(g * x_hat))``. In
        inference ``dx = g * inv_std``. Uses ``x_hat`` and ``inv_std`` cached
        by ``forward``.

        Shapes:
            grad_output: ``(N, ..., C)``. Returns the same shape.
        """
        x_hat, grad_x_hat = self._backward_common(grad_output)
        inv_std = self._cached(self._inv_std)
        if not self._training:
            result: Array = grad_x_hat * inv_std
            return result
        return _normalized_backward(
            grad_x_hat, x_hat, inv_std, tuple(range(x_hat.ndim - 1))
        )


class LayerNormalization(_Normalization):
    """Normalise each sample over its last axis, then scale and shift.

    ``y = gamma * (x - mean) / sqrt(var + epsilon) + beta`` with ``mean``
    and ``var`` (biased) taken over the last axis of each sample, so
    training and inference compute the same thing.

    Args:
        num_features: size of the last axis, ``D``.
        epsilon: added to the variance before the square root; 1e-3 as in
            Keras (PyTorch uses 1e-5).
        gamma_initializer: initialiser for ``gamma``; ones by default.
        beta_initializer: initialiser for ``beta``; zeros by default.

    Attributes:
        params["gamma"], params["beta"]: ``(D,)``.

    Example:
        >>> LayerNormalization(4).forward(np.ones((2, 5, 4))).shape
        (2, 5, 4)
    """

    def __init__(
        self,
        num_features: int,
        *,
        epsilon: float = 1e-3,
        gamma_initializer: str | initializers.Initializer = "ones",
        beta_initializer: str | initializers.Initializer = "zeros",
    ) -> None:
        super().__init__(num_features, epsilon, gamma_initializer, beta_initializer)

    def __repr__(self) -> str:
        return f"LayerNormalization({self.num_features}, epsilon={self.epsilon})"

    def forward(self, x: Array, training: bool = False) -> Array:
        """Normalise every sample over its last axis.

        Shapes:
            x: ``(N, ..., D)``. Returns the same shape.
        """
        self.ensure_built()
        self._check_input(x, min_ndim=1)
        mean = x.mean(axis=-1, keepdims=True)
        var = x.var(axis=-1, keepdims=True)
        self._inv_std = 1.0 / np.sqrt(var + self.epsilon)
        self._x_hat = (x - mean) * self._inv_std
        result: Array = self.params["gamma"] * self._x_hat + self.params["beta"]
        return result

    def backward(self, grad_output: Array) -> Array:
        """Fill ``grads`` and return the input gradient.

        With ``g = grad_output * gamma`` and means over the last axis:
        ``dx = inv_std * (g - mean(g) - x_hat * mean(g * x_hat))``. Uses
        ``x_hat`` and ``inv_std`` cached by ``forward``.

        Shapes:
            grad_output: ``(N, ..., D)``. Returns the same shape.
        """
        x_hat, grad_x_hat = self._backward_common(grad_output)
        inv_std = self._cached(self._inv_std)
        return _normalized_backward(grad_x_hat, x_hat, inv_std, (-1,))
