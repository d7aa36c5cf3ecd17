"""Layers: the ``Layer`` base class and the built-in layers."""

from microframe.layers.base import Layer, Parameters
from microframe.layers.dense import Dense
from microframe.layers.dropout import Dropout

__all__ = ["Dense", "Dropout", "Layer", "Parameters"]
