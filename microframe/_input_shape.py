"""Check a declared input shape by running it through the layers once."""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import DTypeLike

from microframe._validation import ignore_float_errors
from microframe.errors import MicroframeError, ShapeError
from microframe.layers.base import Layer
from microframe.viz._network import forward_layer


def check_input_shape(
    layers: Sequence[Layer],
    input_shape: tuple[Any, ...],
    dtype: DTypeLike,
    component: str,
    hint: str,
    reported_shape: Any = None,
) -> None:
    """Raise ``ShapeError`` when a batch of ``input_shape`` cannot pass ``layers``.

    A batch of one zero sample runs through copies of the layers, so each
    layer checks the shape it receives as it does in ``predict`` and the
    model is left unchanged. The batch axis, ``input_shape[0]``, may be None.

    Args:
        layers: the model's layers.
        input_shape: the full shape, batch axis first.
        dtype: the model's dtype.
        component: the caller's name for the message, such as ``"summary"``.
        hint: how to fix a wrong shape, ending the message.
        reported_shape: the shape as the caller received it; ``input_shape`` if None.
    """
    if reported_shape is None:
        reported_shape = input_shape
    sizes = input_shape[1:]
    if not all(isinstance(s, (int, np.integer)) and s > 0 for s in sizes):
        raise ShapeError(
            f"{component}: input_shape must hold positive integers after the "
            f"batch axis, got {input_shape!r}; {hint}."
        )
    out = np.zeros((1, *(int(s) for s in sizes)), dtype=dtype)
    try:
        with ignore_float_errors():
            for layer in copy.deepcopy(list(layers)):
                out = forward_layer(layer, out, training=False)
    except MicroframeError as error:
        raise ShapeError(
            f"{component}: input_shape {reported_shape!r} does not fit the model: "
            f"{error} Check input_shape: {hint}."
        ) from error
