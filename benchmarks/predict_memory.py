"""Measure the peak memory that ``Sequential.predict`` allocates for N samples.

Usage:
    python benchmarks/predict_memory.py N [--features D] [--batch-size B]

The input, N x D float32, is created before tracing starts, so the figure
is what ``predict`` itself allocates: the output, one batch of activations
at a time, and the chunked finiteness check. NumPy reports its array
buffers to ``tracemalloc``, so the number covers every array that
``predict`` creates.
"""

from __future__ import annotations

import argparse
import time
import tracemalloc

import numpy as np

from microframe import Dense, ReLU, Sequential, Softmax

MIB = 1024 * 1024


def measure(n: int, features: int, batch_size: int) -> dict[str, float]:
    """Return the input size, output size and peak traced memory, in MiB."""
    rng = np.random.default_rng(0)
    x = rng.standard_normal((n, features), dtype=np.float32)
    model = Sequential([Dense(features, 64), ReLU(), Dense(64, 10), Softmax()], seed=0)

    tracemalloc.start()
    start = time.perf_counter()
    out = model.predict(x, batch_size=batch_size)
    seconds = time.perf_counter() - start
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    return {
        "input_mib": x.nbytes / MIB,
        "output_mib": out.nbytes / MIB,
        "peak_mib": peak / MIB,
        "seconds": seconds,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int, help="number of samples")
    parser.add_argument("--features", type=int, default=100, help="features D")
    parser.add_argument("--batch-size", type=int, default=1024, help="rows a batch")
    args = parser.parse_args()

    result = measure(args.n, args.features, args.batch_size)
    print(
        f"predict N={args.n} D={args.features} float32 "
        f"batch_size={args.batch_size}: input {result['input_mib']:.1f} MiB, "
        f"output {result['output_mib']:.1f} MiB, peak traced "
        f"{result['peak_mib']:.1f} MiB, {result['seconds']:.2f} s"
    )


if __name__ == "__main__":
    main()
