"""``Sequential``: a stack of layers with Keras-style compile, fit and predict."""

from microframe.model.outputs import DefaultsWarning
from microframe.model.sequential import Sequential

__all__ = ["DefaultsWarning", "Sequential"]
