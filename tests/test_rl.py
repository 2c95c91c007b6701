r"""Grid world, value iteration and tabular Q-learning."""

import numpy as np
import pytest

from course_lib import rl
from course_lib.rl import GridWorld

GAMMA = 0.9


@pytest.fixture(scope="module")
def grid():
    return GridWorld.default()


def test_default_grid_layout(grid):
    assert (grid.rows, grid.cols, grid.n_states, grid.n_actions) == (5, 5, 25, 4)
    assert grid.cell(grid.start) == (4, 0) and grid.goals == [(4, 4)]
    assert grid.pits == [(4, 1), (4, 2), (4, 3)] and grid.walls == [(1, 1)]
    assert rl.ACTIONS == ("up", "right", "down", "left")
    assert grid.render().splitlines()[-1].split() == ["S", "P", "P", "P", "G"]


def test_moves_walls_edges_and_rewards(grid):
    s = grid.state_of(2, 1)
    assert grid.step(s, 0) == (s, -0.04, False)  # up into the wall at (1, 1): stay
    assert grid.step(grid.state_of(0, 0), 3) == (grid.state_of(0, 0), -0.04, False)  # off the grid
    assert grid.step(grid.start, 1) == (grid.state_of(4, 1), -1.0, True)  # into a pit
    assert grid.step(grid.state_of(3, 4), 2) == (grid.state_of(4, 4), 1.0, True)  # the goal
    with pytest.raises(ValueError, match="terminal"):
        grid.step(grid.state_of(4, 4), 0)


def test_slip_goes_sideways_with_the_stated_probability():
    grid = GridWorld.default(slip=0.2)
    s = grid.state_of(2, 2)
    rng = np.random.default_rng(0)
    ends = [grid.step(s, 0, rng).next_state for _ in range(20_000)]  # try to go up
    up, right, left = grid.state_of(1, 2), grid.state_of(2, 3), grid.state_of(2, 1)
    share = {t: ends.count(t) / len(ends) for t in (up, right, left)}
    assert share[up] == pytest.approx(0.8, abs=0.01)
    assert share[right] == pytest.approx(0.1, abs=0.01)
    assert share[left] == pytest.approx(0.1, abs=0.01)
    outcomes = grid.transitions()[s][0]
    assert sorted((round(t.prob, 10), t.next_state) for t in outcomes) == [
        (0.1, left), (0.1, right), (0.8, up)]
    with pytest.raises(TypeError, match="pass rng"):
        grid.step(s, 0)


def test_transitions_are_distributions_and_model_matches():
    grid = GridWorld.default(slip=0.2)
    P, R = grid.model()
    live = ~(grid.wall | grid.terminal)
    np.testing.assert_allclose(P[live].sum(axis=2), 1.0)
    assert np.all(P[~live] == 0) and np.all(R[~live] == 0)
    for s, row in enumerate(grid.transitions()):
        for a, outcomes in enumerate(row):
            assert sum(t.prob for t in outcomes) == pytest.approx(1.0)
            if live[s]:
                assert R[s, a] == pytest.approx(sum(t.prob * t.reward for t in outcomes))


@pytest.mark.parametrize("slip", [0.0, 0.2])
def test_value_iteration_satisfies_the_bellman_optimality_equation(slip):
    grid = GridWorld.default(slip=slip)
    V, policy = rl.value_iteration(grid, GAMMA)
    Q = rl.bellman_backup(grid, V, GAMMA)
    # V(s) = max_a sum_s' P(s'|s, a) [r + gamma V(s')]
    np.testing.assert_allclose(Q.max(axis=1), V, rtol=0, atol=1e-8)
    np.testing.assert_array_equal(policy, Q.argmax(axis=1))
    assert np.all(V[grid.terminal] == 0) and np.all(V[grid.wall] == 0)


def test_value_iteration_policy_walks_the_shortest_way_to_the_goal(grid):
    V, policy = rl.value_iteration(grid, GAMMA)
    path = rl.greedy_path(grid, policy)
    assert grid.cell(path[-1]) == (4, 4) and len(path) - 1 == 6  # up, right x4, down
    # return of 6 moves: 5 step costs, then the goal
    expected = sum(-0.04 * GAMMA**t for t in range(5)) + GAMMA**5
    assert V[grid.start] == pytest.approx(expected, abs=1e-9)
    assert rl.greedy_return(grid, policy, GAMMA) == pytest.approx(expected, abs=1e-9)


def test_slipping_moves_keep_away_from_the_pits():
    grid = GridWorld.default(slip=0.2)
    V, policy = rl.value_iteration(grid, GAMMA)
    path = rl.greedy_path(grid, policy)
    assert grid.cell(path[-1]) == (4, 4)
    # never along row 3, where a slip down from (3, 1), (3, 2) or (3, 3) falls into a pit
    assert not any(grid.cell(s) in [(3, 1), (3, 2), (3, 3)] for s in path)
    assert len(path) - 1 == 8  # two moves longer than the deterministic way
    assert rl.greedy_return(grid, policy, GAMMA) == pytest.approx(V[grid.start])


def test_russell_norvig_utilities():
    # AIMA Fig. 17.3: U(s) for slip 0.2, R = -0.04 per non-terminal state, gamma = 1. Here the
    # reward comes with the move into a cell, so V(s) = U(s) - R(s) = U(s) + 0.04.
    grid = GridWorld.russell_norvig()
    V, policy = rl.value_iteration(grid, 0.999999)
    U = (V - 0.04).reshape(grid.shape)
    book = {(0, 0): 0.812, (0, 1): 0.868, (0, 2): 0.918, (1, 0): 0.762, (1, 2): 0.660,
            (2, 0): 0.705, (2, 1): 0.655, (2, 2): 0.611, (2, 3): 0.388}
    for cell, value in book.items():
        assert U[cell] == pytest.approx(value, abs=5e-4), cell
    # the famous detour: from (1, 2) go up, not right past the pit; from (2, 3) go left
    assert rl.ACTIONS[policy[grid.state_of(1, 2)]] == "up"
    assert rl.ACTIONS[policy[grid.state_of(2, 3)]] == "left"


def test_q_update_by_hand():
    Q = np.zeros((3, 4))
    Q[1] = [0.5, 2.0, -1.0, 0.0]
    Q[0, 2] = 1.0
    # target = r + gamma max_a' Q(s', a') = -0.04 + 0.9 * 2.0 = 1.76
    # Q(0, 2) <- 1.0 + 0.5 * (1.76 - 1.0) = 1.38
    Q_new = rl.q_update(Q, 0, 2, -0.04, 1, False, alpha=0.5, gamma=0.9)
    assert Q_new[0, 2] == pytest.approx(1.38)
    assert Q[0, 2] == 1.0  # pure: the table passed in is unchanged
    changed = np.argwhere(Q_new != Q)
    np.testing.assert_array_equal(changed, [[0, 2]])
    # a terminal move does not bootstrap: target = r = 1, Q <- 1.0 + 0.5 * (1 - 1.0) = 1.0
    assert rl.q_update(Q, 0, 2, 1.0, 1, True, 0.5, 0.9)[0, 2] == pytest.approx(1.0)
    with pytest.raises(ValueError, match="alpha .* must be in \\[0, 1\\]; got 2"):
        rl.q_update(Q, 0, 2, 1.0, 1, True, 2, 0.9)
    with pytest.raises(ValueError, match="gamma"):
        rl.q_update(Q, 0, 2, 1.0, 1, True, 0.5, 1.0)


def test_q_learning_finds_value_iterations_return(grid):
    V, _ = rl.value_iteration(grid, GAMMA)
    Q, history = rl.q_learning(grid, 300, alpha=0.5, gamma=GAMMA, epsilon=0.1,
                               rng=np.random.default_rng(0))
    policy = rl.greedy_policy(Q)
    assert rl.greedy_return(grid, policy, GAMMA) == pytest.approx(V[grid.start], abs=1e-9)
    assert grid.cell(rl.greedy_path(grid, policy)[-1]) == (4, 4)
    assert history.episodes == 300 and history.Q.shape == (301, 25, 4)
    np.testing.assert_allclose(history.Q_after(300), Q, atol=1e-6)  # stored as float32
    assert np.all(history.Q[0] == 0) and history.Q.dtype == np.float32
    # the last episodes mostly follow the 6-move path
    assert np.median(history.steps[-50:]) == 6


def test_q_learning_is_reproducible_and_snapshots_every_k():
    grid = GridWorld.default(slip=0.2)
    a = rl.q_learning(grid, 40, 0.5, GAMMA, 0.2, np.random.default_rng(3), snapshot_every=10)
    b = rl.q_learning(grid, 40, 0.5, GAMMA, 0.2, np.random.default_rng(3), snapshot_every=10)
    np.testing.assert_array_equal(a[0], b[0])
    assert a[1].Q.shape == (5, 25, 4)
    np.testing.assert_array_equal(a[1].Q_after(19), a[1].Q[1])


def test_epsilon_decay():
    grid = GridWorld.default()
    _, h = rl.q_learning(grid, 5, 0.5, GAMMA, 0.5, np.random.default_rng(0), epsilon_decay=0.5)
    np.testing.assert_allclose(h.epsilons, [0.5, 0.25, 0.125, 0.0625, 0.03125])
    _, h = rl.q_learning(grid, 3, 0.5, GAMMA, 0.5, np.random.default_rng(0),
                         epsilon_decay=lambda e: 1 / e)
    np.testing.assert_allclose(h.epsilons, [1, 0.5, 1 / 3])


def test_q_learning_is_fast_enough_for_a_widget(grid):
    import time

    start = time.perf_counter()
    rl.q_learning(grid, 300, 0.5, GAMMA, 0.1, np.random.default_rng(0))
    assert time.perf_counter() - start < 0.5  # about 30 ms here; generous for a busy machine


def test_epsilon_greedy_explores_and_breaks_ties():
    rng = np.random.default_rng(0)
    picks = [rl.epsilon_greedy([1.0, 3.0, 3.0, 0.0], 0.0, rng) for _ in range(200)]
    assert set(picks) == {1, 2}
    picks = [rl.epsilon_greedy([1.0, 3.0, 0.0, 0.0], 1.0, rng) for _ in range(200)]
    assert set(picks) == {0, 1, 2, 3}


@pytest.mark.parametrize(("settings", "message"), [
    ({"goals": []}, "at least one goal"),
    ({"start": (1, 1)}, "the start \\(1, 1\\) is a wall"),
    ({"start": (5, 0)}, "the start \\(5, 0\\) is outside the 5 x 4 grid"),
    ({"slip": 1.0}, "slip .* must be in \\[0, 1\\); got 1.0"),
    ({"slip": -0.1}, "got -0.1"),
    ({"pits": [(0, 3)]}, "both a goal and a pit"),
])
def test_bad_grids_are_named(settings, message):
    kwargs = {"goals": [(0, 3)], "start": (2, 0), "walls": [(1, 1)]} | settings
    with pytest.raises(ValueError, match=message):
        GridWorld(5, 4, **kwargs)


def test_bad_layouts_and_moves_are_named(grid):
    with pytest.raises(ValueError, match="unknown cell 'x'"):
        GridWorld.from_layout(["S.x", "..G"])
    with pytest.raises(ValueError, match="same length"):
        GridWorld.from_layout(["S..", "G."])
    with pytest.raises(ValueError, match="exactly one start"):
        GridWorld.from_layout(["...", "..G"])
    with pytest.raises(ValueError, match="unknown action 4; the actions are 0 up, 1 right"):
        grid.step(grid.start, 4)
    with pytest.raises(ValueError, match="state 25 does not exist"):
        grid.step(25, 0)
    with pytest.raises(ValueError, match="is a wall"):
        grid.step(grid.state_of(1, 1), 0)


@pytest.mark.parametrize(("settings", "error", "message"), [
    ({"gamma": 1.0}, ValueError, "gamma .* must be in \\[0, 1\\).*got 1.0"),
    ({"gamma": -0.5}, ValueError, "got -0.5"),
    ({"alpha": 1.5}, ValueError, "alpha .* must be in \\[0, 1\\]; got 1.5"),
    ({"epsilon": -0.1}, ValueError, "epsilon .* must be in \\[0, 1\\]; got -0.1"),
    ({"epsilon": 1.2}, ValueError, "got 1.2"),
    ({"episodes": 0}, ValueError, "episodes must be an integer >= 1; got 0"),
    ({"rng": 0}, TypeError, "numpy.random.Generator"),
    ({"epsilon_decay": 1.5}, ValueError, "epsilon_decay"),
])
def test_bad_q_learning_settings_are_named(grid, settings, error, message):
    kwargs = {"episodes": 10, "alpha": 0.5, "gamma": 0.9, "epsilon": 0.1,
              "rng": np.random.default_rng(0)} | settings
    with pytest.raises(error, match=message):
        rl.q_learning(grid, **kwargs)


def test_value_iteration_rejects_gamma_one(grid):
    with pytest.raises(ValueError, match="gamma .*\\[0, 1\\)"):
        rl.value_iteration(grid, 1.0)


def test_render_draws_arrows_and_values(grid):
    V, policy = rl.value_iteration(grid, GAMMA)
    text = grid.render(policy)
    assert text.splitlines()[3].split() == ["→"] * 4 + ["↓"]
    assert "+0.43" in grid.render(V=V)  # V(start)


def test_policy_evaluation_of_many_policies_at_once():
    grid = GridWorld.default(slip=0.2)
    rng = np.random.default_rng(0)
    policies = rng.integers(0, 4, size=(6, grid.n_states))
    together = rl.greedy_return(grid, policies, GAMMA)
    one_by_one = [rl.greedy_return(grid, p, GAMMA) for p in policies]
    np.testing.assert_allclose(together, one_by_one, rtol=1e-12)
    # V_pi satisfies its own Bellman equation: V = R_pi + gamma P_pi V
    P, R = grid.model()
    s = np.arange(grid.n_states)
    V = rl.policy_evaluation(grid, policies[0], GAMMA)
    np.testing.assert_allclose(V, R[s, policies[0]] + GAMMA * P[s, policies[0]] @ V, atol=1e-12)
    with pytest.raises(ValueError, match="policy must be 25 actions in 0..3"):
        rl.policy_evaluation(grid, np.full(25, 4), GAMMA)


def png(panel):
    return bytes(panel.figure.image.value)


def clean(status: str) -> bool:
    r"""No traceback, no error and no warning (a ValueError caught by the panel) in the status."""
    return not any(mark in status for mark in ("Traceback", "Unexpected error", "&#9888;",
                                               "&#10060;"))


def test_q_learning_explorer_replays_and_retrains_without_a_traceback():
    from course_lib.explorers.reinforcement import q_learning_explorer

    panel = q_learning_explorer(episodes=100)
    explorer = panel.explorer
    first, status = png(panel), panel.status.value
    assert first.startswith(b"\x89PNG") and "after episode 100" in status and clean(status)
    panel.controls["episode"].value = 5  # Play: shows a stored table, no retraining
    assert "after episode 5" in panel.status.value and png(panel) != first
    shown = explorer.picture.image.get_array().ravel()
    live = ~(explorer.env.wall | explorer.env.terminal)
    np.testing.assert_allclose(shown[live], explorer.history.Q[5].max(axis=1)[live])
    for name, value in [("epsilon", 0.0), ("alpha", 1.0), ("gamma", 0.99), ("slip", 0.5),
                        ("episodes", 10)]:  # extreme settings retrain and redraw
        before = png(panel)
        panel.controls[name].value = value
        assert png(panel) != before, name
        assert clean(panel.status.value), (name, panel.status.value)
    assert explorer.history.episodes == 10 == panel.controls["episode"].max
    assert explorer.play_box.play.max == 10 and "after episode 10" in panel.status.value


def test_q_learning_explorer_counts_the_optimal_actions():
    from course_lib.explorers.reinforcement import QLearningExplorer

    explorer = QLearningExplorer(episodes=300, epsilon=0.1)
    assert "greedy policy is optimal from the start" in explorer.panel.status.value
    assert "in <b>" in explorer.panel.status.value and clean(explorer.panel.status.value)
    explorer.panel.controls["episode"].value = 0
    assert "before training" in explorer.panel.status.value
    assert "not yet optimal" in explorer.panel.status.value


def test_q_learning_explorer_on_a_slide(monkeypatch):
    from course_lib import plotting
    from course_lib.explorers.reinforcement import QLearningExplorer

    monkeypatch.setattr(plotting, "PROJECTOR", True)
    explorer = QLearningExplorer()
    assert clean(explorer.panel.status.value) and not explorer.picture.numbers
    width, height = explorer.live.figure.get_size_inches() * explorer.live.dpi
    assert width <= 1280 and height <= 400  # leaves room for the controls on a 1280x720 slide
    explorer.panel.controls["episode"].value = 3
    assert "after episode 3" in explorer.panel.status.value
