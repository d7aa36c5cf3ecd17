"""Training resumed from a saved file matches uninterrupted training."""

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from microframe import Dense, ReLU, Sequential
from microframe.optimizers import SGD, Adagrad, Adam, AdamW, Nadam, Optimizer, RMSprop
from microframe.saving import load_model, save_model
from microframe.schedules import CosineDecay

FACTORIES: list[Callable[[], Optimizer]] = [
    lambda: SGD(0.05, momentum=0.9, nesterov=True, weight_decay=0.01, clipnorm=1.0),
    lambda: Adam(0.01, clipvalue=0.5),
    lambda: AdamW(0.01, weight_decay=0.1, global_clipnorm=1.0),
    lambda: RMSprop(0.01, momentum=0.5, centered=True),
    lambda: Adagrad(0.1),
    lambda: Nadam(0.01),
]


def build(optimizer: Optimizer) -> Sequential:
    model = Sequential([Dense(3, 4), ReLU(), Dense(4, 1)], seed=0, dtype=np.float64)
    model.compile(loss="mse", optimizer=optimizer)
    return model


@pytest.mark.parametrize("factory", FACTORIES)
def test_resume_after_save_is_exact(
    factory: Callable[[], Optimizer], tmp_path: Path
) -> None:
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(16, 3)), rng.normal(size=(16, 1))

    straight = build(factory())
    straight.fit(x, y, epochs=4, batch_size=4, verbose=0)

    interrupted = build(factory())
    interrupted.fit(x, y, epochs=2, batch_size=4, verbose=0)
    save_model(interrupted, tmp_path / "model.mf")
    resumed = load_model(tmp_path / "model.mf")
    resumed.fit(x, y, epochs=2, batch_size=4, verbose=0)

    for expected, actual in zip(straight.layers, resumed.layers, strict=True):
        for name in expected.params:
            np.testing.assert_array_equal(actual.params[name], expected.params[name])


def test_resume_with_schedule_is_exact(tmp_path: Path) -> None:
    rng = np.random.default_rng(1)
    x, y = rng.normal(size=(16, 3)), rng.normal(size=(16, 1))

    def schedule() -> CosineDecay:
        return CosineDecay(0.05, decay_steps=12, alpha=0.1, warmup_steps=4)

    straight = build(Adam(schedule()))
    straight.fit(x, y, epochs=4, batch_size=4, verbose=0)

    interrupted = build(Adam(schedule()))
    interrupted.fit(x, y, epochs=2, batch_size=4, verbose=0)
    save_model(interrupted, tmp_path / "model.mf")
    resumed = load_model(tmp_path / "model.mf")
    resumed.fit(x, y, epochs=2, batch_size=4, verbose=0)

    assert resumed.optimizer is not None
    assert isinstance(resumed.optimizer.learning_rate, CosineDecay)
    np.testing.assert_array_equal(
        resumed.layers[0].params["weight"], straight.layers[0].params["weight"]
    )
