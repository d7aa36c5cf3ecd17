import numpy as np
import pytest

from microframe import Dense, Dropout, Sequential, gradcheck
from microframe.errors import ConfigurationError


def test_dropout_inference_is_identity() -> None:
    x = np.arange(6.0).reshape(2, 3)
    np.testing.assert_array_equal(Dropout(0.5).forward(x), x)


def test_dropout_training_scales_kept() -> None:
    layer = Dropout(0.5)
    layer.build(np.random.default_rng(0), np.float64)
    out = layer.forward(np.ones((100, 10)), training=True)
    assert set(np.unique(out)) <= {0.0, 2.0}
    assert 0.4 < (out == 0).mean() < 0.6


def test_dropout_seeded_masks_repeat() -> None:
    outs = []
    for _ in range(2):
        model = Sequential([Dense(3, 8), Dropout(0.3)], seed=5)
        outs.append(model.forward(np.ones((4, 3)), training=True))
    np.testing.assert_array_equal(outs[0], outs[1])


@pytest.mark.parametrize("training", [False, True])
def test_dropout_gradcheck(training: bool) -> None:
    model = Sequential([Dense(3, 4), Dropout(0.4)], seed=0, dtype=np.float64)
    x = np.random.default_rng(0).standard_normal((5, 3))
    assert gradcheck(model, x, training=training).passed


@pytest.mark.parametrize("rate", [-0.1, 1.0, 1.5])
def test_dropout_rate_out_of_range(rate: float) -> None:
    with pytest.raises(
        ConfigurationError, match=r"Dropout rate must be in \[0.0, 1.0\)"
    ):
        Dropout(rate)
