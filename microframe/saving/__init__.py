"""Saving and loading: one pickle-free file per model, atomic writes.

``save_model``/``load_model`` keep the architecture, weights and training
state; ``save_weights``/``load_weights`` keep the parameters alone. The file
format is a zip archive of a JSON header and ``.npy`` arrays, specified in
``docs/saving.md``.
"""

from microframe.saving.model_io import (
    FORMAT_VERSION,
    load_model,
    load_weights,
    save_model,
    save_weights,
)
from microframe.saving.registry import (
    register_layer,
    register_serializable,
    registered_classes,
    unregister,
)

__all__ = [
    "FORMAT_VERSION",
    "load_model",
    "load_weights",
    "register_layer",
    "register_serializable",
    "registered_classes",
    "save_model",
    "save_weights",
    "unregister",
]
