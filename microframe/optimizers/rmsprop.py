"""RMSprop: gradients divided by a running root mean square."""

from __future__ import annotations

import numpy as np

from microframe.layers.base import Array
from microframe.optimizers.base import (
    LearningRate,
    Optimizer,
    check_decay,
    check_positive,
)


class RMSprop(Optimizer):
    """RMSprop (Hinton's lecture notes), with optional momentum and centring.

    Update rule, as in PyTorch's ``torch.optim.RMSprop`` (``rho`` is its
    ``alpha``)::

        square_avg = rho * square_avg + (1 - rho) * grad**2
        if centered:
            grad_avg = rho * grad_avg + (1 - rho) * grad
            denom = sqrt(square_avg - grad_avg**2) + epsilon
        else:
            denom = sqrt(square_avg) + epsilon
        if momentum > 0:
            buffer = momentum * buffer + grad / denom
            param -= learning_rate * buffer
        else:
            param -= learning_rate * grad / denom

    Keras adds ``epsilon`` inside the square root instead.

    Args:
        learning_rate: step size, or a schedule of the step count.
        rho: decay of the running mean square, in ``[0, 1)``.
        momentum: in ``[0, 1)``.
        epsilon: added to the denominator, ``> 0``.
        centered: divide by the estimated variance instead of the raw
            mean square.
        clipnorm, clipvalue, global_clipnorm: gradient clipping, see
            ``Optimizer``.
    """

    def __init__(
        self,
        learning_rate: LearningRate = 0.001,
        rho: float = 0.9,
        momentum: float = 0.0,
        epsilon: float = 1e-7,
        centered: bool = False,
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
        self.rho = check_decay(rho, "RMSprop rho")
        self.momentum = check_decay(momentum, "RMSprop momentum")
        self.epsilon = check_positive(epsilon, "RMSprop epsilon")
        self.centered = bool(centered)

    def _describe(self) -> str:
        return (
            f"{super()._describe()}, rho={self.rho}, momentum={self.momentum}, "
            f"epsilon={self.epsilon}, centered={self.centered}"
        )

    def update(self, key: str, param: Array, grad: Array, learning_rate: float) -> None:
        square_avg = self._slot(key, "square_avg", param)
        square_avg *= self.rho
        square_avg += (1.0 - self.rho) * (grad * grad)
        if self.centered:
            grad_avg = self._slot(key, "grad_avg", param)
            grad_avg *= self.rho
            grad_avg += (1.0 - self.rho) * grad
            denom = np.sqrt(square_avg - grad_avg * grad_avg) + self.epsilon
        else:
            denom = np.sqrt(square_avg) + self.epsilon
        if self.momentum > 0.0:
            buffer = self._slot(key, "momentum", param)
            buffer *= self.momentum
            buffer += grad / denom
            param -= learning_rate * buffer
        else:
            param -= learning_rate * grad / denom
