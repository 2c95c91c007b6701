r"""Optimisers and schedules against hand-computed steps, and the lecture's claims about them."""

import numpy as np
import pytest

from course_lib import optim, surfaces
from course_lib.datasets import logic_gate
from course_lib.mlp import MLP
from course_lib.training import train

QUADRATIC = surfaces.ill_conditioned_quadratic(a=1.0, b=20.0)


def test_gradient_descent_step_by_hand():
    w = optim.gd_step(np.array([1.0, 2.0]), np.array([0.5, -1.0]), eta=0.1)
    np.testing.assert_allclose(w, [1.0 - 0.1 * 0.5, 2.0 + 0.1 * 1.0])


def test_momentum_first_three_steps_by_hand():
    # L = w^2 / 2, so dL/dw = w; eta = 0.1, mu = 0.9, v_0 = 0
    w, v = 1.0, 0.0
    expected = [(0.9, -0.1), (0.72, -0.18), (0.486, -0.234)]
    for w_k, v_k in expected:  # v <- mu v - eta w;  w <- w + v
        w, v = optim.momentum_step(w, w, v, eta=0.1, mu=0.9)
        assert (w, v) == (pytest.approx(w_k), pytest.approx(v_k))


def test_nesterov_first_two_steps_by_hand():
    # v <- mu v - eta w;  w <- w + mu v - eta w   (dL/dw = w)
    w, v = optim.nesterov_step(1.0, 1.0, 0.0, eta=0.1, mu=0.9)
    assert (w, v) == (pytest.approx(1 - 0.09 - 0.1), pytest.approx(-0.1))
    w2, v2 = optim.nesterov_step(w, w, v, eta=0.1, mu=0.9)
    assert v2 == pytest.approx(0.9 * -0.1 - 0.1 * 0.81)
    assert w2 == pytest.approx(0.81 + 0.9 * v2 - 0.1 * 0.81)


def test_mu_zero_is_plain_gradient_descent():
    w, dw = np.array([0.3, -1.2]), np.array([2.0, 0.5])
    np.testing.assert_allclose(optim.momentum_step(w, dw, np.zeros(2), 0.1, 0.0)[0],
                               optim.gd_step(w, dw, 0.1))
    np.testing.assert_allclose(optim.nesterov_step(w, dw, np.zeros(2), 0.1, 0.0)[0],
                               optim.gd_step(w, dw, 0.1))


def steps_to_reach(step, tolerance=1e-3, limit=5000):
    w, v = np.array(QUADRATIC.start), np.zeros(2)
    for k in range(1, limit):
        w, v = step(w, v)
        if np.linalg.norm(w) < tolerance:
            return k
    return None


def test_momentum_crosses_the_ravine_in_fewer_steps():
    eta = 0.02
    gd = steps_to_reach(lambda w, v: (optim.gd_step(w, QUADRATIC.grad(w), eta), v))
    momentum = steps_to_reach(lambda w, v: optim.momentum_step(w, QUADRATIC.grad(w), v, eta, 0.8))
    nesterov = steps_to_reach(lambda w, v: optim.nesterov_step(w, QUADRATIC.grad(w), v, eta, 0.8))
    # along w_1 gradient descent shrinks by (1 - eta a) per step: 2 * 0.98^k < 1e-3
    assert gd == int(np.ceil(np.log(1e-3 / 2.0) / np.log(1 - eta * 1.0))) == 377
    assert momentum == 72 and nesterov == 27


@pytest.mark.parametrize(("factor", "converges"), [(0.95, True), (1.05, False)])
def test_gradient_descent_is_stable_only_below_2_over_L(factor, converges):
    eta = factor * 2 / QUADRATIC.curvature  # kappa_max = b = 20: boundary eta = 0.1
    w = np.array(QUADRATIC.start)
    for _ in range(500):
        w = optim.gd_step(w, QUADRATIC.grad(w), eta)
    assert bool(np.linalg.norm(w) < 1e-3) is converges


def test_nesterov_has_a_smaller_stable_range_than_heavy_ball():
    # stable for eta b < 2 (1 + mu) / (1 + 2 mu) (Nesterov) and eta b < 2 (1 + mu) (heavy ball)
    eta, mu = 0.09, 0.9
    with np.errstate(over="ignore", invalid="ignore"):
        assert steps_to_reach(lambda w, v: optim.nesterov_step(w, QUADRATIC.grad(w), v, eta,
                                                               mu)) is None
    assert steps_to_reach(lambda w, v: optim.momentum_step(w, QUADRATIC.grad(w), v, eta,
                                                           mu)) is not None


def test_schedules_at_given_steps():
    assert optim.step_decay(1.0, 25, drop=0.5, every=10) == 0.25
    assert optim.step_decay(1.0, 9, drop=0.5, every=10) == 1.0
    assert optim.exponential_decay(1.0, 10, k=0.1) == pytest.approx(np.exp(-1))
    assert optim.inverse_time_decay(1.0, 10, k=0.1) == pytest.approx(0.5)
    assert optim.inverse_time_decay(0.3, 0, k=0.1) == 0.3


@pytest.mark.parametrize("make", [lambda: optim.SGD(0.1), lambda: optim.Momentum(0.1, 0.9),
                                  lambda: optim.Nesterov(0.1, 0.9)])
def test_classes_apply_the_functions_to_every_parameter(make):
    params = {"W": np.array([[1.0, -2.0]]), "b": np.array([0.5])}
    reference = {k: (v.copy(), np.zeros_like(v)) for k, v in params.items()}
    update = make()
    for _ in range(3):
        grads = {k: 2 * v for k, v in params.items()}  # L = sum w^2
        update(params, grads)
        for k, (w, v) in reference.items():
            if isinstance(update, optim.Nesterov):
                reference[k] = optim.nesterov_step(w, 2 * w, v, 0.1, 0.9)
            elif isinstance(update, optim.Momentum):
                reference[k] = optim.momentum_step(w, 2 * w, v, 0.1, 0.9)
            else:
                reference[k] = (optim.gd_step(w, 2 * w, 0.1), v)
    for k, (w, _) in reference.items():
        np.testing.assert_allclose(params[k], w)


def test_a_schedule_lowers_eta_update_by_update():
    update = optim.SGD(1.0, schedule=lambda eta, t: optim.inverse_time_decay(eta, t, 1.0))
    params, seen = {"w": np.array([0.0])}, []
    for _ in range(3):
        seen.append(update.eta)
        update(params, {"w": np.array([1.0])})
    assert seen == [1.0, 0.5, pytest.approx(1 / 3)]
    assert params["w"][0] == pytest.approx(-(1 + 0.5 + 1 / 3))


def test_trainer_accepts_momentum():
    X, y = logic_gate("XOR")
    model = MLP(2, [4], 1, activation="tanh", rng=np.random.default_rng(0))
    history = train(model, X, y, epochs=200, rng=np.random.default_rng(1),
                    optimizer=optim.Momentum(0.5, 0.9))
    assert history.train_accuracy[-1] == 1.0


@pytest.mark.parametrize(("call", "message"), [
    (lambda: optim.gd_step(1.0, 1.0, -0.1), "eta"),
    (lambda: optim.momentum_step(1.0, 1.0, 0.0, 0.1, 1.0), r"\[0, 1\)"),
    (lambda: optim.nesterov_step(1.0, 1.0, 0.0, 0.1, -0.2), r"\[0, 1\)"),
    (lambda: optim.Momentum(0.1, 1.5), r"\[0, 1\)"),
    (lambda: optim.step_decay(1.0, 3, drop=1.5), r"\(0, 1\]"),
])
def test_bad_input_names_the_allowed_range(call, message):
    with pytest.raises(ValueError, match=message):
        call()
