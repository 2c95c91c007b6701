r"""Deep Q-Network (DQN): Q-learning with a neural network in place of the table.

Lecture, "How to train NNs ?": "Reinforcement learning, e.g. for training Deep Q
Network (DQN)" (Mnih et al. 2015, "Human-level control through deep reinforcement
learning", Nature 518:529). The network maps a state s to one output per action,
Q(s, a; w), and is trained like a regression network on targets it makes itself:

    Bellman target   y = r                                       if s' is terminal
                     y = r + gamma max_a' Q_target(s', a')        otherwise
    loss             L = 1/N sum_n 1/2 (Q(s_n, a_n; w) - y_n)^2   (the lecture's squared
                     error, on the action taken only: the other outputs get no gradient)
    delta at the output   dL/dnet_{n,k} = (Q(s_n, a_n) - y_n) / N   if k == a_n, else 0

Two devices make it stable (Mnih et al.):
    experience replay   transitions (s, a, r, s', done) go into a buffer; each update
                        uses a random minibatch of them (not the last, correlated moves)
    target network      Q_target is a copy of the network, refreshed every
                        ``target_every`` steps and frozen in between
and a third is common: the Huber loss (Mnih et al.'s "error clipping"),
    h(e) = e^2 / 2 if |e| <= 1 else |e| - 1/2,   dh/de = clip(e, -1, 1),
equal to the squared error while |Q - y| <= 1 (the lecture's loss is the special
case), and with a bounded gradient for the large errors of early training.
Exploration is epsilon-greedy, epsilon decaying linearly from ``epsilon_start``
to ``epsilon_end`` over ``epsilon_steps`` moves, then constant.
"""

from __future__ import annotations

import copy
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np

from . import optim, rl
from ._validate import check_count, check_positive, check_rng
from .mlp import MLP

__all__ = [
    "Batch",
    "DQNAgent",
    "DQNHistory",
    "DQNSettings",
    "EnvStep",
    "GridTask",
    "LOSSES",
    "ReplayBuffer",
    "CARTPOLE_SETTINGS",
    "GRID_SETTINGS",
    "bellman_targets",
    "dqn_loss_and_gradients",
    "grid_greedy_return",
    "moving_average",
    "stop_at_optimum",
    "train_dqn",
]

LOSSES = ("squared", "huber")


class EnvStep(NamedTuple):
    r"""One move of an episodic environment: s', r, terminated (no future), truncated (time up)."""

    state: object
    reward: float
    terminated: bool
    truncated: bool


class Batch(NamedTuple):
    r"""A minibatch of B transitions (s, a, r, s', done).

    states (B, D), actions (B,), rewards (B,), next_states (B, D), dones (B,): 1.0
    where s' is terminal.
    """

    states: np.ndarray
    actions: np.ndarray
    rewards: np.ndarray
    next_states: np.ndarray
    dones: np.ndarray


class ReplayBuffer:
    r"""The last ``capacity`` transitions (s, a, r, s', done), sampled in random minibatches.

    When full, a new transition overwrites the oldest (a ring buffer). ``sample``
    draws distinct transitions uniformly (without replacement) from ``rng``.

    Parameters
    ----------
    capacity : int >= 1; state_size : int >= 1 (the length of an encoded state)
    rng : numpy.random.Generator
    """

    def __init__(self, capacity: int, state_size: int, rng: np.random.Generator):
        self.capacity = check_count(capacity, "capacity")
        self.state_size = check_count(state_size, "state_size")
        self.rng = check_rng(rng)
        self.states = np.zeros((self.capacity, self.state_size))
        self.next_states = np.zeros((self.capacity, self.state_size))
        self.actions = np.zeros(self.capacity, dtype=np.int64)
        self.rewards = np.zeros(self.capacity)
        self.dones = np.zeros(self.capacity)
        self.size = 0  # transitions held
        self.position = 0  # where the next one goes

    def __len__(self) -> int:
        return self.size

    def push(self, state, action: int, reward: float, next_state, done: bool) -> None:
        r"""Store one transition (overwriting the oldest when full)."""
        i = self.position
        self.states[i] = state
        self.actions[i] = action
        self.rewards[i] = reward
        self.next_states[i] = next_state
        self.dones[i] = done
        self.position = (i + 1) % self.capacity
        self.size = min(self.size + 1, self.capacity)

    def sample(self, batch_size: int) -> Batch:
        r"""``batch_size`` distinct transitions drawn at random: a :class:`Batch`."""
        batch_size = check_count(batch_size, "batch_size")
        if self.size == 0:
            raise ValueError("the replay buffer is empty: push transitions before sampling")
        if batch_size > self.size:
            raise ValueError(f"cannot sample {batch_size} distinct transitions: the buffer "
                             f"holds {self.size}; sample at most {self.size}, or wait for more")
        i = self.rng.choice(self.size, batch_size, replace=False)
        return Batch(self.states[i], self.actions[i], self.rewards[i], self.next_states[i],
                     self.dones[i])


def bellman_targets(rewards, next_q_target, dones, gamma: float) -> np.ndarray:
    r"""Bellman targets: no bootstrap after a terminal move.

    y_n = r_n + gamma max_a' Q_target(s'_n, a') (1 - done_n)

    Parameters
    ----------
    rewards : (N,); next_q_target : (N, A), the target network's Q(s'_n, .)
    dones : (N,), 1 (or True) where s'_n is terminal; gamma : in [0, 1)

    Returns
    -------
    y : array (N,)
    """
    gamma = rl.check_gamma(gamma)
    rewards = np.asarray(rewards, dtype=float)
    next_q_target = np.asarray(next_q_target, dtype=float)
    dones = np.asarray(dones, dtype=float)
    if rewards.ndim != 1 or next_q_target.shape[:1] != rewards.shape or next_q_target.ndim != 2 \
            or dones.shape != rewards.shape:
        raise ValueError(f"rewards (N,), next_q_target (N, A) and dones (N,) must agree; got "
                         f"{rewards.shape}, {next_q_target.shape}, {dones.shape}")
    return _bellman_targets(rewards, next_q_target, dones, gamma)


def _bellman_targets(rewards, next_q_target, dones, gamma: float) -> np.ndarray:
    return rewards + gamma * next_q_target.max(axis=1) * (1.0 - dones)


def _check_loss(loss: str) -> str:
    if loss not in LOSSES:
        raise ValueError(f"unknown loss {loss!r}; choose one of: {', '.join(LOSSES)}")
    return loss


def _loss_and_delta(q_taken, targets, loss: str):
    r"""L and dL/dQ(s_n, a_n) for the errors e = Q(s_n, a_n) - y_n (mean over the batch)."""
    e = q_taken - targets
    N = e.shape[0]
    if loss == "squared":
        return float(0.5 * np.dot(e, e)) / N, e / N
    small = np.abs(e) <= 1.0
    L = np.where(small, 0.5 * e * e, np.abs(e) - 0.5).sum() / N
    return float(L), np.clip(e, -1.0, 1.0) / N


def dqn_loss_and_gradients(net: MLP, states, actions, targets,
                           loss: str = "squared") -> tuple[float, dict[str, np.ndarray]]:
    r"""The DQN loss on a minibatch and its gradients, by the MLP's forward and backward passes.

    L = 1/N sum_n 1/2 (Q(s_n, a_n; w) - y_n)^2        ("squared"; "huber": h(Q - y))
    delta_out[n, k] = dL/dnet_{n,k} = (Q(s_n, a_n) - y_n) / N  if k == a_n,  0 otherwise
    then backpropagation as for any network (``net.backward(delta_out)``).

    Parameters
    ----------
    net : MLP with linear outputs (``output="regression"``), one per action
    states : (N, D); actions : int (N,) in 0..A-1; targets : (N,), the y_n
    loss : "squared" or "huber"

    Returns
    -------
    L : float; grads : dict "W1", "b1", ... like ``net.params``
    """
    loss = _check_loss(loss)
    q = net.forward(states)
    N, A = q.shape
    actions = np.asarray(actions)
    targets = np.asarray(targets, dtype=float)
    if actions.shape != (N,) or targets.shape != (N,):
        raise ValueError(f"actions and targets need shape ({N},), one per state; got "
                         f"{actions.shape} and {targets.shape}")
    if actions.dtype.kind not in "iu" or actions.min() < 0 or actions.max() >= A:
        raise ValueError(f"actions must be integers in 0..{A - 1}; got {actions[:5]}...")
    rows = np.arange(N)
    L, d_taken = _loss_and_delta(q[rows, actions], targets, loss)
    delta_out = np.zeros_like(q)
    delta_out[rows, actions] = d_taken  # the other actions' outputs get no gradient
    return L, dict(net.backward(delta_out))


def grid_greedy_return(q_values, grid: rl.GridWorld, gamma: float) -> float:
    r"""The return from the start of the greedy policy argmax_a Q(s, a) on ``grid``.

    ``q_values``: (n_states, 4), e.g. ``agent.q_values(task.encode(range(grid.n_states)))``.
    """
    return rl.greedy_return(grid, np.asarray(q_values).argmax(axis=1), gamma)


def stop_at_optimum(task: GridTask, gamma: float, model=None) -> Callable:
    r"""A ``train_dqn`` callback: stop once the greedy policy's return from the start is optimal.

    Compares with value iteration's V*(start) (to 1e-9) after every episode and
    records the greedy return of each episode in ``history.greedy_return``.
    """
    grid = task.grid
    V_star, _ = rl.value_iteration(grid, gamma)
    model = grid.model() if model is None else model
    every_state = task.encode(np.arange(grid.n_states))

    def callback(episode, history, agent) -> bool:
        policy = agent.q_values(every_state).argmax(axis=1)
        G = rl.greedy_return(grid, policy, gamma, model)
        history.greedy_return.append(G)
        if abs(G - V_star[grid.start]) < 1e-9:
            history.message = (f"the greedy policy is optimal after episode {episode} "
                               f"(G_0 = {G:.4f} = V*(start))")
            return True
        return False

    return callback


# ----------------------------------------------------------------------- the agent
@dataclass(frozen=True)
class DQNSettings:
    r"""The settings of a DQN run (defaults: CartPole's, :data:`CARTPOLE_SETTINGS`).

    hidden, activation : the Q-network's hidden widths and their activation
    eta : Adam's learning rate; clip : optional gradient-norm clipping
    gamma : discount in [0, 1)
    batch_size : transitions per update; buffer_size : replay capacity
    warmup : transitions collected before the first update
    train_every : one update every k moves
    target_every : copy the network into the target network every k moves
    epsilon_start, epsilon_end, epsilon_steps : linear decay of epsilon over the first
        epsilon_steps moves, then constant
    loss : "squared" (the lecture's, the default) or "huber". On CartPole the squared
        error solved seeds 0-4 in 131-195 episodes; the Huber loss needed 546, 591 and
        more than 700 for seeds 0-2: with rewards of 1 per step, Q grows to tens and
        the errors of early training are large, which the Huber loss's bounded
        gradient learns from slowly.
    """

    hidden: tuple[int, ...] = (64,)
    activation: str = "relu"
    eta: float = 1e-3
    clip: float | None = None
    gamma: float = 0.99
    batch_size: int = 64
    buffer_size: int = 10_000
    warmup: int = 500
    train_every: int = 1
    target_every: int = 100
    epsilon_start: float = 1.0
    epsilon_end: float = 0.05
    epsilon_steps: int = 5_000
    loss: str = "squared"

    def __post_init__(self):
        rl.check_gamma(self.gamma)
        check_positive(self.eta, "eta (learning rate)")
        for name in ("batch_size", "buffer_size", "train_every", "target_every",
                     "epsilon_steps"):
            check_count(getattr(self, name), name)
        check_count(self.warmup, "warmup", minimum=0)
        rl.check_unit(self.epsilon_start, "epsilon_start")
        rl.check_unit(self.epsilon_end, "epsilon_end")
        _check_loss(self.loss)
        if self.clip is not None:
            optim.check_clip(self.clip)
        if self.batch_size > self.buffer_size:
            raise ValueError(f"batch_size {self.batch_size} is larger than buffer_size "
                             f"{self.buffer_size}: a minibatch holds distinct transitions")


#: CartPole: solved (mean 195 over 100 episodes) in 131-195 episodes for seeds 0-9
CARTPOLE_SETTINGS = DQNSettings()
#: The grid world (one-hot states, gamma 0.9 as value iteration): optimal in 36-82 episodes
#: for seeds 0-9, about 0.1 s
GRID_SETTINGS = DQNSettings(hidden=(32,), gamma=0.9, batch_size=32, buffer_size=5_000,
                            warmup=100, target_every=100, epsilon_steps=2_000)


def _flatten(params: dict[str, np.ndarray]) -> np.ndarray:
    r"""Put all parameters into one vector and make ``params``' arrays views into it."""
    flat = np.concatenate([p.ravel() for p in params.values()])
    offset = 0
    for name, p in params.items():
        params[name] = flat[offset:offset + p.size].reshape(p.shape)
        offset += p.size
    return flat


class DQNAgent:
    r"""A Q-network, its target network, a replay buffer and Adam: DQN's learner.

    Both networks keep their parameters as views into one flat vector each
    (``theta``, ``theta_target``), so a target sync is one copy and Adam one
    update of one vector.

    Parameters
    ----------
    state_size : inputs of the network (the encoded state's length)
    n_actions : outputs, one Q(s, a) per action
    rng : numpy.random.Generator (initial weights, minibatches)
    settings : DQNSettings
    """

    def __init__(self, state_size: int, n_actions: int, rng: np.random.Generator,
                 settings: DQNSettings | None = None):
        self.settings = s = settings or DQNSettings()
        self.rng = check_rng(rng)
        self.net = MLP(state_size, list(s.hidden), n_actions, activation=s.activation,
                       output="regression", rng=rng)
        self.target = copy.deepcopy(self.net)  # the same architecture; weights set by the sync
        self.theta = _flatten(self.net.params)
        self.theta_target = _flatten(self.target.params)
        self.grad = np.zeros_like(self.theta)
        self._grad_views = {}
        offset = 0
        for name, p in self.net.params.items():
            self._grad_views[name] = self.grad[offset:offset + p.size].reshape(p.shape)
            offset += p.size
        self._m = np.zeros_like(self.theta)  # Adam's moments m and s of the flat gradient
        self._s = np.zeros_like(self.theta)
        self.buffer = ReplayBuffer(s.buffer_size, state_size, rng)
        self.steps = 0  # moves observed
        self.updates = 0  # gradient updates made
        self.syncs = 0  # target-network copies made
        self.sync_target()
        L = self.net.n_layers
        self._W = [self.net.params[f"W{l}"] for l in range(1, L + 1)]
        self._b = [self.net.params[f"b{l}"] for l in range(1, L + 1)]
        self._W_target = [self.target.params[f"W{l}"] for l in range(1, L + 1)]
        self._b_target = [self.target.params[f"b{l}"] for l in range(1, L + 1)]
        self._dW = [self._grad_views[f"W{l}"] for l in range(1, L + 1)]
        self._db = [self._grad_views[f"b{l}"] for l in range(1, L + 1)]
        self._relu = s.activation == "relu"

    # -------------------------------------------------------------- acting
    @property
    def epsilon(self) -> float:
        r"""epsilon after ``steps`` moves: linear from epsilon_start to epsilon_end, then flat."""
        s = self.settings
        fraction = min(self.steps / s.epsilon_steps, 1.0)
        return s.epsilon_start + fraction * (s.epsilon_end - s.epsilon_start)

    def q_values(self, X, *, target: bool = False) -> np.ndarray:
        r"""Q(s, .) for encoded states X (N, D): (N, A); ``target=True``: the target network's."""
        W, b = (self._W_target, self._b_target) if target else (self._W, self._b)
        o = X
        for l in range(len(W) - 1):
            net = o @ W[l]
            net += b[l]
            o = np.maximum(net, 0.0, out=net) if self._relu else self.net.f(net)
        return o @ W[-1] + b[-1]

    def greedy(self, x) -> int:
        r"""argmax_a Q(x, a) for one encoded state x (D,)."""
        return int(np.argmax(self.q_values(x[None, :])[0]))

    def policy(self, encode: Callable) -> Callable:
        r"""The greedy policy of raw states: ``state -> argmax_a Q(encode(state), a)``."""
        return lambda state: self.greedy(encode(state)[0])

    def act(self, x, rng: np.random.Generator) -> int:
        r"""epsilon-greedy: a random action with probability epsilon, else argmax_a Q(x, a)."""
        if rng.random() < self.epsilon:
            return int(rng.integers(self._W[-1].shape[1]))
        return self.greedy(x)

    # -------------------------------------------------------------- learning
    def sync_target(self) -> None:
        r"""Copy the network into the target network: theta_target <- theta."""
        self.theta_target[:] = self.theta
        self.syncs += 1

    def observe(self, x, action: int, reward: float, x_next, terminated: bool) -> float | None:
        r"""Store a move; every ``train_every`` moves one update, every ``target_every`` a sync.

        Returns the minibatch loss of the update, or None when there was none.
        """
        s = self.settings
        self.buffer.push(x, action, reward, x_next, terminated)
        self.steps += 1
        loss = None
        if self.buffer.size >= max(s.batch_size, s.warmup) and self.steps % s.train_every == 0:
            loss = self.train_step()
        if self.steps % s.target_every == 0:
            self.sync_target()
        return loss

    def train_step(self) -> float:
        r"""One Adam update on a minibatch from the buffer; returns its loss (before the update)."""
        s = self.settings
        batch = self.buffer.sample(s.batch_size)
        y = _bellman_targets(batch.rewards, self.q_values(batch.next_states, target=True),
                             batch.dones, s.gamma)  # bellman_targets without its checks
        L = self._loss_and_gradients(batch.states, batch.actions, y)
        if s.clip is not None:
            optim.clip_gradients({"theta": self.grad}, s.clip)
        self._adam_step()
        return L

    def _adam_step(self) -> None:
        r""":func:`optim.adam_step` on the flat vector theta, in place (tested equal).

        m <- beta1 m + (1 - beta1) g;  s <- beta2 s + (1 - beta2) g^2
        theta <- theta - eta m_hat / (sqrt(s_hat) + eps)
        """
        beta1, beta2, eps = 0.9, 0.999, 1e-8  # optim.Adam's defaults
        g, m, s = self.grad, self._m, self._s
        self.updates += 1
        t = self.updates
        m *= beta1
        m += (1 - beta1) * g
        s *= beta2
        s += (1 - beta2) * (g * g)
        m_hat = m / (1 - beta1**t)
        s_hat = s / (1 - beta2**t)
        self.theta -= self.settings.eta * m_hat / (np.sqrt(s_hat) + eps)

    def _loss_and_gradients(self, X, actions, y) -> float:
        r""":func:`dqn_loss_and_gradients` without its checks, into ``self.grad`` (tested equal)."""
        W, b, L = self._W, self._b, len(self._W)
        outs, nets = [X], []
        for l in range(L - 1):  # feed forward, keeping each layer's net and output
            net = outs[-1] @ W[l]
            net += b[l]
            nets.append(net)
            outs.append(np.maximum(net, 0.0) if self._relu else self.net.f(net))
        q = outs[-1] @ W[-1] + b[-1]
        rows = np.arange(X.shape[0])
        loss, d_taken = _loss_and_delta(q[rows, actions], y, self.settings.loss)
        delta = np.zeros_like(q)
        delta[rows, actions] = d_taken
        for l in range(L - 1, -1, -1):  # backpropagation: dW = o_prev^T delta, db = sum delta
            np.dot(outs[l].T, delta, out=self._dW[l])
            np.sum(delta, axis=0, out=self._db[l])
            if l:  # hidden delta = (delta W^T) f'(net); relu: f' = 1 where net > 0, else 0
                delta = delta @ W[l].T
                delta *= nets[l - 1] > 0 if self._relu else self.net.f_prime(nets[l - 1])
        return loss


# ----------------------------------------------------------------------- environments
class GridTask:
    r"""A :class:`rl.GridWorld` as an episodic task for DQN: reset, step(action), one-hot states.

    Episodes start at ``grid.start`` and are cut (truncated) after ``max_steps`` moves.
    """

    def __init__(self, grid: rl.GridWorld, max_steps: int = 100):
        self.grid = grid
        self.max_steps = check_count(max_steps, "max_steps")
        self.n_actions = grid.n_actions
        self.state_size = grid.n_states
        self._eye = np.eye(grid.n_states)
        self.state, self.t, self.rng = grid.start, 0, None

    def reset(self, rng: np.random.Generator) -> int:
        r"""Start an episode at the grid's start; ``rng`` draws the slips (if any)."""
        self.rng, self.state, self.t = check_rng(rng), self.grid.start, 0
        return self.state

    def step(self, action: int) -> EnvStep:
        r"""One move: (s', r, terminated, truncated)."""
        s_next, r, done = self.grid.step(self.state, action, self.rng)
        self.state, self.t = s_next, self.t + 1
        return EnvStep(s_next, r, done, not done and self.t >= self.max_steps)

    def encode(self, states) -> np.ndarray:
        r"""One-hot rows (N, n_states)."""
        return self._eye[np.atleast_1d(states)]


def moving_average(values, window: int = 100) -> np.ndarray:
    r"""m_e = mean of values e-window+1 .. e (of all values so far while e < window)."""
    values = np.asarray(values, dtype=float)
    window = check_count(window, "window")
    sums = np.cumsum(np.concatenate([[0.0], values]))
    e = np.arange(1, len(values) + 1)
    start = np.maximum(e - window, 0)
    return (sums[e] - sums[start]) / (e - start)


@dataclass
class DQNHistory:
    r"""A DQN run, one entry per episode (episodes count from 1).

    returns : sum of the episode's rewards (CartPole: its length in steps)
    steps : moves in the episode; epsilon : epsilon at the episode's end
    loss : mean minibatch loss of the episode's updates (nan before the first)
    seconds : wall time since the start, at the episode's end
    moving_average : mean return of the last ``window`` episodes (fewer at first)
    solved_episode : first episode at which the moving average reached ``solved_at``
        over a full window (None if never); message : why training stopped early
    """

    window: int = 100
    returns: list[float] = field(default_factory=list)
    steps: list[int] = field(default_factory=list)
    epsilon: list[float] = field(default_factory=list)
    loss: list[float] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)
    moving_average: list[float] = field(default_factory=list)
    greedy_return: list[float] = field(default_factory=list)  # filled by stop_at_optimum
    solved_episode: int | None = None
    message: str | None = None

    @property
    def episodes(self) -> int:
        r"""Episodes run."""
        return len(self.returns)

    @property
    def total_steps(self) -> int:
        r"""Moves made in all episodes."""
        return int(sum(self.steps))


def train_dqn(env, rng: np.random.Generator, *, episodes: int,
              settings: DQNSettings | None = None, solved_at: float | None = None,
              window: int = 100, callback: Callable | None = None,
              agent: DQNAgent | None = None) -> tuple[DQNAgent, DQNHistory]:
    r"""Train a DQN agent on ``env`` for up to ``episodes`` episodes.

    for each move: a = epsilon-greedy(Q(s, .)); (s', r, terminated, truncated) = env.step(a)
                   store (s, a, r, s', terminated); update on a minibatch:
                   y = r + gamma max_a' Q_target(s', a') (r alone if terminated),
                   L = mean 1/2 (Q(s, a) - y)^2 (or Huber), Adam step;
                   every target_every moves: Q_target <- Q

    A truncated episode (time limit) is not terminal: its last move still
    bootstraps from Q_target(s', .).

    Parameters
    ----------
    env : an episodic environment: ``n_actions``, ``state_size``, ``reset(rng) -> s``,
        ``step(a) -> (s', r, terminated, truncated)``, ``encode(states) -> (N, state_size)``
        (e.g. :class:`cartpole.CartPole`, :class:`GridTask`)
    rng : numpy.random.Generator (weights, exploration, minibatches, starts)
    episodes : the most episodes to run
    settings : DQNSettings
    solved_at : stop once the mean return of the last ``window`` episodes reaches it
        (CartPole's classic criterion: 195 over 100 episodes)
    callback : optional ``callback(episode, history, agent)``; returning True stops training
    agent : continue training this agent instead of a new one

    Returns
    -------
    agent : DQNAgent (``agent.net`` is the trained Q-network); history : DQNHistory
    """
    rng = check_rng(rng)
    episodes = check_count(episodes, "episodes")
    window = check_count(window, "window")
    agent = agent or DQNAgent(env.state_size, env.n_actions, rng, settings)
    history = DQNHistory(window=window)
    start = time.perf_counter()
    total = 0.0  # sum of the returns of the last `window` episodes
    for episode in range(1, episodes + 1):
        x = env.encode(env.reset(rng))[0]
        G, t, losses = 0.0, 0, []
        while True:
            a = agent.act(x, rng)
            s_next, r, terminated, truncated = env.step(a)
            x_next = env.encode(s_next)[0]
            loss = agent.observe(x, a, r, x_next, terminated)
            if loss is not None:
                losses.append(loss)
            G, t, x = G + r, t + 1, x_next
            if terminated or truncated:
                break
        history.returns.append(G)
        history.steps.append(t)
        history.epsilon.append(agent.epsilon)
        history.loss.append(float(np.mean(losses)) if losses else float("nan"))
        history.seconds.append(time.perf_counter() - start)
        total += G - (history.returns[-window - 1] if episode > window else 0.0)
        history.moving_average.append(total / min(episode, window))
        if losses and not np.isfinite(history.loss[-1]):
            history.message = (f"diverged in episode {episode}: the loss became NaN or "
                               "infinite; try a smaller learning rate eta or clip")
            break
        if solved_at is not None and episode >= window and history.moving_average[-1] >= \
                solved_at:
            history.solved_episode = episode
            history.message = (f"solved after {episode} episodes: mean return "
                               f"{history.moving_average[-1]:.1f} >= {solved_at:g} over the last "
                               f"{window}")
            break
        if callback is not None and callback(episode, history, agent):
            break
    return agent, history
