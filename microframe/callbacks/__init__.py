"""Callbacks: hooks that run at the start and end of training, epochs and batches."""

from microframe.callbacks.base import (
    Callback,
    CallbackList,
    EpochLogger,
    History,
    Logs,
)
from microframe.callbacks.checkpoint import ModelCheckpoint
from microframe.callbacks.csv_logger import CSVLogger
from microframe.callbacks.early_stopping import EarlyStopping
from microframe.callbacks.lambda_callback import LambdaCallback
from microframe.callbacks.progress import ProgressBar
from microframe.callbacks.reduce_lr import ReduceLROnPlateau
from microframe.callbacks.terminate_on_nan import TerminateOnNaN

__all__ = [
    "CSVLogger",
    "Callback",
    "CallbackList",
    "EarlyStopping",
    "EpochLogger",
    "History",
    "LambdaCallback",
    "Logs",
    "ModelCheckpoint",
    "ProgressBar",
    "ReduceLROnPlateau",
    "TerminateOnNaN",
]
