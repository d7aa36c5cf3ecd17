"""Train a small convolutional network on scikit-learn's 8x8 digits.

1797 grey images of handwritten digits, 8x8 pixels with values 0 to 16,
labelled 0 to 9. Images are scaled to [0, 1] and shaped channels-last,
(N, 8, 8, 1); a quarter is held out for testing. The script prints the
layer table, the mean wall-clock time of one training epoch and the test
accuracy.
"""

import time

import numpy as np
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from threadpoolctl import threadpool_limits

from microframe import (
    Adam,
    Callback,
    Conv2D,
    Dense,
    Flatten,
    MaxPool2D,
    ReLU,
    Sequential,
    Softmax,
)


class EpochTimer(Callback):
    """Record the wall-clock seconds of every epoch."""

    def __init__(self) -> None:
        super().__init__()
        self.seconds: list[float] = []
        self._start = 0.0

    def on_epoch_begin(self, epoch: int, logs: dict[str, float]) -> None:
        self._start = time.perf_counter()

    def on_epoch_end(self, epoch: int, logs: dict[str, float]) -> None:
        self.seconds.append(time.perf_counter() - self._start)


digits = load_digits()
images = (digits.images / 16.0).reshape(-1, 8, 8, 1)
x_train, x_test, y_train, y_test = train_test_split(
    images, digits.target, test_size=0.25, random_state=0, stratify=digits.target
)

model = Sequential(
    [
        Conv2D(1, 16, 3, padding="same"),
        ReLU(),
        MaxPool2D(2),
        Conv2D(16, 32, 3, padding="same"),
        ReLU(),
        MaxPool2D(2),
        Flatten(),
        Dense(2 * 2 * 32, 10),
        Softmax(),
    ],
    seed=0,
)
model.compile(
    loss="sparse_categorical_crossentropy",
    optimizer=Adam(learning_rate=0.005),
    metrics=["accuracy"],
)
print(model.summary(input_shape=(None, 8, 8, 1)))

timer = EpochTimer()
# The matrix products here are small (the largest multiplies 1024 x 144 by
# 144 x 32), so BLAS threads cost more in hand-offs than they save. On two
# cores with a load average of about 5, an epoch took 0.94 s with two BLAS
# threads and 0.09 s with one.
with threadpool_limits(limits=1, user_api="blas"):
    history = model.fit(
        x_train, y_train, epochs=15, batch_size=64, verbose=0, callbacks=[timer]
    )
    results = model.evaluate(x_test, y_test)

print(f"final training loss: {history.history['loss'][-1]:.4f}")
print(f"mean epoch time: {np.mean(timer.seconds):.3f} s")
print(f"test accuracy: {results['accuracy']:.3f}")
