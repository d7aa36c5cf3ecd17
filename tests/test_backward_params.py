"""backward_params fills the same grads as backward, without the input gradient."""

import numpy as np
import pytest

from microframe import Conv1D, Conv2D, Dense
from microframe.layers import Layer


@pytest.mark.parametrize(
    ("layer", "shape"),
    [
        (Conv2D(2, 3, 3, padding="same"), (4, 5, 5, 2)),
        (Conv2D(1, 2, 2, stride=2, use_bias=False), (3, 6, 6, 1)),
        (Conv1D(2, 4, 3), (3, 7, 2)),
        (Dense(3, 2), (4, 3)),
    ],
)
def test_backward_params_matches_backward(layer: Layer, shape: tuple[int, ...]) -> None:
    rng = np.random.default_rng(0)
    layer.build(np.random.default_rng(1), dtype=np.float64)
    x = rng.normal(size=shape)
    out = layer.forward(x, training=True)
    grad_output = rng.normal(size=out.shape)
    layer.backward_params(grad_output)
    from_params = {name: grad.copy() for name, grad in layer.grads.items()}
    layer.backward(grad_output)
    assert sorted(from_params) == sorted(layer.grads)
    for name, grad in layer.grads.items():
        np.testing.assert_array_equal(from_params[name], grad)
