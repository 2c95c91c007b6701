r"""2-D loss surfaces with exact gradients, for watching optimisers move.

Lecture, "Solution landscape" (non-convex, several local optima), "Stochastic
gradient descent" (noisy gradients may escape a local optimum), "Momentum"
(crossing a ravine). Each surface maps points w of shape (..., 2) to L(w) of
shape (...) and has its gradient dL/dw of shape (..., 2).

    ill-conditioned quadratic   L = 1/2 (a w_1^2 + b w_2^2), a << b: curvature a
                                along w_1, b along w_2; gradient descent is
                                stable only for eta < 2 / kappa_max = 2 / b
    landscape                   a wide bowl with three Gaussian wells of
                                different depths: a global and two local minima
    Rosenbrock                  L = (1 - w_1)^2 + 100 (w_2 - w_1^2)^2, a curved valley
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from . import optim
from ._validate import check_nonnegative, check_rng

__all__ = ["SURFACES", "Surface", "ill_conditioned_quadratic", "landscape", "noisy_gradient",
           "rosenbrock"]


@dataclass(frozen=True)
class Surface:
    r"""A loss surface: L(w), dL/dw, its global minimum, a view and a start point."""

    name: str
    loss: Callable[[np.ndarray], np.ndarray]
    grad: Callable[[np.ndarray], np.ndarray]
    minimum: tuple[float, float]
    xlim: tuple[float, float]
    ylim: tuple[float, float]
    start: tuple[float, float]
    curvature: float | None = None  # kappa_max, the largest curvature, where it is a constant

    @property
    def smoothness(self) -> float | None:
        r"""The same number as ``curvature``: optimisation texts write it L ("L-smooth").

        The course writes it kappa_max, since L is the loss (the lecture's script L).
        """
        return self.curvature


def _w(w) -> np.ndarray:
    w = np.asarray(w, dtype=float)
    if w.shape[-1:] != (2,):
        raise ValueError(f"w must have shape (..., 2): points of the plane; got {w.shape}")
    return w


def ill_conditioned_quadratic(a: float = 1.0, b: float = 20.0) -> Surface:
    r"""L = 1/2 (a w_1^2 + b w_2^2): a ravine, b / a times steeper across than along."""
    scale = np.array([a, b], dtype=float)
    return Surface(
        name=f"quadratic (a = {a:g}, b = {b:g})",
        loss=lambda w: 0.5 * np.sum(scale * _w(w) ** 2, axis=-1),
        grad=lambda w: scale * _w(w),
        minimum=(0.0, 0.0), xlim=(-2.2, 2.2), ylim=(-1.2, 1.2), start=(-2.0, 1.0),
        curvature=max(a, b))


# (centre, depth, width) of the landscape's wells; the first is the deepest
_WELLS = (((1.3, 0.9), 1.6, 0.45), ((-1.2, -0.8), 1.0, 0.35), ((-1.0, 1.3), 0.7, 0.25))


def _landscape_loss(w):
    w = _w(w)
    value = 0.08 * np.sum(w**2, axis=-1)
    for centre, depth, width in _WELLS:
        value = value - depth * np.exp(-np.sum((w - centre) ** 2, axis=-1) / (2 * width**2))
    return value


def _landscape_grad(w):
    w = _w(w)
    grad = 0.16 * w
    for centre, depth, width in _WELLS:
        d = w - centre
        bump = depth * np.exp(-np.sum(d**2, axis=-1) / (2 * width**2))
        grad = grad + (bump / width**2)[..., None] * d
    return grad


def _descend(grad, w, eta=0.02, steps=5000) -> tuple[float, float]:
    w = optim.trajectory(grad, w, eta=eta, steps=steps)[-1]  # plain gradient descent
    return float(w[0]), float(w[1])


@functools.cache
def _landscape_minimum() -> tuple[float, float]:
    return _descend(_landscape_grad, _WELLS[0][0])  # 5000 steps: found once, then remembered


def landscape() -> Surface:
    r"""A non-convex solution landscape: one global and two local minima in a wide bowl.

    The global minimum lies near, not at, the deepest well's centre (the bowl
    pulls it inwards); it is found by gradient descent from that centre.
    """
    minimum = _landscape_minimum()
    return Surface(name="landscape (local minima)", loss=_landscape_loss, grad=_landscape_grad,
                   minimum=minimum, xlim=(-2.5, 2.5), ylim=(-2.2, 2.5), start=(-1.0, 1.3))


def rosenbrock(b: float = 100.0) -> Surface:
    r"""L = (1 - w_1)^2 + b (w_2 - w_1^2)^2, minimum at (1, 1) at the end of a curved valley."""
    def loss(w):
        w = _w(w)
        return (1 - w[..., 0]) ** 2 + b * (w[..., 1] - w[..., 0] ** 2) ** 2

    def grad(w):
        w = _w(w)
        x, y = w[..., 0], w[..., 1]
        return np.stack([-2 * (1 - x) - 4 * b * x * (y - x**2), 2 * b * (y - x**2)], axis=-1)

    return Surface(name="Rosenbrock", loss=loss, grad=grad, minimum=(1.0, 1.0),
                   xlim=(-2.0, 2.0), ylim=(-1.0, 3.0), start=(-1.5, 2.0))


def noisy_gradient(grad: Callable, sigma: float, rng: np.random.Generator) -> Callable:
    r"""dL/dw plus Gaussian noise of standard deviation ``sigma``: a mini-batch-like gradient.

    A mini-batch of B samples estimates the full gradient with noise whose
    standard deviation shrinks like 1 / sqrt(B); ``sigma`` stands for that noise.
    """
    sigma = check_nonnegative(sigma, "sigma (gradient noise)")
    check_rng(rng)

    def noisy(w):
        g = grad(w)
        return g + rng.normal(0.0, sigma, size=np.shape(g)) if sigma > 0 else g

    return noisy


#: name -> surface builder, for widgets
SURFACES = {"ill-conditioned quadratic": ill_conditioned_quadratic, "landscape": landscape,
            "Rosenbrock": rosenbrock}
