"""microframe: an object-oriented deep-learning framework on NumPy."""

from microframe import activations, initializers, layers, losses, metrics, optimizers
from microframe.activations import (
    Activation,
    Identity,
    LeakyReLU,
    ReLU,
    Sigmoid,
    Softmax,
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
from microframe.saving import load_model, register_layer, register_serializable

__version__ = "0.1.0"

__all__ = [
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
    "History",
    "Identity",
    "Layer",
    "LeakyReLU",
    "Loss",
    "MeanSquaredError",
    "Optimizer",
    "ReLU",
    "Sequential",
    "Sigmoid",
    "Softmax",
    "SparseCategoricalCrossEntropy",
    "Tanh",
    "activations",
    "gradcheck",
    "gradcheck_loss",
    "initializers",
    "layers",
    "load_model",
    "losses",
    "metrics",
    "optimizers",
    "register_layer",
    "register_serializable",
]
