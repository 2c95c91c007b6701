r"""The vanilla RNN: backpropagation through time against finite differences, shapes, bad input."""

import numpy as np
import pytest

from course_lib import rnn
from course_lib.gradcheck import numerical_gradient, relative_error

N, T, D, H = 3, 4, 2, 3


def random_params(rng, D=D, H=H):
    return {"W": rng.normal(scale=0.6, size=(H + D, H)), "b": rng.normal(scale=0.3, size=H)}


def test_init_shapes_and_scale():
    params = rnn.rnn_init(D, H, np.random.default_rng(0))
    assert params["W"].shape == (H + D, H) and params["b"].shape == (H,)
    np.testing.assert_array_equal(params["b"], 0.0)
    assert np.abs(params["W"]).max() <= 1 / np.sqrt(H)


def test_step_is_tanh_of_the_concatenation_h_first():
    rng = np.random.default_rng(1)
    params = random_params(rng)
    x_t, h_prev = rng.normal(size=(N, D)), rng.normal(size=(N, H))
    h_t, _ = rnn.rnn_step_forward(x_t, h_prev, params)
    # h_t = tanh(W . [h_{t-1}, x_t] + b): the first H rows of W act on h_{t-1}
    np.testing.assert_allclose(h_t, np.tanh(h_prev @ params["W"][:H] + x_t @ params["W"][H:]
                                            + params["b"]), atol=1e-15)


def test_step_backward_against_finite_differences():
    rng = np.random.default_rng(2)
    params = random_params(rng)
    x_t, h_prev = rng.normal(size=(N, D)), rng.normal(size=(N, H))
    h_t, cache = rnn.rnn_step_forward(x_t, h_prev, params)
    dh = rng.normal(size=h_t.shape)
    dx_t, dh_prev, grads = rnn.rnn_step_backward(dh, cache)

    def loss(_):
        return float(np.sum(rnn.rnn_step_forward(x_t, h_prev, params)[0] * dh))

    analytic = {"x_t": (dx_t, x_t), "h_prev": (dh_prev, h_prev),
                **{name: (grads[name], params[name]) for name in ("W", "b")}}
    assert set(grads) == {"W", "b"}
    for name, (grad, value) in analytic.items():
        assert grad.shape == value.shape, name
        assert relative_error(grad, numerical_gradient(loss, value)) < 1e-7, name


def test_sequence_backward_against_finite_differences():
    rng = np.random.default_rng(3)
    params = random_params(rng)
    x, h0 = rng.normal(size=(N, T, D)), rng.normal(scale=0.5, size=(N, H))
    h, cache = rnn.rnn_forward(x, h0, params)
    dh = rng.normal(size=h.shape)
    dx, dh0, grads = rnn.rnn_backward(dh, cache)

    def loss(_):
        return float(np.sum(rnn.rnn_forward(x, h0, params)[0] * dh))

    analytic = {"x": (dx, x), "h0": (dh0, h0),
                **{name: (grads[name], params[name]) for name in ("W", "b")}}
    assert set(grads) == {"W", "b"}
    for name, (grad, value) in analytic.items():
        assert grad.shape == value.shape, name
        assert relative_error(grad, numerical_gradient(loss, value)) < 1e-7, name


def test_sequence_equals_a_loop_of_steps_forward_and_backward():
    rng = np.random.default_rng(4)
    params = random_params(rng)
    x, h0 = rng.normal(size=(N, T, D)), rng.normal(size=(N, H))
    h, cache = rnn.rnn_forward(x, h0, params)
    assert h.shape == (N, T, H)
    h_t, caches = h0, []
    for t in range(T):
        h_t, step_cache = rnn.rnn_step_forward(x[:, t], h_t, params)
        caches.append(step_cache)
        np.testing.assert_allclose(h[:, t], h_t, rtol=0, atol=1e-12)
    np.testing.assert_allclose(cache.h, h, rtol=0, atol=0)

    dh = rng.normal(size=h.shape)
    dx, dh0, grads = rnn.rnn_backward(dh, cache)
    dh_prev, total = np.zeros((N, H)), {"W": 0.0, "b": 0.0}
    for t in reversed(range(T)):
        dx_t, dh_prev, step = rnn.rnn_step_backward(dh[:, t] + dh_prev, caches[t])
        np.testing.assert_allclose(dx[:, t], dx_t, rtol=0, atol=1e-12)
        total = {name: total[name] + step[name] for name in total}
    np.testing.assert_allclose(dh0, dh_prev, rtol=0, atol=1e-12)
    for name in total:
        np.testing.assert_allclose(grads[name], total[name], rtol=0, atol=1e-12)


def test_states_stay_inside_tanh_range_and_h0_none_means_zeros():
    rng = np.random.default_rng(5)
    params = random_params(rng)
    x = rng.normal(scale=3.0, size=(N, T, D))
    h, _ = rnn.rnn_forward(x, None, params)
    assert np.all(np.abs(h) < 1)
    np.testing.assert_array_equal(h, rnn.rnn_forward(x, np.zeros((N, H)), params)[0])


def test_gradient_reaching_early_steps_shrinks_with_small_weights():
    # each step back multiplies by W_h^T and tanh' <= 1: with |W| small, dL/dx_1 << dL/dx_T
    rng = np.random.default_rng(6)
    params = {"W": rng.normal(scale=0.1, size=(H + D, H)), "b": np.zeros(H)}
    h, cache = rnn.rnn_forward(rng.normal(size=(1, 12, D)), None, params)
    dh = np.zeros_like(h)
    dh[:, -1] = 1.0
    dx = rnn.rnn_backward(dh, cache)[0]
    assert np.linalg.norm(dx[0, 0]) < 1e-6 * np.linalg.norm(dx[0, -1])


# ---------------------------------------------------------------- bad input

PARAMS = random_params(np.random.default_rng(7), D=2, H=3)


@pytest.mark.parametrize(("x", "h0", "match"), [
    (np.zeros((2, 5, 3)), None, r"\(2, 5, 3\).*D = 2.*\(2, 5, 2\)"),  # wrong D
    (np.zeros((2, 5, 2)), np.zeros((2, 4)), r"\(N, H\) = \(2, 3\).*\(2, 4\)"),  # wrong H
    (np.zeros((5, 2)), None, r"\(N, T, D\).*\(5, 2\).*x\[None\].*\(1, 5, 2\)"),  # 2-D
    (np.zeros((2, 5, 2)), np.zeros((4, 3)), r"\(N, H\) = \(2, 3\).*\(4, 3\)"),  # other batch
    (np.zeros((2, 0, 2)), None, "at least one time step"),
    (np.full((2, 5, 2), np.nan), None, "NaN"),
])
def test_forward_bad_input_names_the_shapes(x, h0, match):
    with pytest.raises(ValueError, match=match):
        rnn.rnn_forward(x, h0, PARAMS)


@pytest.mark.parametrize(("x_t", "h_prev", "match"), [
    (np.zeros((2, 3)), np.zeros((2, 3)), r"\(N, 2\).*\(2, 3\)"),
    (np.zeros((2, 5, 2)), np.zeros((2, 3)), r"\(N, 2\).*\(2, 5, 2\)"),
    (np.zeros((2, 2)), np.zeros((4, 3)), r"h_prev.*\(2, 3\).*\(4, 3\)"),
    (np.zeros((2, 2)), np.zeros((2, 5)), r"h_prev.*\(2, 3\).*\(2, 5\)"),
])
def test_step_bad_input_names_the_shapes(x_t, h_prev, match):
    with pytest.raises(ValueError, match=match):
        rnn.rnn_step_forward(x_t, h_prev, PARAMS)


def test_backward_refuses_dh_of_another_shape():
    h, cache = rnn.rnn_forward(np.zeros((2, 5, 2)), None, PARAMS)
    with pytest.raises(ValueError, match=r"\(2, 5, 3\).*\(2, 4, 3\)"):
        rnn.rnn_backward(np.zeros((2, 4, 3)), cache)


@pytest.mark.parametrize("params", [[PARAMS["W"], PARAMS["b"]], {"W": PARAMS["W"]}, None])
def test_params_must_be_a_dict_with_w_and_b(params):
    with pytest.raises(TypeError, match="dict with the keys W, b"):
        rnn.rnn_forward(np.zeros((2, 5, 2)), None, params)


@pytest.mark.parametrize(("params", "match"), [
    ({"W": np.zeros((3, 3)), "b": np.zeros(3)}, r"D >= 1; got \(3, 3\)"),
    ({"W": np.zeros((5, 3)), "b": np.zeros(4)}, r"b must have shape \(3,\).*got \(4,\)"),
    ({"W": np.zeros(5), "b": np.zeros(3)}, r"\(H \+ D, H\)"),
])
def test_params_of_the_wrong_shape_are_named(params, match):
    with pytest.raises(ValueError, match=match):
        rnn.rnn_forward(np.zeros((2, 5, 2)), None, params)


@pytest.mark.parametrize(("D_", "H_", "error", "match"), [
    (0, 3, ValueError, "D .*>= 1; got 0"), (2, 0, ValueError, "H .*>= 1; got 0"),
    (2.5, 3, TypeError, "D .*integer"),
])
def test_init_refuses_empty_sizes(D_, H_, error, match):
    with pytest.raises(error, match=match):
        rnn.rnn_init(D_, H_, np.random.default_rng(0))


def test_init_needs_a_generator():
    with pytest.raises(TypeError, match="default_rng"):
        rnn.rnn_init(2, 3, 0)
