r"""The LSTM cell: the lecture's gate equations, their backward pass, and the fused version."""

import numpy as np
import pytest

from course_lib import lstm, lstm_fused
from course_lib.gradcheck import numerical_gradient, relative_error

N, T, D, H = 3, 4, 2, 3


def random_params(rng, D=D, H=H):
    params = {f"W_{g}": rng.normal(scale=0.6, size=(H + D, H)) for g in lstm.GATES}
    return params | {f"b_{g}": rng.normal(scale=0.3, size=H) for g in lstm.GATES}


def sigma(z):
    return 1.0 / (1.0 + np.exp(-z))


def test_init_shapes_and_forget_bias():
    params = lstm.lstm_init(D, H, np.random.default_rng(0))
    assert sorted(params) == sorted(lstm.PARAMS)
    for g in lstm.GATES:
        assert params[f"W_{g}"].shape == (H + D, H) and params[f"b_{g}"].shape == (H,)
        assert np.abs(params[f"W_{g}"]).max() <= 1 / np.sqrt(H)
    np.testing.assert_array_equal(params["b_f"], 1.0)
    for g in ("i", "C", "o"):
        np.testing.assert_array_equal(params[f"b_{g}"], 0.0)
    plain = lstm.lstm_init(D, H, np.random.default_rng(0), forget_bias=0)
    np.testing.assert_array_equal(plain["b_f"], 0.0)


def test_step_follows_the_lecture_equations():
    rng = np.random.default_rng(1)
    p = random_params(rng)
    x_t, h_prev, C_prev = (rng.normal(size=s) for s in ((N, D), (N, H), (N, H)))
    h_t, C_t, cache = lstm.lstm_step_forward(x_t, h_prev, C_prev, p)
    hx = np.concatenate([h_prev, x_t], axis=1)
    f_t, i_t, o_t = (sigma(hx @ p[f"W_{g}"] + p[f"b_{g}"]) for g in "fio")
    C_tilde_t = np.tanh(hx @ p["W_C"] + p["b_C"])
    np.testing.assert_allclose(C_t, f_t * C_prev + i_t * C_tilde_t, atol=1e-14)
    np.testing.assert_allclose(h_t, o_t * np.tanh(C_t), atol=1e-14)
    for name, value in (("f_t", f_t), ("i_t", i_t), ("o_t", o_t), ("C_tilde_t", C_tilde_t)):
        np.testing.assert_allclose(getattr(cache, name), value, atol=1e-14, err_msg=name)


def test_step_backward_against_finite_differences():
    rng = np.random.default_rng(2)
    params = random_params(rng)
    x_t, h_prev, C_prev = (rng.normal(size=s) for s in ((N, D), (N, H), (N, H)))
    h_t, C_t, cache = lstm.lstm_step_forward(x_t, h_prev, C_prev, params)
    dh, dC = rng.normal(size=h_t.shape), rng.normal(size=C_t.shape)
    dx_t, dh_prev, dC_prev, grads = lstm.lstm_step_backward(dh, dC, cache)

    def loss(_):  # dC exercises the gradient arriving along the memory lane
        h, C, _ = lstm.lstm_step_forward(x_t, h_prev, C_prev, params)
        return float(np.sum(h * dh) + np.sum(C * dC))

    analytic = {"x_t": (dx_t, x_t), "h_prev": (dh_prev, h_prev), "C_prev": (dC_prev, C_prev),
                **{name: (grads[name], params[name]) for name in lstm.PARAMS}}
    assert sorted(grads) == sorted(lstm.PARAMS)
    for name, (grad, value) in analytic.items():
        assert grad.shape == value.shape, name
        assert relative_error(grad, numerical_gradient(loss, value)) < 1e-7, name


def fast(x, h0, params, dh):
    h, cache = lstm_fused.lstm_forward(x, h0, params)
    return h, lstm_fused.lstm_backward(dh, cache) if dh is not None else None


def steps(x, h0, params, dh):
    h, cache = lstm.lstm_forward(x, h0, params)
    return h, lstm.lstm_backward(dh, cache) if dh is not None else None


@pytest.mark.parametrize("version", [fast, steps])
def test_sequence_backward_against_finite_differences(version):
    rng = np.random.default_rng(3)
    params = random_params(rng)
    x, h0 = rng.normal(size=(N, T, D)), rng.normal(scale=0.5, size=(N, H))
    dh = rng.normal(size=(N, T, H))
    _, (dx, dh0, grads) = version(x, h0, params, dh)

    def loss(_):
        return float(np.sum(version(x, h0, params, None)[0] * dh))

    analytic = {"x": (dx, x), "h0": (dh0, h0),
                **{name: (grads[name], params[name]) for name in lstm.PARAMS}}
    assert sorted(grads) == sorted(lstm.PARAMS)
    for name, (grad, value) in analytic.items():
        assert grad.shape == value.shape, name
        assert relative_error(grad, numerical_gradient(loss, value)) < 1e-7, name


def test_fast_and_step_versions_agree():
    rng = np.random.default_rng(4)
    params = random_params(rng)
    x, h0 = rng.normal(size=(N, 6, D)), rng.normal(size=(N, H))
    dh = rng.normal(size=(N, 6, H))
    h_fast, (dx_f, dh0_f, grads_f) = fast(x, h0, params, dh)
    h_slow, (dx_s, dh0_s, grads_s) = steps(x, h0, params, dh)
    np.testing.assert_allclose(h_fast, h_slow, rtol=0, atol=1e-12)
    np.testing.assert_allclose(dx_f, dx_s, rtol=0, atol=1e-12)
    np.testing.assert_allclose(dh0_f, dh0_s, rtol=0, atol=1e-12)
    for name in lstm.PARAMS:
        np.testing.assert_allclose(grads_f[name], grads_s[name], rtol=0, atol=1e-12,
                                   err_msg=name)


def test_cache_shapes_equal_the_step_caches():
    rng = np.random.default_rng(5)
    params = random_params(rng)
    x, h0 = rng.normal(size=(N, T, D)), rng.normal(size=(N, H))
    h, cache = lstm_fused.lstm_forward(x, h0, params)
    h_steps, step_cache = lstm.lstm_forward(x, h0, params)
    caches = step_cache.steps
    assert h.shape == h_steps.shape == (N, T, H) and len(caches) == T
    names = {"f": "f_t", "i": "i_t", "o": "o_t", "C_tilde": "C_tilde_t", "C": "C_t", "h": "h_t"}
    for name, step_name in names.items():
        value = getattr(cache, name)
        assert value.shape == getattr(step_cache, name).shape == (N, T, H), name
        expected = np.stack([getattr(c, step_name) for c in caches], axis=1)
        np.testing.assert_allclose(value, expected, rtol=0, atol=1e-12, err_msg=name)
        np.testing.assert_array_equal(getattr(step_cache, name), expected, err_msg=name)
    np.testing.assert_array_equal(cache.h, h)
    np.testing.assert_array_equal(step_cache.h, h_steps)


def test_a_reused_workspace_gives_the_same_gradients():
    rng = np.random.default_rng(11)
    params = random_params(rng)
    workspace = lstm_fused.Workspace()
    for n in (N, N, 2 * N, N):  # the same shape again, another, and back
        x, dh = rng.normal(size=(n, T, D)), rng.normal(size=(n, T, H))
        _, cache = lstm_fused.lstm_forward(x, None, params)
        with_workspace = lstm_fused.lstm_backward(dh, cache, workspace)
        fresh = lstm_fused.lstm_backward(dh, cache)
        np.testing.assert_array_equal(with_workspace[0], fresh[0])
        for name in lstm.PARAMS:
            np.testing.assert_array_equal(with_workspace[2][name], fresh[2][name], name)
    assert len(workspace.arrays) == 2  # one scratch array per shape seen


def test_the_fused_module_keeps_no_state_of_its_own():
    mutable = {name: type(value).__name__ for name, value in vars(lstm_fused).items()
               if not name.startswith("__") and isinstance(value, dict | list | set | np.ndarray)}
    assert not mutable, f"module-level mutable state in lstm_fused: {mutable}"


def test_gate_ranges():
    rng = np.random.default_rng(6)
    params = random_params(rng)
    _, cache = lstm_fused.lstm_forward(rng.normal(scale=2.0, size=(5, 8, D)), None, params)
    for name in ("f", "i", "o"):  # sigmoid gates
        gate = getattr(cache, name)
        assert np.all((gate > 0) & (gate < 1)), name
    assert np.all(np.abs(cache.C_tilde) < 1)
    assert np.all(np.abs(cache.h) < 1)  # |o_t| < 1 and |tanh(C_t)| < 1


def test_initial_cell_state_is_zero():
    rng = np.random.default_rng(7)
    params = random_params(rng)
    x, h0 = rng.normal(size=(N, T, D)), rng.normal(size=(N, H))
    h, cache = lstm_fused.lstm_forward(x, h0, params)
    h_1, C_1, _ = lstm.lstm_step_forward(x[:, 0], h0, np.zeros((N, H)), params)
    np.testing.assert_allclose(h[:, 0], h_1, rtol=0, atol=1e-12)
    np.testing.assert_allclose(cache.C[:, 0], C_1, rtol=0, atol=1e-12)
    _, step_cache = lstm.lstm_forward(x, h0, params)
    np.testing.assert_array_equal(step_cache.steps[0].C_prev, 0.0)


def forced_gates(rng, f_bias, i_bias):
    params = random_params(rng)
    params["W_f"][:] = 0.0
    params["b_f"][:] = f_bias
    params["W_i"][:] = 0.0
    params["b_i"][:] = i_bias
    return params


def test_forget_gate_one_and_input_gate_zero_keep_the_memory():
    rng = np.random.default_rng(8)
    params = forced_gates(rng, f_bias=50.0, i_bias=-50.0)  # f_t = 1, i_t = 0
    C_0 = rng.normal(size=(N, H))
    h_t, C_t = rng.normal(size=(N, H)), C_0
    for _ in range(10):
        h_t, C_t, cache = lstm.lstm_step_forward(rng.normal(size=(N, D)), h_t, C_t, params)
        np.testing.assert_allclose(C_t, C_0, rtol=0, atol=1e-12)
    # and the gradient passes back along the memory lane unchanged: dC_{t-1} = dC_t * f_t
    dC = rng.normal(size=(N, H))
    dC_prev = lstm.lstm_step_backward(np.zeros((N, H)), dC, cache)[2]
    np.testing.assert_allclose(dC_prev, dC, rtol=0, atol=1e-12)


def test_forget_gate_zero_wipes_the_memory():
    rng = np.random.default_rng(9)
    params = forced_gates(rng, f_bias=-50.0, i_bias=-50.0)  # f_t = 0, i_t = 0
    x_t, h_prev = rng.normal(size=(N, D)), rng.normal(size=(N, H))
    C_prev = 5.0 + rng.normal(size=(N, H))
    h_t, C_t, _ = lstm.lstm_step_forward(x_t, h_prev, C_prev, params)
    np.testing.assert_allclose(C_t, 0.0, rtol=0, atol=1e-12)
    np.testing.assert_allclose(h_t, 0.0, rtol=0, atol=1e-12)
    # with the input gate open, C_t = C_tilde_t whatever C_prev was
    params = forced_gates(rng, f_bias=-50.0, i_bias=50.0)
    C_a = lstm.lstm_step_forward(x_t, h_prev, C_prev, params)[1]
    C_b, cache = lstm.lstm_step_forward(x_t, h_prev, -C_prev, params)[1:]
    np.testing.assert_allclose(C_a, C_b, rtol=0, atol=1e-12)
    np.testing.assert_allclose(C_a, cache.C_tilde_t, rtol=0, atol=1e-12)


# ---------------------------------------------------------------- bad input

PARAMS = random_params(np.random.default_rng(10), D=2, H=3)


FORWARDS = [lstm.lstm_forward, lstm_fused.lstm_forward]
BACKWARDS = [(lstm.lstm_forward, lstm.lstm_backward),
             (lstm_fused.lstm_forward, lstm_fused.lstm_backward)]


@pytest.mark.parametrize("forward", FORWARDS)
@pytest.mark.parametrize(("x", "h0", "match"), [
    (np.zeros((2, 5, 3)), None, r"\(2, 5, 3\).*D = 2.*\(2, 5, 2\)"),  # wrong D
    (np.zeros((2, 5, 2)), np.zeros((2, 4)), r"\(N, H\) = \(2, 3\).*\(2, 4\)"),  # wrong H
    (np.zeros((5, 2)), None, r"\(N, T, D\).*\(5, 2\).*x\[None\].*\(1, 5, 2\)"),  # 2-D
    (np.zeros((2, 5, 2)), np.zeros((4, 3)), r"\(N, H\) = \(2, 3\).*\(4, 3\)"),  # other batch
])
def test_forward_bad_input_names_the_shapes(forward, x, h0, match):
    with pytest.raises(ValueError, match=match):
        forward(x, h0, PARAMS)


@pytest.mark.parametrize(("x_t", "h_prev", "C_prev", "match"), [
    (np.zeros((2, 3)), np.zeros((2, 3)), np.zeros((2, 3)), r"\(N, 2\).*\(2, 3\)"),
    (np.zeros((2, 2)), np.zeros((4, 3)), np.zeros((2, 3)), r"h_prev.*\(2, 3\).*\(4, 3\)"),
    (np.zeros((2, 2)), np.zeros((2, 3)), np.zeros((2, 5)), r"C_prev.*\(2, 3\).*\(2, 5\)"),
])
def test_step_bad_input_names_the_shapes(x_t, h_prev, C_prev, match):
    with pytest.raises(ValueError, match=match):
        lstm.lstm_step_forward(x_t, h_prev, C_prev, PARAMS)


@pytest.mark.parametrize(("forward", "backward"), BACKWARDS)
def test_backward_refuses_dh_of_another_shape(forward, backward):
    _, cache = forward(np.zeros((2, 5, 2)), None, PARAMS)
    with pytest.raises(ValueError, match=r"\(2, 5, 3\).*\(2, 5, 4\)"):
        backward(np.zeros((2, 5, 4)), cache)


@pytest.mark.parametrize("params", [
    list(PARAMS.values()), {k: v for k, v in PARAMS.items() if k != "b_o"},
    {"W": PARAMS["W_f"], "b": PARAMS["b_f"]}])
@pytest.mark.parametrize("forward", FORWARDS)
def test_params_must_be_a_dict_with_every_gate(params, forward):
    with pytest.raises(TypeError, match="dict with the keys W_f, W_i, W_C, W_o"):
        forward(np.zeros((2, 5, 2)), None, params)


@pytest.mark.parametrize("forward", FORWARDS)
def test_a_gate_of_the_wrong_shape_is_named(forward):
    params = PARAMS | {"W_o": np.zeros((5, 4))}
    with pytest.raises(ValueError, match=r"W_o must have shape \(5, 3\).*got \(5, 4\)"):
        forward(np.zeros((2, 5, 2)), None, params)


@pytest.mark.parametrize(("D_", "H_", "match"), [(0, 3, "D .*got 0"), (2, 0, "H .*got 0")])
def test_init_refuses_empty_sizes(D_, H_, match):
    with pytest.raises(ValueError, match=match):
        lstm.lstm_init(D_, H_, np.random.default_rng(0))


def test_each_backward_pass_refuses_the_other_modules_cache():
    x = np.zeros((2, 5, 2))
    _, step_cache = lstm.lstm_forward(x, None, PARAMS)
    _, fused_cache = lstm_fused.lstm_forward(x, None, PARAMS)
    dh = np.zeros((2, 5, 3))
    with pytest.raises(TypeError, match="needs the cache of lstm_fused.lstm_forward"):
        lstm_fused.lstm_backward(dh, step_cache)
    with pytest.raises(TypeError, match="needs the cache of lstm.lstm_forward"):
        lstm.lstm_backward(dh, fused_cache)
