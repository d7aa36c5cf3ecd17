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


def paired_ratio(top: list[float], bottom: list[float]) -> float:
    """Return the median over rounds of ``top[i] / bottom[i]``.

    Runs of one round follow each other within seconds, so a burst of load
    that lasts longer slows both sides of each ratio alike, where a ratio of
    medians would compare runs from different moments.
    """
    return median([a / b for a, b in zip(top, bottom, strict=True)])
