r"""A sequence classifier: an LSTM or vanilla RNN with a softmax output, and what it shows.

    h_t      = LSTM or RNN step (see :mod:`course_lib.lstm`, :mod:`course_lib.rnn`)
    net_t    = h_t @ W_y + b_y                  P_t = softmax(net_t)
    L        = cross-entropy of P_t against the target, averaged over the targets
The output reads either the last step only (``output="last"``: one label per
sequence, y of shape (N,)) or every step (``output="every"``: a label per step,
y of shape (N, T), e.g. the next character of a text).

The model trains with the course's one loop, :class:`course_lib.training.Trainer`,
usually with Adam (:class:`course_lib.optim.Adam`, momentum with a step size per
weight) and gradient clipping (``clip=1.0``): backpropagation through time
multiplies many Jacobians, so a rare step can produce a huge gradient
("exploding gradients"); clipping keeps that one step from throwing the weights
away. The LSTM runs as :mod:`course_lib.lstm_fused`, the lecture's cell of
:mod:`course_lib.lstm` with its four gates in one product (tested equal).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import NamedTuple

import numpy as np

from . import losses, lstm, lstm_fused, optim, rnn, training
from ._model import Model
from ._validate import as_sequences, check_count, check_rng
from .sequence_data import delayed_recall, recall_symbols

__all__ = ["CELLS", "TRAINING", "Cell", "SequenceCache", "SequenceClassifier", "generate",
           "gradient_through_time", "memory_cells", "next_char_probabilities", "train_recall"]


class Cell(NamedTuple):
    r"""A recurrent cell's functions: ``init(D, H, rng)``, ``forward(x, h0, params)``, backward."""

    init: Callable
    forward: Callable
    backward: Callable


CELLS = {
    "lstm": Cell(lstm.lstm_init, lstm_fused.lstm_forward, lstm_fused.lstm_backward),
    "rnn": Cell(rnn.rnn_init, rnn.rnn_forward, rnn.rnn_backward),
}


#: how the course trains recurrent networks, with ``training.train(..., **TRAINING)``:
#: batches of 32, gradients clipped to norm 1, the training set not evaluated again
#: after every epoch (the mean of the batch losses is recorded instead)
TRAINING = {"batch_size": 32, "clip": 1.0, "evaluate_training": False}


class SequenceCache(NamedTuple):
    r"""What :meth:`SequenceClassifier.forward` keeps: every h_t (N, T, H) and the cell's cache."""

    h: np.ndarray
    cell: object


class SequenceClassifier(Model):
    r"""LSTM or RNN over sequences of D inputs, H units, and a softmax over K classes.

    Parameters
    ----------
    D, H, K : inputs per step, hidden units (memory cells), classes
    rng : numpy.random.Generator for the initial weights
    cell : "lstm" or "rnn"
    output : "last" (one label per sequence) or "every" (one label per step)
    forget_bias : the LSTM's initial b_f (see :func:`course_lib.lstm.lstm_init`)

    Attributes
    ----------
    params : the cell's parameters (W_f ... b_o, or W, b) and the output layer's W_y, b_y
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
        functions = CELLS[cell]
        self._forward = functions.forward
        if cell == "lstm":
            self.params = functions.init(D, H, rng, forget_bias)
            # the fused backward pass reuses one scratch array, owned by this model
            self._backward = partial(functions.backward, workspace=lstm_fused.Workspace())
        else:
            self.params = functions.init(D, H, rng)
            self._backward = functions.backward
        scale = 1.0 / np.sqrt(H)
        self.params["W_y"] = rng.uniform(-scale, scale, (H, self.K))
        self.params["b_y"] = np.zeros(self.K)

    @property
    def cell_params(self) -> dict:
        r"""The recurrent cell's parameters (without the output layer's W_y, b_y)."""
        return {k: v for k, v in self.params.items() if k not in ("W_y", "b_y")}

    def check_X(self, x) -> np.ndarray:
        r"""x as floats of shape (N, T, D), or a ValueError naming the shapes."""
        return as_sequences(x, self.D)

    def check_data(self, x, y):
        r"""(x, y) checked: y of shape (N,) for output="last", (N, T) for "every"."""
        x = self.check_X(x)
        y = np.asarray(y)
        want = x.shape[:1] if self.output == "last" else x.shape[:2]
        if y.shape != want:
            raise ValueError(f"y must have shape {want} (one label per "
                             f"{'sequence' if self.output == 'last' else 'step'}) for x of shape "
                             f"{x.shape}; got {y.shape}")
        return x, y

    def forward(self, x, h0=None):
        r"""x (N, T, D) -> net (N, K) for output="last" or (N, T, K) for "every", SequenceCache."""
        x = self.check_X(x)
        h, cell_cache = self._forward(x, h0, self.cell_params)
        used = h[:, -1] if self.output == "last" else h
        return used @ self.params["W_y"] + self.params["b_y"], SequenceCache(h, cell_cache)

    def predict_proba(self, x) -> np.ndarray:
        r"""Class probabilities P = softmax(net), shape (N, K) or (N, T, K)."""
        return losses.softmax(self.forward(x)[0])

    def predict(self, x) -> np.ndarray:
        r"""The most probable class, shape (N,) or (N, T)."""
        return np.argmax(self.forward(x)[0], axis=-1)

    def evaluate(self, x, y) -> tuple[float, float]:
        r"""Mean cross-entropy and the fraction of labels predicted right, from one forward pass."""
        x, y = self.check_data(x, y)
        net, _ = self.forward(x)
        loss, _ = losses.softmax_cross_entropy(net.reshape(-1, self.K), y.reshape(-1))
        return loss, float(np.mean(np.argmax(net, axis=-1) == y))

    def loss_and_gradients(self, x, y, *, training: bool = False):
        r"""Mean cross-entropy L and dL/dw for every parameter, by backpropagation through time.

        ``training`` changes nothing here (no dropout); it is the training loop's keyword.
        """
        x, y = self.check_data(x, y)
        net, cache = self.forward(x)
        loss, dnet = losses.softmax_cross_entropy(net.reshape(-1, self.K), y.reshape(-1))
        h, W_y = cache.h, self.params["W_y"]
        dh = np.zeros_like(h)
        if self.output == "last":
            used = h[:, -1]
            dh[:, -1] = dnet @ W_y.T
        else:
            used = h.reshape(-1, self.H)
            dh[:] = (dnet @ W_y.T).reshape(h.shape)
        _, _, grads = self._backward(dh, cache.cell)
        grads["W_y"] = used.T @ dnet
        grads["b_y"] = dnet.sum(axis=0)
        return loss, grads



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
    h, cache = CELLS[cell].forward(x, None, params)
    dh = np.zeros_like(h)
    dh[:, -1] = 1.0 / np.sqrt(h.shape[2])
    dx, _, _ = CELLS[cell].backward(dh, cache)
    return np.linalg.norm(dx, axis=2).mean(axis=0)[::-1]


def memory_cells(C_T, y, n_classes: int) -> np.ndarray:
    r"""How well each memory cell's final state C_T separates the classes: between / within.

    score_j = Var_k(mean of C_Tj in class k) / mean_k(Var of C_Tj in class k); a
    large score means cell j holds the answer.

    Parameters
    ----------
    C_T : (N, H), the last step's cell state of N sequences (e.g. ``cache.C[:, -1]``)
    y : (N,), their labels in 0..n_classes-1

    Returns
    -------
    scores : (H,)
    """
    C_T, y = np.asarray(C_T), np.asarray(y)
    if C_T.ndim != 2 or y.shape != (C_T.shape[0],):
        raise ValueError(f"C_T must have shape (N, H) and y shape (N,); got {C_T.shape} and "
                         f"{y.shape}")
    present = [k for k in range(n_classes) if np.any(y == k)]
    means = np.array([C_T[y == k].mean(axis=0) for k in present])
    within = np.mean([C_T[y == k].var(axis=0) for k in present], axis=0)
    return means.var(axis=0) / (within + 1e-12)


def train_recall(delay: int, cell: str, rng: np.random.Generator, *, n_train: int = 512,
                 n_test: int = 500, epochs: int = 12, H: int = 16, noise: float = 0.1,
                 forget_bias: float = 4.0, callback=None, test_every_epoch: bool = False):
    r"""Train a model on :func:`course_lib.sequence_data.delayed_recall`.

    Data, initial weights and the shuffling all come from ``rng``, in that order,
    so generators seeded alike give the same data and initial weights whatever
    the cell. Adam (eta = 0.01) with the settings of :data:`TRAINING` (batches of at
    most ``n_train``). The test set is evaluated after the last epoch only
    (``history.test_loss`` and ``test_accuracy`` hold one value): a pass over 500
    test sequences costs as much as 12 training batches, so evaluating it every
    epoch took a third of the time. ``test_every_epoch=True`` evaluates it after
    every epoch. Evaluating changes no weight and draws nothing from ``rng``: the
    trained model is the same either way. Returns (model, history, (x_test, y_test)).
    """
    check_rng(rng)
    n_train, n_test = check_count(n_train, "n_train"), check_count(n_test, "n_test")
    x, y = delayed_recall(n_train, delay, rng, noise=noise)
    test = delayed_recall(n_test, delay, rng, noise=noise)
    model = SequenceClassifier(len(recall_symbols()), H, 4, rng, cell=cell,
                               forget_bias=forget_bias)
    settings = TRAINING | {"batch_size": min(TRAINING["batch_size"], n_train)}
    during = {"X_test": test[0], "y_test": test[1]} if test_every_epoch else {}
    history = training.train(model, x, y, epochs=epochs, rng=rng, optimizer=optim.Adam(0.01),
                             callback=callback, **during, **settings)
    if not test_every_epoch and not history.message:  # one evaluation, after the last epoch
        test_loss, test_accuracy = model.evaluate(*test)
        history.test_loss.append(test_loss)
        history.test_accuracy.append(test_accuracy)
    return model, history, test
