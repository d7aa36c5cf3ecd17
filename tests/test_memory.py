"""predict and evaluate work in batches: no full copy of x, no full activations."""

from __future__ import annotations

import tracemalloc
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from microframe import Dense, ReLU, Sequential

N, D, HIDDEN, BATCH = 200_000, 20, 16, 1024


def traced_peak(function: Callable[[], Any]) -> int:
    """Return the peak bytes that ``function`` allocates while it runs."""
    tracemalloc.start()
    try:
        function()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak


def memory_budget(output_bytes: int) -> int:
    """Return the allowed peak: the output plus a few batches and check chunks.

    One batch of hidden activations is BATCH * HIDDEN * 4 bytes (64 KiB); the
    finiteness check uses masks of about 1 MiB. A float64 copy of x alone
    would be N * D * 8 bytes (30.5 MiB), far above this budget.
    """
    batch_bytes = BATCH * max(D, HIDDEN) * 8
    return output_bytes + 8 * batch_bytes + 2 * 1024 * 1024


def make_model() -> Sequential:
    return Sequential([Dense(D, HIDDEN), ReLU(), Dense(HIDDEN, 1)], seed=0)


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int64])
def test_predict_peak_memory_batched(dtype: Any) -> None:
    x = np.random.default_rng(0).standard_normal((N, D)).astype(dtype)
    model = make_model()
    peak = traced_peak(lambda: model.predict(x, batch_size=BATCH))
    output_bytes = N * 1 * 4
    assert peak < memory_budget(output_bytes)


def test_evaluate_peak_memory_batched() -> None:
    rng = np.random.default_rng(0)
    x = rng.standard_normal((N, D)).astype(np.float32)
    y = rng.standard_normal((N, 1)).astype(np.float32)
    model = make_model()
    model.compile(loss="mse", optimizer="sgd")
    peak = traced_peak(lambda: model.evaluate(x, y, batch_size=BATCH))
    assert peak < memory_budget(0)
