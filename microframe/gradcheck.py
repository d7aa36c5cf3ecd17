"""Finite-difference gradient checks for layers, models and losses."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np

from microframe.errors import (
    ConfigurationError,
    GradientCheckError,
    InputTypeError,
    NotFittedError,
)
from microframe.layers.base import Array, Layer
from microframe.losses.base import Loss


class _Differentiable(Protocol):
    def forward(self, x: Any, training: bool = False) -> Array: ...

    def backward(self, grad_output: Any) -> Array: ...


@dataclass
class GradcheckReport:
    """Largest error per checked array: ``"input"`` and ``"<layer>.<param>"``.

    ``errors[name]`` is ``max(|analytic - numeric| / (atol + rtol * |numeric|))``:
    a value of at most 1 means the gradient passes.
    """

    errors: dict[str, float] = field(default_factory=dict)

    @property
    def passed(self) -> bool:
        """Whether every checked gradient is within tolerance."""
        return all(error <= 1.0 for error in self.errors.values())

    def failures(self) -> list[str]:
        """Return the names of the arrays whose gradients failed."""
        return [name for name, error in self.errors.items() if error > 1.0]


def _layers_of(target: Any) -> list[Layer]:
    if isinstance(target, Layer):
        return [target]
    layers = getattr(target, "layers", None)
    if isinstance(layers, list) and all(isinstance(item, Layer) for item in layers):
        return layers
    raise InputTypeError(
        "gradcheck: expected a Layer or a Sequential model, got "
        f"{type(target).__name__}; wrap the computation in a Layer subclass."
    )


def _reseed(layers: list[Layer], seed: int) -> None:
    # Training-time noise (dropout) must draw the same values in every
    # forward pass, or the finite differences would measure the noise.
    for layer in layers:
        layer.rng = np.random.default_rng(seed)


def gradcheck(
    target: Any,
    x: Any,
    *,
    training: bool = False,
    epsilon: float = 1e-6,
    atol: float = 1e-6,
    rtol: float = 1e-4,
    seed: int = 0,
    raise_on_failure: bool = True,
) -> GradcheckReport:
    """Compare a layer's or model's analytic gradients with central differences.

    The scalar checked is ``sum(r * forward(x))`` for a fixed random ``r``,
    so every output element contributes with a different weight. Run it in
    float64: float32 rounding swamps the differences.

    Args:
        target: a ``Layer`` or a ``Sequential`` model; a standalone layer is
            built in float64 if it has not been built yet.
        x: input batch; integer inputs (embeddings) get no input check.
        training: the mode passed to ``forward``.
        epsilon: step of the central difference.
        atol, rtol: tolerance, ``|analytic - numeric| <= atol + rtol * |numeric|``.
        seed: seed for ``r`` and for the layers' generators.
        raise_on_failure: raise ``GradientCheckError`` naming the failing arrays.

    Returns:
        a ``GradcheckReport`` with the largest scaled error per array.
    """
    layers = _layers_of(target)
    for index, layer in enumerate(layers):
        if not layer.built:
            layer.build(np.random.default_rng(seed), np.float64)
        if layer.dtype != np.float64:
            raise ConfigurationError(
                f"gradcheck: expected float64 layers, got {layer.dtype} in layer "
                f"{index} ({layer.name}); float32 rounding swamps the finite "
                "differences, so create the model with Sequential(..., "
                "dtype=np.float64) or build the layer with layer.build(rng, "
                "np.float64)."
            )
    x_array = np.array(x)
    if x_array.dtype.kind == "f":
        # Nudges of epsilon are lost in float32 inputs, even in a float64 model.
        x_array = x_array.astype(np.float64)
    model: _Differentiable = target

    def objective() -> float:
        _reseed(layers, seed)
        return float(np.sum(weights_r * model.forward(x_array, training=training)))

    _reseed(layers, seed)
    out = model.forward(x_array, training=training)
    weights_r = np.random.default_rng(seed).standard_normal(out.shape)
    grad_input = model.backward(weights_r.astype(out.dtype))
    report = GradcheckReport()
    if x_array.dtype.kind == "f":
        report.errors["input"] = _compare(
            grad_input, x_array, objective, epsilon, atol, rtol
        )
    for layer in layers:
        missing = [name for name in layer.params if name not in layer.grads]
        if missing:
            raise NotFittedError(
                f"gradcheck: {layer.name} has no gradient for {missing[0]!r} "
                f"after backward; make {type(layer).__name__}.backward set "
                f"grads[{missing[0]!r}]."
            )
    analytic = {
        f"{index}.{name}": layer.grads[name].copy()
        for index, layer in enumerate(layers)
        for name in layer.params
    }
    for index, layer in enumerate(layers):
        for name, param in layer.params.items():
            key = f"{index}.{name}"
            report.errors[key] = _compare(
                analytic[key], param, objective, epsilon, atol, rtol
            )
    if raise_on_failure and not report.passed:
        details = ", ".join(f"{k}: {report.errors[k]:.3g}" for k in report.failures())
        raise GradientCheckError(
            f"gradcheck: analytic gradients differ from finite differences for "
            f"{details} (scaled error > 1); check the backward pass of those arrays."
        )
    return report


def _compare(
    analytic: Array,
    array: Array,
    objective: Any,
    epsilon: float,
    atol: float,
    rtol: float,
) -> float:
    numeric = np.zeros(array.shape, dtype=np.float64)
    flat = array.reshape(-1)
    numeric_flat = numeric.reshape(-1)
    for i in range(flat.size):
        original = flat[i]
        flat[i] = original + epsilon
        plus = objective()
        flat[i] = original - epsilon
        minus = objective()
        flat[i] = original
        numeric_flat[i] = (plus - minus) / (2 * epsilon)
    if analytic.shape != numeric.shape:
        return float("inf")
    scaled = np.abs(analytic - numeric) / (atol + rtol * np.abs(numeric))
    return float(scaled.max()) if scaled.size else 0.0


def gradcheck_loss(
    loss: Loss,
    y_true: Any,
    y_pred: Any,
    *,
    sample_weight: Any = None,
    epsilon: float = 1e-6,
    atol: float = 1e-6,
    rtol: float = 1e-4,
) -> float:
    """Compare ``loss.backward()`` with central differences; return the scaled error.

    Raises ``GradientCheckError`` when it exceeds 1.
    """
    prediction = np.array(y_pred, dtype=np.float64)
    loss(y_true, prediction, sample_weight)
    analytic = loss.backward()

    def objective() -> float:
        return loss(y_true, prediction, sample_weight)

    error = _compare(analytic, prediction, objective, epsilon, atol, rtol)
    if error > 1.0:
        raise GradientCheckError(
            f"gradcheck_loss: expected {loss.name}.backward to match finite "
            f"differences, got a scaled error of {error:.3g} (> 1); check the "
            "gradient formula and its reduction."
        )
    return error
