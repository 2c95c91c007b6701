r"""Loss functions L and their gradients, as the lecture writes them ("Measuring the error").

Each loss returns ``(L, dL/dinput)``. The lecture sums over the N samples; the
code averages (divides by N) so that a learning rate eta means the same for
any number of samples or batch size. For N = 1 the two agree.

    squared error (regression)       L = 1/N sum_i 1/2 (y_i - y_hat_i)^2
    binary cross-entropy             L = -1/N sum_i [y_i log P_1 + (1 - y_i) log(1 - P_1)],
                                         P_1 = sigma(net)
    cross-entropy (K classes)        L = -1/N sum_i log P_{y_i},  P_k = softmax(net)_k

With P_1 = sigma(net) or P = softmax(net), dL/dnet = (P - y) / N: the
"y_hat - y" of the output delta.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

import numpy as np

from .activations import sigmoid

__all__ = [
    "LOSSES",
    "OutputLayer",
    "binary_cross_entropy",
    "cross_entropy",
    "log_softmax",
    "one_hot",
    "sigmoid_binary_cross_entropy",
    "softmax",
    "softmax_cross_entropy",
    "squared_error",
]


def _pair(y_hat, y, name: str):
    y_hat = np.asarray(y_hat)
    y = np.asarray(y)
    if y_hat.dtype.kind != "f":
        y_hat = y_hat.astype(np.float64)
    if y_hat.shape != y.shape:
        raise ValueError(f"{name}: predictions have shape {y_hat.shape} but targets have shape "
                         f"{y.shape}; give one target per prediction")
    if y_hat.size == 0:
        raise ValueError(f"{name}: no samples")
    return y_hat, y.astype(y_hat.dtype)


def _check_binary(y, name: str) -> None:
    if not np.all((y == 0) | (y == 1)):
        raise ValueError(f"{name}: targets must be the class labels 0 and 1 (y has shape "
                         f"{y.shape}); found {np.unique(y[(y != 0) & (y != 1)])[:5]}")


def squared_error(y_hat, y):
    r"""Squared error of a regression output.

    L = 1/N sum_i 1/2 (y_i - y_hat_i)^2        dL/dy_hat_i = -(y_i - y_hat_i) / N

    Parameters
    ----------
    y_hat, y : arrays of the same shape, (N,) or (N, n_out)

    Returns
    -------
    L : float, dy_hat : array like y_hat
    """
    y_hat, y = _pair(y_hat, y, "squared_error")
    n = y_hat.shape[0]
    diff = y_hat - y
    return float(0.5 * np.sum(diff * diff) / n), diff / n


def binary_cross_entropy(p, y):
    r"""Binary cross-entropy of probabilities P_1 = p (not stable near 0 and 1: see below).

    L = -1/N sum_i [y_i log p_i + (1 - y_i) log(1 - p_i)]
    dL/dp_i = -(y_i / p_i - (1 - y_i) / (1 - p_i)) / N

    Use :func:`sigmoid_binary_cross_entropy` on the net input instead when
    p = sigma(net): it never takes log(0).
    """
    p, y = _pair(p, y, "binary_cross_entropy")
    _check_binary(y, "binary_cross_entropy")
    if np.any((p < 0) | (p > 1)):
        raise ValueError("binary_cross_entropy: p holds probabilities P_1 and must lie in [0, 1]; "
                         f"found values from {p.min():.3g} to {p.max():.3g}")
    n = p.shape[0]
    with np.errstate(divide="ignore", invalid="ignore"):
        loss = -np.sum(y * np.log(p) + (1 - y) * np.log1p(-p)) / n
        dp = -(y / p - (1 - y) / (1 - p)) / n
    return float(loss), dp


def sigmoid_binary_cross_entropy(net, y):
    r"""Binary cross-entropy of P_1 = sigma(net), computed from net without overflow.

    L = 1/N sum_i [log(1 + exp(net_i)) - y_i net_i]      (the same as above, rearranged)
    dL/dnet_i = (sigma(net_i) - y_i) / N                 ("y_hat - y")
    """
    net, y = _pair(net, y, "sigmoid_binary_cross_entropy")
    _check_binary(y, "sigmoid_binary_cross_entropy")
    n = net.shape[0]
    loss = np.sum(np.logaddexp(0.0, net) - y * net) / n
    return float(loss), (sigmoid(net) - y) / n


def softmax(net):
    r"""Softmax over the last axis: P_k = exp(net_k) / sum_l exp(net_l).

    Subtracting max_l net_l first changes nothing mathematically and keeps exp
    from overflowing for large net. (The lecture writes exp(-w_k^T x); the sign
    only renames the weights: w_k -> -w_k. The code uses the usual +.)
    """
    net = np.asarray(net)
    if net.dtype.kind != "f":
        net = net.astype(np.float64)
    z = np.exp(net - net.max(axis=-1, keepdims=True))
    return z / z.sum(axis=-1, keepdims=True)


def log_softmax(net):
    r"""log P_k = net_k - log sum_l exp(net_l), stable for large |net|."""
    net = np.asarray(net)
    if net.dtype.kind != "f":
        net = net.astype(np.float64)
    shifted = net - net.max(axis=-1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


def one_hot(y, n_classes: int) -> np.ndarray:
    r"""Class labels 0..K-1 of shape (N,) -> indicator matrix delta(y_i = k) of shape (N, K)."""
    y = _labels(y, n_classes, "one_hot")
    out = np.zeros((y.shape[0], n_classes))
    out[np.arange(y.shape[0]), y] = 1.0
    return out


def _labels(y, n_classes: int, name: str) -> np.ndarray:
    y = np.asarray(y)
    if y.ndim != 1:
        raise ValueError(f"{name}: labels must have shape (N,); got shape {y.shape}")
    whole = y.dtype.kind == "f" and np.all(np.isfinite(y)) and np.all(y == np.round(y))
    if y.dtype.kind not in "iu" and not whole:
        raise ValueError(f"{name}: labels must be whole numbers 0..{n_classes - 1}")
    y = y.astype(np.int64)
    if y.size and (y.min() < 0 or y.max() >= n_classes):
        raise ValueError(f"{name}: labels must lie in 0..{n_classes - 1} for {n_classes} classes; "
                         f"found {y.min()}..{y.max()}")
    return y


def cross_entropy(P, y):
    r"""Multi-class cross-entropy of probabilities P, shape (N, K), for labels y in 0..K-1.

    L = -1/N sum_i sum_k delta(y_i = k) log P_ik = -1/N sum_i log P_{i, y_i}
    dL/dP_ik = -delta(y_i = k) / (N P_ik)
    """
    P = np.asarray(P, dtype=np.float64) if np.asarray(P).dtype.kind != "f" else np.asarray(P)
    if P.ndim != 2:
        raise ValueError(f"cross_entropy: P must have shape (N, K); got shape {P.shape}")
    n, k = P.shape
    y = _labels(y, k, "cross_entropy")
    if y.shape[0] != n:
        raise ValueError(f"cross_entropy: P has shape {P.shape} but y has shape {y.shape}")
    rows = np.arange(n)
    with np.errstate(divide="ignore"):
        loss = -np.sum(np.log(P[rows, y])) / n
        dP = np.zeros_like(P)
        dP[rows, y] = -1.0 / (n * P[rows, y])
    return float(loss), dP


def softmax_cross_entropy(net, y):
    r"""Cross-entropy of P = softmax(net), computed from net without overflow.

    L = -1/N sum_i log softmax(net_i)_{y_i}
    dL/dnet = (P - onehot(y)) / N                        ("y_hat - y")
    """
    net = np.asarray(net)
    if net.dtype.kind != "f":
        net = net.astype(np.float64)
    if net.ndim != 2:
        raise ValueError(f"softmax_cross_entropy: net must have shape (N, K); got {net.shape}")
    n, k = net.shape
    y = _labels(y, k, "softmax_cross_entropy")
    if y.shape[0] != n:
        raise ValueError(f"softmax_cross_entropy: net has shape {net.shape} but y has shape "
                         f"{y.shape}")
    log_p = log_softmax(net)
    loss = -np.sum(log_p[np.arange(n), y]) / n
    dnet = np.exp(log_p)
    dnet[np.arange(n), y] -= 1.0
    return float(loss), dnet / n


class OutputLayer(NamedTuple):
    r"""An output kind's activation (by name) and its loss, taken on the output's net input."""

    activation: str
    loss: Callable


#: output kind -> its activation and its loss on the net input of the output layer
LOSSES = {
    "regression": OutputLayer("linear", squared_error),
    "binary": OutputLayer("sigmoid", sigmoid_binary_cross_entropy),
    "multiclass": OutputLayer("softmax", softmax_cross_entropy),
}
