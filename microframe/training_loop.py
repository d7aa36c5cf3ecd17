"""The epoch and batch loop behind ``Sequential.fit``."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from microframe._validation import ignore_float_errors_in_layers
from microframe.callbacks import Callback, CallbackList
from microframe.layers.base import Array, Layer
from microframe.losses import Loss
from microframe.metrics import Metric
from microframe.optimizers import Optimizer
from microframe.training import BatchGatherer, count_batches

if TYPE_CHECKING:
    from microframe.model import Sequential


def run_epochs(
    model: Sequential,
    *,
    x: BatchGatherer,
    y: BatchGatherer,
    weights: Array | None,
    loss: Loss,
    optimizer: Optimizer,
    metric_list: list[Metric],
    epochs: int,
    batch_size: int,
    shuffle: bool,
    validation: tuple[Array, Array, Array | None] | None,
    callbacks: CallbackList,
) -> None:
    """Train ``model`` for ``epochs`` passes, calling every callback hook."""
    n = len(x.array)
    model.stop_training = False
    callbacks.on_train_begin({})
    try:
        # Overflow while training shows up as a non-finite loss, which raises
        # NonFiniteLossError with the epoch and batch, so NumPy's own warnings
        # would only repeat it less precisely.
        with ignore_float_errors_in_layers():
            for epoch in range(model.epochs_trained, model.epochs_trained + epochs):
                callbacks.on_epoch_begin(epoch, {})
                logs = _train_one_epoch(
                    model,
                    x,
                    y,
                    weights,
                    loss,
                    optimizer,
                    metric_list,
                    epoch=epoch,
                    n=n,
                    batch_size=batch_size,
                    shuffle=shuffle,
                    callbacks=callbacks,
                )
                if validation is not None:
                    x_val, y_val, w_val = validation
                    val_logs = model._evaluate_arrays(
                        x_val,
                        y_val,
                        w_val,
                        loss,
                        metric_list,
                        batch_size=max(batch_size, 1024),
                    )
                    logs.update({f"val_{k}": v for k, v in val_logs.items()})
                model.epochs_trained = epoch + 1
                callbacks.on_epoch_end(epoch, logs)
                if model.stop_training:
                    break
    finally:
        callbacks.on_train_end({})


def _train_one_epoch(
    model: Sequential,
    x: BatchGatherer,
    y: BatchGatherer,
    weights: Array | None,
    loss: Loss,
    optimizer: Optimizer,
    metric_list: list[Metric],
    *,
    epoch: int,
    n: int,
    batch_size: int,
    shuffle: bool,
    callbacks: CallbackList,
) -> dict[str, float]:
    order = model.rng.permutation(n) if shuffle else np.arange(n)
    for metric in metric_list:
        metric.reset()
    layers = model.layers
    # Most runs have no per-batch callback (History and TerminateOnNaN work
    # per epoch), so the loop skips the hooks and their logs dicts then.
    begin_hooks = _overridden(callbacks, "on_batch_begin")
    end_hooks = _overridden(callbacks, "on_batch_end")
    total = 0.0
    for batch in range(count_batches(n, batch_size)):
        rows = order[batch * batch_size : (batch + 1) * batch_size]
        if begin_hooks:
            callbacks.on_batch_begin(batch, {})
        x_batch = x.gather(rows)
        y_batch = y.gather(rows)
        w_batch = None if weights is None else weights[rows]

        # Forward and loss. The targets and weights were checked once by fit,
        # so the loss skips its checks, except on the first batch of an
        # epoch, which also checks that the output suits the loss.
        y_pred = x_batch
        for layer in layers:
            y_pred = layer.forward(y_pred, training=True)
        if batch == 0:
            batch_loss = loss(y_batch, y_pred, w_batch)
        else:
            batch_loss = loss.forward(y_batch, y_pred, w_batch)
        if not math.isfinite(batch_loss):
            # TerminateOnNaN, on by default, raises NonFiniteLossError here.
            callbacks.on_nonfinite_loss(epoch, batch, batch_loss)

        backward_and_update(layers, loss, optimizer)
        total += batch_loss * len(rows)
        for metric in metric_list:
            metric.update(y_batch, y_pred, w_batch)
        if end_hooks:
            callbacks.on_batch_end(batch, {"loss": batch_loss})
    logs = {"loss": total / n}
    for metric in metric_list:
        logs[metric.name] = metric.result()
    return logs


def _overridden(callbacks: CallbackList, hook: str) -> bool:
    """Return whether any callback in ``callbacks`` overrides ``hook``."""
    default = getattr(Callback, hook)
    return any(getattr(type(c), hook) is not default for c in callbacks.callbacks)


def backward_and_update(layers: list[Layer], loss: Loss, optimizer: Optimizer) -> None:
    """Backpropagate the last loss through ``layers`` and take one optimizer step."""
    # Skip the output activation when the loss gives the gradient for its
    # input directly (Sigmoid + BCE, Softmax + CCE).
    grad = loss.grad_through(layers[-1]) if layers else None
    stack = layers[:-1] if grad is not None else layers
    if grad is None:
        # fit runs inside np.errstate already; a loss that overrides
        # backward gets its own method called.
        if type(loss).backward is Loss.backward:
            grad = loss._backward_unguarded()
        else:
            grad = loss.backward()
    for layer in reversed(stack[1:]):
        grad = layer.backward(grad)
    # Nothing reads the first layer's input gradient, so it is not computed.
    if stack:
        stack[0].backward_params(grad)
    optimizer.step(layers)
