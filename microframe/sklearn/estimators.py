"""``NeuralNetClassifier`` and ``NeuralNetRegressor``: microframe networks as
scikit-learn estimators."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin
from sklearn.utils import check_random_state
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, validate_data

from microframe import losses
from microframe._validation import as_float_array
from microframe.activations import Identity, LeakyReLU, ReLU, Sigmoid, Softmax, Tanh
from microframe.errors import ConfigurationError, InputValueError
from microframe.layers.base import Array, Layer
from microframe.layers.dense import Dense
from microframe.layers.dropout import Dropout
from microframe.model import Sequential
from microframe.optimizers import SGD, Adam, Optimizer

_ACTIVATIONS: dict[str, type[Layer]] = {
    "relu": ReLU,
    "tanh": Tanh,
    "sigmoid": Sigmoid,
    "logistic": Sigmoid,
    "leaky_relu": LeakyReLU,
    "identity": Identity,
}

_OPTIMIZERS: dict[str, type[Optimizer]] = {"adam": Adam, "sgd": SGD}

_FLOAT_DTYPES = (np.float64, np.float32)


# scikit-learn ships no type hints, so mypy types its base classes as Any.
class _NeuralNetBase(BaseEstimator):  # type: ignore[misc]
    """Shared parameters, network construction and training loop.

    Subclasses define ``_output_layers``, ``_loss`` and how targets are
    encoded. ``__init__`` only stores its arguments, as scikit-learn's
    ``clone`` and ``get_params`` require.
    """

    def __init__(
        self,
        hidden_layer_sizes: Sequence[int] = (32,),
        *,
        activation: str = "relu",
        optimizer: str = "adam",
        learning_rate: float = 0.01,
        epochs: int = 100,
        batch_size: int = 32,
        dropout: float = 0.0,
        shuffle: bool = True,
        dtype: str = "float32",
        random_state: int | np.random.RandomState | None = None,
        verbose: int = 0,
    ) -> None:
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.optimizer = optimizer
        self.learning_rate = learning_rate
        self.epochs = epochs
        self.batch_size = batch_size
        self.dropout = dropout
        self.shuffle = shuffle
        self.dtype = dtype
        self.random_state = random_state
        self.verbose = verbose

    # -- pieces that subclasses define --------------------------------------

    def _output_layers(self, hidden_size: int, n_outputs: int) -> list[Layer]:
        raise NotImplementedError

    def _loss(self) -> losses.Loss:
        raise NotImplementedError

    # -- network construction ----------------------------------------------

    def _hidden_sizes(self) -> list[int]:
        sizes = self.hidden_layer_sizes
        if isinstance(sizes, (int, np.integer)):
            sizes = (int(sizes),)
        result = [int(size) for size in sizes]
        if any(size < 1 for size in result):
            raise ConfigurationError(
                f"{type(self).__name__} hidden_layer_sizes must contain positive "
                f"integers, got {self.hidden_layer_sizes!r}; pass for example "
                "(64, 32) for two hidden layers."
            )
        return result

    def _activation_class(self) -> type[Layer]:
        name = str(self.activation).lower()
        if name not in _ACTIVATIONS:
            raise ConfigurationError(
                f"{type(self).__name__} activation must be one of "
                f"{sorted(_ACTIVATIONS)}, got {self.activation!r}."
            )
        return _ACTIVATIONS[name]

    def _make_optimizer(self) -> Optimizer:
        name = str(self.optimizer).lower()
        if name not in _OPTIMIZERS:
            raise ConfigurationError(
                f"{type(self).__name__} optimizer must be one of "
                f"{sorted(_OPTIMIZERS)}, got {self.optimizer!r}."
            )
        return _OPTIMIZERS[name](learning_rate=self.learning_rate)

    def _build_model(self, n_features: int, n_outputs: int) -> Sequential:
        """Create the network with a seed drawn from ``random_state``."""
        activation = self._activation_class()
        layers: list[Layer] = []
        width = n_features
        for size in self._hidden_sizes():
            layers += [Dense(width, size), activation()]
            if self.dropout:
                layers.append(Dropout(self.dropout))
            width = size
        layers += self._output_layers(width, n_outputs)
        seed = int(check_random_state(self.random_state).randint(2**31 - 1))
        model = Sequential(layers, seed=seed, dtype=np.dtype(self.dtype))
        model.compile(loss=self._loss(), optimizer=self._make_optimizer())
        return model

    # -- training ----------------------------------------------------------

    def _train(self, x: Array, targets: Array, sample_weight: Any, epochs: int) -> None:
        """Run ``epochs`` passes of mini-batch training on ``model_``."""
        if sample_weight is not None and not np.any(np.asarray(sample_weight)):
            raise InputValueError(
                f"{type(self).__name__}.fit: every sample_weight is zero, so "
                "there is nothing to train on; give some samples a positive "
                "weight."
            )
        self.model_.fit(
            x,
            targets,
            epochs=epochs,
            batch_size=self.batch_size,
            shuffle=self.shuffle,
            verbose=self.verbose,
            sample_weight=sample_weight,
        )
        self.n_iter_ = self.model_.epochs_trained

    def _validate_x(self, x: Any) -> Array:
        check_is_fitted(self, "model_")
        array: Array = validate_data(self, x, reset=False, dtype=_FLOAT_DTYPES)
        return array

    def _forward(self, x: Any) -> Array:
        """Return the network's output in float64, as scikit-learn expects."""
        array = self._validate_x(x)
        result: Array = self.model_.predict(array).astype(np.float64)
        return result


class NeuralNetClassifier(ClassifierMixin, _NeuralNetBase):  # type: ignore[misc]
    """A multilayer perceptron classifier trained with microframe.

    The network is ``Dense -> activation`` for each hidden layer (with
    ``Dropout`` after each activation when ``dropout > 0``), then
    ``Dense(hidden, n_classes) -> Softmax``, trained with sparse categorical
    cross-entropy. Labels may be of any type that ``numpy.unique`` sorts:
    integers, strings or booleans.

    Args:
        hidden_layer_sizes: width of each hidden layer, in order.
        activation: hidden activation: ``"relu"``, ``"tanh"``,
            ``"sigmoid"`` (also ``"logistic"``), ``"leaky_relu"`` or
            ``"identity"``.
        optimizer: ``"adam"`` or ``"sgd"``.
        learning_rate: the optimizer's step size.
        epochs: passes over the data in ``fit``; ``partial_fit`` runs one.
        batch_size: samples per update.
        dropout: dropout rate after each hidden activation, in ``[0, 1)``.
        shuffle: reshuffle the samples each epoch.
        dtype: ``"float32"`` or ``"float64"``, the network's dtype.
        random_state: seed, ``RandomState`` or ``None``; each ``fit`` draws
            the network's seed from it, so an integer gives the same
            network on every fit.
        verbose: 0 is silent, 1 shows a progress bar per epoch and 2 writes
            one line per epoch to stdout, as in ``Sequential.fit``.

    Attributes:
        classes_: the sorted class labels, shape ``(C,)``.
        model_: the trained ``Sequential``.
        n_features_in_: number of input features.
        n_iter_: epochs trained so far.

    Example:
        >>> clf = NeuralNetClassifier((16,), epochs=20, random_state=0)
        >>> clf.fit(x, ["a", "b", ...]).predict(x[:2])
        array(['a', 'b'], dtype='<U1')
    """

    def _output_layers(self, hidden_size: int, n_outputs: int) -> list[Layer]:
        return [Dense(hidden_size, n_outputs), Softmax()]

    def _loss(self) -> losses.Loss:
        return losses.SparseCategoricalCrossEntropy()

    def fit(self, X: Any, y: Any, sample_weight: Any = None) -> NeuralNetClassifier:
        """Train a new network for ``epochs`` passes and return ``self``.

        Shapes:
            X: ``(N, D_in)``. y: ``(N,)`` labels. sample_weight: ``(N,)``.
        """
        x, y = validate_data(self, X, y, dtype=_FLOAT_DTYPES)
        check_classification_targets(y)
        self.classes_, encoded = np.unique(y, return_inverse=True)
        self.model_ = self._build_model(x.shape[1], len(self.classes_))
        self._train(x, encoded.astype(np.int64), sample_weight, self.epochs)
        return self

    def partial_fit(
        self, X: Any, y: Any, classes: Any = None, sample_weight: Any = None
    ) -> NeuralNetClassifier:
        """Train for one epoch, creating the network on the first call.

        Args:
            X: inputs of shape ``(N, D_in)``.
            y: labels of shape ``(N,)``.
            classes: every label that any call will see; needed on the
                first call when that batch lacks some classes. Defaults to
                the labels in the first ``y``.
            sample_weight: one weight per sample, ``(N,)``.

        Raises:
            InputValueError: when ``y`` contains a label outside ``classes_``.
        """
        first_call = not hasattr(self, "model_")
        x, y = validate_data(self, X, y, dtype=_FLOAT_DTYPES, reset=first_call)
        check_classification_targets(y)
        if first_call:
            labels = y if classes is None else np.asarray(classes)
            self.classes_ = np.unique(labels)
            self.model_ = self._build_model(x.shape[1], len(self.classes_))
        encoded = self._encode(y)
        self._train(x, encoded, sample_weight, 1)
        return self

    def _encode(self, y: Array) -> Array:
        positions = np.searchsorted(self.classes_, y)
        positions = np.clip(positions, 0, len(self.classes_) - 1)
        unknown = self.classes_[positions] != y
        if np.any(unknown):
            raise InputValueError(
                f"{type(self).__name__}.partial_fit: label "
                f"{y[np.argmax(unknown)].item()!r} is not in classes_ "
                f"{self.classes_.tolist()}; pass every label in `classes` on "
                "the first call."
            )
        result: Array = positions.astype(np.int64)
        return result

    def predict_proba(self, X: Any) -> Array:
        """Return the probability of each class, columns ordered as ``classes_``.

        Shapes:
            X: ``(N, D_in)``. Returns ``(N, C)``; each row sums to 1.
        """
        return self._forward(X)

    def predict(self, X: Any) -> Array:
        """Return the most probable label for each sample.

        Shapes:
            X: ``(N, D_in)``. Returns ``(N,)``, of the dtype of ``classes_``.
        """
        probabilities = self.predict_proba(X)
        result: Array = self.classes_[np.argmax(probabilities, axis=1)]
        return result


class NeuralNetRegressor(RegressorMixin, _NeuralNetBase):  # type: ignore[misc]
    """A multilayer perceptron regressor trained with microframe.

    The network is ``Dense -> activation`` for each hidden layer (with
    ``Dropout`` when ``dropout > 0``), then a linear ``Dense(hidden,
    D_out)``, trained with mean squared error. Targets of shape ``(N,)``
    give predictions of shape ``(N,)``; targets of shape ``(N, D_out)``
    give ``(N, D_out)``. The network fits the targets as they are, so
    standardise targets of large magnitude first (for example with
    ``TransformedTargetRegressor``).

    It takes the same arguments as ``NeuralNetClassifier``.

    Attributes:
        model_: the trained ``Sequential``.
        n_features_in_: number of input features.
        n_iter_: epochs trained so far.
    """

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        return tags

    def _output_layers(self, hidden_size: int, n_outputs: int) -> list[Layer]:
        return [Dense(hidden_size, n_outputs)]

    def _loss(self) -> losses.Loss:
        return losses.MeanSquaredError()

    def _validate_xy(self, X: Any, y: Any, reset: bool) -> tuple[Array, Array]:
        x, y = validate_data(
            self,
            X,
            y,
            dtype=_FLOAT_DTYPES,
            multi_output=True,
            y_numeric=True,
            reset=reset,
        )
        y = as_float_array(y, f"{type(self).__name__} y", np.dtype(self.dtype))
        if reset:
            self._single_output = y.ndim == 1
        return x, y.reshape(len(y), -1)

    def fit(self, X: Any, y: Any, sample_weight: Any = None) -> NeuralNetRegressor:
        """Train a new network for ``epochs`` passes and return ``self``.

        Shapes:
            X: ``(N, D_in)``. y: ``(N,)`` or ``(N, D_out)``.
            sample_weight: ``(N,)``.
        """
        x, targets = self._validate_xy(X, y, reset=True)
        self.model_ = self._build_model(x.shape[1], targets.shape[1])
        self._train(x, targets, sample_weight, self.epochs)
        return self

    def partial_fit(
        self, X: Any, y: Any, sample_weight: Any = None
    ) -> NeuralNetRegressor:
        """Train for one epoch, creating the network on the first call.

        Shapes:
            X: ``(N, D_in)``. y: ``(N,)`` or ``(N, D_out)``, the same
            number of outputs on every call.
        """
        first_call = not hasattr(self, "model_")
        x, targets = self._validate_xy(X, y, reset=first_call)
        if first_call:
            self.model_ = self._build_model(x.shape[1], targets.shape[1])
        self._train(x, targets, sample_weight, 1)
        return self

    def predict(self, X: Any) -> Array:
        """Return the network's output for each sample.

        Shapes:
            X: ``(N, D_in)``. Returns ``(N,)`` when trained on 1-D targets,
            else ``(N, D_out)``.
        """
        output = self._forward(X)
        return output.ravel() if self._single_output else output
