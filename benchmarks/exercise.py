"""The exercise case: training steps of the 3-2-1 sigmoid network, one sample each.

The network has 3 inputs, 2 sigmoid hidden units and 1 sigmoid output, no
biases, the loss ``0.5 * (target - output)**2`` and SGD with learning rate
0.5, in float64. Each runner takes ``steps`` steps; the report divides by
``steps``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

import microframe as mf
from benchmarks.mlp import Runner
from benchmarks.others import load

INPUT = np.array([[0.5, 0.1, -0.2]])
TARGET = np.array([[0.6]])
HIDDEN_WEIGHT = np.array([[0.5, -0.6], [0.1, -0.2], [0.1, 0.7]])
OUTPUT_WEIGHT = np.array([[0.1], [-0.3]])
LEARNING_RATE = 0.5


def build_model() -> mf.Sequential:
    """Return the compiled exercise network with its textbook weights."""
    model = mf.Sequential(
        [
            mf.Dense(3, 2, use_bias=False),
            mf.Sigmoid(),
            mf.Dense(2, 1, use_bias=False),
            mf.Sigmoid(),
        ],
        dtype=np.float64,
    )
    model.layers[0].params["weight"] = HIDDEN_WEIGHT
    model.layers[2].params["weight"] = OUTPUT_WEIGHT
    model.compile(
        loss=mf.HalfSquaredError(reduction="sum"),
        optimizer=mf.SGD(learning_rate=LEARNING_RATE),
    )
    return model


def fit_runner(steps: int) -> Runner:
    """Return a function that takes ``steps`` steps with ``Sequential.fit``.

    The data set is the one sample repeated ``steps`` times, trained for one
    epoch with batch size 1, so each batch is one step.
    """
    model = build_model()
    x = np.repeat(INPUT, steps, axis=0)
    y = np.repeat(TARGET, steps, axis=0)

    def run() -> None:
        model.fit(x, y, epochs=1, batch_size=1, shuffle=False, verbose=0)

    return run


def explicit_runner(steps: int) -> Runner:
    """Return a function that takes ``steps`` steps through the public calls.

    Each step is ``model.forward``, ``loss(...)``, ``model.backward`` and
    ``optimizer.step``, each validating its inputs.
    """
    model = build_model()
    loss = mf.HalfSquaredError(reduction="sum")
    optimizer = mf.SGD(learning_rate=LEARNING_RATE)

    def run() -> None:
        for _ in range(steps):
            output = model.forward(INPUT, training=True)
            loss(TARGET, output)
            model.backward(loss.backward())
            optimizer.step(model.layers)

    return run


def numpy_runner(steps: int) -> Runner:
    """Return a function that takes ``steps`` hand-written NumPy steps."""
    hidden_weight = HIDDEN_WEIGHT.copy()
    output_weight = OUTPUT_WEIGHT.copy()

    def run() -> None:
        nonlocal hidden_weight, output_weight
        for _ in range(steps):
            hidden = 1.0 / (1.0 + np.exp(-(INPUT @ hidden_weight)))
            output = 1.0 / (1.0 + np.exp(-(hidden @ output_weight)))
            error = output - TARGET
            float(0.5 * (error * error).sum())
            output_delta = error * output * (1.0 - output)
            hidden_delta = (output_delta @ output_weight.T) * hidden * (1.0 - hidden)
            output_weight -= LEARNING_RATE * (hidden.T @ output_delta)
            hidden_weight -= LEARNING_RATE * (INPUT.T @ hidden_delta)

    return run


def torch_runner(steps: int) -> Runner | None:
    """Return a function that takes ``steps`` PyTorch eager steps, or ``None``."""
    torch = load("torch")
    if torch is None:
        return None
    network: Any = torch.nn.Sequential(
        torch.nn.Linear(3, 2, bias=False),
        torch.nn.Sigmoid(),
        torch.nn.Linear(2, 1, bias=False),
        torch.nn.Sigmoid(),
    ).double()
    with torch.no_grad():
        network[0].weight.copy_(torch.from_numpy(HIDDEN_WEIGHT.T))
        network[2].weight.copy_(torch.from_numpy(OUTPUT_WEIGHT.T))
    optimizer = torch.optim.SGD(network.parameters(), lr=LEARNING_RATE)
    inputs = torch.from_numpy(INPUT)
    target = torch.from_numpy(TARGET)

    def run() -> None:
        for _ in range(steps):
            optimizer.zero_grad(set_to_none=True)
            error = network(inputs) - target
            loss = 0.5 * (error * error).sum()
            loss.backward()
            optimizer.step()

    return run
