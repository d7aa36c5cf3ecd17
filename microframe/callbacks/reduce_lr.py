"""``ReduceLROnPlateau``: lower the learning rate when progress stalls."""

from __future__ import annotations

import logging

from microframe._validation import check_number, check_positive_int
from microframe.callbacks.base import Callback, Logs
from microframe.callbacks.monitor import Monitor
from microframe.errors import ConfigurationError

logger = logging.getLogger("microframe")


class ReduceLROnPlateau(Callback):
    """Multiply the optimizer's learning rate by ``factor`` on a plateau.

    After ``patience`` epochs in a row without an improvement of
    ``logs[monitor]`` by more than ``min_delta`` (NaN never improves), the
    rate becomes ``max(rate * factor, min_lr)``. The ``cooldown`` epochs
    after a reduction are not counted as epochs without improvement (Keras
    counts the last of them). The optimizer needs a float learning rate,
    not a schedule.

    Args:
        monitor: logged quantity, such as ``"val_loss"``.
        factor: multiplier, in ``(0, 1)``.
        patience: epochs without improvement before a reduction, ``>= 1``.
        min_delta: smallest change that counts as an improvement, ``>= 0``.
        mode: ``"min"``, ``"max"`` or ``"auto"``, as in ``EarlyStopping``.
        cooldown: epochs to wait after a reduction, ``>= 0``.
        min_lr: lower bound of the rate, ``>= 0``.
        verbose: log each reduction at INFO level on the ``"microframe"``
            logger.
    """

    def __init__(
        self,
        monitor: str = "val_loss",
        factor: float = 0.1,
        patience: int = 10,
        min_delta: float = 1e-4,
        mode: str = "auto",
        cooldown: int = 0,
        min_lr: float = 0.0,
        verbose: bool = False,
    ) -> None:
        super().__init__()
        self.monitor = Monitor("ReduceLROnPlateau", monitor, mode, min_delta)
        self.factor = check_number(
            factor,
            "ReduceLROnPlateau factor",
            low=0.0,
            high=1.0,
            low_inclusive=False,
            high_inclusive=False,
        )
        self.patience = check_positive_int(patience, "ReduceLROnPlateau patience")
        self.cooldown = check_positive_int(
            cooldown, "ReduceLROnPlateau cooldown", minimum=0
        )
        self.min_lr = check_number(min_lr, "ReduceLROnPlateau min_lr", low=0.0)
        self.verbose = bool(verbose)
        self.wait = 0
        self.cooldown_counter = 0

    def on_train_begin(self, logs: Logs) -> None:
        assert self.model is not None  # set by fit before training
        optimizer = self.model.optimizer
        if optimizer is not None and callable(optimizer.learning_rate):
            raise ConfigurationError(
                "ReduceLROnPlateau: the optimizer's learning_rate is a schedule "
                f"({optimizer.learning_rate!r}); use a float learning rate or "
                "drop the callback."
            )
        self.monitor.reset()
        self.wait = 0
        self.cooldown_counter = 0

    def on_epoch_end(self, epoch: int, logs: Logs) -> None:
        assert self.model is not None and self.model.optimizer is not None
        value = self.monitor.read(logs)
        in_cooldown = self.cooldown_counter > 0
        if in_cooldown:
            self.cooldown_counter -= 1
            self.wait = 0
        if self.monitor.improves(value):
            self.monitor.best = value
            self.wait = 0
            return
        if in_cooldown:
            return
        self.wait += 1
        if self.wait < self.patience:
            return
        optimizer = self.model.optimizer
        old = float(optimizer.current_learning_rate())
        new = max(old * self.factor, self.min_lr)
        if new < old:
            optimizer.learning_rate = new
            if self.verbose:
                logger.info(
                    "ReduceLROnPlateau: epoch %d, learning rate %g -> %g",
                    epoch + 1,
                    old,
                    new,
                )
        self.cooldown_counter = self.cooldown
        self.wait = 0
