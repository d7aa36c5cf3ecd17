"""``Sequential.fit``: argument checks, validation data and callbacks."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from microframe import losses
from microframe._validation import check_positive_int
from microframe.callbacks import (
    Callback,
    CallbackList,
    EpochLogger,
    History,
    ProgressBar,
    TerminateOnNaN,
)
from microframe.errors import ConfigurationError, InputTypeError
from microframe.layers.base import Array
from microframe.model.outputs import PROBABILITY_LOSSES
from microframe.training import (
    BatchGatherer,
    class_labels,
    prepare_sample_weight,
    prepare_x,
    prepare_y,
    split_validation,
    warn_single_class,
)
from microframe.training_loop import run_epochs

if TYPE_CHECKING:
    from microframe.model.sequential import Sequential


def build_callback_list(
    history: History,
    callbacks: Sequence[Callback] | None,
    *,
    epochs: int,
    verbose: int,
    terminate_on_nan: bool,
) -> CallbackList:
    """Return the callbacks of one fit: History, NaN check, the user's, progress."""
    if isinstance(callbacks, Callback):
        raise InputTypeError(
            f"fit: expected a list of callbacks, got one "
            f"{type(callbacks).__name__}; pass callbacks=[callback]."
        )
    user = list(callbacks or [])
    for position, callback in enumerate(user):
        if not isinstance(callback, Callback):
            raise InputTypeError(
                f"fit: expected Callback objects in callbacks, got "
                f"{type(callback).__name__} at position {position}; wrap "
                "functions in LambdaCallback."
            )
    chosen: list[Callback] = [history]
    has_nan_check = any(isinstance(c, TerminateOnNaN) for c in user)
    if terminate_on_nan and not has_nan_check:
        chosen.append(TerminateOnNaN())
    chosen += user
    # Progress output comes last, so it shows what other callbacks logged.
    if verbose == 1:
        chosen.append(ProgressBar())
    elif verbose >= 2:
        chosen.append(EpochLogger(epochs))
    return CallbackList(chosen)


def stratify_labels(y: Array, loss: losses.Loss) -> Array:
    """Return one class label per sample for a stratified validation split."""
    labels = class_labels(y, loss)
    if labels.shape != (len(y),):
        raise ConfigurationError(
            f"fit: validation_stratify needs one class label per sample, but "
            f"the targets of shape {y.shape} give labels of shape "
            f"{labels.shape}; use validation_data for per-position labels."
        )
    return labels


def describe(value: Any) -> str:
    """Name the type of ``value``, with the length of a tuple or list."""
    if isinstance(value, (tuple, list)):
        return f"a {type(value).__name__} of length {len(value)}"
    return f"a {type(value).__name__}"


def fit(
    model: Sequential,
    x: Any,
    y: Any,
    *,
    epochs: int,
    batch_size: int,
    shuffle: bool,
    validation_split: float,
    validation_data: tuple[Any, ...] | None,
    validation_stratify: bool,
    verbose: int,
    callbacks: Sequence[Callback] | None,
    sample_weight: Any,
    class_weight: Mapping[Any, float] | None,
    terminate_on_nan: bool,
) -> History:
    """Train ``model``; ``Sequential.fit`` documents the arguments."""
    if not model.layers:
        raise ConfigurationError(
            "fit: the model has no layers, so there is nothing to train; "
            "pass the layers to Sequential([...])."
        )
    epochs = check_positive_int(epochs, "fit epochs", minimum=0)
    batch_size = check_positive_int(batch_size, "fit batch_size")
    if isinstance(verbose, bool):
        verbose = int(verbose)
    verbose = check_positive_int(verbose, "fit verbose", minimum=0)
    x_array = prepare_x(x, model.dtype, "fit", "x", model._check_input_features)
    y_array = prepare_y(y, x_array, model.dtype, "fit")
    loss, optimizer = model._resolve_defaults(y_array)
    model._check_loss_matches_output(loss)
    model._check_targets(loss, x_array, y_array)
    weights = prepare_sample_weight(sample_weight, class_weight, y_array, loss)
    is_classification = isinstance(loss, PROBABILITY_LOSSES)

    validation = None
    if validation_data is not None:
        validation = prepare_validation_data(model, validation_data)
        model._check_targets(loss, validation[0], validation[1])
    elif validation_split:
        labels = None
        if validation_stratify:
            labels = stratify_labels(y_array, loss)
        train_rows, val_rows = split_validation(
            len(x_array), validation_split, model.rng, labels
        )
        validation = (
            x_array[val_rows],
            y_array[val_rows],
            None if weights is None else weights[val_rows],
        )
        x_array, y_array = x_array[train_rows], y_array[train_rows]
        weights = None if weights is None else weights[train_rows]
    if validation is not None:
        warn_single_class(validation[1], is_classification, loss)
    targets = prepare_targets(model, loss, x_array, y_array)
    if weights is not None:
        weights = weights.astype(model.dtype)

    history = History()
    metric_list = model._resolve_metrics(y_array, x_array.shape)
    # Epochs are numbered from the model's first fit, so a second call
    # shows "Epoch 3/3" rather than "Epoch 3/1".
    last_epoch = model.epochs_trained + epochs
    callback_list = build_callback_list(
        history,
        callbacks,
        epochs=last_epoch,
        verbose=verbose,
        terminate_on_nan=terminate_on_nan,
    )
    callback_list.set_model(model)
    callback_list.set_params(
        {
            "epochs": last_epoch,
            "steps": math.ceil(len(x_array) / batch_size),
            "samples": len(x_array),
            "batch_size": batch_size,
            "verbose": verbose,
            "metrics": metric_list,
        }
    )
    run_epochs(
        model,
        x=BatchGatherer(x_array, batch_size),
        y=BatchGatherer(targets, batch_size),
        weights=weights,
        loss=loss,
        optimizer=optimizer,
        metric_list=metric_list,
        epochs=epochs,
        batch_size=batch_size,
        shuffle=bool(shuffle),
        validation=validation,
        callbacks=callback_list,
    )
    return history


def prepare_targets(model: Sequential, loss: losses.Loss, x: Array, y: Array) -> Array:
    """Check every target once, so that ``fit``'s batches can skip the checks.

    The loss needs the shape and dtype of the model's output, which a
    forward pass on the first sample gives. A broadcast view of that
    output takes the place of the output on all samples, so nothing of
    that size is allocated.
    """
    probe = model.forward(x[:1])
    stand_in = np.broadcast_to(probe, (len(y),) + probe.shape[1:])
    return loss.prepare_targets(y, stand_in)


def prepare_validation_data(
    model: Sequential, data: tuple[Any, ...]
) -> tuple[Array, Array, Array | None]:
    if not isinstance(data, (tuple, list)) or len(data) not in (2, 3):
        raise InputTypeError(
            "fit: validation_data must be a tuple (x_val, y_val) or "
            f"(x_val, y_val, sample_weight_val), got {describe(data)}; "
            "pass validation_data=(x_val, y_val)."
        )
    x_val = prepare_x(
        data[0], model.dtype, "fit", "validation_data x", model._check_input_features
    )
    y_val = prepare_y(data[1], x_val, model.dtype, "fit", "validation_data y")
    weights = prepare_sample_weight(data[2] if len(data) == 3 else None, None, y_val)
    return x_val, y_val, weights
