"""The ``Activation`` base class."""

from __future__ import annotations

from microframe.errors import ShapeError
from microframe.layers.base import Array, Layer


class Activation(Layer):
    """A layer without parameters that applies a function element-wise.

    Subclasses implement ``_forward(x)`` and ``_backward(grad_output)``;
    this class caches the input and output and checks shapes, so the two
    methods hold only the math. ``_forward`` may read ``self._x`` and
    ``_backward`` may read ``self._x`` and ``self._y``.
    """

    def __init__(self) -> None:
        super().__init__()
        self._x: Array | None = None
        self._y: Array | None = None

    def forward(self, x: Array, training: bool = False) -> Array:
        """Apply the activation.

        Shapes:
            x: any shape ``(N, ...)``. Returns the same shape.
        """
        self.ensure_built()
        if x.ndim == 0:
            raise ShapeError(
                f"{self.name}.forward: expected an array with a batch axis, got "
                "a scalar; pass an array of shape (N, ...), for example "
                "np.atleast_1d(x)."
            )
        self._x = x
        self._y = self._forward(x)
        return self._y

    def backward(self, grad_output: Array) -> Array:
        """Return ``grad_output`` times the derivative at the cached input.

        Shapes:
            grad_output: the shape of the last output. Returns the same shape.
        """
        y = self._cached(self._y)
        self._check_grad_shape(grad_output, y.shape)
        return self._backward(grad_output)

    def _forward(self, x: Array) -> Array:
        raise NotImplementedError(f"{self.name} must implement _forward(x).")

    def _backward(self, grad_output: Array) -> Array:
        raise NotImplementedError(f"{self.name} must implement _backward(grad_output).")
