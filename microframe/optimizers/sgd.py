"""Stochastic gradient descent with optional momentum."""

from __future__ import annotations

from microframe._validation import check_number
from microframe.errors import ConfigurationError
from microframe.layers.base import Array
from microframe.optimizers.base import LearningRate, Optimizer


class SGD(Optimizer):
    """Gradient descent, with heavy-ball or Nesterov momentum.

    Update rule, as in PyTorch's ``torch.optim.SGD`` (``mu`` is momentum)::

        velocity = mu * velocity + grad
        step = grad + mu * velocity if nesterov else velocity
        param -= learning_rate * step

    With ``momentum=0`` this is ``param -= learning_rate * grad``.

    Args:
        learning_rate: step size, or a schedule of the step count.
        momentum: in ``[0, 1)``.
        nesterov: use Nesterov momentum; needs ``momentum > 0``.
    """

    def __init__(
        self,
        learning_rate: LearningRate = 0.01,
        momentum: float = 0.0,
        nesterov: bool = False,
    ) -> None:
        super().__init__(learning_rate)
        self.momentum = check_number(
            momentum, "SGD momentum", low=0.0, high=1.0, high_inclusive=False
        )
        self.nesterov = bool(nesterov)
        if self.nesterov and self.momentum == 0.0:
            raise ConfigurationError(
                "SGD nesterov=True needs momentum > 0, got momentum=0.0; set "
                "momentum (for example 0.9) or nesterov=False."
            )

    def __repr__(self) -> str:
        return (
            f"SGD(learning_rate={self.learning_rate!r}, momentum={self.momentum}, "
            f"nesterov={self.nesterov})"
        )

    def update(self, key: str, param: Array, grad: Array, learning_rate: float) -> None:
        if self.momentum == 0.0:
            param -= learning_rate * grad
            return
        velocity = self._slot(key, "velocity", param)
        velocity *= self.momentum
        velocity += grad
        if self.nesterov:
            param -= learning_rate * (grad + self.momentum * velocity)
        else:
            param -= learning_rate * velocity
