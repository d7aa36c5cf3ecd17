"""``TerminateOnNaN``: stop training with an error when the loss is not finite."""

from __future__ import annotations

from microframe.callbacks.base import Callback
from microframe.errors import NonFiniteLossError


class TerminateOnNaN(Callback):
    """Raise ``NonFiniteLossError`` when a batch loss is NaN or infinite.

    ``fit`` adds one by default (``terminate_on_nan=True``). The check runs
    before the update of that batch, so the weights are those of the last
    good step. The error names the epoch and batch, counting from 1. With
    ``fit(..., terminate_on_nan=False)`` and no ``TerminateOnNaN`` among the
    callbacks, a non-finite loss is recorded and training goes on.
    """

    def on_nonfinite_loss(self, epoch: int, batch: int, loss: float) -> None:
        raise NonFiniteLossError(
            f"fit: the loss became {loss} at epoch {epoch + 1}, batch "
            f"{batch + 1}; the weights are those of the last good step. "
            "Lower the learning rate, scale the inputs, or check the data."
        )
