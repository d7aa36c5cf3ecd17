"""Property-based checks: every public entry point gives a right value or its own error.

Inputs vary in shape (empty, one sample, wrong rank), dtype (bool, int,
float16/32/64), NaN and infinity placement and memory layout (read-only,
non-contiguous). A call must return a correct value or raise a subclass of
``MicroframeError``. Any other exception, such as ``IndexError`` or
``AttributeError``, fails the test, and so does a NaN from finite input or a
NumPy warning, which ``filterwarnings = error`` turns into an exception.
The caller's arrays must come back unchanged.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from microframe import (
    ELU,
    GELU,
    LSTM,
    SELU,
    SGD,
    Adam,
    AvgPool2D,
    BatchNormalization,
    BinaryCrossEntropy,
    CategoricalCrossEntropy,
    Conv1D,
    Conv2D,
    Dense,
    Dropout,
    Embedding,
    Flatten,
    GlobalAveragePooling2D,
    HalfSquaredError,
    HardSigmoid,
    Identity,
    Layer,
    LayerNormalization,
    LeakyReLU,
    LogSoftmax,
    Loss,
    MaxPool1D,
    MaxPool2D,
    MeanSquaredError,
    ReLU,
    Reshape,
    Sequential,
    Sigmoid,
    SiLU,
    SimpleRNN,
    Softmax,
    Softplus,
    Softsign,
    SparseCategoricalCrossEntropy,
    Tanh,
)
from microframe.errors import (
    ConfigurationError,
    InputTypeError,
    InputValueError,
    MicroframeError,
    ShapeError,
)
from microframe.optimizers import Adagrad, AdamW, Nadam, Optimizer, RMSprop

DTYPES = [np.bool_, np.int32, np.int64, np.float16, np.float32, np.float64]
PLACEMENTS = ["none", "nan", "inf", "-inf"]
LAYOUTS = ["plain", "read-only", "strided", "fortran"]

# Small bounds keep the whole module in a few seconds on 2 cores.
FAST = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def make_array(
    rng: np.random.Generator,
    shape: tuple[int, ...],
    dtype: Any,
    placement: str,
    layout: str,
    scale: float = 3.0,
) -> np.ndarray[Any, Any]:
    """Build an input of ``shape`` with one bad value placed per ``placement``."""
    values = rng.standard_normal(shape) * scale
    kind = np.dtype(dtype).kind
    if kind == "b":
        array = values > 0
    elif kind in "iu":
        array = np.rint(np.clip(values, -1e6, 1e6)).astype(dtype)
    else:
        # A scale beyond float16's range gives infinity here, on purpose.
        with np.errstate(over="ignore"):
            array = values.astype(dtype)
        if placement != "none" and array.size:
            bad = {"nan": np.nan, "inf": np.inf, "-inf": -np.inf}[placement]
            array.flat[int(rng.integers(array.size))] = bad
    if layout == "strided" and array.ndim >= 1:
        wide = np.repeat(array, 2, axis=0)
        array = wide[::2]
    elif layout == "fortran":
        array = np.asfortranarray(array)
    elif layout == "read-only":
        array.setflags(write=False)
    return array


def has_non_finite(array: np.ndarray[Any, Any]) -> bool:
    return array.dtype.kind == "f" and not bool(np.isfinite(array).all())


def call(function: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Return ``function``'s result, or the microframe error it raised.

    Any other exception propagates and fails the test.
    """
    try:
        return function(*args, **kwargs)
    except MicroframeError as error:
        return error


def assert_unchanged(array: np.ndarray[Any, Any], copy: np.ndarray[Any, Any]) -> None:
    np.testing.assert_array_equal(array, copy)
    assert array.dtype == copy.dtype


shapes = st.one_of(
    st.tuples(st.integers(0, 5), st.integers(1, 4)),
    st.tuples(st.integers(0, 5)),
    st.tuples(st.integers(1, 3), st.integers(1, 2), st.integers(1, 4)),
)
array_args = st.tuples(
    shapes,
    st.sampled_from(DTYPES),
    st.sampled_from(PLACEMENTS),
    st.sampled_from(LAYOUTS),
    st.integers(0, 2**32 - 1),
)


def build(args: tuple[Any, ...], scale: float = 3.0) -> np.ndarray[Any, Any]:
    shape, dtype, placement, layout, seed = args
    return make_array(
        np.random.default_rng(seed), shape, dtype, placement, layout, scale
    )


def classifier() -> Sequential:
    model = Sequential([Dense(3, 4), Tanh(), Dense(4, 2), Softmax()], seed=0)
    model.compile(loss="categorical_crossentropy", optimizer="adam")
    return model


def expected_x_error(x: np.ndarray[Any, Any], in_features: int) -> type | None:
    """Return the error class fit, evaluate and predict raise for 2-D ``x``."""
    if x.ndim < 2 or len(x) == 0 or x.shape[-1] != in_features:
        return ShapeError
    if has_non_finite(x):
        return InputValueError
    return None


# -- Sequential -----------------------------------------------------------------


@FAST
@given(array_args, st.sampled_from([3.0, 3.0, 1e30, 1e300]))
def test_predict_value_or_own_error(args: tuple[Any, ...], scale: float) -> None:
    x = build(args, scale)
    copy = x.copy()
    model = classifier()
    result = call(model.predict, x, batch_size=2)
    assert_unchanged(x, copy)

    single = x.ndim == 1 and len(x) == 3
    expected = expected_x_error(x.reshape(1, -1) if single else x, 3)
    if expected is not None:
        assert isinstance(result, expected), result
        return
    if scale > 1e38 and x.dtype == np.float64:
        # Too large for the float32 model: the cast is refused.
        assert isinstance(result, InputValueError), result
        return
    assert not isinstance(result, MicroframeError), result
    reference = model.forward(np.asarray(x, dtype=np.float32))
    # Batches of 2 rows may round differently from one call on all rows.
    np.testing.assert_allclose(result, reference, rtol=1e-5)
    assert np.all(np.isfinite(result))
    np.testing.assert_allclose(result.sum(axis=-1), 1.0, rtol=1e-5)


@FAST
@given(array_args, st.sampled_from(["one-hot", "labels", "nan", "wrong-length"]))
def test_evaluate_value_or_own_error(args: tuple[Any, ...], target: str) -> None:
    x = build(args)
    n = len(x) if x.ndim else 0
    y = make_targets(n, target)
    x_copy, y_copy = x.copy(), y.copy()
    model = classifier()
    result = call(model.evaluate, x, y, batch_size=2)
    assert_unchanged(x, x_copy)
    assert_unchanged(y, y_copy)

    expected = expected_x_error(x, 3) or target_error(target)
    if expected is None and x.ndim == 3:
        expected = ShapeError
    if expected is not None:
        assert isinstance(result, expected), result
        return
    assert isinstance(result, dict), result
    assert np.isfinite(result["loss"])
    probabilities = model.forward(np.asarray(x, dtype=np.float32))
    one_hot = np.eye(2)[y] if target == "labels" else y
    manual = -np.log(np.clip(probabilities, 1e-7, 1.0))[one_hot == 1].mean()
    assert result["loss"] == pytest.approx(manual, rel=1e-5)


def make_targets(n: int, target: str) -> np.ndarray[Any, Any]:
    labels = np.arange(n) % 2
    if target == "labels":
        return labels
    one_hot = np.eye(2)[labels]
    if target == "nan" and n:
        one_hot[-1, 0] = np.nan
    if target == "wrong-length":
        return np.eye(2)[np.arange(n + 1) % 2]
    return one_hot


def target_error(target: str) -> type | None:
    return {
        "labels": ShapeError,
        "nan": InputValueError,
        "wrong-length": ShapeError,
    }.get(target)


WEIGHT_ERRORS: dict[str, type | None] = {
    "none": None,
    "ones": None,
    "nan": InputValueError,
    "negative": InputValueError,
    "wrong-length": ShapeError,
}


def make_weights(n: int, kind: str) -> np.ndarray[Any, Any] | None:
    if kind == "none":
        return None
    weights = np.ones(n + 1 if kind == "wrong-length" else n)
    if kind == "nan" and n:
        weights[-1] = np.nan
    if kind == "negative" and n:
        weights[0] = -1.0
    return weights


@FAST
@given(
    array_args,
    st.sampled_from(["one-hot", "labels", "nan", "wrong-length"]),
    st.sampled_from(list(WEIGHT_ERRORS)),
)
def test_fit_value_or_own_error(args: tuple[Any, ...], target: str, kind: str) -> None:
    x = build(args)
    n = len(x) if x.ndim else 0
    y = make_targets(n, target)
    weights = make_weights(n, kind)
    x_copy, y_copy = x.copy(), y.copy()
    model = classifier()
    before = model.get_weights()
    result = call(
        model.fit, x, y, epochs=1, batch_size=2, verbose=0, sample_weight=weights
    )
    assert_unchanged(x, x_copy)
    assert_unchanged(y, y_copy)

    expected = expected_x_error(x, 3) or target_error(target)
    if expected is None and x.ndim == 3:
        # Output (N, T, 2) against one-hot targets (N, 2).
        expected = ShapeError
    if expected is None:
        expected = WEIGHT_ERRORS[kind]
    if expected is not None:
        assert isinstance(result, expected), result
        for old, new in zip(before, model.get_weights(), strict=True):
            for key in old:
                np.testing.assert_array_equal(old[key], new[key])
        return
    assert not isinstance(result, MicroframeError), result
    assert np.isfinite(result.history["loss"][0])
    for layer in model.layers:
        for value in layer.params.values():
            assert np.all(np.isfinite(value))


@FAST
@given(array_args)
def test_forward_backward_value_or_own_error(args: tuple[Any, ...]) -> None:
    x = build(args)
    copy = x.copy()
    model = Sequential([Dense(3, 2), ReLU(), Dense(2, 2)], seed=0, dtype=np.float64)
    out = call(model.forward, x)
    assert_unchanged(x, copy)
    if x.ndim == 0 or x.shape[-1] != 3 or x.size == 0:
        assert isinstance(out, ShapeError), out
        return
    assert isinstance(out, np.ndarray), out
    assert out.shape == x.shape[:-1] + (2,)
    if not has_non_finite(x):
        assert np.all(np.isfinite(out))
    grad = np.ones_like(out)
    grad_copy = grad.copy()
    grad_x = call(model.backward, grad)
    assert_unchanged(grad, grad_copy)
    assert isinstance(grad_x, np.ndarray), grad_x
    assert grad_x.shape == x.shape


# -- layers ----------------------------------------------------------------------

LAYER_FACTORIES: list[Callable[[], Layer]] = [
    lambda: Dense(3, 2),
    lambda: Dense(3, 2, use_bias=False),
    lambda: Dropout(0.5),
    Identity,
    ReLU,
    lambda: LeakyReLU(0.1),
    Sigmoid,
    Tanh,
    Softmax,
    ELU,
    SELU,
    GELU,
    SiLU,
    Softplus,
    Softsign,
    HardSigmoid,
    LogSoftmax,
]

# Layers called on their own do not check for infinity: NumPy's rules apply,
# so only NaN is placed here. Sequential, fit, evaluate and predict take any
# placement (see the tests above).
layer_args = st.tuples(
    shapes,
    st.sampled_from(DTYPES),
    st.sampled_from(["none", "nan"]),
    st.sampled_from(LAYOUTS),
    st.integers(0, 2**32 - 1),
)


@FAST
@given(
    st.sampled_from(LAYER_FACTORIES),
    layer_args,
    st.sampled_from([np.float32, np.float64]),
    st.booleans(),
)
def test_layer_value_or_own_error(
    factory: Callable[[], Layer], args: tuple[Any, ...], dtype: Any, training: bool
) -> None:
    layer = factory()
    layer.build(np.random.default_rng(0), dtype)
    x = build(args)
    copy = x.copy()
    out = call(layer.forward, x, training=training)
    assert_unchanged(x, copy)
    if isinstance(out, MicroframeError):
        assert isinstance(out, ShapeError), out
        in_features = getattr(layer, "in_features", None)
        assert x.ndim == 0 or x.size == 0 or x.shape[-1] != in_features, out
        return
    if x.dtype.kind == "f":
        assert out.dtype == np.result_type(x.dtype, *layer.params.values())
    else:
        assert out.dtype == dtype
    nan_rows = np.isnan(np.asarray(x, dtype=np.float64))
    if not nan_rows.any():
        assert np.all(np.isfinite(out))

    grad = make_array(np.random.default_rng(1), out.shape, np.float64, "none", "plain")
    grad.setflags(write=False)
    grad_in = call(layer.backward, grad)
    assert isinstance(grad_in, np.ndarray), grad_in
    assert grad_in.shape == x.shape
    assert grad_in.dtype.kind == "f"
    wrong = call(layer.backward, np.ones(out.shape + (1,)))
    assert isinstance(wrong, ShapeError), wrong


# Layers that need a particular input rank, each with a shape it accepts.
SHAPED_LAYERS: list[tuple[Callable[[], Layer], tuple[int, ...]]] = [
    (lambda: Conv1D(2, 3, 2), (2, 5, 2)),
    (lambda: Conv1D(2, 3, 3, stride=2, padding="same"), (2, 5, 2)),
    (lambda: Conv2D(2, 3, (2, 3)), (2, 4, 5, 2)),
    (lambda: MaxPool1D(2), (2, 5, 3)),
    (lambda: MaxPool2D(2), (2, 4, 5, 3)),
    (lambda: AvgPool2D(2), (2, 4, 5, 3)),
    (GlobalAveragePooling2D, (2, 4, 5, 3)),
    (lambda: BatchNormalization(3), (4, 3)),
    (lambda: LayerNormalization(3), (4, 3)),
    (lambda: Embedding(5, 3), (4, 2)),
    (Flatten, (2, 3, 4)),
    (lambda: Reshape((2, 3)), (4, 6)),
    (lambda: SimpleRNN(3, 4, return_sequences=True), (2, 5, 3)),
    (lambda: LSTM(3, 4), (2, 5, 3)),
]
RESHAPES = ["same", "one-sample", "extra-axis", "fewer-axes", "wider", "empty"]


def reshaped(shape: tuple[int, ...], how: str) -> tuple[int, ...]:
    """Return ``shape`` with the change that ``how`` names."""
    changes = {
        "same": shape,
        "one-sample": (1,) + shape[1:],
        "extra-axis": shape + (2,),
        "fewer-axes": shape[:-1],
        "wider": shape[:-1] + (shape[-1] + 1,),
        "empty": (0,) + shape[1:],
    }
    return changes[how]


@FAST
@given(
    st.sampled_from(SHAPED_LAYERS),
    st.sampled_from(RESHAPES),
    st.sampled_from(DTYPES),
    st.sampled_from(["none", "nan"]),
    st.sampled_from(LAYOUTS),
    st.booleans(),
)
def test_shaped_layer_value_or_own_error(
    case: tuple[Callable[[], Layer], tuple[int, ...]],
    how: str,
    dtype: Any,
    placement: str,
    layout: str,
    training: bool,
) -> None:
    factory, good_shape = case
    layer = factory()
    layer.build(np.random.default_rng(0), np.float64)
    shape = reshaped(good_shape, how)
    x = make_array(np.random.default_rng(2), shape, dtype, placement, layout)
    if isinstance(layer, Embedding) and x.dtype.kind in "iu":
        x = np.abs(x) % 5
    copy = x.copy()
    out = call(layer.forward, x, training=training)
    assert_unchanged(x, copy)
    integer_ids = x.dtype.kind in "iu" or (x.dtype.kind == "f" and placement == "none")
    expect_value = how in ("same", "one-sample") and (
        not isinstance(layer, Embedding) or (x.dtype.kind in "iu" and integer_ids)
    )
    if isinstance(out, MicroframeError):
        assert not expect_value, out
        return
    if expect_value and placement == "none":
        assert np.all(np.isfinite(out))
    grad_in = call(layer.backward, np.ones(out.shape))
    assert isinstance(grad_in, np.ndarray), grad_in
    assert grad_in.shape == x.shape
    wrong = call(layer.backward, np.ones(out.shape + (1,)))
    assert isinstance(wrong, ShapeError), wrong


ALL_LAYER_FACTORIES = LAYER_FACTORIES + [factory for factory, _ in SHAPED_LAYERS]


@FAST
@given(
    st.sampled_from(ALL_LAYER_FACTORIES),
    st.sampled_from(["abc", None, 1j, [[1], []]]),
)
def test_layer_rejects_non_numbers(factory: Callable[[], Layer], bad: Any) -> None:
    result = call(factory().forward, bad)
    assert isinstance(result, InputTypeError), result


# -- losses ----------------------------------------------------------------------

LOSS_FACTORIES: list[Callable[[], Loss]] = [
    MeanSquaredError,
    HalfSquaredError,
    BinaryCrossEntropy,
    lambda: BinaryCrossEntropy(from_logits=True),
    CategoricalCrossEntropy,
    lambda: CategoricalCrossEntropy(from_logits=True),
    SparseCategoricalCrossEntropy,
    lambda: SparseCategoricalCrossEntropy(from_logits=True, reduction="sum"),
]


def loss_inputs(
    loss: Loss, rng: np.random.Generator, n: int, classes: int
) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]:
    """Return valid ``(y_true, y_pred)`` for ``loss``."""
    logits = rng.standard_normal((n, classes)) * 3
    from_logits = getattr(loss, "from_logits", False)
    if isinstance(loss, SparseCategoricalCrossEntropy):
        e = np.exp(logits - logits.max(axis=1, keepdims=True))
        y_pred = logits if from_logits else e / e.sum(axis=1, keepdims=True)
        return rng.integers(0, classes, n), y_pred
    if isinstance(loss, CategoricalCrossEntropy):
        e = np.exp(logits - logits.max(axis=1, keepdims=True))
        y_pred = logits if from_logits else e / e.sum(axis=1, keepdims=True)
        return np.eye(classes)[rng.integers(0, classes, n)], y_pred
    if isinstance(loss, BinaryCrossEntropy):
        y_pred = logits if from_logits else 1 / (1 + np.exp(-logits))
        return (rng.random((n, classes)) > 0.5).astype(float), y_pred
    return rng.standard_normal((n, classes)), logits


@FAST
@given(
    st.sampled_from(LOSS_FACTORIES),
    st.integers(0, 4),
    st.integers(1, 3),
    st.sampled_from(["valid", "nan-true", "nan-pred", "inf-pred", "shape", "weights"]),
    st.sampled_from([np.float16, np.float32, np.float64, np.int64]),
    st.sampled_from(LAYOUTS),
    st.integers(0, 2**32 - 1),
)
def test_loss_value_or_own_error(
    factory: Callable[[], Loss],
    n: int,
    classes: int,
    trouble: str,
    dtype: Any,
    layout: str,
    seed: int,
) -> None:
    loss = factory()
    rng = np.random.default_rng(seed)
    y_true, y_pred = loss_inputs(loss, rng, n, classes)
    if dtype is np.int64:
        y_pred = np.rint(y_pred).astype(np.int64)
    else:
        y_pred = y_pred.astype(dtype)
    weights = None
    if trouble == "nan-true" and n and y_true.dtype.kind == "f":
        y_true[0].flat[0] = np.nan
    elif trouble in ("nan-pred", "inf-pred") and n and dtype is not np.int64:
        y_pred[-1, 0] = np.nan if trouble == "nan-pred" else np.inf
    elif trouble == "shape":
        y_true = np.concatenate([y_true, y_true[:1]]) if n else np.zeros(3)
    elif trouble == "weights":
        weights = -np.ones(n)
    if layout == "read-only":
        y_true.setflags(write=False)
        y_pred.setflags(write=False)
    elif layout == "strided":
        y_pred = np.repeat(y_pred, 2, axis=0)[::2]
    copies = (y_true.copy(), y_pred.copy())

    value = call(loss, y_true, y_pred, weights)
    assert_unchanged(y_true, copies[0])
    assert_unchanged(y_pred, copies[1])
    if isinstance(value, MicroframeError):
        assert n == 0 or trouble != "valid" or dtype is np.int64, value
        return
    assert trouble in ("valid", "nan-pred", "inf-pred") or (
        trouble == "nan-true" and y_true.dtype.kind != "f"
    )
    assert n > 0
    grad = loss.backward()
    assert grad.shape == y_pred.shape
    if trouble in ("valid", "nan-true"):
        assert np.isfinite(value)
        assert np.all(np.isfinite(grad))


# -- constructors ----------------------------------------------------------------

hyperparameters = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(-5, 5),
    st.booleans(),
    st.none(),
    st.text(max_size=3),
)


OPTIMIZER_CLASSES: list[type[Optimizer]] = [SGD, Adam, AdamW, Nadam, RMSprop, Adagrad]


@FAST
@given(
    st.sampled_from(OPTIMIZER_CLASSES),
    st.data(),
    hyperparameters,
)
def test_optimizer_constructors(
    cls: type[Optimizer], data: st.DataObject, value: Any
) -> None:
    names = list(inspect.signature(cls.__init__).parameters)[1:]
    name = data.draw(st.sampled_from(names))
    result = call(cls, **{name: value})
    if isinstance(result, MicroframeError):
        assert isinstance(result, ConfigurationError), result
        assert name in str(result), result
        return
    learning_rate = result.learning_rate
    assert callable(learning_rate) or 0 < learning_rate < np.inf
    for attribute in ("momentum", "beta_1", "beta_2", "rho"):
        if hasattr(result, attribute):
            assert 0.0 <= getattr(result, attribute) < 1.0


@FAST
@given(hyperparameters, hyperparameters)
def test_layer_and_loss_constructors(first: Any, second: Any) -> None:
    for factory in (
        lambda: Dense(first, second),
        lambda: Dropout(first),
        lambda: LeakyReLU(first),
        lambda: BinaryCrossEntropy(epsilon=first),
        lambda: CategoricalCrossEntropy(reduction=first),
    ):
        result = call(factory)
        if isinstance(result, MicroframeError):
            assert isinstance(result, ConfigurationError), result
            continue
        if isinstance(result, Dense):
            assert result.in_features >= 1
            assert result.out_features >= 1
        if isinstance(result, Dropout):
            assert 0.0 <= result.rate < 1.0
