"""microframe: an object-oriented deep-learning framework on NumPy."""

from microframe import activations, initializers, layers, losses, metrics, optimizers
from microframe.activations import (
    ELU,
    GELU,
    SELU,
    Activation,
    HardSigmoid,
    Identity,
    LeakyReLU,
    LogSoftmax,
    ReLU,
    Sigmoid,
    SiLU,
    Softmax,
    Softplus,
    Softsign,
    Tanh,
)
from microframe.callbacks import Callback, History
from microframe.gradcheck import GradcheckReport, gradcheck, gradcheck_loss
from microframe.layers import Dense, Dropout, Layer
from microframe.losses import (
    BinaryCrossEntropy,
    CategoricalCrossEntropy,
    HalfSquaredError,
    Loss,
    MeanSquaredError,
    SparseCategoricalCrossEntropy,
)
from microframe.model import DefaultsWarning, Sequential
from microframe.optimizers import SGD, Adam, Optimizer

__version__ = "0.1.0"

__all__ = [
    "ELU",
    "GELU",
    "SELU",
    "SGD",
    "Activation",
    "Adam",
    "BinaryCrossEntropy",
    "Callback",
    "CategoricalCrossEntropy",
    "DefaultsWarning",
    "Dense",
    "Dropout",
    "GradcheckReport",
    "HalfSquaredError",
    "HardSigmoid",
    "History",
    "Identity",
    "Layer",
    "LeakyReLU",
    "LogSoftmax",
    "Loss",
    "MeanSquaredError",
    "Optimizer",
    "ReLU",
    "Sequential",
    "SiLU",
    "Sigmoid",
    "Softmax",
    "Softplus",
    "Softsign",
    "SparseCategoricalCrossEntropy",
    "Tanh",
    "activations",
    "gradcheck",
    "gradcheck_loss",
    "initializers",
    "layers",
    "losses",
    "metrics",
    "optimizers",
]
