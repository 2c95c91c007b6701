r"""A sequence classifier: an LSTM or vanilla RNN with a softmax output, and its training loop.

    h_t      = LSTM or RNN step (see :mod:`course_lib.lstm`, :mod:`course_lib.rnn`)
    net_t    = h_t @ W_y + b_y                  P_t = softmax(net_t)
    L        = cross-entropy of P_t against the target, averaged over the targets
The output reads either the last step only (``output="last"``: one label per
sequence, y of shape (N,)) or every step (``output="every"``: a label per step,
y of shape (N, T), e.g. the next character of a text).

Training is mini-batch gradient descent with Adam (:class:`course_lib.optim.Adam`,
momentum with a step size per weight) or momentum, and gradient clipping: when
the norm of all gradients together exceeds ``clip``, they are scaled down to
norm ``clip``. Backpropagation through time
multiplies many Jacobians, so a rare step can produce a huge gradient ("exploding
gradients"); clipping keeps that one step from throwing the weights away.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from . import losses, lstm, optim, rnn
from ._validate import as_sequences, check_count, check_positive, check_rng

__all__ = ["SequenceClassifier", "SequenceHistory", "clip_gradients", "generate",
           "gradient_through_time", "train_recall",
           "next_char_probabilities", "train_sequences"]

CELLS = {
    "lstm": (lstm.lstm_init, lstm.lstm_forward, lstm.lstm_backward),
    "rnn": (rnn.rnn_init, rnn.rnn_forward, rnn.rnn_backward),
}


def clip_gradients(grads: dict, clip: float) -> float:
    r"""Scale all gradients together, in place, so that their joint norm is at most ``clip``.

    norm = sqrt(sum over all parameters of sum dw^2);  if norm > clip: dw <- dw * clip / norm
    Returns the norm before clipping.
    """
    clip = check_positive(clip, "clip")
    norm = float(np.sqrt(sum(np.sum(g * g) for g in grads.values())))
    if norm > clip:
        for g in grads.values():
            g *= clip / norm
    return norm


class SequenceClassifier:
    r"""LSTM or RNN over sequences of D inputs, H units, and a softmax over K classes.

    Parameters
    ----------
    D, H, K : inputs per step, hidden units (memory cells), classes
    rng : numpy.random.Generator for the initial weights
    cell : "lstm" or "rnn"
    output : "last" (one label per sequence) or "every" (one label per step)
    forget_bias : the LSTM's initial b_f (see :func:`course_lib.lstm.lstm_init`)
    """

    def __init__(self, D: int, H: int, K: int, rng: np.random.Generator, *,
                 cell: str = "lstm", output: str = "last", forget_bias: float = 1.0):
        if cell not in CELLS:
            raise ValueError(f"cell must be one of {sorted(CELLS)}; got {cell!r}")
        if output not in ("last", "every"):
            raise ValueError(f"output must be 'last' or 'every'; got {output!r}")
        self.D, self.H = check_count(D, "D"), check_count(H, "H")
        self.K = check_count(K, "K (classes)", minimum=2)
        check_rng(rng)
        self.cell, self.output = cell, output
        init, self._forward, self._backward = CELLS[cell]
        self.params = init(D, H, rng, forget_bias) if cell == "lstm" else init(D, H, rng)
        scale = 1.0 / np.sqrt(H)
        self.params["W_y"] = rng.uniform(-scale, scale, (H, self.K))
        self.params["b_y"] = np.zeros(self.K)

    @property
    def cell_params(self) -> dict:
        r"""The recurrent cell's parameters (without the output layer's W_y, b_y)."""
        return {k: v for k, v in self.params.items() if k not in ("W_y", "b_y")}

    def forward(self, x, h0=None):
        r"""x (N, T, D) -> net (N, K) for output="last" or (N, T, K) for "every"; and the caches."""
        x = as_sequences(x, self.D)
        h, cache = self._forward(x, h0, self.cell_params)
        used = h[:, -1] if self.output == "last" else h
        return used @ self.params["W_y"] + self.params["b_y"], (h, cache)

    def predict_proba(self, x) -> np.ndarray:
        r"""Class probabilities P = softmax(net), shape (N, K) or (N, T, K)."""
        return losses.softmax(self.forward(x)[0])

    def predict(self, x) -> np.ndarray:
        r"""The most probable class, shape (N,) or (N, T)."""
        return np.argmax(self.forward(x)[0], axis=-1)

    def _check_targets(self, x, y) -> np.ndarray:
        y = np.asarray(y)
        want = x.shape[:1] if self.output == "last" else x.shape[:2]
        if y.shape != want:
            raise ValueError(f"y must have shape {want} (one label per "
                             f"{'sequence' if self.output == 'last' else 'step'}) for x of shape "
                             f"{x.shape}; got {y.shape}")
        return y

    def loss(self, x, y) -> float:
        r"""Mean cross-entropy of the predictions."""
        return self.loss_and_gradients(x, y, gradients=False)[0]

    def loss_and_gradients(self, x, y, gradients: bool = True):
        r"""Mean cross-entropy L and dL/dw for every parameter, by backpropagation through time."""
        x = as_sequences(x, self.D)
        y = self._check_targets(x, y)
        net, (h, cache) = self.forward(x)
        flat_net = net.reshape(-1, self.K)
        loss, dnet = losses.softmax_cross_entropy(flat_net, y.reshape(-1))
        if not gradients:
            return loss, None
        W_y = self.params["W_y"]
        dh = np.zeros_like(h)
        if self.output == "last":
            used = h[:, -1]
            dh[:, -1] = dnet @ W_y.T
        else:
            used = h.reshape(-1, self.H)
            dh[:] = (dnet @ W_y.T).reshape(h.shape)
        _, _, grads = self._backward(dh, cache)
        grads["W_y"] = used.T @ dnet
        grads["b_y"] = dnet.sum(axis=0)
        return loss, grads

    def accuracy(self, x, y) -> float:
        r"""Fraction of labels predicted right."""
        x = as_sequences(x, self.D)
        return float(np.mean(self.predict(x) == self._check_targets(x, y)))


@dataclass
class SequenceHistory:
    r"""Per epoch: training loss, test accuracy (if test data were given), gradient norm."""

    train_loss: list[float] = field(default_factory=list)
    test_accuracy: list[float] = field(default_factory=list)
    gradient_norm: list[float] = field(default_factory=list)
    message: str | None = None


def train_sequences(model: SequenceClassifier, x, y, *, epochs: int, rng: np.random.Generator,
                    eta: float = 0.01, optimizer: str = "adam", batch_size: int = 32,
                    clip: float = 1.0,
                    test: tuple | None = None,
                    callback: Callable[[int, SequenceHistory], None] | None = None
                    ) -> SequenceHistory:
    r"""Mini-batch training with gradient clipping.

    Each epoch shuffles the sequences with ``rng`` and takes one step per batch:
    clip the gradients to norm ``clip``, then update the weights with ``optimizer``:
    "adam" (:class:`course_lib.optim.Adam`) or "momentum" (mu = 0.9).
    ``test=(x_test, y_test)`` records the test accuracy after every epoch;
    ``callback(epoch, history)`` is called after every epoch (progress bars).
    """
    x = as_sequences(x, model.D)
    y = model._check_targets(x, y)
    check_rng(rng)
    epochs, batch_size = check_count(epochs, "epochs"), check_count(batch_size, "batch_size")
    if optimizer not in ("adam", "momentum"):
        raise ValueError(f"optimizer must be 'adam' or 'momentum'; got {optimizer!r}")
    update = optim.Adam(eta) if optimizer == "adam" else optim.Momentum(eta, 0.9)
    history = SequenceHistory()
    n = x.shape[0]
    for epoch in range(1, epochs + 1):
        order = rng.permutation(n)
        total, norms = 0.0, []
        for start in range(0, n, batch_size):
            batch = order[start:start + batch_size]
            loss, grads = model.loss_and_gradients(x[batch], y[batch])
            norms.append(clip_gradients(grads, clip))
            update(model.params, grads)
            total += loss * len(batch)
        history.train_loss.append(total / n)
        history.gradient_norm.append(float(np.median(norms)))
        if not np.isfinite(total):
            history.message = (f"diverged at epoch {epoch}: the loss is not finite; try a smaller "
                               f"learning rate or clip")
            break
        if test is not None:
            history.test_accuracy.append(model.accuracy(*test))
        if callback is not None:
            callback(epoch, history)
    return history


def next_char_probabilities(net, temperature: float) -> np.ndarray:
    r"""P_k = softmax(net_k / temperature): < 1 sharpens the choice, > 1 flattens it."""
    if not isinstance(temperature, int | float) or not temperature > 0:
        raise ValueError(f"temperature must be a number > 0 (e.g. 0.01 for nearly greedy "
                         f"sampling); got {temperature!r}")
    return losses.softmax(np.asarray(net, dtype=np.float64) / temperature)


def generate(model: SequenceClassifier, codec, prompt: str, length: int, *, temperature: float,
             rng: np.random.Generator) -> str:
    r"""Continue ``prompt`` by ``length`` characters, sampling each from softmax(net / temperature).

    The model must predict the next character at every step (``output="every"``)
    with one-hot inputs of ``codec``. The prompt is read one character at a time,
    then each sampled character is fed back as the next input.
    """
    if model.output != "every" or model.D != codec.size or model.K != codec.size:
        raise ValueError("generate needs a model with output='every' and D = K = the codec's "
                         f"{codec.size} characters")
    if not prompt:
        raise ValueError("give a prompt of at least one character")
    length = check_count(length, "length", minimum=0)
    check_rng(rng)
    cell = model.cell_params
    h = np.zeros((1, model.H))
    C = np.zeros((1, model.H))
    out = []
    inputs = list(codec.encode(prompt))
    while len(out) < length:
        x_t = codec.one_hot(inputs[:1])
        if model.cell == "lstm":
            h, C, _ = lstm.lstm_step_forward(x_t, h, C, cell)
        else:
            h, _ = rnn.rnn_step_forward(x_t, h, cell)
        inputs.pop(0)
        if not inputs:
            net = h[0] @ model.params["W_y"] + model.params["b_y"]
            k = int(rng.choice(codec.size, p=next_char_probabilities(net, temperature)))
            out.append(k)
            inputs.append(k)
    return codec.decode(out)


def gradient_through_time(cell: str, params: dict, x) -> np.ndarray:
    r"""How much gradient reaches each earlier step: ||dL/dx_{T-k}|| for k = 0..T-1.

    The loss reads only the last output, L = sum_j h_Tj / sqrt(H), and is sent
    back through time with the cell's backward pass. Entry k is the norm of the
    gradient with respect to the input k steps before the end, averaged over the
    sequences of ``x`` (N, T, D).
    """
    if cell not in CELLS:
        raise ValueError(f"cell must be one of {sorted(CELLS)}; got {cell!r}")
    _, forward, backward = CELLS[cell]
    h, cache = forward(x, None, params)
    dh = np.zeros_like(h)
    dh[:, -1] = 1.0 / np.sqrt(h.shape[2])
    dx, _, _ = backward(dh, cache)
    return np.linalg.norm(dx, axis=2).mean(axis=0)[::-1]


def train_recall(delay: int, cell: str, seed: int, *, n_train: int = 512, n_test: int = 500,
                 epochs: int = 12, H: int = 16, noise: float = 0.1, forget_bias: float = 4.0,
                 callback=None):
    r"""Train a model on :func:`course_lib.sequence_data.delayed_recall` with one seed.

    The same seed gives the same data and initial weights whatever the cell.
    Returns (model, history, (x_test, y_test)).
    """
    from .sequence_data import delayed_recall, recall_symbols

    rng = np.random.default_rng(seed)
    x, y = delayed_recall(n_train, delay, rng, noise=noise)
    test = delayed_recall(n_test, delay, rng, noise=noise)
    model = SequenceClassifier(len(recall_symbols()), H, 4, rng, cell=cell,
                               forget_bias=forget_bias)
    history = train_sequences(model, x, y, epochs=epochs, rng=rng, test=test, callback=callback)
    return model, history, test
