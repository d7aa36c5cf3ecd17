"""Matching a model's loss to its output layer, and the defaults of ``fit``."""

from __future__ import annotations

from collections.abc import Sequence

from microframe import losses
from microframe._warnings import warn_caller
from microframe.activations import Identity, LeakyReLU, ReLU, Sigmoid, Softmax, Tanh
from microframe.activations.extra import (
    ELU,
    GELU,
    SELU,
    LogSoftmax,
    SiLU,
    Softplus,
    Softsign,
)
from microframe.errors import ConfigurationError
from microframe.layers.base import Array, Layer
from microframe.layers.dense import Dense

PROBABILITY_LOSSES = (
    losses.BinaryCrossEntropy,
    losses.CategoricalCrossEntropy,
    losses.SparseCategoricalCrossEntropy,
)


# Output layers whose values are not probabilities, so a probability loss
# after them needs from_logits=True. Custom layers are not listed, so the loss
# checks at run time that its input lies in [0, 1]: on every direct call, and
# in fit on the first batch of each epoch.
# HardSigmoid is left out on purpose: its output lies in [0, 1].
UNSQUASHED_OUTPUTS: tuple[type[Layer], ...] = (Dense, Identity, ReLU, LeakyReLU, Tanh)
UNSQUASHED_OUTPUTS += (ELU, SELU, GELU, SiLU, Softplus, Softsign, LogSoftmax)


class DefaultsWarning(UserWarning):
    """Issued once when ``fit`` picks a loss and optimizer for an uncompiled model."""


def check_loss_matches_output(
    layers: Sequence[Layer], loss: losses.Loss, caller: str
) -> None:
    """Warn or raise when ``loss`` does not fit the model's output layer.

    Raises:
        ConfigurationError: for a probability loss after an output that is
            not squashed into ``[0, 1]``.
    """
    last = layers[-1] if layers else None
    if not isinstance(loss, PROBABILITY_LOSSES):
        return
    if getattr(loss, "from_logits", False):
        if isinstance(last, (Sigmoid, Softmax)):
            warn_caller(
                f"{caller}: {type(loss).__name__}(from_logits=True) after a "
                f"{last.name} output applies {last.name} twice, which slows "
                f"or stalls training; remove the {last.name} layer or use "
                "from_logits=False."
            )
        return
    binary = isinstance(loss, losses.BinaryCrossEntropy)
    if binary and isinstance(last, Softmax):
        warn_caller(
            f"{caller}: BinaryCrossEntropy after a Softmax output treats each "
            "class as a separate yes/no; for one label per sample use "
            "CategoricalCrossEntropy with Softmax."
        )
    if not binary and isinstance(last, Sigmoid):
        warn_caller(
            f"{caller}: {loss.name} after a Sigmoid output expects one-hot "
            "rows that sum to 1; use Softmax for one class per sample, or "
            "BinaryCrossEntropy for independent labels."
        )
    if isinstance(last, UNSQUASHED_OUTPUTS):
        raise ConfigurationError(
            f"{caller}: {loss.name} expects probabilities but the model ends "
            f"with {last.name}, whose output is not in [0, 1]; add Sigmoid() "
            f"or Softmax() as the last layer or use "
            f"{type(loss).__name__}(from_logits=True)."
        )


def default_loss(layers: Sequence[Layer], y: Array) -> losses.Loss:
    """Return the loss that matches the output layer and the targets ``y``."""
    last = layers[-1] if layers else None
    if isinstance(last, Sigmoid):
        return losses.BinaryCrossEntropy()
    if isinstance(last, Softmax):
        # One value per sample is a class label whatever its dtype, since
        # labels read from a file are often floats such as 2.0.
        if y.ndim == 1 or (y.ndim == 2 and y.shape[1] == 1):
            return losses.SparseCategoricalCrossEntropy()
        return losses.CategoricalCrossEntropy()
    return losses.MeanSquaredError()
