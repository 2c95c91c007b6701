r"""A small convolutional network: conv -> ReLU -> max pool blocks, then a dense softmax layer.

Lecture, "Anatomy of CNN": convolutional layers (trainable feature extraction),
pooling layers, and a fully connected layer for classification; "Transfer
learning": freeze the trained convolutional layers and train only a new head.

    block l:  o_l = maxpool(relu(conv(o_{l-1}, w_l) + b_l))      (padding K // 2)
    head:     net = flatten(o_L) @ W + b,   P = softmax(net)      cross-entropy loss

Pieces come from ``conv``, ``pooling``, ``mlp.dense_*`` and ``losses``; the
model has the interface ``training.Trainer`` expects, so the same optimisers train it.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from . import activations, conv, losses, mlp, pooling
from ._model import Model
from ._validate import check_count, check_rng, not_labels

__all__ = ["CNN", "BlockCache"]


class BlockCache(NamedTuple):
    r"""One conv block's caches: the convolution's, its net input (for relu'), the pooling's."""

    conv: conv.ConvCache
    net: np.ndarray
    pool: pooling.MaxPoolCache | pooling.TiledMaxPoolCache


class CNN(Model):
    r"""conv blocks + a dense softmax head.

    Parameters
    ----------
    in_shape : (C, H, W) of one image
    filters : filters per conv block, e.g. (8, 16)
    n_classes : K
    rng : numpy.random.Generator (He initialisation)
    kernel : kernel size K of every conv layer (odd); pool : max-pooling window and stride

    Attributes
    ----------
    params : "w1", "b1", ... (conv blocks), "W", "b" (head)
    frozen : set of parameter names whose gradients are zeroed (transfer learning)
    """

    def __init__(self, in_shape, filters=(8, 16), n_classes: int = 4, *, rng, kernel: int = 3,
                 pool: int = 2):
        check_rng(rng)
        if kernel % 2 != 1:
            raise ValueError(f"kernel must be odd (padding K // 2 keeps the size); got {kernel}")
        c, h, w = (check_count(v, "in_shape") for v in in_shape)
        self.in_shape, self.kernel, self.pool = (c, h, w), kernel, pool
        self.n_classes = check_count(n_classes, "n_classes", minimum=2)
        self.params, self.frozen = {}, set()
        for l, f in enumerate(filters, start=1):
            fan_in = c * kernel * kernel
            self.params[f"w{l}"] = rng.normal(0.0, np.sqrt(2.0 / fan_in), (f, c, kernel, kernel))
            self.params[f"b{l}"] = np.zeros(f)
            h = conv.conv_output_size(h, pool, pool)  # padding keeps the size, pooling halves it
            w = conv.conv_output_size(w, pool, pool)
            c = f
        self.n_blocks = len(filters)
        self.feature_shape = (c, h, w)
        n_features = c * h * w
        self.params["W"] = rng.normal(0.0, np.sqrt(1.0 / n_features), (n_features, n_classes))
        self.params["b"] = np.zeros(n_classes)
        self._caches = []

    def check_X(self, X) -> np.ndarray:
        r"""X as (N, C, H, W) floats matching in_shape, or a ValueError naming the shapes."""
        X = np.asarray(X, dtype=float)
        if X.ndim != 4 or X.shape[1:] != self.in_shape:
            raise ValueError(f"X has shape {X.shape}; this network takes images of shape "
                             f"(N, {', '.join(map(str, self.in_shape))})")
        return X

    def check_y(self, y, n: int) -> np.ndarray:
        r"""Labels 0..K-1 of shape (n,)."""
        y = np.asarray(y)
        if (y.shape != (n,) or y.dtype.kind not in "biuf"
                or not_labels(y, self.n_classes) is not None):
            raise ValueError(f"y must have shape ({n},) with labels 0..{self.n_classes - 1}; "
                             f"got shape {y.shape}")
        return y.astype(np.int64)

    def blocks(self, X) -> tuple[list[np.ndarray], list[BlockCache]]:
        r"""Run the conv blocks: every block's output o_l (N, F_l, H_l, W_l) and its cache.

        o_l = maxpool(relu(conv(o_{l-1}, w_l) + b_l)), with padding K // 2 and o_0 = X.
        """
        o = self.check_X(X)
        outputs, caches = [], []
        for l in range(1, self.n_blocks + 1):
            net, conv_cache = conv.conv2d_forward(o, self.params[f"w{l}"], self.params[f"b{l}"],
                                                  1, self.kernel // 2)
            o, pool_cache = pooling.maxpool2d_forward(activations.relu(net), self.pool, self.pool)
            outputs.append(o)
            caches.append(BlockCache(conv_cache, net, pool_cache))
        return outputs, caches

    def features(self, X) -> np.ndarray:
        r"""The conv blocks' output, flattened: (N, C_L * H_L * W_L), the head's input."""
        return _flatten(self.blocks(X)[0][-1])

    def feature_maps(self, X) -> list[np.ndarray]:
        r"""Every block's output (after pooling), for plotting: a list of (N, F_l, H_l, W_l)."""
        return self.blocks(X)[0]

    def stages(self, X) -> dict[str, np.ndarray]:
        r"""Every stage of the forward pass by name, to see what each one does to an input.

        "conv l": relu(conv(o_{l-1}, w_l) + b_l) (N, F_l, H, W), before pooling;
        "pool l": o_l after max pooling; "logits": net = features @ W + b (N, K).
        """
        outputs, caches = self.blocks(X)
        found = {}
        for l, (o, block) in enumerate(zip(outputs, caches, strict=True), start=1):
            found[f"conv {l}"] = activations.relu(block.net)
            found[f"pool {l}"] = o
        found["logits"] = mlp.dense_forward(_flatten(outputs[-1]), self.params["W"],
                                            self.params["b"])[0]
        return found

    def forward(self, X) -> np.ndarray:
        r"""Class scores net = features @ W + b, shape (N, K); keeps the caches for backward."""
        outputs, self._caches = self.blocks(X)
        features = _flatten(outputs[-1])
        net, self._head_cache = mlp.dense_forward(features, self.params["W"], self.params["b"])
        return net

    def predict(self, X) -> np.ndarray:
        r"""The most probable class argmax_k net_k, shape (N,)."""
        return np.argmax(self.forward(X), axis=1)

    def evaluate(self, X, y) -> tuple[float, float]:
        r"""Mean cross-entropy and accuracy from one forward pass."""
        net = self.forward(X)
        y = self.check_y(y, net.shape[0])
        return losses.softmax_cross_entropy(net, y)[0], float(np.mean(np.argmax(net, 1) == y))

    def loss_and_gradients(self, X, y, *, training: bool = False, masks=None):
        r"""Cross-entropy loss and the gradient of every parameter (frozen ones zero)."""
        net = self.forward(X)
        L, dnet = losses.softmax_cross_entropy(net, self.check_y(y, net.shape[0]))
        grads = {}
        dfeat, grads["W"], grads["b"] = mlp.dense_backward(dnet, self._head_cache)
        do = dfeat.reshape(dfeat.shape[0], *self.feature_shape)
        for l in range(self.n_blocks, 0, -1):
            block = self._caches[l - 1]
            dnet_l = pooling.maxpool2d_backward(do, block.pool) * activations.relu_prime(block.net)
            do, grads[f"w{l}"], grads[f"b{l}"] = conv.conv2d_backward(dnet_l, block.conv)
        for name in self.frozen:
            grads[name] = np.zeros_like(grads[name])
        return L, grads

    def freeze_convolutions(self) -> None:
        r"""Transfer learning: keep the conv blocks as they are, train only the head."""
        self.frozen = {k for k in self.params if k[0] in "wb" and k not in ("W", "b")}

    def new_head(self, n_classes: int, rng) -> None:
        r"""Replace the dense head by a fresh one for a new task with ``n_classes`` classes."""
        n_features = self.params["W"].shape[0]
        self.n_classes = check_count(n_classes, "n_classes", minimum=2)
        self.params["W"] = check_rng(rng).normal(0.0, np.sqrt(1.0 / n_features),
                                                  (n_features, n_classes))
        self.params["b"] = np.zeros(n_classes)


def _flatten(o: np.ndarray) -> np.ndarray:
    r"""(N, C, H, W) -> (N, C * H * W): the last block's maps as the head's input vector."""
    return o.reshape(o.shape[0], -1)
