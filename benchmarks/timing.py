r"""The timing helper shared by the benchmark scripts (standard library only)."""

from __future__ import annotations

import statistics
import time


def median_ms(work, repeats: int = 30) -> float:
    r"""Median wall time of ``work()`` in milliseconds, after one warm-up call."""
    work()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        work()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)
