r"""Pooling layers: max and average over windows of size m, with their backward passes.

Lecture, "Pooling layer": "perform compression on input using window of size
p; making the representation invariant to small translation". The lecture gives the
padding no symbol; the course writes p for the padding (as in the output-size formula),
so the code and the notebooks call the pooling window m.

    max pooling       out[n, c, i, j] = max_{u,v < m} x[n, c, i s + u, j s + v]
                      backward: the whole gradient goes to the position of the maximum
                      (the first one, when several are equal)
    average pooling   out[n, c, i, j] = 1/m^2 sum_{u,v < m} x[n, c, i s + u, j s + v]
                      backward: every position of the window gets dout / m^2
Images are (N, C, H, W); the output size is floor((H - m) / s) + 1 as for a convolution.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from .conv import add_back, conv_output_size

__all__ = ["AvgPoolCache", "MaxPoolCache", "TiledMaxPoolCache", "avgpool2d_backward",
           "avgpool2d_forward", "maxpool2d_backward", "maxpool2d_forward"]


@dataclass(frozen=True)
class MaxPoolCache:
    r"""Max pooling, any window and stride: where each window's maximum was."""

    x_shape: tuple
    size: int
    stride: int
    argmax: np.ndarray  # (N, C, H_out, W_out), index u * size + v of the maximum in its window


@dataclass(frozen=True)
class TiledMaxPoolCache:
    r"""Max pooling whose windows tile the image (stride = m): the input and the output."""

    x: np.ndarray
    out: np.ndarray
    size: int


@dataclass(frozen=True)
class AvgPoolCache:
    r"""Average pooling: only the input's shape, the window and the stride are needed."""

    x_shape: tuple
    size: int
    stride: int


def _windows(x, size, stride):
    x = np.asarray(x)
    if x.ndim != 4:
        raise ValueError(f"x must be 4-D (N, C, H, W); got shape {x.shape}")
    if size > min(x.shape[2:]):
        raise ValueError(f"pooling window m = {size} is larger than the image "
                         f"{x.shape[2]}x{x.shape[3]}: choose m <= {min(x.shape[2:])}")
    h_out = conv_output_size(x.shape[2], size, stride, 0)
    w_out = conv_output_size(x.shape[3], size, stride, 0)
    windows = sliding_window_view(x, (size, size), axis=(2, 3))[:, :, ::stride, ::stride]
    return x, windows[:, :, :h_out, :w_out]


def maxpool2d_forward(x, size: int = 2, stride: int = 2):
    r"""Max pooling: out[n, c, i, j] = max over the window at (i s, j s).

    Returns out (N, C, H_out, W_out) and a cache: a :class:`MaxPoolCache`, or a
    :class:`TiledMaxPoolCache` when the windows tile the image (size == stride,
    the usual case), where comparing m^2 strided views is about 4x faster than
    an argmax over every window (the tests check that both agree).
    """
    x, windows = _windows(x, size, stride)
    if size == stride:
        return _maxpool2d_tiled(x, size, windows.shape[2:4])
    flat = windows.reshape(*windows.shape[:4], size * size)
    argmax = flat.argmax(axis=-1)  # the first maximum, when several are equal
    out = np.take_along_axis(flat, argmax[..., None], axis=-1)[..., 0]
    return out, MaxPoolCache(x.shape, size, stride, argmax)


def _maxpool2d_tiled(x, size: int, out_shape):
    h_out, w_out = out_shape
    out = None
    for u in range(size):  # the maximum of the m^2 views x[u::m, v::m] of the windows' cells
        for v in range(size):
            part = x[:, :, u:u + size * h_out:size, v:v + size * w_out:size]
            out = part.copy() if out is None else np.maximum(out, part, out=out)
    return out, TiledMaxPoolCache(x, out, size)


def avgpool2d_forward(x, size: int = 2, stride: int = 2):
    r"""Average pooling. Returns out (N, C, H_out, W_out) and an AvgPoolCache."""
    x, windows = _windows(x, size, stride)
    return windows.mean(axis=(-2, -1)), AvgPoolCache(x.shape, size, stride)


def _scatter(dout, x_shape, size: int, stride: int, share):
    dx = np.zeros(x_shape, dtype=np.result_type(dout, np.float32))
    return add_back(dx, share, size, stride)  # each window offset sends its share back


def _check_dout(dout, want: tuple) -> np.ndarray:
    dout = np.asarray(dout)
    if dout.shape != tuple(want):
        raise ValueError(f"dout must have the pooled output's shape {tuple(want)}; "
                         f"got {dout.shape}")
    return dout


def maxpool2d_backward(dout, cache: MaxPoolCache | TiledMaxPoolCache):
    r"""dx: each window's gradient goes to the position of its maximum."""
    if isinstance(cache, TiledMaxPoolCache):
        return _maxpool2d_tiled_backward(dout, cache)
    if not isinstance(cache, MaxPoolCache):
        raise TypeError(f"maxpool2d_backward needs the cache of maxpool2d_forward; got "
                        f"{type(cache).__name__}")
    dout = _check_dout(dout, cache.argmax.shape)
    m = cache.size
    return _scatter(dout, cache.x_shape, m, cache.stride,
                    lambda u, v: dout * (cache.argmax == u * m + v))


def _maxpool2d_tiled_backward(dout, cache: TiledMaxPoolCache):
    dout = _check_dout(dout, cache.out.shape)
    dx = np.zeros(cache.x.shape, dtype=np.result_type(dout, np.float32))
    m, (h_out, w_out) = cache.size, cache.out.shape[2:]
    taken = np.zeros(cache.out.shape, dtype=bool)
    for u in range(m):  # row-major order: ties go to the first maximum, as argmax would
        for v in range(m):
            rows, cols = slice(u, u + m * h_out, m), slice(v, v + m * w_out, m)
            hit = cache.x[:, :, rows, cols] == cache.out
            hit &= ~taken
            np.multiply(dout, hit, out=dx[:, :, rows, cols])
            taken |= hit
    return dx


def avgpool2d_backward(dout, cache: AvgPoolCache):
    r"""dx: each position of a window gets dout / m^2."""
    if not isinstance(cache, AvgPoolCache):
        raise TypeError(f"avgpool2d_backward needs the cache of avgpool2d_forward; got "
                        f"{type(cache).__name__}")
    n, c, h, w = cache.x_shape
    m, s = cache.size, cache.stride
    dout = _check_dout(dout, (n, c, (h - m) // s + 1, (w - m) // s + 1))
    return _scatter(dout, cache.x_shape, m, s, lambda u, v: dout / m**2)
