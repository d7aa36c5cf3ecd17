"""The ``Optimizer`` base class."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from microframe._validation import check_number
from microframe.errors import ConfigurationError, NotFittedError
from microframe.layers.base import Array, Layer

LearningRate = float | Callable[[int], float]


class Optimizer:
    """Base class: ``step(layers)`` updates every ``params`` entry from ``grads``.

    Subclasses implement ``update(key, param, grad, learning_rate)``, which
    changes ``param`` in place. Per-parameter state, such as a momentum
    buffer, lives in ``self.state[key]``, where ``key`` is
    ``"<layer index>.<parameter name>"`` (``"0.weight"``); ``get_state`` and
    ``set_state`` save and restore it with the step count, so training can
    resume exactly.

    Args:
        learning_rate: a positive float, or a callable mapping the step
            count (0 for the first update) to the learning rate.
    """

    def __init__(self, learning_rate: LearningRate) -> None:
        if callable(learning_rate):
            self.learning_rate: LearningRate = learning_rate
        else:
            self.learning_rate = check_number(
                learning_rate,
                f"{type(self).__name__} learning_rate",
                low=0.0,
                low_inclusive=False,
            )
        self.iterations = 0
        self.state: dict[str, dict[str, Array]] = {}

    def __repr__(self) -> str:
        return f"{type(self).__name__}(learning_rate={self.learning_rate!r})"

    def current_learning_rate(self) -> float:
        """Return the learning rate for the next update."""
        if callable(self.learning_rate):
            value = float(self.learning_rate(self.iterations))
            if not np.isfinite(value) or value < 0:
                raise ConfigurationError(
                    f"{type(self).__name__}: the learning-rate schedule returned "
                    f"{value} at step {self.iterations}; it must return a finite "
                    "number >= 0."
                )
            return value
        return self.learning_rate

    def step(self, layers: Sequence[Layer]) -> None:
        """Update the parameters of ``layers`` once from their ``grads``."""
        learning_rate = self.current_learning_rate()
        for index, layer in enumerate(layers):
            for name, param in layer.params.items():
                grad = layer.grads.get(name)
                if grad is None:
                    raise NotFittedError(
                        f"{type(self).__name__}.step: {layer.name} has no "
                        f"gradient for {name!r}; call backward before step."
                    )
                self.update(f"{index}.{name}", param, grad, learning_rate)
        self.iterations += 1

    def update(self, key: str, param: Array, grad: Array, learning_rate: float) -> None:
        """Change ``param`` in place using ``grad``."""
        raise NotImplementedError(f"{type(self).__name__} must implement update().")

    def get_state(self) -> dict[str, Any]:
        """Return the step count and per-parameter slots as plain arrays."""
        return {
            "iterations": self.iterations,
            "state": {
                key: {slot: value.copy() for slot, value in slots.items()}
                for key, slots in self.state.items()
            },
        }

    def set_state(self, state: dict[str, Any]) -> None:
        """Restore what ``get_state`` returned."""
        self.iterations = int(state["iterations"])
        self.state = {
            key: {slot: np.array(value) for slot, value in slots.items()}
            for key, slots in state["state"].items()
        }

    def _slot(self, key: str, slot: str, like: Array) -> Array:
        slots = self.state.setdefault(key, {})
        if slot not in slots:
            slots[slot] = np.zeros_like(like)
        return slots[slot]
