import numpy as np
import pytest

from microframe import Dense, gradcheck
from microframe.errors import GradientCheckError, InputTypeError
from microframe.layers.base import Array


class WrongDense(Dense):
    """Dense with a deliberately wrong input gradient (missing transpose scale)."""

    def backward(self, grad_output: Array) -> Array:
        return 2.0 * super().backward(grad_output)


def test_gradcheck_catches_wrong_input_grad() -> None:
    layer = WrongDense(3, 2)
    with pytest.raises(GradientCheckError, match="input"):
        gradcheck(layer, np.ones((2, 3)))


def test_gradcheck_report_lists_failure() -> None:
    layer = WrongDense(3, 2)
    report = gradcheck(layer, np.ones((2, 3)), raise_on_failure=False)
    assert report.failures() == ["input"]
    assert not report.passed


def test_gradcheck_rejects_non_layer() -> None:
    with pytest.raises(InputTypeError):
        gradcheck(object(), np.ones((1, 1)))
