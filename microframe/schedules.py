"""Learning-rate schedules: callables mapping the optimizer step to a rate.

Every schedule counts optimizer steps, that is updates (batches), not
epochs. The optimizer calls ``schedule(step)`` with the number of updates
made so far, so the first update uses ``schedule(0)``. For a rate that
changes once per epoch, express the step count in epochs: with
``steps_per_epoch = math.ceil(n_samples / batch_size)``, use
``StepDecay(0.1, step_size=10 * steps_per_epoch, factor=0.5)`` to halve
the rate every 10 epochs, or pass any function such as
``lambda step: 0.1 * 0.5 ** (step // steps_per_epoch)``.
"""

from __future__ import annotations

import bisect
import itertools
import math
from collections.abc import Sequence

from microframe._validation import check_number, check_positive_int
from microframe.errors import ConfigurationError


class LearningRateSchedule:
    """Base class: ``schedule(step)`` returns the rate for update ``step``."""

    def __call__(self, step: int) -> float:
        raise NotImplementedError(f"{type(self).__name__} must implement __call__.")


class StepDecay(LearningRateSchedule):
    """Multiply the rate by ``factor`` every ``step_size`` steps.

    ``rate(step) = initial_learning_rate * factor ** (step // step_size)``

    Args:
        initial_learning_rate: rate of the first ``step_size`` steps, ``> 0``.
        step_size: steps between decays, ``>= 1``.
        factor: multiplier per decay, in ``(0, 1]``.
    """

    def __init__(
        self, initial_learning_rate: float, step_size: int, factor: float = 0.1
    ) -> None:
        self.initial_learning_rate = _check_rate(initial_learning_rate, "StepDecay")
        self.step_size = check_positive_int(step_size, "StepDecay step_size")
        self.factor = check_number(
            factor, "StepDecay factor", low=0.0, high=1.0, low_inclusive=False
        )

    def __repr__(self) -> str:
        return (
            f"StepDecay(initial_learning_rate={self.initial_learning_rate}, "
            f"step_size={self.step_size}, factor={self.factor})"
        )

    def __call__(self, step: int) -> float:
        return self.initial_learning_rate * self.factor ** (step // self.step_size)


class ExponentialDecay(LearningRateSchedule):
    """Decay the rate by ``decay_rate`` every ``decay_steps``, smoothly or stepwise.

    ``rate(step) = initial_learning_rate * decay_rate ** (step / decay_steps)``,
    with ``step // decay_steps`` in place of the division when ``staircase``.

    Args:
        initial_learning_rate: rate of the first update, ``> 0``.
        decay_steps: steps over which the rate is multiplied by
            ``decay_rate``, ``>= 1``.
        decay_rate: in ``(0, 1]``.
        staircase: decay in whole steps of ``decay_steps``.
    """

    def __init__(
        self,
        initial_learning_rate: float,
        decay_steps: int,
        decay_rate: float,
        staircase: bool = False,
    ) -> None:
        self.initial_learning_rate = _check_rate(
            initial_learning_rate, "ExponentialDecay"
        )
        self.decay_steps = check_positive_int(
            decay_steps, "ExponentialDecay decay_steps"
        )
        self.decay_rate = check_number(
            decay_rate,
            "ExponentialDecay decay_rate",
            low=0.0,
            high=1.0,
            low_inclusive=False,
        )
        self.staircase = bool(staircase)

    def __repr__(self) -> str:
        return (
            f"ExponentialDecay(initial_learning_rate={self.initial_learning_rate}, "
            f"decay_steps={self.decay_steps}, decay_rate={self.decay_rate}, "
            f"staircase={self.staircase})"
        )

    def __call__(self, step: int) -> float:
        if self.staircase:
            exponent: float = step // self.decay_steps
        else:
            exponent = step / self.decay_steps
        return float(self.initial_learning_rate * self.decay_rate**exponent)


class CosineDecay(LearningRateSchedule):
    """Cosine decay from ``initial_learning_rate``, after an optional linear warm-up.

    With ``W = warmup_steps``, ``D = decay_steps`` and ``peak =
    initial_learning_rate``::

        if step < W:
            rate = peak * (step + 1) / (W + 1)
        else:
            s = min(step - W, D)
            rate = peak * (alpha + (1 - alpha) * 0.5 * (1 + cos(pi * s / D)))

    The warm-up starts above zero, so no update is wasted, and reaches
    ``peak`` at step ``W``, the first step of the decay. After ``W + D``
    steps the rate stays at ``alpha * peak``.

    Args:
        initial_learning_rate: peak rate, ``> 0``.
        decay_steps: length of the cosine decay in steps, ``>= 1``.
        alpha: final rate as a fraction of the peak, in ``[0, 1]``.
        warmup_steps: length of the linear warm-up, ``>= 0``.
    """

    def __init__(
        self,
        initial_learning_rate: float,
        decay_steps: int,
        alpha: float = 0.0,
        warmup_steps: int = 0,
    ) -> None:
        self.initial_learning_rate = _check_rate(initial_learning_rate, "CosineDecay")
        self.decay_steps = check_positive_int(decay_steps, "CosineDecay decay_steps")
        self.alpha = check_number(alpha, "CosineDecay alpha", low=0.0, high=1.0)
        self.warmup_steps = check_positive_int(
            warmup_steps, "CosineDecay warmup_steps", minimum=0
        )

    def __repr__(self) -> str:
        return (
            f"CosineDecay(initial_learning_rate={self.initial_learning_rate}, "
            f"decay_steps={self.decay_steps}, alpha={self.alpha}, "
            f"warmup_steps={self.warmup_steps})"
        )

    def __call__(self, step: int) -> float:
        peak = self.initial_learning_rate
        if step < self.warmup_steps:
            return peak * (step + 1) / (self.warmup_steps + 1)
        progress = min(step - self.warmup_steps, self.decay_steps) / self.decay_steps
        cosine = 0.5 * (1.0 + math.cos(math.pi * progress))
        return peak * (self.alpha + (1.0 - self.alpha) * cosine)


class PiecewiseConstant(LearningRateSchedule):
    """A constant rate between step boundaries.

    ``values[0]`` is used for ``step < boundaries[0]``, ``values[i]`` for
    ``boundaries[i - 1] <= step < boundaries[i]``, and ``values[-1]`` from
    ``boundaries[-1]`` on.

    Args:
        boundaries: strictly increasing step numbers, ``>= 1``.
        values: one more rate than boundaries, each ``>= 0``.
    """

    def __init__(self, boundaries: Sequence[int], values: Sequence[float]) -> None:
        self.boundaries = [
            check_positive_int(b, "PiecewiseConstant boundaries") for b in boundaries
        ]
        self.values = [
            check_number(v, "PiecewiseConstant values", low=0.0) for v in values
        ]
        if len(self.values) != len(self.boundaries) + 1:
            raise ConfigurationError(
                "PiecewiseConstant: expected one more value than boundaries, got "
                f"{len(self.boundaries)} boundaries and {len(self.values)} values."
            )
        if any(b <= a for a, b in itertools.pairwise(self.boundaries)):
            raise ConfigurationError(
                "PiecewiseConstant: boundaries must be strictly increasing, got "
                f"{self.boundaries}."
            )

    def __repr__(self) -> str:
        return f"PiecewiseConstant(boundaries={self.boundaries}, values={self.values})"

    def __call__(self, step: int) -> float:
        return self.values[bisect.bisect_right(self.boundaries, step)]


def _check_rate(value: float, owner: str) -> float:
    return check_number(
        value, f"{owner} initial_learning_rate", low=0.0, low_inclusive=False
    )


__all__ = [
    "CosineDecay",
    "ExponentialDecay",
    "LearningRateSchedule",
    "PiecewiseConstant",
    "StepDecay",
]
