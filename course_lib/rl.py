r"""Reinforcement learning on a grid world: value iteration and tabular Q-learning.

Lecture, "How to train NNs ?": besides supervised and unsupervised learning,
"Reinforcement learning, e.g. for training Deep Q Network (DQN)". An agent in
state s takes action a, the environment answers with a reward r and the next
state s'; the agent learns to pick actions that maximise the discounted return

    G_t = r_{t+1} + gamma r_{t+2} + gamma^2 r_{t+3} + ...        (0 <= gamma < 1)

Value iteration (the environment's model P(s'|s, a) is known), the Bellman
optimality equation as an update:
    V(s) <- max_a sum_s' P(s'|s, a) [r + gamma V(s')]            (V(s') = 0 after a terminal move)
    policy(s) = argmax_a of the same sum
Q-learning (model-free: learns from the moves it makes, Watkins 1989):
    Q(s, a) <- Q(s, a) + alpha [r + gamma max_a' Q(s', a') - Q(s, a)]
    (no bootstrap when the move ended the episode: the target is r alone)
    epsilon-greedy: a random action with probability epsilon, else argmax_a Q(s, a)

DQN (:mod:`course_lib.dqn`) replaces the table Q by a network Q(s, a; w).
"""

from __future__ import annotations

import numbers
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from ._validate import check_count, check_integer, check_rng

__all__ = [
    "ACTIONS",
    "ARROWS",
    "DEFAULT_LAYOUT",
    "GridWorld",
    "QLearningHistory",
    "RUSSELL_NORVIG_LAYOUT",
    "Step",
    "Transition",
    "bellman_backup",
    "check_gamma",
    "check_unit",
    "epsilon_greedy",
    "greedy_path",
    "greedy_policy",
    "greedy_return",
    "optimal_actions",
    "policy_evaluation",
    "q_learning",
    "q_update",
    "value_iteration",
]

#: the four actions, numbered 0..3 in this order
ACTIONS = ("up", "right", "down", "left")
ARROWS = ("↑", "→", "↓", "←")
MOVES = ((-1, 0), (0, 1), (1, 0), (0, -1))  # (row, column) change of each action

#: The default grid, 5 x 5: "S" start, "G" goal (+1), "P" pit (-1), "#" wall, "." free.
#: A cliff (Sutton & Barto's "cliff walking", Example 6.6, folded into 5 x 5): the
#: shortest way from S to G (6 moves) runs along the pits. Deterministic moves take
#: it; with slipping moves (slip = 0.2) the optimal policy keeps one row further
#: away (8 moves, never where a slip sideways drops it into a pit), so the slip
#: slider changes the answer. The wall makes the upper rows' arrows bend around it.
#: 25 states: small enough for Q-learning in some 10 ms and a DQN in a fraction of a
#: second, large enough for a picture with a clear optimal policy. (Russell & Norvig's
#: classic 4 x 3 world is :meth:`GridWorld.russell_norvig`.)
DEFAULT_LAYOUT = (
    ".....",
    ".#...",
    ".....",
    ".....",
    "SPPPG",
)
#: Russell & Norvig's 4 x 3 world (AIMA, Fig. 17.1): rewards -0.04 per move, slip 0.2
RUSSELL_NORVIG_LAYOUT = (
    "...G",
    ".#.P",
    "S...",
)


class Transition(NamedTuple):
    r"""One possible outcome of an action: P(s'|s, a), s', r, and whether s' ends the episode."""

    prob: float
    next_state: int
    reward: float
    done: bool


class Step(NamedTuple):
    r"""What the environment answers to one move: s', r and whether the episode ended."""

    next_state: int
    reward: float
    done: bool


def check_unit(value, name: str, *, closed: bool = True) -> float:
    r"""A number in [0, 1] (``closed``) or [0, 1), else a ValueError/TypeError saying which."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a number in [0, 1]; got {type(value).__name__}")
    if not (0 <= value <= 1 if closed else 0 <= value < 1):
        interval = "[0, 1]" if closed else "[0, 1)"
        raise ValueError(f"{name} must be in {interval}; got {value}")
    return float(value)


def check_gamma(gamma) -> float:
    r"""The discount factor gamma in [0, 1), or a ValueError that says why 1 is excluded."""
    try:
        return check_unit(gamma, "gamma (the discount factor)", closed=False)
    except ValueError:
        raise ValueError(f"gamma (the discount factor) must be in [0, 1): 0 looks one move "
                         f"ahead, values near 1 far ahead (1 may never converge); got {gamma}"
                         ) from None


class GridWorld:
    r"""A grid of cells; the agent moves up, right, down or left; goals and pits end the episode.

    States are the cells numbered row-major, s = row * cols + col, walls included
    (``n_states = rows * cols``): a wall is a state that is never entered, and a
    goal or a pit a state that is never left. Its value is 0 and its actions do
    nothing, so arrays indexed by s map onto the grid with ``reshape(rows, cols)``.

    Rewards, given for the move into a cell:
        into a goal  +1 (``goal_reward``), terminal
        into a pit   -1 (``pit_reward``), terminal
        any other    ``step_cost`` (default -0.04, Russell & Norvig's: a small price on
                     every move, so that the shortest safe way is best even when gamma
                     is close to 1)
    A move into a wall or off the grid leaves the agent where it is (and costs
    ``step_cost``). With ``slip = p`` the move goes the intended way with probability
    1 - p and to either perpendicular side with probability p / 2 each (Russell &
    Norvig: p = 0.2); then :meth:`step` needs an ``rng``.

    Parameters
    ----------
    rows, cols : int >= 1, the grid's size
    goals : sequence of (row, col), at least one
    start : (row, col), a free cell
    walls, pits : sequences of (row, col)
    step_cost, goal_reward, pit_reward : float
    slip : float in [0, 1)
    """

    def __init__(self, rows: int, cols: int, *, goals, start, walls=(), pits=(),
                 step_cost: float = -0.04, slip: float = 0.0, goal_reward: float = 1.0,
                 pit_reward: float = -1.0):
        self.rows, self.cols = check_count(rows, "rows"), check_count(cols, "cols")
        self.walls = self._cells(walls, "wall")
        self.goals = self._cells(goals, "goal")
        self.pits = self._cells(pits, "pit")
        if not self.goals:
            raise ValueError("the grid needs at least one goal, e.g. goals=[(0, cols - 1)]: "
                             "without one there is nothing to learn")
        (self.start_cell,) = self._cells([start], "start")
        taken = {}
        for kind, cells in (("wall", self.walls), ("goal", self.goals), ("pit", self.pits)):
            for cell in cells:
                if cell in taken and taken[cell] != kind:
                    raise ValueError(f"cell {cell} is both a {taken[cell]} and a {kind}")
                taken[cell] = kind
        if self.start_cell in taken:
            raise ValueError(f"the start {self.start_cell} is a {taken[self.start_cell]}: "
                             "put it on a free cell")
        self.slip = check_unit(slip, "slip (probability that a move goes sideways)",
                               closed=False)
        self.step_cost = float(step_cost)
        self.goal_reward, self.pit_reward = float(goal_reward), float(pit_reward)
        n = self.rows * self.cols
        self.wall = np.zeros(n, dtype=bool)
        self.terminal = np.zeros(n, dtype=bool)
        self.wall[[self.state_of(*c) for c in self.walls]] = True
        self.terminal[[self.state_of(*c) for c in self.goals + self.pits]] = True
        # the reward of the move INTO each cell, and the cell each action leads to
        self.reward_in = np.full(n, self.step_cost)
        self.reward_in[[self.state_of(*c) for c in self.goals]] = self.goal_reward
        self.reward_in[[self.state_of(*c) for c in self.pits]] = self.pit_reward
        self.next_state = np.array([[self._move(s, a) for a in range(4)] for s in range(n)])
        # plain Python lists for the fast inner loop of q_learning
        self._next = self.next_state.tolist()
        self._reward = self.reward_in.tolist()
        self._done = self.terminal.tolist()

    # ----------------------------------------------------------------- layouts
    @classmethod
    def from_layout(cls, layout: Sequence[str], **settings) -> GridWorld:
        r"""A grid from strings, one per row: "." free, "#" wall, "G" goal, "P" pit, "S" start."""
        if isinstance(layout, str) or not layout:
            raise TypeError("layout must be a list of strings, one per row, e.g. "
                            "['...G', '.#.P', 'S...']")
        widths = {len(row) for row in layout}
        if len(widths) != 1:
            raise ValueError(f"every row of the layout needs the same length; got lengths "
                             f"{[len(row) for row in layout]}")
        found: dict[str, list] = {c: [] for c in ".#GPS"}
        for r, row in enumerate(layout):
            for c, char in enumerate(row):
                if char not in found:
                    raise ValueError(f"unknown cell {char!r} at ({r}, {c}); use . # G P S")
                found[char].append((r, c))
        if "start" not in settings:
            if len(found["S"]) != 1:
                raise ValueError(f"the layout needs exactly one start 'S'; found "
                                 f"{len(found['S'])}")
            settings["start"] = found["S"][0]
        return cls(len(layout), widths.pop(), walls=found["#"], goals=found["G"],
                   pits=found["P"], **settings)

    @classmethod
    def default(cls, **settings) -> GridWorld:
        r"""The course's 5 x 5 cliff (:data:`DEFAULT_LAYOUT`), deterministic unless ``slip``."""
        return cls.from_layout(DEFAULT_LAYOUT, **settings)

    @classmethod
    def russell_norvig(cls, **settings) -> GridWorld:
        r"""Russell & Norvig's 4 x 3 world (AIMA Fig. 17.1): slip 0.2, -0.04 per move."""
        return cls.from_layout(RUSSELL_NORVIG_LAYOUT, **({"slip": 0.2} | settings))

    def with_slip(self, slip: float) -> GridWorld:
        r"""The same grid with another slip probability."""
        return GridWorld(self.rows, self.cols, goals=self.goals, start=self.start_cell,
                         walls=self.walls, pits=self.pits, step_cost=self.step_cost, slip=slip,
                         goal_reward=self.goal_reward, pit_reward=self.pit_reward)

    # ----------------------------------------------------------------- cells and states
    def _cells(self, cells, kind: str) -> list[tuple[int, int]]:
        out = []
        for cell in cells:
            if np.shape(cell) != (2,):
                raise TypeError(f"each {kind} is a (row, col) pair; got {cell!r}")
            r, c = (check_integer(v, f"a {kind}'s row and column", "an integer") for v in cell)
            if not (0 <= r < self.rows and 0 <= c < self.cols):
                raise ValueError(f"the {kind} ({r}, {c}) is outside the {self.rows} x {self.cols} "
                                 f"grid: rows 0..{self.rows - 1}, columns 0..{self.cols - 1}")
            out.append((r, c))
        return out

    @property
    def n_states(self) -> int:
        r"""rows * cols: every cell is a state (walls and terminal cells included)."""
        return self.rows * self.cols

    n_actions = len(ACTIONS)

    @property
    def start(self) -> int:
        r"""The start state s_0."""
        return self.state_of(*self.start_cell)

    @property
    def shape(self) -> tuple[int, int]:
        r"""(rows, cols): ``V.reshape(env.shape)`` lays values out as the grid."""
        return self.rows, self.cols

    def state_of(self, row: int, col: int) -> int:
        r"""s = row * cols + col."""
        return row * self.cols + col

    def cell(self, state: int) -> tuple[int, int]:
        r"""(row, col) of state s: divmod(s, cols)."""
        state = self.check_state(state)
        return divmod(state, self.cols)

    def check_state(self, state) -> int:
        r"""``state`` as an int in 0..n_states-1, or a ValueError/TypeError naming it."""
        state = check_integer(state, "state", "an integer state number")
        if not 0 <= state < self.n_states:
            raise ValueError(f"state {state} does not exist: states are 0..{self.n_states - 1} "
                             f"(row * {self.cols} + col)")
        return state

    def check_action(self, action) -> int:
        r"""``action`` as an int in 0..3, or a ValueError naming it and the actions."""
        action = check_integer(action, "action", "an integer 0..3")
        if not 0 <= action < 4:
            names = ", ".join(f"{k} {name}" for k, name in enumerate(ACTIONS))
            raise ValueError(f"unknown action {action}; the actions are {names}")
        return action

    def _move(self, state: int, action: int) -> int:
        r, c = divmod(state, self.cols)
        if self.wall[state] or self.terminal[state]:
            return state
        dr, dc = MOVES[action]
        r2, c2 = r + dr, c + dc
        if not (0 <= r2 < self.rows and 0 <= c2 < self.cols) or self.wall[r2 * self.cols + c2]:
            return state  # bumped into the edge or a wall: stay
        return r2 * self.cols + c2

    # ----------------------------------------------------------------- dynamics
    def _direction(self, action: int, u: float) -> int:
        r"""The direction actually taken, from a uniform draw u in [0, 1)."""
        if u < self.slip / 2:
            return (action + 1) % 4  # slipped to the right of the intended way
        if u < self.slip:
            return (action + 3) % 4  # slipped to the left
        return action

    def step(self, state: int, action: int, rng: np.random.Generator | None = None) -> Step:
        r"""One move: ``Step(next_state, reward, done)``.

        Deterministic when ``slip == 0``; otherwise the direction is drawn from
        ``rng`` (intended with probability 1 - slip, each perpendicular slip / 2).
        """
        state, action = self.check_state(state), self.check_action(action)
        if self.wall[state]:
            raise ValueError(f"state {state} {self.cell(state)} is a wall: the agent is never "
                             "there")
        if self.terminal[state]:
            raise ValueError(f"state {state} {self.cell(state)} is terminal: the episode has "
                             f"ended; start the next one from env.start = {self.start}")
        u = 1.0
        if self.slip > 0:
            if rng is None:
                raise TypeError(f"slip = {self.slip} makes moves random: pass rng, e.g. "
                                "env.step(s, a, rng=numpy.random.default_rng(0))")
            u = check_rng(rng).random()
        s_next = self._next[state][self._direction(action, u)]
        return Step(s_next, self._reward[s_next], self._done[s_next])

    def transitions(self) -> list[list[list[Transition]]]:
        r"""The model: ``P[s][a]`` lists the outcomes ``Transition(prob, s', r, done)``.

        Outcomes that land in the same cell are merged (their probabilities
        added). A wall or terminal state has the one outcome (1, s, 0, True): nothing
        happens there, so its value is 0.
        """
        P = []
        for s in range(self.n_states):
            if self.wall[s] or self.terminal[s]:
                P.append([[Transition(1.0, s, 0.0, True)] for _ in range(4)])
                continue
            row = []
            for a in range(4):
                probs: dict[int, float] = {}
                for d, p in ((a, 1 - self.slip), ((a + 1) % 4, self.slip / 2),
                             ((a + 3) % 4, self.slip / 2)):
                    if p > 0:
                        s2 = self._next[s][d]
                        probs[s2] = probs.get(s2, 0.0) + p
                row.append([Transition(p, s2, self._reward[s2], self._done[s2])
                            for s2, p in probs.items()])
            P.append(row)
        return P

    def model(self) -> tuple[np.ndarray, np.ndarray]:
        r"""The transitions as arrays: P of shape (S, A, S) and the expected reward R (S, A).

        P[s, a, s'] = P(s'|s, a), R[s, a] = sum_s' P(s'|s, a) r. Rows of walls and
        terminal states are zero, so that their Q and V are 0.
        """
        S = self.n_states
        P, R = np.zeros((S, 4, S)), np.zeros((S, 4))
        for s, row in enumerate(self.transitions()):
            if self.wall[s] or self.terminal[s]:
                continue
            for a, outcomes in enumerate(row):
                for t in outcomes:
                    P[s, a, t.next_state] += t.prob
                    R[s, a] += t.prob * t.reward
        return P, R

    def one_hot(self, states) -> np.ndarray:
        r"""States as one-hot rows, shape (N, n_states): the input of a Q-network (DQN)."""
        states = np.atleast_1d(np.asarray(states))
        return np.eye(self.n_states)[states]

    def render(self, policy=None, V=None) -> str:
        r"""The grid as text: arrows of ``policy`` (or values ``V``); S, G, P and # marked."""
        lines = []
        for r in range(self.rows):
            cells = []
            for c in range(self.cols):
                s = self.state_of(r, c)
                if self.wall[s]:
                    text = "#"
                elif (r, c) in self.goals:
                    text = "G"
                elif (r, c) in self.pits:
                    text = "P"
                elif V is not None:
                    text = f"{V[s]:+.2f}"
                elif policy is not None:
                    text = ARROWS[int(policy[s])] + ("S" if s == self.start else "")
                else:
                    text = "S" if s == self.start else "."
                cells.append(text.rjust(6 if V is not None else 3))
            lines.append("".join(cells))
        return "\n".join(lines)

    def __repr__(self) -> str:
        return (f"GridWorld({self.rows} x {self.cols}, {len(self.goals)} goal(s), "
                f"{len(self.pits)} pit(s), {len(self.walls)} wall(s), step_cost={self.step_cost}, "
                f"slip={self.slip})\n{self.render()}")


# --------------------------------------------------------------------- value iteration
def bellman_backup(env: GridWorld, V, gamma: float, model=None) -> np.ndarray:
    r"""Q(s, a) = sum_s' P(s'|s, a) [r + gamma V(s')], for every s and a: shape (S, A).

    ``model``: the (P, R) of ``env.model()``, to skip building it again.
    """
    P, R = env.model() if model is None else model
    V = np.asarray(V, dtype=float)
    if V.shape != (env.n_states,):
        raise ValueError(f"V must have shape ({env.n_states},), one value per state; got "
                         f"{V.shape}")
    return R + check_gamma(gamma) * (P @ V)


def value_iteration(env: GridWorld, gamma: float, tol: float = 1e-10,
                    max_iterations: int = 100_000) -> tuple[np.ndarray, np.ndarray]:
    r"""Optimal values and policy by repeating the Bellman optimality update.

    V(s) <- max_a sum_s' P(s'|s, a) [r + gamma V(s')]      until max_s |change| < tol
    policy(s) = argmax_a sum_s' P(s'|s, a) [r + gamma V(s')]

    V(s') is 0 once the move ended the episode (terminal cells keep V = 0).

    Returns
    -------
    V : array (n_states,); policy : int array (n_states,), 0..3 (0 on walls and
        terminal cells, where no action matters)
    """
    gamma = check_gamma(gamma)
    model = env.model()
    V = np.zeros(env.n_states)
    for _ in range(check_count(max_iterations, "max_iterations")):
        V_new = bellman_backup(env, V, gamma, model).max(axis=1)
        change = np.max(np.abs(V_new - V))
        V = V_new
        if change < tol:
            break
    return V, bellman_backup(env, V, gamma, model).argmax(axis=1)


def optimal_actions(env: GridWorld, V, gamma: float, tol: float = 1e-8) -> np.ndarray:
    r"""Which actions are optimal in each state: a bool array (S, A), ties included.

    a is optimal in s when its backup is within ``tol`` of max_a. Shortest paths
    often tie (right-then-up or up-then-right), so "the greedy action equals value
    iteration's" means "is one of the optimal actions".
    """
    Q = bellman_backup(env, V, gamma)
    return Q >= Q.max(axis=1, keepdims=True) - tol


def policy_evaluation(env: GridWorld, policy, gamma: float, model=None) -> np.ndarray:
    r"""V_pi: the expected discounted return of following ``policy`` from every state.

    V_pi(s) = sum_s' P(s'|s, pi(s)) [r + gamma V_pi(s')], solved exactly as the
    linear system (I - gamma P_pi) V_pi = R_pi. ``model``: ``env.model()``, if at hand.

    ``policy``: (S,) actions, or (K, S) for K policies at once; returns V_pi of the
    same shape.
    """
    gamma = check_gamma(gamma)
    policy = np.asarray(policy)
    if policy.shape[-1:] != (env.n_states,) or policy.ndim > 2 or policy.dtype.kind not in "iu" \
            or (policy.size and (policy.min() < 0 or policy.max() > 3)):
        raise ValueError(f"policy must be {env.n_states} actions in 0..3, one per state; got "
                         f"shape {policy.shape}, dtype {policy.dtype}")
    P, R = env.model() if model is None else model
    states = np.arange(env.n_states)
    P_pi, R_pi = P[states, policy], R[states, policy]  # (..., S, S) and (..., S)
    return np.linalg.solve(np.eye(env.n_states) - gamma * P_pi, R_pi[..., None])[..., 0]


def greedy_return(env: GridWorld, policy, gamma: float, model=None):
    r"""G_0 = r_1 + gamma r_2 + gamma^2 r_3 + ... from the start, following ``policy``.

    On a deterministic grid this is the return of the one path the policy walks
    (a policy that walks in circles collects step costs forever:
    step_cost / (1 - gamma)); with ``slip`` it is the expected return, V_pi(start).
    A float, or an array (K,) for policies of shape (K, S).
    """
    V = policy_evaluation(env, policy, gamma, model)
    return float(V[env.start]) if V.ndim == 1 else V[:, env.start]


def greedy_path(env: GridWorld, policy, max_steps: int = 100) -> list[int]:
    r"""The states visited from the start following ``policy`` with the intended moves.

    Stops at a terminal cell, after ``max_steps`` moves, or when a state repeats
    (the policy walks in a circle).
    """
    path = [env.start]
    for _ in range(check_count(max_steps, "max_steps")):
        s = path[-1]
        if env.terminal[s]:
            break
        s_next = int(env.next_state[s, int(policy[s])])
        if s_next in path:
            path.append(s_next)
            break
        path.append(s_next)
    return path


# --------------------------------------------------------------------- Q-learning
def greedy_policy(Q) -> np.ndarray:
    r"""policy(s) = argmax_a Q(s, a) (the first of tied actions): int array (S,)."""
    Q = np.asarray(Q)
    if Q.ndim != 2:
        raise ValueError(f"Q must have shape (n_states, n_actions); got {Q.shape}")
    return Q.argmax(axis=1)


def q_update(Q, s: int, a: int, r: float, s_next: int, done: bool, alpha: float,
             gamma: float) -> np.ndarray:
    r"""One Q-learning update; returns a new table (Q itself is not changed).

    target = r                                   if the move ended the episode (done)
           = r + gamma max_a' Q(s', a')          otherwise
    Q(s, a) <- Q(s, a) + alpha (target - Q(s, a))

    Parameters
    ----------
    Q : array (n_states, n_actions); s, a, s_next : ints; r : float; done : bool
    alpha : learning rate in [0, 1]; gamma : discount in [0, 1)
    """
    alpha = check_unit(alpha, "alpha (the learning rate)")
    gamma = check_gamma(gamma)
    Q_new = np.array(Q, dtype=float)
    if Q_new.ndim != 2:
        raise ValueError(f"Q must have shape (n_states, n_actions); got {Q_new.shape}")
    target = r if done else r + gamma * Q_new[s_next].max()
    Q_new[s, a] += alpha * (target - Q_new[s, a])
    return Q_new


def epsilon_greedy(q_s, epsilon: float, rng: np.random.Generator) -> int:
    r"""A random action with probability epsilon, else argmax_a Q(s, a) (ties: at random)."""
    q_s = np.asarray(q_s)
    if rng.random() < epsilon:
        return int(rng.integers(q_s.size))
    best = np.flatnonzero(q_s == q_s.max())
    return int(best[0] if best.size == 1 else rng.choice(best))


@dataclass
class QLearningHistory:
    r"""One training run of :func:`q_learning`, episode by episode.

    returns[e], steps[e], epsilons[e] : the sum of the rewards, the number of moves
        and the epsilon of episode e + 1 (episodes count from 1)
    discounted[e] : the episode's discounted return G_0 = r_1 + gamma r_2 + ...
    Q : float32 array (n_snapshots, S, A): Q[k] is the table after episode
        k * snapshot_every (Q[0] the initial table); with snapshot_every = 1 (the
        default) ``history.Q[e]`` is the table after episode e
    """

    returns: np.ndarray
    discounted: np.ndarray
    steps: np.ndarray
    epsilons: np.ndarray
    Q: np.ndarray
    snapshot_every: int = 1

    @property
    def episodes(self) -> int:
        r"""Number of episodes run."""
        return len(self.returns)

    def Q_after(self, episode: int) -> np.ndarray:
        r"""The stored table nearest before or at ``episode`` (0 = before training)."""
        episode = check_count(episode, "episode", minimum=0)
        return self.Q[min(episode // self.snapshot_every, len(self.Q) - 1)].astype(float)


def _epsilon_schedule(epsilon: float, epsilon_decay) -> Callable[[int], float]:
    if epsilon_decay is None:
        return lambda episode: epsilon
    if callable(epsilon_decay):
        return epsilon_decay
    decay = check_unit(epsilon_decay, "epsilon_decay (factor per episode)")
    if decay == 0:
        raise ValueError("epsilon_decay is a factor in (0, 1] applied after every episode; got 0")
    return lambda episode: epsilon * decay ** (episode - 1)


def q_learning(env: GridWorld, episodes: int, alpha: float, gamma: float, epsilon: float,
               rng: np.random.Generator, *, max_steps: int = 100, epsilon_decay=None,
               snapshot_every: int = 1, Q0=None) -> tuple[np.ndarray, QLearningHistory]:
    r"""Tabular Q-learning with epsilon-greedy exploration, episode by episode from the start.

    for each episode: s = start; until done or max_steps moves:
        a = epsilon-greedy in Q(s, .);  (s', r, done) = env.step(s, a)
        Q(s, a) <- Q(s, a) + alpha [r + gamma max_a' Q(s', a') (0 when done) - Q(s, a)]
        s = s'

    Parameters
    ----------
    env : GridWorld (with ``slip`` its moves are drawn from ``rng`` too)
    episodes : int >= 1
    alpha : learning rate in [0, 1]; gamma : discount in [0, 1)
    epsilon : exploration rate in [0, 1]
    rng : numpy.random.Generator (exploration, ties, slips)
    max_steps : moves per episode at most (an episode that runs out is cut, not terminal)
    epsilon_decay : None (constant epsilon), a factor d in (0, 1] (epsilon_e =
        epsilon * d^(e-1) in episode e), or a callable episode -> epsilon
    snapshot_every : store Q after every k-th episode (for replaying the learning)
    Q0 : optional initial table (S, A); zeros by default

    Returns
    -------
    Q : array (n_states, n_actions); history : QLearningHistory
    """
    episodes = check_count(episodes, "episodes")
    alpha = check_unit(alpha, "alpha (the learning rate)")
    gamma = check_gamma(gamma)
    epsilon = check_unit(epsilon, "epsilon (the exploration rate)")
    rng = check_rng(rng)
    max_steps = check_count(max_steps, "max_steps")
    snapshot_every = check_count(snapshot_every, "snapshot_every")
    schedule = _epsilon_schedule(epsilon, epsilon_decay)
    S, A = env.n_states, env.n_actions
    Q = np.zeros((S, A)) if Q0 is None else np.array(Q0, dtype=float)
    if Q.shape != (S, A):
        raise ValueError(f"Q0 must have shape ({S}, {A}); got {Q.shape}")
    snapshots = [Q.astype(np.float32)]
    returns, discounted = np.zeros(episodes), np.zeros(episodes)
    steps, epsilons = np.zeros(episodes, dtype=int), np.zeros(episodes)
    Q = Q.tolist()  # rows of Python floats: a few times faster than numpy for 4 numbers
    for e in range(episodes):
        eps = epsilons[e] = schedule(e + 1)
        s, G, G_0, discount, t = env.start, 0.0, 0.0, 1.0, 0
        # one batch of uniform draws per episode: (explore?, which action, slip) per move
        for explore, pick, slip in rng.random((max_steps, 3)).tolist():
            t += 1
            q_s = Q[s]
            if explore < eps:  # epsilon-greedy: explore ...
                a = int(pick * A)
            else:  # ... or exploit, ties broken at random
                q_max = max(q_s)
                best = [b for b in range(A) if q_s[b] == q_max]
                a = best[int(pick * len(best))]
            s_next = env._next[s][env._direction(a, slip)]  # env.step, without its checks
            r, done = env._reward[s_next], env._done[s_next]
            target = r if done else r + gamma * max(Q[s_next])
            q_s[a] += alpha * (target - q_s[a])  # q_update, in place
            G, G_0, discount = G + r, G_0 + discount * r, discount * gamma
            s = s_next
            if done:
                break
        returns[e], discounted[e], steps[e] = G, G_0, t
        if (e + 1) % snapshot_every == 0:
            snapshots.append(np.array(Q, dtype=np.float32))
    return np.array(Q), QLearningHistory(returns, discounted, steps, epsilons,
                                         np.array(snapshots), snapshot_every)
