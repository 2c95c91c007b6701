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

:func:`lstm_forward` and :func:`lstm_backward` run the step functions in a loop
over the time steps, the lecture's loop. :mod:`course_lib.lstm_fused` computes
the same numbers several times faster (one matrix product for the four gates);
the tests check the two against each other and against finite differences.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._validate import as_sequences, as_state, check_count, check_recurrent_params, check_rng
from .activations import sigmoid

__all__ = ["GATES", "LSTMCache", "LSTMStepCache", "PARAMS", "lstm_backward", "lstm_forward",
           "lstm_init", "lstm_step_backward", "lstm_step_forward"]

#: the gates in the lecture's order
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
    h_t: np.ndarray
    params: dict


def lstm_step_forward(x_t, h_prev, C_prev, params: dict):
    r"""One step of the cell, equation by equation.

    x_t (N, D), h_prev (N, H), C_prev (N, H) -> h_t (N, H), C_t (N, H), cache
    """
    D, H = check_recurrent_params(params, PARAMS)
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
    return h_t, C_t, LSTMStepCache(hx, C_prev, f_t, i_t, C_tilde_t, o_t, C_t, h_t, params)


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


# ---------------------------------------------------------------- whole sequences, the loop

@dataclass(frozen=True)
class LSTMCache:
    r"""The step caches of a whole sequence, and every gate over time for plotting.

    ``cache.f``, ``cache.i``, ``cache.C_tilde``, ``cache.o``, ``cache.C`` and
    ``cache.h`` have shape (N, T, H): the gate or state at every step.
    """

    steps: tuple[LSTMStepCache, ...]

    def _over_time(self, name: str) -> np.ndarray:
        return np.stack([getattr(step, name) for step in self.steps], axis=1)

    f = property(lambda self: self._over_time("f_t"))
    i = property(lambda self: self._over_time("i_t"))
    C_tilde = property(lambda self: self._over_time("C_tilde_t"))
    o = property(lambda self: self._over_time("o_t"))
    C = property(lambda self: self._over_time("C_t"))
    h = property(lambda self: self._over_time("h_t"))


def lstm_forward(x, h0, params: dict):
    r"""Run the LSTM over whole sequences, with C_0 = 0: the lecture's loop.

    for t = 1..T:   h_t, C_t = cell(x_t, h_{t-1}, C_{t-1})
    (unpacked in the order the cell returns them, unlike the slide's loop).

    Parameters
    ----------
    x : (N, T, D); h0 : (N, H) or None for zeros; params : from :func:`lstm_init`

    Returns
    -------
    h : (N, T, H), h_t of every step; cache : LSTMCache with every gate's values
    """
    D, H = check_recurrent_params(params, PARAMS)
    x = as_sequences(x, D)
    h_t = as_state(h0, x.shape[0], H)
    C_t = np.zeros_like(h_t)
    steps = []
    for t in range(x.shape[1]):
        h_t, C_t, step = lstm_step_forward(x[:, t], h_t, C_t, params)
        steps.append(step)
    cache = LSTMCache(tuple(steps))
    return cache.h, cache


def lstm_backward(dh, cache: LSTMCache):
    r"""Backpropagation through time from dL/dh_t at every step, one step back at a time.

    Step t receives dh_t from the loss plus dh_t from step t+1 (through h_t's use
    in [h_t, x_{t+1}]), and dC_t from step t+1 along the memory lane; the
    weights' gradients are summed over the steps (they are shared).

    Parameters
    ----------
    dh : (N, T, H), the loss's gradient with respect to each h_t (zeros where unused)

    Returns
    -------
    dx : (N, T, D), dh0 : (N, H), grads : dict keyed like params (W_f ... b_o)
    """
    if not isinstance(cache, LSTMCache):
        raise TypeError(f"lstm_backward needs the cache of lstm.lstm_forward; got "
                        f"{type(cache).__name__} (lstm_fused has its own lstm_backward)")
    if not cache.steps:
        raise ValueError("the cache holds no step: pass the cache of lstm_forward")
    N, H = cache.steps[0].C_prev.shape
    T = len(cache.steps)
    dh = np.asarray(dh)
    if dh.shape != (N, T, H):
        raise ValueError(f"dh must have the shape of h, {(N, T, H)}; got {dh.shape}")
    dh_prev = np.zeros((N, H))
    dC_prev = np.zeros((N, H))
    grads = {name: np.zeros_like(w) for name, w in cache.steps[0].params.items()
             if name in PARAMS}
    dx = [None] * T
    for t in reversed(range(T)):
        dx[t], dh_prev, dC_prev, step = lstm_step_backward(dh[:, t] + dh_prev, dC_prev,
                                                           cache.steps[t])
        for name in grads:
            grads[name] += step[name]
    return np.stack(dx, axis=1), dh_prev, grads
