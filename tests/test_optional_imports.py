"""Optional dependencies: a missing package raises an error naming the extra."""

from __future__ import annotations

import sys

import pytest

from microframe import Dense, Sequential
from microframe.errors import MissingDependencyError
from microframe.interop import from_torch, to_torch
from microframe.onnx import export


def test_to_torch_without_torch(monkeypatch: pytest.MonkeyPatch) -> None:
    # A None entry in sys.modules makes `import torch` raise ImportError.
    monkeypatch.setitem(sys.modules, "torch", None)
    with pytest.raises(MissingDependencyError, match="pip install torch"):
        to_torch(Sequential([Dense(2, 1)]))


def test_from_torch_without_torch(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "torch", None)
    with pytest.raises(MissingDependencyError, match="pip install torch"):
        from_torch(object())


def test_export_without_onnx(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "onnx", None)
    with pytest.raises(MissingDependencyError, match=r"pip install microframe\[onnx\]"):
        export(Sequential([Dense(3, 1)]), None)


def test_sklearn_module_without_sklearn(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "sklearn", None)
    monkeypatch.delitem(sys.modules, "microframe.sklearn", raising=False)
    with pytest.raises(MissingDependencyError, match=r"microframe\[sklearn\]"):
        import microframe.sklearn  # noqa: F401
