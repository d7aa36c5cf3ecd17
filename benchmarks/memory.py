"""Peak memory of one case, measured in a fresh process.

``python -m benchmarks.memory CASE SETTINGS ROWS`` runs one case and prints
one JSON line with peak resident set sizes in MiB. ``measure`` starts that
process and reads the line, so each case starts from a clean interpreter.
"""

from __future__ import annotations

import json
import resource
import sys

import numpy as np

import microframe as mf
from benchmarks import mlp
from benchmarks.child import run_module
from benchmarks.settings import BY_NAME, Settings

CASES = ("mlp-microframe", "mlp-numpy", "predict")
MIB = 2**20


def peak_rss_mib() -> float:
    """Return this process's peak resident set size so far, in MiB.

    Reads ``VmHWM`` from ``/proc/self/status`` on Linux: unlike
    ``getrusage``'s ``ru_maxrss``, it starts afresh at ``exec``, so the
    child does not inherit the peak of the process that started it.
    """
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    # Other systems: ru_maxrss is in KiB on Linux and BSD, bytes on macOS.
    scale = 2**20 if sys.platform == "darwin" else 2**10
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / scale


def run_case(case: str, settings: Settings, rows: int) -> dict[str, float]:
    """Run ``case`` in this process and return its memory figures in MiB.

    ``baseline_mib`` is the peak after the data was created and before
    training or prediction, so ``peak_mib - baseline_mib`` is what the
    contender itself added.
    """
    output_mib = 0.0
    if case in ("mlp-microframe", "mlp-numpy"):
        x, y = mlp.make_data(settings.samples, settings.features, settings.classes)
        sizes = [settings.features, *settings.hidden, settings.classes]
        make_runner = (
            mlp.microframe_runner if case == "mlp-microframe" else mlp.numpy_runner
        )
        run = make_runner(x, y, sizes, settings.batch_size)
        baseline = peak_rss_mib()
        run()
    elif case == "predict":
        rng = np.random.default_rng(0)
        x = rng.standard_normal((rows, settings.predict_features), dtype=np.float32)
        model = mf.Sequential(
            [
                mf.Dense(settings.predict_features, 64),
                mf.ReLU(),
                mf.Dense(64, settings.classes),
                mf.Softmax(),
            ],
            seed=0,
        )
        baseline = peak_rss_mib()
        output = model.predict(x)
        output_mib = output.nbytes / MIB
    else:
        raise ValueError(f"unknown memory case {case!r}; use one of {CASES}.")
    return {
        "baseline_mib": baseline,
        "peak_mib": peak_rss_mib(),
        "input_mib": x.nbytes / MIB,
        "output_mib": output_mib,
    }


def measure(case: str, settings: Settings, rows: int = 0) -> dict[str, float]:
    """Run ``case`` in a child process and return its memory figures in MiB."""
    figures: dict[str, float] = run_module(
        "benchmarks.memory", [case, settings.name, str(rows)]
    )
    return figures


def main(arguments: list[str]) -> None:
    """Run the case named on the command line and print its figures as JSON."""
    case, settings_name, rows = arguments
    print(json.dumps(run_case(case, BY_NAME[settings_name], int(rows))))


if __name__ == "__main__":
    main(sys.argv[1:])
