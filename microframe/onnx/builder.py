"""``GraphBuilder``: collects ONNX nodes and initializers with unique names."""

from __future__ import annotations

from collections.abc import Sequence
from types import ModuleType
from typing import Any

import numpy as np

from microframe.layers.base import Array


class GraphBuilder:
    """Accumulates the nodes and constant tensors of one ONNX graph.

    Converters call ``constant`` for weights and ``node`` for operators;
    both return the name of the tensor they create, which the next call
    takes as input. Floating constants are stored as float32, because
    onnxruntime rejects a float64 weight in a float32 graph.

    Args:
        onnx: the imported ``onnx`` module.
    """

    def __init__(self, onnx: ModuleType) -> None:
        self.onnx = onnx
        self.nodes: list[Any] = []
        self.initializers: list[Any] = []
        self._counts: dict[str, int] = {}

    def unique_name(self, base: str) -> str:
        """Return ``base`` followed by a counter, unique within this graph."""
        count = self._counts.get(base, 0)
        self._counts[base] = count + 1
        return f"{base}_{count}"

    def constant(self, base: str, value: Array | Sequence[int]) -> str:
        """Add ``value`` as an initializer and return its name.

        Floating arrays are cast to float32 and integer ones to int64 (the
        type ONNX requires for shapes and indices).
        """
        array = np.asarray(value)
        dtype = np.float32 if array.dtype.kind == "f" else np.int64
        name = self.unique_name(base)
        tensor = self.onnx.numpy_helper.from_array(array.astype(dtype), name)
        self.initializers.append(tensor)
        return name

    def node(self, op_type: str, inputs: Sequence[str], **attributes: Any) -> str:
        """Add one operator with a single output and return the output's name."""
        output = self.unique_name(op_type.lower())
        node = self.onnx.helper.make_node(
            op_type,
            list(inputs),
            [output],
            name=self.unique_name(f"{op_type}_node"),
            **attributes,
        )
        self.nodes.append(node)
        return output
