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

__all__ = [
    "Activation",
    "Identity",
    "LeakyReLU",
    "ReLU",
    "Sigmoid",
    "Softmax",
    "Tanh",
    "sigmoid",
    "softmax",
]
