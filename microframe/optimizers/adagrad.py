"""Adagrad: per-element step sizes from the sum of squared gradients."""

from __future__ import annotations

import numpy as np

from microframe._validation import check_number
from microframe.layers.base import Array
from microframe.optimizers.base import (
    LearningRate,
    Optimizer,
    check_positive,
)


class Adagrad(Optimizer):
    """Adagrad (Duchi, Hazan and Singer, 2011).

    Update rule, as in PyTorch's ``torch.optim.Adagrad`` without its
    ``lr_decay``::

        accumulator += grad**2
        param -= learning_rate * grad / (sqrt(accumulator) + epsilon)

    The accumulator starts at ``initial_accumulator_value`` (Keras's default
    0.1; PyTorch's is 0). Keras adds ``epsilon`` inside the square root.

    Args:
        learning_rate: step size, or a schedule of the step count.
        initial_accumulator_value: starting sum of squares, ``>= 0``.
        epsilon: added to the denominator, ``> 0``.
        clipnorm, clipvalue, global_clipnorm: gradient clipping, see
            ``Optimizer``.
    """

    def __init__(
        self,
        learning_rate: LearningRate = 0.001,
        initial_accumulator_value: float = 0.1,
        epsilon: float = 1e-7,
        *,
        clipnorm: float | None = None,
        clipvalue: float | None = None,
        global_clipnorm: float | None = None,
    ) -> None:
        super().__init__(
            learning_rate,
            clipnorm=clipnorm,
            clipvalue=clipvalue,
            global_clipnorm=global_clipnorm,
        )
        self.initial_accumulator_value = check_number(
            initial_accumulator_value, "Adagrad initial_accumulator_value", low=0.0
        )
        self.epsilon = check_positive(epsilon, "Adagrad epsilon")

    def _describe(self) -> str:
        return (
            f"{super()._describe()}, "
            f"initial_accumulator_value={self.initial_accumulator_value}, "
            f"epsilon={self.epsilon}"
        )

    def update(self, key: str, param: Array, grad: Array, learning_rate: float) -> None:
        accumulator = self._slot(
            key, "accumulator", param, fill=self.initial_accumulator_value
        )
        accumulator += grad * grad
        param -= learning_rate * grad / (np.sqrt(accumulator) + self.epsilon)
