"""Each optimizer against PyTorch's implementation of the same algorithm."""

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from microframe import Dense
from microframe.optimizers import SGD, Adagrad, Adam, AdamW, Nadam, Optimizer, RMSprop

torch = pytest.importorskip("torch")

STEPS = 6

# Each case: our optimizer, and a function building the torch one for a list
# of parameters, with the same hyperparameters.
CASES: dict[str, tuple[Callable[[], Optimizer], Callable[[list[Any]], Any]]] = {
    "sgd": (
        lambda: SGD(0.05),
        lambda p: torch.optim.SGD(p, lr=0.05),
    ),
    "sgd_momentum_decay": (
        lambda: SGD(0.05, momentum=0.9, weight_decay=0.01),
        lambda p: torch.optim.SGD(p, lr=0.05, momentum=0.9, weight_decay=0.01),
    ),
    "sgd_nesterov": (
        lambda: SGD(0.05, momentum=0.8, nesterov=True),
        lambda p: torch.optim.SGD(p, lr=0.05, momentum=0.8, nesterov=True),
    ),
    "adam": (
        lambda: Adam(0.01, beta_1=0.8, beta_2=0.99, epsilon=1e-8),
        lambda p: torch.optim.Adam(p, lr=0.01, betas=(0.8, 0.99), eps=1e-8),
    ),
    "adamw": (
        lambda: AdamW(0.01, weight_decay=0.1, epsilon=1e-8),
        lambda p: torch.optim.AdamW(p, lr=0.01, weight_decay=0.1, eps=1e-8),
    ),
    "rmsprop": (
        lambda: RMSprop(0.01, rho=0.95, epsilon=1e-8),
        lambda p: torch.optim.RMSprop(p, lr=0.01, alpha=0.95, eps=1e-8),
    ),
    "rmsprop_centered_momentum": (
        lambda: RMSprop(0.01, momentum=0.7, centered=True, epsilon=1e-8),
        lambda p: torch.optim.RMSprop(
            p, lr=0.01, alpha=0.9, eps=1e-8, momentum=0.7, centered=True
        ),
    ),
    "adagrad": (
        lambda: Adagrad(0.1, initial_accumulator_value=0.1, epsilon=1e-10),
        lambda p: torch.optim.Adagrad(
            p, lr=0.1, initial_accumulator_value=0.1, eps=1e-10
        ),
    ),
    "nadam": (
        lambda: Nadam(0.01, epsilon=1e-8),
        lambda p: torch.optim.NAdam(p, lr=0.01, eps=1e-8),
    ),
}


def random_layers(rng: np.random.Generator) -> list[Dense]:
    layers = [Dense(3, 4), Dense(4, 2)]
    for layer in layers:
        layer.build(rng, np.float64)
    return layers


@pytest.mark.parametrize("case", sorted(CASES))
def test_matches_torch_optimizer(case: str) -> None:
    ours_factory, torch_factory = CASES[case]
    rng = np.random.default_rng(0)
    layers = random_layers(rng)
    tensors = [
        torch.tensor(layer.params[name].copy(), requires_grad=True)
        for layer in layers
        for name in layer.params
    ]
    ours, theirs = ours_factory(), torch_factory(tensors)

    for _ in range(STEPS):
        grads = [rng.normal(size=t.shape) for t in tensors]
        index = 0
        for layer in layers:
            for name in layer.params:
                layer.grads[name] = grads[index]
                tensors[index].grad = torch.tensor(grads[index])
                index += 1
        ours.step(layers)
        theirs.step()

    index = 0
    for layer in layers:
        for name in layer.params:
            expected = tensors[index].detach().numpy()
            np.testing.assert_allclose(layer.params[name], expected, atol=1e-6)
            index += 1


def test_global_clipnorm_matches_torch_clip() -> None:
    rng = np.random.default_rng(1)
    layers = random_layers(rng)
    tensors = [
        torch.tensor(layer.params[name].copy(), requires_grad=True)
        for layer in layers
        for name in layer.params
    ]
    ours = SGD(0.1, global_clipnorm=0.5)
    theirs = torch.optim.SGD(tensors, lr=0.1)
    for _ in range(3):
        index = 0
        for layer in layers:
            for name in layer.params:
                grad = rng.normal(size=layer.params[name].shape)
                layer.grads[name] = grad
                tensors[index].grad = torch.tensor(grad)
                index += 1
        ours.step(layers)
        torch.nn.utils.clip_grad_norm_(tensors, max_norm=0.5)
        theirs.step()
    index = 0
    for layer in layers:
        for name in layer.params:
            expected = tensors[index].detach().numpy()
            np.testing.assert_allclose(layer.params[name], expected, atol=1e-6)
            index += 1
