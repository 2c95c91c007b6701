r"""The exercise checkers: right answers pass, the typical wrong ones get the lecture's hint.

Each checker is run on the reference solution, on a second correct solution
written here independently (loops instead of vector operations), and on the
typical mistakes a student makes with the lecture's equation; the message must
name the first case that fails, say what was expected and what came back, and
never show a traceback.
"""

import dataclasses
import json
import math
import re
from pathlib import Path

import numpy as np
import pytest

from course_lib.exercises import EXERCISES, Result, check, check_all, checker

# the short exercises (the larger ones are in test_larger_exercises.py), in the notebooks' order
NAMES = ["perceptron_output", "perceptron_update", "sigmoid_prime", "output_delta",
         "hidden_delta", "largest_stable_eta", "momentum_step", "cross_correlation_at",
         "conv_output_size", "cell_state", "lstm_output", "som_update", "q_update",
         "bellman_targets"]
NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"


@pytest.fixture(autouse=True)
def _no_hints_shown_yet():
    checker.HINTS_SHOWN.clear()  # the ladder counts per kernel; every test starts afresh
    yield
    checker.HINTS_SHOWN.clear()


def _hint_ending(name):
    r"""How a failed check ends: the hint, the lecture's equation, the ladder's steps left."""
    exercise = EXERCISES[name]
    return (f"Hint: {exercise.hint}; lecture: {exercise.equation} ({len(exercise.hints)} hints "
            f"left: exercises.hint('{name}'))")


def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def _elementwise(function, *arrays):
    r"""Apply a scalar ``function`` element by element, in a Python loop."""
    arrays = [np.asarray(a, dtype=float) for a in arrays]
    out = np.empty(arrays[0].shape)
    for index in np.ndindex(out.shape):
        out[index] = function(*(float(a[index]) for a in arrays))
    return out


# ------------------------------------------------------------------ correct, written independently


def perceptron_output(w, x):
    net = w[0]
    for i in range(len(x)):
        net += w[i + 1] * x[i]
    return 1 if net >= 0 else 0


def perceptron_update(w, x, y, eta):
    inputs = [1.0] + [float(v) for v in x]
    error = y - perceptron_output(w, x)
    return np.array([w[i] + eta * error * inputs[i] for i in range(len(w))])


def sigmoid_prime(net):
    def one(z):  # sigma(z) (1 - sigma(z)) = e^-|z| / (1 + e^-|z|)^2, without overflow
        e = math.exp(-abs(z))
        return e / (1.0 + e) ** 2
    return _elementwise(one, net)


def output_delta(y, o):
    return _elementwise(lambda y_, o_: (o_ - y_) * o_ * (1.0 - o_), y, o)


def hidden_delta(delta_next, W_next, o):
    n_samples, n_hidden = o.shape
    out = np.zeros((n_samples, n_hidden))
    for n in range(n_samples):
        for j in range(n_hidden):
            total = sum(W_next[j, m] * delta_next[n, m] for m in range(W_next.shape[1]))
            out[n, j] = total * o[n, j] * (1.0 - o[n, j])
    return out


def momentum_step(w, dw, v, eta, mu):
    v_new = np.array([mu * v[i] - eta * dw[i] for i in range(len(w))])
    w_new = np.array([w[i] + v_new[i] for i in range(len(w))])
    return w_new, v_new


def largest_stable_eta(A):
    # power iteration for lambda_max instead of np.linalg.eigvalsh
    v = np.ones(A.shape[0])
    for _ in range(2000):
        v = A @ v
        v /= np.linalg.norm(v)
    return 2.0 / float(v @ A @ v)


def conv_output_size(n, k, stride, padding):
    count, start = 0, 0
    while start + k <= n + 2 * padding:  # count the window positions that fit
        count += 1
        start += stride
    return count


def cross_correlation_at(x, w, i, j, stride):
    total = 0.0
    for u in range(w.shape[0]):
        for v in range(w.shape[1]):
            total += x[i * stride + u, j * stride + v] * w[u, v]
    return total


def cell_state(f_t, i_t, C_tilde_t, C_prev):
    return _elementwise(lambda f, i, c_new, c_old: f * c_old + i * c_new,
                        f_t, i_t, C_tilde_t, C_prev)


def lstm_output(o_t, C_t):
    return _elementwise(lambda o, c: o * math.tanh(c), o_t, C_t)


def som_update(W, x, eta, sigma, grid):
    W = np.asarray(W, dtype=float)
    new = W.copy()
    squared = [sum((x[d] - W[j, d]) ** 2 for d in range(W.shape[1])) for j in range(len(W))]
    c = min(range(len(W)), key=lambda j: squared[j])  # the first on a tie, as argmin
    for j in range(len(W)):
        d2 = sum((grid[j][k] - grid[c][k]) ** 2 for k in range(len(grid[j])))
        h = math.exp(-d2 / (2 * sigma**2))
        for d in range(W.shape[1]):
            new[j, d] = W[j, d] + eta * h * (x[d] - W[j, d])
    return new


def q_update(Q, s, a, r, s_next, done, alpha, gamma):
    table = [list(row) for row in np.asarray(Q, dtype=float)]
    target = r if done else r + gamma * max(table[s_next])
    table[s][a] += alpha * (target - table[s][a])
    return np.array(table)


def bellman_targets(rewards, next_q_target, dones, gamma):
    return np.array([r + (0.0 if done else gamma * max(q))
                     for r, q, done in zip(rewards, next_q_target, dones, strict=True)])


CORRECT = {name: globals()[name] for name in NAMES}


def _assert_one_friendly_line(message):
    assert "\n" not in message and "\r" not in message
    assert "Traceback" not in message


def test_the_exercises_are_registered_in_the_notebooks_order():
    checked = []  # every exercises.check("name", ...) of the notebooks, in reading order
    for notebook in sorted(NOTEBOOKS.glob("0*.ipynb")):
        for cell in json.loads(notebook.read_text(encoding="utf-8"))["cells"]:
            checked += re.findall(r'exercises\.check\("(\w+)"', "".join(cell["source"]))
    assert list(EXERCISES) == checked
    assert [name for name in EXERCISES if name in NAMES] == NAMES
    for name, exercise in EXERCISES.items():
        assert exercise.name == name and exercise.hint and exercise.equation


# ------------------------------------------------------------------ right answers pass


@pytest.mark.parametrize("name", NAMES)
def test_reference_solution_passes(name):
    result = check(name, EXERCISES[name].reference)
    assert result.passed is True, result.message
    assert result.message.startswith(f"✓ {name}: all ")
    assert EXERCISES[name].equation in result.message
    assert result.failed_case is None
    _assert_one_friendly_line(result.message)


@pytest.mark.parametrize("name", NAMES)
def test_independent_correct_solution_passes(name):
    result = check(name, CORRECT[name])
    assert result.passed is True, result.message
    assert result.message.startswith(f"✓ {name}: all ")


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("name", NAMES)
def test_independent_solution_passes_the_random_cases_of_other_seeds(name, seed):
    assert check(name, CORRECT[name], seed=seed).passed


def test_other_return_types_of_a_right_answer_pass():
    # a bool, a list: the value counts, not the type; but a size must be an int
    assert check("perceptron_output", lambda w, x: bool(w[0] + w[1:] @ x >= 0)).passed
    assert check("conv_output_size", lambda n, k, s, p: np.int64((n + 2 * p - k) // s + 1)).passed
    as_float = check("conv_output_size", lambda n, k, s, p: float((n + 2 * p - k) // s + 1))
    assert not as_float.passed and "expected an int (a size); got float 4" in as_float.message
    assert check("momentum_step", lambda w, dw, v, eta, mu: list(momentum_step(w, dw, v, eta,
                                                                              mu))).passed


# ------------------------------------------------------------------ typical wrong answers


def _net(w, x):
    return w[0] + np.dot(w[1:], x)


def _update_with(y_hat_of, sign=1):
    def update(w, x, y, eta):
        return w + sign * eta * (y - y_hat_of(w, x)) * np.concatenate(([1.0], x))
    return update


def _transpose_only_when_forced(delta_next, W_next, o):
    # delta_next @ W_next raised for 3 -> 2, so the student "fixed" it with a try
    try:
        total = delta_next @ W_next
    except ValueError:
        total = delta_next @ W_next.T
    return total * o * (1.0 - o)


def _momentum_old_velocity(w, dw, v, eta, mu):
    return w + v, mu * v - eta * dw  # moves with the old velocity


def _window(x, w, row, col):
    k = w.shape[0]
    return x[row:row + k, col:col + k]


# (exercise, wrong function, first case that fails, what the message says about it)
WRONG = {
    "perceptron_output: > instead of >=": (
        "perceptron_output", lambda w, x: int(_net(w, x) > 0),
        "exactly on the line, net = 0", "expected 1, got 0"),
    "perceptron_output: forgot the bias w_0": (
        "perceptron_output", lambda w, x: int(np.dot(w[1:], x) >= 0),
        "AND unit, input (0, 1)", "expected 0, got 1"),
    "perceptron_output: sign(net), the -1/+1 convention": (
        "perceptron_output", lambda w, x: int(np.sign(_net(w, x))),
        "AND unit, input (0, 1)", "expected 0, got -1"),
    "perceptron_output: bias taken as the last weight": (
        "perceptron_output", lambda w, x: int(w[-1] + np.dot(w[:-1], x) >= 0),
        "AND unit, input (0, 1)", "expected 0, got 1"),
    "perceptron_update: sign error (y_hat - y)": (
        "perceptron_update", _update_with(lambda w, x: int(_net(w, x) >= 0), sign=-1),
        "missed a 1 (y = 1, y_hat = 0)", "expected [-0.4, 1, -0.9], got [-0.6, 1, -1.1]"),
    "perceptron_update: forgot the bias input 1": (
        "perceptron_update",
        lambda w, x, y, eta: np.concatenate(([w[0]], w[1:] + eta * (y - int(_net(w, x) >= 0))
                                             * x)),
        "missed a 1 (y = 1, y_hat = 0)", "expected [-0.4, 1, -0.9], got [-0.5, 1, -0.9]"),
    "perceptron_update: y_hat with > instead of >=": (
        "perceptron_update", _update_with(lambda w, x: int(_net(w, x) > 0)),
        "zero weights fire on everything", "expected [-0.5, -0.5, -0.5], got [0, 0, 0]"),
    "perceptron_update: no y_hat, w + eta y x": (
        "perceptron_update", _update_with(lambda w, x: 0),
        "already right (y = y_hat = 1): no change", "expected [-0.5, 1, -1], got"),
    "sigmoid_prime: sigma (1 + sigma)": (
        "sigmoid_prime", lambda net: _sigmoid(net) * (1 + _sigmoid(net)),
        "net = 0", "expected 0.25, got 0.75"),
    "sigmoid_prime: net (1 - net)": (
        "sigmoid_prime", lambda net: net * (1 - net), "net = 0", "expected 0.25, got 0"),
    "sigmoid_prime: sigma itself": (
        "sigmoid_prime", _sigmoid, "net = 0", "expected 0.25, got 0.5"),
    "output_delta: missing o (1 - o)": (
        "output_delta", lambda y, o: -(y - o), "o = 0.5", "expected [-0.125], got [-0.5]"),
    "output_delta: sign error +(y - o)": (
        "output_delta", lambda y, o: (y - o) * o * (1 - o),
        "o = 0.5", "expected [-0.125], got [0.125]"),
    "output_delta: derivative at y instead of o": (
        "output_delta", lambda y, o: -(y - o) * y * (1 - y),
        "o = 0.5", "expected [-0.125], got [0]"),
    "hidden_delta: missing o (1 - o)": (
        "hidden_delta", lambda d, W, o: d @ W.T,
        "one hidden node, one output", "expected [[0.025]], got [[0.1]]"),
    "hidden_delta: sigma'(o) instead of o (1 - o)": (
        "hidden_delta", lambda d, W, o: (d @ W.T) * _sigmoid(o) * (1 - _sigmoid(o)),
        "one hidden node, one output", "expected [[0.025]], got [[0.0235]]"),
    "hidden_delta: W_next not transposed, square weights": (
        "hidden_delta", _transpose_only_when_forced,
        "square weights (2 -> 2)", "expected [[-0.25, -0.1875]], got [[-0.5, -0.375]]"),
    "momentum_step: sign error v = mu v + eta dw": (
        "momentum_step", lambda w, dw, v, eta, mu: (w + mu * v + eta * dw, mu * v + eta * dw),
        "first step (v = 0)",
        "w_new: expected [0.95, -1.9], got [1.05, -2.1]"),
    "momentum_step: w moved by the old velocity": (
        "momentum_step", _momentum_old_velocity,
        "first step (v = 0)", "v_new is right; w_new: expected [0.95, -1.9], got [1, -2]"),
    "momentum_step: forgot mu": (
        "momentum_step", lambda w, dw, v, eta, mu: (w + v - eta * dw, v - eta * dw),
        "mu = 0 is gradient descent", "w_new: expected [0.95, -1.9], got"),
    "momentum_step: (v, w) in the wrong order": (
        "momentum_step", lambda w, dw, v, eta, mu: (mu * v - eta * dw, w + mu * v - eta * dw),
        "first step (v = 0)", "the values are right but in the wrong order: you returned "
        "(v_new, w_new); return (w_new, v_new)"),
    "largest_stable_eta: 1 / lambda_max": (
        "largest_stable_eta", lambda A: 1.0 / np.linalg.eigvalsh(A).max(),
        "L(w) = (w_1^2 + 10 w_2^2) / 2", "expected 0.2, got 0.1"),
    "largest_stable_eta: 2 / lambda_min": (
        "largest_stable_eta", lambda A: 2.0 / np.linalg.eigvalsh(A).min(),
        "L(w) = (w_1^2 + 10 w_2^2) / 2", "expected 0.2, got 2"),
    "largest_stable_eta: 2 / max(diag(A))": (
        "largest_stable_eta", lambda A: 2.0 / np.diag(A).max(),
        "a rotated ravine", "expected 0.1, got"),
    "conv_output_size: no + 1": (
        "conv_output_size", lambda n, k, s, p: (n + 2 * p - k) // s,
        "the lecture's 6x6, k 3, stride 1", "expected 4, got 3"),
    "conv_output_size: p instead of 2p": (
        "conv_output_size", lambda n, k, s, p: (n + p - k) // s + 1,
        "same size with padding", "expected 7, got 6"),
    "conv_output_size: true division": (
        "conv_output_size", lambda n, k, s, p: (n + 2 * p - k) / s + 1,
        "the lecture's 6x6, k 3, stride 1", "expected an int (a size); got float 4"),
    "conv_output_size: true division, rounded only when whole": (
        "conv_output_size",
        lambda n, k, s, p: int((n + 2 * p - k) / s + 1) if ((n + 2 * p - k) / s).is_integer()
        else (n + 2 * p - k) / s + 1,
        "the lecture's 6x6, k 3, stride 2", "expected an int (a size); got float 2.5"),
    "conv_output_size: forgot the stride": (
        "conv_output_size", lambda n, k, s, p: n + 2 * p - k + 1,
        "the lecture's 6x6, k 3, stride 2", "expected 2, got 4"),
    "conv_output_size: ceil instead of floor": (
        "conv_output_size", lambda n, k, s, p: -(-(n + 2 * p - k) // s) + 1,
        "the lecture's 6x6, k 3, stride 2", "expected 2, got 3"),
    "cross_correlation_at: flipped kernel (convolution)": (
        "cross_correlation_at",
        lambda x, w, i, j, s: float(np.sum(_window(x, w, i * s, j * s) * w[::-1, ::-1])),
        "the lecture's example, top left", "expected -14, got 14"),
    "cross_correlation_at: forgot the stride": (
        "cross_correlation_at", lambda x, w, i, j, s: float(np.sum(_window(x, w, i, j) * w)),
        "the lecture's example, stride 2, position (1, 0)", "expected -7, got -11"),
    "cross_correlation_at: swapped i and j": (
        "cross_correlation_at",
        lambda x, w, i, j, s: float(np.sum(_window(x, w, j * s, i * s) * w)),
        "the lecture's example, stride 2, position (1, 0)", "expected -7, got 10"),
    "cross_correlation_at: kernel flipped upside down only": (
        "cross_correlation_at",
        lambda x, w, i, j, s: float(np.sum(_window(x, w, i * s, j * s) * w[::-1])),
        "a kernel that is not symmetric", "expected"),
    "cell_state: swapped gates": (
        "cell_state", lambda f, i, c_new, c_old: f * c_new + i * c_old,
        "forget gate 1, input gate 0: memory kept", "expected [[0.8, -0.5, 2]], got"),
    "cell_state: forgot the forget gate": (
        "cell_state", lambda f, i, c_new, c_old: c_old + i * c_new,
        "forget gate 0, input gate 1: memory replaced", "expected [[-0.3, 0.9, 0.1]], got"),
    "cell_state: tanh of the candidate again": (
        "cell_state", lambda f, i, c_new, c_old: f * c_old + i * np.tanh(c_new),
        "forget gate 0, input gate 1: memory replaced", "expected [[-0.3, 0.9, 0.1]], got"),
    "lstm_output: o * C without tanh": (
        "lstm_output", lambda o, C: o * C,
        "output gate open", "expected [[0.4621, -0.4621, 0.9951]], got [[0.5, -0.5, 3]]"),
    "lstm_output: tanh(o * C)": (
        "lstm_output", lambda o, C: np.tanh(o * C),
        "large cell state", "expected [[0.5, -0.5]], got [[1, -1]]"),
    "lstm_output: sigmoid instead of tanh": (
        "lstm_output", lambda o, C: o * _sigmoid(C), "output gate open", "expected"),
    "lstm_output: o + tanh(C)": (
        "lstm_output", lambda o, C: o + np.tanh(C), "output gate closed",
        "expected [[0, 0]], got [[0.7616, -0.964]]"),
    "som_update: only the winner moves": (
        "som_update", lambda W, x, eta, sigma, grid: _som_with(W, x, eta, sigma, grid,
                                                             only_winner=True),
        "1x3 grid, x nearest the middle unit",
        "expected [[0.3639, 0.1516], [1.1, 0.25], [1.757, 0.1516]], got [[0, 0], [1.1, 0.25]"),
    "som_update: the winner is the farthest unit": (
        "som_update", lambda W, x, eta, sigma, grid: _som_with(W, x, eta, sigma, grid,
                                                             farthest=True),
        "1x3 grid, x nearest the middle unit", "got [[0.6, 0.25], [1.061, 0.1516]"),
    "som_update: neighbourhood by the distance between weights, not on the grid": (
        "som_update", lambda W, x, eta, sigma, grid: _som_with(W, x, eta, sigma, grid,
                                                             weight_distance=True),
        "random 3x4 map, D = 3 (1)", "expected"),
    "q_update: bootstraps after a terminal move": (
        "q_update", lambda Q, s, a, r, s_next, done, alpha, gamma: _q_with(
            Q, s, a, r + gamma * np.max(Q[s_next]), alpha),
        "done: no bootstrap (the next state is terminal)",
        "expected [[0, 0.75], [1, -1], [0.2, 0.3]], got [[0, 1.2], [1, -1], [0.2, 0.3]]"),
    "q_update: max over the current state": (
        "q_update", lambda Q, s, a, r, s_next, done, alpha, gamma: _q_with(
            Q, s, a, r if done else r + gamma * np.max(Q[s]), alpha),
        "not done: bootstrap from the best next action",
        "expected [[0, 0.68], [1, -1], [0.2, 0.3]], got [[0, 0.455], [1, -1], [0.2, 0.3]]"),
    "q_update: Q(s', a) instead of the max (SARSA-like)": (
        "q_update", lambda Q, s, a, r, s_next, done, alpha, gamma: _q_with(
            Q, s, a, r if done else r + gamma * Q[s_next][a], alpha),
        "not done: bootstrap from the best next action", "got [[0, -0.22], [1, -1]"),
    "q_update: forgot alpha": (
        "q_update", lambda Q, s, a, r, s_next, done, alpha, gamma: _q_with(
            Q, s, a, r if done else r + gamma * np.max(Q[s_next]), 1.0),
        "not done: bootstrap from the best next action", "got [[0, 0.86], [1, -1]"),
    "bellman_targets: bootstraps at terminal states": (
        "bellman_targets", lambda r, q, d, g: np.asarray(r) + g * np.asarray(q).max(axis=1),
        "all terminal: the reward alone", "expected [1, 1, 1], got [2.8, 1.45, 3.7]"),
    "bellman_targets: mean instead of max": (
        "bellman_targets",
        lambda r, q, d, g: np.asarray(r) + g * np.asarray(q).mean(axis=1) * (1 - np.asarray(d)),
        "none terminal", "expected [1.8, 1.45, 1.7], got [1.35, 1, 0.35]"),
    "bellman_targets: done and not done swapped": (
        "bellman_targets",
        lambda r, q, d, g: np.asarray(r) + g * np.asarray(q).max(axis=1) * np.asarray(d),
        "none terminal", "expected [1.8, 1.45, 1.7], got [0, 1, -1]"),
}


def _som_with(W, x, eta, sigma, grid, *, only_winner=False, farthest=False,
              weight_distance=False):
    W = np.asarray(W, dtype=float)
    distances = np.linalg.norm(W - x, axis=1)
    c = int(np.argmax(distances) if farthest else np.argmin(distances))
    if only_winner:
        h = (np.arange(len(W)) == c).astype(float)
    else:
        apart = W - W[c] if weight_distance else np.asarray(grid) - np.asarray(grid)[c]
        h = np.exp(-np.sum(apart**2, axis=1) / (2 * sigma**2))
    return W + eta * h[:, None] * (x - W)


def _q_with(Q, s, a, target, alpha):
    Q = np.array(Q, dtype=float)
    Q[s, a] += alpha * (target - Q[s, a])
    return Q


@pytest.mark.parametrize("mistake", list(WRONG))
def test_typical_wrong_answer_is_rejected_with_the_case_and_the_hint(mistake):
    name, function, case, says = WRONG[mistake]
    exercise = EXERCISES[name]
    result = check(name, function)
    assert result.passed is False
    assert result.failed_case == case
    assert result.message.startswith(f"✗ {name}, case '{case}' (")
    assert says in result.message
    assert ("expected " in result.message and "got " in result.message
            or "in the wrong order: you returned" in result.message)
    assert result.message.endswith(_hint_ending(exercise.name))
    _assert_one_friendly_line(result.message)


def test_every_exercise_has_at_least_three_typical_wrong_answers():
    counts = {name: sum(w[0] == name for w in WRONG.values()) for name in NAMES}
    assert min(counts.values()) >= 3, counts


def test_transposed_weights_in_the_non_square_case_is_a_friendly_exception_line():
    exercise = EXERCISES["hidden_delta"]
    result = check("hidden_delta", lambda d, W, o: (d @ W) * o * (1 - o))
    assert result.passed is False
    assert result.failed_case == "3 hidden nodes -> 2 outputs"
    assert result.message.startswith(
        "✗ hidden_delta, case '3 hidden nodes -> 2 outputs' (delta_next=[[0.1, -0.3]], "
        "W_next=[[1, 2], [0, -1], [0.5, 0.5]], o=[[0.2, 0.5, 0.9]]): your function raised "
        "ValueError: matmul:")
    assert re.search(r"\(in your line \d+: `result = check\(\"hidden_delta\"", result.message)
    assert result.message.endswith(_hint_ending(exercise.name))
    assert "delta_next @ W_next.T" not in result.message  # the hint does not give the answer
    _assert_one_friendly_line(result.message)


def test_the_same_wrong_function_gets_the_same_message_twice():
    for name, function, _, _ in WRONG.values():
        assert check(name, function).message == check(name, function).message
    assert check("hidden_delta", hidden_delta).message == check("hidden_delta",
                                                                hidden_delta).message


# ------------------------------------------------------------------ friendly messages


def _stub(*args, **kwargs):
    raise NotImplementedError()


def _no_return(*args, **kwargs):
    args[0] * 2  # noqa: B018 (computes, forgets to return)


@pytest.mark.parametrize("name", NAMES)
def test_not_implemented_yet(name):
    result = check(name, _stub)
    assert result.passed is False
    assert result.message.startswith(f"✎ {name}: not implemented yet")
    assert EXERCISES[name].signature in result.message
    _assert_one_friendly_line(result.message)


@pytest.mark.parametrize("name", NAMES)
def test_returned_none(name):
    result = check(name, _no_return)
    assert result.passed is False
    assert result.message.startswith(f"✗ {name}, case '")
    assert "returned None" in result.message and "forget `return`" in result.message
    _assert_one_friendly_line(result.message)


@pytest.mark.parametrize(("name", "function", "case", "raised"), [
    ("conv_output_size", lambda n, k, s, p: (n + 2 * p - k) // (s - 1) + 1,
     "the lecture's 6x6, k 3, stride 1", "ZeroDivisionError: integer division or modulo by zero"),
    ("largest_stable_eta", lambda A: 2.0 / float(A[0, 1]),  # an off-diagonal entry
     "L(w) = (w_1^2 + 10 w_2^2) / 2", "ZeroDivisionError: float division by zero"),
    ("cross_correlation_at",  # a 3x3 kernel hard-coded
     lambda x, w, i, j, s: sum(x[i * s + u, j * s + v] * w[u, v]
                               for u in range(3) for v in range(3)),
     "a kernel that is not symmetric",
     "IndexError: index 2 is out of bounds for axis 1 with size 2"),
    ("sigmoid_prime", lambda net: net[0] * (1 - net[0]), "net = 0",
     "IndexError: too many indices for array"),
    ("output_delta", lambda y: y, "right answer (o = y): delta 0", "TypeError: "),
])
def test_an_exception_is_one_friendly_line(name, function, case, raised):
    result = check(name, function)
    assert result.passed is False
    assert result.failed_case == case
    assert result.message.startswith(f"✗ {name}, case '{case}' (")
    assert f"): your function raised {raised}" in result.message
    assert result.message.endswith(". " + _hint_ending(name))
    _assert_one_friendly_line(result.message)


def test_an_exception_with_a_multi_line_message_still_gives_one_line():
    # the student assumed vectors and says so, showing the array: str(error) spans 4 lines
    def output_delta_for_vectors(y, o):
        if o.ndim != 1:
            raise ValueError(f"o must be a vector, got {o}")
        return -(y - o) * o * (1 - o)

    result = check("output_delta", output_delta_for_vectors)
    assert result.passed is False
    assert result.failed_case == "a batch"
    assert "your function raised ValueError: o must be a vector, got [[" in result.message
    _assert_one_friendly_line(result.message)


@pytest.mark.parametrize(("name", "function", "case", "says"), [
    ("output_delta", lambda y, o: float(np.sum(o - y)), "right answer (o = y): delta 0",
     "wrong shape: expected (2,), got () (0)"),
    ("hidden_delta", lambda d, W, o: ((d @ W.T) * o * (1 - o)).ravel(),
     "one hidden node, one output", "wrong shape: expected (1, 1), got (1,) ([0.025])"),
    ("lstm_output", lambda o, C: (o * np.tanh(C)).T, "output gate closed",
     "wrong shape: expected (1, 2), got (2, 1)"),
    ("largest_stable_eta", lambda A: 2.0 / np.linalg.eigvalsh(A)[-1:],
     "L(w) = (w_1^2 + 10 w_2^2) / 2", "wrong shape: expected (), got (1,) ([0.2])"),
    ("momentum_step", lambda w, dw, v, eta, mu: (w + mu * v - eta * dw)[:, None],
     "first step (v = 0)", "return 2 values (w_new, v_new), as a tuple; got ndarray"),
    ("momentum_step", lambda w, dw, v, eta, mu: w + (mu * v - eta * dw),
     "first step (v = 0)", "return 2 values (w_new, v_new), as a tuple; got ndarray"),
    ("momentum_step", lambda w, dw, v, eta, mu: (w + mu * v - eta * dw,),
     "first step (v = 0)", "return 2 values (w_new, v_new), as a tuple; got tuple of length 1"),
    ("cross_correlation_at", lambda x, w, i, j, s: f"{np.sum(x[:3, :3] * w):.0f}",
     "the lecture's example, top left", "expected a number or an array; got a str"),
    ("conv_output_size", lambda n, k, s, p: {"n_out": (n + 2 * p - k) // s + 1},
     "the lecture's 6x6, k 3, stride 1", "expected a number or an array; got a dict"),
    ("cell_state", lambda f, i, c_new, c_old: [["a", "b", "c"]],
     "forget gate 1, input gate 0: memory kept", "expected a number or an array; got a list"),
])
def test_wrong_shape_or_type_is_said_in_words(name, function, case, says):
    result = check(name, function)
    assert result.passed is False
    assert result.failed_case == case
    assert result.message.startswith(f"✗ {name}, case '{case}' (")
    assert f": {says}" in result.message
    assert result.message.endswith(". " + _hint_ending(name))
    _assert_one_friendly_line(result.message)


@pytest.mark.parametrize("not_a_function", ["sigmoid_prime", 0.25, None, np.array([0.25])])
def test_passing_something_that_is_not_a_function(not_a_function):
    result = check("sigmoid_prime", not_a_function)
    assert result.passed is False
    assert result.message.startswith("✗ sigmoid_prime: pass your function itself "
                                     "(check('sigmoid_prime', sigmoid_prime)), not a ")
    assert result.message.endswith(type(not_a_function).__name__)
    _assert_one_friendly_line(result.message)


# ------------------------------------------------------------------ check, Result, check_all


def test_strict_raises_with_the_message_when_wrong_and_returns_the_result_when_right():
    wrong = WRONG["conv_output_size: no + 1"][1]
    message = check("conv_output_size", wrong).message
    with pytest.raises(AssertionError) as error:
        check("conv_output_size", wrong, strict=True)
    assert str(error.value) == message
    result = check("conv_output_size", conv_output_size, strict=True)
    assert isinstance(result, Result) and result.passed


def test_strict_also_raises_for_not_implemented():
    with pytest.raises(AssertionError, match="not implemented yet"):
        check("lstm_output", _stub, strict=True)


def test_unknown_exercise_name_lists_the_exercises():
    with pytest.raises(ValueError, match="no exercise named 'sigmoid_derivative'") as error:
        check("sigmoid_derivative", sigmoid_prime)
    for name in NAMES:
        assert name in str(error.value)


def test_the_result_shows_as_its_message():
    for result in (check("cell_state", cell_state), check("cell_state", _stub),
                   check("cell_state", WRONG["cell_state: swapped gates"][1])):
        assert repr(result) == str(result) == result.message
        assert result.exercise == "cell_state"


def test_check_all():
    solutions = dict(CORRECT)
    solutions["sigmoid_prime"] = WRONG["sigmoid_prime: net (1 - net)"][1]
    solutions["lstm_output"] = _stub
    results = check_all(solutions)
    assert list(results) == NAMES
    failed = {name for name, result in results.items() if not result.passed}
    assert failed == {"sigmoid_prime", "lstm_output"}
    assert results["sigmoid_prime"].failed_case == "net = 0"
    assert results["lstm_output"].message.startswith("✎ lstm_output: not implemented yet")
    assert all(results[name].message.startswith(f"✓ {name}:") for name in NAMES
               if name not in failed)
    assert check_all({}) == {}
    references = check_all({name: exercise.reference for name, exercise in EXERCISES.items()})
    assert all(result.passed for result in references.values())


def test_the_same_function_gets_the_same_message_twice_and_the_seed_fixes_the_random_cases():
    for name in NAMES:
        assert check(name, CORRECT[name]).message == check(name, CORRECT[name]).message
    # a mistake that only a random case catches (w_0 dropped when w has 4 entries)
    def no_bias_when_three_inputs(w, x):
        return perceptron_output(w, x) if len(x) < 3 else int(np.dot(w[1:], x) >= 0)
    for seed, case in [(0, "random 4"), (1, "random 2")]:
        first, again = (check("perceptron_output", no_bias_when_three_inputs, seed=seed)
                        for _ in range(2))
        assert not first.passed and first.failed_case == case
        assert first.message == again.message


# ------------------------------------------------------------------ the student's inputs


def test_a_student_who_changes_the_inputs_in_place_is_still_judged_right():
    # the first four cases of perceptron_update share one w; each call gets its own copy
    def update_in_place(w, x, y, eta):
        w += eta * (y - perceptron_output(w, x)) * np.concatenate(([1.0], x))
        return w

    def momentum_in_place(w, dw, v, eta, mu):
        v *= mu
        v -= eta * dw
        w += v
        dw[:] = 0.0  # even the gradient is clobbered
        return w, v

    def sigmoid_prime_in_place(net):
        net[...] = _sigmoid(net)
        net *= 1 - net
        return net

    assert check("perceptron_update", update_in_place).passed
    assert check("momentum_step", momentum_in_place).passed
    assert check("sigmoid_prime", sigmoid_prime_in_place).passed


def test_a_student_who_changes_the_inputs_does_not_change_the_cases():
    # the same cases, kept here, given to the checker's loop: a student's w[:] = 99 must not
    # reach them (nor the reference, which would then disagree with a right answer)
    cases = EXERCISES["perceptron_update"].cases(np.random.default_rng(0))
    before = [[np.copy(a) for a in case.args] for case in cases]
    exercise = dataclasses.replace(EXERCISES["perceptron_update"], cases=lambda rng: cases)

    def clobber(w, x, y, eta):
        result = perceptron_update(w, x, y, eta)
        w[:] = 99.0
        x[:] = -99.0
        return result

    assert checker.check(exercise, clobber).passed
    for case, args in zip(cases, before, strict=True):
        for a, b in zip(case.args, args, strict=True):
            np.testing.assert_array_equal(a, b)


# the blanks of each skeleton (the ladder's last step), filled in as a student would
SKELETON_BLANKS = {
    "perceptron_output": ["w[1:]", "x", ">="],
    "perceptron_update": [">=", "eta", "y_hat"],
    "sigmoid_prime": ["-net", "1 - s"],
    "output_delta": ["y", "o", "o"],
    "hidden_delta": ["W_next.T", "o", "o"],
    "momentum_step": ["mu", "eta", "v_new"],
    "largest_stable_eta": ["max", "2.0"],
    "conv_output_size": ["padding", "k", "stride"],
    "cross_correlation_at": ["i * stride + k", "j * stride + k", "w"],
    "cell_state": ["f_t", "i_t"],
    "lstm_output": ["o_t", "C_t"],
    "som_update": ["W", "c", "sigma", "x"],
    "q_update": ["s_next", "Q[s, a]"],
    "bellman_targets": ["1", "best"],
}


@pytest.mark.parametrize("name", NAMES)
def test_the_hint_ladder_goes_from_the_lecture_to_the_shapes_to_a_skeleton(name):
    first, second, skeleton = EXERCISES[name].hints
    assert first.startswith("The lecture")
    assert second.startswith(("Shapes:", "Types:"))
    assert skeleton.startswith("Skeleton: ") and "___" in skeleton


@pytest.mark.parametrize("name", NAMES)
def test_the_skeleton_with_its_blanks_filled_in_passes_the_check(name):
    exercise = EXERCISES[name]
    code = exercise.hints[-1].removeprefix("Skeleton: ")
    assert code.count("___") == len(SKELETON_BLANKS[name])
    for blank in SKELETON_BLANKS[name]:
        code = code.replace("___", blank, 1)
    arguments = exercise.signature.split(")")[0] + ")"  # "name(a, b, c)"
    source = f"def {arguments}:\n" + "".join(f"    {line}\n" for line in code.split("; "))
    namespace = {"np": np}
    exec(source, namespace)
    assert check(name, namespace[name]).passed, source


def test_the_ladder_shows_one_step_per_call_then_says_it_is_used_up():
    from course_lib.exercises import hint
    steps = [hint("cell_state") for _ in range(4)]
    assert steps[0] == f"cell_state, hint 1 of 3: {EXERCISES['cell_state'].hints[0]}"
    assert steps[2].startswith("cell_state, hint 3 of 3: Skeleton: ")
    assert steps[3].startswith("cell_state: that was the last of 3 hints")
    message = check("cell_state", lambda f_t, i_t, C_tilde_t, C_prev: f_t * C_prev).message
    assert "hints left" not in message  # none left to offer


def test_right_values_in_the_wrong_order_are_named_and_not_misdiagnosed():
    reference = EXERCISES["rnn_step_backward"].reference
    result = check("rnn_step_backward", lambda *a: (lambda r: (r[1], r[0], *r[2:]))(reference(*a)))
    assert ("the values are right but in the wrong order: you returned (dh_prev, dx, dW, db); "
            "return (dx, dh_prev, dW, db)") in result.message
    assert "Likely" not in result.message


def test_a_wrong_array_names_its_first_difference():
    reference = EXERCISES["value_iteration_sweep"].reference

    def last_action_off(P, R, V, gamma):
        V_new, policy = reference(P, R, V, gamma)
        return V_new, np.where(np.arange(policy.size) == policy.size - 1, policy + 1, policy)

    result = check("value_iteration_sweep", last_action_off)
    assert "V_new is right; policy: expected [1, 0], got [1, 1]; first difference at index 1: " \
           "expected 0, got 1 (1 of 2 values differ)" in result.message
