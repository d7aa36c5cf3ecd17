"""microframe: an object-oriented deep-learning framework on NumPy."""

from microframe import (
    activations,
    callbacks,
    initializers,
    layers,
    losses,
    metrics,
    optimizers,
    schedules,
)
from microframe.activations import (
    Activation,
    Identity,
    LeakyReLU,
    ReLU,
    Sigmoid,
    Softmax,
    Tanh,
)
from microframe.callbacks import (
    Callback,
    CSVLogger,
    EarlyStopping,
    History,
    LambdaCallback,
    ProgressBar,
    ReduceLROnPlateau,
    TerminateOnNaN,
)
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
from microframe.optimizers import (
    SGD,
    Adagrad,
    Adam,
    AdamW,
    Nadam,
    Optimizer,
    RMSprop,
)

__version__ = "0.1.0"

__all__ = [
    "SGD",
    "Activation",
    "Adagrad",
    "Adam",
    "AdamW",
    "BinaryCrossEntropy",
    "CSVLogger",
    "Callback",
    "CategoricalCrossEntropy",
    "DefaultsWarning",
    "Dense",
    "Dropout",
    "EarlyStopping",
    "GradcheckReport",
    "HalfSquaredError",
    "History",
    "Identity",
    "LambdaCallback",
    "Layer",
    "LeakyReLU",
    "Loss",
    "MeanSquaredError",
    "Nadam",
    "Optimizer",
    "ProgressBar",
    "RMSprop",
    "ReLU",
    "ReduceLROnPlateau",
    "Sequential",
    "Sigmoid",
    "Softmax",
    "SparseCategoricalCrossEntropy",
    "Tanh",
    "TerminateOnNaN",
    "activations",
    "callbacks",
    "gradcheck",
    "gradcheck_loss",
    "initializers",
    "layers",
    "losses",
    "metrics",
    "optimizers",
    "schedules",
]
