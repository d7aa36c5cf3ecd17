import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from microframe import Dense, Sequential, gradcheck
from microframe.errors import ConfigurationError, NotFittedError, ShapeError
from microframe.layers import Conv1D, Conv2D, Layer

PADDINGS: list[str | int] = ["valid", "same", 1]


def conv_reference(
    x: np.ndarray, kernel: np.ndarray, stride: int, dilation: int, pad: tuple[int, int]
) -> np.ndarray:
    """Direct loop over outputs, independent of the im2col code."""
    kh, kw, _, c_out = kernel.shape
    xp = np.pad(x, ((0, 0), pad, pad, (0, 0)))
    oh = (xp.shape[1] - dilation * (kh - 1) - 1) // stride + 1
    ow = (xp.shape[2] - dilation * (kw - 1) - 1) // stride + 1
    out = np.zeros((x.shape[0], oh, ow, c_out))
    for i in range(oh):
        for j in range(ow):
            rows = slice(i * stride, i * stride + dilation * (kh - 1) + 1, dilation)
            columns = slice(j * stride, j * stride + dilation * (kw - 1) + 1, dilation)
            patch = xp[:, rows, columns, :]
            out[:, i, j, :] = np.einsum("nabc,abco->no", patch, kernel)
    return out


def same_pads(
    size: int, kernel: int, stride: int, dilation: int, padding: str | int
) -> tuple[int, int]:
    """Padding worked out from the TensorFlow rule, for the reference loop."""
    if isinstance(padding, int):
        return padding, padding
    if padding == "valid":
        return 0, 0
    out = -(-size // stride)
    total = max((out - 1) * stride + dilation * (kernel - 1) + 1 - size, 0)
    return total // 2, total - total // 2


def built(layer: Layer) -> Layer:
    layer.build(np.random.default_rng(0), np.float64)
    return layer


def test_conv2d_values_by_hand() -> None:
    layer = built(Conv2D(1, 1, 2, use_bias=True))
    layer.params["weight"] = np.array([[1.0, 2.0], [3.0, 4.0]]).reshape(2, 2, 1, 1)
    layer.params["bias"] = [0.5]
    x = np.arange(9.0).reshape(1, 3, 3, 1)
    out = layer.forward(x)
    # Top-left window [[0, 1], [3, 4]]: 0 + 2 + 9 + 16 + 0.5.
    np.testing.assert_array_equal(out[0, :, :, 0], [[27.5, 37.5], [57.5, 67.5]])


def test_conv2d_backward_by_hand() -> None:
    layer = built(Conv2D(1, 1, 2))
    layer.params["weight"] = np.array([[1.0, 2.0], [3.0, 4.0]]).reshape(2, 2, 1, 1)
    layer.forward(np.arange(9.0).reshape(1, 3, 3, 1))
    grad_input = layer.backward(np.ones((1, 2, 2, 1)))
    # Each kernel entry sums the four inputs its position slides over.
    np.testing.assert_array_equal(
        layer.grads["weight"][:, :, 0, 0], [[8.0, 12.0], [20.0, 24.0]]
    )
    np.testing.assert_array_equal(layer.grads["bias"], [4.0])
    np.testing.assert_array_equal(
        grad_input[0, :, :, 0], [[1, 3, 2], [4, 10, 6], [3, 7, 4]]
    )


@pytest.mark.parametrize("stride", [1, 2, 3])
@pytest.mark.parametrize("dilation", [1, 2])
@pytest.mark.parametrize("pad", [0, 1, 2])
def test_conv2d_matches_direct_loop(stride: int, dilation: int, pad: int) -> None:
    rng = np.random.default_rng(1)
    layer = built(Conv2D(2, 3, (3, 2), stride=stride, dilation=dilation, padding=pad))
    layer.params["bias"] = [0.0, 0.0, 0.0]
    x = rng.standard_normal((2, 8, 7, 2))
    expected = conv_reference(x, layer.params["weight"], stride, dilation, (pad, pad))
    np.testing.assert_allclose(layer.forward(x), expected, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("size", [5, 6, 7])
@pytest.mark.parametrize("stride", [1, 2, 3])
def test_same_padding_output_size(size: int, stride: int) -> None:
    layer = Conv2D(1, 2, 3, stride=stride, padding="same")
    out = layer.forward(np.ones((1, size, size, 1), dtype=np.float32))
    expected = -(-size // stride)
    assert out.shape == (1, expected, expected, 2)


@pytest.mark.parametrize("padding", PADDINGS)
@pytest.mark.parametrize("stride", [1, 2])
@pytest.mark.parametrize("dilation", [1, 2])
@pytest.mark.parametrize("training", [False, True])
def test_conv2d_gradcheck_after_dense(
    padding: str | int, stride: int, dilation: int, training: bool
) -> None:
    model = Sequential(
        [
            Dense(2, 2),
            Conv2D(2, 3, (3, 2), stride=stride, padding=padding, dilation=dilation),
        ],
        seed=0,
        dtype=np.float64,
    )
    x = np.random.default_rng(2).standard_normal((2, 6, 5, 2))
    assert gradcheck(model, x, training=training).passed


@pytest.mark.parametrize("batch", [1, 3])
def test_conv2d_gradcheck_no_bias(batch: int) -> None:
    model = Sequential(
        [Conv2D(1, 2, 2), Conv2D(2, 2, 3, stride=2, use_bias=False)],
        seed=0,
        dtype=np.float64,
    )
    x = np.random.default_rng(3).standard_normal((batch, 5, 5, 1))
    assert gradcheck(model, x).passed


@pytest.mark.parametrize("padding", PADDINGS)
@pytest.mark.parametrize("stride", [1, 2])
@pytest.mark.parametrize("training", [False, True])
def test_conv1d_gradcheck_after_dense(
    padding: str | int, stride: int, training: bool
) -> None:
    model = Sequential(
        [Dense(3, 2), Conv1D(2, 3, 3, stride=stride, padding=padding, dilation=2)],
        seed=0,
        dtype=np.float64,
    )
    x = np.random.default_rng(4).standard_normal((2, 7, 3))
    assert gradcheck(model, x, training=training).passed


def test_conv1d_matches_conv2d() -> None:
    conv1 = built(Conv1D(3, 4, 3, stride=2, padding="same"))
    conv2 = built(Conv2D(3, 4, (1, 3), stride=(1, 2), padding=(0)))
    conv2.params["weight"] = conv1.params["weight"][np.newaxis]
    x = np.random.default_rng(5).standard_normal((2, 9, 3))
    same_padded = np.pad(x, ((0, 0), (1, 1), (0, 0)))
    expected = conv2.forward(same_padded[:, np.newaxis])[:, 0]
    np.testing.assert_allclose(conv1.forward(x), expected, rtol=1e-12)


def test_conv2d_backward_twice_same() -> None:
    layer = built(Conv2D(2, 3, 3, padding="same", stride=2))
    x = np.random.default_rng(6).standard_normal((2, 5, 5, 2))
    grad = np.random.default_rng(7).standard_normal(layer.forward(x).shape)
    first = layer.backward(grad)
    weight_grad = layer.grads["weight"].copy()
    second = layer.backward(grad)
    np.testing.assert_array_equal(first, second)
    np.testing.assert_array_equal(weight_grad, layer.grads["weight"])


@pytest.mark.parametrize(
    ("layer", "input_shape"),
    [
        (Conv2D(3, 8, 3), (None, 9, 7, 3)),
        (Conv2D(3, 8, (3, 1), stride=2, padding="same"), (None, 9, 7, 3)),
        (Conv2D(3, 8, 3, stride=3, padding=2, dilation=2), (None, 10, 11, 3)),
        (Conv1D(3, 5, 4, stride=3), (None, 13, 3)),
        (Conv1D(3, 5, 4, padding="same", stride=2), (None, 13, 3)),
    ],
    ids=repr,
)
def test_conv_output_shape_matches_forward(
    layer: Layer, input_shape: tuple[int | None, ...]
) -> None:
    sizes = [size for size in input_shape[1:] if size is not None]
    x = np.ones((2, *sizes), dtype=np.float32)
    predicted = layer.compute_output_shape(input_shape)
    assert predicted == (None, *layer.forward(x).shape[1:])


def test_conv2d_kernel_layout() -> None:
    layer = built(Conv2D(3, 5, (2, 4)))
    assert layer.params["weight"].shape == (2, 4, 3, 5)
    assert layer.params["bias"].shape == (5,)


def test_conv2d_default_initialisers() -> None:
    layer = built(Conv2D(4, 6, 3))
    limit = np.sqrt(6.0 / (9 * 4 + 9 * 6))
    assert np.abs(layer.params["weight"]).max() <= limit
    np.testing.assert_array_equal(layer.params["bias"], np.zeros(6))


def test_conv2d_wrong_channels_message() -> None:
    layer = Conv2D(3, 8, 3)
    with pytest.raises(
        ShapeError, match=r"Conv2D\(3 -> 8, 3x3\).*\(N, H, W, C_in=3\).*\(2, 5, 5, 1\)"
    ):
        layer.forward(np.ones((2, 5, 5, 1)))


def test_conv2d_missing_channel_axis() -> None:
    with pytest.raises(ShapeError, match=r"np\.newaxis"):
        Conv2D(1, 2, 3).forward(np.ones((2, 5, 5)))


def test_conv2d_input_too_small() -> None:
    with pytest.raises(ShapeError, match="smaller than the window"):
        Conv2D(1, 2, 5).forward(np.ones((1, 3, 3, 1)))


def test_conv2d_wrong_grad_shape() -> None:
    layer = Conv2D(1, 2, 3)
    layer.forward(np.ones((2, 5, 5, 1), dtype=np.float32))
    with pytest.raises(ShapeError, match=r"grad_output of shape \(2, 3, 3, 2\)"):
        layer.backward(np.ones((2, 5, 5, 2)))


def test_conv1d_wrong_grad_shape() -> None:
    layer = Conv1D(1, 2, 3)
    layer.forward(np.ones((2, 5, 1), dtype=np.float32))
    with pytest.raises(ShapeError, match=r"grad_output of shape \(2, 3, 2\)"):
        layer.backward(np.ones((2, 5, 2)))


def test_conv_backward_before_forward() -> None:
    layer = built(Conv2D(1, 2, 3))
    with pytest.raises(NotFittedError, match="call forward"):
        layer.backward(np.ones((1, 1, 1, 2)))


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"kernel_size": 0}, "kernel_size"),
        ({"kernel_size": (3, 2, 1)}, "kernel_size"),
        ({"kernel_size": 3, "stride": 0}, "stride"),
        ({"kernel_size": 3, "padding": "full"}, "padding"),
        ({"kernel_size": 3, "padding": -1}, "padding"),
        ({"kernel_size": 3, "dilation": True}, "dilation"),
    ],
)
def test_conv2d_rejects_bad_arguments(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ConfigurationError, match=message):
        Conv2D(1, 2, **kwargs)  # type: ignore[arg-type]


def test_conv_name_and_repr() -> None:
    layer = Conv2D(1, 4, 3, padding="same")
    assert layer.name == "Conv2D(1 -> 4, 3x3)"
    assert repr(layer) == (
        "Conv2D(1, 4, kernel_size=(3, 3), stride=(1, 1), padding='same', "
        "dilation=(1, 1), use_bias=True)"
    )
    assert Conv1D(2, 3, 5).name == "Conv1D(2 -> 3, 5)"


def test_conv_keeps_constructor_arguments() -> None:
    layer = Conv2D(2, 3, 3, stride=2, padding=1, dilation=2, use_bias=False)
    rebuilt = Conv2D(
        layer.in_channels,
        layer.out_channels,
        layer.kernel_size,
        stride=layer.stride,
        padding=layer.padding,
        dilation=layer.dilation,
        use_bias=layer.use_bias,
    )
    assert repr(rebuilt) == repr(layer)


@settings(max_examples=25, deadline=None)
@given(
    size=st.tuples(st.integers(1, 9), st.integers(1, 9)),
    kernel=st.tuples(st.integers(1, 4), st.integers(1, 4)),
    stride=st.integers(1, 3),
    dilation=st.integers(1, 2),
    padding=st.sampled_from(["valid", "same", 0, 1, 2]),
)
def test_conv2d_any_geometry(
    size: tuple[int, int],
    kernel: tuple[int, int],
    stride: int,
    dilation: int,
    padding: str | int,
) -> None:
    layer = built(
        Conv2D(2, 2, kernel, stride=stride, padding=padding, dilation=dilation)
    )
    x = np.random.default_rng(8).standard_normal((2, *size, 2))
    predicted = layer.compute_output_shape((None, *size, 2))
    if predicted[1] == 0 or predicted[2] == 0:
        with pytest.raises(ShapeError, match="smaller than the window"):
            layer.forward(x)
        return
    out = layer.forward(x)
    assert predicted == (None, *out.shape[1:])
    pads = [
        same_pads(n, k, stride, dilation, padding)
        for n, k in zip(size, kernel, strict=True)
    ]
    padded = np.pad(x, ((0, 0), pads[0], pads[1], (0, 0)))
    expected = conv_reference(padded, layer.params["weight"], stride, dilation, (0, 0))
    np.testing.assert_allclose(out, expected, rtol=1e-12, atol=1e-12)
    grad_input = layer.backward(np.ones_like(out))
    assert grad_input.shape == x.shape
