"""``Sequential``: a stack of layers with Keras-style compile, fit and predict."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import DTypeLike

from microframe import losses, metrics, optimizers
from microframe._validation import (
    as_float_array,
    check_positive_int,
    ignore_float_errors,
    reject_class,
)
from microframe._warnings import warn_caller
from microframe.callbacks import Callback, History
from microframe.errors import ConfigurationError, InputTypeError, ShapeError
from microframe.layers.base import Array, Layer
from microframe.model import fitting, inference
from microframe.model.outputs import (
    DefaultsWarning,
    check_loss_matches_output,
    default_loss,
)
from microframe.model.summary import summarize
from microframe.viz import explain, mermaid, plots


class Sequential:
    """A linear stack of layers, trained with explicit forward and backward passes.

    Args:
        layers: the layers, applied in order. Each layer object may appear
            once: reusing one would overwrite its cached forward pass.
        seed: seed of the model's ``numpy.random.Generator``, which draws
            the initial weights, shuffles batches, splits validation data
            and drives dropout. The same seed gives bitwise-identical
            training; the global ``np.random`` state is never used.
        dtype: floating dtype of parameters and computations; float32 by
            default, float64 for gradient checks and exact reproductions.

    Layers are built (their weights drawn) when the model is created. A
    layer that was already built, for example one whose weights you set,
    keeps its weights, cast to ``dtype``.

    Example:
        >>> model = Sequential([Dense(2, 8), ReLU(), Dense(8, 1), Sigmoid()], seed=0)
        >>> history = model.fit(x, y, epochs=10, verbose=0)
        >>> probabilities = model.predict(x)
    """

    def __init__(
        self,
        layers: Iterable[Layer],
        *,
        seed: int | None = None,
        dtype: DTypeLike = np.float32,
    ) -> None:
        if isinstance(layers, Layer) or not isinstance(layers, Iterable):
            raise InputTypeError(
                "Sequential: expected a list of layers, got "
                f"{type(layers).__name__}; pass Sequential([layer, ...])."
            )
        self.layers: list[Layer] = list(layers)
        self.dtype = _floating_dtype(dtype)
        self._check_layers()
        if seed is not None:
            check_positive_int(seed, "Sequential seed", minimum=0)
        self.seed = seed
        self.rng = np.random.default_rng(seed)
        for layer in self.layers:
            layer.build(self.rng, self.dtype)
        self.loss: losses.Loss | None = None
        self.optimizer: optimizers.Optimizer | None = None
        self.metrics: list[metrics.Metric | str] = []
        self.stop_training = False
        self.epochs_trained = 0
        self._announced_defaults = False

    def _check_layers(self) -> None:
        seen: set[int] = set()
        for position, layer in enumerate(self.layers):
            reject_class(layer, Layer, f"Sequential position {position}")
            if not isinstance(layer, Layer):
                raise InputTypeError(
                    f"Sequential: expected Layer objects, got {type(layer).__name__} "
                    f"at position {position}; wrap custom code in a Layer subclass."
                )
            if id(layer) in seen:
                raise ConfigurationError(
                    f"Sequential: the layer {layer.name} at position {position} "
                    "appears twice; shared layers are not supported, so create a "
                    "separate layer object for each position."
                )
            seen.add(id(layer))

    def __repr__(self) -> str:
        inner = ", ".join(repr(layer) for layer in self.layers)
        return f"Sequential([{inner}])"

    # -- forward and backward -------------------------------------------

    def forward(self, x: Any, training: bool = False) -> Array:
        """Run every layer in order and return the output.

        Shapes:
            x: ``(N, ...)``, cast to the model's dtype. Returns the last
            layer's output.
        """
        out = as_float_array(x, "Sequential.forward x", self.dtype)
        with ignore_float_errors():
            for layer in self.layers:
                out = layer.forward(out, training=training)
                if not isinstance(out, np.ndarray):
                    raise InputTypeError(
                        f"{layer.name}.forward: expected the output as a NumPy "
                        f"array, got {type(out).__name__}; return the layer's "
                        "output array."
                    )
        return out

    def __call__(self, x: Any, training: bool = False) -> Array:
        return self.forward(x, training=training)

    def backward(self, grad_output: Any) -> Array:
        """Run every layer's backward in reverse; return the input gradient.

        Shapes:
            grad_output: the shape of the last output. Returns the shape of
            the last input.
        """
        grad = as_float_array(
            grad_output, "Sequential.backward grad_output", self.dtype
        )
        with ignore_float_errors():
            for layer in reversed(self.layers):
                grad = layer.backward(grad)
        return grad

    def trainable_layers(self) -> list[Layer]:
        """Return every layer; the optimizer skips those without parameters."""
        return self.layers

    def count_params(self) -> int:
        """Return the total number of scalar parameters."""
        return sum(layer.count_params() for layer in self.layers)

    def get_weights(self) -> list[dict[str, Array]]:
        """Return a copy of every layer's parameters, in layer order."""
        return [{k: v.copy() for k, v in layer.params.items()} for layer in self.layers]

    def set_weights(self, weights: Sequence[Mapping[str, Any]]) -> None:
        """Set every layer's parameters from what ``get_weights`` returned."""
        if not isinstance(weights, Sequence) or not all(
            isinstance(entry, Mapping) for entry in weights
        ):
            raise InputTypeError(
                "Sequential.set_weights: expected a list of dicts, one per "
                f"layer, got {fitting.describe(weights)}; pass the list get_weights "
                "returns."
            )
        if len(weights) != len(self.layers):
            raise ShapeError(
                f"Sequential.set_weights: expected {len(self.layers)} entries, one "
                f"per layer, got {len(weights)}; pass the list get_weights returns."
            )
        for index, (layer, values) in enumerate(zip(self.layers, weights, strict=True)):
            for key, value in values.items():
                if key not in layer.params:
                    raise ShapeError(
                        f"Sequential.set_weights: layer {index}, {layer.name}, "
                        f"has no parameter {key!r}; expected names "
                        f"{sorted(layer.params)}, as get_weights returns them."
                    )
                layer.params[key] = value

    def save(self, path: Any, *, include_optimizer: bool = True) -> None:
        """Write the model to ``path``; see ``microframe.saving.save_model``."""
        from microframe.saving import save_model

        save_model(self, path, include_optimizer=include_optimizer)

    def save_weights(self, path: Any) -> None:
        """Write the parameters alone; see ``microframe.saving.save_weights``."""
        from microframe.saving import save_weights

        save_weights(self, path)

    def load_weights(self, path: Any) -> None:
        """Set the parameters from a file; see ``microframe.saving.load_weights``."""
        from microframe.saving import load_weights

        load_weights(self, path)

    # -- configuration --------------------------------------------------

    def compile(
        self,
        loss: str | losses.Loss | None = None,
        optimizer: str | optimizers.Optimizer | None = None,
        metrics: Sequence[str | metrics.Metric] | None = None,
    ) -> None:
        """Set the loss, optimizer and metrics used by ``fit`` and ``evaluate``.

        Args:
            loss: a ``Loss`` or its name. When omitted, ``fit`` matches it
                to the output layer: binary cross-entropy after Sigmoid,
                categorical cross-entropy after Softmax (sparse for one
                label per sample), and mean squared error otherwise.
            optimizer: an ``Optimizer`` or its name; ``Adam()`` when omitted.
            metrics: metric objects or names, such as ``["accuracy"]``.

        Raises:
            ConfigurationError: for a probability loss on an output that is
                not squashed into ``[0, 1]``.
        """
        if isinstance(metrics, str):
            raise InputTypeError(
                f"compile: expected a list of metrics, got the string {metrics!r}; "
                f"pass metrics=[{metrics!r}]."
            )
        self.loss = losses.get(loss) if loss is not None else None
        self.optimizer = optimizers.get(optimizer) if optimizer is not None else None
        self.metrics = [_get_metric(m) for m in (metrics or [])]
        if self.loss is not None:
            self._check_loss_matches_output(self.loss)

    def _check_loss_matches_output(
        self, loss: losses.Loss, caller: str = "compile"
    ) -> None:
        check_loss_matches_output(self.layers, loss, caller)

    def _default_loss(self, y: Array) -> losses.Loss:
        return default_loss(self.layers, y)

    def _resolve_defaults(
        self, y: Array, caller: str = "fit"
    ) -> tuple[losses.Loss, optimizers.Optimizer]:
        chosen = []
        loss = self.loss
        if loss is None:
            loss = self._default_loss(y)
            chosen.append(f"loss={loss!r}")
            self.loss = loss
        optimizer = self.optimizer
        if optimizer is None:
            optimizer = optimizers.Adam()
            chosen.append(f"optimizer={optimizer!r}")
            self.optimizer = optimizer
        if chosen and not self._announced_defaults:
            self._announced_defaults = True
            warn_caller(
                f"{caller}: the model was not compiled, so it uses "
                + ", ".join(chosen)
                + "; call model.compile(loss=..., optimizer=...) to choose.",
                DefaultsWarning,
            )
        return loss, optimizer

    # -- training and inference -----------------------------------------

    def fit(
        self,
        x: Any,
        y: Any,
        *,
        epochs: int = 1,
        batch_size: int = 32,
        shuffle: bool = True,
        validation_split: float = 0.0,
        validation_data: tuple[Any, Any] | tuple[Any, Any, Any] | None = None,
        validation_stratify: bool = False,
        verbose: int = 1,
        callbacks: Sequence[Callback] | None = None,
        sample_weight: Any = None,
        class_weight: Mapping[Any, float] | None = None,
        terminate_on_nan: bool = True,
    ) -> History:
        """Train the model and return its per-epoch ``History``.

        Args:
            x: inputs of shape ``(N, ...)``; integers and bools are cast.
            y: targets of shape ``(N, ...)``, or integer labels ``(N,)``.
            epochs: passes over the training data, ``>= 0``.
            batch_size: samples per update, ``>= 1``; the last batch may
                be smaller, and a size above ``N`` gives one batch.
            shuffle: reshuffle the rows each epoch with the model's
                generator.
            validation_split: fraction in ``[0, 1)`` of the rows to hold
                out, drawn at random with the model's generator (Keras holds
                out the last rows instead).
            validation_data: ``(x_val, y_val)`` or ``(x_val, y_val,
                sample_weight_val)``; takes precedence over
                ``validation_split``.
            validation_stratify: hold out the same fraction of each class
                (labels read as for ``class_weight``), so a rare class
                still appears in the validation data.
            verbose: 0 is silent; 1 shows a progress bar per epoch (tqdm
                when installed); 2 writes one line per epoch to stdout.
            callbacks: extra callbacks; ``History`` is always added.
            sample_weight: non-negative weights, ``(N,)`` for one per
                sample, or the leading axes of ``y`` (``(N, T)`` for targets
                ``(N, T)``, ``(N, H, W)`` for one-hot ``(N, H, W, C)``) for
                one per position.
            class_weight: maps class labels to weights, multiplied into
                ``sample_weight``. Labels are read per position for
                cross-entropy losses: the arg-max of one-hot targets, the
                integer labels themselves, or the rounded binary targets.
            terminate_on_nan: add a ``TerminateOnNaN`` callback, which
                stops training with ``NonFiniteLossError`` at the first NaN
                or infinite batch loss. With ``False`` (and no
                ``TerminateOnNaN`` in ``callbacks``) training goes on.

        Returns:
            the ``History``; ``history.history["loss"][e]`` is the mean
            training loss of epoch ``e``, each batch weighted by its size.

        Raises:
            NonFiniteLossError: when a batch loss is NaN or infinite (with
                ``terminate_on_nan``); the weights are those of the last
                good step.
        """
        return fitting.fit(
            self,
            x,
            y,
            epochs=epochs,
            batch_size=batch_size,
            shuffle=shuffle,
            validation_split=validation_split,
            validation_data=validation_data,
            validation_stratify=validation_stratify,
            verbose=verbose,
            callbacks=callbacks,
            sample_weight=sample_weight,
            class_weight=class_weight,
            terminate_on_nan=terminate_on_nan,
        )

    def predict(self, x: Any, *, batch_size: int = 1024) -> Array:
        """Return the model's output for ``x``, computed ``batch_size`` rows at a time.

        A 1-D ``x`` whose length equals the first layer's ``in_features`` is
        one sample: the result is that sample's output without the batch
        axis. An input with no rows raises ``ShapeError``.

        Shapes:
            x: ``(N, ...)`` or ``(D_in,)``. Returns ``(N, ...)`` or ``(D_out,)``.
        """
        return inference.predict(self, x, batch_size=batch_size)

    def evaluate(
        self,
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
        return inference.evaluate(
            self,
            x,
            y,
            batch_size=batch_size,
            sample_weight=sample_weight,
            class_weight=class_weight,
        )

    def _evaluate_arrays(
        self,
        x: Array,
        y: Array,
        weights: Array | None,
        loss: losses.Loss,
        metric_list: list[metrics.Metric],
        batch_size: int,
    ) -> dict[str, float]:
        return inference.evaluate_arrays(
            self, x, y, weights, loss, metric_list, batch_size
        )

    def _resolve_metrics(
        self, y: Array, x_shape: tuple[int, ...] | None = None
    ) -> list[metrics.Metric]:
        return inference.resolve_metrics(self, y, x_shape)

    def _check_input_features(self, x: Array, component: str) -> None:
        inference.check_input_features(self, x, component)

    def _check_targets(self, loss: losses.Loss, x: Array, y: Array) -> None:
        inference.check_targets(self, loss, x, y)

    def summary(self, input_shape: tuple[int | None, ...] | None = None) -> str:
        """Return a table of the layers, their output shapes and parameter counts.

        Args:
            input_shape: shape of one input batch, such as ``(None, 8, 8, 1)``.
                Needed for output shapes when the first layer has no
                ``in_features`` (convolution, recurrent, embedding); the
                shapes show as ``?`` without it.

        Raises:
            ShapeError: when a batch of ``input_shape`` cannot pass the
                layers, such as a kernel larger than the image or a shape
                without the batch axis.
        """
        return summarize(self, input_shape)

    # -- pictures and explanations --------------------------------------

    def to_mermaid(self, x: Any = None, **options: Any) -> str:
        """Return a Mermaid ``flowchart LR`` of the model.

        See ``microframe.viz.to_mermaid`` for ``x`` and the options.
        """
        return mermaid.to_mermaid(self, x, **options)

    def plot(self, path: str | Path, x: Any = None, **options: Any) -> Path:
        """Draw the ``to_mermaid`` diagram with matplotlib and save it as a PNG.

        See ``microframe.viz.plot_model`` for ``x`` and the options.
        """
        return plots.plot_model(self, path, x, **options)

    def explain_step(self, x: Any, y: Any, **options: Any) -> explain.StepExplanation:
        """Write out one training step on ``(x, y)`` layer by layer.

        The model is left unchanged unless ``apply=True``; see
        ``microframe.viz.explain_step`` for the options.
        """
        return explain.explain_step(self, x, y, **options)


def _floating_dtype(dtype: DTypeLike) -> np.dtype[Any]:
    """Return ``dtype`` as a NumPy dtype, raising unless it is floating."""
    try:
        result = np.dtype(dtype)
    except TypeError:
        result = None
    if result is None or result.kind != "f":
        shown = dtype if result is None else result
        raise ConfigurationError(
            f"Sequential: expected a floating dtype, got {shown!r}; pass "
            "dtype=np.float32 or dtype=np.float64."
        )
    return result


def _get_metric(identifier: str | metrics.Metric) -> metrics.Metric | str:
    return metrics.get(identifier)
