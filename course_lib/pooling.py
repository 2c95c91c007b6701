r"""Pooling layers: max and average over windows of size p, with their backward passes.

Lecture, "Pooling layer": "perform compression on input using window of size
p; making the representation invariant to small translation".

    max pooling       out[n, c, i, j] = max_{u,v < p} x[n, c, i s + u, j s + v]
                      backward: the whole gradient goes to the position of the maximum
                      (the first one, when several are equal)
    average pooling   out[n, c, i, j] = 1/p^2 sum_{u,v < p} x[n, c, i s + u, j s + v]
                      backward: every position of the window gets dout / p^2
Images are (N, C, H, W); the output size is floor((H - p) / s) + 1 as for a convolution.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from .conv import conv_output_size

__all__ = ["PoolCache", "avgpool2d_backward", "avgpool2d_forward", "maxpool2d_backward",
           "maxpool2d_forward"]


@dataclass(frozen=True)
class PoolCache:
    r"""Input shape, window, stride, and for max pooling where each window's maximum was."""

    x_shape: tuple
    size: int
    stride: int
    argmax: np.ndarray | None  # (N, C, H_out, W_out), index u * size + v of the maximum
    blocks: np.ndarray | None = None  # non-overlapping windows: the input itself
    out: np.ndarray | None = None


def _windows(x, size, stride):
    x = np.asarray(x)
    if x.ndim != 4:
        raise ValueError(f"x must be 4-D (N, C, H, W); got shape {x.shape}")
    if size > min(x.shape[2:]):
        raise ValueError(f"pooling window p = {size} is larger than the image "
                         f"{x.shape[2]}x{x.shape[3]}: choose p <= {min(x.shape[2:])}")
    h_out = conv_output_size(x.shape[2], size, stride, 0)
    w_out = conv_output_size(x.shape[3], size, stride, 0)
    windows = sliding_window_view(x, (size, size), axis=(2, 3))[:, :, ::stride, ::stride]
    return x, windows[:, :, :h_out, :w_out]


def maxpool2d_forward(x, size: int = 2, stride: int = 2):
    r"""Max pooling. Returns out (N, C, H_out, W_out) and a PoolCache."""
    if size == stride:  # the usual case: windows tile the image; compare p^2 strided views
        x, windows = _windows(x, size, stride)
        h_out, w_out = windows.shape[2:4]
        out = None
        for u in range(size):
            for v in range(size):
                part = x[:, :, u:u + size * h_out:size, v:v + size * w_out:size]
                out = part.copy() if out is None else np.maximum(out, part, out=out)
        return out, PoolCache(x.shape, size, stride, None, x, out)
    x, windows = _windows(x, size, stride)
    flat = windows.reshape(*windows.shape[:4], size * size)
    argmax = flat.argmax(axis=-1)
    out = np.take_along_axis(flat, argmax[..., None], axis=-1)[..., 0]
    return out, PoolCache(x.shape, size, stride, argmax)


def avgpool2d_forward(x, size: int = 2, stride: int = 2):
    r"""Average pooling. Returns out (N, C, H_out, W_out) and a PoolCache."""
    x, windows = _windows(x, size, stride)
    return windows.mean(axis=(-2, -1)), PoolCache(x.shape, size, stride, None)


def _scatter(dout, cache: PoolCache, share):
    dx = np.zeros(cache.x_shape, dtype=np.result_type(dout, np.float32))
    h_out, w_out = dout.shape[2:]
    s = cache.stride
    for u in range(cache.size):  # each window offset sends its share back
        for v in range(cache.size):
            dx[:, :, u:u + s * h_out:s, v:v + s * w_out:s] += share(u, v)
    return dx


def maxpool2d_backward(dout, cache: PoolCache):
    r"""dx: each window's gradient goes to the position of its maximum."""
    dout = np.asarray(dout)
    if cache.blocks is not None:
        if dout.shape != cache.out.shape:
            raise ValueError(f"dout must have the pooled output's shape {cache.out.shape}; "
                             f"got {dout.shape}")
        dx = np.zeros(cache.x_shape, dtype=np.result_type(dout, np.float32))
        p, (h_out, w_out) = cache.size, cache.out.shape[2:]
        taken = np.zeros(cache.out.shape, dtype=bool)
        for u in range(p):  # row-major order: ties go to the first maximum, as argmax would
            for v in range(p):
                rows, cols = slice(u, u + p * h_out, p), slice(v, v + p * w_out, p)
                hit = cache.blocks[:, :, rows, cols] == cache.out
                hit &= ~taken
                np.multiply(dout, hit, out=dx[:, :, rows, cols])
                taken |= hit
        return dx
    if cache.argmax is None or dout.shape != cache.argmax.shape:
        raise ValueError("dout must have the pooled output's shape, with a max-pooling cache")
    return _scatter(dout, cache, lambda u, v: dout * (cache.argmax == u * cache.size + v))


def avgpool2d_backward(dout, cache: PoolCache):
    r"""dx: each position of a window gets dout / p^2."""
    dout = np.asarray(dout)
    return _scatter(dout, cache, lambda u, v: dout / cache.size**2)
