"""Activations: parameter-free layers applied element-wise or per sample."""

from microframe.activations.base import Activation
from microframe.activations.core import (
    Identity,
    LeakyReLU,
    ReLU,
    Sigmoid,
    Softmax,
    Tanh,
    sigmoid,
    softmax,
)
from microframe.activations.extra import (
    ELU,
    GELU,
    SELU,
    HardSigmoid,
    LogSoftmax,
    SiLU,
    Softplus,
    Softsign,
)

__all__ = [
    "ELU",
    "GELU",
    "SELU",
    "Activation",
    "HardSigmoid",
    "Identity",
    "LeakyReLU",
    "LogSoftmax",
    "ReLU",
    "SiLU",
    "Sigmoid",
    "Softmax",
    "Softplus",
    "Softsign",
    "Tanh",
    "sigmoid",
    "softmax",
]
