"""The ``Optimizer`` base class: learning rate, gradient clipping and state."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from microframe._validation import check_number
from microframe.errors import (
    ConfigurationError,
    InputTypeError,
    NotFittedError,
    ShapeError,
)
from microframe.layers.base import Array, Layer

LearningRate = float | Callable[[int], float]


class Optimizer:
    """Base class: ``step(layers)`` updates every ``params`` entry from ``grads``.

    Subclasses implement ``update(key, param, grad, learning_rate)``, which
    changes ``param`` in place. Per-parameter state, such as a momentum
    buffer, lives in ``self.state[key]``, where ``key`` is
    ``"<layer index>.<parameter name>"`` (``"0.weight"``). ``get_state`` and
    ``set_state`` save and restore it with the step count, so training can
    resume exactly.

    Each ``step`` first clips the gradients, then updates. Clipping runs in
    this order, on copies (``layer.grads`` is never changed):

    1. ``clipnorm``: each gradient array whose L2 norm exceeds ``clipnorm``
       is scaled to that norm, ``grad * clipnorm / norm(grad)``.
    2. ``global_clipnorm``: when the L2 norm of all gradients together
       exceeds it, every gradient is scaled by ``global_clipnorm / norm``.
    3. ``clipvalue``: every element is clipped to
       ``[-clipvalue, clipvalue]``.

    Args:
        learning_rate: a positive float, or a callable mapping the step
            count to the learning rate. The step count is the number of
            updates made so far, so the first update uses
            ``learning_rate(0)``.
        clipnorm: maximum L2 norm of each gradient array, ``> 0``.
        clipvalue: maximum absolute value of each gradient element, ``> 0``.
        global_clipnorm: maximum L2 norm of all gradients together, ``> 0``.
    """

    def __init__(
        self,
        learning_rate: LearningRate,
        *,
        clipnorm: float | None = None,
        clipvalue: float | None = None,
        global_clipnorm: float | None = None,
    ) -> None:
        name = type(self).__name__
        if isinstance(learning_rate, type):
            raise InputTypeError(
                f"{name} learning_rate: expected a number or a schedule instance, "
                f"got the class {learning_rate.__name__}; create one with its "
                "arguments, such as StepDecay(0.1, step_size=10)."
            )
        if callable(learning_rate):
            self.learning_rate: LearningRate = learning_rate
        else:
            self.learning_rate = check_positive(learning_rate, f"{name} learning_rate")
        self.clipnorm = _check_clip(clipnorm, f"{name} clipnorm")
        self.clipvalue = _check_clip(clipvalue, f"{name} clipvalue")
        self.global_clipnorm = _check_clip(global_clipnorm, f"{name} global_clipnorm")
        self.iterations = 0
        self.state: dict[str, dict[str, Array]] = {}
        # Per layer index, the state key of each parameter name, built once.
        self._keys: list[dict[str, str]] = []
        # Work arrays for the updates, keyed like ``state`` but never saved.
        self._scratch: dict[tuple[str, str], Array] = {}

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._describe()})"

    def _describe(self) -> str:
        text = f"learning_rate={self.learning_rate!r}"
        for name in ("clipnorm", "clipvalue", "global_clipnorm"):
            value = getattr(self, name)
            if value is not None:
                text += f", {name}={value}"
        return text

    def current_learning_rate(self) -> float:
        """Return the learning rate for the next update."""
        if callable(self.learning_rate):
            try:
                value = float(self.learning_rate(self.iterations))
            except (TypeError, ValueError) as error:
                raise ConfigurationError(
                    f"{type(self).__name__}: the learning-rate schedule failed at "
                    f"step {self.iterations} ({error}); it must take the step "
                    "number and return a finite number >= 0."
                ) from error
            if not np.isfinite(value) or value < 0:
                raise ConfigurationError(
                    f"{type(self).__name__}: the learning-rate schedule returned "
                    f"{value} at step {self.iterations}; it must return a finite "
                    "number >= 0."
                )
            return value
        return self.learning_rate

    def step(self, layers: Sequence[Layer]) -> None:
        """Clip the gradients of ``layers``, then update their parameters once."""
        # A list passes at once; hasattr costs a raised AttributeError.
        if type(layers) is not list and (
            isinstance(layers, Layer) or hasattr(layers, "layers")
        ):
            raise InputTypeError(
                f"{type(self).__name__}.step: expected a list of layers, got "
                f"{type(layers).__name__}; pass model.layers, or [layer] for a "
                "single layer."
            )
        learning_rate = self.current_learning_rate()
        entries = self._collect(layers)
        if self.clipnorm is not None or self.global_clipnorm is not None:
            entries = self._clip_norms(entries)
        if self.clipvalue is not None:
            limit = self.clipvalue
            entries = [(k, p, np.clip(g, -limit, limit)) for k, p, g in entries]
        self.begin_step()
        for key, param, grad in entries:
            self.update(key, param, grad, learning_rate)
        self.iterations += 1

    def _collect(self, layers: Sequence[Layer]) -> list[tuple[str, Array, Array]]:
        while len(self._keys) < len(layers):
            self._keys.append({})
        entries = []
        for index, layer in enumerate(layers):
            params = layer.params
            if not params:
                continue
            keys = self._keys[index]
            for name, param in params.items():
                grad = layer.grads.get(name)
                if grad is None:
                    raise NotFittedError(
                        f"{type(self).__name__}.step: {layer.name} has no "
                        f"gradient for {name!r}; call backward before step, and "
                        f"make {layer.name}.backward set grads[{name!r}]."
                    )
                # np.shape also reads lists, but costs more than .shape.
                if type(grad) is not np.ndarray or grad.shape != param.shape:
                    self._check_grad_shape(layer, name, param, grad)
                key = keys.get(name)
                if key is None:
                    key = keys[name] = f"{index}.{name}"
                entries.append((key, param, grad))
        return entries

    def _check_grad_shape(
        self, layer: Layer, name: str, param: Array, grad: Array
    ) -> None:
        if np.shape(grad) != param.shape:
            raise ShapeError(
                f"{type(self).__name__}.step: {layer.name}.grads[{name!r}] "
                f"has shape {np.shape(grad)}, but the parameter has shape "
                f"{param.shape}; backward must store one gradient per "
                "parameter entry, summed over the batch."
            )

    def _clip_norms(
        self, entries: list[tuple[str, Array, Array]]
    ) -> list[tuple[str, Array, Array]]:
        if self.clipnorm is not None:
            clipped = []
            for key, param, grad in entries:
                norm = float(np.sqrt(np.vdot(grad, grad)))
                if norm > self.clipnorm:
                    grad = grad * (self.clipnorm / norm)
                clipped.append((key, param, grad))
            entries = clipped
        if self.global_clipnorm is not None:
            total = sum(float(np.vdot(grad, grad)) for _, _, grad in entries)
            norm = float(np.sqrt(total))
            if norm > self.global_clipnorm:
                scale = self.global_clipnorm / norm
                entries = [(k, p, g * scale) for k, p, g in entries]
        return entries

    def begin_step(self) -> None:
        """Compute values shared by every parameter of the coming update.

        Called once per ``step`` after clipping and before the first
        ``update``; ``self.iterations`` is still the count before this step.
        """

    def update(self, key: str, param: Array, grad: Array, learning_rate: float) -> None:
        """Change ``param`` in place using ``grad``."""
        raise NotImplementedError(f"{type(self).__name__} must implement update().")

    def get_state(self) -> dict[str, Any]:
        """Return the step count, scalar state and per-parameter slots.

        The result holds only ints, floats and NumPy arrays (in nested
        dicts keyed by strings), so it can be stored as arrays plus JSON.
        """
        return {
            "iterations": self.iterations,
            "scalars": self._get_scalars(),
            "state": {
                key: {slot: value.copy() for slot, value in slots.items()}
                for key, slots in self.state.items()
            },
        }

    def set_state(self, state: dict[str, Any]) -> None:
        """Restore what ``get_state`` returned; arrays are copied."""
        self.iterations = int(state["iterations"])
        self._set_scalars(dict(state.get("scalars", {})))
        self.state = {
            key: {slot: np.array(value) for slot, value in slots.items()}
            for key, slots in state["state"].items()
        }

    def _get_scalars(self) -> dict[str, float]:
        return {}

    def _set_scalars(self, scalars: dict[str, float]) -> None:
        """Restore scalar state; subclasses with scalars override this."""

    def _slot(self, key: str, slot: str, like: Array, fill: float = 0.0) -> Array:
        slots = self.state.setdefault(key, {})
        if slot not in slots:
            slots[slot] = np.full_like(like, fill)
        elif slots[slot].shape != like.shape:
            raise ShapeError(
                f"{type(self).__name__}: the state {slot!r} of parameter {key!r} "
                f"has shape {slots[slot].shape}, but the parameter has shape "
                f"{like.shape}; an optimizer keeps state for one model, so give "
                "each model its own optimizer object."
            )
        return slots[slot]

    def _work(self, key: str, name: str, like: Array) -> Array:
        """Return a work array shaped like ``like``, reused across steps.

        Unlike ``_slot``, its content is not kept between steps and not
        saved: updates write into it with ``out=`` instead of creating a
        temporary as large as the parameter on every step.
        """
        work = self._scratch.get((key, name))
        if work is None or work.shape != like.shape or work.dtype != like.dtype:
            work = self._scratch[key, name] = np.empty_like(like)
        return work


def check_positive(value: float, name: str) -> float:
    """Return ``value`` as a float after checking that it is above 0."""
    return check_number(value, name, low=0.0, low_inclusive=False)


def check_decay(value: float, name: str) -> float:
    """Return ``value`` as a float after checking that it is in ``[0, 1)``."""
    return check_number(value, name, low=0.0, high=1.0, high_inclusive=False)


def _check_clip(value: float | None, name: str) -> float | None:
    return None if value is None else check_positive(value, name)
