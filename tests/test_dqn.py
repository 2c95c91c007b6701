r"""The Deep Q-Network: Bellman targets, its loss gradient, the target network, replay, training."""

import numpy as np
import pytest

from course_lib import cartpole, dqn, optim, rl
from course_lib.dqn import DQNAgent, DQNSettings, ReplayBuffer
from course_lib.gradcheck import check_gradient
from course_lib.mlp import MLP


def test_bellman_targets_by_hand():
    rewards = np.array([1.0, -0.04, 1.0, 0.0])
    next_q = np.array([[2.0, 5.0], [0.5, -1.0], [3.0, 3.0], [-2.0, -3.0]])
    dones = np.array([0, 0, 1, 0])
    # y = r + gamma max_a' Q_target(s', a') (1 - done), gamma = 0.9
    expected = [1.0 + 0.9 * 5.0,  # 5.5
                -0.04 + 0.9 * 0.5,  # 0.41
                1.0,  # terminal: no bootstrap
                0.0 + 0.9 * -2.0]  # -1.8: the max of two negative values
    np.testing.assert_allclose(dqn.bellman_targets(rewards, next_q, dones, 0.9), expected,
                               rtol=0, atol=1e-15)
    np.testing.assert_allclose(expected, [5.5, 0.41, 1.0, -1.8], atol=1e-15)


def small_batch(n_actions=3, N=7):
    rng = np.random.default_rng(1)
    net = MLP(4, [5, 3], n_actions, activation="tanh", output="regression", rng=rng)
    states = rng.normal(size=(N, 4))
    actions = np.array([0, 1, 1, 0, 1, 0, 0])[:N]  # action 2 never taken
    targets = rng.normal(size=N) * 3  # some errors beyond 1: the Huber loss's linear part
    return net, states, actions, targets


@pytest.mark.parametrize("loss", dqn.LOSSES)
def test_dqn_loss_gradient_against_finite_differences(loss):
    net, states, actions, targets = small_batch()
    _, grads = dqn.dqn_loss_and_gradients(net, states, actions, targets, loss=loss)
    grads = {k: v.copy() for k, v in grads.items()}
    for name, w in net.params.items():
        error = check_gradient(
            lambda _: dqn.dqn_loss_and_gradients(net, states, actions, targets, loss)[0],
            w, grads[name])
        assert error < 1e-7, (loss, name, error)


def test_dqn_loss_by_hand_and_only_on_the_actions_taken():
    net, states, actions, targets = small_batch()
    q = net.forward(states)
    e = q[np.arange(7), actions] - targets
    L, grads = dqn.dqn_loss_and_gradients(net, states, actions, targets)
    assert L == pytest.approx(np.mean(0.5 * e**2), rel=1e-12)  # 1/N sum 1/2 (Q(s,a) - y)^2
    # dL/dnet of the output is zero on actions never taken: their weights get no gradient
    assert np.all(grads["W3"][:, 2] == 0) and grads["b3"][2] == 0
    # the output deltas: db_out[k] = sum over the samples that took k of (Q - y) / N
    np.testing.assert_allclose(grads["b3"][:2], [e[actions == k].sum() / 7 for k in (0, 1)])
    L_huber, _ = dqn.dqn_loss_and_gradients(net, states, actions, targets, "huber")
    huber = np.where(np.abs(e) <= 1, 0.5 * e**2, np.abs(e) - 0.5)
    assert L_huber == pytest.approx(huber.mean(), rel=1e-12)
    assert np.any(np.abs(e) > 1) and L_huber < L  # Huber = squared error for |e| <= 1 only


def filled_agent(settings=None, n=300, seed=0):
    rng = np.random.default_rng(seed)
    agent = DQNAgent(4, 2, rng, settings or DQNSettings(hidden=(8, 6), batch_size=16,
                                                      warmup=50, target_every=25))
    for _ in range(n):
        agent.buffer.push(rng.normal(size=4), int(rng.integers(2)), float(rng.normal()),
                          rng.normal(size=4), bool(rng.random() < 0.1))
    return agent, rng


@pytest.mark.parametrize("activation", ["relu", "tanh"])
def test_the_fast_gradient_equals_the_mlp_one(activation):
    agent, _ = filled_agent(DQNSettings(hidden=(8, 6), activation=activation, batch_size=16))
    batch = agent.buffer.sample(16)
    y = dqn.bellman_targets(batch.rewards, agent.q_values(batch.next_states, target=True),
                            batch.dones, 0.99)
    L_fast = agent._loss_and_gradients(batch.states, batch.actions, y)
    L, grads = dqn.dqn_loss_and_gradients(agent.net, batch.states, batch.actions, y)
    assert L_fast == pytest.approx(L, rel=1e-12)
    for name in agent.net.params:
        np.testing.assert_allclose(agent._grad_views[name], grads[name], rtol=1e-10, atol=1e-14)
    np.testing.assert_allclose(agent.q_values(batch.states), agent.net.forward(batch.states),
                               rtol=1e-12)


def test_the_in_place_adam_equals_optim_adam_step():
    agent, rng = filled_agent()
    w, m, s = agent.theta.copy(), np.zeros_like(agent.theta), np.zeros_like(agent.theta)
    for t in range(1, 4):
        agent.grad[:] = rng.normal(size=agent.grad.shape)
        w, m, s = optim.adam_step(w, agent.grad, m, s, t, agent.settings.eta)
        agent._adam_step()
        np.testing.assert_allclose(agent.theta, w, rtol=1e-13, atol=1e-15)
    for name, p in agent.net.params.items():  # the network's arrays are views of theta
        assert np.shares_memory(p, agent.theta), name


def test_the_target_network_is_frozen_between_syncs():
    agent, rng = filled_agent()
    assert agent.steps == 0 and agent.syncs == 1
    np.testing.assert_array_equal(agent.theta_target, agent.theta)  # synced at the start
    frozen = agent.theta_target.copy()
    for step in range(1, 25):  # steps 1..24: the network learns, the target does not move
        agent.observe(rng.normal(size=4), 0, 1.0, rng.normal(size=4), False)
        assert agent.updates == step
        np.testing.assert_array_equal(agent.theta_target, frozen)
        np.testing.assert_array_equal(agent.target.params["W1"], frozen[:32].reshape(4, 8))
    assert not np.array_equal(agent.theta, frozen)
    agent.observe(rng.normal(size=4), 1, 0.0, rng.normal(size=4), True)  # step 25: sync
    assert agent.syncs == 2
    np.testing.assert_array_equal(agent.theta_target, agent.theta)
    for name, p in agent.net.params.items():
        np.testing.assert_array_equal(agent.target.params[name], p)


def test_epsilon_decays_linearly_then_stays():
    agent = DQNAgent(4, 2, np.random.default_rng(0), DQNSettings(epsilon_steps=100))
    values = []
    for steps in (0, 50, 100, 1000):
        agent.steps = steps
        values.append(agent.epsilon)
    np.testing.assert_allclose(values, [1.0, 0.525, 0.05, 0.05])


def test_replay_buffer_is_a_ring_and_samples_distinct_transitions():
    buffer = ReplayBuffer(5, 2, np.random.default_rng(0))
    for k in range(7):
        buffer.push([k, -k], k % 2, float(k), [k + 1, -k - 1], k == 6)
    assert len(buffer) == 5 and buffer.position == 2
    assert sorted(buffer.rewards) == [2, 3, 4, 5, 6]  # 0 and 1 were overwritten
    batch = buffer.sample(5)
    assert sorted(batch.rewards) == [2, 3, 4, 5, 6]  # without replacement: each once
    np.testing.assert_array_equal(batch.states[:, 0], batch.rewards)
    np.testing.assert_array_equal(batch.next_states[:, 0], batch.rewards + 1)
    np.testing.assert_array_equal(batch.dones, batch.rewards == 6)


def test_replay_buffer_sampling_errors():
    buffer = ReplayBuffer(10, 3, np.random.default_rng(0))
    with pytest.raises(ValueError, match="the replay buffer is empty"):
        buffer.sample(1)
    buffer.push([0, 0, 0], 0, 0.0, [0, 0, 0], False)
    with pytest.raises(ValueError, match="cannot sample 2 distinct transitions: the buffer hold"):
        buffer.sample(2)
    with pytest.raises(ValueError, match="batch_size must be an integer >= 1; got 0"):
        buffer.sample(0)
    with pytest.raises(TypeError, match="numpy.random.Generator"):
        ReplayBuffer(10, 3, rng=0)
    with pytest.raises(ValueError, match="capacity must be an integer >= 1"):
        ReplayBuffer(0, 3, np.random.default_rng(0))


@pytest.mark.parametrize(("settings", "error", "message"), [
    ({"gamma": 1.0}, ValueError, "gamma .* must be in \\[0, 1\\)"),
    ({"eta": 0.0}, ValueError, "eta \\(learning rate\\) must be a finite number > 0; got 0.0"),
    ({"batch_size": 0}, ValueError, "batch_size must be an integer >= 1; got 0"),
    ({"batch_size": 64, "buffer_size": 32}, ValueError, "batch_size 64 is larger than buffer"),
    ({"epsilon_end": 1.5}, ValueError, "epsilon_end must be in \\[0, 1\\]; got 1.5"),
    ({"loss": "absolute"}, ValueError, "unknown loss 'absolute'; choose one of: squared, huber"),
    ({"target_every": 0}, ValueError, "target_every must be an integer >= 1"),
    ({"clip": -1.0}, ValueError, "clip"),
])
def test_bad_settings_are_named(settings, error, message):
    with pytest.raises(error, match=message):
        DQNSettings(**settings)


def test_bad_batches_are_named():
    net, states, actions, targets = small_batch()
    with pytest.raises(ValueError, match="actions must be integers in 0..2"):
        dqn.dqn_loss_and_gradients(net, states, actions + 2, targets)
    with pytest.raises(ValueError, match="actions and targets need shape \\(7,\\)"):
        dqn.dqn_loss_and_gradients(net, states, actions[:3], targets)
    with pytest.raises(ValueError, match="gamma"):
        dqn.bellman_targets([1.0], [[0.0, 1.0]], [0], 1.0)
    with pytest.raises(ValueError, match="must agree"):
        dqn.bellman_targets([1.0, 2.0], [[0.0, 1.0]], [0, 0], 0.9)
    with pytest.raises(TypeError, match="numpy.random.Generator"):
        dqn.train_dqn(dqn.GridTask(rl.GridWorld.default()), rng=1, episodes=1)
    with pytest.raises(ValueError, match="episodes must be an integer >= 1; got 0"):
        dqn.train_dqn(dqn.GridTask(rl.GridWorld.default()), np.random.default_rng(0), episodes=0)


def test_dqn_finds_the_optimal_path_on_the_grid():
    grid = rl.GridWorld.default()
    task = dqn.GridTask(grid)
    agent, history = dqn.train_dqn(task, np.random.default_rng(0), episodes=300,
                                   settings=dqn.GRID_SETTINGS,
                                   callback=dqn.stop_at_optimum(task, 0.9))
    V, _ = rl.value_iteration(grid, 0.9)
    q = agent.q_values(task.encode(np.arange(grid.n_states)))
    assert dqn.grid_greedy_return(q, grid, 0.9) == pytest.approx(V[grid.start], abs=1e-9)
    assert history.episodes < 150 and "optimal after episode" in history.message
    assert len(history.greedy_return) == history.episodes
    path = rl.greedy_path(grid, q.argmax(axis=1))
    assert grid.cell(path[-1]) == (4, 4) and len(path) == 7


def test_dqn_balances_the_cart_pole():
    # seeds 0-9 reach a mean of 195 over 100 episodes after 131-195 episodes (about 2.5 s)
    agent, history = dqn.train_dqn(cartpole.CartPole(), np.random.default_rng(0), episodes=400,
                                   settings=dqn.CARTPOLE_SETTINGS, solved_at=195)
    assert history.solved_episode is not None and history.solved_episode <= 300
    assert history.moving_average[-1] >= 195
    np.testing.assert_allclose(history.moving_average[-1], np.mean(history.returns[-100:]))
    episode = cartpole.rollout(agent.policy(cartpole.CartPole.encode), np.random.default_rng(7))
    assert len(episode.actions) >= 195  # the greedy policy balances too


def test_moving_average():
    np.testing.assert_allclose(dqn.moving_average([1, 2, 3, 4], window=2), [1, 1.5, 2.5, 3.5])
