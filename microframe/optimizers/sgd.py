"""Stochastic gradient descent with momentum and weight decay."""

from __future__ import annotations

import numpy as np

from microframe._validation import check_number
from microframe.errors import ConfigurationError
from microframe.layers.base import Array
from microframe.optimizers.base import (
    LearningRate,
    Optimizer,
    check_decay,
)

# Parameters with at most this many entries are updated through a temporary.
_SMALL_PARAMETER_SIZE = 1024


class SGD(Optimizer):
    """Gradient descent, with heavy-ball or Nesterov momentum and L2 decay.

    Update rule, as in PyTorch's ``torch.optim.SGD`` (``mu`` is momentum)::

        grad = grad + weight_decay * param
        velocity = mu * velocity + grad
        step = grad + mu * velocity if nesterov else velocity
        param -= learning_rate * step

    With ``momentum=0`` this is ``param -= learning_rate * grad``. Weight
    decay is added to the gradient (L2 regularisation) for every parameter,
    biases included, as PyTorch does; see ``AdamW`` for decoupled decay.

    Args:
        learning_rate: step size, or a schedule of the step count.
        momentum: in ``[0, 1)``.
        nesterov: use Nesterov momentum; needs ``momentum > 0``.
        weight_decay: L2 coefficient, ``>= 0``.
        clipnorm, clipvalue, global_clipnorm: gradient clipping, see
            ``Optimizer``.
    """

    def __init__(
        self,
        learning_rate: LearningRate = 0.01,
        momentum: float = 0.0,
        nesterov: bool = False,
        weight_decay: float = 0.0,
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
        self.momentum = check_decay(momentum, "SGD momentum")
        self.nesterov = bool(nesterov)
        if self.nesterov and self.momentum == 0.0:
            raise ConfigurationError(
                "SGD nesterov=True needs momentum > 0, got momentum=0.0; set "
                "momentum (for example 0.9) or nesterov=False."
            )
        self.weight_decay = check_number(weight_decay, "SGD weight_decay", low=0.0)

    def _describe(self) -> str:
        return (
            f"{super()._describe()}, momentum={self.momentum}, "
            f"nesterov={self.nesterov}, weight_decay={self.weight_decay}"
        )

    def update(self, key: str, param: Array, grad: Array, learning_rate: float) -> None:
        # The same arithmetic as the rule in the class docstring, written
        # into a reused work array: no temporary as large as the parameter.
        # For a small plain-SGD parameter, a temporary is cheaper than the
        # lookup of the work array.
        small = grad.size <= _SMALL_PARAMETER_SIZE
        if small and self.momentum == 0.0 and not self.weight_decay:
            param -= grad * learning_rate
            return
        step = self._work(key, "step", grad)
        if self.weight_decay:
            decayed = self._work(key, "decayed", grad)
            np.multiply(param, self.weight_decay, out=decayed)
            decayed += grad
            grad = decayed
        if self.momentum == 0.0:
            np.multiply(grad, learning_rate, out=step)
            param -= step
            return
        velocity = self._slot(key, "velocity", param)
        velocity *= self.momentum
        velocity += grad
        if self.nesterov:
            np.multiply(velocity, self.momentum, out=step)
            step += grad
            step *= learning_rate
        else:
            np.multiply(velocity, learning_rate, out=step)
        param -= step
