"""``ModelCheckpoint``: save the model during training, every epoch or the best."""

from __future__ import annotations

import math
import os
import warnings
from typing import Any

from microframe.callbacks.base import Callback, Logs
from microframe.callbacks.monitor import higher_is_better
from microframe.errors import ConfigurationError

_MODES = ("auto", "min", "max")


class ModelCheckpoint(Callback):
    """Save the model at the end of each epoch, or only when it improves.

    Files are written atomically through ``microframe.saving``, so an
    interrupted run leaves the last complete checkpoint in place.

    Args:
        filepath: target path. It may contain ``{epoch}`` (counting from 1
            over the model's whole training, so a later ``fit`` call goes on
            from the last number) and the names of logged values, as in
            ``"ckpt-{epoch:03d}-{val_loss:.3f}.mfz"``.
        monitor: the logged value that decides which epoch is best, such
            as ``"val_loss"`` or ``"accuracy"``.
        mode: ``"min"`` keeps the lowest value and ``"max"`` the highest.
            ``"auto"`` picks ``"max"`` for accuracy, precision, recall, F1,
            AUC and R2 (with or without ``val_``) and ``"min"`` otherwise,
            as ``EarlyStopping`` does.
        save_best_only: save only when ``monitor`` improves on every earlier
            epoch this callback has seen, across ``fit`` calls; otherwise
            save every epoch.
        save_weights_only: write the parameters alone (``save_weights``)
            instead of the whole model.

    Attributes:
        best: the best ``monitor`` value so far; infinity before the first
            epoch (minus infinity in ``"max"`` mode).
        last_saved: the path written most recently, or ``None``.
    """

    def __init__(
        self,
        filepath: str | os.PathLike[str],
        monitor: str = "val_loss",
        mode: str = "auto",
        save_best_only: bool = False,
        save_weights_only: bool = False,
    ) -> None:
        super().__init__()
        if mode not in _MODES:
            raise ConfigurationError(
                f"ModelCheckpoint mode must be one of {_MODES}, got {mode!r}."
            )
        self.filepath = os.fspath(filepath)
        self.monitor = monitor
        self.mode = mode
        self.save_best_only = bool(save_best_only)
        self.save_weights_only = bool(save_weights_only)
        if mode == "auto":
            self._maximize = higher_is_better(monitor)
        else:
            self._maximize = mode == "max"
        self.best = -math.inf if self._maximize else math.inf
        self.last_saved: str | None = None
        self._warned_missing = False

    def __repr__(self) -> str:
        return (
            f"ModelCheckpoint({self.filepath!r}, monitor={self.monitor!r}, "
            f"mode={self.mode!r}, save_best_only={self.save_best_only})"
        )

    def on_epoch_end(self, epoch: int, logs: Logs) -> None:
        if self.save_best_only and not self._improved(logs):
            return
        path = self._format_path(epoch, logs)
        model = self.model
        if model is None:
            return
        if self.save_weights_only:
            model.save_weights(path)
        else:
            model.save(path)
        self.last_saved = path

    def _improved(self, logs: Logs) -> bool:
        value = logs.get(self.monitor)
        if value is None or math.isnan(value):
            if not self._warned_missing:
                self._warned_missing = True
                warnings.warn(
                    f"ModelCheckpoint: the logs have no value for "
                    f"{self.monitor!r} (available: {sorted(logs)}), so no "
                    "checkpoint is saved; pass validation data or choose "
                    "another monitor.",
                    UserWarning,
                    stacklevel=2,
                )
            return False
        better = value > self.best if self._maximize else value < self.best
        if better:
            self.best = float(value)
        return better

    def _format_path(self, epoch: int, logs: Logs) -> str:
        values: dict[str, Any] = dict(logs)
        values["epoch"] = epoch + 1
        try:
            return self.filepath.format(**values)
        except (KeyError, IndexError, ValueError) as error:
            raise ConfigurationError(
                f"ModelCheckpoint: cannot fill in the path {self.filepath!r} "
                f"({error!r}); use {{epoch}} or names from the logs "
                f"{sorted(logs)}."
            ) from error
