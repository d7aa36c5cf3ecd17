"""The MLP case: one epoch of a ReLU network with softmax cross-entropy.

Five contenders train the same shapes with plain SGD at batch size 128:
microframe's ``Sequential.fit``, a hand-written NumPy loop, the GEMM floor
(the loop's matrix products alone), PyTorch eager and scikit-learn's
``MLPClassifier``.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

import numpy as np
from numpy.typing import NDArray

import microframe as mf

LEARNING_RATE = 0.01

Runner = Callable[[], None]


def make_data(
    samples: int, features: int, classes: int, seed: int = 0
) -> tuple[NDArray[np.float32], NDArray[np.int64]]:
    """Return standard normal float32 inputs and random integer labels."""
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((samples, features), dtype=np.float32)
    y = rng.integers(0, classes, samples)
    return x, y


def build_model(sizes: list[int], seed: int = 0) -> mf.Sequential:
    """Return the compiled microframe MLP for layer ``sizes``."""
    layers: list[mf.Layer] = []
    for in_features, out_features in itertools.pairwise(sizes):
        layers += [mf.Dense(in_features, out_features), mf.ReLU()]
    layers[-1] = mf.Softmax()
    model = mf.Sequential(layers, seed=seed)
    model.compile(
        loss=mf.SparseCategoricalCrossEntropy(),
        optimizer=mf.SGD(learning_rate=LEARNING_RATE),
    )
    return model


def microframe_runner(
    x: NDArray[Any], y: NDArray[Any], sizes: list[int], batch_size: int
) -> Runner:
    """Return a function that trains a microframe MLP for one epoch."""
    model = build_model(sizes)

    def run() -> None:
        model.fit(x, y, epochs=1, batch_size=batch_size, verbose=0)

    return run


class NumpyMLP:
    """The same network written out by hand in NumPy, as a user would.

    Float32 throughout, in-place ReLU with a saved mask, the fused softmax
    cross-entropy gradient ``p - one_hot(y)``, batches gathered with
    ``np.take`` into one buffer and no input gradient for the first layer.
    """

    def __init__(
        self, x: NDArray[Any], y: NDArray[Any], sizes: list[int], batch_size: int
    ) -> None:
        self.x = x
        self.y = y
        self.batch_size = batch_size
        self.rng = np.random.default_rng(0)
        self.weights = [
            self.rng.standard_normal((a, b), dtype=np.float32)
            * np.float32(np.sqrt(2.0 / a))
            for a, b in itertools.pairwise(sizes)
        ]
        self.biases = [np.zeros(b, np.float32) for b in sizes[1:]]
        self.x_buffer = np.empty((batch_size, x.shape[1]), np.float32)

    def epoch(self) -> None:
        """Train for one pass over the data in shuffled batches."""
        order = self.rng.permutation(len(self.x))
        for start in range(0, len(self.x), self.batch_size):
            rows = order[start : start + self.batch_size]
            x_batch = self.x_buffer[: len(rows)]
            np.take(self.x, rows, axis=0, out=x_batch, mode="clip")
            self.step(x_batch, self.y[rows])

    def step(self, x_batch: NDArray[Any], labels: NDArray[Any]) -> None:
        """Run forward, backward and the SGD update on one batch."""
        activations = [x_batch]
        masks = []
        for weight, bias in zip(self.weights[:-1], self.biases[:-1], strict=True):
            z = activations[-1] @ weight
            z += bias
            mask = z > 0
            z *= mask
            activations.append(z)
            masks.append(mask)
        logits = activations[-1] @ self.weights[-1]
        logits += self.biases[-1]

        # Softmax, then the fused cross-entropy gradient (p - one_hot) / n.
        logits -= logits.max(axis=1, keepdims=True)
        probabilities = np.exp(logits, out=logits)
        probabilities /= probabilities.sum(axis=1, keepdims=True)
        delta = probabilities
        delta[np.arange(len(labels)), labels] -= 1.0
        delta /= len(labels)

        for index in range(len(self.weights) - 1, -1, -1):
            weight_grad = activations[index].T @ delta
            bias_grad = delta.sum(axis=0)
            if index > 0:
                delta = delta @ self.weights[index].T
                delta *= masks[index - 1]
            self.weights[index] -= LEARNING_RATE * weight_grad
            self.biases[index] -= LEARNING_RATE * bias_grad


def numpy_runner(
    x: NDArray[Any], y: NDArray[Any], sizes: list[int], batch_size: int
) -> Runner:
    """Return a function that trains the hand-written NumPy MLP for one epoch."""
    return NumpyMLP(x, y, sizes, batch_size).epoch


def gemm_floor_runner(
    x: NDArray[Any], sizes: list[int], batch_size: int, *, with_update: bool = False
) -> Runner:
    """Return a function that runs only the matrix products of one epoch.

    Per batch: one product per layer forward, one weight gradient per layer
    and one input gradient per layer but the first, each written into a
    preallocated buffer, on the batch shapes of the epoch (the last batch
    may be smaller).

    With ``with_update``, each batch is also gathered from shuffled rows and
    each weight takes the SGD step ``weight -= learning_rate * grad``
    through a reused work array: the least work of any trainer that
    gathers its batches and keeps the gradient it applies.
    """
    rng = np.random.default_rng(0)
    weights = [
        rng.standard_normal((a, b), dtype=np.float32)
        for a, b in itertools.pairwise(sizes)
    ]
    grads = [np.empty_like(w) for w in weights]
    steps = [np.empty_like(w) for w in weights]
    full = len(x) // batch_size
    batch_rows = [batch_size] * full
    if len(x) % batch_size:
        batch_rows.append(len(x) % batch_size)
    buffers = {
        rows: [np.empty((rows, size), np.float32) for size in sizes]
        for rows in set(batch_rows)
    }
    # The products are not true gradients and grow large, so a tiny rate
    # keeps the weights finite. The work per step does not depend on the rate.
    rate = np.float32(1e-12)

    def run() -> None:
        order = rng.permutation(len(x)) if with_update else None
        start = 0
        for rows in batch_rows:
            outputs = buffers[rows]
            if order is None:
                forward = [x[:rows]] + outputs[1:]
            else:
                rows_taken = order[start : start + rows]
                x.take(rows_taken, axis=0, out=outputs[0], mode="clip")
                forward = outputs
            start += rows
            for index, weight in enumerate(weights):
                np.matmul(forward[index], weight, out=forward[index + 1])
            for index in range(len(weights) - 1, -1, -1):
                np.matmul(forward[index].T, forward[index + 1], out=grads[index])
                if index > 0:
                    np.matmul(forward[index + 1], weights[index].T, out=forward[index])
            if with_update:
                for weight, grad, step in zip(weights, grads, steps, strict=True):
                    np.multiply(grad, rate, out=step)
                    weight -= step

    return run
