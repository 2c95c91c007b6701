r"""Convolutional layers: output sizes, cross-correlation and convolution, conv2d forward/backward.

Lecture, "How the output is calculated?" and "Stride", "Padding".
Images are (N, C, H, W), kernels (F, C, K, K) (F = C_out filters, C = C_in channels).

    output size          n_out = floor((n + 2 p - k) / s) + 1
    cross-correlation    out[f, i, j] = sum_{c,u,v} x_pad[c, i s + u, j s + v] w[f, c, u, v] + b[f]
    convolution          the same with the kernel flipped left-right and top-bottom
    backward             dw[f, c, u, v] = sum_{n,i,j} dout[n, f, i, j] x_pad[n, c, i s + u, j s + v]
                         db[f] = sum_{n, i, j} dout[n, f, i, j]
                         dx_pad[n, c, i s + u, j s + v] += dout[n, f, i, j] w[f, c, u, v]

CNN layers compute cross-correlations ("widely used despite the name").
``conv2d_forward``/``conv2d_backward`` are the fast version (the im2col idea:
a strided view lists every window without copying, and one ``einsum``
contracts all windows with all kernels, which numpy turns into matrix products);
``conv2d_forward_loops``/``conv2d_backward_loops`` are the obvious loops,
kept beside them to read and to test against.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from ._validate import check_count

__all__ = [
    "ConvCache",
    "add_back",
    "conv2d_backward",
    "conv2d_backward_loops",
    "conv2d_forward",
    "conv2d_forward_loops",
    "conv_output_size",
    "convolve2d",
    "cross_correlate2d",
    "uncovered",
]


def conv_output_size(n: int, k: int, stride: int = 1, padding: int = 0) -> int:
    r"""n_out = floor((n + 2 p - k) / s) + 1, as PyTorch computes it.

    Raises ValueError for stride <= 0, negative padding or a kernel larger than
    the padded input, with the formula and the values in the message.
    """
    n, k = check_count(n, "input size n"), check_count(k, "kernel size k")
    if isinstance(stride, bool) or not isinstance(stride, int | np.integer) or stride <= 0:
        raise ValueError(f"stride must be a whole number >= 1; got {stride}")
    if isinstance(padding, bool) or not isinstance(padding, int | np.integer) or padding < 0:
        raise ValueError(f"padding must be a whole number >= 0; got {padding}")
    if k > n + 2 * padding:
        raise ValueError(
            f"kernel larger than the padded input: k = {k} > n + 2p = {n} + 2*{padding} = "
            f"{n + 2 * padding}, so floor((n + 2p - k) / s) + 1 = floor(({n} + {2 * padding} - "
            f"{k}) / {stride}) + 1 has no output; use a smaller kernel or more padding")
    return (n + 2 * padding - k) // stride + 1


def uncovered(n: int, k: int, stride: int = 1, padding: int = 0) -> list[int]:
    r"""Input rows (or columns) 0..n-1 that no kernel position covers.

    When (n + 2p - k) is not a multiple of s, the last rows are skipped: with
    n = 6, k = 3, s = 2, p = 0 the kernel sits at rows 0-2 and 2-4, and row 5
    is never used.
    """
    n_out = conv_output_size(n, k, stride, padding)
    covered = np.zeros(n + 2 * padding, dtype=bool)
    for i in range(n_out):
        covered[i * stride:i * stride + k] = True
    return [r for r in range(n) if not covered[r + padding]]


@dataclass(frozen=True)
class LoopCache:
    r"""What conv2d_backward_loops needs: the input, the weights, stride and padding."""

    x: np.ndarray
    w: np.ndarray
    stride: int
    padding: int


@dataclass(frozen=True)
class ConvCache:
    r"""What conv2d_backward needs: the padded input's windows, the weights, stride, padding."""

    x_shape: tuple
    windows: np.ndarray  # (N, C, H_out, W_out, K, K), a view of the padded input
    w: np.ndarray
    stride: int
    padding: int


def _check(x, w, b, stride, padding):
    x, w = np.asarray(x), np.asarray(w)
    if x.ndim != 4:
        raise ValueError(f"x must be 4-D (N, C, H, W); got shape {x.shape}")
    if w.ndim != 4 or w.shape[2] != w.shape[3]:
        raise ValueError(f"w must have shape (F, C, K, K); got {w.shape}")
    if w.shape[1] != x.shape[1]:
        raise ValueError(f"channel mismatch: x has C = {x.shape[1]} channels (shape {x.shape}) "
                         f"but w expects C = {w.shape[1]} (shape {w.shape})")
    b = np.zeros(w.shape[0], dtype=np.result_type(x, w)) if b is None else np.asarray(b)
    if b.shape != (w.shape[0],):
        raise ValueError(f"b must have shape ({w.shape[0]},), one bias per filter; got {b.shape}")
    k = w.shape[2]
    h_out = conv_output_size(x.shape[2], k, stride, padding)
    w_out = conv_output_size(x.shape[3], k, stride, padding)
    return x, w, b, k, h_out, w_out


def _pad(x, padding):
    if padding == 0:
        return x
    return np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))


def conv2d_forward(x, w, b=None, stride: int = 1, padding: int = 0):
    r"""Cross-correlation layer, fast (strided windows + einsum).

    out[n, f, i, j] = sum_{c,u,v} x_pad[n, c, i s + u, j s + v] w[f, c, u, v] + b[f]

    Parameters
    ----------
    x : (N, C, H, W); w : (F, C, K, K); b : (F,) or None
    stride, padding : int

    Returns
    -------
    out : (N, F, H_out, W_out); cache : ConvCache
    """
    x, w, b, k, h_out, w_out = _check(x, w, b, stride, padding)
    windows = sliding_window_view(_pad(x, padding), (k, k), axis=(2, 3))
    windows = windows[:, :, ::stride, ::stride][:, :, :h_out, :w_out]
    # one row per window: (N, H_out, W_out) x (C, K, K)
    out = np.einsum("nchwuv,fcuv->nfhw", windows, w, optimize=True) + b[None, :, None, None]
    return out, ConvCache(x.shape, windows, w, stride, padding)


def conv2d_backward(dout, cache: ConvCache):
    r"""Gradients of conv2d_forward: (dx, dw, db) with the shapes of (x, w, b)."""
    n, c, h, wd = cache.x_shape
    f, _, k, _ = cache.w.shape
    dout = np.asarray(dout)
    h_out, w_out = cache.windows.shape[2:4]
    if dout.shape != (n, f, h_out, w_out):
        raise ValueError(f"dout must have the output's shape {(n, f, h_out, w_out)}; "
                         f"got {dout.shape}")
    dw = np.einsum("nfhw,nchwuv->fcuv", dout, cache.windows, optimize=True)
    db = dout.sum(axis=(0, 2, 3))
    dwindows = np.einsum("nfhw,fcuv->nchwuv", dout, cache.w, optimize=True)
    s, p = cache.stride, cache.padding
    dx_pad = np.zeros((n, c, h + 2 * p, wd + 2 * p), dtype=dwindows.dtype)
    add_back(dx_pad, lambda u, v: dwindows[:, :, :, :, u, v], k, s)
    return dx_pad[:, :, p:p + h, p:p + wd], dw, db


def add_back(dx, share, k: int, stride: int):
    r"""Add every window's gradient back where the window came from, in place; returns dx.

    dx[n, c, i s + u, j s + v] += share(u, v)[n, c, i, j]   for each offset (u, v) < k

    ``share(u, v)`` is the gradient reaching offset (u, v) of every window, shape
    (N, C, H_out, W_out). Windows that overlap (stride < k) add up. The backward
    passes of the convolution and of pooling both end this way.
    """
    for u in range(k):
        for v in range(k):
            part = share(u, v)
            h_out, w_out = np.shape(part)[-2:]
            dx[:, :, u:u + stride * h_out:stride, v:v + stride * w_out:stride] += part
    return dx


def conv2d_forward_loops(x, w, b=None, stride: int = 1, padding: int = 0):
    r"""The same cross-correlation as conv2d_forward, with one loop per index (slow, to read)."""
    x, w, b, k, h_out, w_out = _check(x, w, b, stride, padding)
    x_pad = _pad(x, padding)
    out = np.zeros((x.shape[0], w.shape[0], h_out, w_out), dtype=np.result_type(x, w))
    for n in range(x.shape[0]):
        for f in range(w.shape[0]):
            for i in range(h_out):
                for j in range(w_out):
                    window = x_pad[n, :, i * stride:i * stride + k, j * stride:j * stride + k]
                    out[n, f, i, j] = np.sum(window * w[f]) + b[f]
    return out, LoopCache(x, w, stride, padding)


def conv2d_backward_loops(dout, cache):
    r"""Gradients of conv2d_forward_loops, one loop per index (slow, to read)."""
    x, w, stride, padding = cache.x, cache.w, cache.stride, cache.padding
    k = w.shape[2]
    x_pad = _pad(x, padding)
    dx_pad, dw = np.zeros_like(x_pad, dtype=float), np.zeros_like(w, dtype=float)
    db = np.zeros(w.shape[0])
    for n in range(dout.shape[0]):
        for f in range(dout.shape[1]):
            for i in range(dout.shape[2]):
                for j in range(dout.shape[3]):
                    rows = slice(i * stride, i * stride + k)
                    cols = slice(j * stride, j * stride + k)
                    dw[f] += dout[n, f, i, j] * x_pad[n, :, rows, cols]
                    dx_pad[n, :, rows, cols] += dout[n, f, i, j] * w[f]
                    db[f] += dout[n, f, i, j]
    h, wd = x.shape[2:]
    return dx_pad[:, :, padding:padding + h, padding:padding + wd], dw, db


def cross_correlate2d(image, kernel, stride: int = 1, padding: int = 0) -> np.ndarray:
    r"""Single-channel cross-correlation.

    out[i, j] = sum_{u,v} image_pad[i s + u, j s + v] kernel[u, v]
    """
    image, kernel = np.asarray(image, dtype=float), np.asarray(kernel, dtype=float)
    if image.ndim != 2 or kernel.ndim != 2:
        raise ValueError(f"image and kernel must be 2-D; got {image.shape} and {kernel.shape}")
    out, _ = conv2d_forward(image[None, None], kernel[None, None], None, stride, padding)
    return out[0, 0]


def convolve2d(image, kernel, stride: int = 1, padding: int = 0) -> np.ndarray:
    r"""Single-channel convolution: the kernel flipped (rows and columns), then cross-correlated."""
    return cross_correlate2d(image, np.asarray(kernel)[::-1, ::-1], stride, padding)
