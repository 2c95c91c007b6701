r"""The exercises of notebooks 01-06: reference solutions, cases and the lecture's hints.

Each reference solution is the library's own function where the library has
one (``neurons.perceptron_update``, ``activations.sigmoid_prime``, ...): what
a student writes is checked against the code the notebooks run on.
"""

from __future__ import annotations

import numpy as np

from .. import activations, conv, dqn, mlp, neurons, optim, rl, som
from .checker import Case, Exercise
from .larger import LARGER

_BANK: list[Exercise] = []  # the short exercises (see ORDER for the notebooks' order)

# ------------------------------------------------------------------ 01: the perceptron


def _perceptron_output(w, x):
    return int(neurons.perceptron_predict(x, w)[0])  # one sample: y_hat = step(w^T x)


def _perceptron_output_cases(rng):
    cases = [
        Case("AND unit, input (1, 1)", (np.array([-1.5, 1.0, 1.0]), np.array([1.0, 1.0]))),
        Case("AND unit, input (0, 1)", (np.array([-1.5, 1.0, 1.0]), np.array([0.0, 1.0]))),
        Case("exactly on the line, net = 0", (np.array([-1.0, 1.0, 1.0]), np.array([0.0, 1.0]))),
        Case("negative weights", (np.array([0.5, -1.0, -2.0]), np.array([1.0, 0.0]))),
        Case("large inputs", (np.array([1.0, -1e6, 2e6]), np.array([3.0, 1.0]))),
    ]
    for k in range(4):
        w = rng.normal(size=4) * np.array([3.0, 1.0, 1.0, 1.0])  # a bias that matters
        cases.append(Case(f"random {k + 1}", (w, rng.normal(size=3))))
    return cases


_BANK.append(Exercise(
    "perceptron_output", "perceptron_output(w, x) -> 0 or 1, with w = [w_0, w_1, ..., w_D]",
    "o = 1 if w_0 + sum_i w_i x_i >= 0 else 0",
    "the bias w_0 is the weight of a constant input 1; the step fires when the net input is "
    ">= 0 (also at exactly 0)", _perceptron_output, _perceptron_output_cases,
    hints=(
        "The lecture: o = 1 if w_0 + sum_i w_i x_i >= 0, else 0; w_0 is the bias, the weight of "
        "a constant input 1.",
        "Shapes: w has D + 1 entries and x has D: w[0] is the bias, w[1:] pairs with x; the net "
        "input is one number, the answer the int 0 or 1.",
        "Skeleton: net = w[0] + np.dot(___, ___); return 1 if net ___ 0 else 0",
    )))


def _perceptron_update_cases(rng):
    w = np.array([-0.5, 1.0, -1.0])
    cases = [
        Case("already right (y = y_hat = 1): no change", (w, np.array([1.0, 0.0]), 1, 0.1)),
        Case("missed a 1 (y = 1, y_hat = 0)", (w, np.array([0.0, 1.0]), 1, 0.1)),
        Case("false alarm (y = 0, y_hat = 1)", (w, np.array([2.0, 0.5]), 0, 0.1)),
        Case("learning rate 1", (w, np.array([0.0, 1.0]), 1, 1.0)),
        Case("zero weights fire on everything", (np.zeros(3), np.array([1.0, 1.0]), 0, 0.5)),
    ]
    for k in range(4):
        cases.append(Case(f"random {k + 1}", (rng.normal(size=3), rng.normal(size=2),
                                              int(rng.integers(2)), float(rng.uniform(0.05, 1)))))
    return cases


_BANK.append(Exercise(
    "perceptron_update", "perceptron_update(w, x, y, eta) -> new w (bias w_0 first)",
    "w <- w + eta (y - y_hat) [1, x]",
    "compute y_hat with the current w first; the bias w_0 moves as the weight of the "
    "constant input 1; nothing changes when y = y_hat", neurons.perceptron_update,
    _perceptron_update_cases,
    hints=(
        "The lecture: w <- w + eta (y - y_hat) x, with y_hat from the current w and the bias as "
        "the weight of a constant input 1.",
        "Shapes: w has D + 1 entries, x has D: extend x to [1, x_1, ..., x_D] so that it "
        "matches w; y and y_hat are 0 or 1, so y - y_hat is -1, 0 or 1.",
        "Skeleton: x1 = np.concatenate([[1.0], x]); y_hat = 1 if w @ x1 ___ 0 else 0; return w "
        "+ ___ * (y - ___) * x1",
    )))

# ------------------------------------------------------------------ 02: backpropagation


def _array_cases(rng, name="net"):
    return [
        Case(f"{name} = 0", (np.array(0.0),)),
        Case(f"{name} = [-2, 0, 2]", (np.array([-2.0, 0.0, 2.0]),)),
        Case(f"large |{name}|", (np.array([-40.0, 40.0]),)),
        Case("a matrix", (rng.normal(size=(3, 2)),)),
        Case("random", (rng.normal(scale=3, size=5),)),
    ]


_BANK.append(Exercise(
    "sigmoid_prime", "sigmoid_prime(net) -> sigma'(net), element-wise",
    "sigma'(net) = sigma(net) (1 - sigma(net))",
    "the derivative is written with sigma(net) itself, not with net; sigma'(0) = 0.25",
    activations.sigmoid_prime, _array_cases,
    hints=(
        "The lecture: sigma'(net) = sigma(net) (1 - sigma(net)), with sigma(net) = 1 / (1 + "
        "e^(-net)).",
        "Shapes: net is a number or an array of any shape; the answer has the same shape, "
        "element by element (no sum, no matrix product).",
        "Skeleton: s = 1 / (1 + np.exp(___)); return s * (___)",
    )))


def _output_delta(y, o):
    return -(y - o) * o * (1.0 - o)


def _output_delta_cases(rng):
    return [
        Case("right answer (o = y): delta 0", (np.array([1.0, 0.0]), np.array([1.0, 0.0]))),
        Case("o = 0.5", (np.array([1.0]), np.array([0.5]))),
        Case("too high", (np.array([0.0, 0.0]), np.array([0.9, 0.6]))),
        Case("a batch", (rng.integers(0, 2, (4, 1)).astype(float), rng.uniform(0.05, 0.95,
                                                                              (4, 1)))),
        Case("random", (rng.uniform(size=6), rng.uniform(0.01, 0.99, 6))),
    ]


_BANK.append(Exercise(
    "output_delta", "output_delta(y, o) -> delta_j of a sigmoid output node, squared error",
    "delta_j = -(y - y_hat) o_j (1 - o_j)",
    "dL/do_j = -(y - y_hat) for L = (y - y_hat)^2 / 2, times do_j/dnet_j = o_j (1 - o_j)",
    _output_delta, _output_delta_cases,
    hints=(
        "The lecture: delta_j = dL/dnet_j = dL/do_j * do_j/dnet_j, with L = (y - y_hat)^2 / 2 "
        "and o_j = sigma(net_j).",
        "Shapes: y and o have the same shape and so has delta, element by element; dL/do_j = "
        "-(y - o_j) and do_j/dnet_j = o_j (1 - o_j).",
        "Skeleton: return -(___ - ___) * o * (1 - ___)",
    )))


def _hidden_delta(delta_next, W_next, o):
    # sum_l w_jl delta_l is the dense layer's dL/do_j, then times sigma'(net_j) = o_j (1 - o_j)
    do, _, _ = mlp.dense_backward(delta_next, mlp.DenseCache(o, W_next))
    return do * o * (1.0 - o)


def _hidden_delta_cases(rng):
    return [
        Case("one hidden node, one output", (np.array([[0.2]]), np.array([[0.5]]),
                                             np.array([[0.5]]))),
        Case("3 hidden nodes -> 2 outputs", (np.array([[0.1, -0.3]]),
                                             np.array([[1.0, 2.0], [0.0, -1.0], [0.5, 0.5]]),
                                             np.array([[0.2, 0.5, 0.9]]))),
        Case("square weights (2 -> 2)", (np.array([[1.0, -1.0]]),
                                         np.array([[1.0, 2.0], [3.0, 4.0]]),
                                         np.array([[0.5, 0.25]]))),
        Case("a batch of 4", (rng.normal(size=(4, 3)), rng.normal(size=(5, 3)),
                              rng.uniform(0.05, 0.95, (4, 5)))),
        Case("saturated nodes (o near 0 or 1)", (np.array([[1.0]]), np.array([[2.0], [3.0]]),
                                                 np.array([[1e-9, 1 - 1e-9]]))),
    ]


_BANK.append(Exercise(
    "hidden_delta", "hidden_delta(delta_next, W_next, o) -> delta of a hidden layer, "
    "shapes (N, n_next), (n_hidden, n_next), (N, n_hidden)",
    "delta_j = (sum_l w_jl delta_l) o_j (1 - o_j)",
    "W_next[j, l] = w_jl connects hidden node j to next node l: the sum runs over the second "
    "axis of W_next; compare the shapes (N, n_next) and (n_hidden, n_next), then multiply by "
    "sigma'(net_j) = o_j (1 - o_j)",
    _hidden_delta, _hidden_delta_cases,
    hints=(
        "The lecture: delta_j = (sum_l w_jl delta_l) o_j (1 - o_j): the next layer's deltas "
        "sent back along the weights, times the sigmoid's slope.",
        "Shapes: delta_next (N, n_next), W_next (n_hidden, n_next), o (N, n_hidden); the sum "
        "over l turns (N, n_next) into (N, n_hidden), a matrix product with W_next transposed.",
        "Skeleton: back = delta_next @ ___; return back * ___ * (1 - ___)",
    )))

# ------------------------------------------------------------------ 03: optimisation


def _momentum_cases(rng):
    w, dw = np.array([1.0, -2.0]), np.array([0.5, -1.0])
    return [
        Case("first step (v = 0)", (w, dw, np.zeros(2), 0.1, 0.9)),
        Case("mu = 0 is gradient descent", (w, dw, np.array([0.3, 0.3]), 0.1, 0.0)),
        Case("moving, no gradient", (w, np.zeros(2), np.array([0.2, -0.1]), 0.1, 0.9)),
        Case("random", (rng.normal(size=3), rng.normal(size=3), rng.normal(size=3), 0.05, 0.8)),
    ]


_BANK.append(Exercise(
    "momentum_step", "momentum_step(w, dw, v, eta, mu) -> (w_new, v_new)",
    "v <- mu v - eta dL/dw;  w <- w + v",
    "update the velocity first, then move w by the new velocity; return both",
    optim.momentum_step, _momentum_cases, parts=("w_new", "v_new"),
    hints=(
        "The lecture: v <- mu v - eta dL/dw, then w <- w + v (the new v).",
        "Shapes: w, dw and v have one shape, eta and mu are numbers; return the tuple (w_new, "
        "v_new), in that order.",
        "Skeleton: v_new = ___ * v - ___ * dw; w_new = w + ___; return w_new, v_new",
    )))


def _largest_stable_eta(A):
    return 2.0 / np.linalg.eigvalsh(A).max()


def _largest_stable_eta_cases(rng):
    rotation = np.array([[np.cos(0.6), -np.sin(0.6)], [np.sin(0.6), np.cos(0.6)]])
    B = rng.normal(size=(3, 3))
    return [
        Case("L(w) = (w_1^2 + 10 w_2^2) / 2", (np.diag([1.0, 10.0]),)),
        Case("round bowl", (np.diag([2.0, 2.0]),)),
        Case("a rotated ravine", (rotation @ np.diag([1.0, 20.0]) @ rotation.T,)),
        Case("random, 3 weights", (B @ B.T + 0.5 * np.eye(3),)),
    ]


_BANK.append(Exercise(
    "largest_stable_eta", "largest_stable_eta(A) -> the boundary of convergence of gradient "
    "descent on L(w) = w^T A w / 2 (it converges for every eta below it)",
    "eta < 2 / kappa_max(A)",
    "gradient descent multiplies the error along each eigenvector of A by (1 - eta kappa_i), "
    "kappa_i its eigenvalue (the curvature along it); it shrinks only when "
    "|1 - eta kappa_i| < 1 for the largest eigenvalue (np.linalg.eigvalsh), which is not "
    "the largest entry when A is rotated",
    _largest_stable_eta, _largest_stable_eta_cases, tolerance=1e-6,
    hints=(
        "The lecture's step on L(w) = w^T A w / 2 is w <- w - eta A w: along an eigenvector of "
        "A with eigenvalue kappa the error is multiplied by (1 - eta kappa) at every step.",
        "Shapes: A is a symmetric (D, D) matrix with D eigenvalues (np.linalg.eigvalsh(A)); "
        "every one needs |1 - eta kappa| < 1; the answer is one number.",
        "Skeleton: kappa_max = np.linalg.eigvalsh(A).___(); return ___ / kappa_max",
    )))

# ------------------------------------------------------------------ 04: convolution


def _conv_size_cases(rng):
    return [
        Case("the lecture's 6x6, k 3, stride 1", (6, 3, 1, 0)),
        Case("the lecture's 6x6, k 3, stride 2", (6, 3, 2, 0)),
        Case("32x32x3 with 5x5 filters", (32, 5, 1, 0)),
        Case("a stride that does not divide", (7, 3, 3, 0)),
        Case("same size with padding", (7, 3, 1, 1)),
        Case("AlexNet conv1", (227, 11, 4, 0)),
        Case("kernel as large as the input", (5, 5, 1, 0)),
    ] + [Case(f"random {k + 1}", (int(n), 3, int(s), int(p))) for k, (n, s, p) in
         enumerate(zip(rng.integers(8, 40, 3), rng.integers(1, 4, 3), rng.integers(0, 3, 3),
                       strict=True))]


_BANK.append(Exercise(
    "conv_output_size", "conv_output_size(n, k, stride, padding) -> int",
    "n_out = floor((n + 2p - k) / s) + 1",
    "padding adds p on both sides; the last window must fit, so round down (//), then count "
    "the first position (+ 1)", conv.conv_output_size, _conv_size_cases, returns_int=True,
    hints=(
        "The lecture: an n x n input, a k x k filter, stride s and padding p give floor((n + 2p "
        "- k) / s) + 1 outputs along each side.",
        "Types: the four arguments are ints and so is the answer: round down with // (floor "
        "division), never /.",
        "Skeleton: return (n + 2 * ___ - ___) // ___ + 1",
    )))


def _cross_correlation_at(x, w, i, j, stride):
    return float(conv.cross_correlate2d(x, w, stride)[i, j])  # one value of the whole output


LECTURE_X = np.array([[1, 2, 3, 1, 3, 5], [2, 2, 5, 4, 2, 5], [0, 6, 9, 6, 2, 2],
                      [2, 0, 1, 9, 4, 0], [5, 5, 4, 6, 7, 6], [6, 1, 3, 7, 1, 5]], dtype=float)
LECTURE_W = np.array([[1, 0, -1], [1, 0, -1], [1, 0, -1]], dtype=float)


def _cross_correlation_cases(rng):
    skew = np.array([[1.0, 2.0], [0.0, -1.0]])
    return [
        Case("the lecture's example, top left", (LECTURE_X, LECTURE_W, 0, 0, 1)),
        Case("the lecture's example, bottom right", (LECTURE_X, LECTURE_W, 3, 3, 1)),
        Case("the lecture's example, stride 2, position (1, 0)", (LECTURE_X, LECTURE_W, 1, 0, 2)),
        Case("a kernel that is not symmetric", (LECTURE_X, skew, 2, 1, 1)),
        Case("row and column differ", (LECTURE_X, skew, 0, 3, 1)),
        Case("random 8x8, k 3, stride 2", (rng.normal(size=(8, 8)), rng.normal(size=(3, 3)),
                                           2, 1, 2)),
    ]


_BANK.append(Exercise(
    "cross_correlation_at", "cross_correlation_at(x, w, i, j, stride) -> out[i, j], a number",
    "out[i, j] = sum_{u,v} x[i s + u, j s + v] w[u, v]",
    "the window of output (i, j) starts at row i*stride and column j*stride of x; multiply it "
    "element-wise by the kernel as it is (cross-correlation does not flip it) and sum",
    _cross_correlation_at, _cross_correlation_cases,
    hints=(
        "The lecture: out[i, j] = sum_{u,v} x[i s + u, j s + v] w[u, v], the kernel as it is "
        "(not flipped).",
        "Shapes: w is (k, k); the window of x for output (i, j) is x[i*stride : i*stride + k, "
        "j*stride : j*stride + k], also (k, k); the answer is one number.",
        "Skeleton: k = w.shape[0]; window = x[i * stride:___, j * stride:___]; return "
        "float(np.sum(window * ___))",
    )))

# ------------------------------------------------------------------ 05: the LSTM cell


def _cell_state(f_t, i_t, C_tilde_t, C_prev):
    return f_t * C_prev + i_t * C_tilde_t


def _cell_state_cases(rng):
    C_prev, C_tilde = np.array([[0.8, -0.5, 2.0]]), np.array([[-0.3, 0.9, 0.1]])
    ones, zeros = np.ones((1, 3)), np.zeros((1, 3))
    return [
        Case("forget gate 1, input gate 0: memory kept", (ones, zeros, C_tilde, C_prev)),
        Case("forget gate 0, input gate 1: memory replaced", (zeros, ones, C_tilde, C_prev)),
        Case("half and half", (0.5 * ones, 0.5 * ones, C_tilde, C_prev)),
        Case("a batch of 4 sequences, 3 cells", tuple(rng.uniform(size=(4, 3)) for _ in range(2))
             + (rng.uniform(-1, 1, (4, 3)), rng.normal(size=(4, 3)))),
    ]


_BANK.append(Exercise(
    "cell_state", "cell_state(f_t, i_t, C_tilde_t, C_prev) -> C_t",
    "C_t = f_t * C_{t-1} + i_t * C_tilde_t",
    "the forget gate scales the old memory C_{t-1}, the input gate scales the new candidate; "
    "* is element-wise", _cell_state, _cell_state_cases,
    hints=(
        "The lecture: C_t = f_t * C_{t-1} + i_t * C_tilde_t.",
        "Shapes: the four arrays are (N, n_cells) and so is C_t; * is element-wise (no matrix "
        "product).",
        "Skeleton: return ___ * C_prev + ___ * C_tilde_t",
    )))


def _lstm_output(o_t, C_t):
    return o_t * np.tanh(C_t)


def _lstm_output_cases(rng):
    return [
        Case("output gate closed", (np.zeros((1, 2)), np.array([[1.0, -2.0]]))),
        Case("output gate open", (np.ones((1, 3)), np.array([[0.5, -0.5, 3.0]]))),
        Case("large cell state", (np.full((1, 2), 0.5), np.array([[50.0, -50.0]]))),
        Case("random batch", (rng.uniform(size=(3, 4)), rng.normal(scale=2, size=(3, 4)))),
    ]


_BANK.append(Exercise(
    "lstm_output", "lstm_output(o_t, C_t) -> h_t",
    "h_t = o_t * tanh(C_t)",
    "squash the cell state with tanh first (h_t stays in (-1, 1)), then let the output gate "
    "scale it", _lstm_output, _lstm_output_cases,
    hints=(
        "The lecture: h_t = o_t * tanh(C_t).",
        "Shapes: o_t and C_t are (N, n_cells) and so is h_t, element by element.",
        "Skeleton: return ___ * np.tanh(___)",
    )))


# ------------------------------------------------------------------ 06: SOM, Q-learning, DQN


def _som_update_cases(rng):
    grid_1x3 = som.som_grid(1, 3)
    W = np.array([[0.0, 0.0], [1.0, 0.0], [2.0, 0.0]])
    cases = [
        Case("1x3 grid, x nearest the middle unit", (W, np.array([1.2, 0.5]), 0.5, 1.0,
                                                     grid_1x3)),
        Case("tiny sigma: only the winner moves", (W, np.array([2.4, 0.0]), 0.5, 0.05,
                                                   grid_1x3)),
        Case("eta 1, wide sigma: every unit moves", (W, np.array([-1.0, 1.0]), 1.0, 5.0,
                                                     grid_1x3)),
        Case("x exactly on a unit", (W, np.array([0.0, 0.0]), 0.3, 1.0, grid_1x3)),
    ]
    grid = som.som_grid(3, 4)
    for k in range(3):
        cases.append(Case(f"random 3x4 map, D = 3 ({k + 1})",
                          (rng.normal(size=(12, 3)), rng.normal(size=3),
                           float(rng.uniform(0.05, 1)), float(rng.uniform(0.3, 3)), grid)))
    return cases


_BANK.append(Exercise(
    "som_update", "som_update(W, x, eta, sigma, grid) -> new W (one row w_j per unit)",
    "c = argmin_j ||x - w_j||;  h_jc = exp(-d(j, c)^2 / (2 sigma^2));  "
    "w_j <- w_j + eta h_jc (x - w_j)",
    "the winner c is the unit whose weights are nearest x; d(j, c) is the distance between "
    "the units' positions on the grid (grid[j], grid[c]), not between their weights; every "
    "unit moves, by eta h_jc", som.som_update, _som_update_cases,
    hints=(
        "The lecture: c = argmin_j ||x - w_j||, h_jc = exp(-d(j, c)^2 / (2 sigma^2)), w_j <- "
        "w_j + eta h_jc (x - w_j).",
        "Shapes: W (J, D), one row per unit; x (D,); grid (J, 2), the units' positions on the "
        "map. c is one index; d(j, c) comes from grid, one per unit, so h is (J,); h[:, None] "
        "broadcasts against x - W (J, D).",
        "Skeleton: c = np.argmin(np.linalg.norm(___ - x, axis=1)); d2 = np.sum((grid - "
        "grid[___]) ** 2, axis=1); h = np.exp(-d2 / (2 * ___ ** 2)); return W + eta * h[:, "
        "None] * (___ - W)",
    )))


def _q_update_cases(rng):
    Q = np.array([[0.0, 0.5], [1.0, -1.0], [0.2, 0.3]])
    cases = [
        Case("not done: bootstrap from the best next action", (Q, 0, 1, -0.04, 1, False, 0.5,
                                                                0.9)),
        Case("done: no bootstrap (the next state is terminal)", (Q, 0, 1, 1.0, 1, True, 0.5,
                                                                  0.9)),
        Case("alpha 0: nothing is learned", (Q, 2, 0, 1.0, 1, False, 0.0, 0.9)),
        Case("alpha 1: Q(s, a) becomes the target", (Q, 2, 0, 1.0, 1, False, 1.0, 0.9)),
        Case("a self-loop (s' = s)", (Q, 1, 1, 0.0, 1, False, 0.3, 0.5)),
    ]
    for k in range(3):
        table = rng.normal(size=(5, 4))
        s, s_next = (int(v) for v in rng.integers(5, size=2))
        cases.append(Case(f"random table ({k + 1})",
                          (table, s, int(rng.integers(4)), float(rng.normal()), s_next,
                           bool(rng.integers(2)), float(rng.uniform()),
                           float(rng.uniform(0, 0.99)))))
    return cases


_BANK.append(Exercise(
    "q_update", "q_update(Q, s, a, r, s_next, done, alpha, gamma) -> new Q table",
    "Q(s, a) <- Q(s, a) + alpha [r + gamma max_a' Q(s', a') - Q(s, a)]  (no max term when done)",
    "change only the entry Q[s, a]; the target bootstraps from the best action of the NEXT "
    "state s', and a move that ends the episode has target r alone; return a new table (copy "
    "Q first)", rl.q_update, _q_update_cases,
    hints=(
        "The lecture: Q(s, a) <- Q(s, a) + alpha [r + gamma max_a' Q(s', a') - Q(s, a)]; a move "
        "that ends the episode has target r alone.",
        "Shapes: Q (n_states, n_actions); s, a and s_next are ints, Q[s_next] is the row of the "
        "next state's action values; done is a bool; only the entry Q[s, a] changes.",
        "Skeleton: Q = Q.copy(); target = r if done else r + gamma * Q[___].max(); Q[s, a] += "
        "alpha * (target - ___); return Q",
    )))


def _bellman_targets_cases(rng):
    next_q = np.array([[1.0, 2.0], [0.5, -0.5], [3.0, 0.0]])
    cases = [
        Case("none terminal", (np.array([0.0, 1.0, -1.0]), next_q, np.zeros(3), 0.9)),
        Case("all terminal: the reward alone", (np.array([1.0, 1.0, 1.0]), next_q,
                                                 np.ones(3), 0.9)),
        Case("mixed, dones as booleans", (np.array([0.5, 1.0, 0.0]), next_q,
                                          np.array([False, True, False]), 0.99)),
        Case("gamma 0: the reward alone", (np.array([0.2, -0.3, 0.7]), next_q, np.zeros(3),
                                           0.0)),
    ]
    for k in range(3):
        n = int(rng.integers(4, 33))
        cases.append(Case(f"a random batch of {n} ({k + 1})",
                          (rng.normal(size=n), rng.normal(size=(n, 3)),
                           (rng.uniform(size=n) < 0.3).astype(float),
                           float(rng.uniform(0.5, 0.99)))))
    return cases


_BANK.append(Exercise(
    "bellman_targets", "bellman_targets(rewards, next_q_target, dones, gamma) -> y, shape (N,)",
    "y_n = r_n + gamma max_a' Q_target(s'_n, a')  (y_n = r_n when s'_n is terminal)",
    "next_q_target has one row per sample and one column per action: take the maximum of "
    "each row (axis=1); multiply it by (1 - done_n) so a terminal move does not bootstrap",
    dqn.bellman_targets, _bellman_targets_cases,
    hints=(
        "The lecture: y_n = r_n + gamma max_a' Q_target(s'_n, a'), and y_n = r_n when s'_n is "
        "terminal.",
        "Shapes: rewards (N,), next_q_target (N, n_actions), dones (N,) as 0/1 or bools; y is "
        "(N,): the max runs over the actions, one per row.",
        "Skeleton: best = next_q_target.max(axis=___); return rewards + gamma * (1 - "
        "np.asarray(dones, dtype=float)) * ___",
    )))


#: the exercises' names in the order they come in the notebooks: the short ones above and
#: the larger ones of :mod:`course_lib.exercises.larger` (a whole loop, a whole backward pass)
ORDER = [
    "perceptron_output", "perceptron_update", "train_perceptron_loop",  # 01
    "sigmoid_prime", "output_delta", "hidden_delta", "dense_backward", "mlp_backward",  # 02
    "largest_stable_eta", "momentum_step", "momentum_descent", "divergence_eta",  # 03
    "cross_correlation_at", "conv_output_size", "cross_correlate2d_loops",  # 04
    "cell_state", "lstm_output", "lstm_step_forward", "rnn_step_backward",  # 05
    "som_update", "value_iteration_sweep", "q_update", "bellman_targets",  # 06
]

_BY_NAME = {exercise.name: exercise for exercise in _BANK + LARGER}
if sorted(_BY_NAME) != sorted(ORDER):  # an exercise left out of ORDER, or a name misspelt
    raise ImportError(f"ORDER and the exercises differ: {sorted(set(_BY_NAME) ^ set(ORDER))}")

#: every exercise by name, in the order of the notebooks
EXERCISES: dict[str, Exercise] = {name: _BY_NAME[name] for name in ORDER}
