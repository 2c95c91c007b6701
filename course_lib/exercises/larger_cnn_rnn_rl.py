r"""The larger exercises of notebooks 04-06: cross-correlation, an LSTM step, BPTT, value iteration.

Each solution takes 5-20 lines built from what its notebook has just taught. See
:mod:`course_lib.exercises.larger` for what the checker and the diagnosis say.
"""

from __future__ import annotations

import numpy as np

from .. import conv, lstm, rl, rnn
from ..activations import sigmoid
from .checker import Case, Exercise
from .diagnosis import diagnoser, shape_of

LARGER: list[Exercise] = []  # in the order of the notebooks


# ------------------------------------------------------------------ 04: cross-correlation, loops


def _cross_correlate2d(x, w, stride, padding):
    return conv.cross_correlate2d(x, w, stride, padding)


def _pad_one_side(x, padding, before: bool):
    width = (padding, 0) if before else (0, padding)
    return np.pad(np.asarray(x, dtype=float), (width, width))


def _windows_not_strided(x, w, stride, padding):
    x_pad = np.pad(np.asarray(x, dtype=float), padding)
    k = len(w)
    h_out, w_out = (conv.conv_output_size(n, k, stride, padding) for n in np.shape(x))
    return np.array([[np.sum(x_pad[i:i + k, j:j + k] * w) for j in range(w_out)]
                     for i in range(h_out)])


_ONE_SIDE = ("padding on one side only: add p rows and columns of zeros on every side "
             "(np.pad(x, padding)), so the padded input has n + 2p rows")
_CONV_MISTAKES = [
    ("the kernel is flipped: that is a convolution; the cross-correlation of a CNN uses "
     "w[u, v] as it is", lambda x, w, s, p: conv.convolve2d(x, w, s, p)),
    ("the window of out[i, j] starts at row i * stride and column j * stride",
     _windows_not_strided),
    ("the stride is ignored: the kernel jumps by `stride` rows and columns",
     lambda x, w, s, p: conv.cross_correlate2d(x, w, 1, p)),
    ("the padding is ignored: add p rows and columns of zeros on every side first",
     lambda x, w, s, p: conv.cross_correlate2d(x, w, s, 0)),
    (_ONE_SIDE, lambda x, w, s, p: conv.cross_correlate2d(_pad_one_side(x, p, True), w, s)),
    (_ONE_SIDE, lambda x, w, s, p: conv.cross_correlate2d(_pad_one_side(x, p, False), w, s)),
    ("one output row and column too few: n_out = floor((n + 2p - k) / s) + 1, the + 1 "
     "counts the first position", lambda x, w, s, p: conv.cross_correlate2d(x, w, s, p)[:-1,
                                                                                       :-1]),
]


def _conv_cases(rng):
    x = np.array([[1, 2, 3, 1, 3, 5], [2, 2, 5, 4, 2, 5], [0, 6, 9, 6, 2, 2],
                  [2, 0, 1, 9, 4, 0], [5, 5, 4, 6, 7, 6], [6, 1, 3, 7, 1, 5]], dtype=float)
    w = np.array([[1, 0, -1], [1, 0, -1], [1, 0, -1]], dtype=float)
    sobel_y = np.array([[-1, -2, -1], [0, 0, 0], [1, 2, 1]], dtype=float)
    return [
        Case("the lecture's 6x6 example, stride 1 (its corner is 11, not the slide's 10)",
             (x, w, 1, 0)),
        Case("the lecture's 6x6 example, stride 2", (x, w, 2, 0)),
        Case("the lecture's 6x6 example, padding 1", (x, w, 1, 1)),
        Case("stride 2 and padding 1", (x, w, 2, 1)),
        Case("a kernel that is not symmetric top to bottom", (x, sobel_y, 1, 0)),
        Case("a stride that does not divide (7x7, k 3, stride 3)", (rng.normal(size=(7, 7)),
                                                                   sobel_y, 3, 0)),
        Case("a 5x8 image, k 2, stride 2, padding 1", (rng.normal(size=(5, 8)),
                                                       np.array([[1.0, 2.0], [-3.0, 0.5]]),
                                                       2, 1)),
        Case("random 9x7, k 3, stride 2, padding 2", (rng.normal(size=(9, 7)),
                                                      rng.normal(size=(3, 3)), 2, 2)),
    ]


LARGER.append(Exercise(
    "cross_correlate2d_loops",
    "cross_correlate2d_loops(x, w, stride, padding) -> out, for a 2-D input x (H, W) and a "
    "square kernel w (k, k), with loops",
    "out[i, j] = sum_{u,v} x_pad[i s + u, j s + v] w[u, v];  n_out = floor((n + 2p - k) / s) "
    "+ 1 for each axis",
    "pad p zeros on every side first (np.pad), get each axis's n_out from your "
    "conv_output_size, then fill out[i, j] from the window starting at (i * stride, j * "
    "stride), the kernel as it is (no flip)",
    _cross_correlate2d, _conv_cases, diagnose=diagnoser(_CONV_MISTAKES),
    hints=(
        "The lecture's stride and padding slides: out[i, j] = sum_{u,v} x_pad[i s + u, j s + "
        "v] w[u, v], where x_pad is x with p rings of zeros around it and s the stride; "
        "n_out = floor((n + 2p - k) / s) + 1 along each axis. A CNN's layer cross-correlates: "
        "the kernel is not flipped.",
        "Shapes: x (H, W), w (k, k), x_pad (H + 2p, W + 2p); out (H_out, W_out) with H_out "
        "from H and W_out from W (an image need not be square). The window of out[i, j] is "
        "x_pad[i*s : i*s + k, j*s : j*s + k], shape (k, k), like w.",
        "A skeleton:\n"
        "    x_pad = np.pad(x, ...)\n"
        "    k = ...\n"
        "    H_out = ...; W_out = ...\n"
        "    out = np.zeros((H_out, W_out))\n"
        "    for i in range(H_out):\n"
        "        for j in range(W_out):\n"
        "            window = x_pad[...:..., ...:...]\n"
        "            out[i, j] = ...\n"
        "    return out",
    )))


# ------------------------------------------------------------------ 05: one LSTM step


class Params(dict):
    r"""The LSTM's weights, a plain dict of arrays that prints as its keys and shapes."""

    def __repr__(self) -> str:
        shapes = {}
        for name, value in self.items():
            shapes.setdefault(np.shape(value), []).append(name)
        return "params{" + "; ".join(f"{', '.join(names)}: {shape}"
                                     for shape, names in shapes.items()) + "}"


def _lstm_step(x_t, h_prev, C_prev, params):
    h_t, C_t, _ = lstm.lstm_step_forward(x_t, h_prev, C_prev, params)
    return h_t, C_t


def _lstm_with(x_t, h_prev, C_prev, p, *, swap=False, f=sigmoid, i=sigmoid, candidate=np.tanh,
               o=sigmoid, h_squash=np.tanh, x_first=False, old_C=False):
    r"""One LSTM step with one mistake: gates swapped or mis-squashed, [x, h], no tanh."""
    hx = np.concatenate([x_t, h_prev] if x_first else [h_prev, x_t], axis=1)
    f_t = f(hx @ p["W_f"] + p["b_f"])
    i_t = i(hx @ p["W_i"] + p["b_i"])
    if swap:
        f_t, i_t = i_t, f_t
    C_tilde_t = candidate(hx @ p["W_C"] + p["b_C"])
    C_t = f_t * C_prev + i_t * C_tilde_t
    o_t = o(hx @ p["W_o"] + p["b_o"])
    return o_t * h_squash(C_prev if old_C else C_t), C_t


_LSTM_MISTAKES = [
    ("f_t and i_t are swapped: the forget gate f_t (W_f, b_f) scales C_{t-1}, the input "
     "gate i_t (W_i, b_i) scales C_tilde_t", lambda *a: _lstm_with(*a, swap=True)),
    ("C_tilde_t takes tanh (values in (-1, 1)), not the sigmoid",
     lambda *a: _lstm_with(*a, candidate=sigmoid)),
    ("the gates f_t, i_t and o_t take the sigmoid (values in (0, 1)), not tanh",
     lambda *a: _lstm_with(*a, f=np.tanh, i=np.tanh, o=np.tanh)),
    ("f_t takes the sigmoid (values in (0, 1)), not tanh", lambda *a: _lstm_with(*a, f=np.tanh)),
    ("i_t takes the sigmoid (values in (0, 1)), not tanh", lambda *a: _lstm_with(*a, i=np.tanh)),
    ("o_t takes the sigmoid (values in (0, 1)), not tanh", lambda *a: _lstm_with(*a, o=np.tanh)),
    ("h_t = o_t * tanh(C_t): squash the cell state with tanh before the output gate",
     lambda *a: _lstm_with(*a, h_squash=lambda C: C)),
    ("[h_{t-1}, x_t] puts h_{t-1} first: concatenate [h_prev, x_t] along axis 1",
     lambda *a: _lstm_with(*a, x_first=True)),
    ("h_t uses the new cell state C_t, not C_{t-1}", lambda *a: _lstm_with(*a, old_C=True)),
]


def _lstm_cases(rng):
    D, H = 2, 3
    zero = {f"W_{g}": np.zeros((H + D, H)) for g in lstm.GATES}
    kept = Params(zero, b_f=np.full(H, 30.0), b_i=np.full(H, -30.0), b_C=np.full(H, 0.5),
                  b_o=np.full(H, 1.0))
    cases = [Case("memory kept: f_t = 1, i_t = 0 (biases 30 and -30, weights 0)",
                  (np.array([[1.0, -1.0]]), np.array([[0.2, -0.4, 0.6]]),
                   np.array([[1.5, -2.0, 0.3]]), kept))]
    notebook = np.random.default_rng(2)  # notebook 05's step, with its numbers
    p = Params(lstm.lstm_init(3, 4, notebook))
    cases.append(Case("the notebook's step: lstm_init(3, 4, rng(2)), one sample",
                      (notebook.normal(size=(1, 3)), notebook.normal(size=(1, 4)),
                       notebook.normal(size=(1, 4)), p)))
    for k, (n, d, h) in enumerate([(3, 2, 2), (4, 5, 3)]):
        params = Params({f"W_{g}": rng.normal(size=(h + d, h)) for g in lstm.GATES}
                        | {f"b_{g}": rng.normal(size=h) for g in lstm.GATES})
        cases.append(Case(f"random: a batch of {n}, D = {d}, H = {h} ({k + 1})",
                          (rng.normal(size=(n, d)), rng.normal(size=(n, h)),
                           rng.normal(scale=2.0, size=(n, h)), params)))
    return cases


LARGER.append(Exercise(
    "lstm_step_forward",
    "lstm_step_forward(x_t, h_prev, C_prev, params) -> (h_t, C_t); x_t (N, D), h_prev and C_prev "
    "(N, H), params['W_f'], ['W_i'], ['W_C'], ['W_o'] (H + D, H), params['b_f'], ... (H,)",
    "f_t = sigma(W_f . [h_{t-1}, x_t] + b_f);  i_t = sigma(W_i . [h_{t-1}, x_t] + b_i);  "
    "C_tilde_t = tanh(W_C . [h_{t-1}, x_t] + b_C);  C_t = f_t * C_{t-1} + i_t * C_tilde_t;  "
    "o_t = sigma(W_o [h_{t-1}, x_t] + b_o);  h_t = o_t * tanh(C_t)",
    "concatenate [h_{t-1}, x_t] with h first (axis 1); each gate is that row times its W "
    "plus its b, squashed: sigma for f_t, i_t, o_t and tanh for C_tilde_t",
    _lstm_step, _lstm_cases, parts=("h_t", "C_t"), diagnose=diagnoser(_LSTM_MISTAKES),
    hints=(
        "The lecture's four layers on [h_{t-1}, x_t]: the forget gate f_t = sigma(W_f . "
        "[h_{t-1}, x_t] + b_f), the input gate i_t = sigma(W_i . [...] + b_i), the "
        "candidate C_tilde_t = tanh(W_C . [...] + b_C), the output gate o_t = sigma(W_o "
        "[...] + b_o); then the memory lane C_t = f_t * C_{t-1} + i_t * C_tilde_t and the "
        "output h_t = o_t * tanh(C_t) (* element-wise).",
        "Shapes: x_t (N, D), h_prev (N, H), [h_{t-1}, x_t] (N, H + D) with h_prev in the "
        "first H columns; each W_g (H + D, H), so [h_{t-1}, x_t] @ W_g + b_g is (N, H), the "
        "course's row form of W_g . [h_{t-1}, x_t]; every gate, C_t and h_t are (N, H).",
        "A skeleton (sigmoid from course_lib.activations; your cell_state and lstm_output "
        "fit the last two lines):\n"
        "    hx = np.concatenate([..., ...], axis=1)\n"
        "    f_t = ...(hx @ params[...] + params[...])\n"
        "    i_t = ...\n"
        "    C_tilde_t = ...\n"
        "    o_t = ...\n"
        "    C_t = ...\n"
        "    h_t = ...\n"
        "    return h_t, C_t",
    )))


# ------------------------------------------------------------------ 05: one step of BPTT (RNN)


def _rnn_step_backward(dh_t, x_t, h_prev, h_t, W, b):
    hx = np.concatenate([h_prev, x_t], axis=1)
    dx, dh_prev, grads = rnn.rnn_step_backward(dh_t, rnn.RNNStepCache(hx, np.asarray(h_t),
                                                                      np.asarray(W)))
    return dx, dh_prev, grads["W"], grads["b"]


def _rnn_with(dh_t, x_t, h_prev, h_t, W, b, *, prime=lambda h: 1.0 - h**2, x_first=False):
    dnet = dh_t * prime(h_t)
    hx = np.concatenate([h_prev, x_t], axis=1)
    dhx = dnet @ W.T
    H, D = h_prev.shape[1], x_t.shape[1]
    dx, dh_prev = (dhx[:, :D], dhx[:, D:]) if x_first else (dhx[:, H:], dhx[:, :H])
    return dx, dh_prev, hx.T @ dnet, dnet.sum(axis=0)


_RNN_MISTAKES = [
    ("dh_t goes back through the tanh first: dnet = dh_t * (1 - h_t^2)",
     lambda *a: _rnn_with(*a, prime=lambda h: 1.0)),
    ("h_t is already tanh(net): tanh'(net) = 1 - h_t^2, without a second tanh",
     lambda *a: _rnn_with(*a, prime=lambda h: 1.0 - np.tanh(h) ** 2)),
    ("tanh'(net) = 1 - h_t^2; h_t (1 - h_t) is the sigmoid's derivative",
     lambda *a: _rnn_with(*a, prime=lambda h: h * (1.0 - h))),
    ("[h_{t-1}, x_t] puts h_{t-1} first: the first H columns of dnet W^T are dh_prev, the "
     "last D are dx", lambda *a: _rnn_with(*a, x_first=True)),
]


def _rnn_shapes(case, expected, got, k):
    dh_t, x_t, h_prev = (np.asarray(a) for a in case.args[:3])
    H, D = h_prev.shape[1], x_t.shape[1]
    if k in (0, 1) and H != D and shape_of(got[0]) == (len(x_t), H):
        return ("dx has H columns: [h_{t-1}, x_t] puts h_{t-1} first, so the first H "
                "columns of dnet W^T are dh_prev and the last D are dx")
    if k == 2 and shape_of(got[2]) == expected[2].T.shape:
        return "dW has the shape of W, (H + D, H): [h_{t-1}, x_t]^T dnet"
    if k == 3 and shape_of(got[3]) == dh_t.shape:
        return "db sums over the batch axis: dnet.sum(axis=0), shape (H,) like b"
    return None


def _rnn_case(name, rng, n, D, H, params=None, dh_scale=1.0):
    params = rnn.rnn_init(D, H, rng) if params is None else params
    x_t, h_prev = rng.normal(size=(n, D)), np.tanh(rng.normal(size=(n, H)))
    h_t, _ = rnn.rnn_step_forward(x_t, h_prev, params)
    return Case(name, (rng.normal(scale=dh_scale, size=(n, H)), x_t, h_prev, h_t,
                       params["W"], params["b"]))


def _rnn_cases(rng):
    notebook = np.random.default_rng(0)  # notebook 05's RNN: rnn_init(2, 3, rng(0))
    params = rnn.rnn_init(2, 3, notebook)
    square = {"W": np.array([[0.5, -1.0], [1.5, 0.2], [-0.7, 0.9], [0.3, -0.4]]),
              "b": np.array([0.1, -0.2])}
    return [
        _rnn_case("the notebook's RNN: rnn_init(2, 3, rng(0)), one sample", notebook, 1, 2, 3,
                  params),
        _rnn_case("H = D = 2: the split of [dh_prev, dx] must be in the right place",
                  np.random.default_rng(5), 2, 2, 2, square),
        _rnn_case("random: a batch of 4, D = 3, H = 5", rng, 4, 3, 5),
        _rnn_case("random: large weights, tanh near saturation", rng, 3, 2, 4,
                  {"W": rng.normal(scale=3.0, size=(6, 4)), "b": rng.normal(size=4)}),
    ]


LARGER.append(Exercise(
    "rnn_step_backward",
    "rnn_step_backward(dh_t, x_t, h_prev, h_t, W, b) -> (dx, dh_prev, dW, db) for h_t = "
    "tanh([h_prev, x_t] @ W + b); dh_t = dL/dh_t (N, H), W (H + D, H)",
    "h_t = tanh(net), net = W . [h_{t-1}, x_t] + b;  dL/dnet = dL/dh_t tanh'(net), tanh'(net) "
    "= 1 - h_t^2;  then net is a dense layer on [h_{t-1}, x_t]",
    "dh_t goes back through tanh first (times 1 - h_t^2, from h_t itself); then it is your "
    "dense_backward with X = [h_{t-1}, x_t]; split its dX: h_{t-1}'s H columns come first",
    _rnn_step_backward, _rnn_cases, parts=("dx", "dh_prev", "dW", "db"),
    diagnose=diagnoser(_RNN_MISTAKES, shapes=_rnn_shapes),
    hints=(
        "The chain rule through one step of the RNN, h_t = tanh(net), net = W . [h_{t-1}, "
        "x_t] + b: first dL/dnet = dL/dh_t * tanh'(net), with tanh'(net) = 1 - tanh(net)^2 = "
        "1 - h_t^2; then net is a dense layer whose input is [h_{t-1}, x_t], so its "
        "gradients are those of notebook 02's eq. 7 and hidden delta's sum.",
        "Shapes: dh_t and h_t (N, H), x_t (N, D), h_prev (N, H), W (H + D, H), b (H,). "
        "dnet is (N, H); the dense layer's input [h_{t-1}, x_t] is (N, H + D), so its dX is "
        "(N, H + D): the first H columns belong to h_{t-1}, the last D to x_t. dW (H + D, H), "
        "db (H,).",
        "A skeleton (your dense_backward does the middle):\n"
        "    dnet = dh_t * (...)                       # (N, H)\n"
        "    hx = np.concatenate([..., ...], axis=1)   # (N, H + D)\n"
        "    dhx, dW, db = ...\n"
        "    H = ...\n"
        "    dh_prev, dx = dhx[:, ...], dhx[:, ...]\n"
        "    return dx, dh_prev, dW, db",
    )))


# ------------------------------------------------------------------ 06: a sweep of value iteration


def _value_iteration_sweep(P, R, V, gamma):
    # rl.bellman_backup's line, Q(s, a) = R[s, a] + gamma sum_s' P[s, a, s'] V[s'], on a
    # model given as arrays (bellman_backup takes a GridWorld); then max and argmax over a
    Q = np.asarray(R, dtype=float) + rl.check_gamma(gamma) * (np.asarray(P) @ np.asarray(V))
    return Q.max(axis=1), Q.argmax(axis=1)


def _sweep_with(P, R, V, gamma, *, best=np.max, discount=True, in_place=False,
                last_tie=False, greedy_reward=False):
    P, R, V = np.asarray(P, dtype=float), np.asarray(R, dtype=float), np.array(V, dtype=float)
    g = gamma if discount else 1.0
    V_new, policy = V.copy() if in_place else np.zeros(len(V)), np.zeros(len(V), dtype=int)
    for s in range(len(V)):
        q = R[s] + g * P[s] @ (V_new if in_place else V)
        V_new[s] = best(q)
        ranked = R[s] if greedy_reward else q
        policy[s] = len(q) - 1 - np.argmax(ranked[::-1]) if last_tie else np.argmax(ranked)
    return V_new, policy


_SWEEP_MISTAKES = [
    ("the Bellman update takes the best action: the max over a, not the min",
     lambda *a: _sweep_with(*a, best=np.min)),
    ("the next state's value is discounted: gamma V(s')",
     lambda *a: _sweep_with(*a, discount=False)),
    ("a sweep is synchronous: every state's backup uses the old V, so write V_new "
     "into a new array, not into V", lambda *a: _sweep_with(*a, in_place=True)),
    ("on a tie take the first of the best actions, as np.argmax does",
     lambda *a: _sweep_with(*a, last_tie=True)),
    ("the policy looks ahead too: argmax over a of R + gamma sum_s' P V, not of R alone",
     lambda *a: _sweep_with(*a, greedy_reward=True)),
]


def _sweep_shapes(case, expected, got, k):
    S, A = np.shape(case.args[1])
    if k == 0 and shape_of(got[0]) == (S, A):
        return "V_new has one value per state: the max of Q(s, a) over the actions (axis 1)"
    if k == 0 and shape_of(got[0]) == (A,) and A != S:
        return "the max runs over the actions, axis 1 of Q (axis 0 runs over the states)"
    return None


def _sweep_cases(rng):
    P2 = np.zeros((2, 2, 2))
    P2[0, 0, 0] = P2[0, 1, 1] = P2[1, 0, 1] = P2[1, 1, 0] = 1.0  # stay or switch
    R2 = np.array([[0.0, 1.0], [0.5, 0.0]])
    grid = rl.GridWorld.default()
    P, R = grid.model()
    V = np.zeros(grid.n_states)
    for _ in range(4):
        V = _value_iteration_sweep(P, R, V, 0.9)[0]
    P_slip, R_slip = grid.with_slip(0.2).model()
    P_random = rng.uniform(size=(6, 3, 6)) * (rng.uniform(size=(6, 3, 6)) < 0.5)
    P_random[:, :, 0] += 0.1  # every action leads somewhere
    P_random /= P_random.sum(axis=2, keepdims=True)
    return [
        Case("two states by hand: stay or switch, V = (1, 2)", (P2, R2, np.array([1.0, 2.0]),
                                                                0.9)),
        Case("V = 0: the best immediate reward", (P2, R2, np.zeros(2), 0.9)),
        Case("gamma 0: the reward alone", (P2, R2, np.array([1.0, 2.0]), 0.0)),
        Case("the notebook's 5x5 grid, V = 0 (ties everywhere)", (P, R, np.zeros(25), 0.9)),
        Case("the 5x5 grid after 4 sweeps", (P, R, V, 0.9)),
        Case("the slippery grid (slip 0.2), after 4 sweeps", (P_slip, R_slip, V, 0.9)),
        Case("random: 6 states, 3 actions", (P_random, rng.normal(size=(6, 3)),
                                              rng.normal(size=6), 0.8)),
    ]


LARGER.append(Exercise(
    "value_iteration_sweep",
    "value_iteration_sweep(P, R, V, gamma) -> (V_new, policy); P[s, a, s'] = P(s'|s, a) "
    "(S, A, S), R[s, a] the expected reward (S, A), V (S,); policy[s] the best action, the "
    "first on a tie",
    "V(s) <- max_a sum_s' P(s'|s, a) [r + gamma V(s')];  policy(s) = argmax_a of the same sum",
    "R already holds sum_s' P(s'|s, a) r, so Q(s, a) = R[s, a] + gamma sum_s' P[s, a, s'] "
    "V[s']; V_new and the policy are its max and argmax over a; every state uses the old V",
    _value_iteration_sweep, _sweep_cases, parts=("V_new", "policy"),
    diagnose=diagnoser(_SWEEP_MISTAKES, shapes=_sweep_shapes),
    hints=(
        "The Bellman optimality equation as an update (value iteration): V(s) <- max_a "
        "sum_s' P(s'|s, a) [r + gamma V(s')], and the greedy policy(s) = argmax_a of the same "
        "sum. One sweep does it for every state at once, from the old V.",
        "Shapes: P (S, A, S) with P[s, a] a distribution over the next states s', R (S, A), "
        "V (S,). Q(s, a) = R[s, a] + gamma sum_s' P[s, a, s'] V[s'] is (S, A): a sum over "
        "the last axis of P. V_new and policy are (S,): over the actions, axis 1.",
        "A skeleton:\n"
        "    Q = np.zeros(R.shape)\n"
        "    for s in range(...):\n"
        "        for a in range(...):\n"
        "            Q[s, a] = R[s, a] + gamma * ...\n"
        "    V_new = ...\n"
        "    policy = ...\n"
        "    return V_new, policy",
    )))
