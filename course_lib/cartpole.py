r"""The cart-pole: balance a pole on a cart by pushing the cart left or right.

Barto, Sutton & Anderson (1983), "Neuronlike adaptive elements that can solve
difficult learning control problems", IEEE SMC 13:834, with the physics and
numbers of the classic-control benchmark (OpenAI Gym / Gymnasium ``CartPole-v1``):

    state  (x, x_dot, theta, theta_dot): cart position (m) and velocity, pole angle
           (rad, 0 = upright, positive leaning right) and angular velocity
    action 0 = push left, 1 = push right, with a force of 10 N
    reward 1 for every step, the last one included
    end    |theta| > 12 degrees (0.2095 rad) or |x| > 2.4 m: terminated (the pole fell
           or the cart left the track); 500 steps: truncated (v1's time limit)
    start  each of the four numbers uniform in [-0.05, 0.05]

The equations of motion of Barto, Sutton and Anderson (1983), without friction, as
the benchmark writes them, integrated with Euler steps of tau = 0.02 s:

    temp      = (force + m_p l theta_dot^2 sin theta) / (m_c + m_p)
    theta_acc = (g sin theta - cos theta temp) / (l (4/3 - m_p cos^2 theta / (m_c + m_p)))
    x_acc     = temp - m_p l theta_acc cos theta / (m_c + m_p)
    x         <- x + tau x_dot
    x_dot     <- x_dot + tau x_acc
    theta     <- theta + tau theta_dot
    theta_dot <- theta_dot + tau theta_acc

with g = 9.8, cart mass m_c = 1.0, pole mass m_p = 0.1 and l = 0.5, half the pole's
length (the benchmark calls it ``length``). The Euler update uses the old
velocities for the positions, as the benchmark's default ("euler") does.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from ._validate import check_rng

__all__ = [
    "CartPole",
    "CartPoleStep",
    "Episode",
    "GRAVITY",
    "MASS_CART",
    "MASS_POLE",
    "FORCE",
    "HALF_LENGTH",
    "MAX_STEPS",
    "SCALE",
    "TAU",
    "THETA_LIMIT",
    "X_LIMIT",
    "cartpole_step",
    "cartpole_step_batch",
    "is_terminal",
    "rollout",
]

GRAVITY = 9.8  # g, m/s^2
MASS_CART = 1.0  # m_c, kg
MASS_POLE = 0.1  # m_p, kg
TOTAL_MASS = MASS_CART + MASS_POLE
HALF_LENGTH = 0.5  # l, m: half the pole's length (the benchmark's "length")
POLEMASS_LENGTH = MASS_POLE * HALF_LENGTH  # m_p l
FORCE = 10.0  # N
TAU = 0.02  # s, the time step
THETA_LIMIT = 12 * 2 * math.pi / 360  # 0.2094... rad = 12 degrees
X_LIMIT = 2.4  # m
MAX_STEPS = 500  # CartPole-v1's time limit (v0: 200)
#: typical sizes of (x, x_dot, theta, theta_dot) while balancing: the network's input
#: is state / SCALE, so that all four numbers are about 1 (see :meth:`CartPole.encode`)
SCALE = np.array([X_LIMIT, 2.0, THETA_LIMIT, 2.0])


def _check_action(action) -> int:
    if action not in (0, 1) or isinstance(action, bool):
        raise ValueError(f"unknown action {action!r}: the cart-pole's actions are 0 (push left) "
                         "and 1 (push right)")
    return int(action)


def cartpole_step(state, action) -> tuple[float, float, float, float]:
    r"""The next state after one time step tau of pushing left (0) or right (1). Pure.

    force     = +10 N if action == 1 else -10 N
    temp      = (force + m_p l theta_dot^2 sin theta) / (m_c + m_p)
    theta_acc = (g sin theta - cos theta temp) / (l (4/3 - m_p cos^2 theta / (m_c + m_p)))
    x_acc     = temp - m_p l theta_acc cos theta / (m_c + m_p)
    x, x_dot, theta, theta_dot  <-  x + tau x_dot, x_dot + tau x_acc,
                                    theta + tau theta_dot, theta_dot + tau theta_acc

    Parameters
    ----------
    state : four numbers (x, x_dot, theta, theta_dot)
    action : 0 or 1

    Returns
    -------
    (x, x_dot, theta, theta_dot) : tuple of floats
    """
    x, x_dot, theta, theta_dot = (float(v) for v in state)
    force = FORCE if _check_action(action) == 1 else -FORCE
    cos_theta, sin_theta = math.cos(theta), math.sin(theta)
    temp = (force + POLEMASS_LENGTH * theta_dot**2 * sin_theta) / TOTAL_MASS
    theta_acc = (GRAVITY * sin_theta - cos_theta * temp) / (
        HALF_LENGTH * (4.0 / 3.0 - MASS_POLE * cos_theta**2 / TOTAL_MASS))
    x_acc = temp - POLEMASS_LENGTH * theta_acc * cos_theta / TOTAL_MASS
    return (x + TAU * x_dot,
            x_dot + TAU * x_acc,
            theta + TAU * theta_dot,
            theta_dot + TAU * theta_acc)


def cartpole_step_batch(states, actions) -> np.ndarray:
    r""":func:`cartpole_step` for N cart-poles at once: states (N, 4), actions (N,) -> (N, 4)."""
    states = np.asarray(states, dtype=float)
    actions = np.asarray(actions)
    if states.ndim != 2 or states.shape[1] != 4 or actions.shape != (states.shape[0],):
        raise ValueError(f"states must have shape (N, 4) and actions shape (N,); got "
                         f"{states.shape} and {actions.shape}")
    if not np.all((actions == 0) | (actions == 1)):
        raise ValueError(f"actions must be 0 (push left) or 1 (push right); found "
                         f"{np.unique(actions[(actions != 0) & (actions != 1)])[:5]}")
    x, x_dot, theta, theta_dot = states.T
    force = np.where(actions == 1, FORCE, -FORCE)
    cos_theta, sin_theta = np.cos(theta), np.sin(theta)
    temp = (force + POLEMASS_LENGTH * theta_dot**2 * sin_theta) / TOTAL_MASS
    theta_acc = (GRAVITY * sin_theta - cos_theta * temp) / (
        HALF_LENGTH * (4.0 / 3.0 - MASS_POLE * cos_theta**2 / TOTAL_MASS))
    x_acc = temp - POLEMASS_LENGTH * theta_acc * cos_theta / TOTAL_MASS
    return np.stack([x + TAU * x_dot,
                     x_dot + TAU * x_acc,
                     theta + TAU * theta_dot,
                     theta_dot + TAU * theta_acc], axis=1)


def is_terminal(state) -> bool:
    r"""True once the pole fell (|theta| > 12 degrees) or the cart left the track (|x| > 2.4)."""
    x, _, theta, _ = state
    return bool(x < -X_LIMIT or x > X_LIMIT or theta < -THETA_LIMIT or theta > THETA_LIMIT)


class CartPoleStep(NamedTuple):
    r"""The answer to one push: the new state, the reward, and whether the episode ended.

    ``terminated``: the pole fell or the cart left the track (a real end: no future
    reward). ``truncated``: the time limit stopped an episode that could have gone on
    (a learner should still count on the future there). ``done`` is either.
    """

    state: np.ndarray
    reward: float
    terminated: bool
    truncated: bool

    @property
    def done(self) -> bool:
        r"""terminated or truncated: the episode is over."""
        return self.terminated or self.truncated


class CartPole:
    r"""The cart-pole environment, episode by episode (CartPole-v1).

    ``state = env.reset(rng)``, then ``state, reward, terminated, truncated =
    env.step(action)`` until ``terminated or truncated``.

    Attributes
    ----------
    n_actions : 2 (push left, push right); state_size : 4
    state : the current (x, x_dot, theta, theta_dot) as an array (4,)
    t : steps taken in this episode
    max_steps : the time limit (500, as v1; 200 for v0)
    """

    n_actions = 2
    state_size = 4
    actions = ("push left", "push right")

    def __init__(self, max_steps: int = MAX_STEPS):
        if isinstance(max_steps, bool) or not isinstance(max_steps, int) or max_steps < 1:
            raise ValueError(f"max_steps must be an integer >= 1 (500 for CartPole-v1, 200 for "
                             f"v0); got {max_steps!r}")
        self.max_steps = max_steps
        self.state: np.ndarray | None = None
        self.t = 0

    def reset(self, rng: np.random.Generator) -> np.ndarray:
        r"""Start an episode: each of x, x_dot, theta, theta_dot uniform in [-0.05, 0.05]."""
        self.state = check_rng(rng).uniform(-0.05, 0.05, size=4)
        self.t = 0
        return self.state.copy()

    def step(self, action) -> CartPoleStep:
        r"""Push left (0) or right (1) for tau = 0.02 s: ``(state, 1.0, terminated, truncated)``."""
        if self.state is None:
            raise ValueError("call reset(rng) before the first step")
        if is_terminal(self.state) or self.t >= self.max_steps:
            raise ValueError(f"the episode ended after {self.t} steps: call reset(rng) to start "
                             "the next one")
        self.state = np.array(cartpole_step(self.state, action))
        self.t += 1
        terminated = is_terminal(self.state)
        return CartPoleStep(self.state.copy(), 1.0, terminated,
                            not terminated and self.t >= self.max_steps)

    done = staticmethod(is_terminal)

    @staticmethod
    def encode(states) -> np.ndarray:
        r"""The network's input: state / SCALE, shape (N, 4) (one state gives (1, 4))."""
        return np.atleast_2d(np.asarray(states, dtype=float)) / SCALE


class Episode(NamedTuple):
    r"""One episode: states s_0..s_T (T + 1, 4), actions a_0..a_{T-1} (T,), and how it ended."""

    states: np.ndarray
    actions: np.ndarray
    terminated: bool


def rollout(policy, rng: np.random.Generator, max_steps: int = MAX_STEPS) -> Episode:
    r"""Run one episode with ``policy(state) -> 0 or 1`` from a random start; keep every state."""
    env = CartPole(max_steps)
    states, actions = [env.reset(rng)], []
    while True:
        action = policy(states[-1])
        state, _, terminated, truncated = env.step(action)
        states.append(state)
        actions.append(int(action))
        if terminated or truncated:
            return Episode(np.array(states), np.array(actions, dtype=int), terminated)
