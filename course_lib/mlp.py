r"""Fully connected networks (multilayer perceptrons) and backpropagation, in the lecture's terms.

Lecture, "Backpropagation". For a layer with inputs o_i and outputs o_j:
    net_j = sum_i w_ij o_i + b_j               vectorised: net = o_prev @ W + b
    o_j   = f(net_j)
    dL/dw_ij = delta_j o_i                     (eq. 7)      dW = o_prev.T @ delta
    output node:       delta_j = dL/dnet_j = (y_hat - y) / N   for sigmoid + BCE, softmax + CE
                                                              and linear + squared error
                       (/ N because the losses average over the N samples)
    intermediate node: delta_j = (sum_l w_jl delta_l) f'(net_j)
    update:            w_ij <- w_ij - eta dL/dw_ij

Shapes: o_prev (N, n_in), W (n_in, n_out), b (n_out,), net and delta (N, n_out).
The lecture's sigmoid network has f'(net_j) = o_j (1 - o_j); here f is any
activation of :mod:`course_lib.activations`. The bias b_j is the weight of a
constant input o_0 = 1 that the lecture leaves implicit.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import activations, losses, regularization
from ._model import Model
from ._validate import check_count, check_nonnegative, check_rng, not_labels

__all__ = ["MLP", "DenseCache", "dense_backward", "dense_forward"]

OUTPUTS = tuple(losses.LOSSES)  # "regression", "binary", "multiclass"


@dataclass(frozen=True)
class DenseCache:
    r"""What the backward pass of a dense layer needs: its input and weights."""

    o_prev: np.ndarray
    W: np.ndarray


def dense_forward(o_prev, W, b):
    r"""Net input of a fully connected layer.

    net_j = sum_i o_i w_ij + b_j,   i.e.   net = o_prev @ W + b

    Parameters
    ----------
    o_prev : array, shape (N, n_in), the previous layer's outputs (or the data X)
    W : array, shape (n_in, n_out), W[i, j] = w_ij
    b : array, shape (n_out,)

    Returns
    -------
    net : array, shape (N, n_out); cache : DenseCache
    """
    o_prev, W, b = np.asarray(o_prev), np.asarray(W), np.asarray(b)
    if W.ndim != 2 or b.shape != (W.shape[1],):
        raise ValueError(f"W must have shape (n_in, n_out) and b shape (n_out,); got W {W.shape}, "
                         f"b {b.shape}")
    if o_prev.ndim != 2 or o_prev.shape[1] != W.shape[0]:
        raise ValueError(f"o_prev has shape {o_prev.shape} but W has shape {W.shape}: o_prev "
                         f"needs shape (N, {W.shape[0]})")
    return o_prev @ W + b, DenseCache(o_prev, W)


def dense_backward(dnet, cache: DenseCache):
    r"""Gradients of a fully connected layer from delta = dL/dnet.

    dL/dw_ij = sum_n o_i delta_j           dW = o_prev.T @ delta
    dL/db_j  = sum_n delta_j               db = delta.sum(axis=0)
    dL/do_i  = sum_j w_ij delta_j          do_prev = delta @ W.T   (feeds the hidden delta)

    Returns
    -------
    do_prev : (N, n_in), dW : (n_in, n_out), db : (n_out,)
    """
    dnet = np.asarray(dnet)
    if dnet.shape != (cache.o_prev.shape[0], cache.W.shape[1]):
        raise ValueError(f"dnet must have shape {(cache.o_prev.shape[0], cache.W.shape[1])}, "
                         f"like the layer's net; got {dnet.shape}")
    return dnet @ cache.W.T, cache.o_prev.T @ dnet, dnet.sum(axis=0)


@dataclass(frozen=True)
class LayerCache:
    r"""A layer's dense cache, its net input (for f'(net_j)) and its dropout cache."""

    dense: DenseCache
    net: np.ndarray
    drop: regularization.DropoutCache | None = None


class MLP(Model):
    r"""A multilayer perceptron: any depth (0 hidden layers = a perceptron-like model), any widths.

    Parameters
    ----------
    n_in : int, inputs (the dimension of x)
    hidden : sequence of int, the width of each hidden layer (its length is the depth)
    n_out : int, output nodes: 1 for regression or binary, K for K classes
    activation : name in ``activations.ACTIVATIONS``, used by every hidden layer
    output : "regression" (linear + squared error), "binary" (sigmoid + binary
        cross-entropy) or "multiclass" (softmax + cross-entropy)
    rng : numpy.random.Generator, draws the initial weights (and later the dropout masks)
    dtype : numpy.float64 (default) or numpy.float32
    l2 : lambda >= 0, L2 weight decay: the training objective adds lambda/2 sum ||W||^2
    dropout : rate p in [0, 1) of inverted dropout on every hidden layer's outputs,
        active only in training (``training=True``)

    Attributes
    ----------
    params : dict "W1", "b1", ..., "WL", "bL" -> arrays (W_l of shape (n_{l-1}, n_l))
    grads : dict with the same keys, filled by :meth:`backward`
    """

    def __init__(self, n_in: int, hidden=(), n_out: int = 1, *, activation: str = "tanh",
                 output: str = "binary", rng: np.random.Generator, dtype=np.float64,
                 l2: float = 0.0, dropout: float = 0.0):
        self.rng = check_rng(rng)
        self.l2 = check_nonnegative(l2, "l2 (lambda, the weight decay)")
        self.dropout = regularization.check_rate(dropout)
        if isinstance(hidden, int | np.integer):
            raise TypeError(f"hidden is a list of widths, one per hidden layer, e.g. [{hidden}]; "
                            f"got the number {hidden}")
        n_in = check_count(n_in, "n_in")
        n_out = check_count(n_out, "n_out")
        hidden = [check_count(h, "each hidden width") for h in hidden]
        self.f, self.f_prime = activations.get_activation(activation)
        if output not in OUTPUTS:
            raise ValueError(f"unknown output {output!r}; choose one of: {', '.join(OUTPUTS)}")
        if output == "binary" and n_out != 1:
            raise ValueError(f"a binary output has 1 node (P_1 = sigma(net)); got n_out={n_out}")
        if output == "multiclass" and n_out < 2:
            raise ValueError(f"a multiclass output needs n_out = K >= 2 nodes; got {n_out}")
        self.dtype = np.dtype(dtype)
        if self.dtype not in (np.float32, np.float64):
            raise TypeError(f"dtype must be float64 or float32; got {self.dtype}")
        self.activation, self.output = activation, output
        self.sizes = [n_in, *hidden, n_out]
        gain = 2.0 if activation in ("relu", "leaky_relu", "elu") else 1.0  # He vs LeCun
        self.params: dict[str, np.ndarray] = {}
        for l, (a, b) in enumerate(zip(self.sizes[:-1], self.sizes[1:], strict=True), start=1):
            self.params[f"W{l}"] = rng.normal(0.0, np.sqrt(gain / a), (a, b)).astype(self.dtype)
            self.params[f"b{l}"] = np.zeros(b, dtype=self.dtype)
        self.grads = {k: np.zeros_like(v) for k, v in self.params.items()}
        self._caches: list = []

    @property
    def depth(self) -> int:
        r"""Number of hidden layers."""
        return len(self.sizes) - 2

    @property
    def n_layers(self) -> int:
        r"""Number of weight layers (depth + 1)."""
        return len(self.sizes) - 1

    def check_X(self, X) -> np.ndarray:
        r"""X as an array of shape (N, n_in) in the model's dtype, or a ValueError naming shapes."""
        X = np.asarray(X)
        if X.ndim != 2 or X.shape[1] != self.sizes[0]:
            raise ValueError(f"X has shape {X.shape} but the network has {self.sizes[0]} inputs: "
                             f"X needs shape (N, {self.sizes[0]})")
        if X.dtype.kind not in "biuf" or not np.all(np.isfinite(X)):
            raise ValueError(f"X (shape {X.shape}) must hold finite numbers only")
        return X.astype(self.dtype, copy=False)

    def check_y(self, y, n: int) -> np.ndarray:
        r"""Targets for N = n samples, checked against the output kind."""
        y = np.asarray(y)
        k = self.sizes[-1]
        if self.output == "regression":
            want = (n,) if k == 1 else (n, k)
            if y.shape != want and not (k == 1 and y.shape == (n, 1)):
                raise ValueError(f"y has shape {y.shape}; the network has {k} output(s), so y "
                                 f"needs shape {want} for X with {n} rows")
            if y.dtype.kind not in "biuf" or not np.all(np.isfinite(y)):
                raise ValueError(f"y (shape {y.shape}) must hold finite numbers only")
            return y.reshape(n, k).astype(self.dtype)
        if y.shape != (n,):
            raise ValueError(f"y has shape {y.shape} but X has {n} rows: y needs shape ({n},), "
                             "one class label per sample")
        classes = 2 if self.output == "binary" else k
        if y.dtype.kind not in "biuf":
            raise ValueError(f"y (shape {y.shape}) must hold class labels 0..{classes - 1}; "
                             f"got dtype {y.dtype}")
        bad = not_labels(y, classes)
        if bad is not None:
            raise ValueError(f"labels must be the classes 0..{classes - 1} of this network's "
                             f"{self.output} output (y has shape {y.shape}); found "
                             f"{np.unique(bad)[:6]}")
        return y.astype(np.int64)

    def forward(self, X, *, training: bool = False, masks=None) -> np.ndarray:
        r"""Feed forward; return the output layer's net input (keeps caches for backward).

        o_0 = X;  for each hidden layer l: net_l = o_{l-1} W_l + b_l,  o_l = f(net_l)
        (times the dropout mask m_l / (1 - p) when training with dropout);
        then net_out = o_{L-1} W_L + b_L.

        ``masks``: optional fixed 0/1 dropout masks, one per hidden layer (for tests).
        """
        o = self.check_X(X)
        self._caches = []
        for l in range(1, self.n_layers):
            net, dense = dense_forward(o, self.params[f"W{l}"], self.params[f"b{l}"])
            o, drop = regularization.dropout_forward(
                self.f(net), self.dropout, self.rng, training=training,
                mask=None if masks is None else masks[l - 1])
            self._caches.append(LayerCache(dense, net, drop))
        net_out, dense = dense_forward(o, self.params[f"W{self.n_layers}"],
                                       self.params[f"b{self.n_layers}"])
        self._caches.append(LayerCache(dense, net_out))
        return net_out

    def output_of(self, net_out) -> np.ndarray:
        r"""y_hat from the output net input: net (regression), sigma(net) (binary), softmax(net)."""
        if self.output == "binary":
            return activations.sigmoid(net_out[:, 0])
        if self.output == "multiclass":
            return losses.softmax(net_out)
        return net_out[:, 0] if self.sizes[-1] == 1 else net_out

    def predict_proba(self, X) -> np.ndarray:
        r"""y_hat: P_1 (N,) for binary, P (N, K) for multiclass, the values for regression."""
        return self.output_of(self.forward(X))

    def predict(self, X) -> np.ndarray:
        r"""Class labels (binary: P_1 >= 0.5; multiclass: argmax_k P_k) or regression values."""
        return self._decide(self.predict_proba(X))

    def _decide(self, y_hat) -> np.ndarray:
        if self.output == "binary":
            return (y_hat >= 0.5).astype(np.int64)
        if self.output == "multiclass":
            return np.argmax(y_hat, axis=1)
        return y_hat

    def hidden_outputs(self, X) -> list[np.ndarray]:
        r"""The outputs o_l of every hidden layer, each of shape (N, width_l)."""
        self.forward(X)
        return [self.f(c.net) for c in self._caches[:-1]]

    def loss(self, X, y) -> float:
        r"""The data loss L of the network's output on (X, y), no dropout, no penalty."""
        return self._loss(self.forward(X), y)[0]

    def evaluate(self, X, y) -> tuple[float, float | None]:
        r"""The data loss and the accuracy (None for regression) from one forward pass."""
        net_out = self.forward(X)
        L = self._loss(net_out, y)[0]
        if self.output == "regression":
            return L, None
        right = self._decide(self.output_of(net_out)) == self.check_y(y, net_out.shape[0])
        return L, float(np.mean(right))

    def _loss(self, net_out, y):
        y = self.check_y(y, net_out.shape[0])
        loss_fn = losses.LOSSES[self.output].loss
        if self.output == "binary":
            L, dnet = loss_fn(net_out[:, 0], y)
            return L, dnet[:, None]
        return loss_fn(net_out, y)

    def backward(self, delta_out) -> dict[str, np.ndarray]:
        r"""Backpropagation from the output delta dL/dnet_out (shape (N, n_out)): the delta rule.

        for l = L, ..., 1:   dW_l = o_{l-1}^T delta_l,  db_l = sum_n delta_l
                             delta_{l-1} = (delta_l W_l^T) * f'(net_{l-1})   (hidden delta)
        """
        if not self._caches:
            raise ValueError("call forward (or loss_and_gradients) before backward")
        delta = np.asarray(delta_out)
        for l in range(self.n_layers, 0, -1):
            do_prev, dW, db = dense_backward(delta, self._caches[l - 1].dense)
            self.grads[f"W{l}"], self.grads[f"b{l}"] = dW, db
            if l > 1:
                below = self._caches[l - 2]
                do = regularization.dropout_backward(do_prev, below.drop)
                delta = do * self.f_prime(below.net)
        return self.grads

    def loss_and_gradients(self, X, y, *, training: bool = False,
                           masks=None) -> tuple[float, dict[str, np.ndarray]]:
        r"""Forward, loss, output delta (y_hat - y)/N, backward. Returns (L, grads).

        With weight decay the objective is L + lambda/2 sum ||W||^2 and each dW
        gains lambda W. ``training=True`` applies dropout (masks drawn from the
        model's rng unless ``masks`` fixes them).
        """
        L, delta_out = self._loss(self.forward(X, training=training, masks=masks), y)
        grads = self.backward(delta_out)
        if self.l2:
            L += regularization.l2_penalty(self.params, self.l2)
            for name, extra in regularization.l2_gradient(self.params, self.l2).items():
                grads[name] = grads[name] + extra
        return L, grads
