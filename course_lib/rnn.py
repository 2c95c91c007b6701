r"""The vanilla recurrent network (tanh) and backpropagation through time.

Lecture, "Recurrent Neural Network (RNN)": the output of the node flows back
into the node at the next time step. Written like the LSTM's gates, with the
previous state first in the concatenation:
    h_t = tanh(W . [h_{t-1}, x_t] + b)              W: (H + D, H), b: (H,)
Unfolded through time this is a deep network with one layer per time step that
all share W and b, so its gradient is the sum over the time steps
(backpropagation through time):
    dnet_t    = (dL/dh_t + dh_t from step t+1) * (1 - h_t^2)
    dW        = sum_t [h_{t-1}, x_t]^T dnet_t        db = sum_t dnet_t
    dh_{t-1}  = dnet_t W_h^T                          (W_h: the first H rows of W)
Each step back multiplies by W_h^T and by tanh' <= 1, which is why the gradient
reaching an early step can vanish (notebook 05 measures it).

Shapes are batch first: x (N, T, D), h (N, T, H), h0 (N, H).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._validate import as_sequences, as_state, check_count, check_recurrent_params, check_rng

__all__ = ["RNNCache", "RNNStepCache", "rnn_backward", "rnn_forward", "rnn_init",
           "rnn_step_backward", "rnn_step_forward"]


def rnn_init(D: int, H: int, rng: np.random.Generator) -> dict:
    r"""Weights for D inputs and H hidden units: W ~ U(-1/sqrt(H), 1/sqrt(H)), b = 0.

    Returns {"W": (H + D, H), "b": (H,)}.
    """
    D, H = check_count(D, "D (inputs per step)"), check_count(H, "H (hidden units)")
    check_rng(rng)
    scale = 1.0 / np.sqrt(H)
    return {"W": rng.uniform(-scale, scale, (H + D, H)), "b": np.zeros(H)}


@dataclass(frozen=True)
class RNNStepCache:
    r"""One step's input [h_{t-1}, x_t], output h_t and weights, for the backward pass."""

    hx: np.ndarray
    h_t: np.ndarray
    W: np.ndarray


def rnn_step_forward(x_t, h_prev, params: dict):
    r"""One time step: h_t = tanh(W . [h_{t-1}, x_t] + b).

    x_t (N, D), h_prev (N, H) -> h_t (N, H), cache
    """
    D, H = check_recurrent_params(params, ("W", "b"))
    x_t = np.asarray(x_t)
    if x_t.ndim != 2 or x_t.shape[1] != D:
        raise ValueError(f"x_t must have shape (N, {D}); got {x_t.shape}")
    h_prev = as_state(h_prev, x_t.shape[0], H, "h_prev")
    hx = np.concatenate([h_prev, x_t], axis=1)
    h_t = np.tanh(hx @ params["W"] + params["b"])
    return h_t, RNNStepCache(hx, h_t, params["W"])


def rnn_step_backward(dh_t, cache: RNNStepCache):
    r"""Gradients of one step from dL/dh_t.

    dnet = dh_t * (1 - h_t^2);  dW = [h_prev, x_t]^T dnet;  db = sum_n dnet
    [dh_prev, dx_t] = dnet W^T

    Returns dx_t (N, D), dh_prev (N, H), grads {"W", "b"}
    """
    dnet = np.asarray(dh_t) * (1.0 - cache.h_t**2)
    dhx = dnet @ cache.W.T
    H = cache.h_t.shape[1]
    return dhx[:, H:], dhx[:, :H], {"W": cache.hx.T @ dnet, "b": dnet.sum(axis=0)}


@dataclass(frozen=True)
class RNNCache:
    r"""Every step's [h_{t-1}, x_t] (N, T, H + D) and h_t (N, T, H), and the weights."""

    hx: np.ndarray
    h: np.ndarray
    W: np.ndarray


def rnn_forward(x, h0, params: dict):
    r"""Run the RNN over whole sequences: h_t = tanh(W . [h_{t-1}, x_t] + b) for t = 1..T.

    Parameters
    ----------
    x : (N, T, D); h0 : (N, H) or None for zeros; params : from :func:`rnn_init`

    Returns
    -------
    h : (N, T, H), every step's state; cache : RNNCache
    """
    D, H = check_recurrent_params(params, ("W", "b"))
    x = as_sequences(x, D)
    N, T, _ = x.shape
    h_prev = as_state(h0, N, H)
    W, b = params["W"], params["b"]
    net_x = x @ W[H:] + b  # the inputs' part of every step in one product
    hx = np.empty((N, T, H + D), dtype=np.result_type(x, W))
    hx[:, :, H:] = x
    h = np.empty((N, T, H), dtype=hx.dtype)
    for t in range(T):
        hx[:, t, :H] = h_prev
        h_prev = h[:, t] = np.tanh(h_prev @ W[:H] + net_x[:, t])
    return h, RNNCache(hx, h, W)


def rnn_backward(dh, cache: RNNCache):
    r"""Backpropagation through time from dL/dh_t at every step.

    Parameters
    ----------
    dh : (N, T, H), the loss's gradient with respect to each step's output h_t
         (zeros where the loss does not look at h_t)

    Returns
    -------
    dx : (N, T, D), dh0 : (N, H), grads : {"W": (H + D, H), "b": (H,)}
    """
    dh = np.asarray(dh)
    if dh.shape != cache.h.shape:
        raise ValueError(f"dh must have the shape of h, {cache.h.shape}; got {dh.shape}")
    N, T, H = dh.shape
    W_h = cache.W[:H]
    dnet = np.empty_like(cache.h)
    dh_next = np.zeros((N, H))
    for t in reversed(range(T)):
        dnet[:, t] = (dh[:, t] + dh_next) * (1.0 - cache.h[:, t] ** 2)
        dh_next = dnet[:, t] @ W_h.T
    grads = {"W": cache.hx.reshape(N * T, -1).T @ dnet.reshape(N * T, H),
             "b": dnet.sum(axis=(0, 1))}
    return dnet @ cache.W[H:].T, dh_next, grads
