"""One MLP epoch per fresh process: time and page faults.

In one long process, the contenders of the MLP case share the C allocator,
and what one of them frees decides whether the next one's large temporary
arrays come from reused memory or from new pages. Here each timed epoch
runs in a new interpreter instead, as in a user's own script.

``python -m benchmarks.fresh CASE SETTINGS`` trains one untimed and one
timed epoch and prints one JSON line; ``measure`` starts that process and
reads the line.
"""

from __future__ import annotations

import json
import resource
import sys
import time

from benchmarks import mlp, others
from benchmarks.child import run_module
from benchmarks.settings import BY_NAME, Settings

CASES = {
    "mlp-microframe": "microframe",
    "mlp-numpy": "NumPy, hand-written",
    "mlp-floor": "GEMM floor",
    "mlp-torch": "PyTorch eager",
    "mlp-sklearn": "scikit-learn MLPClassifier",
}


def minor_faults() -> int:
    """Return the page faults this process has taken that needed no disk read."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt


def run_case(case: str, settings: Settings) -> dict[str, float] | None:
    """Train one untimed and one timed epoch of ``case`` in this process.

    Returns:
        ``seconds`` of the timed epoch and its ``faults_per_batch``, or
        ``None`` when the contender's library is not installed.
    """
    x, y = mlp.make_data(settings.samples, settings.features, settings.classes)
    sizes = [settings.features, *settings.hidden, settings.classes]
    batch_size = settings.batch_size
    run: mlp.Runner | None
    if case == "mlp-microframe":
        run = mlp.microframe_runner(x, y, sizes, batch_size)
    elif case == "mlp-numpy":
        run = mlp.numpy_runner(x, y, sizes, batch_size)
    elif case == "mlp-floor":
        run = mlp.gemm_floor_runner(x, sizes, batch_size)
    elif case == "mlp-torch":
        run = others.torch_mlp_runner(x, y, sizes, batch_size)
    elif case == "mlp-sklearn":
        run = others.sklearn_mlp_runner(x, y, sizes, batch_size)
    else:
        raise ValueError(f"unknown case {case!r}; use one of {sorted(CASES)}.")
    if run is None:
        return None
    run()
    faults = minor_faults()
    start = time.perf_counter()
    run()
    seconds = time.perf_counter() - start
    batches = -(-settings.samples // settings.batch_size)
    return {
        "seconds": seconds,
        "faults_per_batch": (minor_faults() - faults) / batches,
    }


def measure(case: str, settings: Settings) -> dict[str, float] | None:
    """Run ``case`` in a child process and return its figures, or ``None``."""
    figures: dict[str, float] | None = run_module(
        "benchmarks.fresh", [case, settings.name]
    )
    return figures


def main(arguments: list[str]) -> None:
    """Run the case named on the command line and print its figures as JSON."""
    case, settings_name = arguments
    print(json.dumps(run_case(case, BY_NAME[settings_name])))


if __name__ == "__main__":
    main(sys.argv[1:])
