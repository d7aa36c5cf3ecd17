"""One training step written out layer by layer, in textbook order."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from microframe import losses, optimizers
from microframe.layers.base import Array
from microframe.training import prepare_y
from microframe.viz._network import as_batch, forward_layer

if TYPE_CHECKING:
    from microframe.model import Sequential

# Printed digits of arrays, as in the backpropagation exercise.
ARRAY_PRECISION = 8


@dataclass
class LayerStep:
    """The values one layer computed during the step.

    Attributes:
        index: position of the layer in the model.
        name: the layer's name, such as ``"Dense(3 -> 2)"``.
        input: the layer's input, ``(N, ...)``.
        output: the layer's output, ``(N, ...)``.
        delta: the error term for the layer's input, ``-dL/d(input)``,
            with the loss ``L`` of the whole batch. After an activation this
            is the textbook delta of the layer below.
        grads: the gradient of ``L`` for each parameter.
        changes: each parameter after the update minus before.
    """

    index: int
    name: str
    input: Array
    output: Array
    delta: Array | None = None
    grads: dict[str, Array] = field(default_factory=dict)
    changes: dict[str, Array] = field(default_factory=dict)


@dataclass
class StepExplanation:
    """A training step, with the text ``str()`` prints.

    Attributes:
        layers: one ``LayerStep`` per layer, in model order.
        loss_name: ``repr`` of the loss used.
        optimizer_name: ``repr`` of the optimizer used.
        loss: the loss value for the batch.
        output_error: ``-dL/d(y_pred)``; for the half squared error with
            ``reduction="sum"`` this is ``y_true - y_pred``.
        applied: whether the model's weights were updated.
    """

    layers: list[LayerStep]
    loss_name: str
    optimizer_name: str
    loss: float
    output_error: Array
    applied: bool

    def __str__(self) -> str:
        return "\n".join(_describe(self))


def format_values(array: Array, single: bool) -> str:
    """Format ``array`` for the text: a scalar as its repr, else with 8 decimals.

    When ``single`` is true the batch axis of a one-sample batch is dropped,
    so one sample reads as the exercise prints it.
    """
    values = array[0] if single and array.ndim > 1 else array
    if values.size == 1:
        return repr(float(values.reshape(-1)[0]))
    return np.array2string(values, precision=ARRAY_PRECISION)


def _line(label: str, array: Array, single: bool, indent: str = "    ") -> str:
    text = format_values(array, single)
    if "\n" not in text:
        return f"{indent}{label}: {text}"
    inner = "\n".join(indent + "  " + row for row in text.splitlines())
    return f"{indent}{label}:\n{inner}"


def _describe(step: StepExplanation) -> list[str]:
    batch_size = len(step.layers[0].input) if step.layers else 0
    single = batch_size == 1
    samples = "1 sample" if single else f"{batch_size} samples"
    lines = [
        f"Training step on {samples}",
        f"loss {step.loss_name}, optimizer {step.optimizer_name}",
    ]

    lines.append("1. Forward pass")
    for layer in step.layers:
        lines.append(f"  layer {layer.index}: {layer.name}")
        lines.append(_line("input", layer.input, single))
        lines.append(_line("output", layer.output, single))

    lines.append("2. Loss")
    lines.append(f"    loss: {step.loss!r}")
    lines.append(_line("output error -dL/d(y_pred)", step.output_error, single))

    lines.append("3. Backward pass, error terms delta = -dL/d(layer input)")
    for layer in reversed(step.layers):
        lines.append(f"  layer {layer.index}: {layer.name}")
        if layer.delta is not None:
            lines.append(_line("delta", layer.delta, single))
        for key, grad in layer.grads.items():
            lines.append(_line(f"dL/d{key}", grad, single=False))

    lines.append("4. Update, change = after - before")
    for layer in reversed(step.layers):
        if layer.changes:
            lines.append(f"  layer {layer.index}: {layer.name}")
        for key, change in layer.changes.items():
            lines.append(_line(f"change in {key}", change, single=False))

    status = "applied to the model" if step.applied else "not applied (apply=False)"
    lines.append(f"The update was {status}.")
    return lines


def explain_step(
    model: Sequential,
    x: Any,
    y: Any,
    *,
    loss: str | losses.Loss | None = None,
    optimizer: str | optimizers.Optimizer | None = None,
    apply: bool = False,
    show: bool = False,
) -> StepExplanation:
    """Compute one training step and write it out layer by layer.

    The step runs the forward pass layer by layer, computes the loss and
    ``-dL/d(y_pred)``, runs every layer's ``backward`` from the last layer
    to the first, and takes one optimizer step. Unlike ``fit``, it always
    chains the loss and output activation gradients, even where ``fit``
    uses the shorter ``y_pred - y_true`` form; the two agree to rounding.

    Args:
        model: the model; with ``apply=False`` it is left unchanged.
        x: one sample ``(D,)`` or a small batch ``(N, D)``.
        y: the targets for ``x``.
        loss: the loss; defaults to the compiled loss, or else the loss
            ``fit`` would choose for the output layer.
        optimizer: the optimizer; defaults to the compiled one, or else
            ``SGD(learning_rate=0.01)``.
        apply: when false (the default) the step runs on copies of the
            layers and the optimizer, so the model's weights and the
            optimizer's state (Adam moments, step count) do not change;
            dropout masks are then drawn from a copy of the model's
            generator, which stays where it was. When true the model's
            weights, generator and optimizer are updated.
        show: print the text as well as returning it.

    Returns:
        A ``StepExplanation``; ``str()`` of it is the text.
    """
    batch = as_batch(model, x, "explain_step x")
    if np.ndim(x) == 1:
        # One sample: its targets become a batch of one row, as x did.
        y = np.reshape(y, (1, -1))
    target = prepare_y(y, batch, model.dtype, "explain_step")
    if loss is not None:
        loss_object = losses.get(loss)
        model._check_loss_matches_output(loss_object, "explain_step")
    elif model.loss is not None:
        loss_object = model.loss
    else:
        loss_object = model._default_loss(target)
    if optimizer is not None:
        optimizer_object = optimizers.get(optimizer)
    elif model.optimizer is not None:
        optimizer_object = model.optimizer
    else:
        optimizer_object = optimizers.SGD(learning_rate=0.01)
    if not apply:
        optimizer_object = copy.deepcopy(optimizer_object)
        loss_object = copy.deepcopy(loss_object)
    layers = model.layers if apply else copy.deepcopy(model.layers)

    steps = []
    out = batch
    for index, layer in enumerate(layers):
        layer_input = out
        out = forward_layer(layer, out, training=True)
        steps.append(LayerStep(index, layer.name, layer_input.copy(), out.copy()))
    value = loss_object(target, out)
    grad = loss_object.backward()
    output_error = -grad

    for step, layer in zip(reversed(steps), reversed(layers), strict=True):
        grad = layer.backward(grad)
        step.delta = -grad
        step.grads = {key: g.copy() for key, g in layer.grads.items()}

    before = [{k: v.copy() for k, v in layer.params.items()} for layer in layers]
    optimizer_object.step(layers)
    for step, layer, old in zip(steps, layers, before, strict=True):
        step.changes = {k: layer.params[k] - v for k, v in old.items()}

    explanation = StepExplanation(
        layers=steps,
        loss_name=repr(loss_object),
        optimizer_name=repr(optimizer_object),
        loss=value,
        output_error=output_error,
        applied=apply,
    )
    if show:
        print(explanation)
    return explanation
