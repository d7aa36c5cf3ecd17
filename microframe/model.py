"""``Sequential``: a stack of layers with Keras-style compile, fit and predict."""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
from numpy.typing import DTypeLike

from microframe import losses, metrics, optimizers
from microframe._validation import as_float_array, check_positive_int
from microframe.activations import Identity, LeakyReLU, ReLU, Sigmoid, Softmax, Tanh
from microframe.callbacks import Callback, CallbackList, EpochLogger, History
from microframe.errors import ConfigurationError, InputTypeError, ShapeError
from microframe.layers.base import Array, Layer
from microframe.layers.dense import Dense
from microframe.training import (
    BatchGatherer,
    batch_slices,
    prepare_sample_weight,
    prepare_x,
    prepare_y,
    split_validation,
    warn_single_class,
)
from microframe.training_loop import run_epochs

_PROBABILITY_LOSSES = (
    losses.BinaryCrossEntropy,
    losses.CategoricalCrossEntropy,
    losses.SparseCategoricalCrossEntropy,
)


# Output layers whose values are not probabilities, so a probability loss
# after them needs from_logits=True. Custom layers are not listed: the loss
# still checks at run time that its input lies in [0, 1].
_UNSQUASHED_OUTPUTS = (Dense, Identity, ReLU, LeakyReLU, Tanh)


class DefaultsWarning(UserWarning):
    """Issued once when ``fit`` picks a loss and optimizer for an uncompiled model."""


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
        self.layers: list[Layer] = list(layers)
        self.dtype = np.dtype(dtype)
        if self.dtype.kind != "f":
            raise ConfigurationError(
                f"Sequential dtype must be a floating dtype such as float32 or "
                f"float64, got {self.dtype}."
            )
        self._check_layers()
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
        for layer in self.layers:
            out = layer.forward(out, training=training)
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
        if len(weights) != len(self.layers):
            raise ShapeError(
                f"Sequential.set_weights: expected {len(self.layers)} entries, one "
                f"per layer, got {len(weights)}."
            )
        for layer, values in zip(self.layers, weights, strict=True):
            for key, value in values.items():
                layer.params[key] = value

    # -- configuration --------------------------------------------------

    def compile(
        self,
        loss: str | losses.Loss | None = None,
        optimizer: str | optimizers.Optimizer | None = None,
        metrics: Sequence[str | metrics.Metric] | None = None,
    ) -> None:
        """Set the loss, optimizer and metrics used by ``fit`` and ``evaluate``.

        Args:
            loss: a ``Loss`` or its name; omitted, it is matched to the
                output layer (Sigmoid: binary cross-entropy; Softmax:
                categorical cross-entropy, sparse for integer labels;
                otherwise mean squared error).
            optimizer: an ``Optimizer`` or its name; ``Adam()`` when omitted.
            metrics: metric objects or names, such as ``["accuracy"]``.

        Raises:
            ConfigurationError: for a probability loss on an output that is
                not squashed into ``[0, 1]``.
        """
        self.loss = losses.get(loss) if loss is not None else None
        self.optimizer = optimizers.get(optimizer) if optimizer is not None else None
        self.metrics = [_get_metric(m) for m in (metrics or [])]
        if self.loss is not None:
            self._check_loss_matches_output(self.loss)

    def _check_loss_matches_output(self, loss: losses.Loss) -> None:
        last = self.layers[-1] if self.layers else None
        if not isinstance(loss, _PROBABILITY_LOSSES) or getattr(
            loss, "from_logits", False
        ):
            return
        binary = isinstance(loss, losses.BinaryCrossEntropy)
        if binary and isinstance(last, Softmax):
            warnings.warn(
                "compile: BinaryCrossEntropy after a Softmax output treats each "
                "class as a separate yes/no; for one label per sample use "
                "CategoricalCrossEntropy with Softmax.",
                UserWarning,
                stacklevel=3,
            )
        if not binary and isinstance(last, Sigmoid):
            warnings.warn(
                f"compile: {loss.name} after a Sigmoid output expects one-hot "
                "rows that sum to 1; use Softmax for one class per sample, or "
                "BinaryCrossEntropy for independent labels.",
                UserWarning,
                stacklevel=3,
            )
        if isinstance(last, _UNSQUASHED_OUTPUTS):
            raise ConfigurationError(
                f"compile: {loss.name} expects probabilities but the model ends "
                f"with {last.name}, whose output is not in [0, 1]; add Sigmoid() "
                f"or Softmax() as the last layer or use "
                f"{type(loss).__name__}(from_logits=True)."
            )

    def _resolve_defaults(self, y: Array) -> tuple[losses.Loss, optimizers.Optimizer]:
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
            warnings.warn(
                "fit: the model was not compiled, so it uses "
                + ", ".join(chosen)
                + "; call model.compile(loss=..., optimizer=...) to choose.",
                DefaultsWarning,
                stacklevel=3,
            )
        return loss, optimizer

    def _default_loss(self, y: Array) -> losses.Loss:
        last = self.layers[-1] if self.layers else None
        if isinstance(last, Sigmoid):
            return losses.BinaryCrossEntropy()
        if isinstance(last, Softmax):
            integer_labels = y.dtype.kind in "iu" and (
                y.ndim == 1 or (y.ndim == 2 and y.shape[1] == 1)
            )
            if integer_labels:
                return losses.SparseCategoricalCrossEntropy()
            return losses.CategoricalCrossEntropy()
        return losses.MeanSquaredError()

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
        verbose: int = 1,
        callbacks: Sequence[Callback] | None = None,
        sample_weight: Any = None,
        class_weight: Mapping[Any, float] | None = None,
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
            verbose: 0 is silent; 1 writes one line per epoch to stdout.
            callbacks: extra callbacks; ``History`` is always added.
            sample_weight: one non-negative weight per sample, ``(N,)``.
            class_weight: maps class labels to weights, multiplied into
                ``sample_weight``.

        Returns:
            the ``History``; ``history.history["loss"][e]`` is the mean
            training loss of epoch ``e``, each batch weighted by its size.

        Raises:
            NonFiniteLossError: when a batch loss is NaN or infinite; the
                weights are those of the last good step.
        """
        epochs = check_positive_int(epochs, "fit epochs", minimum=0)
        batch_size = check_positive_int(batch_size, "fit batch_size")
        x_array = prepare_x(x, self.dtype)
        y_array = prepare_y(y, x_array, self.dtype)
        weights = prepare_sample_weight(sample_weight, class_weight, y_array)
        loss, optimizer = self._resolve_defaults(y_array)
        self._check_loss_matches_output(loss)

        validation = None
        if validation_data is not None:
            validation = self._prepare_validation_data(validation_data)
        elif validation_split:
            train_rows, val_rows = split_validation(
                len(x_array), validation_split, self.rng
            )
            validation = (
                x_array[val_rows],
                y_array[val_rows],
                None if weights is None else weights[val_rows],
            )
            x_array, y_array = x_array[train_rows], y_array[train_rows]
            weights = None if weights is None else weights[train_rows]
        if validation is not None:
            is_classification = isinstance(loss, _PROBABILITY_LOSSES)
            warn_single_class(validation[1], is_classification)
        targets = self._prepare_targets(loss, x_array, y_array)
        if weights is not None:
            weights = weights.astype(self.dtype)

        history = History()
        extra: list[Callback] = list(callbacks or [])
        if verbose:
            extra.append(EpochLogger(epochs))
        callback_list = CallbackList([history, *extra])
        callback_list.set_model(self)
        run_epochs(
            self,
            x=BatchGatherer(x_array, batch_size),
            y=BatchGatherer(targets, batch_size),
            weights=weights,
            loss=loss,
            optimizer=optimizer,
            metric_list=self._resolve_metrics(y_array),
            epochs=epochs,
            batch_size=batch_size,
            shuffle=bool(shuffle),
            validation=validation,
            callbacks=callback_list,
        )
        return history

    def _prepare_targets(self, loss: losses.Loss, x: Array, y: Array) -> Array:
        """Check every target once, so that ``fit``'s batches can skip the checks.

        The loss needs the shape and dtype of the model's output, which a
        forward pass on the first sample gives; a broadcast view stands in
        for the output on all samples without allocating it.
        """
        probe = self.forward(x[:1])
        stand_in = np.broadcast_to(probe, (len(y),) + probe.shape[1:])
        return loss.prepare_targets(y, stand_in)

    def _prepare_validation_data(
        self, data: tuple[Any, ...]
    ) -> tuple[Array, Array, Array | None]:
        if not isinstance(data, (tuple, list)) or len(data) not in (2, 3):
            raise InputTypeError(
                "fit: validation_data must be a tuple (x_val, y_val) or "
                f"(x_val, y_val, sample_weight_val), got {type(data).__name__}."
            )
        x_val = prepare_x(data[0], self.dtype, "validation x")
        y_val = prepare_y(data[1], x_val, self.dtype, "validation y")
        weights = prepare_sample_weight(
            data[2] if len(data) == 3 else None, None, y_val
        )
        return x_val, y_val, weights

    def _resolve_metrics(self, y: Array) -> list[metrics.Metric]:
        resolved: list[metrics.Metric] = []
        output_shape = self._output_shape_for(y)
        for metric in self.metrics:
            if isinstance(metric, str):
                resolved.append(metrics.accuracy_for(y, output_shape))
            else:
                resolved.append(metric)
        return resolved

    def _output_shape_for(self, y: Array) -> tuple[int, ...]:
        shape: tuple[int | None, ...] = (None,) + y.shape[1:]
        first = self.layers[0] if self.layers else None
        in_features = getattr(first, "in_features", None)
        if in_features is not None:
            shape = (None, in_features)
            for layer in self.layers:
                shape = layer.compute_output_shape(shape)
        return tuple(1 if d is None else d for d in shape)

    def predict(self, x: Any, *, batch_size: int = 1024) -> Array:
        """Return the model's output for ``x``, computed ``batch_size`` rows at a time.

        A 1-D ``x`` whose length equals the first layer's ``in_features`` is
        one sample: the result is that sample's output without the batch
        axis. An input with no rows raises ``ShapeError``.

        Shapes:
            x: ``(N, ...)`` or ``(D_in,)``. Returns ``(N, ...)`` or ``(D_out,)``.
        """
        batch_size = check_positive_int(batch_size, "predict batch_size")
        array = as_float_array(x, "predict x", self.dtype)
        single = self._is_single_sample(array)
        if single:
            array = array.reshape(1, -1)
        result = self._predict_batches(array, batch_size)
        return result[0] if single else result

    def _is_single_sample(self, array: Array) -> bool:
        in_features = (
            getattr(self.layers[0], "in_features", None) if self.layers else None
        )
        return array.ndim == 1 and in_features is not None and len(array) == in_features

    def _predict_batches(self, array: Array, batch_size: int) -> Array:
        prepared = prepare_x(array, self.dtype, "predict x")
        out: Array | None = None
        for rows in batch_slices(len(prepared), batch_size):
            batch_out = self.forward(prepared[rows], training=False)
            if out is None:
                out = np.empty((len(prepared),) + batch_out.shape[1:], batch_out.dtype)
            out[rows] = batch_out
        assert out is not None  # prepare_x rejects inputs with no rows
        return out

    def evaluate(
        self, x: Any, y: Any, *, batch_size: int = 1024, sample_weight: Any = None
    ) -> dict[str, float]:
        """Return the loss and metrics on ``(x, y)``, computed in batches.

        The loss is the mean of the batch losses, each weighted by its
        number of samples, as in ``fit``.
        """
        batch_size = check_positive_int(batch_size, "evaluate batch_size")
        x_array = prepare_x(x, self.dtype)
        y_array = prepare_y(y, x_array, self.dtype)
        weights = prepare_sample_weight(sample_weight, None, y_array)
        loss, _ = self._resolve_defaults(y_array)
        return self._evaluate_arrays(
            x_array, y_array, weights, loss, self._resolve_metrics(y_array), batch_size
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
        for metric in metric_list:
            metric.reset()
        total = 0.0
        for rows in batch_slices(len(x), batch_size):
            y_pred = self.forward(x[rows], training=False)
            batch_weights = None if weights is None else weights[rows]
            total += loss(y[rows], y_pred, batch_weights) * (rows.stop - rows.start)
            for metric in metric_list:
                metric.update(y[rows], y_pred, batch_weights)
        results = {"loss": total / len(x)}
        for metric in metric_list:
            results[metric.name] = metric.result()
        return results

    def summary(self) -> str:
        """Return a table of the layers, their output shapes and parameter counts."""
        first = self.layers[0] if self.layers else None
        in_features = getattr(first, "in_features", None)
        shape: tuple[int | None, ...] | None = (
            (None, in_features) if in_features is not None else None
        )
        rows = [("Layer", "Output shape", "Params")]
        for index, layer in enumerate(self.layers):
            if shape is not None:
                shape = layer.compute_output_shape(shape)
            shown = "?" if shape is None else str(shape).replace("None", "N")
            rows.append((f"{index}: {layer.name}", shown, str(layer.count_params())))
        widths = [max(len(row[i]) for row in rows) for i in range(3)]
        lines = [
            f"{a:<{widths[0]}}  {b:<{widths[1]}}  {c:>{widths[2]}}" for a, b, c in rows
        ]
        rule = "-" * len(lines[0])
        total = f"Total params: {self.count_params()}"
        return "\n".join([lines[0], rule, *lines[1:], rule, total])


def _get_metric(identifier: str | metrics.Metric) -> metrics.Metric | str:
    return metrics.get(identifier)
