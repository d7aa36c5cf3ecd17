"""Exceptions raised by microframe.

Every error a user can trigger is a subclass of :class:`MicroframeError` and of
the built-in ``ValueError`` or ``TypeError``, so existing ``except ValueError``
blocks keep working. The exceptions are ``MissingDependencyError``, an
``ImportError``, and ``UnsupportedLayerError``, a ``NotImplementedError``.
``MissingParameterError`` is also a ``KeyError``.
Messages follow one form: the component, what it expected, what it
received, and how to fix it.
"""

from __future__ import annotations


class MicroframeError(Exception):
    """Base class of every exception raised by microframe."""


class ShapeError(MicroframeError, ValueError):
    """An array has a shape that the receiving component cannot use."""


class InputValueError(MicroframeError, ValueError):
    """An array contains values that are invalid, such as NaN, inf or bad labels."""


class InputTypeError(MicroframeError, TypeError):
    """An argument has a type or dtype that microframe does not accept."""


class MissingDependencyError(MicroframeError, ImportError):
    """An optional package that a feature needs is not installed."""


class UnsupportedLayerError(MicroframeError, NotImplementedError):
    """A converter (ONNX, PyTorch) has no rule for a layer or module type."""


class ConfigurationError(MicroframeError, ValueError):
    """A hyperparameter or setting is outside its valid range."""


class NotFittedError(MicroframeError, ValueError):
    """A model was used before the step it depends on, such as ``compile``."""


class MissingParameterError(NotFittedError, KeyError):
    """A layer read a parameter that its ``init_params`` never created.

    It is also a ``KeyError``, so code that looks parameters up with
    ``try``/``except KeyError`` keeps working.
    """

    # KeyError.__str__ would show the message quoted; show it as written.
    __str__ = NotFittedError.__str__


class NonFiniteLossError(MicroframeError, ValueError):
    """The training loss became NaN or infinite."""


class GradientCheckError(MicroframeError, ValueError):
    """Analytic gradients disagree with finite differences."""


class NonFiniteOutputError(MicroframeError, ValueError):
    """A model gave NaN or infinite output for finite input."""


class FormatError(MicroframeError, ValueError):
    """A saved file is truncated, corrupt, hostile or from a newer format."""


class UnknownClassError(MicroframeError, ValueError):
    """A class is missing from the registry that saving and loading use."""
