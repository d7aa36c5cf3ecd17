"""Train on the breast-cancer data, export to ONNX and run it in onnxruntime.

The script prints the largest absolute difference between microframe's
predictions and onnxruntime's on the test set. Needs the extras:
``pip install "microframe[onnx,examples]"``.
"""

import tempfile
from pathlib import Path

import numpy as np
import onnxruntime
from sklearn.datasets import load_breast_cancer
from sklearn.model_selection import train_test_split

import microframe.onnx
from microframe import (
    Adam,
    BinaryCrossEntropy,
    Dense,
    Dropout,
    ReLU,
    Sequential,
    Sigmoid,
)

x, y = load_breast_cancer(return_X_y=True)
x_train, x_test, y_train, y_test = train_test_split(
    x, y, test_size=0.25, random_state=0, stratify=y
)
mean, std = x_train.mean(axis=0), x_train.std(axis=0)
x_train = (x_train - mean) / std
x_test = ((x_test - mean) / std).astype(np.float32)

model = Sequential(
    [Dense(30, 16), ReLU(), Dropout(0.2), Dense(16, 1), Sigmoid()], seed=0
)
model.compile(loss=BinaryCrossEntropy(), optimizer=Adam(0.003), metrics=["accuracy"])
model.fit(x_train, y_train, epochs=20, batch_size=32, verbose=0)
print(f"test accuracy: {model.evaluate(x_test, y_test)['accuracy']:.3f}")

with tempfile.TemporaryDirectory() as folder:
    path = Path(folder) / "breast_cancer.onnx"
    microframe.onnx.export(model, path, input_shape=(30,))
    print(f"wrote {path.name}: {path.stat().st_size} bytes")
    session = onnxruntime.InferenceSession(
        str(path), providers=["CPUExecutionProvider"]
    )
    (onnx_output,) = session.run(None, {"input": x_test})

difference = np.abs(onnx_output - model.predict(x_test)).max()
print(f"max abs difference: {difference:.1e}")
