r"""Checks of user input shared by the math modules.

Each check raises a ``ValueError`` or ``TypeError`` whose message says what was
wrong and what would work, so that a student never meets an ``IndexError`` from
deep inside numpy.
"""

from __future__ import annotations

import math
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


def _finite(value: numbers.Real) -> bool:
    return isinstance(value, numbers.Integral) or math.isfinite(value)  # ints: always finite


def check_positive(value, name: str) -> float:
    r"""Return ``value`` as a float if it is a finite number > 0, else raise."""
    if type(value) is float and 0.0 < value < math.inf:  # the common case (every SGD step)
        return value
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a positive number; got {type(value).__name__}")
    if not _finite(value) or value <= 0:
        raise ValueError(f"{name} must be a finite number > 0; got {value}")
    return float(value)


def check_nonnegative(value, name: str) -> float:
    r"""Return ``value`` as a float if it is a finite number >= 0, else raise."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a number >= 0; got {type(value).__name__}")
    if not _finite(value) or value < 0:
        raise ValueError(f"{name} must be a finite number >= 0; got {value}")
    return float(value)


def check_integer(value, name: str, what: str = "an integer") -> int:
    r"""Return ``value`` as an int if it is a whole number (not a bool), else a ``TypeError``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be {what}; got {type(value).__name__}")
    return int(value)


def check_count(value, name: str, minimum: int = 1) -> int:
    r"""Return ``value`` if it is an integer >= ``minimum``, else raise."""
    value = check_integer(value, name, f"an integer >= {minimum}")
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
    if not np.isfinite(X).all():
        raise ValueError(f"{name} contains NaN or infinite values")
    return X


def not_labels(y: np.ndarray, classes: int) -> np.ndarray | None:
    r"""The entries of the numeric array ``y`` that are not a label 0..classes-1, or None.

    Two reductions in the common case (every label valid), instead of a set
    membership test: training checks the labels of every mini-batch.
    """
    if y.size == 0:
        return None
    whole = y.dtype.kind in "biu" or bool(np.all(y == np.floor(y)))
    if whole and y.min() >= 0 and y.max() < classes:
        return None
    return y[(y < 0) | (y >= classes) | (y != np.floor(y))]


def as_binary_labels(y, n: int, name: str = "y") -> np.ndarray:
    r"""Return ``y`` as an int array of shape ``(n,)`` with values in {0, 1}."""
    y = np.asarray(y)
    if y.ndim != 1 or y.shape[0] != n:
        raise ValueError(f"{name} must have shape ({n},), one label per point; got shape {y.shape}")
    wrong = not_labels(y, 2) if y.dtype.kind in "biuf" else y
    if wrong is not None:
        bad = np.unique(wrong)[:5] if y.dtype.kind in "biuf" else y.dtype
        raise ValueError(f"{name} must hold the class labels 0 and 1 only; found {bad}")
    return y.astype(np.int64)


def as_sequences(x, n_inputs: int, name: str = "x") -> np.ndarray:
    r"""Return ``x`` as a finite float array of shape ``(N, T, n_inputs)``: N sequences, T steps."""
    x = np.asarray(x)
    if x.dtype.kind not in "biuf":
        raise TypeError(f"{name} must hold numbers; got dtype {x.dtype}")
    x = x.astype(np.result_type(x.dtype, np.float32), copy=False)
    if x.ndim != 3:
        hint = (f": for one sequence of {x.shape[0]} steps use {name}[None] of shape "
                f"(1, {x.shape[0]}, {n_inputs})" if x.ndim == 2 else "")
        raise ValueError(f"{name} must have shape (N, T, D) = (sequences, time steps, "
                         f"{n_inputs} inputs); got shape {x.shape}{hint}")
    if x.shape[2] != n_inputs:
        raise ValueError(f"{name} has shape {x.shape}: D = {x.shape[2]} inputs per step, but the "
                         f"weights expect D = {n_inputs}; give {name} the shape "
                         f"({x.shape[0]}, {x.shape[1]}, {n_inputs})")
    if x.shape[1] < 1:
        raise ValueError(f"{name} has shape {x.shape}: a sequence needs at least one time step")
    if not np.isfinite(x).all():
        raise ValueError(f"{name} contains NaN or infinite values")
    return x


def check_recurrent_params(params, names: tuple[str, ...]) -> tuple[int, int]:
    r"""Return (D, H) of recurrent weights ``params``: each W of shape (H + D, H), each b (H,).

    ``names`` lists the keys that must be there (W's first: the first one fixes H
    and D), e.g. ("W", "b") for the RNN or the eight of the LSTM's gates.
    """
    if not isinstance(params, dict) or any(name not in params for name in names):
        raise TypeError(f"params must be a dict with the keys {', '.join(names)}")
    W = np.asarray(params[names[0]])
    if W.ndim != 2 or W.shape[0] <= W.shape[1]:
        raise ValueError(f"{names[0]} must have shape (H + D, H) with D >= 1; got {W.shape}")
    H = W.shape[1]
    D = W.shape[0] - H
    for name in names:
        want = (H,) if name.startswith("b") else (H + D, H)
        if np.shape(params[name]) != want:
            raise ValueError(f"{name} must have shape {want} for H = {H} hidden units and D = {D} "
                             f"inputs; got {np.shape(params[name])}")
    return D, H


def as_state(h, n: int, n_hidden: int, name: str = "h0") -> np.ndarray:
    r"""Return a recurrent state as a float array of shape ``(N, H)``; ``None`` means zeros."""
    if h is None:
        return np.zeros((n, n_hidden))
    h = np.asarray(h)
    if h.dtype.kind not in "biuf":
        raise TypeError(f"{name} must hold numbers; got dtype {h.dtype}")
    if h.shape != (n, n_hidden):
        raise ValueError(f"{name} must have shape (N, H) = ({n}, {n_hidden}): one state of "
                         f"H = {n_hidden} units per sequence of the batch; got shape {h.shape}")
    if not np.isfinite(h).all():
        raise ValueError(f"{name} contains NaN or infinite values")
    return h.astype(np.result_type(h.dtype, np.float32), copy=False)
