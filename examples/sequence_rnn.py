"""Train an LSTM to tell whether a random sequence sums to a positive number.

Each sample is 20 steps of standard normal noise, one feature per step,
shaped (N, T, D) = (N, 20, 1). The label is 1 when the sum is positive. No
single step decides it, so the network must carry a running total in its
state. The script prints the test accuracy on sequences it never saw.
"""

import numpy as np

from microframe import LSTM, Adam, Dense, Sequential, Sigmoid

STEPS = 20
rng = np.random.default_rng(0)
x = rng.standard_normal((3000, STEPS, 1))
y = (x.sum(axis=(1, 2)) > 0).astype(int)
x_train, y_train = x[:2400], y[:2400]
x_test, y_test = x[2400:], y[2400:]

model = Sequential([LSTM(1, 16), Dense(16, 1), Sigmoid()], seed=0)
model.compile(
    loss="binary_crossentropy",
    optimizer=Adam(learning_rate=0.01),
    metrics=["accuracy"],
)
print(model.summary(input_shape=(None, STEPS, 1)))

history = model.fit(x_train, y_train, epochs=20, batch_size=32, verbose=0)
results = model.evaluate(x_test, y_test)

print(f"final training loss: {history.history['loss'][-1]:.4f}")
print(f"test accuracy: {results['accuracy']:.3f}")
