"""sample_weight and class_weight for any target rank; validation splits."""

import numpy as np
import pytest

from microframe import SGD, Dense, Sequential, Sigmoid, Softmax
from microframe.errors import ConfigurationError, ShapeError
from microframe.training import split_validation


def sequence_model() -> Sequential:
    model = Sequential([Dense(3, 1)], seed=0, dtype=np.float64)
    model.compile(loss="mse", optimizer=SGD(learning_rate=0.05))
    return model


def sequence_data() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    return rng.normal(size=(6, 4, 3)), rng.normal(size=(6, 4))


def test_sequence_weights_loss_by_hand() -> None:
    x, y = sequence_data()
    model = sequence_model()
    weights = np.zeros((6, 4))
    weights[:, 0] = 2.0
    error = (model.predict(x)[..., 0] - y) ** 2
    expected = (2.0 * error[:, 0]).sum() / error.size
    result = model.evaluate(x, y, sample_weight=weights)
    assert result["loss"] == pytest.approx(expected, rel=1e-12)


def test_zero_weight_positions_are_ignored() -> None:
    x, y = sequence_data()
    weights = np.ones((6, 4))
    weights[:, 2:] = 0.0
    changed = y.copy()
    changed[:, 2:] = 100.0
    first, second = sequence_model(), sequence_model()
    first.fit(x, y, epochs=3, batch_size=2, sample_weight=weights, verbose=0)
    second.fit(x, changed, epochs=3, batch_size=2, sample_weight=weights, verbose=0)
    np.testing.assert_array_equal(
        first.layers[0].params["weight"], second.layers[0].params["weight"]
    )


def image_model() -> Sequential:
    model = Sequential([Dense(2, 3), Softmax()], seed=0, dtype=np.float64)
    model.compile(loss="categorical_crossentropy", optimizer=SGD(learning_rate=0.1))
    return model


def image_data() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(1)
    labels = rng.integers(0, 3, size=(4, 2, 2))
    return rng.normal(size=(4, 2, 2, 2)), np.eye(3)[labels], labels


def test_image_class_weight_per_pixel() -> None:
    x, y, labels = image_data()
    model = image_model()
    class_weight = {0: 1.0, 1: 2.0, 2: 0.5}
    per_pixel = np.vectorize(class_weight.get)(labels)
    probabilities = model.predict(x)
    picked = np.take_along_axis(probabilities, labels[..., None], axis=-1)[..., 0]
    expected = (per_pixel * -np.log(picked)).sum() / labels.size
    result = model.evaluate(x, y, class_weight=class_weight)
    assert result["loss"] == pytest.approx(expected, rel=1e-10)


def test_image_sample_and_class_weight_multiply() -> None:
    x, y, labels = image_data()
    model = image_model()
    class_weight = {0: 1.0, 1: 2.0, 2: 0.5}
    sample_weight = np.array([1.0, 0.0, 3.0, 1.0])
    per_pixel = np.vectorize(class_weight.get)(labels) * sample_weight[:, None, None]
    combined = model.evaluate(x, y, sample_weight=per_pixel)
    separate = model.evaluate(
        x, y, sample_weight=sample_weight, class_weight=class_weight
    )
    assert separate["loss"] == pytest.approx(combined["loss"], rel=1e-12)


def test_image_fit_with_class_weight() -> None:
    x, y, _ = image_data()
    model = image_model()
    history = model.fit(
        x, y, epochs=2, class_weight={0: 1.0, 1: 2.0, 2: 1.0}, verbose=0
    )
    assert len(history.history["loss"]) == 2


def test_binary_sequence_class_weight_per_element() -> None:
    rng = np.random.default_rng(2)
    x = rng.normal(size=(5, 3, 2))
    y = rng.integers(0, 2, size=(5, 3, 1)).astype(np.float64)
    model = Sequential([Dense(2, 1), Sigmoid()], seed=0, dtype=np.float64)
    model.compile(loss="binary_crossentropy", optimizer="adam")
    weighted = model.evaluate(x, y, class_weight={0: 0.0, 1: 1.0})
    p = model.predict(x)
    expected = (-y * np.log(p)).sum() / y.size
    assert weighted["loss"] == pytest.approx(expected, rel=1e-10)


def test_class_weight_missing_class() -> None:
    x, y, _ = image_data()
    with pytest.raises(ValueError, match="no entry for class 2"):
        image_model().evaluate(x, y, class_weight={0: 1.0, 1: 1.0})


def test_sample_weight_wrong_shape_message() -> None:
    x, y = sequence_data()
    with pytest.raises(ShapeError, match=r"leading axes of y \(6, 4\)"):
        sequence_model().fit(x, y, sample_weight=np.ones((6, 5)), verbose=0)


def test_weighted_metric_in_evaluate() -> None:
    x = np.array([[1.0], [-1.0]])
    y = np.array([1.0, 1.0])
    model = Sequential([Dense(1, 1), Sigmoid()], seed=0)
    model.layers[0].params["weight"][...] = 5.0
    model.compile(loss="binary_crossentropy", optimizer="adam", metrics=["accuracy"])
    assert model.evaluate(x, y)["accuracy"] == 0.5
    assert model.evaluate(x, y, sample_weight=[1.0, 0.0])["accuracy"] == 1.0


def test_split_seeded_and_disjoint() -> None:
    first = split_validation(20, 0.25, np.random.default_rng(3))
    second = split_validation(20, 0.25, np.random.default_rng(3))
    np.testing.assert_array_equal(first[1], second[1])
    assert len(first[1]) == 5
    assert set(first[0]).isdisjoint(first[1])
    assert len(first[0]) + len(first[1]) == 20


def test_split_is_random_not_last_rows() -> None:
    _, val_rows = split_validation(100, 0.1, np.random.default_rng(0))
    assert list(val_rows) != list(range(90, 100))


def test_stratified_split_keeps_proportions() -> None:
    labels = np.array([0] * 90 + [1] * 10)
    _, val_rows = split_validation(100, 0.2, np.random.default_rng(0), labels)
    assert np.sum(labels[val_rows] == 0) == 18
    assert np.sum(labels[val_rows] == 1) == 2


def test_stratified_split_largest_remainder() -> None:
    labels = np.array([0] * 5 + [1] * 4 + [2])
    _, val_rows = split_validation(10, 0.3, np.random.default_rng(0), labels)
    # Exact shares 1.5, 1.2 and 0.3: floors 1, 1, 0; class 0 takes the third.
    counts = [int(np.sum(labels[val_rows] == c)) for c in range(3)]
    assert counts == [2, 1, 0]


def test_fit_stratified_rare_class_held_out() -> None:
    rng = np.random.default_rng(4)
    x = rng.normal(size=(50, 2))
    y = np.array([0.0] * 45 + [1.0] * 5)
    model = Sequential([Dense(2, 1), Sigmoid()], seed=0)
    model.compile(loss="binary_crossentropy", optimizer="adam", metrics=["recall"])
    history = model.fit(
        x, y, epochs=1, validation_split=0.2, validation_stratify=True, verbose=0
    )
    assert "val_recall" in history.history


def test_stratify_rejects_per_position_labels() -> None:
    x, y, _ = image_data()
    with pytest.raises(ConfigurationError, match="one class label per sample"):
        image_model().fit(
            x, y, validation_split=0.5, validation_stratify=True, verbose=0
        )


def test_single_class_validation_warns() -> None:
    x = np.array([[0.0], [1.0], [2.0], [3.0]])
    y = np.array([0.0, 1.0, 0.0, 1.0])
    model = Sequential([Dense(1, 1), Sigmoid()], seed=0)
    model.compile(loss="binary_crossentropy", optimizer="adam")
    with pytest.warns(UserWarning, match="only one class"):
        model.fit(x, y, validation_data=(x[:2], np.zeros(2)), verbose=0)


def test_empty_validation_says_why() -> None:
    x = np.zeros((4, 1))
    with pytest.raises(ConfigurationError, match=r"int\(4 \* 0.2\) = 0"):
        sequence_model_2d().fit(x, x, validation_split=0.2, verbose=0)


def sequence_model_2d() -> Sequential:
    model = Sequential([Dense(1, 1)], seed=0)
    model.compile(loss="mse", optimizer="sgd")
    return model


def test_validation_data_with_weights() -> None:
    x = np.array([[0.0], [1.0]])
    y = np.array([[1.0], [5.0]])
    model = sequence_model_2d()
    history = model.fit(
        x, y, epochs=1, validation_data=(x, y, np.array([1.0, 0.0])), verbose=0
    )
    # After the update, only the first validation row counts: (pred - 1)**2 / 2.
    expected = (model.predict(x[:1])[0, 0] - 1.0) ** 2 / 2
    assert history.history["val_loss"][0] == pytest.approx(expected, rel=1e-5)


def test_validation_data_bad_type() -> None:
    x = np.zeros((4, 1))
    with pytest.raises(TypeError, match="tuple"):
        sequence_model_2d().fit(x, x, validation_data=[x], verbose=0)  # type: ignore[arg-type]
