"""The conv case: one epoch of a small convolutional network on 8x8 digit images.

The network is Conv2D(1 -> 16, 3x3, "same") -> ReLU -> MaxPool2D(2) ->
Flatten -> Dense(256 -> 10) -> Softmax, trained with SGD on synthetic
images of the shape of scikit-learn's digits, (N, 8, 8, 1), against the
same network in PyTorch on the CPU.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

import microframe as mf
from benchmarks.mlp import LEARNING_RATE, Runner
from benchmarks.others import load

IMAGE_SIZE = 8
CHANNELS = 16
CLASSES = 10


def make_images(samples: int, seed: int = 0) -> tuple[NDArray[Any], NDArray[Any]]:
    """Return float32 images of shape ``(samples, 8, 8, 1)`` and integer labels."""
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((samples, IMAGE_SIZE, IMAGE_SIZE, 1), dtype=np.float32)
    y = rng.integers(0, CLASSES, samples)
    return x, y


def conv_layers_available() -> bool:
    """Return whether this microframe has the layers the conv case needs."""
    return all(hasattr(mf, name) for name in ("Conv2D", "MaxPool2D", "Flatten"))


def microframe_runner(
    x: NDArray[Any], y: NDArray[Any], batch_size: int
) -> Runner | None:
    """Return a function that trains the microframe conv network for one epoch."""
    if not conv_layers_available():
        return None
    pooled = (IMAGE_SIZE // 2) ** 2 * CHANNELS
    layers: Any = mf
    model = mf.Sequential(
        [
            layers.Conv2D(1, CHANNELS, 3, padding="same"),
            mf.ReLU(),
            layers.MaxPool2D(2),
            layers.Flatten(),
            mf.Dense(pooled, CLASSES),
            mf.Softmax(),
        ],
        seed=0,
    )
    model.compile(
        loss=mf.SparseCategoricalCrossEntropy(),
        optimizer=mf.SGD(learning_rate=LEARNING_RATE),
    )

    def run() -> None:
        model.fit(x, y, epochs=1, batch_size=batch_size, verbose=0)

    return run


def torch_runner(x: NDArray[Any], y: NDArray[Any], batch_size: int) -> Runner | None:
    """Return a function that trains the same network in PyTorch, or ``None``."""
    torch = load("torch")
    if torch is None:
        return None
    torch.manual_seed(0)
    pooled = (IMAGE_SIZE // 2) ** 2 * CHANNELS
    network = torch.nn.Sequential(
        torch.nn.Conv2d(1, CHANNELS, 3, padding=1),
        torch.nn.ReLU(),
        torch.nn.MaxPool2d(2),
        torch.nn.Flatten(),
        torch.nn.Linear(pooled, CLASSES),
    )
    optimizer = torch.optim.SGD(network.parameters(), lr=LEARNING_RATE)
    loss_fn = torch.nn.CrossEntropyLoss()
    # PyTorch convolutions take channels first: (N, 1, 8, 8).
    inputs = torch.from_numpy(np.ascontiguousarray(x.transpose(0, 3, 1, 2)))
    labels = torch.from_numpy(y)
    generator = torch.Generator().manual_seed(0)

    def run() -> None:
        order = torch.randperm(len(inputs), generator=generator)
        for start in range(0, len(inputs), batch_size):
            rows = order[start : start + batch_size]
            optimizer.zero_grad(set_to_none=True)
            loss = loss_fn(network(inputs[rows]), labels[rows])
            loss.backward()
            optimizer.step()

    return run
