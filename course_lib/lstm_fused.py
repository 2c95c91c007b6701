r"""The LSTM of :mod:`course_lib.lstm` with its four gates fused: the same numbers, faster.

Read :mod:`course_lib.lstm` first: it is the lecture's cell, gate by gate. This
module computes the same h_t, C_t and gradients (the tests check it to 1e-12)
with three tricks that numpy needs to be quick, and which would hide the
equations there:

- **one product for the four gates.** ``W = [W_f | W_i | W_o | W_C]`` of shape
  (H + D, 4H): each step multiplies [h_{t-1}, x_t] by W once instead of four
  times, and the inputs' part x_t @ W of all steps is one product before the loop;
- **one tanh for the four gates.** sigma(z) = (1 + tanh(z / 2)) / 2, so the
  sigmoid gates' weights are halved once and one ``np.tanh`` per step squashes
  all four; the results are written in place (``out=``) into arrays made once;
- **a reused scratch array.** The backward pass's dL/dnet of every gate and step
  is written into an array of a :class:`Workspace` that the caller owns and
  passes again: a fresh array of a few MB costs a page fault per 4 kB on first
  touch, as long as the whole backward pass's arithmetic at these sizes
  (PyTorch's caching allocator does the same). Nothing is kept between calls in
  the module itself.

The arrays are time-major, (T, N, ...), so that each step's slice is one block
of memory; the cache shows them batch-first, like :class:`course_lib.lstm.LSTMCache`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ._validate import as_sequences, as_state, check_recurrent_params
from .lstm import PARAMS

__all__ = ["FusedLSTMCache", "STACKED", "Workspace", "lstm_backward", "lstm_forward"]

#: the order of the gates in the stacked weights: the three sigmoid gates first, so that
#: one slice squashes them
STACKED = ("f", "i", "o", "C")


@dataclass(frozen=True)
class FusedLSTMCache:
    r"""Every step's values, kept for the backward pass and for plotting.

    Read the gates as ``cache.f``, ``cache.i``, ``cache.C_tilde``, ``cache.o`` and the
    states as ``cache.C``, ``cache.h``, each of shape (N, T, H), as from
    :class:`course_lib.lstm.LSTMCache`. Inside, the states have one more step in
    front, the initial state: ``h_all[0]`` is h_0 and ``C_all[0]`` is C_0 = 0, so
    that ``h_all[:-1]`` are all the h_{t-1}.
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


@dataclass
class Workspace:
    r"""Scratch arrays reused from call to call; training calls backward with the same shapes.

    Own one per model (``SequenceClassifier`` does) and pass it to every
    :func:`lstm_backward`; it holds a handful of arrays at most.
    """

    arrays: dict = field(default_factory=dict)

    def array(self, shape, dtype) -> np.ndarray:
        r"""An uninitialised array of this shape and dtype, the same one as last time if it fits."""
        key = (tuple(shape), np.dtype(dtype))
        if key not in self.arrays:
            if len(self.arrays) > 4:  # shapes change (the last, smaller batch): keep few
                self.arrays.clear()
            self.arrays[key] = np.empty(shape, dtype)
        return self.arrays[key]


def lstm_forward(x, h0, params: dict):
    r"""Run the LSTM over whole sequences, with C_0 = 0, as ``lstm.lstm_forward``.

    Parameters
    ----------
    x : (N, T, D); h0 : (N, H) or None for zeros; params : from :func:`course_lib.lstm.lstm_init`

    Returns
    -------
    h : (N, T, H), h_t of every step; cache : FusedLSTMCache with every gate's values
    """
    D, H = check_recurrent_params(params, PARAMS)
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
    return h_all[1:].transpose(1, 0, 2), FusedLSTMCache(x, gates, C_all, tanh_C_t, h_all, W)


def lstm_backward(dh, cache: FusedLSTMCache, workspace: Workspace | None = None):
    r"""Backpropagation through time from dL/dh_t at every step, as ``lstm.lstm_backward``.

    Takes dh (N, T, H) and returns dx (N, T, D), dh0 (N, H) and the grads keyed like
    params, as there. ``workspace``: an optional Workspace whose scratch array is
    reused (faster when called again with the same shapes); None uses a fresh array.
    """
    if not isinstance(cache, FusedLSTMCache):
        raise TypeError(f"lstm_fused.lstm_backward needs the cache of lstm_fused.lstm_forward; "
                        f"got {type(cache).__name__} (lstm has its own lstm_backward)")
    dh = np.asarray(dh)
    T, N, _, H = cache.gates.shape
    if dh.shape != (N, T, H):
        raise ValueError(f"dh must have the shape of h, {(N, T, H)}; got {dh.shape}")
    dh = dh.transpose(1, 0, 2)
    workspace = Workspace() if workspace is None else workspace
    dnet = workspace.array(cache.gates.shape, cache.gates.dtype)  # dL/dnet of each gate, step
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
