import math

import numpy as np
import pytest

from microframe import Dense, Sequential, gradcheck
from microframe.errors import NotFittedError, ShapeError
from microframe.layers import LSTM, Embedding, Layer, SimpleRNN

RECURRENT = [SimpleRNN, LSTM]


def built(layer: Layer) -> Layer:
    layer.build(np.random.default_rng(0), np.float64)
    return layer


def test_simple_rnn_by_hand() -> None:
    layer = built(SimpleRNN(1, 1, return_sequences=True))
    layer.params["weight"] = [[0.5]]
    layer.params["recurrent_weight"] = [[2.0]]
    layer.params["bias"] = [0.1]
    out = layer.forward(np.array([[[1.0], [-1.0]]]))
    h1 = math.tanh(0.5 + 0.1)
    h2 = math.tanh(-0.5 + 2.0 * h1 + 0.1)
    np.testing.assert_allclose(out[0, :, 0], [h1, h2], rtol=1e-15)


def test_lstm_one_step_by_hand() -> None:
    layer = built(LSTM(1, 1, unit_forget_bias=False))
    layer.params["weight"] = [[1.0, 2.0, 3.0, 4.0]]
    layer.params["bias"] = [0.0, 0.0, 0.0, 0.0]
    out = layer.forward(np.array([[[0.5]]]))

    def sigmoid(v: float) -> float:
        return 1.0 / (1.0 + math.exp(-v))

    # h_0 = c_0 = 0, so the recurrent weight and forget gate play no part.
    cell = sigmoid(0.5) * math.tanh(1.5)
    expected = sigmoid(2.0) * math.tanh(cell)
    np.testing.assert_allclose(out, [[expected]], rtol=1e-15)


def test_lstm_forget_bias_starts_at_one() -> None:
    layer = built(LSTM(2, 3))
    np.testing.assert_array_equal(
        layer.params["bias"], [0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0]
    )


def test_recurrent_weight_orthogonal() -> None:
    layer = built(LSTM(2, 3))
    recurrent = layer.params["recurrent_weight"]
    np.testing.assert_allclose(recurrent @ recurrent.T, np.eye(3), atol=1e-12)


@pytest.mark.parametrize("cls", RECURRENT)
@pytest.mark.parametrize("return_sequences", [False, True])
@pytest.mark.parametrize("training", [False, True])
@pytest.mark.parametrize("batch", [1, 2])
def test_recurrent_gradcheck_after_dense(
    cls: type[SimpleRNN | LSTM], return_sequences: bool, training: bool, batch: int
) -> None:
    model = Sequential(
        [Dense(3, 2), cls(2, 3, return_sequences=return_sequences)],
        seed=0,
        dtype=np.float64,
    )
    x = np.random.default_rng(1).standard_normal((batch, 4, 3))
    assert gradcheck(model, x, training=training).passed


def test_lstm_gradcheck_after_embedding() -> None:
    model = Sequential(
        [Embedding(6, 3), LSTM(3, 2), Dense(2, 1)], seed=0, dtype=np.float64
    )
    ids = np.array([[1, 5, 5, 0], [2, 2, 3, 4]])
    assert gradcheck(model, ids).passed


def test_stacked_lstm_gradcheck() -> None:
    model = Sequential(
        [LSTM(2, 3, return_sequences=True), SimpleRNN(3, 2)], seed=0, dtype=np.float64
    )
    x = np.random.default_rng(2).standard_normal((2, 3, 2))
    assert gradcheck(model, x).passed


@pytest.mark.parametrize("cls", RECURRENT)
def test_recurrent_backward_twice_same(cls: type[SimpleRNN | LSTM]) -> None:
    layer = built(cls(2, 3, return_sequences=True))
    layer.forward(np.random.default_rng(3).standard_normal((2, 4, 2)))
    grad = np.random.default_rng(4).standard_normal((2, 4, 3))
    first = layer.backward(grad)
    recurrent_grad = layer.grads["recurrent_weight"].copy()
    second = layer.backward(grad)
    np.testing.assert_array_equal(first, second)
    np.testing.assert_array_equal(recurrent_grad, layer.grads["recurrent_weight"])


@pytest.mark.parametrize("cls", RECURRENT)
@pytest.mark.parametrize("return_sequences", [False, True])
def test_recurrent_output_shape(
    cls: type[SimpleRNN | LSTM], return_sequences: bool
) -> None:
    layer = cls(2, 5, return_sequences=return_sequences)
    out = layer.forward(np.ones((3, 7, 2)))
    assert layer.compute_output_shape((None, 7, 2)) == (None, *out.shape[1:])


def test_sequences_end_with_last_state() -> None:
    x = np.random.default_rng(5).standard_normal((2, 4, 2))
    every = built(LSTM(2, 3, return_sequences=True))
    last = built(LSTM(2, 3))
    for key, value in every.params.items():
        last.params[key] = value
    np.testing.assert_array_equal(every.forward(x)[:, -1], last.forward(x))


def test_recurrent_wrong_input_message() -> None:
    with pytest.raises(ShapeError, match=r"LSTM\(3 -> 4\).*\(N, T, D=3\).*\(2, 3\)"):
        LSTM(3, 4).forward(np.ones((2, 3)))


def test_recurrent_wrong_grad_shape() -> None:
    layer = SimpleRNN(2, 3)
    layer.forward(np.ones((2, 4, 2)))
    with pytest.raises(ShapeError, match=r"grad_output of shape \(2, 3\)"):
        layer.backward(np.ones((2, 4, 3)))


def test_recurrent_backward_before_forward() -> None:
    layer = built(LSTM(2, 3))
    with pytest.raises(NotFittedError, match="call forward"):
        layer.backward(np.ones((1, 3)))


def test_recurrent_name_and_repr() -> None:
    layer = SimpleRNN(4, 8, return_sequences=True)
    assert layer.name == "SimpleRNN(4 -> 8)"
    assert repr(layer) == "SimpleRNN(4, 8, return_sequences=True)"
