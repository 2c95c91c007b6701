r"""Small image data sets drawn by code: strokes and the shapes made of them (no downloads).

Every image is (1, size, size) in [0, 1] plus Gaussian noise; every generator
takes ``rng`` (a numpy.random.Generator) and ``noise``.

    strokes    4 classes: horizontal, vertical, diagonal "\" and diagonal "/" lines
               of random position, length and thickness
    shapes     4 classes made of two strokes: plus "+", cross "x", corner "L", and "T"
               (for transfer learning: other classes, the same low-level features)
    shift      any images moved by (dx, dy) pixels, zeros shifted in (translation tests)
"""

from __future__ import annotations

import numpy as np

from ._validate import check_count, check_nonnegative, check_rng

__all__ = ["SHAPE_NAMES", "STROKE_NAMES", "shapes", "shift", "strokes"]

STROKE_NAMES = ("horizontal", "vertical", "diagonal \\", "diagonal /")
SHAPE_NAMES = ("plus +", "cross x", "corner L", "tee T")


def _line(img, r0, c0, r1, c1, thickness):
    size = img.shape[0]
    rows, cols = np.mgrid[0:size, 0:size]
    d = np.array([r1 - r0, c1 - c0], dtype=float)
    length2 = max(float(d @ d), 1e-9)
    t = np.clip(((rows - r0) * d[0] + (cols - c0) * d[1]) / length2, 0, 1)
    dist = np.hypot(rows - (r0 + t * d[0]), cols - (c0 + t * d[1]))
    np.maximum(img, np.clip(thickness - dist + 0.5, 0, 1), out=img)


def _stroke(img, kind, rng, centre=None, half=None):
    size = img.shape[0]
    half = rng.uniform(0.25, 0.4) * size if half is None else half
    if centre is None:
        centre = rng.uniform(0.35, 0.65, size=2) * size
    r, c = centre
    thickness = rng.uniform(0.6, 1.2)
    ends = {0: (r, c - half, r, c + half), 1: (r - half, c, r + half, c),
            2: (r - half, c - half, r + half, c + half),
            3: (r - half, c + half, r + half, c - half)}
    _line(img, *ends[kind], thickness)


def _finish(images, rng, noise):
    images = images + rng.normal(0.0, noise, size=images.shape)
    return images[:, None, :, :]


def _blank(n, rng, size, noise):
    n, size = check_count(n, "n"), check_count(size, "size", minimum=8)
    noise = check_nonnegative(noise, "noise")
    labels = check_rng(rng).permutation(np.arange(n) % 4)  # balanced: n/4 of each class
    return labels, np.zeros((n, size, size)), noise


def strokes(n: int, rng, size: int = 16, noise: float = 0.1):
    r"""n images (n, 1, size, size) of one stroke each, and labels 0-3 (see STROKE_NAMES)."""
    y, images, noise = _blank(n, rng, size, noise)
    for img, kind in zip(images, y, strict=True):
        _stroke(img, kind, rng)
    return _finish(images, rng, noise), y


def shapes(n: int, rng, size: int = 16, noise: float = 0.1):
    r"""n images (n, 1, size, size) of two-stroke shapes, and labels 0-3 (see SHAPE_NAMES)."""
    y, images, noise = _blank(n, rng, size, noise)
    for img, kind in zip(images, y, strict=True):
        half = rng.uniform(0.25, 0.35) * size
        r, c = rng.uniform(0.4, 0.6, size=2) * size
        if kind == 0:  # plus: horizontal and vertical through one centre
            _stroke(img, 0, rng, (r, c), half)
            _stroke(img, 1, rng, (r, c), half)
        elif kind == 1:  # cross: both diagonals
            _stroke(img, 2, rng, (r, c), half * 0.8)
            _stroke(img, 3, rng, (r, c), half * 0.8)
        elif kind == 2:  # L: vertical on the left, horizontal at the bottom
            _line(img, r - half, c - half, r + half, c - half, 1.0)
            _line(img, r + half, c - half, r + half, c + half, 1.0)
        else:  # T: horizontal on top, vertical down the middle
            _line(img, r - half, c - half, r - half, c + half, 1.0)
            _line(img, r - half, c, r + half, c, 1.0)
    return _finish(images, rng, noise), y


def shift(X, dx: int, dy: int = 0) -> np.ndarray:
    r"""Images moved dx pixels right and dy down (negative: left, up), zeros shifted in.

    X : (N, C, H, W) or (N, H, W). What leaves the frame is lost.
    """
    X = np.asarray(X, dtype=float)
    if X.ndim not in (3, 4):
        raise ValueError(f"X must be (N, C, H, W) or (N, H, W); got shape {X.shape}")
    dx, dy = int(dx), int(dy)
    h, w = X.shape[-2:]
    if abs(dx) >= w or abs(dy) >= h:
        raise ValueError(f"a shift of ({dx}, {dy}) moves a {h}x{w} image out of its frame; "
                         f"choose |dx| < {w} and |dy| < {h}")
    out = np.zeros_like(X)
    src_r, dst_r = slice(max(0, -dy), h - max(0, dy)), slice(max(0, dy), h - max(0, -dy))
    src_c, dst_c = slice(max(0, -dx), w - max(0, dx)), slice(max(0, dx), w - max(0, -dx))
    out[..., dst_r, dst_c] = X[..., src_r, src_c]
    return out
