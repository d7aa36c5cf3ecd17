"""Export a ``Sequential`` model to an ONNX file.

``export(model, path, input_shape=...)`` writes a float32 graph with a
dynamic batch axis that runtimes such as onnxruntime execute. The ``onnx``
package is imported only when ``export`` runs; install it with ``pip install
microframe[onnx]``. ``register_converter`` adds export rules for custom
layers.
"""

from microframe.onnx.builder import GraphBuilder
from microframe.onnx.export import DEFAULT_OPSET, export
from microframe.onnx.registry import register_converter

__all__ = ["DEFAULT_OPSET", "GraphBuilder", "export", "register_converter"]
