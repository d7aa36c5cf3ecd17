"""Bad input and numerical trouble: each case gives the right value or a clear error."""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pytest

from microframe import (
    SGD,
    Adam,
    BinaryCrossEntropy,
    Callback,
    CategoricalCrossEntropy,
    Dense,
    Dropout,
    Embedding,
    Identity,
    Layer,
    LogSoftmax,
    MeanSquaredError,
    ReLU,
    Sequential,
    Sigmoid,
    Softmax,
    SparseCategoricalCrossEntropy,
    Tanh,
)
from microframe.errors import (
    ConfigurationError,
    InputTypeError,
    InputValueError,
    NonFiniteLossError,
    NonFiniteOutputError,
    NotFittedError,
    ShapeError,
)


def regression_model(in_features: int = 2, dtype: Any = np.float64) -> Sequential:
    model = Sequential([Dense(in_features, 1)], seed=0, dtype=dtype)
    model.compile(loss="mse", optimizer=SGD(learning_rate=0.1))
    return model


# -- 1. binary cross-entropy at the edges ------------------------------------


def test_bce_confident_wrong_is_finite() -> None:
    loss = BinaryCrossEntropy()
    value = loss(np.array([0.0, 1.0]), np.array([1.0, 0.0]))
    eps = 1e-7
    expected = -(np.log(1.0 - (1.0 - eps)) + np.log(eps)) / 2
    assert value == pytest.approx(expected, rel=1e-12)
    assert value == pytest.approx(16.118, abs=1e-3)


def test_bce_confident_wrong_gradient() -> None:
    loss = BinaryCrossEntropy()
    loss(np.array([0.0, 1.0]), np.array([1.0, 0.0]))
    grad = loss.backward()
    # (p - y) / (p * (1 - p)) / 2 with p clipped to 1 - eps and eps.
    np.testing.assert_allclose(grad, [0.5 / 1e-7, -0.5 / 1e-7], rtol=1e-6)


def test_bce_exact_prediction_near_zero() -> None:
    value = BinaryCrossEntropy()(np.array([0.0, 1.0]), np.array([0.0, 1.0]))
    assert value == pytest.approx(1e-7, rel=1e-6)


def test_bce_edges_in_float32() -> None:
    loss = BinaryCrossEntropy()
    y_pred = np.array([[1.0], [0.0]], dtype=np.float32)
    value = loss(np.array([0.0, 1.0]), y_pred)
    assert np.isfinite(value)
    assert np.all(np.isfinite(loss.backward()))


# -- 2. activations at +-1000 -------------------------------------------------


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_sigmoid_extremes_exact(dtype: Any) -> None:
    out = Sigmoid().forward(np.array([-1000.0, 0.0, 1000.0], dtype=dtype))
    np.testing.assert_array_equal(out, [0.0, 0.5, 1.0])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_softmax_extremes_exact(dtype: Any) -> None:
    x = np.array([[1000.0, 1000.0], [-1000.0, -1000.0]], dtype=dtype)
    np.testing.assert_array_equal(Softmax().forward(x), [[0.5, 0.5], [0.5, 0.5]])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_log_softmax_extremes_finite(dtype: Any) -> None:
    layer = LogSoftmax()
    out = layer.forward(np.array([[1000.0, 0.0]], dtype=dtype))
    # log(exp(0) / (exp(0) + exp(-1000))) rounds to 0; the other is -1000.
    np.testing.assert_array_equal(out, [[0.0, -1000.0]])
    grad = layer.backward(np.ones_like(out))
    assert np.all(np.isfinite(grad))


# -- 3. targets (N,) against predictions (N, 1) -------------------------------


def test_flat_target_not_broadcast() -> None:
    y_pred = np.array([[0.0], [1.0], [2.0], [4.0]])
    flat = MeanSquaredError()(np.array([0.0, 1.0, 2.0, 3.0]), y_pred)
    column = MeanSquaredError()(np.array([[0.0], [1.0], [2.0], [3.0]]), y_pred)
    # Only the last sample is off, by 1; a (4, 4) broadcast would give 3.5.
    assert flat == 0.25
    assert column == 0.25


def test_flat_target_in_fit_matches_column() -> None:
    x = np.arange(8.0).reshape(4, 2)
    flat, column = regression_model(), regression_model()
    loss_flat = flat.fit(x, np.arange(4.0), verbose=0, shuffle=False)
    loss_column = column.fit(x, np.arange(4.0).reshape(4, 1), verbose=0, shuffle=False)
    assert loss_flat.history["loss"] == loss_column.history["loss"]


def test_two_column_target_names_shapes() -> None:
    with pytest.raises(ShapeError, match=r"y_true has shape \(4, 2\).*\(4, 1\)"):
        MeanSquaredError()(np.zeros((4, 2)), np.zeros((4, 1)))


def test_two_column_target_in_fit() -> None:
    with pytest.raises(ShapeError, match=r"\(4, 2\).*\(4, 1\)"):
        regression_model().fit(np.zeros((4, 2)), np.zeros((4, 2)), verbose=0)


# -- 4. integer inputs and weights ---------------------------------------------


def test_integer_x_trains_like_floats() -> None:
    x = np.arange(6).reshape(3, 2)
    y = np.array([1, 2, 3])
    as_int, as_float = regression_model(), regression_model()
    as_int.fit(x, y, epochs=3, verbose=0)
    as_float.fit(x.astype(float), y.astype(float), epochs=3, verbose=0)
    np.testing.assert_array_equal(
        as_int.layers[0].params["weight"], as_float.layers[0].params["weight"]
    )


def test_integer_weight_update_not_truncated() -> None:
    model = regression_model()
    model.layers[0].params["weight"] = np.array([[1], [2]])
    model.layers[0].params["bias"] = np.array([0])
    assert model.layers[0].params["weight"].dtype == np.float64
    # One SGD step on x = [1, 0], y = 0: output 1, gradient 2 * 1 = 2 for the
    # first weight and the bias, so each moves by -0.1 * 2 = -0.2.
    model.fit(np.array([[1, 0]]), np.array([0]), epochs=1, verbose=0)
    np.testing.assert_allclose(model.layers[0].params["weight"], [[0.8], [2.0]])
    np.testing.assert_allclose(model.layers[0].params["bias"], [-0.2])


def test_params_update_casts_integers() -> None:
    layer = Dense(2, 1)
    layer.build(dtype=np.float32)
    layer.params.update(weight=np.array([[1], [2]]))
    assert layer.params["weight"].dtype == np.float32


def test_dense_forward_casts_integers() -> None:
    layer = Dense(2, 1, bias_initializer="zeros")
    layer.build(dtype=np.float32)
    layer.params["weight"] = [[1.0], [0.5]]
    out = layer.forward(np.array([[2, 4]]))
    assert out.dtype == np.float32
    np.testing.assert_array_equal(out, [[4.0]])


# -- 5. NaN and infinity ---------------------------------------------------------


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_fit_non_finite_x_names_row(bad: float) -> None:
    x = np.ones((6, 2))
    x[4, 1] = bad
    with pytest.raises(InputValueError, match=rf"fit x: .*got {bad} in row 4"):
        regression_model().fit(x, np.ones(6), verbose=0)


def test_fit_nan_y_names_row() -> None:
    y = np.ones(6)
    y[2] = np.nan
    with pytest.raises(InputValueError, match=r"fit y: .*got nan in row 2"):
        regression_model().fit(np.ones((6, 2)), y, verbose=0)


def test_evaluate_inf_x_names_row() -> None:
    x = np.ones((3, 2))
    x[1, 0] = np.inf
    with pytest.raises(InputValueError, match=r"evaluate x: .*got inf in row 1"):
        regression_model().evaluate(x, np.ones(3))


def test_evaluate_nan_y_names_row() -> None:
    with pytest.raises(InputValueError, match=r"evaluate y: .*got nan in row 0"):
        regression_model().evaluate(np.ones((3, 2)), [np.nan, 1.0, 1.0])


def test_validation_data_nan_named() -> None:
    x_val = np.ones((2, 2))
    x_val[1, 1] = np.nan
    with pytest.raises(InputValueError, match=r"validation_data x: .*row 1"):
        regression_model().fit(
            np.ones((4, 2)), np.ones(4), validation_data=(x_val, np.ones(2)), verbose=0
        )


def test_loss_nan_target_raises() -> None:
    with pytest.raises(InputValueError, match=r"MeanSquaredError y_true: .*row 1"):
        MeanSquaredError()(np.array([0.0, np.nan]), np.array([0.0, 1.0]))


def test_value_too_large_for_float32() -> None:
    x = np.ones((3, 2))
    x[2, 0] = 1e300
    with pytest.raises(InputValueError, match=r"float32.*1e\+300 in row 2"):
        regression_model(dtype=np.float32).predict(x)


class WeightRecorder(Callback):
    """Stores a copy of the weights after every batch."""

    def __init__(self) -> None:
        super().__init__()
        self.weights: list[list[dict[str, Any]]] = []

    def on_batch_end(self, batch: int, logs: dict[str, float]) -> None:
        assert self.model is not None
        self.weights.append(self.model.get_weights())


def test_diverging_fit_keeps_last_good_weights() -> None:
    x = np.array([[1.0], [2.0], [3.0], [4.0]])
    model = Sequential([Dense(1, 1)], seed=0, dtype=np.float64)
    model.compile(loss="mse", optimizer=SGD(learning_rate=1e150))
    recorder = WeightRecorder()
    with pytest.raises(NonFiniteLossError, match=r"epoch 1, batch 3"):
        model.fit(
            x, x, epochs=5, batch_size=1, shuffle=False, callbacks=[recorder], verbose=0
        )
    assert len(recorder.weights) == 2
    last_good = recorder.weights[-1][0]
    np.testing.assert_array_equal(model.layers[0].params["weight"], last_good["weight"])
    np.testing.assert_array_equal(model.layers[0].params["bias"], last_good["bias"])


def test_predict_overflow_names_row() -> None:
    model = Sequential([Dense(2, 2), Softmax()], seed=0, dtype=np.float32)
    model.layers[0].params["weight"] = [[1e30, -1e30], [1e30, -1e30]]
    x = np.array([[0.0, 0.0], [1e10, 1e10]])
    with pytest.raises(NonFiniteOutputError, match=r"predict: .*row 1 of x"):
        model.predict(x)


# -- 6. labels given to the wrong cross-entropy --------------------------------


def test_cce_integer_labels_suggest_one_hot() -> None:
    with pytest.raises(
        ShapeError, match=r"one-hot encode.*SparseCategoricalCrossEntropy"
    ):
        CategoricalCrossEntropy()(np.array([0, 2, 1]), np.full((3, 3), 1 / 3))


def test_sparse_label_out_of_range() -> None:
    with pytest.raises(
        InputValueError, match=r"label 10 is out of range for 10 classes"
    ):
        SparseCategoricalCrossEntropy()(np.array([3, 10]), np.full((2, 10), 0.1))


def test_sparse_negative_label() -> None:
    with pytest.raises(InputValueError, match=r"label -1 .*\[0, 2\]"):
        SparseCategoricalCrossEntropy()(np.array([-1]), np.full((1, 3), 1 / 3))


def test_sparse_fractional_label() -> None:
    with pytest.raises(InputValueError, match="integer class labels"):
        SparseCategoricalCrossEntropy()(np.array([0.5]), np.full((1, 3), 1 / 3))


def test_fit_bad_label_before_training() -> None:
    model = Sequential([Dense(2, 3), Softmax()], seed=0)
    model.compile(loss="sparse_categorical_crossentropy", optimizer="sgd")
    before = model.get_weights()
    labels = np.array([0, 1, 2, 0, 1, 3])
    with pytest.raises(InputValueError, match="label 3 is out of range for 3 classes"):
        model.fit(np.ones((6, 2)), labels, batch_size=2, shuffle=False, verbose=0)
    np.testing.assert_array_equal(model.layers[0].params["weight"], before[0]["weight"])


def test_evaluate_bad_label_raises() -> None:
    model = Sequential([Dense(2, 3), Softmax()], seed=0)
    model.compile(loss="sparse_categorical_crossentropy", optimizer="sgd")
    with pytest.raises(InputValueError, match="label 3 is out of range"):
        model.evaluate(np.ones((2, 2)), np.array([0, 3]))


# -- 7. inputs with no samples ---------------------------------------------------


@pytest.mark.parametrize("method", ["fit", "evaluate", "predict"])
def test_empty_x_has_no_samples(method: str) -> None:
    model = regression_model(3)
    x = np.zeros((0, 3))
    with pytest.raises(ShapeError, match=rf"{method} x: the input has no samples"):
        if method == "fit":
            model.fit(x, np.zeros(0), verbose=0)
        elif method == "evaluate":
            model.evaluate(x, np.zeros(0))
        else:
            model.predict(x)


def test_loss_empty_batch_raises() -> None:
    with pytest.raises(ShapeError, match=r"at least one sample.*\(0, 1\)"):
        MeanSquaredError()(np.zeros((0, 1)), np.zeros((0, 1)))


# -- 8. one-dimensional inputs ---------------------------------------------------


def test_predict_one_sample_drops_batch_axis() -> None:
    model = Sequential([Dense(3, 2)], seed=0)
    single = model.predict([1.0, 2.0, 3.0])
    assert single.shape == (2,)
    np.testing.assert_array_equal(single, model.predict([[1.0, 2.0, 3.0]])[0])


def test_predict_one_d_wrong_length() -> None:
    model = Sequential([Dense(3, 2)], seed=0)
    with pytest.raises(ShapeError, match=r"shape \(4,\).*reshape\(1, -1\)"):
        model.predict(np.ones(4))


def test_fit_one_d_suggests_reshape() -> None:
    with pytest.raises(
        ShapeError, match=r"fit x: .*shape \(3,\).*reshape\(-1, 1\).*reshape\(1, -1\)"
    ):
        regression_model(3).fit(np.ones(3), np.ones(3), verbose=0)


# -- 9. feature and length mismatches -------------------------------------------


@pytest.mark.parametrize("method", ["fit", "evaluate", "predict"])
def test_wrong_feature_count_names_layer(method: str) -> None:
    model = Sequential([Dense(3, 2)], seed=0)
    model.compile(loss="mse", optimizer="sgd")
    x, y = np.ones((4, 5)), np.ones((4, 2))
    weights_before = model.get_weights()
    with pytest.raises(
        ShapeError,
        match=rf"{method}: the first layer Dense\(3 -> 2\) expects 3 features.*"
        r"\(4, 5\); pass x with 3 columns",
    ):
        if method == "fit":
            model.fit(x, y, verbose=0)
        elif method == "evaluate":
            model.evaluate(x, y)
        else:
            model.predict(x)
    np.testing.assert_array_equal(
        model.get_weights()[0]["weight"], weights_before[0]["weight"]
    )


def test_dense_forward_wrong_features() -> None:
    with pytest.raises(ShapeError, match=r"Dense\(3 -> 2\).forward: .*\(4, 5\)"):
        Dense(3, 2).forward(np.ones((4, 5)))


@pytest.mark.parametrize("method", ["fit", "evaluate"])
def test_length_mismatch_names_both(method: str) -> None:
    model = regression_model(3)
    x, y = np.ones((4, 3)), np.ones(5)
    with pytest.raises(ShapeError, match=r"len\(x\)=4 and len\(y\)=5"):
        if method == "fit":
            model.fit(x, y, verbose=0)
        else:
            model.evaluate(x, y)


def test_sample_weight_length_mismatch() -> None:
    with pytest.raises(ShapeError, match=r"sample_weight of shape \(4,\).*\(3,\)"):
        regression_model(3).fit(
            np.ones((4, 3)), np.ones(4), sample_weight=np.ones(3), verbose=0
        )


# -- 10. hyperparameters out of range --------------------------------------------

# Typed as Any so that the wrong types reach the constructors.
NOT_AN_INT: Any = 2.5
NOT_A_NUMBER: Any = "fast"


@pytest.mark.parametrize(
    ("factory", "match"),
    [
        (lambda: SGD(learning_rate=-1), r"SGD learning_rate .*\(0.0, inf\), got -1"),
        (lambda: SGD(momentum=1.2), r"SGD momentum .*\[0.0, 1.0\), got 1.2"),
        (lambda: Adam(learning_rate=0), r"Adam learning_rate .*\(0.0, inf\), got 0"),
        (lambda: Adam(beta_2=1.5), r"Adam beta_2 .*\[0.0, 1.0\), got 1.5"),
        (lambda: Dropout(1.5), r"Dropout rate .*\[0.0, 1.0\), got 1.5"),
        (lambda: Dense(0, 2), r"Dense in_features .*>= 1, got 0"),
        (lambda: Dense(NOT_AN_INT, 2), r"Dense in_features .*integer.*2.5"),
        (lambda: BinaryCrossEntropy(epsilon=0.7), r"epsilon .*\(0.0, 0.5\)"),
        (lambda: MeanSquaredError(reduction="avg"), r"reduction .*'avg'"),
        (lambda: SGD(learning_rate=NOT_A_NUMBER), r"learning_rate .*number.*'fast'"),
    ],
)
def test_constructor_rejects_out_of_range(factory: Any, match: str) -> None:
    with pytest.raises(ConfigurationError, match=match):
        factory()


BAD_LAYERS: Any = Dense(2, 1)
BAD_SEED: Any = "abc"
BAD_DTYPE: Any = "foo"


@pytest.mark.parametrize(
    ("factory", "error", "match"),
    [
        (lambda: Sequential(BAD_LAYERS), InputTypeError, r"list of layers, got Dense"),
        (lambda: Sequential([], seed=BAD_SEED), ConfigurationError, r"seed .*'abc'"),
        (lambda: Sequential([], seed=-1), ConfigurationError, r"seed .*>= 0, got -1"),
        (lambda: Sequential([], dtype=BAD_DTYPE), ConfigurationError, r"'foo'"),
        (lambda: Sequential([], dtype=np.int32), ConfigurationError, r"int32"),
        (lambda: Sequential([]).set_weights(BAD_SEED), InputTypeError, r"got a str"),
    ],
)
def test_sequential_rejects_bad_arguments(factory: Any, error: Any, match: str) -> None:
    with pytest.raises(error, match=match):
        factory()


def test_fit_rejects_single_callback() -> None:
    callback: Any = WeightRecorder()
    with pytest.raises(InputTypeError, match=r"got one WeightRecorder.*\[callback\]"):
        regression_model().fit(np.ones((2, 2)), np.ones(2), callbacks=callback)


def test_fit_rejects_class_weight_list() -> None:
    model = Sequential([Dense(2, 1), Sigmoid()], seed=0)
    model.compile(loss="binary_crossentropy", optimizer="sgd")
    class_weight: Any = [1.0, 2.0]
    with pytest.raises(InputTypeError, match=r"class_weight as a dict.*got list"):
        model.fit(np.ones((2, 2)), [0, 1], class_weight=class_weight, verbose=0)


def test_validation_data_not_tuple() -> None:
    data: Any = np.ones(3)
    with pytest.raises(InputTypeError, match=r"got a ndarray; pass validation_data"):
        regression_model().fit(
            np.ones((2, 2)), np.ones(2), validation_data=data, verbose=0
        )


@pytest.mark.parametrize(
    ("arguments", "match"),
    [
        ({"batch_size": 0}, r"fit batch_size .*>= 1, got 0"),
        ({"epochs": -1}, r"fit epochs .*>= 0, got -1"),
        ({"validation_split": 1.0}, r"validation_split .*\[0.0, 1.0\), got 1.0"),
    ],
)
def test_fit_rejects_out_of_range(arguments: dict[str, Any], match: str) -> None:
    with pytest.raises(ConfigurationError, match=match):
        regression_model().fit(np.ones((4, 2)), np.ones(4), verbose=0, **arguments)


def test_predict_rejects_zero_batch_size() -> None:
    with pytest.raises(ConfigurationError, match=r"predict batch_size .*got 0"):
        regression_model().predict(np.ones((4, 2)), batch_size=0)


# -- 11. inputs that are not numbers ----------------------------------------------


@pytest.mark.parametrize(
    ("x", "match"),
    [
        ("abc", "dtype <U3"),
        (np.array([["a", "b"]]), "dtype <U1"),
        (np.array([[1, None]], dtype=object), "dtype object"),
        (np.ones((2, 2)) * 1j, "dtype complex128"),
        ([[1.0, 2.0], [3.0]], "ragged nested sequence"),
    ],
)
@pytest.mark.parametrize("method", ["fit", "evaluate", "predict"])
def test_non_numeric_x_type_error(x: Any, match: str, method: str) -> None:
    model = regression_model()
    with pytest.raises(InputTypeError, match=rf"{method} x: .*{match}") as caught:
        if method == "fit":
            model.fit(x, np.ones(2), verbose=0)
        elif method == "evaluate":
            model.evaluate(x, np.ones(2))
        else:
            model.predict(x)
    assert isinstance(caught.value, TypeError)
    assert "bool, integer or float" in str(caught.value) or "pad the rows" in str(
        caught.value
    )


def test_layer_forward_rejects_strings() -> None:
    with pytest.raises(InputTypeError, match=r"ReLU.forward x: .*dtype <U1"):
        ReLU().forward(np.array(["a"]))


class Doubler(Layer):
    """A user layer: y = 2 * x, with no input checks of its own."""

    def forward(self, x: Any, training: bool = False) -> Any:
        self.seen = x
        return 2 * x

    def backward(self, grad_output: Any) -> Any:
        self.seen_grad = grad_output
        return 2 * grad_output


def test_user_layer_gets_checked_array() -> None:
    layer = Doubler()
    layer.build(dtype=np.float64)
    out = layer.forward([[1, 2]])
    assert layer.seen.dtype == np.float64
    np.testing.assert_array_equal(out, [[2.0, 4.0]])
    layer.backward([[True, False]])
    np.testing.assert_array_equal(layer.seen_grad, [[1.0, 0.0]])


def test_user_layer_rejects_strings() -> None:
    with pytest.raises(InputTypeError, match=r"Doubler.forward x: .*dtype <U1"):
        Doubler().forward(np.array([["a"]]))


def test_float_input_not_copied() -> None:
    layer = Doubler()
    x = np.ones((2, 3), dtype=np.float32)
    layer.forward(x)
    assert layer.seen is x


def test_embedding_keeps_integer_ids() -> None:
    layer = Embedding(4, 2)
    layer.build(np.random.default_rng(0), np.float64)
    ids: Any = [[3, 0]]
    out = layer.forward(ids)
    np.testing.assert_array_equal(out[0], layer.params["weight"][[3, 0]])


# -- 12. losses that do not fit the output ----------------------------------------


def test_bce_after_softmax_warns() -> None:
    model = Sequential([Dense(2, 2), Softmax()])
    with pytest.warns(UserWarning, match="use CategoricalCrossEntropy with Softmax"):
        model.compile(loss="binary_crossentropy")


@pytest.mark.parametrize(
    "loss", ["categorical_crossentropy", "sparse_categorical_crossentropy"]
)
def test_categorical_after_sigmoid_warns(loss: str) -> None:
    model = Sequential([Dense(2, 3), Sigmoid()])
    with pytest.warns(UserWarning, match="use Softmax for one class per sample"):
        model.compile(loss=loss)


@pytest.mark.parametrize("last", [Dense(3, 1), Identity(), ReLU(), Tanh()])
def test_probability_loss_on_unsquashed_output(last: Any) -> None:
    layers = [Dense(2, 3), last] if not isinstance(last, Dense) else [last]
    model = Sequential(layers)
    with pytest.raises(
        ConfigurationError,
        match=r"expects probabilities.*Sigmoid\(\) or Softmax\(\).*from_logits=True",
    ):
        model.compile(loss="binary_crossentropy")


def test_logits_loss_on_linear_output_allowed() -> None:
    model = Sequential([Dense(2, 1)])
    model.compile(loss=BinaryCrossEntropy(from_logits=True), optimizer="sgd")
    assert isinstance(model.loss, BinaryCrossEntropy)


# -- 13. one layer object twice -----------------------------------------------------


def test_same_layer_twice_raises() -> None:
    layer = Dense(2, 2)
    with pytest.raises(
        ConfigurationError, match=r"Dense\(2 -> 2\) at position 2 appears twice"
    ):
        Sequential([layer, ReLU(), layer])


# -- model-level forward and backward ---------------------------------------------


def test_sequential_backward_before_forward() -> None:
    model = Sequential([Dense(2, 2)], seed=0)
    with pytest.raises(NotFittedError, match=r"call forward\(x\) before backward"):
        model.backward(np.ones((1, 2)))


def test_sequential_backward_wrong_shape() -> None:
    model = Sequential([Dense(2, 3)], seed=0)
    model.forward(np.ones((4, 2)))
    with pytest.raises(ShapeError, match=r"grad_output of shape \(4, 3\).*\(4, 2\)"):
        model.backward(np.ones((4, 2)))


def test_set_weights_unknown_name() -> None:
    model = Sequential([Dense(2, 3)], seed=0)
    with pytest.raises(
        ShapeError, match=r"no parameter 'kernel'.*\['bias', 'weight'\]"
    ):
        model.set_weights([{"kernel": np.ones((2, 3))}])


# -- message form ----------------------------------------------------------------

x_ok = np.ones((4, 3))
ERROR_TRIGGERS: list[tuple[str, Any]] = [
    ("fit features", lambda: regression_model(2).fit(x_ok, np.ones(4), verbose=0)),
    ("fit length", lambda: regression_model(3).fit(x_ok, np.ones(5), verbose=0)),
    ("fit 1-D", lambda: regression_model(3).fit(np.ones(3), np.ones(3), verbose=0)),
    ("predict empty", lambda: regression_model(3).predict(np.zeros((0, 3)))),
    ("predict strings", lambda: regression_model(3).predict([["a", "b", "c"]])),
    ("predict ragged", lambda: regression_model(3).predict([[1.0, 2.0, 3.0], [1.0]])),
    ("evaluate nan", lambda: regression_model(3).evaluate(x_ok, [1.0, np.nan, 1, 1])),
    ("batch size", lambda: regression_model(3).predict(x_ok, batch_size=0)),
    ("learning rate", lambda: SGD(learning_rate=-1)),
    ("nesterov", lambda: SGD(nesterov=True)),
    ("dropout", lambda: Dropout(1.5)),
    ("reduction", lambda: MeanSquaredError(reduction="avg")),
    ("dtype", lambda: Sequential([Dense(2, 1)], dtype=np.int32)),
    ("target shape", lambda: MeanSquaredError()(np.zeros((4, 2)), np.zeros((4, 1)))),
    ("sample weight", lambda: MeanSquaredError()(np.zeros(2), np.zeros(2), [-1, 1])),
    ("labels", lambda: SparseCategoricalCrossEntropy()([5], np.full((1, 2), 0.5))),
    ("one-hot", lambda: CategoricalCrossEntropy()([0, 1], np.full((2, 2), 0.5))),
    ("backward first", lambda: Dense(3, 2).backward(np.ones((1, 2)))),
    ("loss backward", lambda: MeanSquaredError().backward()),
    ("compile", lambda: Sequential([Dense(2, 1)]).compile(loss="binary_crossentropy")),
    ("shared layer", lambda: Sequential([Dense(2, 2)] * 2)),
]


@pytest.mark.parametrize(
    "trigger", [t[1] for t in ERROR_TRIGGERS], ids=[t[0] for t in ERROR_TRIGGERS]
)
def test_message_has_component_expected_got_fix(trigger: Any) -> None:
    with pytest.raises((ValueError, TypeError)) as caught:
        trigger()
    message = str(caught.value)
    problem, separator, fix = message.partition("; ")
    # The component: a public method or the class that raised.
    assert re.match(r"(fit|predict|evaluate|compile|[A-Z]\w*)\b", problem), message
    # What was received: a value, a shape, a dtype or a layer.
    assert re.search(r"\d|'|dtype|no loss", problem), message
    assert separator, message
    assert len(fix.split()) >= 3, message
