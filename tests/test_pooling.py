import numpy as np
import pytest

from microframe import Dense, Sequential, gradcheck
from microframe.errors import ConfigurationError, NotFittedError, ShapeError
from microframe.layers import (
    AvgPool2D,
    Conv2D,
    Flatten,
    GlobalAveragePooling2D,
    Layer,
    MaxPool1D,
    MaxPool2D,
    Reshape,
)

IMAGE_POOLS: list[Layer] = [
    MaxPool2D(2),
    MaxPool2D(3, stride=2),
    MaxPool2D((2, 3), stride=(1, 2), padding="same"),
    MaxPool2D(3, stride=2, padding=1),
    AvgPool2D(2),
    AvgPool2D(3, stride=2, padding="same"),
    AvgPool2D((3, 2), stride=1, padding=1),
    GlobalAveragePooling2D(),
]


def test_max_pool_values_by_hand() -> None:
    x = np.array([[1.0, 5.0, 2.0], [3.0, 4.0, 0.0], [6.0, 1.0, 7.0]])
    layer = MaxPool2D(2, stride=1)
    out = layer.forward(x.reshape(1, 3, 3, 1))
    np.testing.assert_array_equal(out[0, :, :, 0], [[5.0, 5.0], [6.0, 7.0]])
    grad = layer.backward(np.ones((1, 2, 2, 1)))
    # The 5 is the maximum of two windows, so its gradient adds up to 2.
    np.testing.assert_array_equal(grad[0, :, :, 0], [[0, 2, 0], [0, 0, 0], [1, 0, 1]])


def test_max_pool_same_pads_with_minus_inf() -> None:
    x = -np.arange(1.0, 10.0).reshape(1, 3, 3, 1)
    out = MaxPool2D(2, padding="same").forward(x)
    # Windows [[-1, -2], [-4, -5]], [[-3], [-6]], [[-7, -8]], [[-9]].
    np.testing.assert_array_equal(out[0, :, :, 0], [[-1.0, -3.0], [-7.0, -9.0]])


def test_avg_pool_excludes_padding() -> None:
    x = np.arange(1.0, 10.0).reshape(1, 3, 3, 1)
    layer = AvgPool2D(2, padding="same")
    out = layer.forward(x)
    np.testing.assert_array_equal(out[0, :, :, 0], [[3.0, 4.5], [7.5, 9.0]])
    grad = layer.backward(np.ones((1, 2, 2, 1)))
    np.testing.assert_array_equal(
        grad[0, :, :, 0], [[0.25, 0.25, 0.5], [0.25, 0.25, 0.5], [0.5, 0.5, 1.0]]
    )


def test_global_average_by_hand() -> None:
    x = np.arange(8.0).reshape(1, 2, 2, 2)
    layer = GlobalAveragePooling2D()
    np.testing.assert_array_equal(layer.forward(x), [[3.0, 4.0]])
    grad = layer.backward(np.array([[4.0, 8.0]]))
    np.testing.assert_array_equal(grad[0, :, :, 1], [[2.0, 2.0], [2.0, 2.0]])


def test_max_pool1d_by_hand() -> None:
    x = np.array([3.0, 1.0, 4.0, 1.0, 5.0]).reshape(1, 5, 1)
    layer = MaxPool1D(2, stride=2, padding="same")
    np.testing.assert_array_equal(layer.forward(x)[0, :, 0], [3.0, 4.0, 5.0])
    grad = layer.backward(np.array([1.0, 2.0, 3.0]).reshape(1, 3, 1))
    np.testing.assert_array_equal(grad[0, :, 0], [1.0, 0.0, 2.0, 0.0, 3.0])


@pytest.mark.parametrize("pool", IMAGE_POOLS, ids=repr)
@pytest.mark.parametrize("training", [False, True])
@pytest.mark.parametrize("batch", [1, 2])
def test_pool_gradcheck_after_conv(pool: Layer, training: bool, batch: int) -> None:
    model = Sequential([Conv2D(2, 2, 2), pool], seed=0, dtype=np.float64)
    x = np.random.default_rng(1).standard_normal((batch, 8, 7, 2))
    assert gradcheck(model, x, training=training).passed


@pytest.mark.parametrize(
    "pool",
    [MaxPool1D(2), MaxPool1D(3, stride=2, padding=1), MaxPool1D(2, padding="same")],
    ids=repr,
)
@pytest.mark.parametrize("training", [False, True])
def test_max_pool1d_gradcheck_after_dense(pool: Layer, training: bool) -> None:
    model = Sequential([Dense(2, 3), pool], seed=0, dtype=np.float64)
    x = np.random.default_rng(2).standard_normal((2, 7, 2))
    assert gradcheck(model, x, training=training).passed


@pytest.mark.parametrize("training", [False, True])
def test_flatten_reshape_gradcheck(training: bool) -> None:
    model = Sequential(
        [Conv2D(1, 2, 2), Flatten(), Dense(18, 12), Reshape((3, -1)), Flatten()],
        seed=0,
        dtype=np.float64,
    )
    x = np.random.default_rng(3).standard_normal((2, 4, 4, 1))
    assert gradcheck(model, x, training=training).passed


@pytest.mark.parametrize("layer", [*IMAGE_POOLS, Flatten(), Reshape((-1, 2))], ids=repr)
@pytest.mark.parametrize("size", [(7, 5), (4, 9)])
def test_output_shape_matches_forward(layer: Layer, size: tuple[int, int]) -> None:
    x = np.random.default_rng(4).standard_normal((3, *size, 2))
    predicted = layer.compute_output_shape((None, *size, 2))
    assert predicted == (None, *layer.forward(x).shape[1:])


def test_max_pool1d_output_shape() -> None:
    layer = MaxPool1D(3, stride=2, padding=1)
    assert layer.compute_output_shape((None, 10, 4)) == (None, 5, 4)
    assert layer.forward(np.ones((1, 10, 4))).shape == (1, 5, 4)


@pytest.mark.parametrize("pool", IMAGE_POOLS, ids=repr)
def test_pool_backward_twice_same(pool: Layer) -> None:
    x = np.random.default_rng(5).standard_normal((2, 6, 5, 3))
    out = pool.forward(x)
    grad = np.random.default_rng(6).standard_normal(out.shape)
    first = pool.backward(grad)
    second = pool.backward(grad)
    np.testing.assert_array_equal(first, second)


def test_pool_wrong_rank_message() -> None:
    with pytest.raises(ShapeError, match=r"MaxPool2D\(2x2\).*\(N, H, W, C\).*\(4, 4\)"):
        MaxPool2D(2).forward(np.ones((4, 4)))


def test_pool_wrong_grad_shape() -> None:
    layer = AvgPool2D(2)
    layer.forward(np.ones((1, 4, 4, 3)))
    with pytest.raises(ShapeError, match=r"grad_output of shape \(1, 2, 2, 3\)"):
        layer.backward(np.ones((1, 4, 4, 3)))


def test_global_pool_wrong_grad_shape() -> None:
    layer = GlobalAveragePooling2D()
    layer.forward(np.ones((2, 4, 4, 3)))
    with pytest.raises(ShapeError, match=r"grad_output of shape \(2, 3\)"):
        layer.backward(np.ones((2, 4)))


@pytest.mark.parametrize(
    "layer",
    [MaxPool2D(2), AvgPool2D(2), GlobalAveragePooling2D(), MaxPool1D(2)],
    ids=repr,
)
def test_pool_backward_before_forward(layer: Layer) -> None:
    with pytest.raises(NotFittedError, match="call forward"):
        layer.backward(np.ones((1, 1, 1, 1)))


def test_pool_padding_too_large() -> None:
    with pytest.raises(ConfigurationError, match="smaller than pool_size"):
        MaxPool2D(2, padding=2)


def test_reshape_incompatible_message() -> None:
    with pytest.raises(ShapeError, match=r"cannot reshape input of shape \(2, 10\)"):
        Reshape((3, 3)).forward(np.ones((2, 10)))


def test_reshape_rejects_two_unknowns() -> None:
    with pytest.raises(ConfigurationError, match="-1 at most once"):
        Reshape((-1, -1))


def test_flatten_wrong_grad_shape() -> None:
    layer = Flatten()
    layer.forward(np.ones((2, 3, 4)))
    with pytest.raises(ShapeError, match=r"grad_output of shape \(2, 12\)"):
        layer.backward(np.ones((2, 11)))


def test_pool_names() -> None:
    assert MaxPool2D(3).name == "MaxPool2D(3x3)"
    assert repr(AvgPool2D(2, stride=1)) == (
        "AvgPool2D(pool_size=(2, 2), stride=(1, 1), padding='valid')"
    )
    assert Reshape((4, -1)).name == "Reshape((4, -1))"
