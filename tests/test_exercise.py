"""The 3-2-1 backpropagation exercise, reproduced to at least 8 significant digits."""

import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from microframe import (
    SGD,
    BinaryCrossEntropy,
    Dense,
    HalfSquaredError,
    Sequential,
    Sigmoid,
)

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def build_exercise_model() -> Sequential:
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


def run_exercise() -> dict[str, np.ndarray]:
    model = build_exercise_model()
    x = np.array([[0.5, 0.1, -0.2]])
    before = model.get_weights()
    output = model.forward(x)
    hidden = model.layers[1].forward(model.layers[0].forward(x))
    model.forward(x)
    loss = HalfSquaredError(reduction="sum")
    loss(np.array([[0.6]]), output)
    grad = loss.backward()
    output_error = -grad[0, 0]
    grad = model.layers[3].backward(grad)
    output_term = -grad[0, 0]
    grad = model.layers[1].backward(model.layers[2].backward(grad))
    hidden_terms = -grad[0]
    model.layers[0].backward(grad)
    SGD(learning_rate=0.5).step(model.layers)
    after = model.get_weights()
    return {
        "hidden": hidden[0],
        "output": output[0],
        "output_error": np.array(output_error),
        "output_term": np.array(output_term),
        "hidden_terms": hidden_terms,
        "delta_output": (after[2]["weight"] - before[2]["weight"])[:, 0],
        "delta_hidden": after[0]["weight"] - before[0]["weight"],
    }


EXPECTED: dict[str, Any] = {
    "hidden": [0.55971365, 0.38698582],
    "output": [0.48497343],
    "output_error": 0.11502656915007464,
    "output_term": 0.028730669543515018,
    "hidden_terms": [0.00070802, -0.00204471],
    "delta_output": [0.00804047, 0.00555918],
    "delta_hidden": [
        [1.77005547e-04, -5.11178506e-04],
        [3.54011093e-05, -1.02235701e-04],
        [-7.08022187e-05, 2.04471402e-04],
    ],
}


# Half a unit in the last printed place: the values above are printed with
# 8 decimals, or with 8 decimals of mantissa for the e-04 and e-05 ones.
TOLERANCE = {name: 0.5e-8 for name in EXPECTED} | {
    "output_error": 1e-17,
    "output_term": 1e-18,
}
RELATIVE = {"delta_hidden": 5e-9}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_exercise_value(name: str) -> None:
    result = run_exercise()[name]
    if name in RELATIVE:
        np.testing.assert_allclose(result, EXPECTED[name], rtol=RELATIVE[name], atol=0)
    else:
        np.testing.assert_allclose(result, EXPECTED[name], rtol=0, atol=TOLERANCE[name])


def test_exercise_errors_exact_digits() -> None:
    result = run_exercise()
    assert repr(float(result["output_error"])) == "0.11502656915007464"
    assert repr(float(result["output_term"])) == "0.028730669543515018"


def test_cross_entropy_sum_value() -> None:
    loss = BinaryCrossEntropy(reduction="sum")
    value = loss(np.array([1, 0, 1, 1]), np.array([0.4, 0.6, 0.1, 0.5]))
    assert value == pytest.approx(4.828313737302301, rel=1e-12)


@pytest.mark.parametrize(
    ("script", "expected"),
    [
        ("backprop_exercise.py", "output error 0.11502656915007464"),
        ("backprop_exercise.py", "output error term 0.028730669543515018"),
        ("backprop_exercise.py", "hidden activations [0.55971365 0.38698582]"),
        (
            "backprop_exercise.py",
            "change in hidden-to-output weights [0.00804047 0.00555918]",
        ),
        ("backprop_exercise.py", "[-7.08022187e-05  2.04471402e-04]"),
        ("cross_entropy.py", "cross-entropy: 4.828313737302301"),
    ],
)
def test_example_prints_value(script: str, expected: str) -> None:
    completed = subprocess.run(
        [sys.executable, str(EXAMPLES / script)],
        capture_output=True,
        text=True,
        check=True,
    )
    assert expected in completed.stdout
