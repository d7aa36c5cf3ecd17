"""The input checks around forward and backward, for every signature."""

from typing import Any

import numpy as np

from microframe.layers import Layer

Array = np.ndarray

# Lists stand in for any input that is not an array yet.
INTS: Any = [[1, 2]]


class Usual(Layer):
    def forward(self, x: Array, training: bool = False) -> Array:
        self.seen = (x, training)
        return x

    def backward(self, grad_output: Array) -> Array:
        self.seen_grad = grad_output
        return grad_output


class NoTraining(Layer):
    def forward(self, x: Array) -> Array:  # type: ignore[override]
        return x * 2.0


class TrainingByDefault(Layer):
    def forward(self, x: Array, training: bool = True) -> Array:
        self.seen_training = training
        return x


class ExtraArgument(Layer):
    def backward(self, grad_output: Array, scale: float = 1.0) -> Any:
        return grad_output * scale


def test_usual_signature_gets_float_arrays() -> None:
    layer = Usual()
    layer.forward(INTS, True)
    x, training = layer.seen
    assert type(x) is np.ndarray
    assert x.dtype == np.float32
    assert training is True
    layer.backward(INTS)
    assert layer.seen_grad.dtype == np.float32
    np.testing.assert_array_equal(layer.seen_grad, [[1.0, 2.0]])


def test_usual_signature_passes_training() -> None:
    layer = Usual()
    x = np.ones((1, 2))
    layer.forward(x)
    assert layer.seen[1] is False
    layer.forward(x, training=True)
    assert layer.seen[1] is True
    assert layer.seen[0] is x


def test_other_signatures_keep_their_own() -> None:
    np.testing.assert_array_equal(NoTraining().forward(INTS), [[2.0, 4.0]])
    layer = TrainingByDefault()
    layer.forward(np.ones((1, 1)))
    assert layer.seen_training is True
    result = ExtraArgument().backward(INTS, 3.0)
    np.testing.assert_array_equal(result, [[3.0, 6.0]])


def test_wrappers_keep_name_and_docstring() -> None:
    assert Usual.forward.__name__ == "forward"
    assert Usual.backward.__name__ == "backward"
    wrapped: Any = NoTraining.forward
    assert wrapped.__wrapped__.__qualname__ == "NoTraining.forward"
