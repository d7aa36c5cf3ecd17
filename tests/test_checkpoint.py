from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from saving_helpers import trained_model, xor_data

from microframe import Sequential, load_model
from microframe.callbacks import ModelCheckpoint
from microframe.errors import ConfigurationError


def attached(callback: ModelCheckpoint) -> Sequential:
    model = trained_model()
    callback.set_model(model)
    callback.on_train_begin({})
    return model


def test_every_epoch_fills_epoch(tmp_path: Path) -> None:
    model = trained_model(epochs=0)
    pattern = str(tmp_path / "ckpt-{epoch:02d}.mfz")
    x, y = xor_data()
    model.fit(x, y, epochs=3, verbose=0, callbacks=[ModelCheckpoint(pattern)])
    names = sorted(path.name for path in tmp_path.iterdir())
    assert names == ["ckpt-01.mfz", "ckpt-02.mfz", "ckpt-03.mfz"]
    assert load_model(tmp_path / "ckpt-02.mfz").epochs_trained == 2


def test_best_only_minimum(tmp_path: Path) -> None:
    callback = ModelCheckpoint(
        str(tmp_path / "best-{epoch}.mfz"), monitor="val_loss", save_best_only=True
    )
    attached(callback)
    for epoch, value in enumerate([0.5, 0.7, 0.3, 0.3]):
        callback.on_epoch_end(epoch, {"val_loss": value})
    names = sorted(path.name for path in tmp_path.iterdir())
    assert names == ["best-1.mfz", "best-3.mfz"]
    assert callback.best == 0.3
    assert callback.last_saved == str(tmp_path / "best-3.mfz")


def test_best_only_auto_maximizes_accuracy(tmp_path: Path) -> None:
    callback = ModelCheckpoint(
        str(tmp_path / "best-{epoch}.mfz"), monitor="val_accuracy", save_best_only=True
    )
    attached(callback)
    for epoch, value in enumerate([0.5, 0.4, 0.9]):
        callback.on_epoch_end(epoch, {"val_accuracy": value})
    names = sorted(path.name for path in tmp_path.iterdir())
    assert names == ["best-1.mfz", "best-3.mfz"]


def test_mode_max_overwrites_one_file(tmp_path: Path) -> None:
    callback = ModelCheckpoint(
        tmp_path / "best.mfz", monitor="score", mode="max", save_best_only=True
    )
    model = attached(callback)
    callback.on_epoch_end(0, {"score": 1.0})
    model.layers[0].params["weight"] = np.zeros((2, 4))
    callback.on_epoch_end(1, {"score": 0.5})
    assert load_model(tmp_path / "best.mfz").layers[0].params["weight"].any()


def test_missing_monitor_warns_once(tmp_path: Path) -> None:
    callback = ModelCheckpoint(tmp_path / "best.mfz", save_best_only=True)
    attached(callback)
    with pytest.warns(UserWarning, match="no value for 'val_loss'"):
        callback.on_epoch_end(0, {"loss": 0.2})
    callback.on_epoch_end(1, {"loss": 0.1})
    assert list(tmp_path.iterdir()) == []


def test_weights_only(tmp_path: Path) -> None:
    callback = ModelCheckpoint(tmp_path / "w.mfz", save_weights_only=True)
    model = attached(callback)
    callback.on_epoch_end(0, {"loss": 0.2})
    fresh = trained_model(epochs=0)
    fresh.load_weights(tmp_path / "w.mfz")
    np.testing.assert_array_equal(
        fresh.layers[0].params["weight"], model.layers[0].params["weight"]
    )


def test_unknown_path_field(tmp_path: Path) -> None:
    callback = ModelCheckpoint(str(tmp_path / "{val_auc}.mfz"))
    attached(callback)
    with pytest.raises(ConfigurationError, match="cannot fill in the path"):
        callback.on_epoch_end(0, {"loss": 0.2})


def test_invalid_mode() -> None:
    with pytest.raises(ConfigurationError, match="mode must be one of"):
        ModelCheckpoint("m.mfz", mode="lowest")


def test_best_kept_across_fit_calls(tmp_path: Path) -> None:
    callback = ModelCheckpoint(
        str(tmp_path / "best-{epoch}.mfz"), monitor="score", save_best_only=True
    )
    attached(callback)
    callback.on_epoch_end(0, {"score": 0.3})
    callback.on_train_begin({})
    callback.on_epoch_end(1, {"score": 0.5})
    assert [path.name for path in tmp_path.iterdir()] == ["best-1.mfz"]


@pytest.mark.parametrize(
    ("monitor", "expected_best"),
    [("val_auc", -math.inf), ("val_r2", -math.inf), ("val_loss", math.inf)],
)
def test_checkpoint_auto_mode_matches_early_stopping(
    monitor: str, expected_best: float, tmp_path: Path
) -> None:
    checkpoint = ModelCheckpoint(tmp_path / "model.mfz", monitor=monitor)
    assert checkpoint.best == expected_best
