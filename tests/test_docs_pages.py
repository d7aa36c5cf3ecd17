"""The documentation shows what the code produces."""

import inspect
import re
from pathlib import Path

import numpy as np
import pytest
from test_exercise import build_exercise_model

import microframe
import microframe.viz

DOCS = Path(__file__).resolve().parent.parent / "docs"
EXERCISE_X = np.array([0.5, 0.1, -0.2])


def test_exercise_page_diagram_is_live() -> None:
    page = (DOCS / "backprop-exercise.md").read_text()
    fences = re.findall(r"```mermaid\n(.*?)```", page, re.DOTALL)
    assert fences == [build_exercise_model().to_mermaid(EXERCISE_X)]


def test_committed_diagram_source_is_live() -> None:
    committed = (DOCS / "images" / "backprop-exercise.mmd").read_text()
    assert committed == build_exercise_model().to_mermaid(EXERCISE_X)


def test_committed_svg_shows_values() -> None:
    svg = (DOCS / "images" / "backprop-exercise.svg").read_text()
    assert svg.startswith("<svg")
    for value in ("0.560", "0.387", "0.485"):
        assert value in svg


@pytest.mark.parametrize(
    ("module", "name"),
    [(microframe, name) for name in microframe.__all__]
    + [(microframe.viz, name) for name in microframe.viz.__all__],
)
def test_public_name_has_docstring(module: object, name: str) -> None:
    value = getattr(module, name)
    if inspect.isclass(value) or inspect.isfunction(value) or inspect.ismodule(value):
        assert inspect.getdoc(value), f"{name} has no docstring"
