"""Write the diagrams of docs/images: the Mermaid source and its SVG.

Run ``make diagrams`` after changing the diagram code. It needs the Mermaid
CLI that ``make mermaid-tools`` installs.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

from microframe import Dense, Sequential, Sigmoid
from microframe.viz.render import render_mermaid

IMAGES = Path(__file__).resolve().parent.parent / "docs" / "images"
EXERCISE_INPUT = np.array([0.5, 0.1, -0.2])


def exercise_model() -> Sequential:
    """Build the 3-2-1 exercise network with its given weights."""
    model = Sequential(
        [
            Dense(3, 2, use_bias=False),
            Sigmoid(),
            Dense(2, 1, use_bias=False),
            Sigmoid(),
        ],
        dtype=np.float64,
    )
    model.layers[0].params["weight"] = [[0.5, -0.6], [0.1, -0.2], [0.1, 0.7]]
    model.layers[2].params["weight"] = [[0.1], [-0.3]]
    return model


def main() -> int:
    IMAGES.mkdir(parents=True, exist_ok=True)
    text = exercise_model().to_mermaid(EXERCISE_INPUT)
    source = IMAGES / "backprop-exercise.mmd"
    source.write_text(text, encoding="utf-8")
    target = render_mermaid(text, IMAGES / "backprop-exercise.svg")
    print(f"wrote {source} and {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
