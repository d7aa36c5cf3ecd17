"""fit's shortcuts still call what a subclass overrides."""

import numpy as np

import microframe as mf
from microframe.callbacks import Callback
from microframe.layers.base import Array


class CountingLoss(mf.HalfSquaredError):
    def __init__(self) -> None:
        super().__init__(reduction="sum")
        self.calls = 0

    def backward(self) -> Array:
        self.calls += 1
        return super().backward()


class BatchCounter(Callback):
    def __init__(self) -> None:
        super().__init__()
        self.begins = 0
        self.losses: list[float] = []

    def on_batch_begin(self, batch: int, logs: dict[str, float]) -> None:
        self.begins += 1

    def on_batch_end(self, batch: int, logs: dict[str, float]) -> None:
        self.losses.append(logs["loss"])


def small_model(loss: mf.Loss) -> mf.Sequential:
    model = mf.Sequential([mf.Dense(2, 1), mf.Sigmoid()], seed=0, dtype=np.float64)
    model.compile(loss=loss, optimizer=mf.SGD(0.1))
    return model


def test_overridden_loss_backward_is_called() -> None:
    loss = CountingLoss()
    model = small_model(loss)
    model.fit(np.ones((6, 2)), np.ones((6, 1)), batch_size=2, verbose=0)
    assert loss.calls == 3


def test_overridden_backward_gives_same_weights() -> None:
    x = np.arange(12.0).reshape(6, 2) / 10
    y = np.array([[0.0], [1.0], [0.0], [1.0], [1.0], [0.0]])
    plain = small_model(mf.HalfSquaredError(reduction="sum"))
    counted = small_model(CountingLoss())
    plain.fit(x, y, batch_size=2, epochs=2, shuffle=False, verbose=0)
    counted.fit(x, y, batch_size=2, epochs=2, shuffle=False, verbose=0)
    for a, b in zip(plain.layers, counted.layers, strict=True):
        for name in a.params:
            np.testing.assert_array_equal(a.params[name], b.params[name])


def test_unguarded_backward_equals_backward() -> None:
    loss = mf.HalfSquaredError()
    loss(np.array([[0.5], [1.0]]), np.array([[0.25], [2.0]]))
    np.testing.assert_array_equal(loss._backward_unguarded(), loss.backward())


def test_batch_hooks_run_when_overridden() -> None:
    counter = BatchCounter()
    model = small_model(mf.HalfSquaredError())
    model.fit(
        np.ones((5, 2)), np.ones((5, 1)), batch_size=2, callbacks=[counter], verbose=0
    )
    assert counter.begins == 3
    assert len(counter.losses) == 3
    assert all(np.isfinite(counter.losses))
