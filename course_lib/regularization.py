r"""Remedies for overfitting: L2 weight decay and dropout (early stopping is in ``training``).

Lecture, "Overfitting": "the network was left learning for too long. It
memorises training data but cannot generalise. Remedies: early stopping,
dropout, regularisation."

    L2 weight decay    L_total = L + lambda/2 sum_l ||W_l||^2      (weights, not biases)
                       dL_total/dW_l = dL/dW_l + lambda W_l
    inverted dropout   training:   o_drop = o * m / (1 - p),  m_j ~ Bernoulli(1 - p)
                       evaluation: o_drop = o                 (the expectation is unchanged)
                       backward:   do = do_drop * m / (1 - p)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._validate import check_nonnegative, check_rng

__all__ = ["DropoutCache", "check_rate", "dropout_backward", "dropout_forward", "l2_gradient",
           "l2_penalty"]


def check_rate(rate) -> float:
    r"""A dropout rate p in [0, 1), or a ValueError that gives the allowed range."""
    rate = check_nonnegative(rate, "dropout rate")
    if rate >= 1:
        raise ValueError(f"dropout rate must be in [0, 1): the share of units dropped; got {rate}")
    return rate


@dataclass(frozen=True)
class DropoutCache:
    r"""The scaled mask m / (1 - p) of a dropout layer (None at evaluation: identity)."""

    mask: np.ndarray | None


def dropout_forward(o, rate: float, rng: np.random.Generator | None = None, *,
                    training: bool = True, mask=None):
    r"""Inverted dropout of a layer's outputs o (any shape).

    training: o_drop = o * m / (1 - p) with m_j ~ Bernoulli(1 - p), so E[o_drop] = o
    evaluation (training=False) or p = 0: o_drop = o

    Parameters
    ----------
    o : array, e.g. (N, width)
    rate : p in [0, 1)
    rng : numpy.random.Generator, draws the mask (not needed when ``mask`` is given)
    mask : optional array of 0/1 like o, a fixed mask (for tests and finite differences)

    Returns
    -------
    o_drop : array like o; cache : DropoutCache
    """
    rate = check_rate(rate)
    o = np.asarray(o)
    if not training or rate == 0:
        return o, DropoutCache(None)
    if mask is None:
        mask = check_rng(rng).random(o.shape) >= rate
    elif np.shape(mask) != o.shape:
        raise ValueError(f"mask has shape {np.shape(mask)} but o has shape {o.shape}")
    scaled = np.asarray(mask, dtype=o.dtype) / (1.0 - rate)
    return o * scaled, DropoutCache(scaled)


def dropout_backward(do_drop, cache: DropoutCache):
    r"""dL/do = dL/do_drop * m / (1 - p): the gradient flows only through the kept units."""
    return do_drop if cache.mask is None else do_drop * cache.mask


def l2_penalty(params: dict, lam: float) -> float:
    r"""lambda/2 sum_l ||W_l||^2 over the weight matrices (keys starting with "W")."""
    lam = check_nonnegative(lam, "lambda (L2 weight decay)")
    return 0.5 * lam * sum(float(np.sum(w * w)) for k, w in params.items() if k.startswith("W"))


def l2_gradient(params: dict, lam: float) -> dict:
    r"""d/dW_l of the penalty: lambda W_l (0 for the biases)."""
    lam = check_nonnegative(lam, "lambda (L2 weight decay)")
    return {k: lam * w if k.startswith("W") else np.zeros_like(w) for k, w in params.items()}
