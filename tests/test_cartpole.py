r"""The cart-pole of Barto, Sutton & Anderson (1983) as the CartPole-v1 benchmark computes it."""

import math

import numpy as np
import pytest

from course_lib import cartpole
from course_lib.cartpole import CartPole, cartpole_step, cartpole_step_batch, is_terminal


def test_constants_are_the_benchmarks():
    assert (cartpole.GRAVITY, cartpole.MASS_CART, cartpole.MASS_POLE) == (9.8, 1.0, 0.1)
    assert (cartpole.HALF_LENGTH, cartpole.FORCE, cartpole.TAU) == (0.5, 10.0, 0.02)
    assert cartpole.THETA_LIMIT == pytest.approx(0.2094395102)  # 12 degrees
    assert (cartpole.X_LIMIT, cartpole.MAX_STEPS) == (2.4, 500)


def test_one_step_pushing_right_by_hand():
    # state (x, x_dot, theta, theta_dot) = (0.01, -0.02, 0.03, 0.04), push right: F = +10 N
    sin_theta, cos_theta = 0.02999550020249566, 0.9995500337489875  # sin 0.03, cos 0.03
    assert (math.sin(0.03), math.cos(0.03)) == pytest.approx((sin_theta, cos_theta), abs=1e-15)
    # temp = (F + m_p l theta_dot^2 sin theta) / (m_c + m_p) = (10 + 0.05 * 0.0016 * 0.029996) / 1.1
    temp = 9.090911272400014
    assert (10 + 0.05 * 0.04**2 * sin_theta) / 1.1 == pytest.approx(temp, abs=1e-12)
    # theta_acc = (g sin theta - cos theta temp) / (l (4/3 - m_p cos^2 theta / (m_c + m_p)))
    #           = (0.293956 - 9.086821) / (0.5 * (1.333333 - 0.090827)) = -8.792865 / 0.621253
    theta_acc = -14.153435898000405
    assert (9.8 * sin_theta - cos_theta * temp) / (
        0.5 * (4 / 3 - 0.1 * cos_theta**2 / 1.1)) == pytest.approx(theta_acc, abs=1e-12)
    # x_acc = temp - m_p l theta_acc cos theta / (m_c + m_p) = 9.090911 + 0.643252
    x_acc = 9.733959787377762
    assert temp - 0.05 * theta_acc * cos_theta / 1.1 == pytest.approx(x_acc, abs=1e-12)
    # Euler, tau = 0.02: positions move with the OLD velocities
    expected = (0.01 + 0.02 * -0.02,  # x = 0.0096
                -0.02 + 0.02 * x_acc,  # x_dot = 0.174679...
                0.03 + 0.02 * 0.04,  # theta = 0.0308
                0.04 + 0.02 * theta_acc)  # theta_dot = -0.243069...
    np.testing.assert_allclose(cartpole_step((0.01, -0.02, 0.03, 0.04), 1), expected,
                               rtol=0, atol=1e-14)
    np.testing.assert_allclose(expected, (0.0096, 0.17467919574755525, 0.0308,
                                          -0.2430687179600081), atol=1e-15)


def test_pushing_left_mirrors_pushing_right():
    state = np.array([0.1, 0.2, -0.05, 0.3])
    mirrored = cartpole_step(-state, 0)
    np.testing.assert_allclose(mirrored, -np.array(cartpole_step(state, 1)), atol=1e-15)


def test_the_batch_version_agrees_with_the_loop():
    rng = np.random.default_rng(0)
    states = rng.uniform(-0.2, 0.2, size=(50, 4))
    actions = rng.integers(0, 2, size=50)
    loop = np.array([cartpole_step(s, a) for s, a in zip(states, actions, strict=True)])
    np.testing.assert_allclose(cartpole_step_batch(states, actions), loop, rtol=0, atol=1e-15)


@pytest.mark.parametrize(("state", "ended"), [
    ((0.0, 0.0, 0.0, 0.0), False),
    ((2.4, 0.0, 0.0, 0.0), False),  # on the limit: still in
    ((2.41, 0.0, 0.0, 0.0), True),
    ((-2.41, 0.0, 0.0, 0.0), True),
    ((0.0, 0.0, 0.2094, 0.0), False),  # 11.998 degrees
    ((0.0, 0.0, 0.2095, 0.0), True),  # 12.003 degrees
    ((0.0, 0.0, -0.2095, 0.0), True),
    ((0.0, 50.0, 0.0, -50.0), False),  # velocities never end an episode
])
def test_termination_thresholds(state, ended):
    assert is_terminal(state) is ended
    assert CartPole.done(state) is ended


def test_an_episode_ends_terminated_and_pays_one_per_step():
    env = CartPole()
    state = env.reset(np.random.default_rng(0))
    assert state.shape == (4,) and np.all(np.abs(state) <= 0.05)
    total, steps = 0.0, 0
    while True:
        state, reward, terminated, truncated = env.step(1)  # always right: the pole falls
        total, steps = total + reward, steps + 1
        if terminated or truncated:
            break
    assert terminated and not truncated and total == steps < 30
    with pytest.raises(ValueError, match="call reset"):
        env.step(0)


def test_the_time_limit_truncates():
    env = CartPole(max_steps=3)
    env.reset(np.random.default_rng(1))
    results = [env.step(step % 2) for step in range(3)]
    assert [r.truncated for r in results] == [False, False, True]
    assert not results[-1].terminated and results[-1].done


def test_reset_draws_from_the_generator():
    a = CartPole().reset(np.random.default_rng(5))
    b = CartPole().reset(np.random.default_rng(5))
    np.testing.assert_array_equal(a, b)
    with pytest.raises(TypeError, match="numpy.random.Generator"):
        CartPole().reset(5)


@pytest.mark.parametrize("action", [2, -1, 0.5, "left", True])
def test_a_bad_action_is_named(action):
    with pytest.raises(ValueError, match="actions are 0 \\(push left\\) and 1 \\(push right\\)"):
        cartpole_step((0, 0, 0, 0), action)


def test_bad_batches_and_limits_are_named():
    with pytest.raises(ValueError, match="actions must be 0"):
        cartpole_step_batch(np.zeros((2, 4)), np.array([0, 3]))
    with pytest.raises(ValueError, match="shape \\(N, 4\\)"):
        cartpole_step_batch(np.zeros((2, 3)), np.array([0, 1]))
    with pytest.raises(ValueError, match="max_steps"):
        CartPole(max_steps=0)
    with pytest.raises(ValueError, match="call reset"):
        CartPole().step(0)


def test_encode_scales_the_state_to_about_one():
    x = CartPole.encode([2.4, 2.0, cartpole.THETA_LIMIT, -2.0])
    np.testing.assert_allclose(x, [[1.0, 1.0, 1.0, -1.0]])


def png(panel):
    return bytes(panel.figure.image.value)


def test_cartpole_animation_plays_an_episode_without_a_traceback():
    from course_lib.explorers.reinforcement import CartPoleAnimation, cartpole_animation

    panel = cartpole_animation(policy=lambda state: 1, rng=np.random.default_rng(0))
    steps = panel.controls["step"].max
    assert 5 < steps < 30 and "step 0 of" in panel.status.value
    first = png(panel)
    assert first.startswith(b"\x89PNG")
    panel.controls["step"].value = steps
    assert png(panel) != first
    assert "the pole fell" in panel.status.value
    assert not any(mark in panel.status.value for mark in ("Traceback", "&#9888;", "&#10060;"))
    episode = cartpole.rollout(lambda state: int(state[2] > 0), np.random.default_rng(1),
                               max_steps=50)
    panel = cartpole_animation(episode.states, actions=episode.actions)
    panel.controls["step"].value = 10
    assert "step 10 of 50" in panel.status.value and "push" in panel.status.value
    with pytest.raises(ValueError, match="frames must have shape \\(T \\+ 1, 4\\)"):
        CartPoleAnimation(np.zeros((5, 3)))
    with pytest.raises(ValueError, match="give frames"):
        CartPoleAnimation()
