"""``CSVLogger``: one row of loss and metrics per epoch in a CSV file."""

from __future__ import annotations

import csv
import os
from pathlib import Path
from typing import IO

from microframe.callbacks.base import Callback, Logs


class CSVLogger(Callback):
    """Write ``epoch`` and every logged value to a CSV file, one row per epoch.

    The columns are those of the first epoch's logs; a later epoch without
    one of them leaves the cell empty. Each row is flushed as it is
    written, so the file is readable while training runs.

    Args:
        filename: path of the CSV file.
        separator: field delimiter.
        append: add rows to an existing file instead of replacing it; the
            header is written only when the file is new or empty.
    """

    def __init__(
        self,
        filename: str | os.PathLike[str],
        separator: str = ",",
        append: bool = False,
    ) -> None:
        super().__init__()
        self.filename = Path(filename)
        self.separator = separator
        self.append = bool(append)
        self._file: IO[str] | None = None
        self._writer: csv.DictWriter[str] | None = None
        self._write_header = True

    def __repr__(self) -> str:
        return f"CSVLogger(filename={str(self.filename)!r}, append={self.append})"

    def on_train_begin(self, logs: Logs) -> None:
        exists = self.filename.exists() and self.filename.stat().st_size > 0
        self._write_header = not (self.append and exists)
        self._file = self.filename.open("a" if self.append else "w", newline="")
        self._writer = None

    def on_epoch_end(self, epoch: int, logs: Logs) -> None:
        if self._file is None:
            return
        if self._writer is None:
            self._writer = csv.DictWriter(
                self._file,
                fieldnames=["epoch", *logs],
                delimiter=self.separator,
                extrasaction="ignore",
            )
            if self._write_header:
                self._writer.writeheader()
        self._writer.writerow({"epoch": epoch, **logs})
        self._file.flush()

    def on_train_end(self, logs: Logs) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None
