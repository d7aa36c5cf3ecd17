"""Train a Dense network with Dropout on scikit-learn's bundled digits.

1,797 images of 8x8 pixels (64 features, values 0-16), ten classes. The
network uses Adam with a cosine learning-rate schedule, stops early on the
validation loss (restoring the best weights), shows a progress bar and
saves a plot of its training curves.

Usage: python examples/digits_mlp.py [PLOT_PATH]
The plot goes to docs/_static/digits_mlp_history.png unless a path is given.
"""

import math
import sys

import numpy as np
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

from microframe import (
    Adam,
    Dense,
    Dropout,
    EarlyStopping,
    ReLU,
    Sequential,
    Softmax,
)
from microframe.schedules import CosineDecay

EPOCHS = 60
BATCH_SIZE = 32

plot_path = sys.argv[1] if len(sys.argv) > 1 else "docs/_static/digits_mlp_history.png"

x, y = load_digits(return_X_y=True)
x_train, x_test, y_train, y_test = train_test_split(
    x / 16.0, y, test_size=0.25, random_state=0, stratify=y
)

model = Sequential(
    [
        Dense(64, 256),
        ReLU(),
        Dropout(0.2),
        Dense(256, 64),
        ReLU(),
        Dropout(0.2),
        Dense(64, 10),
        Softmax(),
    ],
    seed=0,
)
# The schedule counts optimizer steps (batches): warm up for one epoch,
# then decay over the remaining ones.
steps_per_epoch = math.ceil(len(x_train) * 0.9 / BATCH_SIZE)
schedule = CosineDecay(
    0.003,
    decay_steps=(EPOCHS - 1) * steps_per_epoch,
    alpha=0.05,
    warmup_steps=steps_per_epoch,
)
model.compile(
    loss="sparse_categorical_crossentropy",
    optimizer=Adam(learning_rate=schedule),
    metrics=["accuracy"],
)
stopper = EarlyStopping(monitor="val_loss", patience=10)
history = model.fit(
    x_train,
    y_train,
    epochs=EPOCHS,
    batch_size=BATCH_SIZE,
    validation_split=0.1,
    validation_stratify=True,
    callbacks=[stopper],
    verbose=1,
)
results = model.evaluate(x_test, y_test)

best_epoch = "none" if stopper.best_epoch is None else stopper.best_epoch + 1
print(f"epochs run: {len(history.epoch)}, best epoch: {best_epoch}")
print(f"test loss: {results['loss']:.4f}")
print(f"test accuracy: {results['accuracy']:.3f}")
print("first ten predictions:", np.argmax(model.predict(x_test[:10]), axis=1))
print("true labels:          ", y_test[:10])
print(f"history plot: {history.plot(plot_path)}")
