"""Layers: the ``Layer`` base class and the built-in layers."""

from microframe.layers.base import Layer, Parameters
from microframe.layers.dense import Dense

__all__ = ["Dense", "Layer", "Parameters"]
