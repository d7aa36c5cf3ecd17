"""Inverted dropout."""

from __future__ import annotations

import numpy as np

from microframe._validation import check_number
from microframe.errors import NotFittedError
from microframe.layers.base import Array, Layer


class Dropout(Layer):
    """Zero each element with probability ``rate`` while training.

    Kept elements are scaled by ``1 / (1 - rate)`` (inverted dropout), so
    inference is the identity and needs no rescaling. Masks are drawn from
    the layer's generator, which ``Sequential`` seeds.

    Args:
        rate: probability of dropping an element, in ``[0, 1)``.

    Example:
        >>> layer = Dropout(0.5)
        >>> layer.forward(np.ones((2, 4))).shape  # inference: unchanged
        (2, 4)
    """

    def __init__(self, rate: float) -> None:
        super().__init__()
        self.rate = check_number(
            rate, "Dropout rate", low=0.0, high=1.0, high_inclusive=False
        )
        self._mask: Array | None = None
        self._shape: tuple[int, ...] | None = None

    @property
    def name(self) -> str:
        return f"Dropout({self.rate})"

    def __repr__(self) -> str:
        return f"Dropout(rate={self.rate})"

    def forward(self, x: Array, training: bool = False) -> Array:
        """Drop and rescale elements when ``training``; else return ``x``.

        Shapes:
            x: any shape ``(N, ...)``. Returns the same shape.
        """
        self.ensure_built()
        self._shape = x.shape
        if not training or self.rate == 0.0:
            self._mask = None
            return x
        assert self.rng is not None  # set by ensure_built
        keep = self.rng.random(x.shape, dtype=np.float64) >= self.rate
        self._mask = keep.astype(x.dtype) / (1.0 - self.rate)
        result: Array = x * self._mask
        return result

    def backward(self, grad_output: Array) -> Array:
        """Return ``grad_output * mask``, the mask of the last forward pass.

        Shapes:
            grad_output: the shape of the last input. Returns the same shape.
        """
        if self._shape is None:
            raise NotFittedError(
                f"{self.name}.backward: no cached forward pass; call "
                "forward(x) before backward(grad_output)."
            )
        self._check_grad_shape(grad_output, self._shape)
        if self._mask is None:
            return grad_output
        result: Array = grad_output * self._mask
        return result
