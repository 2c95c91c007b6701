r"""The larger exercises of notebooks 01-03: the perceptron's loop, backward passes, momentum.

Each solution takes 5-20 lines built from what its notebook has just taught. See
:mod:`course_lib.exercises.larger` for what the checker and the diagnosis say.
"""

from __future__ import annotations

import numpy as np

from .. import mlp, neurons, optim
from ..activations import sigmoid
from .checker import Case, Exercise
from .diagnosis import diagnoser, shape_of

LARGER: list[Exercise] = []  # in the order of the notebooks


# ------------------------------------------------------------------ 01: the perceptron's loop


def _train_perceptron_loop(X, y, eta, max_epochs):
    # neurons.train_perceptron without an rng starts from w = 0, visits the samples in
    # order, counts a mistake where y_hat != y (and updates there) and stops after the
    # first epoch without a mistake: the loop the notebook teaches
    history = neurons.train_perceptron(X, y, eta, max_epochs)
    return history.w, history.errors


def _perceptron_with(X, y, eta, max_epochs, *, w0=None, bias=True, strict=False):
    r"""The perceptron's loop with one mistake: another start, no bias input, step(0) = 0."""
    X = np.asarray(X, dtype=float)
    w = np.zeros(X.shape[1] + 1) if w0 is None else np.array(w0, dtype=float)
    errors = []
    for _ in range(max_epochs):
        mistakes = 0
        for x, target in zip(X, y, strict=True):
            net = w[0] + x @ w[1:]
            y_hat = int(net > 0) if strict else int(net >= 0)
            if y_hat != target:
                w = w + eta * (target - y_hat) * np.concatenate(([1.0 if bias else 0.0], x))
                mistakes += 1
        errors.append(mistakes)
        if mistakes == 0:
            break
    return w, np.array(errors)


def _errors_changed(change):
    def mistake(X, y, eta, max_epochs):
        w, errors = _train_perceptron_loop(X, y, eta, max_epochs)
        return w, change([int(e) for e in errors], max_epochs)
    return mistake


_TOO_FEW = ("one epoch too few: run epochs until one has no mistake (count that epoch and "
            "its 0 too) or until max_epochs epochs have run")
_TOO_MANY = ("one epoch too many: stop right after the first epoch without a mistake, and "
             "after max_epochs epochs at most")
_NOT_RESET = ("the count is not set back to 0 at the start of each epoch: errors holds the "
              "mistakes of each epoch, not the running total")
_PERCEPTRON_MISTAKES = [
    ("the step fires at net = 0 too: y_hat = 1 if w^T x >= 0 (so w = 0 predicts 1)",
     lambda X, y, eta, n: _perceptron_with(X, y, eta, n, strict=True)),
    ("the bias w_0 never moves: the update adds eta (y - y_hat) times (1, x_1, ..., x_D), "
     "with the constant input 1 first", lambda X, y, eta, n: _perceptron_with(X, y, eta, n,
                                                                              bias=False)),
    ("w must start at zero, w = np.zeros(D + 1)", lambda X, y, eta, n: _perceptron_with(
        X, y, eta, n, w0=np.ones(np.shape(X)[1] + 1))),
    (_TOO_FEW, lambda X, y, eta, n: _train_perceptron_loop(X, y, eta, n - 1)),
    (_TOO_MANY, lambda X, y, eta, n: _train_perceptron_loop(X, y, eta, n + 1)),
    (_TOO_FEW, _errors_changed(lambda e, n: e[:-1])),
    (_TOO_MANY, _errors_changed(lambda e, n: e + [0])),
    (_NOT_RESET, _errors_changed(lambda e, n: np.cumsum(e))),
    (_NOT_RESET, _errors_changed(  # the running total is never 0 again: max_epochs epochs
        lambda e, n: list(np.cumsum(e)) + [sum(e)] * (n - len(e)))),
    ("each epoch's count is recorded one epoch late: append it after the pass over the "
     "samples", _errors_changed(lambda e, n: [0] + e[:-1])),
]


def _perceptron_shapes(case, expected, got, k):
    w, errors = expected
    if k == 0 and shape_of(got[0]) == (len(w) - 1,):
        return ("w has D values: the bias w_0 comes first, w = np.zeros(D + 1), and the "
                "input is (1, x_1, ..., x_D)")
    return None


def _perceptron_start(case, expected, got, k):
    w, errors = expected
    if k == 0 and not np.any(w) and len(errors) == 1 and shape_of(got[0]) == w.shape:
        return ("w must start at zero: with w = 0 every sample gives net = 0 and "
                "step(0) = 1, so here nothing is to be learned")
    return None


def _perceptron_cases(rng):
    X_gate = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    AND, OR, XOR = np.array([0, 0, 0, 1]), np.array([0, 1, 1, 1]), np.array([0, 1, 1, 0])
    cases = [
        Case("labels all 1: w = 0 is already right (step(0) = 1)",
             (X_gate, np.array([1, 1, 1, 1]), 0.5, 10)),
        Case("AND, eta 0.5 (the notebook's run: 2 3 3 2 1 0)", (X_gate, AND, 0.5, 20)),
        Case("OR, eta 0.5", (X_gate, OR, 0.5, 20)),
        Case("XOR never converges: max_epochs 5", (X_gate, XOR, 0.5, 5)),
        Case("AND, eta 1", (X_gate, AND, 1.0, 20)),
        Case("AND, eta 0.1: the same mistakes, w scaled", (X_gate, AND, 0.1, 20)),
    ]
    for k in range(2):  # separable: labels from a line, the points near it moved away
        w_true = rng.normal(size=3)
        X = rng.normal(size=(12, 2)) * 2
        net = w_true[0] + X @ w_true[1:]
        X = X + np.sign(net)[:, None] * w_true[1:] / np.linalg.norm(w_true[1:])
        y = (w_true[0] + X @ w_true[1:] >= 0).astype(int)
        cases.append(Case(f"a separable random set of 12 points ({k + 1})",
                          (X, y, float(rng.uniform(0.1, 1.0)), 100)))
    return cases


LARGER.append(Exercise(
    "train_perceptron_loop",
    "train_perceptron_loop(X, y, eta, max_epochs) -> (w, errors): w = [w_0, w_1, ..., w_D] "
    "after training from w = 0, errors = the mistakes of each epoch",
    "y_hat = step(w^T x) (1 if >= 0);  w <- w + eta (y - y_hat) x, x = (1, x_1, ..., x_D), "
    "sample after sample, epoch after epoch, until an epoch without a mistake or max_epochs",
    "start from w = np.zeros(D + 1); in each epoch visit the samples in order, and where "
    "y_hat != y update w and count a mistake; append the epoch's count, stop when it is 0",
    _train_perceptron_loop, _perceptron_cases, parts=("w", "errors"),
    diagnose=diagnoser(_PERCEPTRON_MISTAKES, shapes=_perceptron_shapes,
                        fallback=_perceptron_start),
    hints=(
        "The lecture's rule, one sample at a time: y_hat = step(w_0 + sum_i w_i x_i), with "
        "step(net) = 1 if net >= 0 else 0, then w <- w + eta (y - y_hat) (1, x_1, ..., x_D). "
        "An epoch is one pass over all the samples in order; training stops after the first "
        "epoch without a mistake, or after max_epochs epochs.",
        "Shapes: X is (N, D), y is (N,) of 0s and 1s, w is (D + 1,) with the bias w_0 first "
        "(it starts at zero). errors has one whole number per epoch that ran: the last one is "
        "0 when the perceptron converged, and there are max_epochs of them when it did not.",
        "A skeleton (your perceptron_output and perceptron_update of exercises 1 and 2 fit "
        "the blanks):\n"
        "    w = np.zeros(...)\n"
        "    errors = []\n"
        "    for _ in range(...):\n"
        "        mistakes = ...\n"
        "        for x, target in zip(X, y, strict=True):\n"
        "            if ... != target:\n"
        "                w = ...\n"
        "                mistakes += ...\n"
        "        errors.append(...)\n"
        "        if ...:\n"
        "            break\n"
        "    return w, errors",
    )))


# ------------------------------------------------------------------ 02: a dense layer's backward


def _dense_backward(dout, X, W, b):
    return mlp.dense_backward(dout, mlp.DenseCache(np.asarray(X), np.asarray(W)))


def _dense_with(dout, X, W, b, *, dX=None, dW=None, db=None):
    right_dX, right_dW, right_db = _dense_backward(dout, X, W, b)
    return (right_dX if dX is None else dX(dout, X, W),
            right_dW if dW is None else dW(dout, X, W),
            right_db if db is None else db(dout, X, W))


_AVERAGED = ("the gradients are sums over the batch: the loss's 1/N is already in dout, so "
             "sum, do not average")
_DENSE_MISTAKES = [
    ("dL/dw_ij = sum_n x_ni delta_nj pairs X's rows with dout's rows: X.T @ dout, not "
     "X @ dout", lambda d, X, W, b: _dense_with(d, X, W, b, dW=lambda d, X, W: X @ d)),
    ("dW is transposed: it has the shape of W, (n_in, n_out), X.T @ dout",
     lambda d, X, W, b: _dense_with(d, X, W, b, dW=lambda d, X, W: d.T @ X)),
    ("dL/dx_ni = sum_j w_ij delta_nj sums over W's second axis: dout @ W.T, not dout @ W",
     lambda d, X, W, b: _dense_with(d, X, W, b, dX=lambda d, X, W: d @ W)),
    (_AVERAGED, lambda d, X, W, b: _dense_with(d, X, W, b, db=lambda d, X, W: d.mean(axis=0))),
    (_AVERAGED, lambda d, X, W, b: _dense_with(d, X, W, b,
                                               dW=lambda d, X, W: X.T @ d / len(d))),
    (_AVERAGED, lambda d, X, W, b: _dense_with(d, X, W, b,
                                               dX=lambda d, X, W: d @ W.T / len(d))),
]


def _dense_shapes(case, expected, got, k):
    dout = np.asarray(case.args[0])
    if k == 2 and shape_of(got[2]) == dout.shape and dout.shape != expected[2].shape:
        return "sum over the batch axis, dout.sum(axis=0)"
    if k == 2 and shape_of(got[2]) == (1, dout.shape[1]):
        return "db has the shape of b, (n_out,): sum over axis 0 without keepdims"
    n_in, n_out = expected[1].shape
    if k == 1 and n_in != n_out and shape_of(got[1]) == (n_out, n_in):
        return "dW is transposed: it has the shape of W, (n_in, n_out)"
    return None


def _dense_cases(rng):
    square = (np.array([[1.0, -2.0, 0.5], [0.0, 3.0, -1.0], [2.0, 1.0, 1.0]]),  # dout
              np.array([[1.0, 2.0, 0.0], [-1.0, 0.5, 3.0], [2.0, 0.0, 1.0]]),   # X
              np.array([[0.5, -1.0, 2.0], [1.0, 0.0, -0.5], [0.0, 2.0, 1.0]]),  # W
              np.array([0.1, 0.2, 0.3]))
    cases = [
        Case("square: 3 samples, 3 inputs, 3 outputs", square),
        Case("one sample, 2 inputs -> 3 outputs", (np.array([[0.5, -1.0, 2.0]]),
                                                   np.array([[1.0, 2.0]]),
                                                   np.array([[1.0, 0.0, -1.0],
                                                             [2.0, 1.0, 0.0]]),
                                                   np.zeros(3))),
        Case("a batch of 4, 2 inputs -> 3 outputs", (rng.normal(size=(4, 3)),
                                                     rng.normal(size=(4, 2)),
                                                     rng.normal(size=(2, 3)),
                                                     rng.normal(size=3))),
    ]
    for k in range(2):
        n, n_in, n_out = (int(v) for v in rng.integers(2, 7, size=3))
        cases.append(Case(f"random: {n} samples, {n_in} inputs -> {n_out} outputs ({k + 1})",
                          (rng.normal(size=(n, n_out)), rng.normal(size=(n, n_in)),
                           rng.normal(size=(n_in, n_out)), rng.normal(size=n_out))))
    return cases


LARGER.append(Exercise(
    "dense_backward",
    "dense_backward(dout, X, W, b) -> (dX, dW, db) for net = X @ W + b; dout = dL/dnet, "
    "shape (N, n_out)",
    "dL/dw_ij = sum_n x_ni delta_nj (eq. 7, summed over the batch);  dL/db_j = sum_n "
    "delta_nj;  dL/dx_ni = sum_j w_ij delta_nj",
    "each gradient has the shape of what it differentiates (dX like X, dW like W, db like "
    "b); a sum over n (the batch) or over j is a matrix product with a transpose, or .sum",
    _dense_backward, _dense_cases, parts=("dX", "dW", "db"),
    diagnose=diagnoser(_DENSE_MISTAKES, shapes=_dense_shapes),
    hints=(
        "The lecture's eq. 7, dL/dw_ij = delta_j o_i, for a batch of N samples: the "
        "samples' contributions add up, dL/dw_ij = sum_n x_ni delta_nj. The bias is the "
        "weight of a constant input 1: dL/db_j = sum_n delta_nj. And net_j depends on x_i "
        "through every w_ij: dL/dx_ni = sum_j w_ij delta_nj (the hidden delta's sum).",
        "Shapes: dout (N, n_out), X (N, n_in), W (n_in, n_out), b (n_out,). dX must have "
        "the shape of X, dW that of W, db that of b. Which product of two of the arrays, "
        "one of them transposed, has shape (n_in, n_out) and sums over the N samples?",
        "A skeleton:\n"
        "    dX = ... @ ...        # (N, n_out) @ (n_out, n_in) -> (N, n_in)\n"
        "    dW = ... @ ...        # (n_in, N) @ (N, n_out) -> (n_in, n_out)\n"
        "    db = ...              # (N, n_out) -> (n_out,): a sum over ...\n"
        "    return dX, dW, db",
    )))


# ------------------------------------------------------------------ 02: a 2-layer MLP's backward


def _mlp_backward(X, y, W1, b1, W2, b2):
    # the course's MLP: tanh hidden layer, sigmoid output, binary cross-entropy averaged
    # over the N samples; its gradients with these weights
    net = mlp.MLP(np.shape(X)[1], [np.shape(W1)[1]], 1, activation="tanh", output="binary",
                  rng=np.random.default_rng(0))
    for name, value in (("W1", W1), ("b1", b1), ("W2", W2), ("b2", b2)):
        net.params[name] = np.array(value, dtype=float)
    _, grads = net.loss_and_gradients(X, y)
    return tuple(grads[name].copy() for name in ("W1", "b1", "W2", "b2"))


def _mlp_with(X, y, W1, b1, W2, b2, *, hidden_prime=lambda o: 1.0 - o**2, per_sample=False,
              output_prime=False, sign=1.0):
    r"""The backward pass with one mistake in the hidden derivative, the 1/N or the delta."""
    X, y = np.asarray(X, dtype=float), np.asarray(y, dtype=float).reshape(-1, 1)
    o = np.tanh(X @ W1 + b1)
    y_hat = sigmoid(o @ W2 + b2)
    delta_out = sign * (y_hat - y) / (1 if per_sample else len(X))
    if output_prime:
        delta_out = delta_out * y_hat * (1.0 - y_hat)
    delta_hidden = (delta_out @ W2.T) * hidden_prime(o)
    return (X.T @ delta_hidden, delta_hidden.sum(axis=0), o.T @ delta_out,
            delta_out.sum(axis=0))


_MLP_MISTAKES = [
    ("the hidden layer is tanh: tanh'(net) = 1 - o^2; o (1 - o) is the sigmoid's derivative",
     lambda *a: _mlp_with(*a, hidden_prime=lambda o: o * (1.0 - o))),
    ("the hidden delta is (sum_l w_jl delta_l) times the derivative tanh'(net_j) = 1 - o_j^2",
     lambda *a: _mlp_with(*a, hidden_prime=lambda o: 1.0)),
    ("o is already tanh(net): tanh'(net) = 1 - o^2, without a second tanh",
     lambda *a: _mlp_with(*a, hidden_prime=lambda o: 1.0 - np.tanh(o) ** 2)),
    ("the loss averages over the N samples: the output delta is (y_hat - y) / N",
     lambda *a: _mlp_with(*a, per_sample=True)),
    ("with a sigmoid output and cross-entropy the output delta is (y_hat - y) / N: the "
     "sigma' factor cancels", lambda *a: _mlp_with(*a, output_prime=True)),
    ("the output delta is (y_hat - y) / N, not (y - y_hat) / N",
     lambda *a: _mlp_with(*a, sign=-1.0)),
]


def _mlp_cases(rng):
    # the worked example of notebook 02 (there a sigmoid hidden layer and squared error)
    W1, b1 = np.array([[0.15, 0.25], [0.20, 0.30]]), np.array([0.35, 0.35])
    W2, b2 = np.array([[0.40], [0.45]]), np.array([0.60])
    cases = [
        Case("the worked example's weights, x = (0.5, 0.1), y = 1",
             (np.array([[0.5, 0.1]]), np.array([1]), W1, b1, W2, b2)),
        Case("two samples, y = 1 and 0: the average over N = 2",
             (np.array([[0.5, 0.1], [-1.0, 2.0]]), np.array([1, 0]), W1, b1, W2, b2)),
    ]
    for k, (n, d, h) in enumerate([(8, 2, 4), (5, 3, 3)]):
        cases.append(Case(f"random: {n} samples, {d} inputs, {h} hidden units ({k + 1})",
                          (rng.normal(size=(n, d)), rng.integers(0, 2, size=n),
                           rng.normal(size=(d, h)), rng.normal(size=h),
                           rng.normal(size=(h, 1)), rng.normal(size=1))))
    return cases


LARGER.append(Exercise(
    "mlp_backward",
    "mlp_backward(X, y, W1, b1, W2, b2) -> (dW1, db1, dW2, db2) for o = tanh(X @ W1 + b1), "
    "y_hat = sigma(o @ W2 + b2) and the binary cross-entropy averaged over the N samples",
    "delta_out = (y_hat - y) / N;  dL/dw_ij = delta_j o_i;  delta_j = (sum_l w_jl delta_l) "
    "f'(net_j), f = tanh",
    "run the forward pass first and keep o; the output delta of sigmoid + cross-entropy is "
    "(y_hat - y) / N, a column (N, 1); the hidden delta multiplies by tanh'(net) = 1 - o^2",
    _mlp_backward, _mlp_cases, parts=("dW1", "db1", "dW2", "db2"),
    diagnose=diagnoser(_MLP_MISTAKES),
    hints=(
        "The lecture's backpropagation algorithm, from the output layer back: dL/dw_ij = "
        "delta_j o_i (eq. 7); at the output, sigmoid + binary cross-entropy averaged over N "
        "samples give delta_out = (y_hat - y) / N; at a hidden node delta_j = (sum_l w_jl "
        "delta_l) f'(net_j), here with f = tanh, f'(net_j) = 1 - o_j^2.",
        "Shapes: X (N, D), y (N,), W1 (D, H), b1 (H,), o (N, H), W2 (H, 1), b2 (1,), y_hat "
        "(N, 1). Make y a column, y.reshape(-1, 1), before subtracting it from y_hat: (N, 1) "
        "minus (N,) broadcasts to (N, N). delta_out is (N, 1), the hidden delta (N, H); each "
        "gradient has the shape of its parameter. Your dense_backward does each layer.",
        "A skeleton:\n"
        "    o = np.tanh(...)                       # (N, H)\n"
        "    y_hat = 1 / (1 + np.exp(-(...)))       # (N, 1)\n"
        "    delta_out = (... - ...) / ...           # (N, 1)\n"
        "    dW2, db2 = ..., ...\n"
        "    delta_hidden = (... @ ...) * (...)      # (N, H)\n"
        "    dW1, db1 = ..., ...\n"
        "    return dW1, db1, dW2, db2",
    )))


# ------------------------------------------------------------------ 03: momentum on a quadratic


def _momentum_descent(A, w0, eta, mu, steps):
    A = np.asarray(A, dtype=float)
    return optim.trajectory(lambda w: A @ w, w0, method="momentum", eta=eta, mu=mu,
                            steps=steps, blow_up=np.inf)


def _momentum_with(A, w0, eta, mu, steps, *, old_v=False, grad_after_move=False, sign=-1.0,
                   grad_at_start=False):
    w, v = np.array(w0, dtype=float), np.zeros(len(w0))
    path = [w.copy()]
    for _ in range(steps):
        if grad_after_move:  # w <- w + v first, then v from the gradient at the new w
            w = w + v
        dw = A @ (np.asarray(w0, dtype=float) if grad_at_start else w)
        v_new = mu * v + sign * eta * dw
        if not grad_after_move:
            w = w + (v if old_v else v_new)
        v = v_new
        path.append(w.copy())
    return np.array(path)


_OLD_V = ("w moved by the old velocity: first v <- mu v - eta A w, then w <- w + v with the "
          "new v")
_MOMENTUM_MISTAKES = [
    (_OLD_V, lambda *a: _momentum_with(*a, old_v=True)),
    (_OLD_V, lambda *a: _momentum_with(*a, old_v=True, grad_after_move=True)),
    ("a sign: v <- mu v - eta A w goes downhill, against the gradient",
     lambda *a: _momentum_with(*a, sign=1.0)),
    ("the gradient is A @ w at the current w, at every step",
     lambda *a: _momentum_with(*a, grad_at_start=True)),
    ("the velocity is not kept: v <- mu v - eta A w remembers the earlier steps (this is "
     "plain gradient descent)", lambda A, w0, eta, mu, n: _momentum_with(A, w0, eta, 0.0, n)),
]


def _momentum_shapes(case, expected, got, k):
    steps = case.args[4]
    if shape_of(got) == (steps, expected.shape[1]):
        return "the trajectory starts with w0: steps + 1 rows, w_0 first"
    got = np.asarray(got, dtype=float)
    if (got.shape == expected.shape and steps > 1
            and np.allclose(got, expected[-1], rtol=1e-9, atol=1e-9)):
        return ("every row is the last w: w += v changes the one array that each row "
                "refers to; append a copy (w.copy()) or write w = w + v")
    return None


def _momentum_cases(rng):
    ravine = np.diag([1.0, 20.0])  # notebook 03's ill-conditioned quadratic
    rotation = np.array([[np.cos(0.6), -np.sin(0.6)], [np.sin(0.6), np.cos(0.6)]])
    B = rng.normal(size=(3, 3))
    return [
        Case("the notebook's ravine L = (w_1^2 + 20 w_2^2)/2, eta 0.02, mu 0.8, 10 steps",
             (ravine, np.array([-2.0, 1.0]), 0.02, 0.8, 10)),
        Case("one step from v = 0", (ravine, np.array([-2.0, 1.0]), 0.02, 0.8, 1)),
        Case("mu = 0 is gradient descent", (ravine, np.array([-2.0, 1.0]), 0.05, 0.0, 6)),
        Case("steps = 0: only the start point", (ravine, np.array([-2.0, 1.0]), 0.02, 0.8, 0)),
        Case("a rotated ravine, mu 0.9, 25 steps",
             (rotation @ np.diag([1.0, 20.0]) @ rotation.T, np.array([1.0, 1.0]), 0.03, 0.9,
              25)),
        Case("random, 3 weights, 15 steps", (B @ B.T + 0.5 * np.eye(3), rng.normal(size=3),
                                             float(rng.uniform(0.01, 0.1)),
                                             float(rng.uniform(0.3, 0.95)), 15)),
    ]


LARGER.append(Exercise(
    "momentum_descent",
    "momentum_descent(A, w0, eta, mu, steps) -> the points w_0, w_1, ..., w_steps, shape "
    "(steps + 1, D), of heavy-ball momentum on L(w) = w^T A w / 2 from v = 0",
    "dL/dw = A w;  v <- mu v - eta dL/dw;  w <- w + v",
    "start the list with w0 and v = 0; at each step take the gradient A @ w at the current "
    "w, update v first, then move w by the new v, and append the new w",
    _momentum_descent, _momentum_cases,
    diagnose=diagnoser(_MOMENTUM_MISTAKES, shapes=_momentum_shapes),
    hints=(
        "The lecture's momentum, heavy ball with coefficient mu and velocity v (v = 0 at the "
        "start): v <- mu v - eta dL/dw, then w <- w + v. For L(w) = 1/2 w^T A w the "
        "gradient is dL/dw = A w.",
        "Shapes: A (D, D), w0 (D,), v (D,) of zeros; the result stacks w_0 (the start) and "
        "the w after each step: steps + 1 rows of D values.",
        "A skeleton:\n"
        "    w, v = np.array(w0, dtype=float), np.zeros(...)\n"
        "    path = [...]\n"
        "    for step in range(...):\n"
        "        v = ...\n"
        "        w = ...\n"
        "        path.append(...)\n"
        "    return np.array(path)",
    )))


# ------------------------------------------------------------------ 03: where momentum diverges


def _divergence_eta(A, mu, steps, low, high):
    # the boundary a long enough run finds: stable for eta < 2 (1 + mu) / kappa_max
    # (notebook 03's notes); the check accepts a bisection within its tolerance
    return 2.0 * (1.0 + mu) / float(np.linalg.eigvalsh(np.asarray(A, dtype=float)).max())


def _divergence_diagnose(case, expected, got):
    try:
        A, mu, steps, low, high = case.args
        got = float(got)
        kappa = float(np.linalg.eigvalsh(np.asarray(A, dtype=float)).max())
    except Exception:
        return None

    def near(value, tol=0.01):
        return abs(got - value) <= tol * abs(value) + 1e-12

    if mu > 0 and near(2.0 / kappa):
        return ("that is plain gradient descent's boundary (mu = 0): does your run keep the "
                "velocity, v <- mu v - eta A w?")
    if mu > 0 and near(2.0 * (1.0 + mu) / ((1.0 + 2.0 * mu) * kappa)):
        return "that is Nesterov's boundary: the heavy ball takes the gradient A w at w itself"
    if near(low, 0.02) or near(high, 0.02):
        return ("the bracket did not close on the boundary: when the run at mid diverges the "
                "boundary is below it (high = mid), else above it (low = mid)")
    if got < expected:
        return ("some runs that converge were judged diverging: compare |w| after all the "
                "steps with |w_0| (a converging run may grow for a while)")
    return ("some runs that diverge were judged stable: run all the steps and compare "
            "|w_steps| with |w_0| (a run that overflowed to nan diverged too)")


def _divergence_cases(rng):
    rotation = np.array([[np.cos(0.6), -np.sin(0.6)], [np.sin(0.6), np.cos(0.6)]])
    B = rng.normal(size=(3, 3))
    A = B @ B.T + 0.5 * np.eye(3)
    return [
        Case("the notebook's ravine diag(1, 20), mu 0.8", (np.diag([1.0, 20.0]), 0.8, 200,
                                                          0.0, 1.0)),
        Case("mu = 0: gradient descent", (np.diag([1.0, 20.0]), 0.0, 200, 0.0, 1.0)),
        Case("a rotated ravine, mu 0.9", (rotation @ np.diag([2.0, 10.0]) @ rotation.T, 0.9,
                                          200, 0.0, 2.0)),
        Case("random, 3 weights", (A, float(rng.uniform(0.2, 0.8)), 200, 0.0,
                                   10.0 / float(np.linalg.eigvalsh(A).max()))),
    ]


LARGER.append(Exercise(
    "divergence_eta",
    "divergence_eta(A, mu, steps, low, high) -> the learning rate at which momentum descent "
    "on L(w) = w^T A w / 2 starts to diverge, by bisection between low (converges) and high "
    "(diverges); a run: `steps` steps from w_0 = (1, ..., 1), diverged when |w_steps| > |w_0|",
    "v <- mu v - eta A w;  w <- w + v;  bisection: mid = (low + high) / 2, keep the half "
    "where the run changes from converging to diverging",
    "run your momentum_descent at mid = (low + high) / 2: if it diverges the boundary is "
    "below mid (high = mid), else above it (low = mid); repeat some 40 times",
    _divergence_eta, _divergence_cases, tolerance=1e-3, diagnose=_divergence_diagnose,
    hints=(
        "Momentum descent on L(w) = 1/2 w^T A w, v <- mu v - eta A w, w <- w + v, either "
        "shrinks w towards the minimum 0 or blows up, depending on eta: small rates "
        "converge, large ones diverge. Bisection finds the rate where this changes: it "
        "halves the interval [low, high] that contains it, again and again.",
        "Shapes: A (D, D), w_0 = np.ones(D); a run is your momentum_descent(A, w_0, eta, mu, "
        "steps), shape (steps + 1, D), and its last row is w_steps. One number per run "
        "decides: does |w_steps| (np.linalg.norm) exceed |w_0|? The answer is one float.",
        "A skeleton:\n"
        "    w0 = np.ones(len(A))\n"
        "    for _ in range(...):\n"
        "        mid = ...\n"
        "        with np.errstate(over='ignore', invalid='ignore'):\n"
        "            w_last = momentum_descent(A, w0, ..., mu, steps)[...]\n"
        "            grew = not np.linalg.norm(w_last) <= ...   # 'not <=': nan grew too\n"
        "        if grew:\n"
        "            high = ...\n"
        "        else:\n"
        "            low = ...\n"
        "    return ...",
    )))
