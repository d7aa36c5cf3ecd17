"""Recurrent layers over ``(N, T, D)`` sequences: ``SimpleRNN`` and ``LSTM``.

Both start from a zero state, run a Python loop over the ``T`` steps (each
step is one matrix product for the whole batch), and backpropagate through
every step.
"""

from __future__ import annotations

import numpy as np

from microframe import initializers
from microframe._validation import check_positive_int
from microframe.layers._checks import check_input
from microframe.layers.base import Array, Layer


def _sigmoid(x: Array) -> Array:
    # Same formula as microframe.activations.sigmoid, which cannot be
    # imported here because the activations package imports this package.
    with np.errstate(over="ignore"):
        result: Array = 1.0 / (1.0 + np.exp(-x))
    return result


class _Recurrent(Layer):
    """Shared arguments, parameters and shape handling of the recurrent layers."""

    GATES = 1

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        return_sequences: bool,
        kernel_initializer: str | initializers.Initializer,
        recurrent_initializer: str | initializers.Initializer,
        bias_initializer: str | initializers.Initializer,
    ) -> None:
        super().__init__()
        kind = type(self).__name__
        self.input_size = check_positive_int(input_size, f"{kind} input_size")
        self.hidden_size = check_positive_int(hidden_size, f"{kind} hidden_size")
        self.return_sequences = bool(return_sequences)
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.recurrent_initializer = initializers.get(recurrent_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self._x: Array | None = None

    @property
    def name(self) -> str:
        return f"{type(self).__name__}({self.input_size} -> {self.hidden_size})"

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}({self.input_size}, {self.hidden_size}, "
            f"return_sequences={self.return_sequences})"
        )

    def init_params(self, rng: np.random.Generator) -> None:
        width = self.GATES * self.hidden_size
        self.params["weight"] = self.kernel_initializer(
            (self.input_size, width), rng, self.dtype
        )
        self.params["recurrent_weight"] = self.recurrent_initializer(
            (self.hidden_size, width), rng, self.dtype
        )
        self.params["bias"] = self.bias_initializer((width,), rng, self.dtype)

    def _check_input(self, x: Array) -> None:
        check_input(
            self.name,
            x,
            ("N", "T", "D"),
            self.input_size,
            "sequences are (batch, steps, features), so add a feature axis "
            "with x[..., np.newaxis] for one feature per step",
        )

    def _sequence_grad(self, grad_output: Array, x: Array) -> Array:
        """Check ``grad_output`` and return it per step, ``(N, T, H)``."""
        n, steps, _ = x.shape
        if self.return_sequences:
            self._check_grad_shape(grad_output, (n, steps, self.hidden_size))
            return grad_output
        self._check_grad_shape(grad_output, (n, self.hidden_size))
        grad = np.zeros((n, steps, self.hidden_size), dtype=grad_output.dtype)
        grad[:, -1] = grad_output
        return grad

    def _input_grads(self, x: Array, grad_pre: Array) -> Array:
        """Fill ``grads["weight"]``, ``grads["bias"]`` and return the input gradient.

        ``grad_pre`` is the gradient of the pre-activations ``x @ weight +
        h @ recurrent_weight + bias``, shape ``(N, T, GATES * H)``.
        """
        width = grad_pre.shape[-1]
        self.grads["weight"] = x.reshape(-1, self.input_size).T @ grad_pre.reshape(
            -1, width
        )
        self.grads["bias"] = grad_pre.sum(axis=(0, 1))
        result: Array = grad_pre @ self.params["weight"].T
        return result

    def _output(self, hidden: Array) -> Array:
        """Return every hidden state or the last one; ``hidden[:, 0]`` is h_0."""
        result: Array = hidden[:, 1:] if self.return_sequences else hidden[:, -1]
        return result

    def compute_output_shape(
        self, input_shape: tuple[int | None, ...]
    ) -> tuple[int | None, ...]:
        if self.return_sequences:
            return (input_shape[0], input_shape[1], self.hidden_size)
        return (input_shape[0], self.hidden_size)


class SimpleRNN(_Recurrent):
    """Elman recurrent layer with a tanh activation.

    ``h_t = tanh(x_t @ weight + h_{t-1} @ recurrent_weight + bias)``.

    Args:
        input_size: features per step, ``D``.
        hidden_size: size of the hidden state, ``H``.
        return_sequences: return every ``h_t``, ``(N, T, H)``, instead of
            the last one, ``(N, H)``.
        kernel_initializer: initialiser for ``weight``; Glorot uniform.
        recurrent_initializer: initialiser for ``recurrent_weight``;
            orthogonal.
        bias_initializer: initialiser for ``bias``; zeros.

    Attributes:
        params["weight"]: ``(D, H)``.
        params["recurrent_weight"]: ``(H, H)``.
        params["bias"]: ``(H,)``.

    Example:
        >>> layer = SimpleRNN(3, 5)
        >>> layer.forward(np.ones((2, 7, 3))).shape
        (2, 5)
    """

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        *,
        return_sequences: bool = False,
        kernel_initializer: str | initializers.Initializer = "glorot_uniform",
        recurrent_initializer: str | initializers.Initializer = "orthogonal",
        bias_initializer: str | initializers.Initializer = "zeros",
    ) -> None:
        super().__init__(
            input_size,
            hidden_size,
            return_sequences,
            kernel_initializer,
            recurrent_initializer,
            bias_initializer,
        )
        self._hidden: Array | None = None

    def forward(self, x: Array, training: bool = False) -> Array:
        """Run the recurrence over the steps of ``x``.

        Shapes:
            x: ``(N, T, D)``. Returns ``(N, T, H)`` with ``return_sequences``,
            else ``(N, H)``.
        """
        self.ensure_built()
        self._check_input(x)
        n, steps, _ = x.shape
        projected = x @ self.params["weight"] + self.params["bias"]
        recurrent = self.params["recurrent_weight"]
        hidden = np.zeros((n, steps + 1, self.hidden_size), dtype=projected.dtype)
        for t in range(steps):
            hidden[:, t + 1] = np.tanh(projected[:, t] + hidden[:, t] @ recurrent)
        self._x, self._hidden = x, hidden
        return self._output(hidden)

    def backward(self, grad_output: Array) -> Array:
        """Backpropagate through time; fill ``grads``; return the input gradient.

        Per step, from the last: ``dh = grad_h[t] + dh_next``, ``dz = dh *
        (1 - h_t**2)``, ``grads["recurrent_weight"] += h_{t-1}.T @ dz`` and
        ``dh_next = dz @ recurrent_weight.T``. Then ``grads["weight"] =
        x.T @ dz`` and ``dx = dz @ weight.T`` over all steps at once. Uses
        ``x`` and the hidden states cached by ``forward``.

        Shapes:
            grad_output: the shape of the last output. Returns ``(N, T, D)``.
        """
        x = self._cached(self._x)
        hidden = self._cached(self._hidden)
        grad_h = self._sequence_grad(grad_output, x)
        recurrent = self.params["recurrent_weight"]
        grad_pre = np.empty_like(grad_h)
        grad_recurrent = np.zeros_like(recurrent)
        grad_next = np.zeros_like(grad_h[:, 0])
        for t in reversed(range(x.shape[1])):
            h_t = hidden[:, t + 1]
            grad_z = (grad_h[:, t] + grad_next) * (1.0 - h_t * h_t)
            grad_recurrent += hidden[:, t].T @ grad_z
            grad_next = grad_z @ recurrent.T
            grad_pre[:, t] = grad_z
        self.grads["recurrent_weight"] = grad_recurrent
        return self._input_grads(x, grad_pre)


class LSTM(_Recurrent):
    """Long short-term memory layer, gates in the order input, forget, cell, output.

    ``z = x_t @ weight + h_{t-1} @ recurrent_weight + bias`` is split into
    four blocks of ``H``: ``i = _sigmoid(z_i)``, ``f = _sigmoid(z_f)``,
    ``g = tanh(z_g)``, ``o = _sigmoid(z_o)``; then
    ``c_t = f * c_{t-1} + i * g`` and ``h_t = o * tanh(c_t)``. The gate
    order matches PyTorch and Keras, so ``weight.T`` is PyTorch's
    ``weight_ih_l0``.

    Args:
        input_size: features per step, ``D``.
        hidden_size: size of the hidden and cell states, ``H``.
        return_sequences: return every ``h_t``, ``(N, T, H)``, instead of
            the last one, ``(N, H)``.
        unit_forget_bias: start the forget-gate bias at 1, as Keras does, so
            the cell state is kept early in training.
        kernel_initializer: initialiser for ``weight``; Glorot uniform.
        recurrent_initializer: initialiser for ``recurrent_weight``;
            orthogonal.
        bias_initializer: initialiser for ``bias``; zeros.

    Attributes:
        params["weight"]: ``(D, 4 * H)``.
        params["recurrent_weight"]: ``(H, 4 * H)``.
        params["bias"]: ``(4 * H,)``.

    Example:
        >>> layer = LSTM(3, 5, return_sequences=True)
        >>> layer.forward(np.ones((2, 7, 3))).shape
        (2, 7, 5)
    """

    GATES = 4

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        *,
        return_sequences: bool = False,
        unit_forget_bias: bool = True,
        kernel_initializer: str | initializers.Initializer = "glorot_uniform",
        recurrent_initializer: str | initializers.Initializer = "orthogonal",
        bias_initializer: str | initializers.Initializer = "zeros",
    ) -> None:
        super().__init__(
            input_size,
            hidden_size,
            return_sequences,
            kernel_initializer,
            recurrent_initializer,
            bias_initializer,
        )
        self.unit_forget_bias = bool(unit_forget_bias)
        self._hidden: Array | None = None
        self._cells: Array | None = None
        self._gates: Array | None = None

    def init_params(self, rng: np.random.Generator) -> None:
        super().init_params(rng)
        if self.unit_forget_bias:
            bias = self.params["bias"].copy()
            bias[self.hidden_size : 2 * self.hidden_size] += 1.0
            self.params["bias"] = bias

    def forward(self, x: Array, training: bool = False) -> Array:
        """Run the LSTM over the steps of ``x``.

        Shapes:
            x: ``(N, T, D)``. Returns ``(N, T, H)`` with ``return_sequences``,
            else ``(N, H)``.
        """
        self.ensure_built()
        self._check_input(x)
        n, steps, _ = x.shape
        size = self.hidden_size
        projected = x @ self.params["weight"] + self.params["bias"]
        recurrent = self.params["recurrent_weight"]
        hidden = np.zeros((n, steps + 1, size), dtype=projected.dtype)
        cells = np.zeros_like(hidden)
        gates = np.empty_like(projected)
        for t in range(steps):
            z = projected[:, t] + hidden[:, t] @ recurrent
            gate = gates[:, t]
            gate[:, : 2 * size] = _sigmoid(z[:, : 2 * size])
            gate[:, 2 * size : 3 * size] = np.tanh(z[:, 2 * size : 3 * size])
            gate[:, 3 * size :] = _sigmoid(z[:, 3 * size :])
            i, f, g, o = np.split(gate, 4, axis=1)
            cells[:, t + 1] = f * cells[:, t] + i * g
            hidden[:, t + 1] = o * np.tanh(cells[:, t + 1])
        self._x, self._hidden, self._cells, self._gates = x, hidden, cells, gates
        return self._output(hidden)

    def backward(self, grad_output: Array) -> Array:
        """Backpropagate through time; fill ``grads``; return the input gradient.

        Per step, from the last, with ``dh = grad_h[t] + dh_next`` and
        ``dc = dc_next + dh * o * (1 - tanh(c_t)**2)``: ``di = dc * g``,
        ``df = dc * c_{t-1}``, ``dg = dc * i``, ``do = dh * tanh(c_t)``,
        each times its activation's derivative, gives ``dz``; then
        ``dc_next = dc * f`` and ``dh_next = dz @ recurrent_weight.T``.
        Uses ``x``, the states and the gates cached by ``forward``.

        Shapes:
            grad_output: the shape of the last output. Returns ``(N, T, D)``.
        """
        x = self._cached(self._x)
        hidden, cells = self._cached(self._hidden), self._cached(self._cells)
        gates = self._cached(self._gates)
        grad_h = self._sequence_grad(grad_output, x)
        recurrent = self.params["recurrent_weight"]
        grad_pre = np.empty_like(gates)
        grad_recurrent = np.zeros_like(recurrent)
        grad_h_next = np.zeros_like(grad_h[:, 0])
        grad_c_next = np.zeros_like(grad_h[:, 0])
        for t in reversed(range(x.shape[1])):
            i, f, g, o = np.split(gates[:, t], 4, axis=1)
            tanh_c = np.tanh(cells[:, t + 1])
            grad_h_t = grad_h[:, t] + grad_h_next
            grad_c = grad_c_next + grad_h_t * o * (1.0 - tanh_c * tanh_c)
            grad_pre[:, t] = np.concatenate(
                [
                    grad_c * g * i * (1.0 - i),
                    grad_c * cells[:, t] * f * (1.0 - f),
                    grad_c * i * (1.0 - g * g),
                    grad_h_t * tanh_c * o * (1.0 - o),
                ],
                axis=1,
            )
            grad_recurrent += hidden[:, t].T @ grad_pre[:, t]
            grad_h_next = grad_pre[:, t] @ recurrent.T
            grad_c_next = grad_c * f
        self.grads["recurrent_weight"] = grad_recurrent
        return self._input_grads(x, grad_pre)
