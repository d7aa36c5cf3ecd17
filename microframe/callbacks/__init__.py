"""Callbacks: hooks that run at the start and end of training, epochs and batches."""

from microframe.callbacks.base import (
    Callback,
    CallbackList,
    EpochLogger,
    History,
    Logs,
)
from microframe.callbacks.checkpoint import ModelCheckpoint

__all__ = [
    "Callback",
    "CallbackList",
    "EpochLogger",
    "History",
    "Logs",
    "ModelCheckpoint",
]
