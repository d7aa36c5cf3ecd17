"""Train a small sigmoid network on scikit-learn's breast-cancer data.

569 tumours with 30 features each, labelled malignant (0) or benign (1).
The features are standardised with statistics of the training part only.
"""

import numpy as np
from sklearn.datasets import load_breast_cancer
from sklearn.model_selection import train_test_split

from microframe import Adam, BinaryCrossEntropy, Dense, Sequential, Sigmoid

x, y = load_breast_cancer(return_X_y=True)
x_train, x_test, y_train, y_test = train_test_split(
    x, y, test_size=0.25, random_state=0, stratify=y
)
mean, std = x_train.mean(axis=0), x_train.std(axis=0)
x_train = (x_train - mean) / std
x_test = (x_test - mean) / std

model = Sequential(
    [Dense(30, 16), Sigmoid(), Dense(16, 1), Sigmoid()],
    seed=0,
)
model.compile(
    loss=BinaryCrossEntropy(), optimizer=Adam(learning_rate=0.003), metrics=["accuracy"]
)
history = model.fit(
    x_train, y_train, epochs=20, batch_size=32, validation_split=0.1, verbose=0
)
results = model.evaluate(x_test, y_test)

print(f"final training loss: {history.history['loss'][-1]:.4f}")
print(f"test loss: {results['loss']:.4f}")
print(f"test accuracy: {results['accuracy']:.3f}")
predicted = (model.predict(x_test[:5]) > 0.5).astype(int).ravel()
print("first five predictions:", predicted, "true labels:", np.asarray(y_test[:5]))
