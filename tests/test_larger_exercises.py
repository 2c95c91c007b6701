r"""The larger exercises: right answers pass, typical wrong ones are named, part by part.

For each exercise of ``course_lib.exercises.larger``: the reference passes; a second
correct solution written here independently (loops, or another formula) passes on
three seeds; typical wrong answers, written as a student would, are rejected with the
case that catches them, the parts that are right and wrong, and the "Likely:"
diagnosis; the hint ladder has three steps that never show the reference's code.
"""

import inspect
import math

import numpy as np
import pytest

from course_lib import conv, gradcheck, lstm, mlp, neurons, optim, rl, rnn
from course_lib.exercises import checker, larger, larger_cnn_rnn_rl, larger_mlp
from course_lib.exercises.larger import LARGER

EXERCISES = {exercise.name: exercise for exercise in LARGER}
NAMES = ["train_perceptron_loop", "dense_backward", "mlp_backward", "momentum_descent",
         "divergence_eta", "cross_correlate2d_loops", "lstm_step_forward", "rnn_step_backward",
         "value_iteration_sweep"]


def check(name, function, seed=0):
    return checker.check(EXERCISES[name], function, seed=seed)


def _sigmoid(z):
    return 1.0 / (1.0 + math.exp(-z)) if z >= 0 else math.exp(z) / (1.0 + math.exp(z))


def _matmul(A, B):
    r"""A @ B with three loops."""
    A, B = np.asarray(A, dtype=float), np.asarray(B, dtype=float)
    out = np.zeros((A.shape[0], B.shape[1]))
    for i in range(A.shape[0]):
        for j in range(B.shape[1]):
            out[i, j] = sum(A[i, k] * B[k, j] for k in range(A.shape[1]))
    return out


# ------------------------------------------------------------------ correct, written independently


def train_perceptron_loop(X, y, eta, max_epochs):
    D = len(X[0])
    w = [0.0] * (D + 1)
    errors = []
    while len(errors) < max_epochs:
        count = 0
        for x, target in zip(X, y, strict=True):
            inputs = [1.0] + [float(v) for v in x]
            y_hat = 1 if sum(w_i * x_i for w_i, x_i in zip(w, inputs, strict=True)) >= 0 else 0
            if y_hat != target:
                w = [w_i + eta * (target - y_hat) * x_i for w_i, x_i in zip(w, inputs,
                                                                             strict=True)]
                count += 1
        errors.append(count)
        if count == 0:
            break
    return np.array(w), errors


def dense_backward(dout, X, W, b):
    N, n_in = X.shape
    n_out = W.shape[1]
    dX, dW, db = np.zeros((N, n_in)), np.zeros((n_in, n_out)), np.zeros(n_out)
    for n in range(N):
        for j in range(n_out):
            db[j] += dout[n, j]
            for i in range(n_in):
                dW[i, j] += X[n, i] * dout[n, j]
                dX[n, i] += W[i, j] * dout[n, j]
    return dX, dW, db


def _forward(X, W1, b1, W2, b2):
    r"""o_j = tanh(net_j) and y_hat = sigma(net_out), sample by sample, with loops."""
    o = np.array([[math.tanh(b1[j] + sum(X[n, i] * W1[i, j] for i in range(X.shape[1])))
                   for j in range(W1.shape[1])] for n in range(X.shape[0])])
    y_hat = np.array([_sigmoid(b2[0] + sum(o[n, j] * W2[j, 0] for j in range(o.shape[1])))
                      for n in range(X.shape[0])])
    return o, y_hat


def mlp_loss(X, y, W1, b1, W2, b2):
    _, y_hat = _forward(X, W1, b1, W2, b2)
    return -np.mean([math.log(p) if t == 1 else math.log(1.0 - p) for p, t in zip(y_hat, y,
                                                                                   strict=True)])


def mlp_backward(X, y, W1, b1, W2, b2):
    N, H = X.shape[0], W1.shape[1]
    o, y_hat = _forward(X, W1, b1, W2, b2)
    dW1, db1, dW2, db2 = (np.zeros_like(W1, dtype=float), np.zeros(H), np.zeros((H, 1)),
                          np.zeros(1))
    for n in range(N):
        delta_out = (y_hat[n] - y[n]) / N
        db2[0] += delta_out
        for j in range(H):
            dW2[j, 0] += delta_out * o[n, j]
            delta_j = W2[j, 0] * delta_out * (1.0 - o[n, j] ** 2)
            db1[j] += delta_j
            for i in range(X.shape[1]):
                dW1[i, j] += delta_j * X[n, i]
    return dW1, db1, dW2, db2


def momentum_descent(A, w0, eta, mu, steps):
    D = len(w0)
    w, v = [float(x) for x in w0], [0.0] * D
    path = [list(w)]
    for _ in range(steps):
        gradient = [sum(A[i][k] * w[k] for k in range(D)) for i in range(D)]
        v = [mu * v[i] - eta * gradient[i] for i in range(D)]
        w = [w[i] + v[i] for i in range(D)]
        path.append(list(w))
    return np.array(path)


def _diverges(A, mu, eta, steps):
    w, v = np.ones(len(A)), np.zeros(len(A))
    with np.errstate(over="ignore", invalid="ignore"):
        for _ in range(steps):
            v = mu * v - eta * (A @ w)
            w = w + v
        return not np.linalg.norm(w) <= np.sqrt(len(A))


def divergence_eta(A, mu, steps, low, high):
    for _ in range(40):
        mid = (low + high) / 2
        if _diverges(A, mu, mid, steps):
            high = mid
        else:
            low = mid
    return (low + high) / 2


def cross_correlate2d_loops(x, w, stride, padding):
    k = w.shape[0]
    H_out = (x.shape[0] + 2 * padding - k) // stride + 1
    W_out = (x.shape[1] + 2 * padding - k) // stride + 1
    out = np.zeros((H_out, W_out))
    for i in range(H_out):
        for j in range(W_out):
            for u in range(k):
                for v in range(k):
                    r, c = i * stride + u - padding, j * stride + v - padding
                    if 0 <= r < x.shape[0] and 0 <= c < x.shape[1]:  # outside: a zero
                        out[i, j] += x[r, c] * w[u, v]
    return out


def lstm_step_forward(x_t, h_prev, C_prev, params):
    N, H = h_prev.shape
    hx = [list(h_prev[n]) + list(x_t[n]) for n in range(N)]  # [h_{t-1}, x_t]

    def gate(g, squash):
        W, b = params[f"W_{g}"], params[f"b_{g}"]
        return np.array([[squash(b[j] + sum(hx[n][k] * W[k, j] for k in range(len(hx[n]))))
                          for j in range(H)] for n in range(N)])

    f_t, i_t, C_tilde_t, o_t = (gate("f", _sigmoid), gate("i", _sigmoid),
                                gate("C", math.tanh), gate("o", _sigmoid))
    C_t = f_t * C_prev + i_t * C_tilde_t
    return o_t * np.tanh(C_t), C_t


def rnn_step_backward(dh_t, x_t, h_prev, h_t, W, b):
    H = h_prev.shape[1]
    dnet = dh_t * (1.0 - h_t**2)
    W_h, W_x = W[:H], W[H:]  # the rows that multiply h_{t-1}, then those of x_t
    return (_matmul(dnet, W_x.T), _matmul(dnet, W_h.T),
            np.vstack([_matmul(h_prev.T, dnet), _matmul(x_t.T, dnet)]),
            np.array([sum(dnet[n, j] for n in range(len(dnet))) for j in range(H)]))


def value_iteration_sweep(P, R, V, gamma):
    S, A = R.shape
    V_new, policy = np.zeros(S), np.zeros(S, dtype=int)
    for s in range(S):
        best = None
        for a in range(A):
            q = R[s, a] + gamma * sum(P[s, a, t] * V[t] for t in range(S))
            if best is None or q > best + 1e-12:  # the first of tied actions
                best, policy[s] = q, a
        V_new[s] = best
    return V_new, policy


CORRECT = {
    "train_perceptron_loop": train_perceptron_loop, "dense_backward": dense_backward,
    "mlp_backward": mlp_backward, "momentum_descent": momentum_descent,
    "divergence_eta": divergence_eta, "cross_correlate2d_loops": cross_correlate2d_loops,
    "lstm_step_forward": lstm_step_forward, "rnn_step_backward": rnn_step_backward,
    "value_iteration_sweep": value_iteration_sweep,
}


def test_the_exercises_in_the_order_of_the_notebooks():
    assert [exercise.name for exercise in LARGER] == NAMES
    assert larger.__all__ == ["LARGER", "Params"]


@pytest.mark.parametrize("name", NAMES)
def test_the_reference_passes(name):
    result = check(name, EXERCISES[name].reference)
    assert result.passed, result.message
    assert result.message.startswith(f"✓ {name}: all ")


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("name", NAMES)
def test_an_independent_correct_solution_passes(name, seed):
    result = check(name, CORRECT[name], seed)
    assert result.passed, result.message


# ------------------------------------------------------------------ facts the cases rest on


def test_the_perceptron_reference_is_the_notebooks_loop():
    # train_perceptron without an rng starts at zero and visits the samples in order
    X, y = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]]), np.array([0, 0, 0, 1])
    w, errors = EXERCISES["train_perceptron_loop"].reference(X, y, 0.5, 20)
    np.testing.assert_array_equal(errors, [2, 3, 3, 2, 1, 0])  # notebook 01's run
    np.testing.assert_allclose(w, [-1.5, 1.0, 0.5])
    assert neurons.train_perceptron(X, y, 0.5, 20).weights[0].tolist() == [0.0, 0.0, 0.0]


def test_the_lecture_6x6_tables_with_the_true_corner():
    case = EXERCISES["cross_correlate2d_loops"].cases(np.random.default_rng(0))
    x, w = case[0].args[:2]
    stride_1 = cross_correlate2d_loops(x, w, 1, 0)
    np.testing.assert_array_equal(stride_1, [[-14, -1, 10, -1], [-11, -11, 7, 12],
                                             [-7, -10, 1, 13], [5, -16, -4, 11]])  # not 10
    np.testing.assert_array_equal(cross_correlate2d_loops(x, w, 2, 0), [[-14, 10], [-7, 1]])


def test_mlp_backward_agrees_with_finite_differences_of_the_students_forward_pass():
    for case in EXERCISES["mlp_backward"].cases(np.random.default_rng(1)):
        X, y, *params = (np.array(a, dtype=float) for a in case.args)
        grads = mlp_backward(X, y, *params)
        for k, (param, grad) in enumerate(zip(params, grads, strict=True)):
            def loss(_, k=k, X=X, y=y, params=params, param=param):
                return mlp_loss(X, y, *params[:k], param, *params[k + 1:])
            numeric = gradcheck.numerical_gradient(loss, param)
            assert gradcheck.relative_error(grad, numeric) < 1e-7, (case.name, k)


def test_the_mlp_reference_is_the_librarys_network():
    case = EXERCISES["mlp_backward"].cases(np.random.default_rng(0))[2]
    X, y, W1, b1, W2, b2 = case.args
    net = mlp.MLP(2, [4], 1, activation="tanh", output="binary", rng=np.random.default_rng(9))
    net.params.update(W1=W1, b1=b1, W2=W2, b2=b2)
    _, grads = net.loss_and_gradients(X, y)
    for expected, got in zip([grads[k] for k in ("W1", "b1", "W2", "b2")],
                             EXERCISES["mlp_backward"].reference(*case.args), strict=True):
        np.testing.assert_allclose(got, expected, rtol=1e-12)


def test_the_divergence_boundary_is_where_runs_start_to_diverge():
    # the reference is the notes' 2 (1 + mu) / kappa_max; a run just below converges, just
    # above diverges; on the ravine at mu = 0.8 it is notebook 03's 0.18
    exercise = EXERCISES["divergence_eta"]
    for case in exercise.cases(np.random.default_rng(0)):
        A, mu, steps, low, high = case.args
        eta = exercise.reference(*case.args)
        assert low < eta < high
        assert not _diverges(A, mu, 0.98 * eta, 2000) and _diverges(A, mu, 1.02 * eta, 2000)
    assert exercise.reference(np.diag([1.0, 20.0]), 0.8, 200, 0.0, 1.0) == pytest.approx(0.18)


def test_momentum_descent_reference_is_the_librarys_trajectory():
    A, w0 = np.diag([1.0, 20.0]), np.array([-2.0, 1.0])
    path = EXERCISES["momentum_descent"].reference(A, w0, 0.02, 0.8, 10)
    w, v = w0, np.zeros(2)
    for t in range(10):
        w, v = optim.momentum_step(w, A @ w, v, 0.02, 0.8)
        np.testing.assert_allclose(path[t + 1], w, rtol=1e-14)


def test_the_lstm_and_rnn_references_are_the_librarys_steps():
    case = EXERCISES["lstm_step_forward"].cases(np.random.default_rng(0))[1]
    h_t, C_t, _ = lstm.lstm_step_forward(*case.args)
    for expected, got in zip((h_t, C_t), EXERCISES["lstm_step_forward"].reference(*case.args),
                             strict=True):
        np.testing.assert_array_equal(got, expected)
    dh_t, x_t, h_prev, h_t, W, b = EXERCISES["rnn_step_backward"].cases(
        np.random.default_rng(0))[2].args
    h_again, cache = rnn.rnn_step_forward(x_t, h_prev, {"W": W, "b": b})
    np.testing.assert_array_equal(h_again, h_t)  # each case's h_t is its forward pass
    dx, dh_prev, grads = rnn.rnn_step_backward(dh_t, cache)
    got = EXERCISES["rnn_step_backward"].reference(dh_t, x_t, h_prev, h_t, W, b)
    for expected, value in zip((dx, dh_prev, grads["W"], grads["b"]), got, strict=True):
        np.testing.assert_array_equal(value, expected)


def test_the_sweep_reference_is_the_librarys_bellman_backup():
    grid = rl.GridWorld.default(slip=0.2)
    P, R = grid.model()
    V = np.random.default_rng(0).normal(size=grid.n_states)
    V_new, policy = EXERCISES["value_iteration_sweep"].reference(P, R, V, 0.9)
    Q = rl.bellman_backup(grid, V, 0.9)
    np.testing.assert_allclose(V_new, Q.max(axis=1), rtol=1e-14)
    np.testing.assert_array_equal(policy, Q.argmax(axis=1))
    V_star, optimal = rl.value_iteration(grid, 0.9)  # sweeps until nothing changes
    V = np.zeros(grid.n_states)
    for _ in range(400):
        V, policy = value_iteration_sweep(P, R, V, 0.9)
    np.testing.assert_allclose(V, V_star, atol=1e-9)


# ------------------------------------------------------------------ typical wrong answers


def _pad(x, before, after):
    return np.pad(np.asarray(x, dtype=float), ((before, after), (before, after)))


def _correlate(x_pad, w, stride, n_rows, n_cols, start=lambda i, s: i * s):
    k = len(w)
    return np.array([[np.sum(x_pad[start(i, stride):start(i, stride) + k,
                                   start(j, stride):start(j, stride) + k] * w)
                      for j in range(n_cols)] for i in range(n_rows)])


def _lstm_wrong(x_t, h_prev, C_prev, p, *, swap=False, candidate=np.tanh, h_of=np.tanh,
                x_first=False):
    hx = np.hstack([x_t, h_prev] if x_first else [h_prev, x_t])
    sigma = lambda z: 1 / (1 + np.exp(-z))  # noqa: E731
    f_t, i_t = sigma(hx @ p["W_f"] + p["b_f"]), sigma(hx @ p["W_i"] + p["b_i"])
    if swap:
        f_t, i_t = i_t, f_t
    C_t = f_t * C_prev + i_t * candidate(hx @ p["W_C"] + p["b_C"])
    return sigma(hx @ p["W_o"] + p["b_o"]) * h_of(C_t), C_t


def _rnn_wrong(dh_t, x_t, h_prev, h_t, W, b, *, prime=True, x_first=False, dW_T=False,
               db_sum=True):
    dnet = dh_t * (1 - h_t**2) if prime else dh_t
    dhx = dnet @ W.T
    H, D = h_prev.shape[1], x_t.shape[1]
    dx, dh_prev = (dhx[:, :D], dhx[:, D:]) if x_first else (dhx[:, H:], dhx[:, :H])
    hx = np.hstack([h_prev, x_t])
    return dx, dh_prev, dnet.T @ hx if dW_T else hx.T @ dnet, dnet.sum(0) if db_sum else dnet


def _sweep_in_place(P, R, V, gamma):
    V = np.array(V, dtype=float)
    policy = np.zeros(len(V), dtype=int)
    for s in range(len(V)):
        q = R[s] + gamma * P[s] @ V
        V[s], policy[s] = q.max(), q.argmax()
    return V, policy


def _perceptron_student(X, y, eta, max_epochs, *, start=None, reset=True, record_first=False,
                        bias=True):
    w = np.zeros(len(X[0]) + (1 if bias else 0)) if start is None else start(len(X[0]))
    errors, mistakes = [], 0
    for _ in range(max_epochs):
        if reset:
            mistakes = 0
        for x, target in zip(X, y, strict=True):
            inputs = np.concatenate(([1.0], x)) if bias else np.asarray(x, dtype=float)
            y_hat = int(w @ inputs >= 0)
            if y_hat != target:
                w = w + eta * (target - y_hat) * inputs
                mistakes += 1
        if record_first and mistakes == 0:
            break  # stops before counting the epoch without a mistake
        errors.append(mistakes)
        if mistakes == 0:
            break
    return w, errors


def _bisection(A, mu, steps, low, high, *, diverges, swapped=False):
    for _ in range(40):
        mid = (low + high) / 2
        if diverges(A, mu, mid, steps) != swapped:
            high = mid
        else:
            low = mid
    return (low + high) / 2


def _first_step_grows(A, mu, eta, steps):
    w0 = np.ones(len(A))
    w1 = w0 - eta * A @ w0
    return np.linalg.norm(w1) > np.linalg.norm(w0)


def _momentum_aliased(A, w0, eta, mu, steps):
    w, v = np.array(w0, dtype=float), np.zeros(len(w0))
    path = [w]
    for _ in range(steps):
        v = mu * v - eta * A @ w
        w += v  # changes the array already in path
        path.append(w)
    return np.array(path)


def _momentum_student(A, w0, eta, mu, steps, *, old_v=False, sign=-1.0, start=True):
    w, v = np.array(w0, dtype=float), np.zeros(len(w0))
    path = [w] if start else []
    for _ in range(steps):
        if old_v:
            w = w + v
        v = mu * v + sign * eta * A @ w
        if not old_v:
            w = w + v
        path.append(w)
    return np.array(path)


WRONG = {
    # name: (exercise, function, failing case, what the message says)
    "perceptron: the epoch without a mistake is not counted": (
        "train_perceptron_loop", lambda X, y, eta, n: _perceptron_student(X, y, eta, n,
                                                                           record_first=True),
        "labels all 1: w = 0 is already right (step(0) = 1)",
        ["w is right; errors: wrong shape: expected (1,), got (0,)",
         "Likely: one epoch too few: run epochs until one has no mistake"]),
    "perceptron: a random start": (
        "train_perceptron_loop", lambda X, y, eta, n: _perceptron_student(
            X, y, eta, n, start=lambda d: np.random.default_rng(3).normal(size=d + 1)),
        "labels all 1: w = 0 is already right (step(0) = 1)",
        ["w: expected [0, 0, 0], got [", "Likely: w must start at zero"]),
    "perceptron: the bias input forgotten": (
        "train_perceptron_loop", lambda X, y, eta, n: _perceptron_student(X, y, eta, n,
                                                                           bias=False),
        "labels all 1: w = 0 is already right (step(0) = 1)",
        ["errors is right; w: wrong shape: expected (3,), got (2,)",
         "Likely: w has D values: the bias w_0 comes first"]),
    "perceptron: the count never set back to 0": (
        "train_perceptron_loop", lambda X, y, eta, n: _perceptron_student(X, y, eta, n,
                                                                           reset=False),
        "AND, eta 0.5 (the notebook's run: 2 3 3 2 1 0)",
        ["w is right; errors: wrong shape: expected (6,), got (20,)",
         "Likely: the count is not set back to 0 at the start of each epoch"]),
    "perceptron: one epoch too many": (
        "train_perceptron_loop", lambda X, y, eta, n: _perceptron_student(X, y, eta, n + 1),
        "XOR never converges: max_epochs 5",
        ["errors: wrong shape: expected (5,), got (6,)", "Likely: one epoch too many"]),
    "dense_backward: db not summed over the batch": (
        "dense_backward", lambda dout, X, W, b: (dout @ W.T, X.T @ dout, dout),
        "square: 3 samples, 3 inputs, 3 outputs",
        ["dX and dW are right; db: wrong shape: expected (3,), got (3, 3)",
         "Likely: sum over the batch axis, dout.sum(axis=0)."]),
    "dense_backward: db summed with keepdims": (
        "dense_backward", lambda dout, X, W, b: (dout @ W.T, X.T @ dout,
                                                 dout.sum(axis=0, keepdims=True)),
        "square: 3 samples, 3 inputs, 3 outputs",
        ["dX and dW are right; db: wrong shape: expected (3,), got (1, 3)",
         "Likely: db has the shape of b, (n_out,)"]),
    "dense_backward: the transpose missing in dW": (
        "dense_backward", lambda dout, X, W, b: (dout @ W.T, X @ dout, dout.sum(axis=0)),
        "square: 3 samples, 3 inputs, 3 outputs",
        ["dX and db are right; dW: expected [[5, -3, 3.5]",
         "Likely: dL/dw_ij = sum_n x_ni delta_nj pairs X's rows with dout's rows"]),
    "dense_backward: dW transposed": (
        "dense_backward", lambda dout, X, W, b: (dout @ W.T, dout.T @ X, dout.sum(axis=0)),
        "square: 3 samples, 3 inputs, 3 outputs",
        ["dX and db are right; dW: expected", "Likely: dW is transposed"]),
    "dense_backward: dX with W instead of W.T": (
        "dense_backward", lambda dout, X, W, b: (dout @ W, X.T @ dout, dout.sum(axis=0)),
        "square: 3 samples, 3 inputs, 3 outputs",
        ["dW and db are right; dX: expected", "Likely: dL/dx_ni = sum_j w_ij delta_nj sums "
         "over W's second axis: dout @ W.T, not dout @ W"]),
    "dense_backward: averaged instead of summed": (
        "dense_backward", lambda dout, X, W, b: (dout @ W.T, X.T @ dout / len(X),
                                                 dout.mean(axis=0)),
        "square: 3 samples, 3 inputs, 3 outputs",
        ["dX is right; dW: expected", "Likely: the gradients are sums over the batch"]),
    "mlp_backward: sigmoid' in the hidden layer": (
        "mlp_backward", lambda *a: _mlp_student(*a, hidden_prime=lambda o: o * (1 - o)),
        "the worked example's weights, x = (0.5, 0.1), y = 1",
        ["dW2 and db2 are right; dW1: expected", "Likely: the hidden layer is tanh: "
         "tanh'(net) = 1 - o^2"]),
    "mlp_backward: the 1/N forgotten": (
        "mlp_backward", lambda *a: _mlp_student(*a, average=False),
        "two samples, y = 1 and 0: the average over N = 2",
        ["dW1: expected", "Likely: the loss averages over the N samples"]),
    "mlp_backward: the hidden delta without the derivative": (
        "mlp_backward", lambda *a: _mlp_student(*a, hidden_prime=lambda o: 1.0),
        "the worked example's weights, x = (0.5, 0.1), y = 1",
        ["dW2 and db2 are right; dW1: expected", "Likely: the hidden delta is (sum_l w_jl "
         "delta_l) times the derivative"]),
    "mlp_backward: the squared error's output delta": (
        "mlp_backward", lambda *a: _mlp_student(*a, output_prime=True),
        "the worked example's weights, x = (0.5, 0.1), y = 1",
        ["dW1: expected", "Likely: with a sigmoid output and cross-entropy"]),
    "momentum_descent: w moved with the old v": (
        "momentum_descent", lambda *a: _momentum_student(*a, old_v=True),
        "the notebook's ravine L = (w_1^2 + 20 w_2^2)/2, eta 0.02, mu 0.8, 10 steps",
        ["got [[-2, 1], [-2, 1], [-1.96, 0.6]", "Likely: w moved by the old velocity"]),
    "momentum_descent: a sign error": (
        "momentum_descent", lambda *a: _momentum_student(*a, sign=1.0),
        "the notebook's ravine L = (w_1^2 + 20 w_2^2)/2, eta 0.02, mu 0.8, 10 steps",
        ["expected [[-2, 1], [-1.96, 0.6]", "Likely: a sign: v <- mu v - eta A w goes "
         "downhill"]),
    "momentum_descent: the start point missing": (
        "momentum_descent", lambda *a: _momentum_student(*a, start=False),
        "the notebook's ravine L = (w_1^2 + 20 w_2^2)/2, eta 0.02, mu 0.8, 10 steps",
        ["wrong shape: expected (11, 2), got (10, 2)", "Likely: the trajectory starts with "
         "w0: steps + 1 rows"]),
    "momentum_descent: every row the same array": (
        "momentum_descent", _momentum_aliased,
        "the notebook's ravine L = (w_1^2 + 20 w_2^2)/2, eta 0.02, mu 0.8, 10 steps",
        ["Likely: every row is the last w"]),
    "divergence_eta: the run forgets the velocity": (
        "divergence_eta", lambda A, mu, steps, low, high: _bisection(
            A, 0.0, steps, low, high, diverges=_diverges),
        "the notebook's ravine diag(1, 20), mu 0.8",
        ["expected 0.18, got 0.1", "Likely: that is plain gradient descent's boundary"]),
    "divergence_eta: the bisection keeps the wrong half": (
        "divergence_eta", lambda *a: _bisection(*a, diverges=_diverges, swapped=True),
        "the notebook's ravine diag(1, 20), mu 0.8",
        ["expected 0.18, got 1", "Likely: the bracket did not close on the boundary"]),
    "divergence_eta: judged after the first step": (
        "divergence_eta", lambda *a: _bisection(*a, diverges=_first_step_grows),
        "the notebook's ravine diag(1, 20), mu 0.8",
        ["expected 0.18, got 0.104738", "Likely: some runs that converge were judged "
         "diverging"]),
    "divergence_eta: the closed form of gradient descent": (
        "divergence_eta", lambda A, mu, steps, low, high: 2 / np.linalg.eigvalsh(A).max(),
        "the notebook's ravine diag(1, 20), mu 0.8",
        ["expected 0.18, got 0.1", "Likely: that is plain gradient descent's boundary"]),
    "cross_correlate2d_loops: the kernel flipped": (
        "cross_correlate2d_loops", lambda x, w, s, p: _correlate(
            _pad(x, p, p), w[::-1, ::-1], s, *conv.cross_correlate2d(x, w, s, p).shape),
        "the lecture's 6x6 example, stride 1 (its corner is 11, not the slide's 10)",
        ["expected [[-14, -1, 10, -1], [-11, -11, 7, 12], [-7, -10, 1, 13], [5, -16, -4, 11]]"
         ", got [[14, 1, -10, 1]", "Likely: the kernel is flipped: that is a convolution"]),
    "cross_correlate2d_loops: padding on one side only": (
        "cross_correlate2d_loops", lambda x, w, s, p: _correlate(
            _pad(x, p, 0), w, s, *[(n + p - len(w)) // s + 1 for n in x.shape]),
        "the lecture's 6x6 example, padding 1",
        ["wrong shape: expected (6, 6), got (5, 5)", "Likely: padding on one side only"]),
    "cross_correlate2d_loops: the stride ignored in the window": (
        "cross_correlate2d_loops", lambda x, w, s, p: _correlate(
            _pad(x, p, p), w, s, *conv.cross_correlate2d(x, w, s, p).shape,
            start=lambda i, s: i),
        "the lecture's 6x6 example, stride 2",
        ["expected [[-14, 10], [-7, 1]], got [[-14, -1], [-11, -11]]",
         "Likely: the window of out[i, j] starts at row i * stride"]),
    "cross_correlate2d_loops: the stride ignored": (
        "cross_correlate2d_loops", lambda x, w, s, p: _correlate(
            _pad(x, p, p), w, 1, *conv.cross_correlate2d(x, w, 1, p).shape),
        "the lecture's 6x6 example, stride 2",
        ["wrong shape: expected (2, 2), got (4, 4)", "Likely: the stride is ignored"]),
    "cross_correlate2d_loops: one output too few": (
        "cross_correlate2d_loops", lambda x, w, s, p: _correlate(
            _pad(x, p, p), w, s, *[(n + 2 * p - len(w)) // s for n in x.shape]),
        "the lecture's 6x6 example, stride 1 (its corner is 11, not the slide's 10)",
        ["wrong shape: expected (4, 4), got (3, 3)", "Likely: one output row and column too "
         "few"]),
    "lstm_step_forward: f_t and i_t swapped": (
        "lstm_step_forward", lambda *a: _lstm_wrong(*a, swap=True),
        "memory kept: f_t = 1, i_t = 0 (biases 30 and -30, weights 0)",
        ["h_t: expected", "Likely: f_t and i_t are swapped"]),
    "lstm_step_forward: the sigmoid for the candidate": (
        "lstm_step_forward", lambda *a: _lstm_wrong(*a, candidate=lambda z: 1 / (1 + np.exp(-z))),
        "the notebook's step: lstm_init(3, 4, rng(2)), one sample",
        ["h_t: expected", "Likely: C_tilde_t takes tanh (values in (-1, 1)), not the "
         "sigmoid"]),
    "lstm_step_forward: h_t without tanh": (
        "lstm_step_forward", lambda *a: _lstm_wrong(*a, h_of=lambda C: C),
        "memory kept: f_t = 1, i_t = 0 (biases 30 and -30, weights 0)",
        ["C_t is right; h_t: expected", "Likely: h_t = o_t * tanh(C_t)"]),
    "lstm_step_forward: [x_t, h_prev] concatenated": (
        "lstm_step_forward", lambda *a: _lstm_wrong(*a, x_first=True),
        "the notebook's step: lstm_init(3, 4, rng(2)), one sample",
        ["h_t: expected", "Likely: [h_{t-1}, x_t] puts h_{t-1} first"]),
    "rnn_step_backward: tanh' forgotten": (
        "rnn_step_backward", lambda *a: _rnn_wrong(*a, prime=False),
        "the notebook's RNN: rnn_init(2, 3, rng(0)), one sample",
        ["dx: expected", "Likely: dh_t goes back through the tanh first"]),
    "rnn_step_backward: [dx, dh_prev] split the wrong way": (
        "rnn_step_backward", lambda *a: _rnn_wrong(*a, x_first=True),
        "the notebook's RNN: rnn_init(2, 3, rng(0)), one sample",
        ["dW and db are right; dx: expected [[0.6232, -0.7505]], got [[-0.07559, 0.2366]]",
         "Likely: [h_{t-1}, x_t] puts h_{t-1} first"]),
    "rnn_step_backward: dW transposed": (
        "rnn_step_backward", lambda *a: _rnn_wrong(*a, dW_T=True),
        "the notebook's RNN: rnn_init(2, 3, rng(0)), one sample",
        ["dx and dh_prev and db are right; dW: wrong shape: expected (5, 3), got (3, 5)",
         "Likely: dW has the shape of W, (H + D, H)"]),
    "rnn_step_backward: db not summed": (
        "rnn_step_backward", lambda *a: _rnn_wrong(*a, db_sum=False),
        "the notebook's RNN: rnn_init(2, 3, rng(0)), one sample",
        ["dx and dh_prev and dW are right; db: wrong shape: expected (3,), got (1, 3)",
         "Likely: db sums over the batch axis"]),
    "value_iteration_sweep: updated in place": (
        "value_iteration_sweep", _sweep_in_place,
        "two states by hand: stay or switch, V = (1, 2)",
        ["V_new: expected [2.8, 2.3], got [2.8, 2.52]", "Likely: a sweep is synchronous"]),
    "value_iteration_sweep: min instead of max": (
        "value_iteration_sweep", lambda P, R, V, g: ((R + g * P @ V).min(1),
                                                     (R + g * P @ V).argmax(1)),
        "two states by hand: stay or switch, V = (1, 2)",
        ["policy is right; V_new: expected [2.8, 2.3], got [0.9, 0.9]",
         "Likely: the Bellman update takes the best action"]),
    "value_iteration_sweep: the last of tied actions": (
        "value_iteration_sweep", lambda P, R, V, g: value_iteration_sweep(
            P[:, ::-1], R[:, ::-1], V, g)[:1] + (R.shape[1] - 1 - value_iteration_sweep(
                P[:, ::-1], R[:, ::-1], V, g)[1],),
        "the notebook's 5x5 grid, V = 0 (ties everywhere)",
        ["V_new is right; policy: expected", "Likely: on a tie take the first of the best "
         "actions"]),
    "value_iteration_sweep: Q returned as V_new": (
        "value_iteration_sweep", lambda P, R, V, g: (R + g * P @ V, (R + g * P @ V).argmax(1)),
        "two states by hand: stay or switch, V = (1, 2)",
        ["policy is right; V_new: wrong shape: expected (2,), got (2, 2)",
         "Likely: V_new has one value per state"]),
}


def _mlp_student(X, y, W1, b1, W2, b2, *, hidden_prime=lambda o: 1 - o**2, average=True,
                 output_prime=False):
    o = np.tanh(X @ W1 + b1)
    y_hat = 1 / (1 + np.exp(-(o @ W2 + b2)))
    delta_out = (y_hat - y.reshape(-1, 1)) / (len(X) if average else 1)
    if output_prime:
        delta_out = delta_out * y_hat * (1 - y_hat)
    delta = delta_out @ W2.T * hidden_prime(o)
    return X.T @ delta, delta.sum(0), o.T @ delta_out, delta_out.sum(0)


@pytest.mark.parametrize("mistake", list(WRONG))
def test_a_typical_wrong_answer_is_rejected_with_the_part_and_the_likely_mistake(mistake):
    name, function, case, says = WRONG[mistake]
    exercise = EXERCISES[name]
    result = check(name, function)
    assert result.passed is False
    assert result.failed_case == case, result.message
    assert result.message.startswith(f"✗ {name}, case '{case}' (")
    for words in says:
        assert words in result.message, result.message
    assert f"Hint: {exercise.hint}; lecture: {exercise.equation}" in result.message
    assert "\n" not in result.message


def test_every_exercise_has_at_least_three_typical_wrong_answers():
    counts = {name: sum(w[0] == name for w in WRONG.values()) for name in NAMES}
    assert min(counts.values()) >= 3, counts


@pytest.mark.parametrize(("name", "mistakes"), [
    ("train_perceptron_loop", larger_mlp._PERCEPTRON_MISTAKES),
    ("dense_backward", larger_mlp._DENSE_MISTAKES), ("mlp_backward", larger_mlp._MLP_MISTAKES),
    ("momentum_descent", larger_mlp._MOMENTUM_MISTAKES),
    ("cross_correlate2d_loops", larger_cnn_rnn_rl._CONV_MISTAKES),
    ("lstm_step_forward", larger_cnn_rnn_rl._LSTM_MISTAKES),
    ("rnn_step_backward", larger_cnn_rnn_rl._RNN_MISTAKES),
    ("value_iteration_sweep", larger_cnn_rnn_rl._SWEEP_MISTAKES),
])
def test_every_mistake_the_diagnosis_knows_is_caught_and_named(name, mistakes):
    # no two known mistakes give the same answer on the case that catches the first
    for phrase, mistake in mistakes:
        result = check(name, mistake)
        assert not result.passed
        assert f"Likely: {phrase}." in result.message, result.message


@pytest.mark.parametrize("name", NAMES)
def test_the_diagnosis_never_raises_and_says_a_phrase_or_nothing(name):
    exercise = EXERCISES[name]
    for case in exercise.cases(np.random.default_rng(0))[:3]:
        expected = exercise.reference(*case.args)
        for got in (None, "abc", (), (1, 2, 3, 4, 5), np.zeros((2, 9)), [[np.nan]], 1e300,
                    tuple(np.zeros(3) for _ in range(len(expected) if isinstance(
                        expected, tuple) else 1))):
            said = exercise.diagnose(case, expected, got)
            assert said is None or (isinstance(said, str) and said and "\n" not in said)


# ------------------------------------------------------------------ hints, stubs, messages


def _code_lines(*functions):
    r"""The solution's lines that compute something (an operator, a sum, a squashing).

    Scaffolding that any skeleton shares with a solution (``for j in range(W_out):``,
    ``return dX, dW, db``) is left out; docstrings and comments too.
    """
    computes = ("@", "*", " + ", " - ", "/", ".sum(", ".max(", ".argmax(", "tanh", "sigma",
                "np.pad", "concatenate", "hstack")
    lines = set()
    for function in functions:
        doc = function.__doc__ or ""
        for line in inspect.getsource(function).splitlines():
            line = line.split("  #")[0].strip()
            if (len(line) >= 12 and not line.startswith(("#", "def ", "r\"\"\""))
                    and line not in doc and any(sign in line for sign in computes)):
                lines.add(line)
    return lines


LIBRARY = {
    "train_perceptron_loop": [neurons.train_perceptron, neurons.perceptron_update],
    "dense_backward": [mlp.dense_backward],
    "mlp_backward": [mlp.MLP.backward, mlp.MLP.loss_and_gradients],
    "momentum_descent": [optim.momentum_step, optim.trajectory],
    "divergence_eta": [],
    "cross_correlate2d_loops": [conv.conv2d_forward_loops, conv.cross_correlate2d],
    "lstm_step_forward": [lstm.lstm_step_forward],
    "rnn_step_backward": [rnn.rnn_step_backward],
    "value_iteration_sweep": [rl.bellman_backup, rl.value_iteration],
}


@pytest.mark.parametrize("name", NAMES)
def test_the_hint_ladder_has_three_steps_that_never_show_the_solution(name):
    exercise = EXERCISES[name]
    assert len(exercise.hints) == 3
    equation, shapes, skeleton = exercise.hints
    assert "Shapes" in shapes or "shape" in shapes
    assert "skeleton" in skeleton and "..." in skeleton
    solution = _code_lines(exercise.reference, CORRECT[name], *LIBRARY[name])
    for hint in exercise.hints:
        for line in solution:
            assert line not in hint, (name, line)


def test_the_ladder_shows_one_step_per_call_and_says_when_it_is_used_up():
    exercise = EXERCISES["dense_backward"]
    shown = checker.HINTS_SHOWN.pop(exercise.name, None)
    try:
        assert "(3 hints left: exercises.hint('dense_backward'))" in check(
            "dense_backward", WRONG["dense_backward: db not summed over the batch"][1]).message
        for k in range(3):
            assert checker.next_hint(exercise) == (f"dense_backward, hint {k + 1} of 3: "
                                                   f"{exercise.hints[k]}")
        assert checker.next_hint(exercise).startswith("dense_backward: that was the last of 3")
        used_up = check("dense_backward",
                        WRONG["dense_backward: db not summed over the batch"][1]).message
        assert "hints left" not in used_up and "Likely: sum over the batch axis" in used_up
    finally:
        checker.HINTS_SHOWN.pop(exercise.name, None)
        if shown is not None:
            checker.HINTS_SHOWN[exercise.name] = shown


def _stub(*args, **kwargs):
    raise NotImplementedError()


@pytest.mark.parametrize("name", NAMES)
def test_a_stub_is_not_implemented_yet(name):
    result = check(name, _stub)
    assert result.passed is False
    assert result.message.startswith(f"✎ {name}: not implemented yet")
    assert EXERCISES[name].signature in result.message


@pytest.mark.parametrize("name", NAMES)
def test_every_exercise_reads_like_the_others(name):
    exercise = EXERCISES[name]
    assert exercise.signature.startswith(f"{name}(")
    assert exercise.equation and exercise.hint and "\n" not in exercise.hint
    cases = exercise.cases(np.random.default_rng(0))
    assert len({case.name for case in cases}) == len(cases) >= 4
    assert not any(case.name.startswith("random") for case in cases[:2])  # hand-picked first
    if exercise.parts:
        assert len(exercise.parts) == len(exercise.reference(*cases[0].args))


def test_the_lstm_params_print_as_their_shapes_and_are_a_dict():
    params = larger.Params(lstm.lstm_init(3, 4, np.random.default_rng(0)))
    assert isinstance(params, dict)
    assert repr(params) == "params{W_f, W_i, W_C, W_o: (7, 4); b_f, b_i, b_C, b_o: (4,)}"
