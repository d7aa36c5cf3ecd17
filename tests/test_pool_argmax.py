"""MaxPool2D's cached arg-max matches a plain reduction over each window."""

import numpy as np

from microframe import MaxPool2D


def test_argmax_matches_window_argmax() -> None:
    x = np.random.default_rng(0).normal(size=(3, 6, 4, 2))
    layer = MaxPool2D(2)
    out = layer.forward(x)
    # (N, OH, PH, OW, PW, C) -> (N, OH, OW, C, PH * PW), offsets in row order.
    windows = x.reshape(3, 3, 2, 2, 2, 2).transpose(0, 1, 3, 5, 2, 4)
    flat = windows.reshape(3, 3, 2, 2, 4)
    np.testing.assert_array_equal(layer._argmax, flat.argmax(axis=-1))
    np.testing.assert_array_equal(out, flat.max(axis=-1))


def test_argmax_keeps_first_of_ties() -> None:
    layer = MaxPool2D(2)
    layer.forward(np.array([[[[1.0], [3.0]], [[3.0], [3.0]]]]))
    np.testing.assert_array_equal(layer._argmax, [[[[1]]]])
