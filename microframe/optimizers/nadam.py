"""Nadam: Adam with Nesterov momentum."""

from __future__ import annotations

import numpy as np

from microframe._validation import check_number
from microframe.layers.base import Array
from microframe.optimizers.base import (
    LearningRate,
    Optimizer,
    check_decay,
    check_positive,
)


class Nadam(Optimizer):
    """Nadam (Dozat, 2016), with the momentum schedule Keras and PyTorch use.

    At step ``t`` (1 for the first update), with ``psi = momentum_decay``::

        mu_t = beta_1 * (1 - 0.5 * 0.96 ** (t * psi))
        mu_next = beta_1 * (1 - 0.5 * 0.96 ** ((t + 1) * psi))
        mu_product = mu_1 * mu_2 * ... * mu_t
        m = beta_1 * m + (1 - beta_1) * grad
        v = beta_2 * v + (1 - beta_2) * grad**2
        denom = sqrt(v / (1 - beta_2**t)) + epsilon
        param -= learning_rate * (1 - mu_t) / (1 - mu_product) * grad / denom
        param -= learning_rate * mu_next / (1 - mu_product * mu_next) * m / denom

    This is PyTorch's ``torch.optim.NAdam``. ``mu_product`` is kept as
    scalar state, so ``get_state`` includes it.

    Args:
        learning_rate: step size, or a schedule of the step count.
        beta_1: decay of the first moment, in ``[0, 1)``.
        beta_2: decay of the second moment, in ``[0, 1)``.
        epsilon: added to the denominator, ``> 0``.
        momentum_decay: ``psi`` above, ``>= 0``.
        clipnorm, clipvalue, global_clipnorm: gradient clipping, see
            ``Optimizer``.
    """

    def __init__(
        self,
        learning_rate: LearningRate = 0.001,
        beta_1: float = 0.9,
        beta_2: float = 0.999,
        epsilon: float = 1e-7,
        momentum_decay: float = 0.004,
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
        self.beta_1 = check_decay(beta_1, "Nadam beta_1")
        self.beta_2 = check_decay(beta_2, "Nadam beta_2")
        self.epsilon = check_positive(epsilon, "Nadam epsilon")
        self.momentum_decay = check_number(
            momentum_decay, "Nadam momentum_decay", low=0.0
        )
        self.mu_product = 1.0
        self._grad_scale = 0.0
        self._m_scale = 0.0
        self._correction_2 = 1.0

    def _describe(self) -> str:
        return (
            f"{super()._describe()}, beta_1={self.beta_1}, beta_2={self.beta_2}, "
            f"epsilon={self.epsilon}, momentum_decay={self.momentum_decay}"
        )

    def begin_step(self) -> None:
        t = self.iterations + 1
        mu = self.beta_1 * (1.0 - 0.5 * 0.96 ** (t * self.momentum_decay))
        mu_next = self.beta_1 * (1.0 - 0.5 * 0.96 ** ((t + 1) * self.momentum_decay))
        self.mu_product *= mu
        self._grad_scale = (1.0 - mu) / (1.0 - self.mu_product)
        self._m_scale = mu_next / (1.0 - self.mu_product * mu_next)
        self._correction_2 = 1.0 - self.beta_2**t

    def update(self, key: str, param: Array, grad: Array, learning_rate: float) -> None:
        m = self._slot(key, "m", param)
        v = self._slot(key, "v", param)
        m *= self.beta_1
        m += (1.0 - self.beta_1) * grad
        v *= self.beta_2
        v += (1.0 - self.beta_2) * (grad * grad)
        denom = np.sqrt(v / self._correction_2) + self.epsilon
        param -= learning_rate * self._grad_scale * grad / denom
        param -= learning_rate * self._m_scale * m / denom

    def _get_scalars(self) -> dict[str, float]:
        return {"mu_product": self.mu_product}

    def _set_scalars(self, scalars: dict[str, float]) -> None:
        self.mu_product = float(scalars.get("mu_product", 1.0))
