"""Adam: adaptive moment estimation."""

from __future__ import annotations

import numpy as np

from microframe._validation import check_number
from microframe.layers.base import Array
from microframe.optimizers.base import LearningRate, Optimizer


class Adam(Optimizer):
    """Adam (Kingma and Ba, 2015, Algorithm 1), with bias correction.

    At step ``t`` (1 for the first update)::

        m = beta_1 * m + (1 - beta_1) * grad
        v = beta_2 * v + (1 - beta_2) * grad**2
        m_hat = m / (1 - beta_1**t)
        v_hat = v / (1 - beta_2**t)
        param -= learning_rate * m_hat / (sqrt(v_hat) + epsilon)

    This is PyTorch's form. Keras folds the corrections into the learning
    rate, which moves ``epsilon`` by a factor ``sqrt(1 - beta_2**t)``.

    Args:
        learning_rate: step size, or a schedule of the step count.
        beta_1: decay of the first moment, in ``[0, 1)``.
        beta_2: decay of the second moment, in ``[0, 1)``.
        epsilon: added to the denominator, ``> 0``.
    """

    def __init__(
        self,
        learning_rate: LearningRate = 0.001,
        beta_1: float = 0.9,
        beta_2: float = 0.999,
        epsilon: float = 1e-7,
    ) -> None:
        super().__init__(learning_rate)
        self.beta_1 = check_number(
            beta_1, "Adam beta_1", low=0.0, high=1.0, high_inclusive=False
        )
        self.beta_2 = check_number(
            beta_2, "Adam beta_2", low=0.0, high=1.0, high_inclusive=False
        )
        self.epsilon = check_number(
            epsilon, "Adam epsilon", low=0.0, low_inclusive=False
        )

    def __repr__(self) -> str:
        return (
            f"Adam(learning_rate={self.learning_rate!r}, beta_1={self.beta_1}, "
            f"beta_2={self.beta_2}, epsilon={self.epsilon})"
        )

    def update(self, key: str, param: Array, grad: Array, learning_rate: float) -> None:
        t = self.iterations + 1
        m = self._slot(key, "m", param)
        v = self._slot(key, "v", param)
        m *= self.beta_1
        m += (1.0 - self.beta_1) * grad
        v *= self.beta_2
        v += (1.0 - self.beta_2) * (grad * grad)
        m_hat = m / (1.0 - self.beta_1**t)
        v_hat = v / (1.0 - self.beta_2**t)
        param -= learning_rate * m_hat / (np.sqrt(v_hat) + self.epsilon)
