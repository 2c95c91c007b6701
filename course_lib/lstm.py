r"""The Long Short-Term Memory cell exactly as the lecture writes it, and its backward pass.

Lecture, "Investigating LSTM components", with [h_{t-1}, x_t] the concatenation
of the previous output and the current input (h first):
    f_t       = sigma(W_f . [h_{t-1}, x_t] + b_f)      forgetting gate
    i_t       = sigma(W_i . [h_{t-1}, x_t] + b_i)      input gate
    C_tilde_t = tanh(W_C . [h_{t-1}, x_t] + b_C)       candidate values
    C_t       = f_t * C_{t-1} + i_t * C_tilde_t        the memory lane (cell state)
    o_t       = sigma(W_o . [h_{t-1}, x_t] + b_o)      output gate
    h_t       = o_t * tanh(C_t)
"*" is the element-wise product. Each W_g has shape (H + D, H) and each b_g (H,);
in code ``[h_{t-1}, x_t] @ W_g`` (row vectors, as in the MLP). The initial cell
state C_0 is zero.

Backward (the lecture's "How to train LSTM ?"), from dL/dh_t and the dL/dC_t
that flows back along the memory lane:
    dC_t      += dh_t * o_t * (1 - tanh(C_t)^2)
    do_t       = dh_t * tanh(C_t)          df_t = dC_t * C_{t-1}
    di_t       = dC_t * C_tilde_t          dC_tilde_t = dC_t * i_t
    dC_{t-1}   = dC_t * f_t                (no squashing on the memory lane)
then through each gate's squashing (sigma'(z) = sigma (1 - sigma), tanh'(z) = 1 - tanh(z)^2) and the
shared products as in a dense layer. dC_{t-1} = dC_t * f_t is why the LSTM keeps
gradients alive: with f_t near 1 they pass many steps unchanged.

The step functions follow the equations one by one. :func:`lstm_forward` and
:func:`lstm_backward` compute the same numbers faster, with one matrix product
for all four gates per step (``W = [W_f | W_i | W_o | W_C]``, shape (H + D, 4H))
and the inputs' part of all steps in one product before the loop; the tests
check them against the step functions and against finite differences.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._validate import as_sequences, as_state, check_count, check_rng
from .activations import sigmoid
from .rnn import check_params

__all__ = ["GATES", "LSTMCache", "LSTMStepCache", "PARAMS", "STACKED", "lstm_backward",
           "lstm_backward_steps", "lstm_forward", "lstm_forward_steps", "lstm_init",
           "lstm_step_backward", "lstm_step_forward"]

#: the gates in the lecture's order (the fast version stacks them as STACKED)
GATES = ("f", "i", "C", "o")
PARAMS = ("W_f", "W_i", "W_C", "W_o", "b_f", "b_i", "b_C", "b_o")


def lstm_init(D: int, H: int, rng: np.random.Generator, forget_bias: float = 1.0) -> dict:
    r"""Parameters for D inputs and H memory cells.

    W_g ~ U(-1/sqrt(H), 1/sqrt(H)) of shape (H + D, H), b_g = 0 of shape (H,),
    except b_f = ``forget_bias``: starting with f_t near sigma(1) = 0.73 lets the
    memory lane carry information (and gradients) from the first epoch
    (Jozefowicz et al., 2015). Use ``forget_bias=0`` for the plain start.
    """
    D, H = check_count(D, "D (inputs per step)"), check_count(H, "H (memory cells)")
    check_rng(rng)
    scale = 1.0 / np.sqrt(H)
    params = {f"W_{g}": rng.uniform(-scale, scale, (H + D, H)) for g in GATES}
    params |= {f"b_{g}": np.zeros(H) for g in GATES}
    params["b_f"] += forget_bias
    return params


# ---------------------------------------------------------------- one step, as written

@dataclass(frozen=True)
class LSTMStepCache:
    r"""One step's gate values and inputs, named as in the lecture."""

    hx: np.ndarray  # [h_{t-1}, x_t], (N, H + D)
    C_prev: np.ndarray
    f_t: np.ndarray
    i_t: np.ndarray
    C_tilde_t: np.ndarray
    o_t: np.ndarray
    C_t: np.ndarray
    params: dict


def lstm_step_forward(x_t, h_prev, C_prev, params: dict):
    r"""One step of the cell, equation by equation.

    x_t (N, D), h_prev (N, H), C_prev (N, H) -> h_t (N, H), C_t (N, H), cache
    """
    D, H = check_params(params, PARAMS)
    x_t = np.asarray(x_t)
    if x_t.ndim != 2 or x_t.shape[1] != D:
        raise ValueError(f"x_t must have shape (N, D) = (N, {D}); got {x_t.shape}")
    h_prev = as_state(h_prev, x_t.shape[0], H, "h_prev")
    C_prev = as_state(C_prev, x_t.shape[0], H, "C_prev")
    hx = np.concatenate([h_prev, x_t], axis=1)
    f_t = sigmoid(hx @ params["W_f"] + params["b_f"])
    i_t = sigmoid(hx @ params["W_i"] + params["b_i"])
    C_tilde_t = np.tanh(hx @ params["W_C"] + params["b_C"])
    C_t = f_t * C_prev + i_t * C_tilde_t
    o_t = sigmoid(hx @ params["W_o"] + params["b_o"])
    h_t = o_t * np.tanh(C_t)
    return h_t, C_t, LSTMStepCache(hx, C_prev, f_t, i_t, C_tilde_t, o_t, C_t, params)


def lstm_step_backward(dh_t, dC_t, cache: LSTMStepCache):
    r"""Gradients of one step from dL/dh_t and the dL/dC_t arriving from step t+1.

    Returns dx_t (N, D), dh_prev (N, H), dC_prev (N, H), grads keyed like params.
    """
    c = cache
    tanh_C_t = np.tanh(c.C_t)
    dC_t = dC_t + dh_t * c.o_t * (1.0 - tanh_C_t**2)
    dnet = {  # dL/dnet of each gate: the gate's gradient times its squashing's derivative
        "f": dC_t * c.C_prev * c.f_t * (1.0 - c.f_t),
        "i": dC_t * c.C_tilde_t * c.i_t * (1.0 - c.i_t),
        "C": dC_t * c.i_t * (1.0 - c.C_tilde_t**2),
        "o": dh_t * tanh_C_t * c.o_t * (1.0 - c.o_t),
    }
    grads = {}
    dhx = 0.0
    for g in GATES:
        grads[f"W_{g}"] = c.hx.T @ dnet[g]
        grads[f"b_{g}"] = dnet[g].sum(axis=0)
        dhx = dhx + dnet[g] @ c.params[f"W_{g}"].T
    H = c.C_t.shape[1]
    return dhx[:, H:], dhx[:, :H], dC_t * c.f_t, {name: grads[name] for name in PARAMS}


def lstm_forward_steps(x, h0, params: dict):
    r"""The lecture's loop, unpacked in the order the cell returns: ``h_t, C_t = cell(...)``.

    Slow and obvious; returns h (N, T, H) and the list of step caches.
    """
    D, H = check_params(params, PARAMS)
    x = as_sequences(x, D)
    h_t = as_state(h0, x.shape[0], H)
    C_t = np.zeros_like(h_t)
    h, caches = [], []
    for t in range(x.shape[1]):
        h_t, C_t, cache = lstm_step_forward(x[:, t], h_t, C_t, params)
        h.append(h_t)
        caches.append(cache)
    return np.stack(h, axis=1), caches


def lstm_backward_steps(dh, caches):
    r"""Backpropagation through time with :func:`lstm_step_backward`; like :func:`lstm_backward`."""
    if not caches:
        raise ValueError("caches is empty: pass the step caches of lstm_forward_steps")
    dh_prev = np.zeros_like(caches[0].C_prev)
    dC_prev = np.zeros_like(dh_prev)
    grads = {name: np.zeros_like(w) for name, w in caches[0].params.items()}
    dx = []
    for t in reversed(range(len(caches))):
        dx_t, dh_prev, dC_prev, step = lstm_step_backward(dh[:, t] + dh_prev, dC_prev, caches[t])
        dx.append(dx_t)
        for name in grads:
            grads[name] += step[name]
    return np.stack(dx[::-1], axis=1), dh_prev, grads


# ---------------------------------------------------------------- whole sequences, fast

#: the order of the gates in the stacked weights of the fast version: the three
#: sigmoid gates first, so that one slice squashes them
STACKED = ("f", "i", "o", "C")


@dataclass(frozen=True)
class LSTMCache:
    r"""Every step's values, kept for the backward pass and for plotting.

    Read the gates as ``cache.f``, ``cache.i``, ``cache.C_tilde``, ``cache.o`` and the
    states as ``cache.C``, ``cache.h``, each of shape (N, T, H). Inside, the arrays
    are time-major, (T, N, ...), so that each step's slice is one block of memory,
    and the states have one more step in front, the initial state: ``h_all[0]`` is
    h_0 and ``C_all[0]`` is C_0 = 0, so that ``h_all[:-1]`` are all the h_{t-1}.
    """

    x: np.ndarray  # (N, T, D)
    gates: np.ndarray  # (T, N, 4, H): f_t, i_t, o_t, C_tilde_t
    C_all: np.ndarray  # (T + 1, N, H)
    tanh_C_t: np.ndarray  # (T, N, H)
    h_all: np.ndarray  # (T + 1, N, H)
    W: np.ndarray  # (H + D, 4H) = [W_f | W_i | W_o | W_C]

    f = property(lambda self: self.gates[:, :, 0].transpose(1, 0, 2))
    i = property(lambda self: self.gates[:, :, 1].transpose(1, 0, 2))
    o = property(lambda self: self.gates[:, :, 2].transpose(1, 0, 2))
    C_tilde = property(lambda self: self.gates[:, :, 3].transpose(1, 0, 2))
    C = property(lambda self: self.C_all[1:].transpose(1, 0, 2))
    h = property(lambda self: self.h_all[1:].transpose(1, 0, 2))


def lstm_forward(x, h0, params: dict):
    r"""Run the LSTM over whole sequences, with C_0 = 0.

    Parameters
    ----------
    x : (N, T, D); h0 : (N, H) or None for zeros; params : from :func:`lstm_init`

    Returns
    -------
    h : (N, T, H), h_t of every step; cache : LSTMCache with every gate's values
    """
    D, H = check_params(params, PARAMS)
    x = as_sequences(x, D)
    N, T, _ = x.shape
    h0 = as_state(h0, N, H)
    W = np.concatenate([params[f"W_{g}"] for g in STACKED], axis=1)
    b = np.concatenate([params[f"b_{g}"] for g in STACKED])
    dtype = np.result_type(x, W, h0)
    # sigma(z) = (1 + tanh(z / 2)) / 2: halve the sigmoid gates' weights once, and one
    # tanh call per step squashes all four gates
    half = np.repeat([0.5, 0.5, 0.5, 1.0], H)
    W_h_half = W[:H] * half
    gates = np.empty((T, N, 4, H), dtype=dtype)
    net = gates.reshape(T, N, 4 * H)
    np.matmul(x.transpose(1, 0, 2), W[H:] * half, out=net)  # the inputs' part of all steps
    net += b * half
    C_all = np.empty((T + 1, N, H), dtype=dtype)
    h_all = np.empty((T + 1, N, H), dtype=dtype)
    tanh_C_t = np.empty((T, N, H), dtype=dtype)
    C_all[0] = 0.0
    h_all[0] = h0
    for t in range(T):
        g = gates[t]
        net[t] += h_all[t] @ W_h_half
        np.tanh(g, out=g)
        sig = g[:, :3]
        sig *= 0.5
        sig += 0.5
        C_t = np.multiply(g[:, 0], C_all[t], out=C_all[t + 1])  # f_t * C_{t-1}
        C_t += g[:, 1] * g[:, 3]  # + i_t * C_tilde_t
        np.multiply(g[:, 2], np.tanh(C_t, out=tanh_C_t[t]), out=h_all[t + 1])  # o_t tanh(C_t)
    return h_all[1:].transpose(1, 0, 2), LSTMCache(x, gates, C_all, tanh_C_t, h_all, W)


_WORKSPACE: dict = {}


def _workspace(shape, dtype) -> np.ndarray:
    r"""A scratch array reused from call to call (training calls backward with the same shape).

    A fresh array of a few MB costs a page fault per 4 kB on first touch, as long
    as the whole backward pass's arithmetic at these sizes; PyTorch avoids it with
    its caching allocator, this is the same idea for the one scratch array here.
    """
    key = (tuple(shape), np.dtype(dtype))
    if key not in _WORKSPACE:
        if len(_WORKSPACE) > 4:
            _WORKSPACE.clear()
        _WORKSPACE[key] = np.empty(shape, dtype)
    return _WORKSPACE[key]


def lstm_backward(dh, cache: LSTMCache):
    r"""Backpropagation through time from dL/dh_t at every step.

    Parameters
    ----------
    dh : (N, T, H), the loss's gradient with respect to each h_t (zeros where unused)

    Returns
    -------
    dx : (N, T, D), dh0 : (N, H), grads : dict keyed like params (W_f ... b_o)
    """
    dh = np.asarray(dh)
    T, N, _, H = cache.gates.shape
    if dh.shape != (N, T, H):
        raise ValueError(f"dh must have the shape of h, {(N, T, H)}; got {dh.shape}")
    dh = dh.transpose(1, 0, 2)
    dnet = _workspace(cache.gates.shape, cache.gates.dtype)  # dL/dnet of each gate and step
    W_h_T = cache.W[:H].T.copy()
    dh_next = np.zeros((N, H))
    dC_next = np.zeros((N, H))
    for t in reversed(range(T)):
        g = cache.gates[t]
        f_t, i_t, o_t, C_tilde_t = g[:, 0], g[:, 1], g[:, 2], g[:, 3]
        tanh_C_t = cache.tanh_C_t[t]
        dh_t = dh[t] + dh_next
        dC_t = dh_t * o_t
        dC_t *= 1.0 - tanh_C_t * tanh_C_t  # dh_t o_t (1 - tanh(C_t)^2)
        dC_t += dC_next
        d = dnet[t]
        np.multiply(dC_t, cache.C_all[t], out=d[:, 0])  # df_t = dC_t * C_{t-1}
        np.multiply(dC_t, C_tilde_t, out=d[:, 1])  # di_t = dC_t * C_tilde_t
        np.multiply(dh_t, tanh_C_t, out=d[:, 2])  # do_t = dh_t * tanh(C_t)
        d[:, :3] *= g[:, :3] * (1.0 - g[:, :3])  # sigma' = s (1 - s)
        np.multiply(dC_t * i_t, 1.0 - C_tilde_t * C_tilde_t, out=d[:, 3])  # dC_tilde_t, tanh'
        dC_next = np.multiply(dC_t, f_t, out=dC_t)  # dC_{t-1} = dC_t * f_t
        dh_next = d.reshape(N, 4 * H) @ W_h_T
    dnet_2d = dnet.reshape(T * N, 4 * H)
    dW = np.empty_like(cache.W)
    np.matmul(cache.h_all[:-1].reshape(T * N, H).T, dnet_2d, out=dW[:H])  # h_{t-1} part
    x_tm = cache.x.transpose(1, 0, 2).reshape(T * N, -1)
    np.matmul(x_tm.T, dnet_2d, out=dW[H:])  # x_t part
    db = dnet_2d.sum(axis=0)
    dx = np.matmul(dnet.reshape(T, N, 4 * H), cache.W[H:].T).transpose(1, 0, 2)
    grads = {}
    for k, g in enumerate(STACKED):
        grads[f"W_{g}"] = dW[:, k * H:(k + 1) * H]
        grads[f"b_{g}"] = db[k * H:(k + 1) * H]
    return dx, dh_next, {name: grads[name] for name in PARAMS}
