r"""Explorers of reinforcement learning: Q-learning on a grid world, and a cart-pole animation."""

from __future__ import annotations

import numpy as np
from matplotlib.patches import Rectangle
from matplotlib.ticker import MaxNLocator

from .. import cartpole, plotting, rl
from ..plotting import CMAPS, COLORS
from ..widgets import LiveFigure, LivePanel, play_control, slider

__all__ = ["CartPoleAnimation", "GridPicture", "QLearningExplorer", "cartpole_animation",
           "plot_grid_values", "q_learning_explorer"]

#: (dx, dy) of an arrow for each action in data coordinates: (column, row), row 0 at the top
ARROW_UV = np.array([(0.0, -1.0), (1.0, 0.0), (0.0, 1.0), (-1.0, 0.0)])


class GridPicture:
    r"""A grid world drawn once: values as colours, the policy as arrows; updated in place.

    Cells: the value (e.g. max_a Q(s, a) or V(s)) in the signed colour map from -1
    to +1; walls hatched grey; the goal and the pits in the colour of their reward
    (+1, -1) with their name; S marks the start. Arrows: the policy, black where
    its action is optimal (value iteration), in COLORS['not optimal'] where not; no
    arrow in a state never updated (all its values equal).

    ``update(values, policy, optimal=None, changed=None)`` redraws; ``artists``
    lists what changes, for :meth:`LiveFigure.animate`.
    """

    def __init__(self, ax, env: rl.GridWorld, *, numbers: bool = True):
        self.env = env
        self.live = ~(env.wall | env.terminal)
        rows, cols = env.shape
        shown = np.where(env.terminal, env.reward_in, 0.0).reshape(rows, cols)
        self.image = ax.imshow(shown, cmap=CMAPS["signed"], vmin=-1, vmax=1,
                               interpolation="nearest")
        # drawn over the image (which a live figure redraws on top of the background)
        fixed = [ax.add_patch(Rectangle((c - 0.5, r - 0.5), 1, 1, facecolor=COLORS["neutral"],
                                        edgecolor=COLORS["forward"], hatch="//", linewidth=0))
                 for r, c in env.walls]
        fixed += ax.plot(np.repeat(np.arange(-0.5, cols), 3), np.tile([-0.5, rows - 0.5, np.nan],
                         cols + 1), color="white", linewidth=2)  # the cells' borders
        fixed += ax.plot(np.tile([-0.5, cols - 0.5, np.nan], rows + 1),
                         np.repeat(np.arange(-0.5, rows), 3), color="white", linewidth=2)
        for cells, name in ((env.goals, "goal"), (env.pits, "pit")):
            for r, c in cells:
                reward = env.reward_in[env.state_of(r, c)]
                fixed.append(ax.text(c, r, f"{name}\n{reward:+g}", ha="center", va="center",
                                     color="white", fontweight="bold", fontsize=10))
        r0, c0 = env.start_cell
        fixed.append(ax.text(c0 - 0.42, r0 - 0.42, "S", ha="left", va="top", fontweight="bold",
                             fontsize=10))
        ax.set_xticks([])
        ax.set_yticks([])
        live_states = np.flatnonzero(self.live)
        self.states = live_states
        y, x = np.divmod(live_states, cols)
        shift = 0.17 if numbers else 0.0
        zeros = np.zeros(len(live_states))
        style = {"angles": "xy", "scale_units": "xy", "scale": 1 / 0.4, "pivot": "middle",
                 "width": 0.011, "headwidth": 4, "headlength": 4.5, "headaxislength": 4,
                 "minlength": 0,  # no dot for a state without an arrow
                 "edgecolor": "white", "linewidth": 0.5}  # outlined: seen on dark cells too
        self.arrows = ax.quiver(x, y - shift, zeros, zeros, color=COLORS["forward"], **style)
        self.wrong = ax.quiver(x, y - shift, zeros, zeros, color=COLORS["not optimal"], **style)
        self.numbers = [ax.text(xi, yi + 0.33, "", ha="center", va="center", fontsize=9)
                        for xi, yi in zip(x, y, strict=True)] if numbers else []
        self.artists = [self.image, *fixed, self.arrows, self.wrong, *self.numbers]

    def update(self, values, policy, optimal=None, changed=None) -> None:
        r"""Show ``values`` (S,) as colours and ``policy`` (S,) as arrows.

        ``optimal``: bool (S, A), the optimal actions (arrows elsewhere in the 'not optimal'
        colour); ``changed``: bool (S,), the states with an arrow (default: all).
        """
        env = self.env
        grid = np.where(env.terminal, env.reward_in, np.asarray(values, dtype=float))
        grid[env.wall] = 0.0
        self.image.set_data(grid.reshape(env.shape))
        s = self.states
        a = np.asarray(policy)[s]
        uv = ARROW_UV[a] * (np.ones(len(s)) if changed is None else changed[s])[:, None]
        good = np.ones(len(s), dtype=bool) if optimal is None else optimal[s, a]
        self.arrows.set_UVC(uv[:, 0] * good, uv[:, 1] * good)
        self.wrong.set_UVC(uv[:, 0] * ~good, uv[:, 1] * ~good)
        for text, v in zip(self.numbers, grid[s] if self.numbers else [], strict=True):
            text.set_text(f"{v:+.2f}")
            text.set_color("white" if abs(v) > 0.55 else COLORS["forward"])  # on dark cells


def _grid_colorbar(figure, ax, image, label):
    bar = figure.colorbar(image, ax=ax, fraction=0.046, pad=0.03)
    bar.set_ticks([-1, 0, 1])
    bar.set_label(label)
    return bar


def plot_grid_values(env: rl.GridWorld, values, policy, ax=None, *, optimal=None,
                     label: str = "$V(s)$", title: str | None = None) -> GridPicture:
    r"""A grid world with ``values`` (S,) as colours and ``policy`` (S,) as arrows.

    E.g. value iteration's result: ``V, policy = rl.value_iteration(env, 0.9);
    plot_grid_values(env, V, policy, title="V*(s) and the optimal policy")``.
    Returns the :class:`GridPicture` (update it with new values and policy).
    """
    ax = plotting.axes_or_new(ax, figsize=(5.2, 4.2))
    picture = GridPicture(ax, env)
    picture.update(values, policy, optimal)
    _grid_colorbar(ax.figure, ax, picture.image, label)
    if title:
        ax.set_title(title)
    return picture


#: the episode axis's lengths: it changes only when a run is longer, or shorter than half
X_LIMITS = (10, 20, 50, 100, 150, 200, 300, 400, 500, 600, 800, 1000)


class QLearningExplorer:
    r"""Tabular Q-learning on a grid world, trained live and replayed episode by episode.

    Q(s, a) <- Q(s, a) + alpha [r + gamma max_a' Q(s', a') - Q(s, a)], epsilon-greedy.

    Controls: epsilon, alpha, gamma, episodes and the slip probability retrain
    (a few hundred episodes take some 30 ms); Play replays the stored tables.
    Left: max_a Q(s, a) after the chosen episode as colours, the greedy policy as
    arrows (vermillion: not one of value iteration's optimal actions). Right: each
    episode's discounted return while exploring, the greedy policy's return after
    each episode, and value iteration's optimum V*(start). The status line counts
    the states whose greedy action is optimal.
    """

    def __init__(self, grid: rl.GridWorld | None = None, *, episodes: int = 200,
                 alpha: float = 0.5, gamma: float = 0.9, epsilon: float = 0.2,
                 slip: float = 0.0, seed: int = 0):
        self.grid = grid or rl.GridWorld.default()
        self.seed = seed
        self.live = live = LiveFigure(ncols=2, figsize=(11.5, 4.1), slide_figsize=(12.2, 2.75),
                                      gridspec_kw={"width_ratios": [1.0, 1.0 if plotting.PROJECTOR
                                                                     else 1.25]})
        self.ax_grid, self.ax_ret = live.axes
        # the values written in the cells, except on a slide (too small there to read)
        self.picture = GridPicture(self.ax_grid, self.grid, numbers=not plotting.PROJECTOR)
        _grid_colorbar(live.figure, self.ax_grid, self.picture.image, "max$_a$ Q(s, a)")
        ax = self.ax_ret
        (self.explore_dots,) = ax.plot([], [], ".", color=COLORS["test"], markersize=4,
                                       label="episode's return (exploring)")
        (self.greedy_line,) = ax.plot([], [], color=COLORS["train"], linewidth=2,
                                      label="greedy policy's return $G_0$")
        self.optimum = ax.axhline(0, color=COLORS["guide"], linestyle="--", linewidth=2,
                                  label="optimum $V^*(start)$ (value iteration)")
        self.now = ax.axvline(0, color=COLORS["accent"], linewidth=2, label="shown episode")
        ax.set_xlabel("episode")
        # on a slide the short labels: the long ones run into the grid's title there
        ax.set_ylabel("return $G_0$" if plotting.PROJECTOR
                      else "discounted return $G_0$ from the start")
        ax.grid(True, alpha=0.3)
        # epochs in steps of 1, 2, 5 or 10 (0, 5, 10, 15, ...), as a reader counts them
        ax.xaxis.set_major_locator(MaxNLocator(integer=True, steps=[1, 2, 5, 10]))
        ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=2, fontsize=9)
        self.grid_title = self.ax_grid.set_title(" ")
        live.animate(*self.picture.artists, self.grid_title, self.explore_dots, self.greedy_line,
                     self.optimum, self.now)
        self.limits = None
        play_box, self.episode_slider = play_control("show episode", max=episodes,
                                                     value=episodes, interval_ms=150)
        self.episode_slider.layout.width = "300px"
        self.controls = {
            "epsilon": slider("exploration ε", 0.0, 1.0, 0.05, epsilon, heavy=True),
            "alpha": slider("learning rate α", 0.05, 1.0, 0.05, alpha, heavy=True),
            "gamma": slider("discount γ", 0.5, 0.99, 0.01, gamma, heavy=True),
            "episodes": slider("episodes", 10, 1000, 10, episodes, heavy=True),
            "slip": slider("slip probability", 0.0, 0.5, 0.05, slip, heavy=True),
            "episode": self.episode_slider,
        }
        for name in ("epsilon", "alpha", "gamma", "episodes", "slip"):
            self.controls[name].layout.width = "250px"
        self.play_box = play_box
        self.key = None
        self.panel = LivePanel(self.controls, self.update, live,
                               title="Q-learning on a grid world", extra=[play_box])
        self.panel.explorer = self

    def _train(self, epsilon, alpha, gamma, episodes, slip) -> None:
        env = self.grid.with_slip(slip)
        Q, history = rl.q_learning(env, episodes, alpha, gamma, epsilon,
                                   np.random.default_rng(self.seed))
        V_star, _ = rl.value_iteration(env, gamma)
        self.env, self.history = env, history
        self.optimal = rl.optimal_actions(env, V_star, gamma)
        self.V_star = V_star
        model = env.model()
        live = self.picture.live
        self.policies = history.Q.argmax(axis=2)  # (episodes + 1, S)
        self.greedy = rl.greedy_return(env, self.policies, gamma, model)  # after every episode
        rows = np.arange(env.n_states)
        self.agree = np.array([np.sum(self.optimal[rows, p][live]) for p in self.policies])
        self.key = (epsilon, alpha, gamma, episodes, slip)
        e = np.arange(1, episodes + 1)
        self.explore_dots.set_data(e, history.discounted)
        self.greedy_line.set_data(np.arange(episodes + 1), self.greedy)
        self.optimum.set_ydata([V_star[env.start]] * 2)
        low = min(-1.1, float(self.greedy.min()) - 0.1, float(history.discounted.min()) - 0.1)
        x_max = self.limits[0][1] if self.limits else 0
        if not x_max / 2 <= episodes <= x_max:  # keep the axis while the run fills half of it
            x_max = next((n for n in X_LIMITS if n >= episodes), episodes)
        limits = ((0, x_max), (np.floor(low * 2) / 2, 1.1))
        if limits != self.limits:  # new ticks: draw everything again
            self.limits = limits
            self.ax_ret.set(xlim=limits[0], ylim=limits[1])
            self.live.invalidate()
        self.episode_slider.max = episodes
        self.play_box.play.max = episodes
        self.episode_slider.value = episodes

    def update(self, epsilon, alpha, gamma, episodes, slip, episode):
        r"""Retrain when a setting changes; then show the table after the chosen episode."""
        if (epsilon, alpha, gamma, episodes, slip) != self.key:
            self._train(epsilon, alpha, gamma, episodes, slip)
            episode = episodes
        episode = min(episode, self.history.episodes)
        Q = self.history.Q[episode]
        changed = Q.max(axis=1) != Q.min(axis=1)
        policy = self.policies[episode]
        self.picture.update(Q.max(axis=1), policy, self.optimal, changed)
        self.now.set_xdata([episode, episode])
        when = "before training" if episode == 0 else f"after episode {episode}"
        self.grid_title.set_text(when if plotting.PROJECTOR
                                 else f"max$_a$ Q and greedy policy, {when}")
        n_live = int(self.picture.live.sum())
        agree = int(self.agree[episode])
        G, best = self.greedy[episode], self.V_star[self.env.start]
        optimal = abs(G - best) < 1e-9
        verdict = ("the greedy policy is optimal from the start" if optimal else
                   "not yet optimal from the start")
        digits = 3  # more where G₀ and V* differ beyond three decimals
        while not optimal and digits < 8 and f"{G:+.{digits}f}" == f"{best:+.{digits}f}":
            digits += 1
        text = (f"{when}: the greedy action is one of value iteration's optimal actions in "
                f"<b>{agree} of {n_live}</b> states; greedy return G₀ = {G:+.{digits}f}, "
                f"optimum V*(start) = {best:+.{digits}f}: {verdict}")
        if episode and self.history.steps[episode - 1] >= 100:
            text += " (this episode ran out of its 100 moves)"
        return text


def q_learning_explorer(grid: rl.GridWorld | None = None, **settings) -> LivePanel:
    r"""The panel of a :class:`QLearningExplorer`."""
    return QLearningExplorer(grid, **settings).panel


class CartPoleAnimation:
    r"""A cart-pole episode played frame by frame: the cart, the pole, the push, the numbers.

    Give ``frames`` (states (T + 1, 4), with ``actions`` (T,) if known), or a
    ``policy(state) -> 0 or 1`` and an ``rng`` to run one episode. Left: the cart on
    its track (the ends at x = ±2.4 m), the pole, an arrow for the push. Right: the
    pole angle and the cart position over the episode as shares of their limits
    (12 degrees, 2.4 m), the shown step marked. Play runs through the steps.
    """

    def __init__(self, frames=None, *, actions=None, policy=None, rng=None,
                 max_steps: int = cartpole.MAX_STEPS, title: str = "Cart-pole",
                 interval_ms: int = 50):
        if frames is None:
            if policy is None or rng is None:
                raise ValueError("give frames (states of shape (T + 1, 4)), or a policy and an "
                                 "rng to run an episode")
            episode = cartpole.rollout(policy, rng, max_steps)
            frames, actions = episode.states, episode.actions
        frames = np.asarray(frames, dtype=float)
        if frames.ndim != 2 or frames.shape[1] != 4 or len(frames) < 1:
            raise ValueError(f"frames must have shape (T + 1, 4): one state (x, x_dot, theta, "
                             f"theta_dot) per step; got {frames.shape}")
        self.frames = frames
        self.actions = None if actions is None else np.asarray(actions)
        T = len(frames) - 1
        self.live = live = LiveFigure(ncols=2, figsize=(11.5, 3.4), slide_figsize=(12.2, 2.9),
                                      gridspec_kw={"width_ratios": [1.6, 1.0]})
        self.ax_cart, self.ax_trace = ax, ax_t = live.axes
        ax.set_xlim(-2.7, 2.7)
        ax.set_ylim(-0.35, 1.45)
        ax.set_aspect("equal")
        ax.axhline(0, color=COLORS["neutral"], linewidth=3, zorder=0)
        for end in (-cartpole.X_LIMIT, cartpole.X_LIMIT):
            ax.plot([end, end], [-0.2, 0.2], color=COLORS["errors"], linewidth=3)
        ax.set_xlabel("cart position x (m)")
        ax.set_yticks([])
        self.cart = ax.add_patch(Rectangle((0, 0), 0.5, 0.25, facecolor=COLORS["neutral"],
                                           edgecolor=COLORS["forward"], linewidth=2))
        (self.pole,) = ax.plot([], [], color=COLORS["forward"], linewidth=6,
                               solid_capstyle="round")
        (self.push,) = ax.plot([], [], color=COLORS["accent"], linewidth=3)
        (self.push_head,) = ax.plot([], [], color=COLORS["accent"], markersize=12)
        self.readout = ax.text(-2.6, 1.38, "", va="top", fontsize=11)
        ax.set_title(f"{T} steps; the pole is 1 m long, the track ends at ±2.4 m", fontsize=11)
        steps = np.arange(T + 1)
        ax_t.plot(steps, frames[:, 2] / cartpole.THETA_LIMIT, color=COLORS["train"],
                  label="pole angle θ / 12°")
        ax_t.plot(steps, frames[:, 0] / cartpole.X_LIMIT, color=COLORS["test"],
                  label="cart position x / 2.4 m")
        for limit in (-1, 1):
            ax_t.axhline(limit, color=COLORS["guide"], linestyle="--", linewidth=1.5)
        self.now = ax_t.axvline(0, color=COLORS["accent"], linewidth=2)
        ax_t.set(xlim=(0, max(T, 1)), ylim=(-1.2, 1.2), xlabel="step (0.02 s each)",
                 ylabel="share of the limit")
        ax_t.grid(True, alpha=0.3)
        ax_t.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=2, fontsize=9)
        live.animate(self.cart, self.pole, self.push, self.push_head, self.readout, self.now)
        play_box, self.step_slider = play_control("step", max=T, value=0,
                                                  interval_ms=interval_ms)
        self.play_box = play_box
        self.controls = {"step": self.step_slider}
        self.panel = LivePanel(self.controls, self.update, live, title=title, extra=[play_box])
        self.panel.explorer = self

    def update(self, step):
        r"""Draw the cart and pole at ``step``; the readout and status give t, theta and x."""
        step = min(max(int(step), 0), len(self.frames) - 1)
        x, _, theta, _ = self.frames[step]
        self.cart.set_x(x - 0.25)
        top = 0.25
        length = 2 * cartpole.HALF_LENGTH
        self.pole.set_data([x, x + length * np.sin(theta)], [top, top + length * np.cos(theta)])
        action = None
        if self.actions is not None and step < len(self.actions):
            action = int(self.actions[step])
            side = 1 if action == 1 else -1
            start = x - side * 0.3  # pushed from behind: the arrow points the way of the force
            self.push.set_data([start - side * 0.35, start], [0.125, 0.125])
            self.push_head.set_data([start], [0.125])
            self.push_head.set_marker(">" if action == 1 else "<")
        else:
            self.push.set_data([], [])
            self.push_head.set_data([], [])
        self.now.set_xdata([step, step])
        fell = cartpole.is_terminal(self.frames[step])
        text = (f"step {step} of {len(self.frames) - 1} · θ = {np.degrees(theta):+.1f}° · "
                f"x = {x:+.2f} m")
        if action is not None:
            text += f" · push {'right' if action == 1 else 'left'}"
        if fell:
            text += " · ended: " + ("the pole fell" if abs(theta) > cartpole.THETA_LIMIT
                                    else "off the track")
        self.readout.set_text(text)
        return text


def cartpole_animation(frames=None, **settings) -> LivePanel:
    r"""The panel of a :class:`CartPoleAnimation`."""
    return CartPoleAnimation(frames, **settings).panel
