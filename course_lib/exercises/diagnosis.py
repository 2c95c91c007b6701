r"""Recognising a typical mistake: recompute the case as the mistake would and compare.

A larger exercise's ``diagnose`` re-runs the failing case with each known mistake
(the kernel flipped, db not summed, ...) and names the one whose result is what the
student returned; a mistake that changes the shapes is recognised from the shapes.
"""

from __future__ import annotations

import copy

import numpy as np

__all__ = ["diagnoser", "recognise", "same", "shape_of"]

def same(a, b, tolerance: float) -> bool:
    r"""True when a and b are numbers or arrays of one shape that agree within ``tolerance``."""
    try:
        a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    except (TypeError, ValueError):
        return False
    return a.shape == b.shape and bool(np.allclose(a, b, rtol=tolerance, atol=tolerance,
                                                   equal_nan=True))

def diagnoser(mistakes, *, shapes=None, fallback=None, tolerance: float = 1e-9):
    r"""A ``diagnose(case, expected, got)`` that names a known mistake, or says None.

    ``mistakes``: pairs (phrase, function), each function the exercise written with one
    typical mistake. For a tuple answer only the first wrong part is compared (the part
    the verdict reports). ``shapes(case, expected, got, k)``: an optional phrase from the
    shapes alone, tried first (k: the index of the first wrong part, None for a single
    value); ``fallback``, the same, tried when no mistake matched.
    It never raises: a mistake that cannot be recomputed is skipped.
    """
    def diagnose(case, expected, got):
        try:
            with np.errstate(all="ignore"):
                return recognise(mistakes, shapes, fallback, tolerance, case, expected, got)
        except Exception:  # a diagnosis must never hide the verdict
            return None
    return diagnose

def recognise(mistakes, shapes, fallback, tolerance, case, expected, got):
    k = None
    if isinstance(expected, tuple):
        if not isinstance(got, tuple | list) or len(got) != len(expected):
            return None
        k = next(i for i, (e, g) in enumerate(zip(expected, got, strict=True))
                 if not same(e, g, tolerance))
    if shapes is not None:
        said = shapes(case, expected, got, k)
        if said:
            return said

    def part(value):
        return value if k is None else value[k]

    for phrase, mistake in mistakes:
        try:
            value = mistake(*copy.deepcopy(case.args), **case.kwargs)
            if (same(part(value), part(got), tolerance)
                    and not same(part(value), part(expected), tolerance)):
                return phrase
        except Exception:
            continue
    return fallback(case, expected, got, k) if fallback is not None else None

def shape_of(value) -> tuple:
    return np.shape(value)
