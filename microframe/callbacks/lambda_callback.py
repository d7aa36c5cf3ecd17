"""``LambdaCallback``: a callback built from plain functions."""

from __future__ import annotations

from collections.abc import Callable

from microframe.callbacks.base import Callback, Logs

TrainHook = Callable[[Logs], None]
IndexedHook = Callable[[int, Logs], None]


class LambdaCallback(Callback):
    """Call the given functions from the matching hooks; omitted hooks do nothing.

    Example:
        >>> losses = []
        >>> record = LambdaCallback(
        ...     on_epoch_end=lambda epoch, logs: losses.append(logs["loss"])
        ... )
    """

    def __init__(
        self,
        on_train_begin: TrainHook | None = None,
        on_train_end: TrainHook | None = None,
        on_epoch_begin: IndexedHook | None = None,
        on_epoch_end: IndexedHook | None = None,
        on_batch_begin: IndexedHook | None = None,
        on_batch_end: IndexedHook | None = None,
    ) -> None:
        super().__init__()
        self._train_begin = on_train_begin
        self._train_end = on_train_end
        self._epoch_begin = on_epoch_begin
        self._epoch_end = on_epoch_end
        self._batch_begin = on_batch_begin
        self._batch_end = on_batch_end

    def on_train_begin(self, logs: Logs) -> None:
        if self._train_begin is not None:
            self._train_begin(logs)

    def on_train_end(self, logs: Logs) -> None:
        if self._train_end is not None:
            self._train_end(logs)

    def on_epoch_begin(self, epoch: int, logs: Logs) -> None:
        if self._epoch_begin is not None:
            self._epoch_begin(epoch, logs)

    def on_epoch_end(self, epoch: int, logs: Logs) -> None:
        if self._epoch_end is not None:
            self._epoch_end(epoch, logs)

    def on_batch_begin(self, batch: int, logs: Logs) -> None:
        if self._batch_begin is not None:
            self._batch_begin(batch, logs)

    def on_batch_end(self, batch: int, logs: Logs) -> None:
        if self._batch_end is not None:
            self._batch_end(batch, logs)
