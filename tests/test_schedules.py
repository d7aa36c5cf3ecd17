"""Learning-rate schedules: first values by hand, boundaries and checks."""

import math

import numpy as np
import pytest

from microframe import Dense
from microframe.errors import ConfigurationError
from microframe.optimizers import SGD
from microframe.schedules import (
    CosineDecay,
    ExponentialDecay,
    LearningRateSchedule,
    PiecewiseConstant,
    StepDecay,
)


def first_three(schedule: LearningRateSchedule) -> list[float]:
    return [schedule(step) for step in range(3)]


def test_step_decay_first_three() -> None:
    values = first_three(StepDecay(0.1, step_size=2, factor=0.5))
    assert values == pytest.approx([0.1, 0.1, 0.05], rel=1e-12)


def test_exponential_decay_first_three() -> None:
    values = first_three(ExponentialDecay(0.1, decay_steps=2, decay_rate=0.25))
    # 0.1 * 0.25 ** (step / 2): 0.1, 0.05, 0.025.
    assert values == pytest.approx([0.1, 0.05, 0.025], rel=1e-12)


def test_exponential_staircase_first_three() -> None:
    schedule = ExponentialDecay(0.1, decay_steps=2, decay_rate=0.25, staircase=True)
    assert first_three(schedule) == pytest.approx([0.1, 0.1, 0.025], rel=1e-12)


def test_cosine_decay_first_three() -> None:
    values = first_three(CosineDecay(1.0, decay_steps=4))
    # 0.5 * (1 + cos(pi * s / 4)) for s = 0, 1, 2.
    expected = [1.0, 0.5 * (1 + math.sqrt(0.5)), 0.5]
    assert values == pytest.approx(expected, rel=1e-12)


def test_cosine_warmup_first_three() -> None:
    values = first_three(CosineDecay(0.9, decay_steps=2, warmup_steps=2, alpha=0.1))
    # Warm-up 0.9 * 1/3, 0.9 * 2/3, then the peak at step 2.
    assert values == pytest.approx([0.3, 0.6, 0.9], rel=1e-12)


def test_cosine_ends_at_alpha() -> None:
    schedule = CosineDecay(0.9, decay_steps=2, warmup_steps=2, alpha=0.1)
    assert schedule(4) == pytest.approx(0.09)
    assert schedule(100) == pytest.approx(0.09)


def test_piecewise_constant_first_three() -> None:
    schedule = PiecewiseConstant(boundaries=[1, 2], values=[0.3, 0.2, 0.1])
    assert first_three(schedule) == [0.3, 0.2, 0.1]
    assert schedule(50) == 0.1


@pytest.mark.parametrize(
    ("factory", "match"),
    [
        (lambda: StepDecay(0.0, 1), "initial_learning_rate"),
        (lambda: StepDecay(0.1, 0), "step_size"),
        (lambda: StepDecay(0.1, 1, factor=1.5), "factor"),
        (lambda: ExponentialDecay(0.1, 1, decay_rate=0.0), "decay_rate"),
        (lambda: CosineDecay(0.1, 10, alpha=2.0), "alpha"),
        (lambda: CosineDecay(0.1, 10, warmup_steps=-1), "warmup_steps"),
        (lambda: PiecewiseConstant([1], [0.1]), "one more value"),
        (lambda: PiecewiseConstant([2, 2], [0.1, 0.1, 0.1]), "increasing"),
    ],
)
def test_schedules_reject_bad_values(factory: object, match: str) -> None:
    with pytest.raises(ConfigurationError, match=match):
        factory()  # type: ignore[operator]


def test_optimizer_uses_schedule_per_step() -> None:
    layer = Dense(1, 1, use_bias=False)
    layer.build(dtype=np.float64)
    layer.params["weight"] = np.array([[0.0]])
    layer.grads["weight"] = np.array([[1.0]])
    optimizer = SGD(learning_rate=PiecewiseConstant([1], [1.0, 0.5]))
    optimizer.step([layer])
    assert layer.params["weight"][0, 0] == pytest.approx(-1.0)
    optimizer.step([layer])
    assert layer.params["weight"][0, 0] == pytest.approx(-1.5)
