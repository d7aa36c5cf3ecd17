"""Alternating timed runs and their summary."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Mapping


def time_alternating(
    runners: Mapping[str, Callable[[], object]], repeats: int
) -> dict[str, list[float]]:
    """Return the seconds of ``repeats`` runs of each runner, taken in turns.

    Every runner runs once untimed first, so imports, allocations and BLAS
    thread start-up are not counted. The timed runs then go round robin, so
    a burst of load on the machine hits every contender alike.
    """
    for run in runners.values():
        run()
    seconds: dict[str, list[float]] = {name: [] for name in runners}
    for _ in range(repeats):
        for name, run in runners.items():
            start = time.perf_counter()
            run()
            seconds[name].append(time.perf_counter() - start)
    return seconds


def median(values: list[float]) -> float:
    """Return the median of ``values``."""
    return statistics.median(values)
