"""Integer inputs to the activation functions and edge values for the losses."""

import warnings

import numpy as np
import pytest

from microframe import (
    BinaryCrossEntropy,
    CategoricalCrossEntropy,
    SparseCategoricalCrossEntropy,
)
from microframe.activations import sigmoid, softmax
from microframe.errors import ConfigurationError, InputValueError, ShapeError


def test_sigmoid_of_int8_minimum_is_near_zero() -> None:
    result = sigmoid(np.array([-128], np.int8))
    assert result.dtype == np.float64
    np.testing.assert_allclose(result, [1.0 / (1.0 + np.exp(128.0))])


def test_sigmoid_of_uint8_is_not_wrapped() -> None:
    expected = 1.0 / (1.0 + np.exp(-np.array([1.0, 5.0])))
    np.testing.assert_array_equal(sigmoid(np.array([1, 5], np.uint8)), expected)


def test_sigmoid_of_booleans_and_lists() -> None:
    np.testing.assert_array_equal(sigmoid(np.array([False])), [0.5])
    np.testing.assert_array_equal(sigmoid([0.0]), [0.5])


def test_softmax_of_uint8_favours_largest() -> None:
    result = softmax(np.array([0, 255], np.uint8))
    np.testing.assert_allclose(result, [np.exp(-255.0), 1.0])


def test_softmax_of_list_is_an_array() -> None:
    np.testing.assert_allclose(softmax([0.0, 0.0]), [0.5, 0.5])


def test_softmax_rejects_scalar() -> None:
    with pytest.raises(ShapeError, match="scalar"):
        softmax(np.array(3.0))


@pytest.mark.parametrize("bad", [-1.0, 2.0])
def test_categorical_rejects_targets_outside_unit_interval(bad: float) -> None:
    with pytest.raises(InputValueError, match=r"targets in \[0, 1\]"):
        CategoricalCrossEntropy()([[bad, 0.0]], [[0.5, 0.5]])


def test_sparse_names_huge_float_label_without_warning() -> None:
    probabilities = np.full((2, 2), 0.5)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(InputValueError, match=r"label 1e\+20 is out of range"):
            SparseCategoricalCrossEntropy()(np.array([1e20, 0.0]), probabilities)


def test_sparse_names_uint64_label_above_int64() -> None:
    labels = np.array([2**63, 0], np.uint64)
    with pytest.raises(InputValueError, match=f"label {2**63} is out of range"):
        SparseCategoricalCrossEntropy()(labels, np.full((2, 2), 0.5))


@pytest.mark.parametrize(
    "loss_class",
    [BinaryCrossEntropy, CategoricalCrossEntropy, SparseCategoricalCrossEntropy],
)
def test_cross_entropy_rejects_zero_epsilon(loss_class: type) -> None:
    with pytest.raises(ConfigurationError, match=r"epsilon must be in \(0.0, 0.5"):
        loss_class(epsilon=0.0)
