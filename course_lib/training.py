r"""The training loop: mini-batch gradient descent with a record of every epoch.

Lecture, "Minimising the error": the optimisation plan
    1. decide the loss function,
    2. find dL/dw_ij for all i, j (backpropagation: ``MLP.loss_and_gradients``),
    3. update w_ij <- w_ij - eta dL/dw_ij.
One epoch visits every training sample once, in mini-batches of ``batch_size``
samples (1 = pure stochastic gradient descent, N = full-batch gradient descent).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from ._validate import check_count, check_positive, check_rng

__all__ = ["History", "Trainer", "sgd_step", "train"]


def sgd_step(params: dict, grads: dict, eta: float) -> None:
    r"""Gradient descent step, in place: w <- w - eta * dL/dw for every parameter."""
    for name, w in params.items():
        w -= eta * grads[name]


@dataclass
class History:
    r"""What happened in each epoch; ``message`` says why training stopped early, if it did."""

    train_loss: list[float] = field(default_factory=list)
    test_loss: list[float] = field(default_factory=list)
    train_accuracy: list[float] = field(default_factory=list)
    test_accuracy: list[float] = field(default_factory=list)
    message: str | None = None
    best_epoch: int | None = None  # epoch of the lowest test loss, with early stopping
    stopped_early_at: int | None = None

    @property
    def epochs(self) -> int:
        r"""Number of completed epochs."""
        return len(self.train_loss)


class Trainer:
    r"""Trains a model epoch by epoch, so a widget can pause and continue.

    Parameters
    ----------
    model : MLP (anything with loss_and_gradients, loss, accuracy, params)
    X, y : training data
    eta : float > 0, the learning rate
    batch_size : int, 1 <= batch_size <= N; None means N (full batch)
    rng : numpy.random.Generator, shuffles the samples every epoch
    X_test, y_test : optional held-out data, evaluated after every epoch
    update : optional callable(params, grads) replacing the plain step
        w <- w - eta dL/dw (for momentum and other optimisers, see ``optim``)
    patience : optional int >= 1, early stopping: stop when the test (validation)
        loss has not improved for ``patience`` epochs, and restore the weights of
        the best epoch (needs X_test, y_test)
    """

    def __init__(self, model, X, y, *, eta: float, rng: np.random.Generator,
                 batch_size: int | None = None, X_test=None, y_test=None,
                 update: Callable[[dict, dict], None] | None = None,
                 patience: int | None = None):
        self.model = model
        self.X = model.check_X(X)
        self.y = model.check_y(y, self.X.shape[0])
        self.n = self.X.shape[0]
        self.eta = check_positive(eta, "eta (learning rate)")
        batch_size = self.n if batch_size is None else batch_size
        batch_size = check_count(batch_size, "batch_size", minimum=-(2**62))
        if not 1 <= batch_size <= self.n:
            raise ValueError(f"batch_size must be between 1 and N = {self.n} (the training "
                             f"samples); got {batch_size}")
        self.batch_size = batch_size
        self.rng = check_rng(rng)
        if (X_test is None) != (y_test is None):
            raise ValueError("give both X_test and y_test, or neither")
        self.X_test = None if X_test is None else model.check_X(X_test)
        self.y_test = None if y_test is None else model.check_y(y_test, self.X_test.shape[0])
        self.update = update or (lambda params, grads: sgd_step(params, grads, self.eta))
        if patience is not None:
            patience = check_count(patience, "patience")
            if self.X_test is None:
                raise ValueError("early stopping (patience) watches the validation loss: "
                                 "give X_test and y_test")
        self.patience = patience
        self.best = None  # (test loss, epoch, weights)
        self.history = History()

    @property
    def stopped(self) -> bool:
        r"""True once training diverged or stopped early."""
        return self.history.message is not None

    def run_epoch(self) -> bool:
        r"""One pass over the training data in shuffled mini-batches. False if it diverged."""
        if self.stopped:
            return False
        epoch = self.history.epochs + 1
        order = self.rng.permutation(self.n)
        with np.errstate(over="ignore", invalid="ignore"):
            for start in range(0, self.n, self.batch_size):
                batch = order[start:start + self.batch_size]
                loss, grads = self.model.loss_and_gradients(self.X[batch], self.y[batch],
                                                            training=True)
                if not np.isfinite(loss) or not all(np.all(np.isfinite(g))
                                                    for g in grads.values()):
                    return self._diverged(epoch)
                self.update(self.model.params, grads)
            train_loss = self.model.loss(self.X, self.y)
            if not np.isfinite(train_loss):
                return self._diverged(epoch)
            h = self.history
            h.train_loss.append(train_loss)
            h.train_accuracy.append(self.model.accuracy(self.X, self.y))
            if self.X_test is not None:
                h.test_loss.append(self.model.loss(self.X_test, self.y_test))
                h.test_accuracy.append(self.model.accuracy(self.X_test, self.y_test))
        if self.patience is not None:
            return self._early_stopping(epoch)
        return True

    def _early_stopping(self, epoch: int) -> bool:
        h = self.history
        if self.best is None or h.test_loss[-1] < self.best[0]:
            self.best = (h.test_loss[-1], epoch, self.model.copy_params())
            h.best_epoch = epoch
        elif epoch - self.best[1] >= self.patience:
            self.model.set_params(self.best[2])
            h.stopped_early_at = epoch
            h.message = (f"early stopping at epoch {epoch}: the validation loss has not "
                         f"improved for {self.patience} epochs; the weights of epoch "
                         f"{self.best[1]} are restored")
            return False
        return True

    def _diverged(self, epoch: int) -> bool:
        self.history.message = (f"diverged at epoch {epoch}: the loss became NaN or infinite; "
                                "try a smaller learning rate")
        return False

    def run(self, epochs: int, callback: Callable[[int, History], None] | None = None) -> History:
        r"""Run up to ``epochs`` more epochs (fewer if training diverges); return the history."""
        for _ in range(check_count(epochs, "epochs")):
            if not self.run_epoch():
                break
            if callback is not None:
                callback(self.history.epochs, self.history)
        return self.history


def train(model, X, y, *, epochs: int, eta: float, rng: np.random.Generator,
          batch_size: int | None = None, X_test=None, y_test=None, update=None,
          patience: int | None = None, callback=None) -> History:
    r"""Train ``model`` for ``epochs`` epochs of mini-batch gradient descent (see Trainer)."""
    trainer = Trainer(model, X, y, eta=eta, rng=rng, batch_size=batch_size, X_test=X_test,
                      y_test=y_test, update=update, patience=patience)
    return trainer.run(epochs, callback)
