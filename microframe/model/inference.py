"""Inference for ``Sequential``: predict, evaluate and metric resolution.

Both run in batches: the input is checked once without a copy, and each
batch is cast to the model's dtype on its own.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

from microframe import losses, metrics
from microframe._validation import (
    as_numeric_array,
    cast_finite,
    check_positive_int,
)
from microframe.errors import ConfigurationError, ShapeError
from microframe.layers.base import Array
from microframe.training import (
    batch_slices,
    check_finite_output,
    check_x,
    prepare_sample_weight,
    prepare_y,
)

if TYPE_CHECKING:
    from microframe.model.sequential import Sequential


def resolve_metrics(
    model: Sequential, y: Array, x_shape: tuple[int, ...] | None = None
) -> list[metrics.Metric]:
    resolved: list[metrics.Metric] = []
    output_shape = output_shape_for(model, y, x_shape)
    for metric in model.metrics:
        if isinstance(metric, str):
            resolved.append(metrics.accuracy_for(y, output_shape))
        else:
            resolved.append(metric)
    names = [metric.name for metric in resolved]
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        raise ConfigurationError(
            f"compile: several metrics report under the name {repeated[0]!r}, "
            f"so one would overwrite the other in the logs (metrics: {names}); "
            "keep one of them, or subclass one and set its name attribute."
        )
    return resolved


def output_shape_for(
    model: Sequential, y: Array, x_shape: tuple[int, ...] | None = None
) -> tuple[int, ...]:
    shape: tuple[int | None, ...] = (None,) + y.shape[1:]
    first = model.layers[0] if model.layers else None
    in_features = getattr(first, "in_features", None)
    start: tuple[int | None, ...] | None = None
    if in_features is not None:
        start = (None, in_features)
    elif x_shape is not None:
        # Layers without in_features (Conv2D, LSTM...) need the input's
        # rank and sizes to compute their output shape.
        start = (None,) + tuple(x_shape[1:])
    if start is not None:
        shape = start
        for layer in model.layers:
            shape = layer.compute_output_shape(shape)
    return tuple(1 if d is None else d for d in shape)


def predict(model: Sequential, x: Any, *, batch_size: int = 1024) -> Array:
    """Return the model's output for ``x``, computed ``batch_size`` rows at a time.

    A 1-D ``x`` whose length equals the first layer's ``in_features`` is
    one sample: the result is that sample's output without the batch
    axis. An input with no rows raises ``ShapeError``.

    Shapes:
        x: ``(N, ...)`` or ``(D_in,)``. Returns ``(N, ...)`` or ``(D_out,)``.
    """
    batch_size = check_positive_int(batch_size, "predict batch_size")
    array = as_numeric_array(x, "predict x")
    single = is_single_sample(model, array)
    if single:
        array = array.reshape(1, -1)
    # Checked but not cast: each batch is cast to the model's dtype on
    # its own, so a large input is never copied as a whole.
    array = check_x(array, "predict", "x", model._check_input_features)
    result = predict_batches(model, array, batch_size)
    return result[0] if single else result


def is_single_sample(model: Sequential, array: Array) -> bool:
    in_features = (
        getattr(model.layers[0], "in_features", None) if model.layers else None
    )
    return array.ndim == 1 and in_features is not None and len(array) == in_features


def check_input_features(model: Sequential, x: Array, component: str) -> None:
    first = model.layers[0] if model.layers else None
    in_features = getattr(first, "in_features", None)
    if first is None or in_features is None or x.shape[-1] == in_features:
        return
    raise ShapeError(
        f"{component}: the first layer {first.name} expects {in_features} "
        f"features on the last axis of x, got shape {x.shape}; pass x with "
        f"{in_features} columns or change the first layer's in_features."
    )


def check_targets(model: Sequential, loss: losses.Loss, x: Array, y: Array) -> None:
    """Check ``y`` against the output shape, found from one sample of ``x``."""
    first = cast_finite(x[:1], model.dtype, "x")
    output_shape = (len(y),) + model.forward(first).shape[1:]
    loss.check_target(y, output_shape)


def predict_batches(model: Sequential, array: Array, batch_size: int) -> Array:
    out: Array | None = None
    for rows in batch_slices(len(array), batch_size):
        batch = cast_finite(array[rows], model.dtype, "predict x", rows.start)
        batch_out = model.forward(batch, training=False)
        check_finite_output(batch_out, rows.start, "predict")
        if out is None:
            out = np.empty((len(array),) + batch_out.shape[1:], batch_out.dtype)
        out[rows] = batch_out
    assert out is not None  # check_x rejects inputs with no rows
    return out


def evaluate(
    model: Sequential,
    x: Any,
    y: Any,
    *,
    batch_size: int = 1024,
    sample_weight: Any = None,
    class_weight: Mapping[Any, float] | None = None,
) -> dict[str, float]:
    """Return the loss and metrics on ``(x, y)``, computed in batches.

    The loss is the mean of the batch losses, each weighted by its
    number of samples, as in ``fit``. ``sample_weight`` and
    ``class_weight`` work as in ``fit`` and weight the loss and every
    metric.
    """
    batch_size = check_positive_int(batch_size, "evaluate batch_size")
    # x is cast one batch at a time, as in predict.
    x_array = check_x(x, "evaluate", "x", model._check_input_features)
    y_array = prepare_y(y, x_array, model.dtype, "evaluate")
    loss, _ = model._resolve_defaults(y_array, "evaluate")
    check_targets(model, loss, x_array, y_array)
    weights = prepare_sample_weight(
        sample_weight, class_weight, y_array, loss, "evaluate"
    )
    return evaluate_arrays(
        model,
        x_array,
        y_array,
        weights,
        loss,
        resolve_metrics(model, y_array, x_array.shape),
        batch_size,
    )


def evaluate_arrays(
    model: Sequential,
    x: Array,
    y: Array,
    weights: Array | None,
    loss: losses.Loss,
    metric_list: list[metrics.Metric],
    batch_size: int,
) -> dict[str, float]:
    for metric in metric_list:
        metric.reset()
    total = 0.0
    for rows in batch_slices(len(x), batch_size):
        batch = cast_finite(x[rows], model.dtype, "evaluate x", rows.start)
        y_pred = model.forward(batch, training=False)
        check_finite_output(y_pred, rows.start, "evaluate")
        batch_weights = None if weights is None else weights[rows]
        total += loss(y[rows], y_pred, batch_weights) * (rows.stop - rows.start)
        for metric in metric_list:
            metric.update(y[rows], y_pred, batch_weights)
    results = {"loss": total / len(x)}
    for metric in metric_list:
        results[metric.name] = metric.result()
    return results
