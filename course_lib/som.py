r"""Kohonen's self-organising map (SOM): unsupervised learning by competition and cooperation.

Lecture, "How to train NNs?": unsupervised learning, "e.g. for training a
self-organising map". J = rows x cols units sit on a grid; unit j has a weight
vector w_j in the input space (shape (D,)). For one sample x:

    winner (best-matching unit)   c = argmin_j ||x - w_j||
    neighbourhood                 h_jc = exp(-d(j, c)^2 / (2 sigma^2)),
                                  d(j, c) = distance between units j and c on the grid
    update                        w_j <- w_j + eta h_jc (x - w_j)

The units compete for each sample (only one wins), and the winner's grid
neighbours learn with it: these are the lecture's lateral connections,
"connections between nodes in the same layer" ("Lateral networks"). Because
neighbours on the grid move towards the same samples, they end up with nearby
weights: the map keeps the topology of the grid (a 2-D sheet, or a 1-D chain)
while it spreads over the data. No label and no target are used.

eta and sigma decay over the epochs: exponentially (geometrically) from the
start value to the end value,
    eta_e = eta_0 (eta_end / eta_0)^(e / (E - 1)),   e = 0, ..., E - 1,
or linearly, eta_e = eta_0 + (eta_end - eta_0) e / (E - 1); sigma alike (it ends
near 0.5: then h_jc is below 0.14 for the nearest neighbours, and each unit
fine-tunes on its own samples). They are constant within an epoch.

Two measures of a map, per epoch:
    quantisation error   QE = 1/N sum_n ||x_n - w_c(n)||          (how well the units fit the data)
    topographic error    TE = 1/N sum_n 1[c(n) and c2(n) are not grid neighbours]
                         c2(n) the second-best unit; grid neighbours are the units at
                         grid distance 1 (up, down, left, right: those a grid line joins)

Units are numbered row by row: unit j = r * cols + c sits at grid position (r, c).
:func:`som_update` is the rule for one sample, written to read; :func:`train_som`
applies the same rule through a faster loop (tested equal).
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass

import numpy as np

from ._validate import as_points, check_count, check_rng

__all__ = ["DECAYS", "INITS", "SOM", "SOMHistory", "best_two_units", "decay", "grid_distances",
           "init_weights", "neighbourhood", "quantisation_error", "som_grid", "som_update",
           "topographic_error", "train_som", "winner", "winners"]

#: how eta and sigma decay over the epochs
DECAYS = ("exponential", "linear")
#: how the weights start: uniform in the data's bounding box, on the plane of the first two
#: principal components, or at randomly chosen samples
INITS = ("random", "pca", "samples")


def som_grid(rows: int, cols: int) -> np.ndarray:
    r"""Grid positions (r, c) of the J = rows * cols units, unit j = r * cols + c.

    Returns
    -------
    grid : float array, shape (J, 2)
    """
    rows, cols = _check_grid(rows, cols)
    r, c = np.divmod(np.arange(rows * cols), cols)
    return np.column_stack([r, c]).astype(np.float64)


def _check_grid(rows, cols) -> tuple[int, int]:
    for name, value in (("rows", rows), ("cols", cols)):
        if isinstance(value, bool) or not isinstance(value, numbers.Integral):
            raise TypeError(f"{name} must be a whole number >= 1 (the grid is rows x cols "
                            f"units); got {value!r}")
        if value < 1:
            raise ValueError(f"the grid must be at least 1 x 1 units; got rows x cols = "
                             f"{rows} x {cols}: use e.g. 10 x 10, or 1 x 20 for a chain")
    return int(rows), int(cols)


def _check_rate(value, name: str, upper: float | None = None) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a number; got {type(value).__name__}")
    if not np.isfinite(value) or value <= 0 or (upper is not None and value > upper):
        allowed = f"in (0, {upper:g}]" if upper is not None else "> 0"
        why = (": w_j moves the fraction eta h_jc of the way to x, so above 1 it overshoots x"
               if upper is not None else ": it is the width of the neighbourhood on the grid")
        raise ValueError(f"{name} must be {allowed}{why}; got {value}")
    return float(value)


def _check_grid_array(grid, J: int) -> np.ndarray:
    grid = np.asarray(grid, dtype=np.float64)
    if grid.ndim != 2 or grid.shape[0] != J:
        raise ValueError(f"grid must hold one position per unit, shape ({J}, 2) for W with {J} "
                         f"rows (e.g. som_grid(rows, cols)); got shape {grid.shape}")
    return grid


def som_update(W, x, eta: float, sigma: float, grid) -> np.ndarray:
    r"""Kohonen's rule for one sample x: the winner and its grid neighbours move towards x.

    c    = argmin_j ||x - w_j||                  (the winner; the first one on a tie)
    h_jc = exp(-d(j, c)^2 / (2 sigma^2))         (d: the distance on the grid)
    w_j  <- w_j + eta h_jc (x - w_j)             (every unit j at once)

    Parameters
    ----------
    W : array, shape (J, D), row j = w_j
    x : array, shape (D,), one sample
    eta : learning rate in (0, 1]
    sigma : width of the neighbourhood > 0, in grid units
    grid : array, shape (J, 2), the grid position of each unit (:func:`som_grid`)

    Returns
    -------
    W_new : array, shape (J, D) (W itself is not changed)
    """
    W = as_points(W, "W (the units' weights)")
    x = np.asarray(x, dtype=np.float64)
    if x.shape != (W.shape[1],) or not np.all(np.isfinite(x)):
        raise ValueError(f"x must be one sample of D = {W.shape[1]} finite numbers, shape "
                         f"({W.shape[1]},) like each w_j of W {W.shape}; got shape {x.shape}")
    eta = _check_rate(eta, "eta (learning rate)", upper=1.0)
    sigma = _check_rate(sigma, "sigma (neighbourhood width)")
    grid = _check_grid_array(grid, W.shape[0])
    distance = np.linalg.norm(x - W, axis=1)          # ||x - w_j|| for every unit j
    c = np.argmin(distance)                           # the winner
    d = np.linalg.norm(grid - grid[c], axis=1)        # d(j, c) on the grid
    h = np.exp(-d**2 / (2 * sigma**2))                # h_jc
    return W + eta * h[:, None] * (x - W)             # w_j <- w_j + eta h_jc (x - w_j)


def winner(W, x) -> int:
    r"""The best-matching unit c = argmin_j ||x - w_j|| of one sample x (shape (D,))."""
    return int(winners(W, np.reshape(x, (1, -1)))[0])


def _squared_distances(W, X) -> np.ndarray:
    r"""||x_n - w_j||^2 for every sample and unit, shape (N, J), from one matrix product."""
    d2 = (X * X).sum(axis=1)[:, None] - 2.0 * X @ W.T + (W * W).sum(axis=1)[None, :]
    return np.maximum(d2, 0.0)


def _points_and_weights(W, X):
    W = as_points(W, "W (the units' weights)")
    X = as_points(X, "X", n_features=W.shape[1])
    return W.astype(np.float64), X.astype(np.float64)


def winners(W, X) -> np.ndarray:
    r"""The winner of every sample: c(n) = argmin_j ||x_n - w_j||.

    Parameters
    ----------
    W : array, shape (J, D); X : array, shape (N, D)

    Returns
    -------
    c : int array, shape (N,), unit indices (unit j = r * cols + c on the grid)
    """
    W, X = _points_and_weights(W, X)
    return np.argmin(_squared_distances(W, X), axis=1)


def best_two_units(W, X) -> tuple[np.ndarray, np.ndarray]:
    r"""The best and second-best units of every sample, each of shape (N,); needs J >= 2."""
    W, X = _points_and_weights(W, X)
    if W.shape[0] < 2:
        raise ValueError(f"a second-best unit needs at least 2 units; W has shape {W.shape}")
    d2 = _squared_distances(W, X)
    two = np.argpartition(d2, 1, axis=1)[:, :2]
    rows = np.arange(len(X))[:, None]
    two = np.take_along_axis(two, np.argsort(d2[rows, two], axis=1, kind="stable"), axis=1)
    return two[:, 0], two[:, 1]


def neighbourhood(grid, c: int, sigma: float) -> np.ndarray:
    r"""h_jc = exp(-d(j, c)^2 / (2 sigma^2)) for every unit j: 1 at the winner c, shape (J,)."""
    grid = np.asarray(grid, dtype=np.float64)
    sigma = _check_rate(sigma, "sigma (neighbourhood width)")
    if grid.ndim != 2 or not 0 <= c < len(grid):
        raise ValueError(f"c must be a unit of the grid, 0..{len(grid) - 1}; got {c}")
    d2 = ((grid - grid[c]) ** 2).sum(axis=1)
    return np.exp(-d2 / (2 * sigma**2))


def grid_distances(grid) -> np.ndarray:
    r"""d(j, k) between every two units on the grid, shape (J, J)."""
    grid = np.asarray(grid, dtype=np.float64)
    return np.sqrt(((grid[:, None, :] - grid[None, :, :]) ** 2).sum(axis=-1))


def quantisation_error(W, X) -> float:
    r"""QE = 1/N sum_n ||x_n - w_c(n)||: the mean distance from each sample to its winner."""
    W, X = _points_and_weights(W, X)
    c = np.argmin(_squared_distances(W, X), axis=1)
    return float(np.mean(np.linalg.norm(X - W[c], axis=1)))


def topographic_error(W, X, grid) -> float:
    r"""TE = fraction of samples whose best and second-best units are not grid neighbours.

    Grid neighbours: units at grid distance 1 (joined by a grid line). 0 for a map
    that keeps the topology everywhere; NaN for a single unit (no second best).
    """
    W, X = _points_and_weights(W, X)
    grid = _check_grid_array(grid, W.shape[0])
    if W.shape[0] < 2:
        return float("nan")
    c, c2 = best_two_units(W, X)
    d = np.linalg.norm(grid[c] - grid[c2], axis=1)
    return float(np.mean(np.abs(d - 1.0) > 1e-9))


def decay(start: float, end: float, epochs: int, kind: str = "exponential") -> np.ndarray:
    r"""The value of eta (or sigma) in each epoch e = 0, ..., E - 1, from ``start`` to ``end``.

    exponential: v_e = start (end / start)^(e / (E - 1))
    linear:      v_e = start + (end - start) e / (E - 1)
    (E = 1: the start value.)  Returns an array of shape (E,).
    """
    epochs = check_count(epochs, "epochs")
    if kind not in DECAYS:
        raise ValueError(f"unknown decay {kind!r}; choose one of: {', '.join(DECAYS)}")
    t = np.arange(epochs) / max(epochs - 1, 1)
    if kind == "exponential":
        return start * (end / start) ** t
    return start + (end - start) * t


def init_weights(X, rows: int, cols: int, rng: np.random.Generator,
                 init: str = "random") -> np.ndarray:
    r"""Initial weights W, shape (rows * cols, D).

    "random":  each w_j uniform in the bounding box of the data (the map starts tangled)
    "pca":     a regular rows x cols sheet on the plane of the first two principal
               components v_1, v_2 (the longer side of the grid along v_1), spanning
               +/- 2 standard deviations: w_(r,c) = mean + a_r 2 s_1 v_1 + b_c 2 s_2 v_2,
               a_r, b_c evenly spaced in [-1, 1] (0 for a side of one unit)
    "samples": J samples of X drawn at random (with replacement when J > N)
    """
    rows, cols = _check_grid(rows, cols)
    X = as_points(X, "X").astype(np.float64)
    check_rng(rng)
    n, D = X.shape
    J = rows * cols
    if init == "random":
        low, high = X.min(axis=0), X.max(axis=0)
        return low + (high - low) * rng.uniform(size=(J, D))
    if init == "samples":
        return X[rng.choice(n, size=J, replace=J > n)].copy()
    if init == "pca":
        mean = X.mean(axis=0)
        _, s, Vt = np.linalg.svd(X - mean, full_matrices=False)
        std = s / np.sqrt(max(n - 1, 1))
        v1, s1 = Vt[0], std[0]
        v2, s2 = (Vt[1], std[1]) if len(s) > 1 else (np.zeros(D), 0.0)
        a = np.linspace(-1, 1, rows) if rows > 1 else np.zeros(1)
        b = np.linspace(-1, 1, cols) if cols > 1 else np.zeros(1)
        if cols > rows:  # the longer side of the grid along the first component
            (v1, s1), (v2, s2) = (v2, s2), (v1, s1)
        r, c = np.divmod(np.arange(J), cols)
        return mean + np.outer(a[r], 2 * s1 * v1) + np.outer(b[c], 2 * s2 * v2)
    raise ValueError(f"unknown init {init!r}; choose one of: {', '.join(INITS)}")


@dataclass(frozen=True)
class SOM:
    r"""A trained map: the weights W (row j = w_j, shape (J, D)) of a rows x cols grid."""

    W: np.ndarray
    rows: int
    cols: int

    @property
    def grid(self) -> np.ndarray:
        r"""Grid positions (r, c) of the units, shape (J, 2)."""
        return som_grid(self.rows, self.cols)

    def weights_on_grid(self) -> np.ndarray:
        r"""The weights arranged as the grid, shape (rows, cols, D) (e.g. digit prototypes)."""
        return self.W.reshape(self.rows, self.cols, -1)

    def winners(self, X) -> np.ndarray:
        r"""The winner c(n) of every sample, shape (N,)."""
        return winners(self.W, X)


@dataclass(frozen=True)
class SOMHistory:
    r"""What a widget needs to replay the map unfolding, epoch by epoch.

    Attributes
    ----------
    weights : array, shape (E + 1, J, D); ``weights[0]`` the initial W, ``weights[e]`` W
        after epoch e
    quantisation_error, topographic_error : arrays, shape (E + 1,), of ``weights[e]``
    eta, sigma : arrays, shape (E,), the values used in epoch e + 1
    """

    weights: np.ndarray
    quantisation_error: np.ndarray
    topographic_error: np.ndarray
    eta: np.ndarray
    sigma: np.ndarray

    @property
    def epochs(self) -> int:
        r"""Number of epochs trained (E)."""
        return len(self.eta)


def _pair(value, name: str, upper: float | None = None) -> tuple[float, float]:
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        value = (value, value)
    try:
        start, end = value
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be a pair (start, end), e.g. (0.5, 0.02), or one number "
                        f"(kept constant); got {value!r}") from None
    return (_check_rate(start, f"{name} start", upper), _check_rate(end, f"{name} end", upper))


def _train_epoch(W, X, order, eta: float, sigma: float, G2) -> None:
    r"""One epoch of :func:`som_update`, in place, with the neighbourhoods computed once.

    eta h_jc for every (c, j) is the table eta exp(-G2 / (2 sigma^2)), G2 = d(j, c)^2;
    then each sample costs one difference, one argmin and one update. 2-D data go
    three times faster as complex numbers x_1 + i x_2: |x - w_j| is the same distance
    and w_j += eta h_jc (x - w_j) the same update.
    """
    eta_h = eta * np.exp(-G2 / (2 * sigma**2))  # (J, J): row c is eta h_jc for every j
    if W.shape[1] == 2:
        w = W[:, 0] + 1j * W[:, 1]
        for x in X[order, 0] + 1j * X[order, 1]:
            diff = x - w                                     # x - w_j
            c = np.abs(diff).argmin()                        # c = argmin_j |x - w_j|
            w += eta_h[c] * diff                             # w_j += eta h_jc (x - w_j)
        W[:, 0], W[:, 1] = w.real, w.imag
        return
    eta_h = eta_h[:, :, None]
    for x in X[order]:
        diff = x - W                                         # x - w_j
        c = np.einsum("jd,jd->j", diff, diff).argmin()       # c = argmin_j ||x - w_j||^2
        W += eta_h[c] * diff                                 # w_j += eta h_jc (x - w_j)


def _errors(W, X, grid) -> tuple[float, float]:
    r"""Quantisation and topographic error of W on X from one table of distances."""
    d2 = _squared_distances(W, X)
    if W.shape[0] < 2:
        c = np.zeros(len(X), dtype=np.int64)
        return float(np.mean(np.linalg.norm(X - W[c], axis=1))), float("nan")
    two = np.argpartition(d2, 1, axis=1)[:, :2]
    rows = np.arange(len(X))[:, None]
    two = np.take_along_axis(two, np.argsort(d2[rows, two], axis=1, kind="stable"), axis=1)
    c, c2 = two[:, 0], two[:, 1]
    qe = np.mean(np.linalg.norm(X - W[c], axis=1))
    te = np.mean(np.abs(np.linalg.norm(grid[c] - grid[c2], axis=1) - 1.0) > 1e-9)
    return float(qe), float(te)


def train_som(X, rows: int, cols: int, epochs: int, rng: np.random.Generator, *,
              eta=(0.5, 0.02), sigma=None, init: str = "random",
              decay_kind: str = "exponential", W0=None) -> tuple[SOM, SOMHistory]:
    r"""Train a rows x cols self-organising map on X, one sample at a time, epoch by epoch.

    For each epoch e (samples in a new random order), for each sample x:
        c = argmin_j ||x - w_j||,   w_j <- w_j + eta_e h_jc (x - w_j),
        h_jc = exp(-d(j, c)^2 / (2 sigma_e^2))
    with eta_e and sigma_e from :func:`decay`.

    Parameters
    ----------
    X : array, shape (N, D)
    rows, cols : int >= 1, the grid (1 x J is a chain)
    epochs : int >= 1, passes over the data (E)
    rng : numpy.random.Generator: the initial weights and the order of the samples
    eta : (start, end) in (0, 1], or one number (constant)
    sigma : (start, end) > 0 in grid units, or one number; default
        (max(rows, cols) / 2, 0.5) (at least 0.5 at the start)
    init : "random", "pca" or "samples" (see :func:`init_weights`); ignored with W0
    decay_kind : "exponential" or "linear"
    W0 : optional initial weights, shape (rows * cols, D)

    Returns
    -------
    som : SOM (the final weights); history : SOMHistory (weights and errors of every epoch)
    """
    X = as_points(X, "X").astype(np.float64)
    if X.shape[0] == 0:
        raise ValueError(f"X has no samples (shape {X.shape}): give at least one point")
    rows, cols = _check_grid(rows, cols)
    epochs = check_count(epochs, "epochs")
    check_rng(rng)
    eta = _pair(eta, "eta (learning rate)", upper=1.0)
    if sigma is None:
        sigma = (max(max(rows, cols) / 2, 0.5), 0.5)
    sigma = _pair(sigma, "sigma (neighbourhood width)")
    if decay_kind not in DECAYS:
        raise ValueError(f"unknown decay_kind {decay_kind!r}; choose one of: {', '.join(DECAYS)}")
    if W0 is None:
        W = init_weights(X, rows, cols, rng, init)
    else:
        W = np.array(W0, dtype=np.float64)
        if W.shape != (rows * cols, X.shape[1]):
            raise ValueError(f"W0 must have shape (rows * cols, D) = ({rows * cols}, "
                             f"{X.shape[1]}); got {W.shape}")
    grid = som_grid(rows, cols)
    G2 = grid_distances(grid) ** 2
    etas = decay(*eta, epochs, decay_kind)
    sigmas = decay(*sigma, epochs, decay_kind)
    weights = [W.copy()]
    for e in range(epochs):
        _train_epoch(W, X, rng.permutation(X.shape[0]), etas[e], sigmas[e], G2)
        weights.append(W.copy())
    weights = np.array(weights)
    qe, te = np.array([_errors(w, X, grid) for w in weights]).T
    return SOM(W, rows, cols), SOMHistory(weights, qe, te, etas, sigmas)
