"""The ``Layer`` base class and its parameter dictionary."""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import DTypeLike, NDArray

from microframe._config import constructor_config
from microframe._validation import as_numeric_array
from microframe.errors import FormatError, NotFittedError, ShapeError

Array = NDArray[Any]


class Parameters(dict[str, Array]):
    """A layer's trainable arrays, keyed by name (``"weight"``, ``"bias"``...).

    Assigning an array casts it to the layer's dtype and, when a parameter of
    that name already exists, checks that the shape is unchanged. So a user
    can write ``layer.params["weight"] = [[0.5, -0.6], ...]`` with integers or
    lists and the layer still trains in floating point.
    """

    def __init__(self, owner: Layer) -> None:
        super().__init__()
        self._owner = owner

    def __setitem__(self, key: str, value: Any) -> None:
        array = as_numeric_array(value, f"{self._owner.name}.params[{key!r}]")
        old = self.get(key)
        if old is not None and old.shape != array.shape:
            raise ShapeError(
                f"{self._owner.name}.params[{key!r}]: expected shape "
                f"{old.shape}, got {array.shape}; assign an array of the same "
                "shape or build a new layer."
            )
        # A copy, so the layer never shares memory with the caller's array
        # and in-place updates cannot change it. C order keeps
        # reshape(-1) a view, which gradcheck's in-place nudges rely on.
        copy = np.array(array, dtype=self._owner.dtype, order="C")
        super().__setitem__(key, copy)

    def __reduce__(self) -> tuple[Any, ...]:
        # copy and pickle would otherwise refill the dict through
        # __setitem__ before the owner's attributes exist; the items go
        # through __setstate__ instead, after the owner is rebuilt.
        return (Parameters.__new__, (Parameters,), (self._owner, dict(self)))

    def __setstate__(self, state: tuple[Layer, dict[str, Array]]) -> None:
        self._owner, items = state
        dict.update(self, items)


class Layer:
    """Base class of every layer: subclass it and write ``forward``/``backward``.

    A layer owns ``params`` and ``grads``, two dicts with the same keys.
    ``forward(x, training)`` caches what ``backward`` needs; ``backward``
    fills ``grads`` and returns the gradient for the layer's input. Optimizers
    update any layer through these two dicts alone.

    Subclasses that own parameters create them in ``init_params``, which runs
    once when the layer is built, with the model's random generator. A
    ``Sequential`` model builds its layers when it is created; a standalone
    layer builds itself on first use with an unseeded generator.

    Attributes:
        params: trainable arrays, in the layer's dtype.
        grads: gradients of the loss for each entry of ``params``, filled by
            ``backward``.
        state: non-trainable arrays that ``forward`` updates, such as the
            running statistics of ``BatchNormalization``. Optimizers never
            read it; save it together with ``params`` to restore a layer.
        dtype: floating dtype of the parameters and computations.
        rng: random generator for initialisation and training-time noise.
        built: whether ``build`` has run.
    """

    def __init__(self) -> None:
        self.params: Parameters = Parameters(self)
        self.grads: dict[str, Array] = {}
        self.state: dict[str, Array] = {}
        self.dtype: np.dtype[Any] = np.dtype(np.float32)
        self.rng: np.random.Generator | None = None
        self.built = False

    @property
    def name(self) -> str:
        """Short description used in messages and summaries."""
        return type(self).__name__

    def __repr__(self) -> str:
        return f"{self.name}()"

    def build(
        self, rng: np.random.Generator | None = None, dtype: DTypeLike | None = None
    ) -> None:
        """Create the parameters (once) and cast them to ``dtype``.

        Args:
            rng: generator for initial weights and training-time noise; a new
                unseeded one when omitted.
            dtype: floating dtype for parameters; float32 when omitted.
        """
        self.rng = rng if rng is not None else np.random.default_rng()
        if dtype is not None:
            self.dtype = np.dtype(dtype)
        if not self.built:
            self.init_params(self.rng)
            self.built = True
        for key in list(self.params):
            self.params[key] = self.params[key]
        for key, value in self.state.items():
            self.state[key] = np.array(value, dtype=self.dtype)

    def init_params(self, rng: np.random.Generator) -> None:
        """Create the entries of ``params``; layers without parameters skip it."""

    def ensure_built(self) -> None:
        """Build the layer with defaults if nothing has built it yet."""
        if not self.built:
            self.build()

    def forward(self, x: Array, training: bool = False) -> Array:
        """Compute the layer's output and cache what ``backward`` needs."""
        raise NotImplementedError(
            f"{self.name} must implement forward(x, training=False)."
        )

    def backward(self, grad_output: Array) -> Array:
        """Fill ``grads`` and return the gradient for the layer's input."""
        raise NotImplementedError(f"{self.name} must implement backward(grad_output).")

    def backward_params(self, grad_output: Array) -> None:
        """Fill ``grads`` only, for a layer whose input gradient nothing reads.

        ``fit`` calls this on the first layer instead of ``backward``. This
        default runs ``backward`` and drops the input gradient; layers where
        that gradient is costly, such as ``Dense``, override it to skip it.
        """
        self.backward(grad_output)

    def compute_output_shape(
        self, input_shape: tuple[int | None, ...]
    ) -> tuple[int | None, ...]:
        """Return the output shape for ``input_shape`` (batch axis first)."""
        return input_shape

    def get_config(self) -> dict[str, Any]:
        """Return the constructor arguments that rebuild this layer.

        The default reads, for each parameter of ``__init__``, the attribute
        of the same name. Override it when an argument is stored under
        another name; ``from_config(get_config())`` must give an equal layer.
        """
        return constructor_config(self)

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Layer:
        """Create a layer from what ``get_config`` returned."""
        return cls(**config)

    def get_state(self) -> dict[str, Array]:
        """Return copies of the non-trainable arrays that saving must keep.

        Trainable arrays live in ``params`` and are saved anyway. Arrays
        that change while training without being trained, such as the
        running statistics of batch normalisation, belong in ``self.state``,
        a dict created in ``init_params``. The default returns a copy of
        it. Override this and ``set_state`` for state kept elsewhere.
        """
        return {key: value.copy() for key, value in self.state.items()}

    def set_state(self, state: dict[str, Array]) -> None:
        """Restore what ``get_state`` returned; called after the layer is built.

        The default checks that ``state`` has the keys and shapes of
        ``self.state`` and copies each array in, cast to the layer's dtype.

        Raises:
            FormatError: for missing or extra keys, or a different shape.
        """
        if set(state) != set(self.state):
            raise FormatError(
                f"{self.name}.set_state: expected the state keys "
                f"{sorted(self.state)}, got {sorted(state)}; the file was "
                "written by a different version of this layer class."
            )
        for key, value in state.items():
            if np.shape(value) != self.state[key].shape:
                raise FormatError(
                    f"{self.name}.set_state: expected state[{key!r}] of shape "
                    f"{self.state[key].shape}, got {np.shape(value)}; the "
                    "file does not match this layer's configuration."
                )
        for key, value in state.items():
            self.state[key] = np.array(value, dtype=self.dtype)

    def count_params(self) -> int:
        """Return the number of scalar parameters."""
        return sum(int(p.size) for p in self.params.values())

    def zero_grads(self) -> None:
        """Set every gradient to zero, creating arrays where missing."""
        for key, param in self.params.items():
            self.grads[key] = np.zeros_like(param)

    def _cached(self, cached: Array | None) -> Array:
        """Return an array cached by ``forward``, or raise if there is none."""
        if cached is None:
            raise NotFittedError(
                f"{self.name}.backward: no cached forward pass; call "
                "forward(x) before backward(grad_output)."
            )
        return cached

    def _check_grad_shape(self, grad_output: Array, expected: tuple[int, ...]) -> None:
        if grad_output.shape != expected:
            raise ShapeError(
                f"{self.name}.backward: expected grad_output of shape "
                f"{expected} (the shape of the last forward output), got "
                f"{grad_output.shape}; pass the gradient of the loss for this "
                "layer's output."
            )
