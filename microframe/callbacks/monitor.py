"""Tracking the best value of a logged quantity, shared by several callbacks."""

from __future__ import annotations

import math

from microframe._validation import check_number
from microframe.callbacks.base import Logs
from microframe.errors import ConfigurationError

# Logged quantities where a larger value is better; ``mode="auto"`` maximises
# these (with or without the ``val_`` prefix) and minimises everything else.
HIGHER_IS_BETTER = frozenset(
    {
        "accuracy",
        "acc",
        "binary_accuracy",
        "categorical_accuracy",
        "sparse_categorical_accuracy",
        "precision",
        "recall",
        "f1",
        "auc",
        "r2",
    }
)


def higher_is_better(name: str) -> bool:
    """Return whether ``mode="auto"`` maximises the logged quantity ``name``."""
    return name.removeprefix("val_") in HIGHER_IS_BETTER


class Monitor:
    """The best value seen so far of ``logs[name]``, in ``min`` or ``max`` mode.

    A value improves on the best when it is lower by more than ``min_delta``
    (``min`` mode) or higher by more than ``min_delta`` (``max`` mode). NaN
    never improves.
    """

    def __init__(self, owner: str, name: str, mode: str, min_delta: float) -> None:
        if mode not in ("auto", "min", "max"):
            raise ConfigurationError(
                f"{owner} mode must be 'auto', 'min' or 'max', got {mode!r}."
            )
        if mode == "auto":
            mode = "max" if higher_is_better(name) else "min"
        self.owner = owner
        self.name = name
        self.mode = mode
        self.min_delta = check_number(min_delta, f"{owner} min_delta", low=0.0)
        self.best = math.inf if mode == "min" else -math.inf

    def reset(self) -> None:
        """Forget the best value."""
        self.best = math.inf if self.mode == "min" else -math.inf

    def read(self, logs: Logs) -> float:
        """Return ``logs[name]``, raising with the available keys if it is missing."""
        if self.name not in logs:
            raise ConfigurationError(
                f"{self.owner}: monitor={self.name!r} is not in the epoch logs "
                f"{sorted(logs)}; pass validation data for 'val_' quantities or "
                "choose one of the logged keys."
            )
        return float(logs[self.name])

    def improves(self, value: float) -> bool:
        """Return whether ``value`` beats the best by more than ``min_delta``."""
        if math.isnan(value):
            return False
        if self.mode == "min":
            return value < self.best - self.min_delta
        return value > self.best + self.min_delta
