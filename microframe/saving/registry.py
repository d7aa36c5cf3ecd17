"""The registry of classes that a saved file may name.

A file names classes by string. Loading looks each string up in this
registry and nowhere else: nothing is imported and no attribute is read by
name, so a file cannot reach ``os.system`` or any other callable.

Built-in classes are found automatically: every subclass of ``Layer``,
``Loss``, ``Optimizer``, ``Initializer``, ``Metric`` or
``LearningRateSchedule`` defined in a
``microframe`` module whose name does not start with an underscore. Other
classes are added with ``register_layer`` or ``register_serializable``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, overload

from microframe.errors import ConfigurationError, UnknownClassError
from microframe.initializers import Initializer
from microframe.layers.base import Layer
from microframe.losses.base import Loss
from microframe.metrics import Metric
from microframe.optimizers.base import Optimizer
from microframe.schedules import LearningRateSchedule

T = TypeVar("T", bound=type)

# Kinds of registered classes, by the base class each must derive from.
# Initialisers appear as values inside layer configurations, and
# learning-rate schedules inside optimizer configurations.
KINDS: dict[str, tuple[type, ...]] = {
    "layer": (Layer,),
    "loss": (Loss,),
    "optimizer": (Optimizer,),
    "metric": (Metric,),
    "initializer": (Initializer,),
    "schedule": (LearningRateSchedule,),
}

_registered: dict[str, dict[str, type]] = {kind: {} for kind in KINDS}


def _all_subclasses(base: type) -> list[type]:
    found: list[type] = []
    pending: list[type] = list(base.__subclasses__())
    while pending:
        cls = pending.pop()
        if cls not in found:
            found.append(cls)
            pending.extend(cls.__subclasses__())
    return found


def _is_builtin(cls: type) -> bool:
    module = cls.__module__
    in_package = module == "microframe" or module.startswith("microframe.")
    private = cls.__name__.startswith("_") or any(
        part.startswith("_") for part in module.split(".")[1:]
    )
    return in_package and not private


def builtin_classes(kind: str) -> dict[str, type]:
    """Return the public classes of ``kind`` defined inside microframe, by name."""
    classes: dict[str, type] = {}
    for base in KINDS[kind]:
        if _is_builtin(base):
            classes[base.__name__] = base
        for cls in _all_subclasses(base):
            if _is_builtin(cls):
                classes[cls.__name__] = cls
    return classes


def registered_classes(kind: str) -> dict[str, type]:
    """Return every class of ``kind`` that a file may name, built-in or added."""
    return {**builtin_classes(kind), **_registered[kind]}


def kind_of(cls: type) -> str:
    """Return the registry kind for ``cls``, from its base class."""
    for kind, bases in KINDS.items():
        if issubclass(cls, bases):
            return kind
    allowed = ", ".join(base.__name__ for bases in KINDS.values() for base in bases)
    raise ConfigurationError(
        f"register: expected a subclass of one of {allowed}, got "
        f"{cls.__name__}; only these kinds of object can be saved."
    )


def name_of(obj: object) -> str:
    """Return the registered name of ``obj``'s class, or raise if it has none."""
    cls = type(obj)
    kind = kind_of(cls)
    for name, candidate in registered_classes(kind).items():
        if candidate is cls:
            return name
    raise UnknownClassError(
        f"save: the {kind} class {cls.__module__}.{cls.__qualname__} is not "
        f"registered, so a file could not name it; decorate it with "
        f"{_decorator(kind)} before saving and before loading."
    )


def lookup(kind: str, name: Any) -> type:
    """Return the class registered as ``name`` for ``kind``.

    Raises:
        UnknownClassError: when ``name`` is not registered; the message
            lists the registered names and how to register a class.
    """
    classes = registered_classes(kind)
    if isinstance(name, str) and name in classes:
        return classes[name]
    shown = name if isinstance(name, str) else type(name).__name__
    raise UnknownClassError(
        f"load: the file names the {kind} class {shown[:80]!r}, which is not "
        f"registered; registered {kind} classes are {sorted(classes)}. For a "
        f"class of your own, decorate it with {_decorator(kind)} in the code "
        "that loads the file."
    )


def _decorator(kind: str) -> str:
    if kind == "layer":
        return "@microframe.register_layer"
    return "@microframe.register_serializable"


def _register(cls: T, name: str | None, expected_kind: str | None) -> T:
    if not isinstance(cls, type):
        raise ConfigurationError(
            f"register: expected a class, got {type(cls).__name__}; use the "
            "decorator on a class definition."
        )
    kind = kind_of(cls)
    if expected_kind is not None and kind != expected_kind:
        raise ConfigurationError(
            f"register_layer: expected a Layer subclass, got {cls.__name__}, "
            f"a {kind}; use register_serializable for it."
        )
    key = cls.__name__ if name is None else name
    if not isinstance(key, str) or not key:
        raise ConfigurationError(
            f"register: expected a non-empty string name, got {key!r}."
        )
    existing = registered_classes(kind).get(key)
    if existing is not None and existing is not cls:
        raise ConfigurationError(
            f"register: the {kind} name {key!r} already belongs to "
            f"{existing.__module__}.{existing.__qualname__}; pass another "
            f"name, for example name='mypackage.{key}'."
        )
    _registered[kind][key] = cls
    return cls


@overload
def register_layer(cls: T, *, name: str | None = None) -> T: ...


@overload
def register_layer(
    cls: None = None, *, name: str | None = None
) -> Callable[[T], T]: ...


def register_layer(
    cls: T | None = None, *, name: str | None = None
) -> T | Callable[[T], T]:
    """Register a ``Layer`` subclass so that saved files can name it.

    Use it as ``@register_layer`` or ``@register_layer(name="pkg.MyLayer")``.
    The name defaults to the class name and must not clash with another
    registered class. Register the class in the code that saves and in the
    code that loads.
    """
    if cls is None:
        return lambda inner: _register(inner, name, "layer")
    return _register(cls, name, "layer")


@overload
def register_serializable(cls: T, *, name: str | None = None) -> T: ...


@overload
def register_serializable(
    cls: None = None, *, name: str | None = None
) -> Callable[[T], T]: ...


def register_serializable(
    cls: T | None = None, *, name: str | None = None
) -> T | Callable[[T], T]:
    """Register a loss, optimizer, metric, initialiser, schedule or layer class.

    Works like ``register_layer`` for any kind the format stores.
    """
    if cls is None:
        return lambda inner: _register(inner, name, None)
    return _register(cls, name, None)


def unregister(cls: type) -> None:
    """Remove ``cls`` from the added classes; built-in classes stay found."""
    for classes in _registered.values():
        for key in [key for key, value in classes.items() if value is cls]:
            del classes[key]
