r"""Comparing models honestly: stratified splits, paired differences with their uncertainty.

Two models compared on the same draws of data give paired results a_d, b_d
(d = 1..D). Their differences carry the comparison:

    diff_d = a_d - b_d,   mean = (1/D) sum_d diff_d
    standard error   SE = sd(diff) / sqrt(D)           (sd with D - 1 in the denominator)
    95% interval     mean +- t_{0.975, D-1} SE          (Student's t with D - 1 degrees of freedom)

and a relative change measures how much a representation moves:
    ||f(x') - f(x)|| / ||f(x)||, per sample.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from ._validate import check_count, check_rng

__all__ = ["PairedDifference", "paired_difference", "relative_change", "stratified_split",
           "t_quantile"]


def stratified_split(y, n_per_class: int, rng) -> tuple[np.ndarray, np.ndarray]:
    r"""Indices (train, rest): ``n_per_class`` random samples of every class, and all the others.

    y : labels (N,); rng : numpy.random.Generator. Both index arrays are sorted.
    """
    y = np.asarray(y)
    n_per_class = check_count(n_per_class, "n_per_class")
    check_rng(rng)
    train = []
    for c in np.unique(y):
        members = np.flatnonzero(y == c)
        if len(members) < n_per_class:
            raise ValueError(f"class {c} has only {len(members)} samples; n_per_class must be "
                             f"at most {len(members)}, got {n_per_class}")
        train.append(rng.choice(members, n_per_class, replace=False))
    train = np.sort(np.concatenate(train))
    return train, np.setdiff1d(np.arange(len(y)), train)


def _t_cdf(t: float, df: int) -> float:
    r"""P(T <= t) for Student's t with df degrees of freedom, t >= 0 (Simpson's rule)."""
    log_c = math.lgamma((df + 1) / 2) - math.lgamma(df / 2) - 0.5 * math.log(df * math.pi)
    s = np.linspace(0.0, t, 2001)
    pdf = np.exp(log_c - (df + 1) / 2 * np.log1p(s**2 / df))
    h = s[1] - s[0]
    area = h / 3 * (pdf[0] + pdf[-1] + 4 * pdf[1:-1:2].sum() + 2 * pdf[2:-1:2].sum())
    return 0.5 + area


def t_quantile(p: float, df: int) -> float:
    r"""The p-quantile of Student's t with df degrees of freedom (0.5 < p < 1), by bisection.

    e.g. t_quantile(0.975, 19) = 2.093, the factor of a 95% interval from 20 draws.
    """
    if not 0.5 < p < 1:
        raise ValueError(f"p must be in (0.5, 1), e.g. 0.975 for a 95% interval; got {p}")
    df = check_count(df, "df (degrees of freedom)")
    low, high = 0.0, 1.0
    while _t_cdf(high, df) < p:
        high *= 2
    for _ in range(60):
        mid = (low + high) / 2
        low, high = (mid, high) if _t_cdf(mid, df) < p else (low, mid)
    return (low + high) / 2


class PairedDifference(NamedTuple):
    r"""mean of a_d - b_d, its standard error, a confidence interval, the number of pairs."""

    mean: float
    se: float
    low: float
    high: float
    n: int
    confidence: float = 0.95

    def as_points(self) -> str:
        r"""The difference of two accuracies in percentage points, e.g. "+0.7 +- 0.3 points"."""
        return (f"{_points(self.mean)} +- {100 * self.se:.1f} points (mean +- standard error), "
                f"{100 * self.confidence:g}% interval [{_points(self.low)}, "
                f"{_points(self.high)}], {self.n} pairs")

    def __str__(self) -> str:
        return (f"{self.mean:+.3f} +- {self.se:.3f} (standard error), {100 * self.confidence:g}% "
                f"interval [{self.low:+.3f}, {self.high:+.3f}], {self.n} pairs")


def _points(fraction: float) -> str:
    r"""A fraction in signed percentage points, one decimal; two where one would read "-0.0"."""
    points = 100 * fraction
    return f"{points:+.2f}" if points != 0 and round(points, 1) == 0 else f"{points:+.1f}"


def paired_difference(a, b, confidence: float = 0.95) -> PairedDifference:
    r"""Mean difference a - b over paired results, with SE and a t interval (see module doc)."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if a.ndim != 1 or a.shape != b.shape or len(a) < 2:
        raise ValueError(f"a and b must be paired results of the same draws, 1-D of equal "
                         f"length >= 2; got shapes {a.shape} and {b.shape}")
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be in (0, 1), e.g. 0.95; got {confidence}")
    diff = a - b
    n = len(diff)
    mean, se = float(diff.mean()), float(diff.std(ddof=1) / np.sqrt(n))
    half = t_quantile((1 + confidence) / 2, n - 1) * se
    return PairedDifference(mean, se, mean - half, mean + half, n, confidence)


def relative_change(changed, original) -> np.ndarray:
    r"""||changed_n - original_n|| / ||original_n|| for every sample n (first axis): shape (N,)."""
    changed, original = np.asarray(changed, dtype=float), np.asarray(original, dtype=float)
    if changed.shape != original.shape or changed.ndim < 2:
        raise ValueError(f"changed and original must have the same shape (N, ...); got "
                         f"{changed.shape} and {original.shape}")
    n = len(original)
    norm = np.linalg.norm(original.reshape(n, -1), axis=1)
    if np.any(norm == 0):
        raise ValueError("some original samples are all zero: their relative change is undefined")
    return np.linalg.norm((changed - original).reshape(n, -1), axis=1) / norm
