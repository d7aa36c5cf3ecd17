import numpy as np
import pytest

from microframe import Dense, Sequential, gradcheck
from microframe.errors import InputTypeError, InputValueError, ShapeError
from microframe.layers import Embedding, Flatten


def built(layer: Embedding) -> Embedding:
    layer.build(np.random.default_rng(0), np.float64)
    return layer


def test_embedding_lookup_by_hand() -> None:
    layer = built(Embedding(3, 2))
    layer.params["weight"] = [[0.0, 1.0], [2.0, 3.0], [4.0, 5.0]]
    out = layer.forward(np.array([[2, 0], [1, 1]]))
    np.testing.assert_array_equal(out, [[[4, 5], [0, 1]], [[2, 3], [2, 3]]])


def test_repeated_ids_accumulate() -> None:
    layer = built(Embedding(4, 2))
    layer.forward(np.array([[1, 1, 3], [1, 0, 3]]))
    grad = np.arange(12.0).reshape(2, 3, 2)
    layer.backward(grad)
    # Id 1 sits at (0, 0), (0, 1) and (1, 0): rows 0 + 1 + 3 of grad.
    np.testing.assert_array_equal(
        layer.grads["weight"], [[8, 9], [0 + 2 + 6, 1 + 3 + 7], [0, 0], [14, 16]]
    )


def test_embedding_input_gradient_zero() -> None:
    layer = built(Embedding(4, 2))
    layer.forward(np.array([[1, 2]]))
    np.testing.assert_array_equal(layer.backward(np.ones((1, 2, 2))), [[0.0, 0.0]])


@pytest.mark.parametrize("training", [False, True])
def test_embedding_gradcheck_before_dense(training: bool) -> None:
    model = Sequential(
        [Embedding(5, 3), Flatten(), Dense(12, 2)], seed=0, dtype=np.float64
    )
    ids = np.array([[0, 4, 4, 1], [2, 2, 2, 0], [3, 1, 0, 4]])
    assert gradcheck(model, ids, training=training).passed


def test_embedding_accepts_whole_floats() -> None:
    layer = built(Embedding(3, 2))
    out = layer.forward(np.array([[2.0, 0.0]]))
    np.testing.assert_array_equal(out, layer.forward(np.array([[2, 0]])))


def test_embedding_rejects_fractional_ids() -> None:
    with pytest.raises(InputValueError, match=r"non-integer value 1\.5"):
        Embedding(3, 2).forward(np.array([[1.5]]))


def test_embedding_rejects_bool_ids() -> None:
    with pytest.raises(InputTypeError, match="dtype bool"):
        Embedding(3, 2).forward(np.array([[True]]))


@pytest.mark.parametrize("bad", [3, -1])
def test_embedding_rejects_out_of_range(bad: int) -> None:
    with pytest.raises(InputValueError, match=rf"ids in \[0, 3\), got {bad}"):
        Embedding(3, 2).forward(np.array([[0, bad]]))


def test_embedding_wrong_grad_shape() -> None:
    layer = Embedding(3, 2)
    layer.forward(np.array([[0, 1]]))
    with pytest.raises(ShapeError, match=r"grad_output of shape \(1, 2, 2\)"):
        layer.backward(np.ones((1, 2)))


def test_embedding_backward_twice_same() -> None:
    layer = built(Embedding(3, 2))
    layer.forward(np.array([[0, 1, 1]]))
    grad = np.ones((1, 3, 2))
    layer.backward(grad)
    first = layer.grads["weight"].copy()
    layer.backward(grad)
    np.testing.assert_array_equal(first, layer.grads["weight"])


def test_embedding_output_shape_and_name() -> None:
    layer = Embedding(10, 4)
    assert layer.compute_output_shape((None, 7)) == (None, 7, 4)
    assert layer.name == "Embedding(10, 4)"
