"""The ``Layer`` base class and its parameter dictionary."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any

import numpy as np
from numpy.typing import DTypeLike, NDArray

from microframe._config import constructor_config
from microframe._validation import as_numeric_array
from microframe.errors import (
    ConfigurationError,
    FormatError,
    InputTypeError,
    MissingParameterError,
    NotFittedError,
    ShapeError,
)

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

    def __missing__(self, key: str) -> Array:
        raise MissingParameterError(
            f"{self._owner.name}.params has no entry {key!r} (it has "
            f"{sorted(self)}); create it in init_params(self, rng), which runs "
            "once when the layer is built: by Sequential, by layer.build(), or "
            "by self.ensure_built() at the start of forward."
        )

    def update(self, *args: Any, **kwargs: Any) -> None:
        """Assign each entry through ``__setitem__``, so it is checked and cast."""
        for key, value in dict(*args, **kwargs).items():
            self[key] = value

    def setdefault(self, key: str, default: Any = None) -> Array:
        """Assign ``default`` through ``__setitem__`` when ``key`` is missing."""
        if key not in self:
            self[key] = default
        return self[key]

    def __reduce__(self) -> tuple[Any, ...]:
        # copy and pickle would otherwise refill the dict through
        # __setitem__ before the owner's attributes exist. The items go
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
        integer_input: whether ``forward`` takes integer arrays as they are,
            such as token ids, instead of casting them to ``dtype``.

    Every subclass's ``forward`` and ``backward`` receive a non-empty
    numeric ndarray: the base class converts lists, casts booleans and
    integers to ``dtype``, and raises ``InputTypeError`` for strings,
    objects, complex numbers and ragged lists, and ``ShapeError`` for an
    input with no elements. Floating-point arrays pass unchanged, without
    a copy.
    """

    integer_input = False

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        # Wrapping here covers every layer, user subclasses included, so no
        # layer can meet a list or a string array deep inside NumPy. mypy
        # rejects assigning to a method; functools.wraps keeps the name,
        # signature and docstring, so the assignment is safe.
        if "forward" in cls.__dict__:
            cls.forward = _checked_forward(cls.__dict__["forward"])  # type: ignore[method-assign]
        if "backward" in cls.__dict__:
            cls.backward = _checked_backward(cls.__dict__["backward"])  # type: ignore[method-assign]
        if "backward_params" in cls.__dict__:
            cls.backward_params = _checked_backward(  # type: ignore[method-assign]
                cls.__dict__["backward_params"]
            )

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
        if "params" not in vars(self):
            raise ConfigurationError(
                f"{type(self).__name__}: the layer has no params dict, because its "
                "__init__ did not call the base class; add super().__init__() as "
                "the first line of __init__."
            )
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
        if not getattr(self, "built", False):
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

    def _prepare_input(self, value: Any) -> Array:
        """Return the input of ``forward`` as a non-empty numeric array."""
        _reject_none(value, f"{self.name}.forward x")
        array = as_numeric_array(value, f"{self.name}.forward x")
        if array.size == 0:
            raise ShapeError(
                f"{self.name}.forward: expected an input with at least one "
                f"element, got shape {array.shape}; pass at least one sample."
            )
        if array.dtype.kind == "f" or (
            self.integer_input and array.dtype.kind in "biu"
        ):
            return array
        return np.asarray(array, dtype=self.dtype)

    def _prepare(self, value: Any, argument: str) -> Array:
        """Return ``value`` as a floating-point array.

        Floating-point arrays are returned as they are, without a copy, so a
        standalone layer computes in the dtype it is given. Booleans,
        integers and lists are converted to the layer's dtype.

        Raises:
            InputTypeError: for strings, objects, complex numbers and ragged
                nested lists.
        """
        if type(value) is np.ndarray and value.dtype.kind == "f":
            return value
        _reject_none(value, f"{self.name}.{argument}")
        array = as_numeric_array(value, f"{self.name}.{argument}")
        if array.dtype.kind == "f":
            return array
        return np.asarray(array, dtype=self.dtype)

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
                "layer's output, or in a model make the next layer's backward "
                "return the shape its forward received."
            )


def _reject_none(value: Any, name: str) -> None:
    # In a model, None here is what a custom neighbour's forward or backward
    # returned when it lacks a return statement.
    if value is None:
        raise InputTypeError(
            f"{name}: expected an array, got None; check that the forward and "
            "backward of the layers around it return their arrays."
        )


def _checked_forward(method: Callable[..., Array]) -> Callable[..., Array]:
    """Wrap a subclass's ``forward`` so that it receives a checked array."""
    if _has_parameters(method, ("self", "x", "training"), (False,)):
        # The usual signature: forwarding it as it is avoids packing
        # ``*args`` and ``**kwargs``, which doubles the cost of the wrapper.
        @functools.wraps(method)
        def forward_usual(self: Layer, x: Any, training: bool = False) -> Array:
            if type(x) is not np.ndarray or x.dtype.kind != "f" or x.size == 0:
                x = self._prepare_input(x)
            return method(self, x, training)

        return forward_usual

    @functools.wraps(method)
    def forward(self: Layer, x: Any, *args: Any, **kwargs: Any) -> Array:
        # The common case, a non-empty float array, costs one type test.
        # NOTE: NaN and infinity are not checked here, because that pass (or
        # an np.errstate block, about 1 us) would slow every layer call. So
        # infinity can make NumPy warn in a layer called on its own.
        if type(x) is not np.ndarray or x.dtype.kind != "f" or x.size == 0:
            x = self._prepare_input(x)
        return method(self, x, *args, **kwargs)

    return forward


def _checked_backward(method: Callable[..., Any]) -> Callable[..., Any]:
    """Wrap a subclass's ``backward`` or ``backward_params`` to receive floats."""
    if _has_parameters(method, ("self", "grad_output"), ()):

        @functools.wraps(method)
        def backward_usual(self: Layer, grad_output: Any) -> Any:
            if type(grad_output) is not np.ndarray or grad_output.dtype.kind != "f":
                grad_output = self._prepare(grad_output, "backward grad_output")
            return method(self, grad_output)

        return backward_usual

    @functools.wraps(method)
    def backward(self: Layer, grad_output: Any, *args: Any, **kwargs: Any) -> Any:
        if type(grad_output) is not np.ndarray or grad_output.dtype.kind != "f":
            grad_output = self._prepare(grad_output, "backward grad_output")
        return method(self, grad_output, *args, **kwargs)

    return backward


def _has_parameters(
    method: Callable[..., Any], names: tuple[str, ...], defaults: tuple[Any, ...]
) -> bool:
    """Return whether ``method`` takes exactly ``names``, positionally.

    ``defaults`` are the defaults of the last parameters, compared with
    ``is``, so a wrapper with the same signature behaves the same.
    """
    try:
        parameters = list(inspect.signature(method).parameters.values())
    except (TypeError, ValueError):
        return False
    if [p.name for p in parameters] != list(names):
        return False
    if any(p.kind is not p.POSITIONAL_OR_KEYWORD for p in parameters):
        return False
    given = [p.default for p in parameters if p.default is not p.empty]
    return len(given) == len(defaults) and all(
        a is b for a, b in zip(given, defaults, strict=True)
    )
