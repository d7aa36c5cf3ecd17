import math

import numpy as np
import pytest

from microframe import Dense, gradcheck, initializers
from microframe.errors import ConfigurationError
from microframe.initializers import (
    Constant,
    GlorotNormal,
    GlorotUniform,
    HeNormal,
    HeUniform,
    LeCunNormal,
    LeCunUniform,
    Ones,
    Orthogonal,
    RandomNormal,
    RandomUniform,
    VarianceScaling,
    Zeros,
    compute_fans,
)

SHAPE = (200, 300)


def draw(initializer: initializers.Initializer, shape: tuple[int, ...]) -> np.ndarray:
    return initializer(shape, np.random.default_rng(0), np.float64)


def test_fans_of_conv_kernel() -> None:
    assert compute_fans((3, 5, 4, 8)) == (60, 120)


@pytest.mark.parametrize(
    ("initializer", "limit"),
    [
        (GlorotUniform(), math.sqrt(6.0 / 500.0)),
        (HeUniform(), math.sqrt(6.0 / 200.0)),
        (LeCunUniform(), math.sqrt(3.0 / 200.0)),
    ],
    ids=repr,
)
def test_uniform_limits(initializer: initializers.Initializer, limit: float) -> None:
    weight = draw(initializer, SHAPE)
    assert weight.max() <= limit
    assert weight.min() >= -limit
    assert weight.max() > 0.99 * limit


@pytest.mark.parametrize(
    ("initializer", "stddev"),
    [
        (GlorotNormal(), math.sqrt(2.0 / 500.0)),
        (HeNormal(), math.sqrt(2.0 / 200.0)),
        (LeCunNormal(), math.sqrt(1.0 / 200.0)),
        (RandomNormal(stddev=0.3), 0.3),
    ],
    ids=repr,
)
def test_normal_standard_deviation(
    initializer: initializers.Initializer, stddev: float
) -> None:
    weight = draw(initializer, SHAPE)
    # 60000 draws: the sample deviation is within 1% with near certainty.
    assert abs(weight.std() / stddev - 1.0) < 0.01
    assert abs(weight.mean()) < 0.01 * stddev * 10


def test_constant_zeros_ones() -> None:
    np.testing.assert_array_equal(draw(Zeros(), (2, 2)), np.zeros((2, 2)))
    np.testing.assert_array_equal(draw(Ones(), (3,)), np.ones(3))
    np.testing.assert_array_equal(draw(Constant(0.25), (2,)), [0.25, 0.25])


@pytest.mark.parametrize("shape", [(4, 4), (6, 3), (3, 6), (2, 3, 5)])
def test_orthogonal_is_orthonormal(shape: tuple[int, ...]) -> None:
    matrix = draw(Orthogonal(), shape).reshape(-1, shape[-1])
    small = min(matrix.shape)
    gram = (
        matrix.T @ matrix if matrix.shape[0] >= matrix.shape[1] else matrix @ matrix.T
    )
    np.testing.assert_allclose(gram, np.eye(small), atol=1e-12)


def test_orthogonal_gain_scales() -> None:
    matrix = draw(Orthogonal(gain=2.0), (3, 3))
    np.testing.assert_allclose(matrix.T @ matrix, 4.0 * np.eye(3), atol=1e-12)


def test_orthogonal_rejects_vector() -> None:
    with pytest.raises(ConfigurationError, match="at least 2 axes"):
        draw(Orthogonal(), (5,))


def test_random_uniform_bounds() -> None:
    weight = draw(RandomUniform(-0.1, 0.2), (1000,))
    assert weight.min() >= -0.1
    assert weight.max() < 0.2


def test_random_uniform_rejects_empty_range() -> None:
    with pytest.raises(ConfigurationError, match="maxval must be greater"):
        RandomUniform(1.0, 1.0)


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("glorot_uniform", GlorotUniform),
        ("xavier_normal", GlorotNormal),
        ("kaiming_uniform", HeUniform),
        ("he_normal", HeNormal),
        ("lecun_uniform", LeCunUniform),
        ("lecun_normal", LeCunNormal),
        ("zeros", Zeros),
        ("ones", Ones),
        ("constant", Constant),
        ("orthogonal", Orthogonal),
        ("Random_Normal", RandomNormal),
    ],
)
def test_get_by_name(name: str, kind: type) -> None:
    assert type(initializers.get(name)) is kind


def test_get_returns_object_itself() -> None:
    initializer = HeNormal()
    assert initializers.get(initializer) is initializer


def test_get_unknown_name() -> None:
    with pytest.raises(ConfigurationError, match="unknown initializer 'glorot'"):
        initializers.get("glorot")


def test_variance_scaling_rejects_mode() -> None:
    with pytest.raises(ConfigurationError, match="mode must be one of"):
        VarianceScaling(mode="fan_sum")


def test_dense_accepts_initializer_by_name() -> None:
    layer = Dense(3, 2, kernel_initializer="ones", bias_initializer=Constant(0.5))
    layer.build(np.random.default_rng(0), np.float64)
    np.testing.assert_array_equal(layer.params["weight"], np.ones((3, 2)))
    np.testing.assert_array_equal(layer.params["bias"], [0.5, 0.5])


def test_dense_default_glorot_zero_bias() -> None:
    layer = Dense(20, 30)
    layer.build(np.random.default_rng(0), np.float64)
    assert np.abs(layer.params["weight"]).max() <= math.sqrt(6.0 / 50.0)
    np.testing.assert_array_equal(layer.params["bias"], np.zeros(30))


def test_orthogonal_wide_is_c_ordered() -> None:
    assert draw(Orthogonal(), (3, 8)).flags.c_contiguous


def test_fortran_weight_still_gradchecks() -> None:
    layer = Dense(3, 4)
    layer.build(np.random.default_rng(0), np.float64)
    layer.params["weight"] = np.asfortranarray(np.arange(12.0).reshape(3, 4))
    assert layer.params["weight"].flags.c_contiguous
    assert gradcheck(layer, np.ones((2, 3))).passed
