"""PyTorch and scikit-learn contenders, used when those libraries are installed.

Both are imported by name at run time, so the benchmarks run without them and
the type checker does not analyse their sources.
"""

from __future__ import annotations

import importlib
import itertools
import warnings
from typing import Any

import numpy as np
from numpy.typing import NDArray

from benchmarks.mlp import LEARNING_RATE, Runner


def load(module: str) -> Any:
    """Return the imported ``module``, or ``None`` when it is not installed."""
    try:
        return importlib.import_module(module)
    except ImportError:
        return None


def torch_mlp_runner(
    x: NDArray[Any], y: NDArray[Any], sizes: list[int], batch_size: int
) -> Runner | None:
    """Return a function that trains a PyTorch MLP for one epoch, eagerly.

    Batches are gathered by indexing the tensors with a shuffled order, with
    no ``DataLoader``, which would add its own overhead.
    """
    torch = load("torch")
    if torch is None:
        return None
    torch.manual_seed(0)
    modules: list[Any] = []
    for in_features, out_features in itertools.pairwise(sizes):
        modules += [torch.nn.Linear(in_features, out_features), torch.nn.ReLU()]
    network = torch.nn.Sequential(*modules[:-1])
    optimizer = torch.optim.SGD(network.parameters(), lr=LEARNING_RATE)
    loss_fn = torch.nn.CrossEntropyLoss()
    inputs = torch.from_numpy(x)
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


def sklearn_mlp_runner(
    x: NDArray[Any], y: NDArray[Any], sizes: list[int], batch_size: int
) -> Runner | None:
    """Return a function that trains ``MLPClassifier`` for one epoch.

    ``partial_fit`` with the ``"sgd"`` solver makes one pass over the data.
    """
    neural_network = load("sklearn.neural_network")
    if neural_network is None:
        return None
    classifier = neural_network.MLPClassifier(
        hidden_layer_sizes=tuple(sizes[1:-1]),
        activation="relu",
        solver="sgd",
        alpha=0.0,
        batch_size=batch_size,
        learning_rate_init=LEARNING_RATE,
        momentum=0.0,
        nesterovs_momentum=False,
        shuffle=True,
        random_state=0,
    )
    classes = np.arange(sizes[-1])

    def run() -> None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            classifier.partial_fit(x, y, classes=classes)

    return run
