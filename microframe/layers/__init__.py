"""Layers: the ``Layer`` base class and the built-in layers."""

from microframe.layers.base import Layer, Parameters
from microframe.layers.convolution import Conv1D, Conv2D
from microframe.layers.dense import Dense
from microframe.layers.dropout import Dropout
from microframe.layers.embedding import Embedding
from microframe.layers.normalization import BatchNormalization, LayerNormalization
from microframe.layers.pooling import (
    AvgPool2D,
    GlobalAveragePooling2D,
    MaxPool1D,
    MaxPool2D,
)
from microframe.layers.recurrent import LSTM, SimpleRNN
from microframe.layers.reshape import Flatten, Reshape

__all__ = [
    "LSTM",
    "AvgPool2D",
    "BatchNormalization",
    "Conv1D",
    "Conv2D",
    "Dense",
    "Dropout",
    "Embedding",
    "Flatten",
    "GlobalAveragePooling2D",
    "Layer",
    "LayerNormalization",
    "MaxPool1D",
    "MaxPool2D",
    "Parameters",
    "Reshape",
    "SimpleRNN",
]
