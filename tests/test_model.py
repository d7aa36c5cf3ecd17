import io
import warnings

import numpy as np
import pytest

from microframe import (
    SGD,
    Adam,
    BinaryCrossEntropy,
    Callback,
    CategoricalCrossEntropy,
    DefaultsWarning,
    Dense,
    Layer,
    MeanSquaredError,
    ReLU,
    Sequential,
    Sigmoid,
    Softmax,
    SparseCategoricalCrossEntropy,
    gradcheck,
)
from microframe.errors import (
    ConfigurationError,
    InputTypeError,
    InputValueError,
    NonFiniteLossError,
    ShapeError,
)
from microframe.layers.base import Array


def xor_data() -> tuple[np.ndarray, np.ndarray]:
    x = np.array([[0, 0], [0, 1], [1, 0], [1, 1]] * 8, dtype=float)
    y = np.array([0, 1, 1, 0] * 8, dtype=float)
    return x, y


def small_model(seed: int = 0) -> Sequential:
    return Sequential([Dense(2, 8), ReLU(), Dense(8, 1), Sigmoid()], seed=seed)


def test_fit_uncompiled_works_and_says_defaults() -> None:
    x, y = xor_data()
    model = small_model()
    with pytest.warns(DefaultsWarning, match="BinaryCrossEntropy.*Adam"):
        history = model.fit(x, y, epochs=2, verbose=0)
    assert isinstance(model.loss, BinaryCrossEntropy)
    assert len(history.history["loss"]) == 2


def test_defaults_announced_once() -> None:
    x, y = xor_data()
    model = small_model()
    with pytest.warns(DefaultsWarning):
        model.fit(x, y, verbose=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model.fit(x, y, verbose=0)


@pytest.mark.parametrize(
    ("last", "y", "expected"),
    [
        (Softmax(), np.eye(2)[[0, 1, 1, 0]], CategoricalCrossEntropy),
        (Softmax(), np.array([0, 1, 1, 0]), SparseCategoricalCrossEntropy),
        (ReLU(), np.zeros((4, 2)), MeanSquaredError),
    ],
)
def test_default_loss_matches_output(
    last: Layer, y: np.ndarray, expected: type
) -> None:
    model = Sequential([Dense(2, 2), last], seed=0)
    with pytest.warns(DefaultsWarning):
        model.fit(np.zeros((4, 2)), y, verbose=0)
    assert isinstance(model.loss, expected)


def test_xor_learns() -> None:
    x, y = xor_data()
    model = Sequential([Dense(2, 8), ReLU(), Dense(8, 1), Sigmoid()], seed=1)
    model.compile(
        loss="binary_crossentropy", optimizer=Adam(0.05), metrics=["accuracy"]
    )
    history = model.fit(x, y, epochs=150, batch_size=8, verbose=0)
    assert history.history["accuracy"][-1] == 1.0
    assert history.history["loss"][-1] < history.history["loss"][0]


def test_same_seed_bitwise_identical() -> None:
    x, y = xor_data()
    results = []
    for _ in range(2):
        model = small_model(seed=7)
        model.compile(loss="binary_crossentropy", optimizer="sgd")
        model.fit(x, y, epochs=3, batch_size=5, validation_split=0.25, verbose=0)
        results.append(model.get_weights())
    for first, second in zip(results[0], results[1], strict=True):
        for key in first:
            np.testing.assert_array_equal(first[key], second[key])


def test_global_random_state_untouched() -> None:
    # The legacy global state is what must stay untouched.
    np.random.seed(123)  # noqa: NPY002
    state = np.random.get_state(legacy=False)["state"]["key"].copy()  # noqa: NPY002
    x, y = xor_data()
    model = small_model()
    model.compile(loss="binary_crossentropy", optimizer="sgd")
    model.fit(x, y, epochs=2, verbose=0)
    after = np.random.get_state(legacy=False)["state"]["key"]  # noqa: NPY002
    np.testing.assert_array_equal(after, state)


class CountBatches(Callback):
    def __init__(self) -> None:
        super().__init__()
        self.sizes: list[float] = []

    def on_batch_end(self, batch: int, logs: dict[str, float]) -> None:
        self.sizes.append(batch)


def test_partial_last_batch_and_epoch_loss() -> None:
    # 10 samples with batch 4: batches of 4, 4 and 2, weighted by size.
    x = np.arange(10, dtype=float).reshape(10, 1) / 10
    y = np.zeros(10)
    model = Sequential([Dense(1, 1)], seed=0, dtype=np.float64)
    model.compile(loss="mse", optimizer=SGD(learning_rate=1e-12))
    losses_seen: list[float] = []
    sizes = [4, 4, 2]

    class Record(Callback):
        def on_batch_end(self, batch: int, logs: dict[str, float]) -> None:
            losses_seen.append(logs["loss"])

    history = model.fit(
        x, y, epochs=1, batch_size=4, shuffle=False, verbose=0, callbacks=[Record()]
    )
    assert len(losses_seen) == 3
    expected = (
        sum(loss * size for loss, size in zip(losses_seen, sizes, strict=True)) / 10
    )
    assert history.history["loss"][0] == pytest.approx(expected, rel=1e-12)


def test_batch_size_larger_than_data() -> None:
    x, y = xor_data()
    model = small_model()
    model.compile(loss="binary_crossentropy", optimizer="adam")
    history = model.fit(x, y, batch_size=1000, epochs=2, verbose=0)
    assert len(history.history["loss"]) == 2


def test_validation_split_reports_val_loss() -> None:
    x, y = xor_data()
    model = small_model()
    model.compile(loss="binary_crossentropy", optimizer="adam", metrics=["accuracy"])
    history = model.fit(x, y, epochs=2, validation_split=0.25, verbose=0)
    assert set(history.history) == {"loss", "accuracy", "val_loss", "val_accuracy"}


def test_validation_split_empty_raises() -> None:
    x, y = xor_data()
    model = small_model()
    model.compile(loss="binary_crossentropy", optimizer="adam")
    with pytest.raises(ConfigurationError, match="holds out no sample"):
        model.fit(x[:4], y[:4], validation_split=0.1, verbose=0)


def test_validation_data_tuple() -> None:
    x, y = xor_data()
    model = small_model()
    model.compile(loss="binary_crossentropy", optimizer="adam")
    history = model.fit(x, y, epochs=1, validation_data=(x, y), verbose=0)
    assert "val_loss" in history.history


def test_integer_x_trains_like_float() -> None:
    x_int = np.arange(6).reshape(3, 2)
    y = np.array([[0.0], [1.0], [0.0]])
    weights = []
    for x in (x_int, x_int.astype(float)):
        model = Sequential([Dense(2, 1)], seed=0)
        model.compile(loss="mse", optimizer=SGD(0.01))
        model.fit(x, y, epochs=2, verbose=0)
        weights.append(model.layers[0].params["weight"])
    np.testing.assert_array_equal(weights[0], weights[1])


def test_fit_does_not_modify_inputs() -> None:
    x, y = xor_data()
    x_copy, y_copy = x.copy(), y.copy()
    model = small_model()
    model.compile(loss="binary_crossentropy", optimizer="adam")
    model.fit(x, y, epochs=2, verbose=0)
    np.testing.assert_array_equal(x, x_copy)
    np.testing.assert_array_equal(y, y_copy)


def test_nan_in_x_names_row() -> None:
    x, y = xor_data()
    x[5, 1] = np.nan
    model = small_model()
    with pytest.raises(InputValueError, match=r"x: .*row 5"):
        model.fit(x, y, verbose=0)


def test_length_mismatch_names_both() -> None:
    model = small_model()
    with pytest.raises(ShapeError, match=r"len\(x\)=4 and len\(y\)=3"):
        model.fit(np.zeros((4, 2)), np.zeros(3), verbose=0)


def test_one_d_x_suggests_reshape() -> None:
    model = small_model()
    with pytest.raises(ShapeError, match=r"reshape\(-1, 1\)"):
        model.fit(np.zeros(4), np.zeros(4), verbose=0)


def test_strings_raise_type_error() -> None:
    model = small_model()
    with pytest.raises(InputTypeError, match="dtype"):
        model.predict(np.array([["a", "b"]]))


def test_nan_loss_stops_with_epoch_and_batch() -> None:
    x = np.array([[1.0], [2.0]])
    y = np.array([[1.0], [2.0]])
    model = Sequential([Dense(1, 1)], seed=0)
    model.compile(loss="mse", optimizer=SGD(learning_rate=1e30))
    with pytest.raises(NonFiniteLossError, match=r"epoch \d+, batch \d+"):
        model.fit(x, y, epochs=20, batch_size=1, verbose=0)
    assert np.all(np.isfinite(model.layers[0].params["weight"]))


def test_probability_loss_on_linear_output() -> None:
    model = Sequential([Dense(2, 1)])
    with pytest.raises(ConfigurationError, match="from_logits=True"):
        model.compile(loss="binary_crossentropy")


def test_bce_after_softmax_warns() -> None:
    model = Sequential([Dense(2, 2), Softmax()])
    with pytest.warns(UserWarning, match="CategoricalCrossEntropy"):
        model.compile(loss="binary_crossentropy")


def test_same_layer_twice_raises() -> None:
    layer = Dense(2, 2)
    with pytest.raises(ConfigurationError, match="appears twice"):
        Sequential([layer, ReLU(), layer])


def test_predict_single_sample_shape() -> None:
    model = Sequential([Dense(3, 2)], seed=0)
    single = model.predict(np.array([1.0, 2.0, 3.0]))
    batch = model.predict(np.array([[1.0, 2.0, 3.0]]))
    assert single.shape == (2,)
    np.testing.assert_array_equal(single, batch[0])


def test_predict_empty_raises() -> None:
    model = Sequential([Dense(3, 2)], seed=0)
    with pytest.raises(ShapeError, match="no samples"):
        model.predict(np.zeros((0, 3)))


def test_predict_batches_match_full() -> None:
    model = Sequential([Dense(3, 4), ReLU(), Dense(4, 2)], seed=0)
    x = np.random.default_rng(0).standard_normal((50, 3))
    np.testing.assert_allclose(
        model.predict(x, batch_size=7), model.forward(x), rtol=1e-6
    )


def test_evaluate_returns_loss_and_metrics() -> None:
    x, y = xor_data()
    model = small_model()
    model.compile(loss="binary_crossentropy", optimizer="adam", metrics=["accuracy"])
    results = model.evaluate(x, y)
    assert set(results) == {"loss", "accuracy"}
    assert results["loss"] == pytest.approx(
        BinaryCrossEntropy()(y.reshape(-1, 1), model.predict(x)), rel=1e-5
    )


def test_class_weight_changes_loss() -> None:
    x, y = xor_data()
    model = small_model()
    model.compile(loss="binary_crossentropy", optimizer=SGD(learning_rate=1e-12))
    plain = model.fit(x, y, verbose=0, shuffle=False).history["loss"][0]
    weighted = model.fit(x, y, verbose=0, shuffle=False, class_weight={0: 0.0, 1: 2.0})
    assert weighted.history["loss"][0] != pytest.approx(plain)


def test_verbose_writes_epoch_lines(capsys: pytest.CaptureFixture[str]) -> None:
    x, y = xor_data()
    model = small_model()
    model.compile(loss="binary_crossentropy", optimizer="adam")
    model.fit(x, y, epochs=2, verbose=1)
    out = capsys.readouterr().out
    assert "Epoch 1/2" in out
    assert "Epoch 2/2" in out


def test_verbose_zero_silent(capsys: pytest.CaptureFixture[str]) -> None:
    x, y = xor_data()
    model = small_model()
    model.compile(loss="binary_crossentropy", optimizer="adam")
    model.fit(x, y, epochs=2, verbose=0)
    assert capsys.readouterr().out == ""


@pytest.mark.parametrize("bad", [{"epochs": -1}, {"batch_size": 0}])
def test_fit_rejects_bad_arguments(bad: dict[str, int]) -> None:
    x, y = xor_data()
    model = small_model()
    with pytest.raises(ConfigurationError, match=next(iter(bad))):
        model.fit(x, y, verbose=0, **bad)  # type: ignore[arg-type]


def test_summary_lists_layers() -> None:
    text = small_model().summary()
    assert "Dense(2 -> 8)" in text
    assert "(N, 1)" in text
    assert "Total params: 33" in text


class Square(Layer):
    """A custom layer, y = x**2, written as a user would."""

    def forward(self, x: Array, training: bool = False) -> Array:
        self.x = x
        return x * x

    def backward(self, grad_output: Array) -> Array:
        return 2 * self.x * grad_output


class Scale(Layer):
    """A custom layer with one parameter, y = x * scale."""

    def init_params(self, rng: np.random.Generator) -> None:
        self.params["scale"] = np.ones(1)

    def forward(self, x: Array, training: bool = False) -> Array:
        self.x = x
        return x * self.params["scale"]

    def backward(self, grad_output: Array) -> Array:
        self.grads["scale"] = np.array([np.sum(grad_output * self.x)])
        return grad_output * self.params["scale"]


def test_custom_layers_gradcheck() -> None:
    model = Sequential(
        [Dense(2, 3), Square(), Scale(), Dense(3, 1)], seed=0, dtype=np.float64
    )
    assert gradcheck(model, np.random.default_rng(0).standard_normal((4, 2))).passed


def test_custom_layer_trains() -> None:
    x = np.linspace(-1, 1, 32).reshape(-1, 1)
    y = 3 * x
    model = Sequential([Scale()], seed=0)
    model.compile(loss="mse", optimizer=SGD(0.1))
    model.fit(x, y, epochs=50, batch_size=8, verbose=0)
    assert model.layers[0].params["scale"][0] == pytest.approx(3.0, rel=1e-3)


def test_epoch_logger_stream() -> None:
    from microframe.callbacks import EpochLogger

    stream = io.StringIO()
    logger = EpochLogger(3, stream)
    logger.on_epoch_begin(0, {})
    logger.on_epoch_end(0, {"loss": 0.5})
    assert "Epoch 1/3" in stream.getvalue()
    assert "loss: 0.5000" in stream.getvalue()


def test_warnings_point_at_caller() -> None:
    model = Sequential([Dense(2, 2), Softmax()])
    with pytest.warns(UserWarning) as record:
        model.compile(loss="binary_crossentropy")
    assert record[0].filename == __file__
    fresh = small_model()
    with pytest.warns(DefaultsWarning) as record:
        fresh.fit(np.zeros((4, 2)), np.zeros(4), verbose=0)
    assert record[0].filename == __file__
