r"""Hand-crafted features: the lecture's "typical computer vision pipeline" before deep learning.

Lecture, "Typical computer vision pipeline": feature extraction designed by hand
(domain knowledge), then a classifier. Here the features are Sobel edges:

    g_x = x (cross-correlated with) sobel_x,   g_y = x (cross-correlated with) sobel_y   (padding 1)
    four edge channels   relu(g_x), relu(-g_x), relu(g_y), relu(-g_y)
                         (brightness rising / falling along x, along y)
    features             each channel averaged over m x m blocks, flattened

A logistic-regression head (``mlp.MLP(n_features, [], K, output="multiclass")``,
a softmax layer) then classifies them, as a CNN's fully-connected layer does
with learned features.
"""

from __future__ import annotations

import numpy as np

from . import activations, conv, pooling
from ._validate import check_count

__all__ = ["SOBEL_X", "SOBEL_Y", "sobel_features", "sobel_maps"]

#: The lecture's first Sobel kernel: differences along x, so it finds vertical edges.
SOBEL_X = np.array([[-1.0, 0.0, 1.0], [-2.0, 0.0, 2.0], [-1.0, 0.0, 1.0]])
#: The lecture's second Sobel kernel, corrected (bottom row +1, +2, +1): horizontal edges.
SOBEL_Y = SOBEL_X.T.copy()


def _as_images(X) -> np.ndarray:
    X = np.asarray(X, dtype=float)
    if X.ndim == 3:
        X = X[:, None]
    if X.ndim != 4 or X.shape[1] != 1:
        raise ValueError(f"X must be grey images (N, H, W) or (N, 1, H, W); got shape {X.shape}")
    return X


def sobel_maps(X) -> np.ndarray:
    r"""The four edge channels relu(g_x), relu(-g_x), relu(g_y), relu(-g_y): (N, 4, H, W).

    X : (N, H, W) or (N, 1, H, W) grey images. Padding 1 keeps the size.
    """
    X = _as_images(X)
    kernels = np.stack([SOBEL_X, SOBEL_Y])[:, None]  # (2, 1, 3, 3): C_out = 2, C_in = 1
    g, _ = conv.conv2d_forward(X, kernels, None, 1, 1)  # g[:, 0] = g_x, g[:, 1] = g_y
    return activations.relu(np.concatenate([g[:, :1], -g[:, :1], g[:, 1:], -g[:, 1:]], axis=1))


def sobel_features(X, block: int = 2) -> np.ndarray:
    r"""Hand-crafted features: the four Sobel edge channels averaged over block x block cells.

    Returns (N, 4 * (H // block) * (W // block)); for 8x8 digits and block 2, 64 features.
    """
    block = check_count(block, "block")
    maps = sobel_maps(X)
    if block > min(maps.shape[2:]):
        raise ValueError(f"block = {block} is larger than the image {maps.shape[2]}x"
                         f"{maps.shape[3]}: choose block <= {min(maps.shape[2:])}")
    pooled, _ = pooling.avgpool2d_forward(maps, block, block)
    return pooled.reshape(len(pooled), -1)
