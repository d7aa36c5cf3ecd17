"""``EarlyStopping``: stop when a monitored quantity stops improving."""

from __future__ import annotations

from typing import Any

import numpy as np

from microframe._validation import check_positive_int
from microframe.callbacks.base import Callback, Logs
from microframe.callbacks.monitor import Monitor


class EarlyStopping(Callback):
    """Stop training after ``patience`` epochs without improvement.

    An epoch improves when ``logs[monitor]`` beats the best value so far by
    more than ``min_delta``; NaN never counts as an improvement. Training
    stops at the end of the ``patience``-th epoch in a row without
    improvement, as in Keras (``patience`` 0 and 1 both stop at the first).

    With ``restore_best_weights`` the weights of the best epoch, and the
    non-trainable state of layers such as batch normalisation, are put back
    when training ends, whether it stopped early, ran all its epochs, or
    ended with an error such as ``NonFiniteLossError``.

    Args:
        monitor: logged quantity, such as ``"val_loss"`` or ``"accuracy"``.
        patience: epochs without improvement before stopping, ``>= 0``.
        min_delta: smallest change that counts as an improvement, ``>= 0``.
        mode: ``"min"``, ``"max"`` or ``"auto"`` (maximise accuracy,
            precision, recall, F1, AUC and R2; minimise the rest).
        restore_best_weights: put back the best epoch's weights at the end.

    Attributes:
        best_epoch: epoch (counting from 0) with the best value, or ``None``.
        stopped_epoch: epoch at which training was stopped, or ``None``.
    """

    def __init__(
        self,
        monitor: str = "val_loss",
        patience: int = 0,
        min_delta: float = 0.0,
        mode: str = "auto",
        restore_best_weights: bool = True,
    ) -> None:
        super().__init__()
        self.monitor = Monitor("EarlyStopping", monitor, mode, min_delta)
        self.patience = check_positive_int(
            patience, "EarlyStopping patience", minimum=0
        )
        self.restore_best_weights = bool(restore_best_weights)
        self.best_epoch: int | None = None
        self.stopped_epoch: int | None = None
        self.wait = 0
        self._best_weights: list[dict[str, Any]] | None = None
        self._best_states: list[dict[str, Any]] = []

    def __repr__(self) -> str:
        return (
            f"EarlyStopping(monitor={self.monitor.name!r}, patience={self.patience}, "
            f"min_delta={self.monitor.min_delta}, mode={self.monitor.mode!r}, "
            f"restore_best_weights={self.restore_best_weights})"
        )

    @property
    def best(self) -> float:
        """Best monitored value so far (``inf`` or ``-inf`` before any)."""
        return self.monitor.best

    def on_train_begin(self, logs: Logs) -> None:
        self.monitor.reset()
        self.wait = 0
        self.best_epoch = None
        self.stopped_epoch = None
        self._best_weights = None

    def on_epoch_end(self, epoch: int, logs: Logs) -> None:
        assert self.model is not None  # set by fit before training
        value = self.monitor.read(logs)
        if self.monitor.improves(value):
            self.monitor.best = value
            self.best_epoch = epoch
            self.wait = 0
            if self.restore_best_weights:
                self._best_weights = self.model.get_weights()
                self._best_states = [
                    {k: np.copy(v) for k, v in layer.get_state().items()}
                    for layer in self.model.layers
                ]
            return
        self.wait += 1
        if self.wait >= max(self.patience, 1):
            self.stopped_epoch = epoch
            self.model.stop_training = True

    def on_train_end(self, logs: Logs) -> None:
        if self.restore_best_weights and self._best_weights is not None:
            assert self.model is not None
            self.model.set_weights(
                [
                    {k: v.copy() for k, v in layer.items()}
                    for layer in self._best_weights
                ]
            )
            for layer, state in zip(self.model.layers, self._best_states, strict=True):
                if state:
                    layer.set_state({k: np.copy(v) for k, v in state.items()})
