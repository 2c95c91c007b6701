r"""Threshold units: McCulloch-Pitts (1943) and Rosenblatt's perceptron (1958).

Lecture, "1940s: Artificial neuron" and "1950s: Perceptron".

McCulloch-Pitts unit, weights set by hand ("adjustable, not learned"):
    o = 1 if sum_i w_i x_i >= theta else 0

Rosenblatt's perceptron, a linear function of the inputs w^T x followed by a
step, with the threshold folded into the weights as a bias w_0 on a constant
input x_0 = 1 (so w^T x >= 0 is the same as sum_i w_i x_i >= -w_0):
    y_hat = step(w^T x)
and its learning rule, applied one sample at a time:
    w <- w + eta * (y - y_hat) * x
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np

from ._validate import as_binary_labels, as_points, check_count, check_positive, check_rng

__all__ = [
    "PerceptronHistory",
    "add_bias",
    "binary_inputs",
    "format_truth_table",
    "mcculloch_pitts",
    "perceptron_predict",
    "perceptron_update",
    "threshold_layer",
    "train_perceptron",
    "truth_table",
]


def mcculloch_pitts(x, w, theta: float) -> np.ndarray:
    r"""Output of a McCulloch-Pitts threshold unit.

    o = 1 if sum_i w_i x_i >= theta else 0

    Parameters
    ----------
    x : array, shape (N, n) or (n,)
        Binary (or real) inputs, one row per input pattern.
    w : array, shape (n,)
        Hand-set weights: +1 excitatory, -1 inhibitory.
    theta : float
        Threshold.

    Returns
    -------
    o : int array, shape (N,)
    """
    w = np.asarray(w, dtype=float)
    if w.ndim != 1:
        raise ValueError(f"w must be a 1-D array of n weights; got shape {w.shape}")
    theta = _check_theta(theta, ())
    x = as_points(x, "x", n_features=w.shape[0])
    return (x @ w >= theta).astype(np.int64)


def _check_theta(theta, shape: tuple) -> np.ndarray:
    try:
        theta = np.asarray(theta, dtype=float)
    except (TypeError, ValueError):
        raise TypeError(f"theta must be a number or an array of numbers; got {theta!r}") from None
    if theta.shape not in (shape, ()):
        raise ValueError(f"theta must be one number or have shape {shape}, one threshold per "
                         f"unit; got shape {theta.shape}")
    return theta


def threshold_layer(x, W, theta) -> np.ndarray:
    r"""A layer of McCulloch-Pitts units, each with its own weights and threshold.

    o_j = 1 if sum_i x_i w_ij >= theta_j else 0

    Parameters
    ----------
    x : array, shape (N, n_in)
    W : array, shape (n_in, n_out)
        Column j holds the weights w_ij of unit j.
    theta : array, shape (n_out,)

    Returns
    -------
    o : int array, shape (N, n_out)
    """
    W = np.asarray(W, dtype=float)
    if W.ndim != 2:
        raise ValueError(f"W must have shape (n_in, n_out); got shape {W.shape}")
    theta = _check_theta(theta, (W.shape[1],))
    x = as_points(x, "x", n_features=W.shape[0])
    return (x @ W >= theta).astype(np.int64)


def binary_inputs(n_inputs: int = 2) -> np.ndarray:
    r"""All 2**n binary input patterns, shape (2**n, n), in counting order 00, 01, 10, 11, ..."""
    n_inputs = check_count(n_inputs, "n_inputs")
    return np.array(list(itertools.product((0, 1), repeat=n_inputs)), dtype=np.int64)


def truth_table(unit, n_inputs: int = 2) -> tuple[np.ndarray, np.ndarray]:
    r"""All 2**n binary input patterns and the unit's output on each.

    Parameters
    ----------
    unit : callable
        Maps inputs of shape (2**n, n) to outputs of shape (2**n,) or (2**n, k).
    n_inputs : int

    Returns
    -------
    x : int array, shape (2**n, n), rows in counting order 00, 01, 10, 11, ...
    o : array, the unit's outputs
    """
    x = binary_inputs(n_inputs)
    return x, np.asarray(unit(x))


def format_truth_table(x, columns: dict[str, np.ndarray]) -> str:
    r"""A truth table as text: the inputs x_1 ... x_n, then one column per named output."""
    x = np.asarray(x)
    if x.ndim == 1:
        x = x[:, None]
    for name, column in columns.items():
        if len(column) != x.shape[0]:
            raise ValueError(f"column {name!r} has {len(column)} values for {x.shape[0]} input "
                             "patterns: give one output per row of x")
    names = [f"x{k + 1}" for k in range(x.shape[1])] + list(columns)
    widths = [max(len(name), 2) for name in names]
    rows = [" | ".join(name.center(w) for name, w in zip(names, widths, strict=True))]
    rows.append("-+-".join("-" * w for w in widths))
    for r in range(x.shape[0]):
        values = [*x[r], *(np.asarray(col)[r] for col in columns.values())]
        rows.append(" | ".join(str(int(v)).center(w) for v, w in zip(values, widths, strict=True)))
    return "\n".join(rows)


def add_bias(X) -> np.ndarray:
    r"""Prepend the constant input x_0 = 1: shape (N, D) -> (N, D + 1)."""
    X = as_points(X)
    return np.hstack([np.ones((X.shape[0], 1), dtype=X.dtype), X])


def perceptron_predict(X, w) -> np.ndarray:
    r"""Rosenblatt's perceptron: y_hat = step(w^T x), with w_0 the bias.

    Parameters
    ----------
    X : array, shape (N, D)
    w : array, shape (D + 1,)
        ``w[0]`` is the bias w_0 (minus the threshold), ``w[1:]`` the input weights.

    Returns
    -------
    y_hat : int array, shape (N,), values in {0, 1}
    """
    w = np.asarray(w, dtype=float)
    if w.ndim != 1 or w.shape[0] < 2:
        raise ValueError(f"w must have shape (D + 1,) with the bias first; got shape {w.shape}")
    X = as_points(X, "X", n_features=w.shape[0] - 1)
    return (X @ w[1:] + w[0] >= 0).astype(np.int64)


def perceptron_update(w, x, y, eta: float) -> np.ndarray:
    r"""One step of the perceptron learning rule on one sample.

    w <- w + eta * (y - y_hat) * x,   with x = [1, x_1, ..., x_D]

    Nothing changes when the sample is classified correctly (y - y_hat = 0).

    Parameters
    ----------
    w : array, shape (D + 1,)
    x : array, shape (D,)
        One sample, without the constant 1 (it is added here).
    y : int, 0 or 1
    eta : float > 0, the learning rate

    Returns
    -------
    w_new : array, shape (D + 1,)
    """
    eta = check_positive(eta, "eta (learning rate)")
    w = np.asarray(w, dtype=float)
    if np.size(x) != w.size - 1:
        raise ValueError(f"x has {np.size(x)} value(s) but w has shape {w.shape}: w holds the "
                         f"bias w_0 and one weight per input, so x needs {w.size - 1} values")
    y_hat = perceptron_predict(x, w)[0]
    if y not in (0, 1):
        raise ValueError(f"y must be the class label 0 or 1; got {y}")
    x_with_bias = np.concatenate([[1.0], np.ravel(x)])
    return w + eta * (y - y_hat) * x_with_bias


@dataclass(frozen=True)
class PerceptronHistory:
    r"""Everything a widget needs to replay perceptron training.

    Attributes
    ----------
    weights : array, shape (E + 1, D + 1)
        ``weights[0]`` is the initial w, ``weights[e]`` the w after epoch e.
    errors : int array, shape (E,)
        Mistakes (= updates) made during each epoch.
    converged_epoch : int or None
        First epoch with no mistake, or None if there was none.
    eta : float
    """

    weights: np.ndarray
    errors: np.ndarray
    converged_epoch: int | None
    eta: float

    @property
    def w(self) -> np.ndarray:
        r"""The final weights."""
        return self.weights[-1]

    @property
    def n_updates(self) -> int:
        r"""Total number of weight updates made."""
        return int(self.errors.sum())


def train_perceptron(
    X,
    y,
    eta: float = 0.1,
    epochs: int = 20,
    *,
    w0=None,
    rng: np.random.Generator | None = None,
    stop_when_converged: bool = True,
) -> PerceptronHistory:
    r"""Train Rosenblatt's perceptron with its learning rule, one sample at a time.

    For each epoch, for each sample (x, y):   w <- w + eta * (y - y_hat) * x

    Parameters
    ----------
    X : array, shape (N, D)
    y : array, shape (N,), labels 0 or 1
    eta : float > 0
        Learning rate. With w0 = 0 it only scales w and leaves the decisions unchanged.
    epochs : int >= 1
        Maximum number of passes over the data.
    w0 : array, shape (D + 1,), optional
        Initial weights (bias first). Default: zeros, or small Gaussian weights
        drawn from ``rng`` when ``rng`` is given.
    rng : numpy.random.Generator, optional
        When given, draws ``w0`` (if not given) and shuffles the samples each epoch.
    stop_when_converged : bool
        Stop after the first epoch without a mistake (the perceptron can no longer change).

    Returns
    -------
    PerceptronHistory
    """
    X = as_points(X, "X")
    n, d = X.shape
    if n == 0:
        raise ValueError(f"X has no samples (shape {X.shape}): the perceptron needs at least one "
                         "point to learn from")
    y = as_binary_labels(y, n)
    eta = check_positive(eta, "eta (learning rate)")
    epochs = check_count(epochs, "epochs")
    if rng is not None:
        check_rng(rng)
    if w0 is None:
        w = np.zeros(d + 1) if rng is None else rng.normal(0.0, 0.5, size=d + 1)
    else:
        w = np.array(w0, dtype=float)
        if w.shape != (d + 1,):
            raise ValueError(
                f"w0 must have shape ({d + 1},): a bias and one weight per feature of X "
                f"(X has shape {X.shape}); got shape {w.shape}"
            )
    weights = [w.copy()]
    errors = []
    converged = None
    for epoch in range(1, epochs + 1):
        order = rng.permutation(n) if rng is not None else np.arange(n)
        mistakes = 0
        for k in order:
            if perceptron_predict(X[k], w)[0] != y[k]:  # a mistake: the rule changes w
                w = perceptron_update(w, X[k], y[k], eta)
                mistakes += 1
        weights.append(w.copy())
        errors.append(mistakes)
        if mistakes == 0:
            converged = epoch
            if stop_when_converged:
                break
    return PerceptronHistory(
        weights=np.array(weights), errors=np.array(errors, dtype=np.int64),
        converged_epoch=converged, eta=eta,
    )
