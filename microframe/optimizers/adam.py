"""Adam and AdamW: adaptive moment estimation."""

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
        clipnorm, clipvalue, global_clipnorm: gradient clipping, see
            ``Optimizer``.
    """

    def __init__(
        self,
        learning_rate: LearningRate = 0.001,
        beta_1: float = 0.9,
        beta_2: float = 0.999,
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
        name = type(self).__name__
        self.beta_1 = check_decay(beta_1, f"{name} beta_1")
        self.beta_2 = check_decay(beta_2, f"{name} beta_2")
        self.epsilon = check_positive(epsilon, f"{name} epsilon")
        self._correction_1 = 1.0
        self._correction_2 = 1.0

    def _describe(self) -> str:
        return (
            f"{super()._describe()}, beta_1={self.beta_1}, beta_2={self.beta_2}, "
            f"epsilon={self.epsilon}"
        )

    def begin_step(self) -> None:
        t = self.iterations + 1
        self._correction_1 = 1.0 - self.beta_1**t
        self._correction_2 = 1.0 - self.beta_2**t

    def update(self, key: str, param: Array, grad: Array, learning_rate: float) -> None:
        m = self._slot(key, "m", param)
        v = self._slot(key, "v", param)
        # The same arithmetic as
        #     m = beta_1 * m + (1 - beta_1) * grad
        #     v = beta_2 * v + (1 - beta_2) * grad**2
        #     param -= learning_rate * m_hat / (sqrt(v_hat) + epsilon)
        # written into two reused work arrays instead of six temporaries.
        step = self._work(key, "step", grad)
        denominator = self._work(key, "denominator", grad)
        m *= self.beta_1
        np.multiply(grad, 1.0 - self.beta_1, out=step)
        m += step
        v *= self.beta_2
        np.multiply(grad, grad, out=step)
        step *= 1.0 - self.beta_2
        v += step
        np.divide(v, self._correction_2, out=denominator)
        np.sqrt(denominator, out=denominator)
        denominator += self.epsilon
        np.divide(m, self._correction_1, out=step)
        step *= learning_rate
        step /= denominator
        param -= step


class AdamW(Adam):
    """Adam with decoupled weight decay (Loshchilov and Hutter, 2019).

    Before the Adam update of each step, every parameter shrinks by a
    factor that does not pass through the moments::

        param -= learning_rate * weight_decay * param
        # then the Adam update with the same learning_rate

    This is PyTorch's ``torch.optim.AdamW``: the decay is scaled by the
    current learning rate, so a schedule scales it too.

    Args:
        learning_rate: step size, or a schedule of the step count.
        weight_decay: decay coefficient, ``>= 0``.
        beta_1, beta_2, epsilon: as in ``Adam``.
        clipnorm, clipvalue, global_clipnorm: gradient clipping, see
            ``Optimizer``.
    """

    def __init__(
        self,
        learning_rate: LearningRate = 0.001,
        weight_decay: float = 0.01,
        beta_1: float = 0.9,
        beta_2: float = 0.999,
        epsilon: float = 1e-7,
        *,
        clipnorm: float | None = None,
        clipvalue: float | None = None,
        global_clipnorm: float | None = None,
    ) -> None:
        super().__init__(
            learning_rate,
            beta_1,
            beta_2,
            epsilon,
            clipnorm=clipnorm,
            clipvalue=clipvalue,
            global_clipnorm=global_clipnorm,
        )
        self.weight_decay = check_number(weight_decay, "AdamW weight_decay", low=0.0)

    def _describe(self) -> str:
        return f"{super()._describe()}, weight_decay={self.weight_decay}"

    def update(self, key: str, param: Array, grad: Array, learning_rate: float) -> None:
        if self.weight_decay:
            param *= 1.0 - learning_rate * self.weight_decay
        super().update(key, param, grad, learning_rate)
