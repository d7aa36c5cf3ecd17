"""``Sequential``: a stack of layers with Keras-style compile, fit and predict."""

from __future__ import annotations

import math
import warnings
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import DTypeLike

from microframe import losses, metrics, optimizers
from microframe._input_shape import check_input_shape
from microframe._validation import (
    as_float_array,
    as_numeric_array,
    cast_finite,
    check_positive_int,
    ignore_float_errors,
    reject_class,
)
from microframe.activations import Identity, LeakyReLU, ReLU, Sigmoid, Softmax, Tanh
from microframe.activations.extra import (
    ELU,
    GELU,
    SELU,
    LogSoftmax,
    SiLU,
    Softplus,
    Softsign,
)
from microframe.callbacks import (
    Callback,
    CallbackList,
    EpochLogger,
    History,
    ProgressBar,
    TerminateOnNaN,
)
from microframe.errors import (
    ConfigurationError,
    InputTypeError,
    ShapeError,
)
from microframe.layers.base import Array, Layer
from microframe.layers.dense import Dense
from microframe.training import (
    BatchGatherer,
    batch_slices,
    check_finite_output,
    check_x,
    class_labels,
    prepare_sample_weight,
    prepare_x,
    prepare_y,
    split_validation,
    warn_single_class,
)
from microframe.training_loop import run_epochs
from microframe.viz import explain, mermaid, plots

_PROBABILITY_LOSSES = (
    losses.BinaryCrossEntropy,
    losses.CategoricalCrossEntropy,
    losses.SparseCategoricalCrossEntropy,
)


# Output layers whose values are not probabilities, so a probability loss
# after them needs from_logits=True. Custom layers are not listed, so the loss
# checks at run time that its input lies in [0, 1]: on every direct call, and
# in fit on the first batch of each epoch.
# HardSigmoid is left out on purpose: its output lies in [0, 1].
_UNSQUASHED_OUTPUTS: tuple[type[Layer], ...] = (Dense, Identity, ReLU, LeakyReLU, Tanh)
_UNSQUASHED_OUTPUTS += (ELU, SELU, GELU, SiLU, Softplus, Softsign, LogSoftmax)


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
                f"layer, got {_describe(weights)}; pass the list get_weights "
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
            loss: a ``Loss`` or its name; omitted, it is matched to the
                output layer (Sigmoid: binary cross-entropy; Softmax:
                categorical cross-entropy, sparse for one label per sample;
                otherwise mean squared error).
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
        last = self.layers[-1] if self.layers else None
        if not isinstance(loss, _PROBABILITY_LOSSES):
            return
        if getattr(loss, "from_logits", False):
            if isinstance(last, (Sigmoid, Softmax)):
                warnings.warn(
                    f"{caller}: {type(loss).__name__}(from_logits=True) after a "
                    f"{last.name} output applies {last.name} twice, which slows "
                    f"or stalls training; remove the {last.name} layer or use "
                    "from_logits=False.",
                    UserWarning,
                    stacklevel=3,
                )
            return
        binary = isinstance(loss, losses.BinaryCrossEntropy)
        if binary and isinstance(last, Softmax):
            warnings.warn(
                f"{caller}: BinaryCrossEntropy after a Softmax output treats each "
                "class as a separate yes/no; for one label per sample use "
                "CategoricalCrossEntropy with Softmax.",
                UserWarning,
                stacklevel=3,
            )
        if not binary and isinstance(last, Sigmoid):
            warnings.warn(
                f"{caller}: {loss.name} after a Sigmoid output expects one-hot "
                "rows that sum to 1; use Softmax for one class per sample, or "
                "BinaryCrossEntropy for independent labels.",
                UserWarning,
                stacklevel=3,
            )
        if isinstance(last, _UNSQUASHED_OUTPUTS):
            raise ConfigurationError(
                f"{caller}: {loss.name} expects probabilities but the model ends "
                f"with {last.name}, whose output is not in [0, 1]; add Sigmoid() "
                f"or Softmax() as the last layer or use "
                f"{type(loss).__name__}(from_logits=True)."
            )

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
            warnings.warn(
                f"{caller}: the model was not compiled, so it uses "
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
            # One value per sample is a class label whatever its dtype, since
            # labels read from a file are often floats such as 2.0.
            if y.ndim == 1 or (y.ndim == 2 and y.shape[1] == 1):
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
        if not self.layers:
            raise ConfigurationError(
                "fit: the model has no layers, so there is nothing to train; "
                "pass the layers to Sequential([...])."
            )
        epochs = check_positive_int(epochs, "fit epochs", minimum=0)
        batch_size = check_positive_int(batch_size, "fit batch_size")
        if isinstance(verbose, bool):
            verbose = int(verbose)
        verbose = check_positive_int(verbose, "fit verbose", minimum=0)
        x_array = prepare_x(x, self.dtype, "fit", "x", self._check_input_features)
        y_array = prepare_y(y, x_array, self.dtype, "fit")
        loss, optimizer = self._resolve_defaults(y_array)
        self._check_loss_matches_output(loss)
        self._check_targets(loss, x_array, y_array)
        weights = prepare_sample_weight(sample_weight, class_weight, y_array, loss)
        is_classification = isinstance(loss, _PROBABILITY_LOSSES)

        validation = None
        if validation_data is not None:
            validation = self._prepare_validation_data(validation_data)
            self._check_targets(loss, validation[0], validation[1])
        elif validation_split:
            labels = None
            if validation_stratify:
                labels = self._stratify_labels(y_array, loss)
            train_rows, val_rows = split_validation(
                len(x_array), validation_split, self.rng, labels
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
        targets = self._prepare_targets(loss, x_array, y_array)
        if weights is not None:
            weights = weights.astype(self.dtype)

        history = History()
        metric_list = self._resolve_metrics(y_array, x_array.shape)
        # Epochs are numbered from the model's first fit, so a second call
        # shows "Epoch 3/3" rather than "Epoch 3/1".
        last_epoch = self.epochs_trained + epochs
        callback_list = self._callback_list(
            history,
            callbacks,
            epochs=last_epoch,
            verbose=verbose,
            terminate_on_nan=terminate_on_nan,
        )
        callback_list.set_model(self)
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
            self,
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

    def _prepare_targets(self, loss: losses.Loss, x: Array, y: Array) -> Array:
        """Check every target once, so that ``fit``'s batches can skip the checks.

        The loss needs the shape and dtype of the model's output, which a
        forward pass on the first sample gives. A broadcast view of that
        output takes the place of the output on all samples, so nothing of
        that size is allocated.
        """
        probe = self.forward(x[:1])
        stand_in = np.broadcast_to(probe, (len(y),) + probe.shape[1:])
        return loss.prepare_targets(y, stand_in)

    def _callback_list(
        self,
        history: History,
        callbacks: Sequence[Callback] | None,
        *,
        epochs: int,
        verbose: int,
        terminate_on_nan: bool,
    ) -> CallbackList:
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

    def _stratify_labels(self, y: Array, loss: losses.Loss) -> Array:
        labels = class_labels(y, loss)
        if labels.shape != (len(y),):
            raise ConfigurationError(
                f"fit: validation_stratify needs one class label per sample, but "
                f"the targets of shape {y.shape} give labels of shape "
                f"{labels.shape}; use validation_data for per-position labels."
            )
        return labels

    def _prepare_validation_data(
        self, data: tuple[Any, ...]
    ) -> tuple[Array, Array, Array | None]:
        if not isinstance(data, (tuple, list)) or len(data) not in (2, 3):
            raise InputTypeError(
                "fit: validation_data must be a tuple (x_val, y_val) or "
                f"(x_val, y_val, sample_weight_val), got {_describe(data)}; "
                "pass validation_data=(x_val, y_val)."
            )
        x_val = prepare_x(
            data[0], self.dtype, "fit", "validation_data x", self._check_input_features
        )
        y_val = prepare_y(data[1], x_val, self.dtype, "fit", "validation_data y")
        weights = prepare_sample_weight(
            data[2] if len(data) == 3 else None, None, y_val
        )
        return x_val, y_val, weights

    def _resolve_metrics(
        self, y: Array, x_shape: tuple[int, ...] | None = None
    ) -> list[metrics.Metric]:
        resolved: list[metrics.Metric] = []
        output_shape = self._output_shape_for(y, x_shape)
        for metric in self.metrics:
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

    def _output_shape_for(
        self, y: Array, x_shape: tuple[int, ...] | None = None
    ) -> tuple[int, ...]:
        shape: tuple[int | None, ...] = (None,) + y.shape[1:]
        first = self.layers[0] if self.layers else None
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
        array = as_numeric_array(x, "predict x")
        single = self._is_single_sample(array)
        if single:
            array = array.reshape(1, -1)
        # Checked but not cast: each batch is cast to the model's dtype on
        # its own, so a large input is never copied as a whole.
        array = check_x(array, "predict", "x", self._check_input_features)
        result = self._predict_batches(array, batch_size)
        return result[0] if single else result

    def _is_single_sample(self, array: Array) -> bool:
        in_features = (
            getattr(self.layers[0], "in_features", None) if self.layers else None
        )
        return array.ndim == 1 and in_features is not None and len(array) == in_features

    def _check_input_features(self, x: Array, component: str) -> None:
        first = self.layers[0] if self.layers else None
        in_features = getattr(first, "in_features", None)
        if first is None or in_features is None or x.shape[-1] == in_features:
            return
        raise ShapeError(
            f"{component}: the first layer {first.name} expects {in_features} "
            f"features on the last axis of x, got shape {x.shape}; pass x with "
            f"{in_features} columns or change the first layer's in_features."
        )

    def _check_targets(self, loss: losses.Loss, x: Array, y: Array) -> None:
        """Check ``y`` against the output shape, found from one sample of ``x``."""
        first = cast_finite(x[:1], self.dtype, "x")
        output_shape = (len(y),) + self.forward(first).shape[1:]
        loss.check_target(y, output_shape)

    def _predict_batches(self, array: Array, batch_size: int) -> Array:
        out: Array | None = None
        for rows in batch_slices(len(array), batch_size):
            batch = cast_finite(array[rows], self.dtype, "predict x", rows.start)
            batch_out = self.forward(batch, training=False)
            check_finite_output(batch_out, rows.start, "predict")
            if out is None:
                out = np.empty((len(array),) + batch_out.shape[1:], batch_out.dtype)
            out[rows] = batch_out
        assert out is not None  # check_x rejects inputs with no rows
        return out

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
        batch_size = check_positive_int(batch_size, "evaluate batch_size")
        # x is cast one batch at a time, as in predict.
        x_array = check_x(x, "evaluate", "x", self._check_input_features)
        y_array = prepare_y(y, x_array, self.dtype, "evaluate")
        loss, _ = self._resolve_defaults(y_array, "evaluate")
        self._check_targets(loss, x_array, y_array)
        weights = prepare_sample_weight(
            sample_weight, class_weight, y_array, loss, "evaluate"
        )
        return self._evaluate_arrays(
            x_array,
            y_array,
            weights,
            loss,
            self._resolve_metrics(y_array, x_array.shape),
            batch_size,
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
            batch = cast_finite(x[rows], self.dtype, "evaluate x", rows.start)
            y_pred = self.forward(batch, training=False)
            check_finite_output(y_pred, rows.start, "evaluate")
            batch_weights = None if weights is None else weights[rows]
            total += loss(y[rows], y_pred, batch_weights) * (rows.stop - rows.start)
            for metric in metric_list:
                metric.update(y[rows], y_pred, batch_weights)
        results = {"loss": total / len(x)}
        for metric in metric_list:
            results[metric.name] = metric.result()
        return results

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
        first = self.layers[0] if self.layers else None
        in_features = getattr(first, "in_features", None)
        shape: tuple[int | None, ...] | None = (
            (None, in_features) if in_features is not None else input_shape
        )
        if in_features is None and input_shape is not None:
            hint = "it includes the batch axis, such as (None, 28, 28, 1)"
            check_input_shape(
                self.layers, tuple(input_shape), self.dtype, "summary", hint
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


def _describe(value: Any) -> str:
    """Name the type of ``value``, with the length of a tuple or list."""
    if isinstance(value, (tuple, list)):
        return f"a {type(value).__name__} of length {len(value)}"
    return f"a {type(value).__name__}"


def _get_metric(identifier: str | metrics.Metric) -> metrics.Metric | str:
    return metrics.get(identifier)
