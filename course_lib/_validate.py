r"""Checks of user input shared by the math modules.

Each check raises a ``ValueError`` or ``TypeError`` whose message says what was
wrong and what would work, so that a student never meets an ``IndexError`` from
deep inside numpy.
"""

from __future__ import annotations

import numbers

import numpy as np


def check_rng(rng, name: str = "rng") -> np.random.Generator:
    r"""Return ``rng`` if it is a ``numpy.random.Generator``, else raise ``TypeError``."""
    if not isinstance(rng, np.random.Generator):
        raise TypeError(
            f"{name} must be a numpy.random.Generator, e.g. numpy.random.default_rng(0); "
            f"got {type(rng).__name__}"
        )
    return rng


def check_positive(value, name: str) -> float:
    r"""Return ``value`` as a float if it is a finite number > 0, else raise."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a positive number; got {type(value).__name__}")
    if not np.isfinite(value) or value <= 0:
        raise ValueError(f"{name} must be a finite number > 0; got {value}")
    return float(value)


def check_nonnegative(value, name: str) -> float:
    r"""Return ``value`` as a float if it is a finite number >= 0, else raise."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a number >= 0; got {type(value).__name__}")
    if not np.isfinite(value) or value < 0:
        raise ValueError(f"{name} must be a finite number >= 0; got {value}")
    return float(value)


def check_count(value, name: str, minimum: int = 1) -> int:
    r"""Return ``value`` if it is an integer >= ``minimum``, else raise."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer >= {minimum}; got {type(value).__name__}")
    if value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}; got {value}")
    return int(value)


def as_points(X, name: str = "X", n_features: int | None = None) -> np.ndarray:
    r"""Return ``X`` as a finite float array of shape ``(N, n_features)``.

    A single point of shape ``(n_features,)`` is accepted and returned as ``(1, n_features)``.
    """
    X = np.asarray(X)
    if X.dtype.kind not in "biuf":
        raise TypeError(f"{name} must hold numbers; got dtype {X.dtype}")
    X = X.astype(np.result_type(X.dtype, np.float32), copy=False)
    if X.ndim == 1 and n_features is not None and X.shape[0] == n_features:
        X = X[None, :]
    if X.ndim != 2:
        want = f"(N, {n_features})" if n_features is not None else "(N, D)"
        raise ValueError(f"{name} must have shape {want}: one row per point; got shape {X.shape}")
    if n_features is not None and X.shape[1] != n_features:
        raise ValueError(
            f"{name} has {X.shape[1]} feature(s) per point (shape {X.shape}) but this unit "
            f"expects {n_features} input(s): give {name} the shape (N, {n_features})"
        )
    if not np.all(np.isfinite(X)):
        raise ValueError(f"{name} contains NaN or infinite values")
    return X


def as_binary_labels(y, n: int, name: str = "y") -> np.ndarray:
    r"""Return ``y`` as an int array of shape ``(n,)`` with values in {0, 1}."""
    y = np.asarray(y)
    if y.ndim != 1 or y.shape[0] != n:
        raise ValueError(f"{name} must have shape ({n},), one label per point; got shape {y.shape}")
    if y.dtype.kind not in "biuf" or not np.all(np.isin(y, (0, 1))):
        bad = np.unique(y[~np.isin(y, (0, 1))])[:5] if y.dtype.kind in "biuf" else y.dtype
        raise ValueError(f"{name} must hold the class labels 0 and 1 only; found {bad}")
    return y.astype(np.int64)
