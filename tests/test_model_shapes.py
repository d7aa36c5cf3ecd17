"""Sequential with layers that have no ``in_features``: metrics and summary."""

import numpy as np

from microframe import (
    LSTM,
    Conv2D,
    Dense,
    Embedding,
    Flatten,
    MaxPool2D,
    Sequential,
    Softmax,
)
from microframe.metrics import SparseCategoricalAccuracy


def conv_model() -> Sequential:
    return Sequential(
        [Conv2D(1, 2, 3), MaxPool2D(2), Flatten(), Dense(8, 3), Softmax()], seed=0
    )


def test_conv_model_picks_sparse_accuracy() -> None:
    model = conv_model()
    model.compile(
        loss="sparse_categorical_crossentropy", optimizer="adam", metrics=["accuracy"]
    )
    x = np.random.default_rng(0).random((6, 6, 6, 1))
    resolved = model._resolve_metrics(np.array([0, 1, 2, 0, 1, 2]), x.shape)
    assert isinstance(resolved[0], SparseCategoricalAccuracy)


def test_conv_model_evaluate_accuracy() -> None:
    model = conv_model()
    model.compile(
        loss="sparse_categorical_crossentropy", optimizer="adam", metrics=["accuracy"]
    )
    x = np.random.default_rng(0).random((30, 6, 6, 1))
    labels = np.random.default_rng(1).integers(0, 3, 30)
    expected = float((model.predict(x).argmax(axis=1) == labels).mean())
    assert model.evaluate(x, labels)["accuracy"] == expected


def test_summary_with_input_shape() -> None:
    table = conv_model().summary(input_shape=(None, 6, 6, 1))
    assert "(N, 4, 4, 2)" in table
    assert "(N, 2, 2, 2)" in table
    assert "(N, 8)" in table


def test_summary_without_input_shape() -> None:
    table = conv_model().summary()
    assert "(N, 4, 4, 2)" not in table
    assert "?" in table


def test_embedding_lstm_summary() -> None:
    model = Sequential([Embedding(10, 4), LSTM(4, 5), Dense(5, 2)])
    table = model.summary(input_shape=(None, 7))
    assert "(N, 7, 4)" in table
    assert "(N, 5)" in table
    assert "(N, 2)" in table
