"""Compare outputs and gradients with PyTorch; skipped when torch is missing."""

from typing import Any

import numpy as np
import pytest

from microframe.layers import (
    LSTM,
    AvgPool2D,
    Conv1D,
    Conv2D,
    Layer,
    MaxPool1D,
    MaxPool2D,
)

torch = pytest.importorskip("torch")
functional = torch.nn.functional


def built(layer: Layer) -> Layer:
    layer.build(np.random.default_rng(0), np.float64)
    return layer


def to_nchw(x: np.ndarray) -> Any:
    return torch.tensor(x.transpose(0, 3, 1, 2), requires_grad=True)


@pytest.mark.parametrize("stride", [1, 2])
@pytest.mark.parametrize("padding", [0, 2])
@pytest.mark.parametrize("dilation", [1, 2])
def test_conv2d_matches_torch(stride: int, padding: int, dilation: int) -> None:
    layer = built(
        Conv2D(3, 4, (3, 2), stride=stride, padding=padding, dilation=dilation)
    )
    x = np.random.default_rng(1).standard_normal((2, 9, 8, 3))
    out = layer.forward(x)
    grad_output = np.random.default_rng(2).standard_normal(out.shape)
    grad_input = layer.backward(grad_output)

    x_torch = to_nchw(x)
    weight = torch.tensor(
        layer.params["weight"].transpose(3, 2, 0, 1), requires_grad=True
    )
    bias = torch.tensor(layer.params["bias"], requires_grad=True)
    out_torch = functional.conv2d(
        x_torch, weight, bias, stride=stride, padding=padding, dilation=dilation
    )
    out_torch.backward(torch.tensor(grad_output.transpose(0, 3, 1, 2)))

    np.testing.assert_allclose(
        out, out_torch.detach().numpy().transpose(0, 2, 3, 1), rtol=1e-10
    )
    np.testing.assert_allclose(
        grad_input, x_torch.grad.numpy().transpose(0, 2, 3, 1), rtol=1e-10
    )
    np.testing.assert_allclose(
        layer.grads["weight"], weight.grad.numpy().transpose(2, 3, 1, 0), rtol=1e-10
    )
    np.testing.assert_allclose(layer.grads["bias"], bias.grad.numpy(), rtol=1e-10)


def test_conv1d_matches_torch() -> None:
    layer = built(Conv1D(3, 5, 4, stride=2, padding=1, dilation=2))
    x = np.random.default_rng(3).standard_normal((2, 15, 3))
    weight = torch.tensor(layer.params["weight"].transpose(2, 1, 0))
    bias = torch.tensor(layer.params["bias"])
    expected = functional.conv1d(
        torch.tensor(x.transpose(0, 2, 1)),
        weight,
        bias,
        stride=2,
        padding=1,
        dilation=2,
    )
    np.testing.assert_allclose(
        layer.forward(x), expected.numpy().transpose(0, 2, 1), rtol=1e-10
    )


@pytest.mark.parametrize(
    ("kernel", "stride", "padding"), [(2, 2, 0), (3, 2, 1), (3, 1, 1)]
)
def test_max_pool2d_matches_torch(kernel: int, stride: int, padding: int) -> None:
    layer = MaxPool2D(kernel, stride=stride, padding=padding)
    x = np.random.default_rng(4).standard_normal((2, 7, 6, 3))
    out = layer.forward(x)
    grad_output = np.random.default_rng(5).standard_normal(out.shape)
    grad_input = layer.backward(grad_output)

    x_torch = to_nchw(x)
    out_torch = functional.max_pool2d(x_torch, kernel, stride, padding)
    out_torch.backward(torch.tensor(grad_output.transpose(0, 3, 1, 2)))
    np.testing.assert_allclose(out, out_torch.detach().numpy().transpose(0, 2, 3, 1))
    np.testing.assert_allclose(
        grad_input, x_torch.grad.numpy().transpose(0, 2, 3, 1), rtol=1e-12
    )


@pytest.mark.parametrize(("kernel", "stride", "padding"), [(2, 2, 0), (3, 2, 1)])
def test_avg_pool2d_matches_torch(kernel: int, stride: int, padding: int) -> None:
    layer = AvgPool2D(kernel, stride=stride, padding=padding)
    x = np.random.default_rng(6).standard_normal((2, 7, 6, 3))
    out = layer.forward(x)
    grad_output = np.random.default_rng(7).standard_normal(out.shape)
    grad_input = layer.backward(grad_output)

    x_torch = to_nchw(x)
    out_torch = functional.avg_pool2d(
        x_torch, kernel, stride, padding, count_include_pad=False
    )
    out_torch.backward(torch.tensor(grad_output.transpose(0, 3, 1, 2)))
    np.testing.assert_allclose(
        out, out_torch.detach().numpy().transpose(0, 2, 3, 1), rtol=1e-12
    )
    np.testing.assert_allclose(
        grad_input, x_torch.grad.numpy().transpose(0, 2, 3, 1), rtol=1e-12
    )


def test_max_pool1d_matches_torch() -> None:
    x = np.random.default_rng(8).standard_normal((2, 11, 3))
    expected = functional.max_pool1d(torch.tensor(x.transpose(0, 2, 1)), 3, 2, 1)
    out = MaxPool1D(3, stride=2, padding=1).forward(x)
    np.testing.assert_allclose(out, expected.numpy().transpose(0, 2, 1))


@pytest.mark.parametrize("return_sequences", [False, True])
def test_lstm_matches_torch(return_sequences: bool) -> None:
    layer = built(LSTM(3, 4, return_sequences=return_sequences))
    x = np.random.default_rng(9).standard_normal((2, 5, 3))
    out = layer.forward(x)
    grad_output = np.random.default_rng(10).standard_normal(out.shape)
    grad_input = layer.backward(grad_output)

    reference = torch.nn.LSTM(3, 4, batch_first=True).double()
    with torch.no_grad():
        reference.weight_ih_l0.copy_(torch.tensor(layer.params["weight"].T))
        reference.weight_hh_l0.copy_(torch.tensor(layer.params["recurrent_weight"].T))
        reference.bias_ih_l0.copy_(torch.tensor(layer.params["bias"]))
        reference.bias_hh_l0.zero_()
    x_torch = torch.tensor(x, requires_grad=True)
    sequence, _ = reference(x_torch)
    out_torch = sequence if return_sequences else sequence[:, -1]
    out_torch.backward(torch.tensor(grad_output))

    np.testing.assert_allclose(out, out_torch.detach().numpy(), rtol=1e-10)
    np.testing.assert_allclose(grad_input, x_torch.grad.numpy(), rtol=1e-9)
    np.testing.assert_allclose(
        layer.grads["recurrent_weight"],
        reference.weight_hh_l0.grad.numpy().T,
        rtol=1e-9,
    )
    np.testing.assert_allclose(
        layer.grads["bias"], reference.bias_ih_l0.grad.numpy(), rtol=1e-9
    )
