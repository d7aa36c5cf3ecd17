"""EarlyStopping, TerminateOnNaN, CSVLogger, LambdaCallback, ReduceLROnPlateau."""

import csv
import math
from pathlib import Path

import numpy as np
import pytest

from microframe import SGD, Dense, Sequential, Sigmoid
from microframe.callbacks import (
    CSVLogger,
    EarlyStopping,
    LambdaCallback,
    ReduceLROnPlateau,
    TerminateOnNaN,
)
from microframe.errors import ConfigurationError, NonFiniteLossError
from microframe.schedules import StepDecay


def tiny_model() -> Sequential:
    model = Sequential([Dense(1, 1)], seed=0)
    model.compile(loss="mse", optimizer=SGD(learning_rate=0.1))
    return model


def replay(callback: EarlyStopping, values: list[float]) -> Sequential:
    """Feed ``values`` as val_loss, one per epoch, with weight = epoch index."""
    model = tiny_model()
    callback.set_model(model)
    callback.on_train_begin({})
    for epoch, value in enumerate(values):
        model.layers[0].params["weight"] = np.array([[float(epoch)]])
        callback.on_epoch_end(epoch, {"val_loss": value})
        if model.stop_training:
            break
    callback.on_train_end({})
    return model


def weight_of(model: Sequential) -> float:
    return float(model.layers[0].params["weight"][0, 0])


def test_early_stopping_stops_after_patience() -> None:
    callback = EarlyStopping(patience=2)
    replay(callback, [3.0, 2.0, 2.5, 2.4, 1.0])
    assert callback.stopped_epoch == 3
    assert callback.best_epoch == 1


def test_early_stopping_restores_best_when_stopped() -> None:
    model = replay(EarlyStopping(patience=1), [3.0, 2.0, 2.5, 1.0])
    assert weight_of(model) == 1.0


def test_early_stopping_restores_best_without_stop() -> None:
    callback = EarlyStopping(patience=10)
    model = replay(callback, [3.0, 1.0, 2.0, 2.5])
    assert callback.stopped_epoch is None
    assert weight_of(model) == 1.0


def test_early_stopping_nan_never_improves() -> None:
    callback = EarlyStopping(patience=2)
    model = replay(callback, [1.0, math.nan, math.nan, 0.5])
    assert callback.stopped_epoch == 2
    assert weight_of(model) == 0.0


def test_early_stopping_nan_first_epoch() -> None:
    callback = EarlyStopping(patience=3)
    model = replay(callback, [math.nan, 2.0, 1.0])
    assert callback.best_epoch == 2
    assert weight_of(model) == 2.0


def test_early_stopping_min_delta() -> None:
    callback = EarlyStopping(patience=1, min_delta=0.5)
    replay(callback, [3.0, 2.8, 1.0])
    assert callback.stopped_epoch == 1


def test_early_stopping_without_restore() -> None:
    model = replay(
        EarlyStopping(patience=1, restore_best_weights=False), [1.0, 2.0, 3.0]
    )
    assert weight_of(model) == 1.0  # the last epoch's weight, not the best


def test_early_stopping_auto_mode_maximises_accuracy() -> None:
    assert EarlyStopping(monitor="val_accuracy").monitor.mode == "max"
    assert EarlyStopping(monitor="val_mae").monitor.mode == "min"


def test_early_stopping_missing_key_lists_keys() -> None:
    callback = EarlyStopping(monitor="val_loss")
    callback.set_model(tiny_model())
    callback.on_train_begin({})
    with pytest.raises(ConfigurationError, match=r"\['loss'\]"):
        callback.on_epoch_end(0, {"loss": 1.0})


def test_early_stopping_rejects_bad_mode() -> None:
    with pytest.raises(ConfigurationError, match="mode"):
        EarlyStopping(mode="biggest")


def test_early_stopping_in_fit() -> None:
    x = np.linspace(-1, 1, 20).reshape(-1, 1)
    y = 2 * x
    model = tiny_model()
    stopper = EarlyStopping(monitor="loss", patience=0, min_delta=10.0)
    history = model.fit(x, y, epochs=5, verbose=0, callbacks=[stopper])
    assert len(history.epoch) == 2
    assert stopper.stopped_epoch == 1


def nan_data() -> tuple[np.ndarray, np.ndarray]:
    return np.array([[1.0], [2.0]]), np.array([[1.0], [2.0]])


def test_terminate_on_nan_default_names_batch() -> None:
    x, y = nan_data()
    model = Sequential([Dense(1, 1)], seed=0)
    model.compile(loss="mse", optimizer=SGD(learning_rate=1e30))
    with pytest.raises(NonFiniteLossError, match=r"at epoch 1, batch 2"):
        model.fit(x, y, epochs=3, batch_size=1, shuffle=False, verbose=0)
    assert np.all(np.isfinite(model.layers[0].params["weight"]))


def test_terminate_on_nan_off_keeps_training() -> None:
    x, y = nan_data()
    model = Sequential([Dense(1, 1)], seed=0)
    model.compile(loss="mse", optimizer=SGD(learning_rate=1e30))
    history = model.fit(x, y, epochs=2, batch_size=1, verbose=0, terminate_on_nan=False)
    assert len(history.epoch) == 2
    assert not np.isfinite(history.history["loss"][-1])


def test_terminate_on_nan_hook_raises() -> None:
    with pytest.raises(NonFiniteLossError, match="epoch 3, batch 5"):
        TerminateOnNaN().on_nonfinite_loss(2, 4, math.inf)


def test_csv_logger_rows(tmp_path: Path) -> None:
    path = tmp_path / "log.csv"
    x = np.linspace(-1, 1, 8).reshape(-1, 1)
    model = tiny_model()
    model.fit(x, x, epochs=3, verbose=0, callbacks=[CSVLogger(path)])
    with path.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [row["epoch"] for row in rows] == ["0", "1", "2"]
    assert list(rows[0]) == ["epoch", "loss"]


def test_csv_logger_append_keeps_header_once(tmp_path: Path) -> None:
    path = tmp_path / "log.csv"
    x = np.linspace(-1, 1, 8).reshape(-1, 1)
    model = tiny_model()
    model.fit(x, x, epochs=1, verbose=0, callbacks=[CSVLogger(path)])
    model.fit(x, x, epochs=1, verbose=0, callbacks=[CSVLogger(path, append=True)])
    lines = path.read_text().splitlines()
    assert len(lines) == 3
    assert lines[2].startswith("1,")


def test_lambda_callback_calls_hooks() -> None:
    seen: list[str] = []
    callback = LambdaCallback(
        on_train_begin=lambda logs: seen.append("train_begin"),
        on_epoch_end=lambda epoch, logs: seen.append(f"epoch_end {epoch}"),
        on_batch_end=lambda batch, logs: seen.append(f"batch_end {batch}"),
        on_train_end=lambda logs: seen.append("train_end"),
    )
    x = np.zeros((3, 1))
    tiny_model().fit(x, x, epochs=1, batch_size=2, verbose=0, callbacks=[callback])
    assert seen == [
        "train_begin",
        "batch_end 0",
        "batch_end 1",
        "epoch_end 0",
        "train_end",
    ]


def test_fit_rejects_non_callback() -> None:
    x = np.zeros((3, 1))
    with pytest.raises(TypeError, match="LambdaCallback"):
        tiny_model().fit(x, x, verbose=0, callbacks=[print])  # type: ignore[list-item]


def test_reduce_lr_after_patience() -> None:
    model = tiny_model()
    callback = ReduceLROnPlateau(monitor="loss", factor=0.5, patience=2, min_delta=0.0)
    callback.set_model(model)
    callback.on_train_begin({})
    rates = []
    for epoch, value in enumerate([1.0, 1.0, 1.0, 0.5, 0.6, 0.7]):
        callback.on_epoch_end(epoch, {"loss": value})
        assert model.optimizer is not None
        rates.append(model.optimizer.learning_rate)
    assert rates == pytest.approx([0.1, 0.1, 0.05, 0.05, 0.05, 0.025])


def test_reduce_lr_cooldown_and_floor() -> None:
    model = tiny_model()
    callback = ReduceLROnPlateau(
        monitor="loss", factor=0.1, patience=1, cooldown=1, min_lr=0.005
    )
    callback.set_model(model)
    callback.on_train_begin({})
    rates = []
    for epoch, value in enumerate([1.0, 2.0, 2.0, 2.0, 2.0]):
        callback.on_epoch_end(epoch, {"loss": value})
        assert model.optimizer is not None
        rates.append(model.optimizer.learning_rate)
    # Reduce at epoch 1, skip epoch 2 (cooldown), reduce to the floor at 3.
    assert rates == pytest.approx([0.1, 0.01, 0.01, 0.005, 0.005])


def test_reduce_lr_rejects_schedule() -> None:
    model = Sequential([Dense(1, 1)], seed=0)
    model.compile(loss="mse", optimizer=SGD(learning_rate=StepDecay(0.1, 10)))
    callback = ReduceLROnPlateau()
    callback.set_model(model)
    with pytest.raises(ConfigurationError, match="schedule"):
        callback.on_train_begin({})


def test_reduce_lr_rejects_bad_factor() -> None:
    with pytest.raises(ConfigurationError, match="factor"):
        ReduceLROnPlateau(factor=1.0)


def test_binary_model_history_has_val_metrics() -> None:
    rng = np.random.default_rng(0)
    x = rng.normal(size=(40, 2))
    y = (x[:, 0] > 0).astype(np.float64)
    model = Sequential([Dense(2, 1), Sigmoid()], seed=0)
    model.compile(
        loss="binary_crossentropy",
        optimizer="adam",
        metrics=["accuracy", "precision", "recall", "f1", "auc"],
    )
    history = model.fit(x, y, epochs=2, validation_split=0.25, verbose=0)
    for name in ["accuracy", "precision", "recall", "f1", "auc"]:
        assert len(history.history[name]) == 2
        assert len(history.history[f"val_{name}"]) == 2


class CountingLayer(Dense):
    """A Dense layer with a non-trainable counter exposed through get_state."""

    def __init__(self) -> None:
        super().__init__(1, 1)
        self.counter = np.zeros(1)

    def get_state(self) -> dict[str, np.ndarray]:
        return {"counter": self.counter.copy()}

    def set_state(self, state: dict[str, np.ndarray]) -> None:
        self.counter = state["counter"].copy()


def test_early_stopping_restores_layer_state() -> None:
    layer = CountingLayer()
    model = Sequential([layer], seed=0)
    model.compile(loss="mse", optimizer=SGD(learning_rate=0.1))
    callback = EarlyStopping(patience=5)
    callback.set_model(model)
    callback.on_train_begin({})
    for epoch, value in enumerate([2.0, 1.0, 3.0]):
        layer.counter = np.array([float(epoch)])
        callback.on_epoch_end(epoch, {"val_loss": value})
    callback.on_train_end({})
    assert layer.counter[0] == 1.0


def test_metrics_with_same_name_rejected() -> None:
    x = np.zeros((4, 1))
    model = Sequential([Dense(1, 1), Sigmoid()], seed=0)
    model.compile(
        loss="binary_crossentropy",
        optimizer="sgd",
        metrics=["accuracy", "binary_accuracy"],
    )
    with pytest.raises(ConfigurationError, match="'accuracy'"):
        model.fit(x, np.zeros(4), verbose=0)


def test_verbose_true_means_one(capsys: pytest.CaptureFixture[str]) -> None:
    x = np.zeros((4, 1))
    tiny_model().fit(x, x, epochs=1, verbose=True)
    assert "Epoch 1/1" in capsys.readouterr().out
