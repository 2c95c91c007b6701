r"""Optimisers and learning-rate schedules, as small pure functions with explicit state.

Lecture, "Minimising the error" to "Learning rate and rate decay".

    gradient descent / SGD   w <- w - eta dL/dw
    momentum (heavy ball)    v <- mu v - eta dL/dw;   w <- w + v
    Nesterov momentum        v <- mu v - eta dL/dw;   w <- w + mu v - eta dL/dw
                             (the look-ahead gradient dL/dw(w + mu v) rewritten so
                             that the gradient at the current w is enough)
    step decay               eta_t = eta_0 * drop ** floor(t / every)
    exponential decay        eta_t = eta_0 * exp(-k t)
    1/t decay                eta_t = eta_0 / (1 + k t)
    Adam (beyond the lecture: momentum with a step size per weight, the usual
    choice for recurrent networks; Kingma & Ba, 2015)
                             m <- beta1 m + (1 - beta1) dL/dw        (momentum of the gradient)
                             s <- beta2 s + (1 - beta2) (dL/dw)^2    (its typical size)
                             w <- w - eta m_hat / (sqrt(s_hat) + eps),
                             m_hat = m / (1 - beta1^t), s_hat = s / (1 - beta2^t)

    gradient clipping        norm = sqrt(sum over all parameters of sum (dL/dw)^2);
                             if norm > clip: dL/dw <- dL/dw * clip / norm

``mu`` is the momentum coefficient (often called beta), in [0, 1); ``v`` the velocity.
The step functions take one array and return new ones. The classes (``SGD``,
``Momentum``, ``Nesterov``, ``Adam``) apply the same steps to every parameter of
a network, in place, and hold the learning rate and the state (v, m, s), so that
``training.Trainer(model, X, y, optimizer=Momentum(eta, mu), ...)`` trains with them.
"""

from __future__ import annotations

import numbers

import numpy as np

from ._validate import check_count, check_nonnegative, check_positive

__all__ = [
    "SGD",
    "Adam",
    "adam_step",
    "Momentum",
    "METHODS",
    "Nesterov",
    "SCHEDULES",
    "check_clip",
    "check_momentum",
    "clip_gradients",
    "exponential_decay",
    "gd_step",
    "inverse_time_decay",
    "momentum_step",
    "nesterov_step",
    "step_decay",
    "trajectory",
]


def check_momentum(mu) -> float:
    r"""Return mu if it is a number in [0, 1), else raise ValueError with the allowed range."""
    if isinstance(mu, bool) or not isinstance(mu, numbers.Real):
        raise TypeError(f"mu (momentum) must be a number in [0, 1); got {type(mu).__name__}")
    if not 0 <= mu < 1:
        raise ValueError(f"mu (momentum) must be in [0, 1): 0 is plain gradient descent, values "
                         f"near 1 keep more of the velocity; got {mu}")
    return float(mu)


def gd_step(w, dw, eta: float):
    r"""Gradient descent: w_new = w - eta * dL/dw. Returns the new w (w is not changed)."""
    eta = check_positive(eta, "eta (learning rate)")
    return np.asarray(w) - eta * np.asarray(dw)


def momentum_step(w, dw, v, eta: float, mu: float):
    r"""Heavy-ball momentum: v_new = mu v - eta dL/dw, w_new = w + v_new. Returns (w_new, v_new)."""
    eta = check_positive(eta, "eta (learning rate)")
    mu = check_momentum(mu)
    v_new = mu * np.asarray(v) - eta * np.asarray(dw)
    return np.asarray(w) + v_new, v_new


def adam_step(w, dw, m, s, t: int, eta: float, beta1: float = 0.9, beta2: float = 0.999,
              eps: float = 1e-8):
    r"""Adam: momentum m of the gradient, divided by its running size sqrt(s). Returns (w, m, s).

    m_new = beta1 m + (1 - beta1) dw;  s_new = beta2 s + (1 - beta2) dw^2
    w_new = w - eta m_hat / (sqrt(s_hat) + eps),  hats: divided by (1 - beta^t), t >= 1,
    which undoes the start of m and s at zero. Each weight moves by about eta
    whatever the size of its gradient: small gradients (a long way back in time)
    still move their weights.
    """
    eta = check_positive(eta, "eta (learning rate)")
    t = check_count(t, "t (update number, from 1)")
    beta1, beta2 = check_momentum(beta1), check_momentum(beta2)
    dw = np.asarray(dw)
    m_new = beta1 * np.asarray(m) + (1 - beta1) * dw
    s_new = beta2 * np.asarray(s) + (1 - beta2) * dw * dw
    m_hat = m_new / (1 - beta1**t)
    s_hat = s_new / (1 - beta2**t)
    return np.asarray(w) - eta * m_hat / (np.sqrt(s_hat) + eps), m_new, s_new


def nesterov_step(w, dw, v, eta: float, mu: float):
    r"""Nesterov momentum: v_new = mu v - eta dL/dw, w_new = w + mu v_new - eta dL/dw.

    Returns (w_new, v_new). Equivalent to evaluating the gradient at the
    look-ahead point w + mu v, written for a gradient at the current w.
    """
    eta = check_positive(eta, "eta (learning rate)")
    mu = check_momentum(mu)
    dw = np.asarray(dw)
    v_new = mu * np.asarray(v) - eta * dw
    return np.asarray(w) + mu * v_new - eta * dw, v_new


def step_decay(eta_0: float, t: int, drop: float = 0.5, every: int = 10) -> float:
    r"""eta_t = eta_0 * drop ** floor(t / every): times ``drop`` every ``every`` steps."""
    check_positive(eta_0, "eta_0")
    check_count(every, "every")
    if not 0 < drop <= 1:
        raise ValueError(f"drop must be in (0, 1]; got {drop}")
    return eta_0 * drop ** (check_count(t, "t", minimum=0) // every)


def exponential_decay(eta_0: float, t: int, k: float = 0.05) -> float:
    r"""eta_t = eta_0 * exp(-k t)."""
    check_positive(eta_0, "eta_0")
    return eta_0 * float(np.exp(-check_nonnegative(k, "k") * check_count(t, "t", minimum=0)))


def inverse_time_decay(eta_0: float, t: int, k: float = 0.05) -> float:
    r"""eta_t = eta_0 / (1 + k t)."""
    check_positive(eta_0, "eta_0")
    return eta_0 / (1.0 + check_nonnegative(k, "k") * check_count(t, "t", minimum=0))


def check_clip(clip) -> float:
    r"""A clipping norm > 0, or a ValueError."""
    return check_positive(clip, "clip (the largest gradient norm)")


def clip_gradients(grads: dict, clip: float) -> float:
    r"""Scale all gradients together, in place, so that their joint norm is at most ``clip``.

    norm = sqrt(sum over all parameters of sum dw^2);  if norm > clip: dw <- dw * clip / norm
    The direction of the step is kept, only its length is capped: one rare huge
    gradient (backpropagation through time multiplies many Jacobians) cannot
    throw the weights away. Returns the norm before clipping.
    """
    clip = check_clip(clip)
    norm = float(np.sqrt(sum(np.sum(g * g) for g in grads.values())))
    if norm > clip:
        for g in grads.values():
            g *= clip / norm
    return norm


class SGD:
    r"""Plain (stochastic) gradient descent on every parameter, in place, with an optional schedule.

    For each parameter w:  w <- gd_step(w, dL/dw, eta_t)   (w - eta_t dL/dw)

    ``schedule(eta_0, t) -> eta_t`` with t the number of updates so far (e.g.
    ``lambda eta, t: inverse_time_decay(eta, t, 0.01)``). ``eta_0`` may be
    changed between updates (a widget's learning-rate slider).
    """

    def __init__(self, eta: float, schedule=None):
        self.eta_0 = check_positive(eta, "eta (learning rate)")
        self.schedule = schedule
        self.t = 0

    @property
    def eta(self) -> float:
        r"""The learning rate of the next update, eta_t."""
        return self.schedule(self.eta_0, self.t) if self.schedule else self.eta_0

    def __call__(self, params: dict, grads: dict) -> None:
        r"""One update of every parameter in ``params`` from ``grads`` (same keys)."""
        eta = self.eta
        self.t += 1
        for name, w in params.items():
            w[...] = self.step(name, w, grads[name], eta)

    def step(self, name: str, w, dw, eta: float):
        r"""The new value of parameter ``name``: here w - eta dL/dw."""
        return gd_step(w, dw, eta)


class Momentum(SGD):
    r"""Heavy-ball momentum on every parameter, in place; the velocities are kept in ``v``."""

    rule = staticmethod(momentum_step)

    def __init__(self, eta: float, mu: float = 0.9, schedule=None):
        super().__init__(eta, schedule)
        self.mu = check_momentum(mu)
        self.v: dict[str, np.ndarray] = {}

    def step(self, name: str, w, dw, eta: float):
        r"""v <- mu v - eta dL/dw; the new w from ``rule`` (heavy ball or Nesterov)."""
        v = self.v[name] if name in self.v else np.zeros_like(w)  # v_0 = 0
        w_new, self.v[name] = self.rule(w, dw, v, eta, self.mu)
        return w_new


class Nesterov(Momentum):
    r"""Nesterov momentum on every parameter, in place."""

    rule = staticmethod(nesterov_step)


class Adam(SGD):
    r"""Adam on every parameter, in place; the moments are kept in ``m`` and ``s``."""

    def __init__(self, eta: float = 0.01, beta1: float = 0.9, beta2: float = 0.999,
                 schedule=None):
        super().__init__(eta, schedule)
        self.beta1, self.beta2 = check_momentum(beta1), check_momentum(beta2)
        self.m: dict[str, np.ndarray] = {}
        self.s: dict[str, np.ndarray] = {}

    def step(self, name: str, w, dw, eta: float):
        r"""m, s updated; w - eta m_hat / (sqrt(s_hat) + eps), t counting this update."""
        m = self.m[name] if name in self.m else np.zeros_like(w)  # m_0 = s_0 = 0
        s = self.s[name] if name in self.s else np.zeros_like(w)
        w_new, self.m[name], self.s[name] = adam_step(w, dw, m, s, self.t, eta, self.beta1,
                                                      self.beta2)
        return w_new


#: the schedules of notebook 03, gentle enough that eta_t sums to several units over
#: 300 steps: the path still arrives before the rate gets small
SCHEDULES = {
    "constant": lambda eta_0, t: eta_0,
    "step decay": lambda eta_0, t: step_decay(eta_0, t, drop=0.5, every=50),
    "exponential decay": lambda eta_0, t: exponential_decay(eta_0, t, k=0.005),
    "1/t decay": lambda eta_0, t: inverse_time_decay(eta_0, t, k=0.01),
}
METHODS = {"gradient descent": "gd", "momentum": "momentum", "Nesterov": "nesterov"}


def trajectory(grad, w0, *, method: str = "gd", eta: float, mu: float = 0.0, steps: int = 100,
               schedule=None, blow_up: float = 1e6) -> np.ndarray:
    r"""The points w_0, w_1, ..., w_steps an optimiser visits, following ``grad``.

    Parameters
    ----------
    grad : callable w -> dL/dw (possibly noisy, see ``surfaces.noisy_gradient``)
    w0 : start point, shape (D,)
    method : "gd", "momentum" or "nesterov"
    eta, mu : learning rate and momentum coefficient
    schedule : optional callable (eta_0, t) -> eta_t
    blow_up : the path stops early once |w| exceeds this (divergence)

    Returns
    -------
    path : array, shape (k + 1, D) with k <= steps (shorter when it diverged)
    """
    if method not in ("gd", "momentum", "nesterov"):
        raise ValueError(f"method must be 'gd', 'momentum' or 'nesterov'; got {method!r}")
    w = np.array(w0, dtype=float)
    v = np.zeros_like(w)
    path = [w.copy()]
    with np.errstate(over="ignore", invalid="ignore"):
        for t in range(check_count(steps, "steps", minimum=0)):
            eta_t = schedule(eta, t) if schedule else eta
            dw = grad(w)
            if method == "gd":
                w = gd_step(w, dw, eta_t)
            elif method == "momentum":
                w, v = momentum_step(w, dw, v, eta_t, mu)
            else:
                w, v = nesterov_step(w, dw, v, eta_t, mu)
            if not np.all(np.isfinite(w)) or np.abs(w).max() > blow_up:
                break
            path.append(w.copy())
    return np.array(path)
