"""``ProgressBar``: epoch, batch, loss, metrics, elapsed and remaining time."""

from __future__ import annotations

import sys
import time
from typing import Any

from microframe.callbacks.base import Callback, Logs

try:  # tqdm is optional: the ``progress`` extra installs it.
    from tqdm import tqdm as _tqdm
except ImportError:  # pragma: no cover - depends on the environment
    _tqdm = None


def format_duration(seconds: float) -> str:
    """Return ``seconds`` as ``m:ss``, or ``h:mm:ss`` from one hour on."""
    whole = round(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}:{minutes:02d}:{secs:02d}"
    return f"{minutes}:{secs:02d}"


def format_logs(logs: Logs) -> str:
    """Return ``"loss: 0.1234 - accuracy: 0.9000"`` for ``logs``."""
    return " - ".join(f"{key}: {value:.4f}" for key, value in logs.items())


class ProgressBar(Callback):
    """A progress bar per epoch, used by ``fit(verbose=1)``.

    During an epoch it shows the batch count, the running loss (the mean
    over the batches so far, weighted by batch size) and the running
    training metrics, with the elapsed and estimated remaining time. At the
    end of the epoch it shows the epoch's loss, metrics and validation
    results.

    It draws with tqdm when tqdm is installed and ``use_tqdm`` allows it.
    Otherwise it draws its own bar, redrawn in place on a terminal and
    written once per epoch, when complete, to a stream that is not a
    terminal (a file or a notebook log).

    Args:
        stream: where to write; ``sys.stdout`` when omitted.
        use_tqdm: ``True`` to require tqdm, ``False`` for the built-in
            bar, ``None`` to use tqdm when it is installed.
        width: characters of the built-in bar.
        interval: minimum seconds between redraws.
    """

    def __init__(
        self,
        stream: Any = None,
        use_tqdm: bool | None = None,
        width: int = 30,
        interval: float = 0.1,
    ) -> None:
        super().__init__()
        if use_tqdm and _tqdm is None:
            from microframe.errors import MissingDependencyError

            raise MissingDependencyError(
                "ProgressBar: use_tqdm=True but tqdm is not installed; install "
                "it with `pip install microframe[progress]` or pass "
                "use_tqdm=False."
            )
        self.stream = stream if stream is not None else sys.stdout
        self.use_tqdm = _tqdm is not None if use_tqdm is None else use_tqdm
        self.width = width
        self.interval = interval
        self._bar: Any = None
        self._start = 0.0
        self._last_draw = 0.0
        self._loss_sum = 0.0
        self._seen = 0
        self._epoch = 0

    def _running_logs(self) -> Logs:
        logs = {"loss": self._loss_sum / max(self._seen, 1)}
        for metric in self.params.get("metrics", []):
            logs[metric.name] = metric.result()
        return logs

    def on_epoch_begin(self, epoch: int, logs: Logs) -> None:
        self._epoch = epoch
        self._start = time.perf_counter()
        self._last_draw = self._start
        self._loss_sum = 0.0
        self._seen = 0
        if self.use_tqdm:
            assert _tqdm is not None
            self._bar = _tqdm(
                total=self.params.get("steps"),
                desc=self._title(),
                unit="batch",
                file=self.stream,
                mininterval=self.interval,
                leave=True,
            )

    def _title(self) -> str:
        return f"Epoch {self._epoch + 1}/{self.params.get('epochs', '?')}"

    def on_batch_end(self, batch: int, logs: Logs) -> None:
        samples = int(self.params.get("samples", 0))
        batch_size = int(self.params.get("batch_size", 1))
        rows = max(min(batch_size, samples - batch * batch_size), 1)
        self._loss_sum += float(logs.get("loss", 0.0)) * rows
        self._seen += rows
        now = time.perf_counter()
        if now - self._last_draw < self.interval:
            if self._bar is not None:
                self._bar.update(1)
            return
        self._last_draw = now
        if self._bar is not None:
            self._bar.set_postfix_str(format_logs(self._running_logs()), refresh=False)
            self._bar.update(1)
        elif self._is_terminal():
            self.stream.write("\r" + self._line(batch + 1, self._running_logs()))
            self.stream.flush()

    def on_epoch_end(self, epoch: int, logs: Logs) -> None:
        if self._bar is not None:
            self._bar.set_postfix_str(format_logs(logs), refresh=False)
            self._bar.close()
            self._bar = None
            return
        steps = int(self.params.get("steps", 0))
        prefix = "\r" if self._is_terminal() else ""
        self.stream.write(prefix + self._line(steps, logs) + "\n")
        self.stream.flush()

    def on_train_end(self, logs: Logs) -> None:
        if self._bar is not None:  # training ended inside an epoch
            self._bar.close()
            self._bar = None

    def _is_terminal(self) -> bool:
        isatty = getattr(self.stream, "isatty", None)
        return bool(isatty()) if isatty is not None else False

    def _line(self, done: int, logs: Logs) -> str:
        steps = max(int(self.params.get("steps", 0)), 1)
        elapsed = time.perf_counter() - self._start
        remaining = elapsed / max(done, 1) * (steps - done)
        filled = self.width * done // steps
        arrow = ">" if filled < self.width else ""
        bar = "=" * filled + arrow + "." * (self.width - filled - len(arrow))
        return (
            f"{self._title()} {done}/{steps} [{bar}] "
            f"{format_duration(elapsed)}<{format_duration(remaining)} - "
            f"{format_logs(logs)}"
        )
