"""Optimizers: update any layer through its ``params`` and ``grads`` dicts."""

from __future__ import annotations

from collections.abc import Callable

from microframe.errors import ConfigurationError
from microframe.optimizers.adagrad import Adagrad
from microframe.optimizers.adam import Adam, AdamW
from microframe.optimizers.base import LearningRate, Optimizer
from microframe.optimizers.nadam import Nadam
from microframe.optimizers.rmsprop import RMSprop
from microframe.optimizers.sgd import SGD

_BY_NAME: dict[str, Callable[[], Optimizer]] = {
    "sgd": SGD,
    "adam": Adam,
    "adamw": AdamW,
    "rmsprop": RMSprop,
    "adagrad": Adagrad,
    "nadam": Nadam,
}


def get(identifier: str | Optimizer) -> Optimizer:
    """Return the optimizer named ``identifier`` with its defaults, or the object."""
    if isinstance(identifier, Optimizer):
        return identifier
    if isinstance(identifier, str) and identifier.lower() in _BY_NAME:
        return _BY_NAME[identifier.lower()]()
    raise ConfigurationError(
        f"unknown optimizer {identifier!r}; pass an Optimizer object or one of "
        f"{sorted(_BY_NAME)}."
    )


__all__ = [
    "SGD",
    "Adagrad",
    "Adam",
    "AdamW",
    "LearningRate",
    "Nadam",
    "Optimizer",
    "RMSprop",
    "get",
]
