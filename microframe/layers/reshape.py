"""Layers that change only the shape of each sample: ``Flatten`` and ``Reshape``."""

from __future__ import annotations

import math

from microframe._validation import check_positive_int
from microframe.errors import ConfigurationError, ShapeError
from microframe.layers.base import Array, Layer


class Flatten(Layer):
    """Flatten every sample to one axis: ``(N, d1, d2, ...) -> (N, d1 * d2 * ...)``.

    Example:
        >>> Flatten().forward(np.ones((2, 3, 4, 5))).shape
        (2, 60)
    """

    def __init__(self) -> None:
        super().__init__()
        self._in_shape: tuple[int, ...] = ()

    def forward(self, x: Array, training: bool = False) -> Array:
        """Return ``x.reshape(N, -1)``.

        Shapes:
            x: ``(N, ...)``. Returns ``(N, D)`` with ``D`` the product of the
            other axes.
        """
        self.ensure_built()
        if x.ndim < 1:
            raise ShapeError(
                f"{self.name}.forward: expected an input with a batch axis, got "
                f"shape {x.shape}; pass a batch such as x[np.newaxis]."
            )
        self._in_shape = x.shape
        return x.reshape(x.shape[0], -1)

    def backward(self, grad_output: Array) -> Array:
        """Reshape ``grad_output`` back to the last input's shape.

        Shapes:
            grad_output: ``(N, D)``. Returns the shape of the last input.
        """
        if not self._in_shape:
            self._cached(None)
        n = self._in_shape[0]
        self._check_grad_shape(grad_output, (n, math.prod(self._in_shape[1:])))
        return grad_output.reshape(self._in_shape)

    def compute_output_shape(
        self, input_shape: tuple[int | None, ...]
    ) -> tuple[int | None, ...]:
        sizes = input_shape[1:]
        if any(size is None for size in sizes):
            return (input_shape[0], None)
        return (input_shape[0], math.prod(size for size in sizes if size is not None))


class Reshape(Layer):
    """Reshape every sample to ``shape``; the batch axis is kept.

    Args:
        shape: the new shape of one sample; one entry may be -1, inferred
            from the sample size.

    Example:
        >>> Reshape((8, 8, 1)).forward(np.ones((5, 64))).shape
        (5, 8, 8, 1)
    """

    def __init__(self, shape: tuple[int, ...]) -> None:
        super().__init__()
        sizes = tuple(shape)
        if sizes.count(-1) > 1:
            raise ConfigurationError(
                f"Reshape shape may contain -1 at most once, got {shape!r}."
            )
        self.shape = tuple(
            -1 if size == -1 else check_positive_int(size, "Reshape shape entry")
            for size in sizes
        )
        self._in_shape: tuple[int, ...] = ()

    @property
    def name(self) -> str:
        return f"Reshape({self.shape})"

    def __repr__(self) -> str:
        return f"Reshape(shape={self.shape})"

    def _target(self, sample_size: int) -> tuple[int, ...] | None:
        known = math.prod(size for size in self.shape if size != -1)
        if -1 in self.shape:
            if sample_size % known:
                return None
            return tuple(sample_size // known if s == -1 else s for s in self.shape)
        return self.shape if known == sample_size else None

    def forward(self, x: Array, training: bool = False) -> Array:
        """Return ``x.reshape(N, *shape)``.

        Shapes:
            x: ``(N, ...)``. Returns ``(N, *shape)``.
        """
        self.ensure_built()
        sample_size = math.prod(x.shape[1:]) if x.ndim >= 1 else 0
        target = self._target(sample_size) if x.ndim >= 1 else None
        if target is None:
            raise ShapeError(
                f"{self.name}.forward: cannot reshape input of shape {x.shape} "
                f"({sample_size} values per sample) to {self.shape}; make the "
                "product of shape equal the number of values per sample."
            )
        self._in_shape = x.shape
        return x.reshape(x.shape[0], *target)

    def backward(self, grad_output: Array) -> Array:
        """Reshape ``grad_output`` back to the last input's shape.

        Shapes:
            grad_output: ``(N, *shape)``. Returns the shape of the last input.
        """
        if not self._in_shape:
            self._cached(None)
        target = self._target(math.prod(self._in_shape[1:]))
        assert target is not None  # forward succeeded with this input shape
        self._check_grad_shape(grad_output, (self._in_shape[0], *target))
        return grad_output.reshape(self._in_shape)

    def compute_output_shape(
        self, input_shape: tuple[int | None, ...]
    ) -> tuple[int | None, ...]:
        sizes = input_shape[1:]
        if any(size is None for size in sizes):
            return (input_shape[0], *(None if s == -1 else s for s in self.shape))
        sample_size = math.prod(s for s in sizes if s is not None)
        target = self._target(sample_size)
        if target is None:
            raise ShapeError(
                f"{self.name}: cannot reshape samples of shape {sizes} to "
                f"{self.shape}; make the product of shape equal "
                f"{sample_size}."
            )
        return (input_shape[0], *target)
