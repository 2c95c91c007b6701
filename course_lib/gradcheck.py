r"""Centred finite differences, the referee of every gradient in the course.

For a scalar loss L(x) and each entry x_k:
    dL/dx_k  ~  (L(x + h e_k) - L(x - h e_k)) / (2 h)
The error of this estimate is O(h^2), so with h = 1e-5 in float64 an exact
backward pass and the estimate agree to a relative error around 1e-9 or better.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

__all__ = ["check_gradient", "numerical_derivative", "numerical_gradient", "relative_error"]


def numerical_gradient(f: Callable[[np.ndarray], float], x: np.ndarray,
                       h: float = 1e-5) -> np.ndarray:
    r"""Gradient of a scalar function by centred differences, one entry at a time.

    dL/dx_k ~ (f(x + h e_k) - f(x - h e_k)) / (2 h)

    Parameters
    ----------
    f : callable
        ``f(x)`` returns a scalar. ``x`` is changed in place and restored, so
        ``f`` may also ignore its argument and read ``x`` through a closure
        (handy for the weights of a network).
    x : float array of any shape
    h : float, the step

    Returns
    -------
    grad : array, same shape as x
    """
    if not isinstance(x, np.ndarray) or x.dtype.kind != "f":
        raise TypeError("x must be a float numpy array (it is changed in place and restored)")
    grad = np.zeros(x.shape, dtype=np.float64)
    for index in np.ndindex(x.shape):  # writes go to x itself, whatever its memory layout
        old = x[index]
        x[index] = old + h
        f_plus = float(f(x))
        x[index] = old - h
        f_minus = float(f(x))
        x[index] = old
        grad[index] = (f_plus - f_minus) / (2 * h)
    return grad


def numerical_derivative(f: Callable[[np.ndarray], np.ndarray], x,
                         h: float = 1e-5) -> np.ndarray:
    r"""Derivative of an element-wise function at every point of ``x`` at once.

    f'(x) ~ (f(x + h) - f(x - h)) / (2 h)
    """
    x = np.asarray(x, dtype=np.float64)
    return (f(x + h) - f(x - h)) / (2 * h)


def relative_error(a, b) -> float:
    r"""Size of the difference relative to the size of the values.

    ||a - b|| / max(||a|| + ||b||, tiny). 0 when both are zero; about 1e-9 or
    less for a correct float64 gradient against a centred difference.
    """
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        raise ValueError(f"cannot compare arrays of shapes {a.shape} and {b.shape}")
    scale = np.linalg.norm(a) + np.linalg.norm(b)
    return float(np.linalg.norm(a - b) / max(scale, np.finfo(np.float64).tiny))


def check_gradient(f: Callable[[np.ndarray], float], x: np.ndarray, analytic,
                   h: float = 1e-5) -> float:
    r"""Relative error between an analytic gradient and centred finite differences of f at x."""
    return relative_error(analytic, numerical_gradient(f, x, h))
