"""Time per function of an MLP epoch, measured with ``cProfile``."""

from __future__ import annotations

import cProfile
import pstats
from pathlib import Path

from benchmarks.mlp import Runner

ROOT = Path(__file__).resolve().parent.parent


def _label(filename: str, function: str) -> str:
    path = Path(filename)
    if path.is_absolute() and path.is_relative_to(ROOT):
        return f"{path.relative_to(ROOT)}:{function}"
    if filename == "~":
        return function
    return f"{path.name}:{function}"


def profile_run(run: Runner, top: int) -> tuple[float, list[tuple[str, int, float]]]:
    """Profile one call of ``run`` after a warm-up call.

    Returns:
        the total profiled seconds and, for the ``top`` functions by their
        own time (callees excluded), ``(label, calls, seconds)``.
    """
    run()
    profiler = cProfile.Profile()
    profiler.enable()
    run()
    profiler.disable()
    stats = pstats.Stats(profiler)
    entries = sorted(stats.stats.items(), key=lambda item: item[1][2], reverse=True)  # type: ignore[attr-defined]
    rows = [
        (_label(filename, function), int(calls), float(own))
        for (filename, _, function), (_, calls, own, _, _) in entries[:top]
    ]
    return float(stats.total_tt), rows  # type: ignore[attr-defined]
