"""Progress output for each verbose level, and History.plot."""

import io
import sys
from pathlib import Path

import numpy as np
import pytest

from microframe import SGD, Dense, Sequential, Sigmoid
from microframe.callbacks import History, ProgressBar
from microframe.callbacks.progress import format_duration
from microframe.errors import MissingDependencyError, NotFittedError


class TerminalStream(io.StringIO):
    def isatty(self) -> bool:
        return True


def trained(callbacks: list[ProgressBar], verbose: int = 0) -> History:
    rng = np.random.default_rng(0)
    x = rng.normal(size=(10, 2))
    y = (x[:, 0] > 0).astype(np.float64)
    model = Sequential([Dense(2, 1), Sigmoid()], seed=0)
    model.compile(loss="binary_crossentropy", optimizer=SGD(0.1), metrics=["accuracy"])
    return model.fit(
        x,
        y,
        epochs=2,
        batch_size=4,
        validation_split=0.2,
        verbose=verbose,
        callbacks=callbacks,
    )


def test_builtin_bar_one_line_per_epoch() -> None:
    stream = io.StringIO()
    trained([ProgressBar(stream=stream, use_tqdm=False)])
    lines = stream.getvalue().splitlines()
    assert len(lines) == 2
    assert lines[0].startswith("Epoch 1/2 2/2 [" + "=" * 30 + "] 0:00<0:00 - loss: ")
    assert "accuracy: " in lines[1]
    assert "val_loss: " in lines[1]


def test_builtin_bar_redraws_on_terminal() -> None:
    stream = TerminalStream()
    trained([ProgressBar(stream=stream, use_tqdm=False, interval=0.0)])
    text = stream.getvalue()
    assert "\rEpoch 1/2 1/2 [" + "=" * 15 + ">" in text
    assert text.count("\n") == 2


def test_tqdm_bar_shows_epoch_and_logs() -> None:
    pytest.importorskip("tqdm")
    stream = io.StringIO()
    trained([ProgressBar(stream=stream, use_tqdm=True)])
    text = stream.getvalue()
    assert "Epoch 1/2" in text
    assert "Epoch 2/2" in text
    assert "val_accuracy: " in text


def test_verbose_one_shows_bar(capsys: pytest.CaptureFixture[str]) -> None:
    trained([], verbose=1)
    assert "Epoch 2/2" in capsys.readouterr().out


def test_verbose_two_one_line_per_epoch(capsys: pytest.CaptureFixture[str]) -> None:
    trained([], verbose=2)
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2
    assert lines[1].startswith("Epoch 2/2 - ")


def test_verbose_zero_prints_nothing(capsys: pytest.CaptureFixture[str]) -> None:
    trained([], verbose=0)
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == ""


@pytest.mark.parametrize(
    ("seconds", "text"), [(0.4, "0:00"), (65, "1:05"), (3725, "1:02:05")]
)
def test_format_duration(seconds: float, text: str) -> None:
    assert format_duration(seconds) == text


def test_history_plot_writes_png(tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    history = trained([])
    path = history.plot(tmp_path / "curves" / "history.png")
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_history_plot_without_matplotlib(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib.figure", None)
    history = trained([])
    with pytest.raises(MissingDependencyError, match=r"pip install microframe\[plot\]"):
        history.plot(tmp_path / "history.png")


def test_missing_dependency_is_import_error() -> None:
    assert issubclass(MissingDependencyError, ImportError)


def test_history_plot_empty(tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    with pytest.raises(NotFittedError, match="no epochs"):
        History().plot(tmp_path / "history.png")
