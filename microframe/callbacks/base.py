"""Callbacks: hooks that run at the start and end of training, epochs and batches."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from microframe.model import Sequential

Logs = dict[str, float]


class Callback:
    """Base class: override any ``on_*`` hook; each receives a dict of logs.

    ``self.model`` is the model being trained. Set
    ``self.model.stop_training = True`` to end training after the current
    epoch.
    """

    def __init__(self) -> None:
        self.model: Sequential | None = None
        self.params: dict[str, Any] = {}

    def set_model(self, model: Sequential) -> None:
        """Attach the callback to ``model`` before training starts."""
        self.model = model

    def set_params(self, params: dict[str, Any]) -> None:
        """Receive the run's settings before training starts.

        ``fit`` passes ``epochs``, ``steps`` (batches per epoch),
        ``samples``, ``batch_size``, ``verbose`` and ``metrics`` (the
        training ``Metric`` objects, whose ``result()`` is the running
        value of the current epoch).
        """
        self.params = params

    def on_train_begin(self, logs: Logs) -> None:
        """Run once before the first epoch."""

    def on_train_end(self, logs: Logs) -> None:
        """Run once after the last epoch, also when training stopped early."""

    def on_epoch_begin(self, epoch: int, logs: Logs) -> None:
        """Run before each epoch; ``epoch`` counts from 0."""

    def on_epoch_end(self, epoch: int, logs: Logs) -> None:
        """Run after each epoch with its loss, metrics and validation results."""

    def on_batch_begin(self, batch: int, logs: Logs) -> None:
        """Run before each training batch; ``batch`` counts from 0 per epoch."""

    def on_batch_end(self, batch: int, logs: Logs) -> None:
        """Run after each training batch with its loss."""

    def on_nonfinite_loss(self, epoch: int, batch: int, loss: float) -> None:
        """Run when a batch loss is NaN or infinite, before the update.

        ``TerminateOnNaN``, which ``fit`` adds by default, raises here.
        When no callback raises, the update runs with that loss.
        """


class CallbackList(Callback):
    """Forwards each hook to a list of callbacks, in order."""

    def __init__(self, callbacks: Iterable[Callback] = ()) -> None:
        super().__init__()
        self.callbacks = list(callbacks)

    def set_model(self, model: Sequential) -> None:
        super().set_model(model)
        for callback in self.callbacks:
            callback.set_model(model)

    def set_params(self, params: dict[str, Any]) -> None:
        super().set_params(params)
        for callback in self.callbacks:
            callback.set_params(params)

    def on_train_begin(self, logs: Logs) -> None:
        for callback in self.callbacks:
            callback.on_train_begin(logs)

    def on_train_end(self, logs: Logs) -> None:
        for callback in self.callbacks:
            callback.on_train_end(logs)

    def on_epoch_begin(self, epoch: int, logs: Logs) -> None:
        for callback in self.callbacks:
            callback.on_epoch_begin(epoch, logs)

    def on_epoch_end(self, epoch: int, logs: Logs) -> None:
        for callback in self.callbacks:
            callback.on_epoch_end(epoch, logs)

    def on_batch_begin(self, batch: int, logs: Logs) -> None:
        for callback in self.callbacks:
            callback.on_batch_begin(batch, logs)

    def on_batch_end(self, batch: int, logs: Logs) -> None:
        for callback in self.callbacks:
            callback.on_batch_end(batch, logs)

    def on_nonfinite_loss(self, epoch: int, batch: int, loss: float) -> None:
        for callback in self.callbacks:
            callback.on_nonfinite_loss(epoch, batch, loss)


class History(Callback):
    """Per-epoch record of the loss and metrics, returned by ``fit``.

    Attributes:
        history: maps ``"loss"``, ``"val_loss"`` and metric names to one
            float per epoch.
        epoch: the epoch numbers recorded, counting from 0.
    """

    def __init__(self) -> None:
        super().__init__()
        self.history: dict[str, list[float]] = {}
        self.epoch: list[int] = []

    def on_epoch_end(self, epoch: int, logs: Logs) -> None:
        self.epoch.append(epoch)
        for key, value in logs.items():
            self.history.setdefault(key, []).append(float(value))

    def __repr__(self) -> str:
        return f"History(epochs={len(self.epoch)}, keys={sorted(self.history)})"

    def plot(self, path: str | os.PathLike[str]) -> Path:
        """Save a PNG of the loss and metric curves to ``path``; return the path.

        Each quantity gets its own panel, with its ``val_`` curve when
        there is one. Needs matplotlib (``pip install microframe[plot]``).

        Raises:
            ~microframe.errors.MissingDependencyError: when matplotlib is
                not installed.
            NotFittedError: when no epoch was recorded.
        """
        from microframe.plotting import plot_history

        return plot_history(self.history, self.epoch, path)


class EpochLogger(Callback):
    """Writes one line per epoch with its loss, metrics and time to ``stream``."""

    def __init__(self, epochs: int, stream: Any = None) -> None:
        super().__init__()
        self.epochs = epochs
        self.stream = stream if stream is not None else sys.stdout
        self._start = 0.0

    def on_epoch_begin(self, epoch: int, logs: Logs) -> None:
        self._start = time.perf_counter()

    def on_epoch_end(self, epoch: int, logs: Logs) -> None:
        elapsed = time.perf_counter() - self._start
        values = " - ".join(f"{key}: {value:.4f}" for key, value in logs.items())
        self.stream.write(
            f"Epoch {epoch + 1}/{self.epochs} - {elapsed:.2f}s - {values}\n"
        )
        self.stream.flush()
