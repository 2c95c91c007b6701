r"""The training loop of every model in the course: mini-batches, a record of every epoch.

Lecture, "Minimising the error": the optimisation plan
    1. decide the loss function,
    2. find dL/dw_ij for all i, j (backpropagation: the model's ``loss_and_gradients``),
    3. update w_ij <- w_ij - eta dL/dw_ij (or another rule of :mod:`course_lib.optim`).
One epoch visits every training sample once, in mini-batches of ``batch_size``
samples (1 = pure stochastic gradient descent, N = full-batch gradient descent).

:class:`Trainer` trains an ``MLP``, a ``CNN`` or a ``SequenceClassifier`` alike
(anything with the interface of :class:`course_lib._model.Model`). Two optional
devices:
    gradient clipping   norm = ||all gradients together||; if norm > clip:
                        every dL/dw <- dL/dw * clip / norm   (exploding gradients, RNNs)
    early stopping      stop once the validation loss has not improved for
                        ``patience`` epochs, and go back to the best epoch's weights
                        (lecture, "Overfitting": remedies)

Comparing optimisers per second rather than per epoch needs wall times that a busy
machine does not distort: :func:`median_seconds` times one call many times,
:func:`timed_runs` trains each run several times, the runs taking turns, and keeps
the median of each epoch's time.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from . import optim
from ._validate import check_count, check_integer, check_rng

__all__ = ["EarlyStopping", "History", "TimedRun", "Trainer", "median_seconds", "timed_runs",
           "train"]


@dataclass
class History:
    r"""What happened in each epoch; ``message`` says why training stopped early, if it did.

    ``batch_loss`` is the mean of the epoch's mini-batch losses (each before its
    update), free to record; ``train_loss`` and ``train_accuracy`` are measured on
    the whole training set after the epoch (unless the trainer was told not to),
    ``test_*`` on the held-out data. ``batch_loss`` is the training objective (with
    an MLP's L2 penalty, and its dropout); ``train_loss`` the data loss alone.
    ``gradient_norm`` (with clipping) is the median over the epoch's mini-batches
    of the norm before clipping.
    """

    train_loss: list[float] = field(default_factory=list)
    test_loss: list[float] = field(default_factory=list)
    train_accuracy: list[float] = field(default_factory=list)
    test_accuracy: list[float] = field(default_factory=list)
    batch_loss: list[float] = field(default_factory=list)
    gradient_norm: list[float] = field(default_factory=list)
    message: str | None = None
    best_epoch: int | None = None  # epoch of the lowest validation loss, with early stopping
    stopped_early_at: int | None = None

    @property
    def epochs(self) -> int:
        r"""Number of completed epochs."""
        return len(self.batch_loss)


class EarlyStopping:
    r"""Watch the validation loss epoch by epoch; say when to stop, and keep the best weights.

    stop at epoch e  when  e - (epoch of the lowest validation loss so far) >= patience

    Attributes
    ----------
    best_loss, best_epoch : the lowest validation loss so far and its epoch
    best_params : a copy of the parameters at ``best_epoch``
    """

    def __init__(self, patience: int):
        self.patience = check_count(patience, "patience")
        self.best_loss = np.inf
        self.best_epoch: int | None = None
        self.best_params: dict[str, np.ndarray] | None = None

    def update(self, epoch: int, validation_loss: float, params: dict) -> bool:
        r"""Record one epoch's validation loss (and its weights if best); True means stop."""
        if self.best_epoch is None or validation_loss < self.best_loss:
            self.best_loss, self.best_epoch = validation_loss, epoch
            self.best_params = {k: v.copy() for k, v in params.items()}
            return False
        return epoch - self.best_epoch >= self.patience


class Trainer:
    r"""Trains a model epoch by epoch, so a widget can pause and continue.

    Parameters
    ----------
    model : MLP, CNN or SequenceClassifier (see :class:`course_lib._model.Model`)
    X, y : training data
    rng : numpy.random.Generator, shuffles the samples every epoch
    eta : float > 0, the learning rate of plain gradient descent: short for
        ``optimizer=optim.SGD(eta)``
    optimizer : instead of eta, an optimiser of :mod:`course_lib.optim` that holds its
        own learning rate, e.g. ``optim.Momentum(0.1, 0.9)`` or ``optim.Adam(0.01)``
    batch_size : int, 1 <= batch_size <= N; None means N (full batch)
    X_test, y_test : optional held-out data, evaluated after every epoch
    clip : optional float > 0, gradient clipping: scale all gradients together
        down to this norm when they are longer
    patience : optional int >= 1, early stopping: stop when the validation loss
        (on X_test, y_test) has not improved for ``patience`` epochs, and restore
        the weights of the best epoch
    evaluate_training : after every epoch, measure loss and accuracy on the whole
        training set (one more forward pass); False records ``batch_loss`` only

    Attributes
    ----------
    history : History; optimizer : the optimiser in use (``optimizer.eta_0`` is its rate);
    early_stopping : EarlyStopping or None
    """

    def __init__(self, model, X, y, *, rng: np.random.Generator, eta: float | None = None,
                 optimizer: Callable[[dict, dict], None] | None = None,
                 batch_size: int | None = None, X_test=None, y_test=None,
                 clip: float | None = None, patience: int | None = None,
                 evaluate_training: bool = True):
        self.model = model
        self.X, self.y = model.check_data(X, y)
        self.n = self.X.shape[0]
        if self.n == 0:
            raise ValueError(f"no training samples: X has shape {self.X.shape}; give at least one")
        self.optimizer = _optimizer(eta, optimizer)
        batch_size = self.n if batch_size is None else check_integer(batch_size, "batch_size")
        if not 1 <= batch_size <= self.n:
            raise ValueError(f"batch_size must be between 1 and N = {self.n} (the training "
                             f"samples); got {batch_size}")
        self.batch_size = batch_size
        self.rng = check_rng(rng)
        if (X_test is None) != (y_test is None):
            raise ValueError("give both X_test and y_test, or neither")
        self.test = None if X_test is None else model.check_data(X_test, y_test)
        if self.test is not None and len(self.test[0]) == 0:
            raise ValueError(f"no test samples: X_test has shape {self.test[0].shape}; give at "
                             "least one, or no X_test and y_test at all")
        self.clip = None if clip is None else optim.check_clip(clip)
        if patience is not None and self.test is None:
            raise ValueError("early stopping (patience) watches the validation loss: "
                             "give X_test and y_test")
        self.early_stopping = None if patience is None else EarlyStopping(patience)
        self.evaluate_training = bool(evaluate_training)
        self.history = History()

    @property
    def eta(self) -> float:
        r"""The learning rate of the next update, read from the optimiser (where it lives)."""
        return self.optimizer.eta

    @property
    def stopped(self) -> bool:
        r"""True once training diverged or stopped early."""
        return self.history.message is not None

    def run_epoch(self) -> bool:
        r"""One pass over the training data in shuffled mini-batches. False if it stopped."""
        if self.stopped:
            return False
        epoch = self.history.epochs + 1
        order = self.rng.permutation(self.n)
        batch_losses, norms = [], []
        with np.errstate(over="ignore", invalid="ignore"):
            for start in range(0, self.n, self.batch_size):
                batch = order[start:start + self.batch_size]
                loss, grads = self.model.loss_and_gradients(self.X[batch], self.y[batch],
                                                            training=True)
                if self.clip is not None:  # an infinite or NaN norm: some gradient is not
                    # finite (or so huge, beyond 1e154, that its square overflows: diverged too)
                    norms.append(optim.clip_gradients(grads, self.clip))
                    finite = np.isfinite(norms[-1])
                else:
                    finite = all(np.isfinite(g).all() for g in grads.values())
                if not (finite and np.isfinite(loss)):
                    return self._diverged(epoch)
                self.optimizer(self.model.params, grads)
                batch_losses.append(loss * len(batch))
            h = self.history
            if self.evaluate_training:
                train_loss, train_accuracy = self.model.evaluate(self.X, self.y)
                if not np.isfinite(train_loss):
                    return self._diverged(epoch)
                h.train_loss.append(train_loss)
                h.train_accuracy.append(train_accuracy)
            h.batch_loss.append(sum(batch_losses) / self.n)
            if norms:
                h.gradient_norm.append(float(np.median(norms)))
            if self.test is not None:
                test_loss, test_accuracy = self.model.evaluate(*self.test)
                h.test_loss.append(test_loss)
                h.test_accuracy.append(test_accuracy)
        if self.early_stopping is not None:
            return self._early_stopping(epoch)
        return True

    def _early_stopping(self, epoch: int) -> bool:
        stopper, h = self.early_stopping, self.history
        stop = stopper.update(epoch, h.test_loss[-1], self.model.params)
        h.best_epoch = stopper.best_epoch
        if stop:
            self.model.set_params(stopper.best_params)
            h.stopped_early_at = epoch
            h.message = (f"early stopping at epoch {epoch}: the validation loss has not "
                         f"improved for {stopper.patience} epochs; the weights of epoch "
                         f"{stopper.best_epoch} are restored")
        return not stop

    def _diverged(self, epoch: int) -> bool:
        self.history.message = (f"diverged at epoch {epoch}: the loss became NaN or infinite; "
                                "try a smaller learning rate")
        return False

    def run(self, epochs: int, callback: Callable[[int, History], None] | None = None) -> History:
        r"""Run up to ``epochs`` more epochs (fewer if training stops); return the history.

        ``callback(epoch, history)`` is called after every epoch (e.g. a progress bar).
        """
        for _ in range(check_count(epochs, "epochs")):
            if not self.run_epoch():
                break
            if callback is not None:
                callback(self.history.epochs, self.history)
        return self.history


def _optimizer(eta, optimizer):
    if eta is not None and optimizer is not None:
        raise ValueError("give the learning rate once: eta=... for plain gradient descent, or "
                         "an optimizer that holds its own, e.g. optimizer=optim.Momentum(0.1, "
                         "0.9)")
    if optimizer is None:
        if eta is None:
            raise TypeError("give a learning rate: eta=0.1 (plain gradient descent) or an "
                            "optimizer, e.g. optimizer=optim.Momentum(0.1, 0.9)")
        return optim.SGD(eta)
    if isinstance(optimizer, type):
        raise TypeError(f"optimizer must be an optimiser, not its class: e.g. "
                        f"{optimizer.__name__}(0.01), with the learning rate in brackets")
    if not callable(optimizer) or not hasattr(optimizer, "eta"):
        raise TypeError(f"optimizer must be an optimiser of course_lib.optim, e.g. "
                        f"optim.Adam(0.01) or optim.Momentum(0.1, 0.9); got {optimizer!r}")
    return optimizer


def train(model, X, y, *, epochs: int, callback: Callable[[int, History], None] | None = None,
          **settings) -> History:
    r"""Train ``model`` for ``epochs`` epochs; ``settings`` are those of :class:`Trainer`.

    e.g. ``train(model, X, y, epochs=100, eta=0.5, rng=numpy.random.default_rng(0))``
    """
    return Trainer(model, X, y, **settings).run(epochs, callback)


def median_seconds(f: Callable[[], object], repeats: int = 100) -> float:
    r"""The median wall time of one call ``f()``, in seconds, over ``repeats`` calls.

    seconds = median_k (t_end,k - t_start,k),  k = 1, ..., repeats  (time.perf_counter)
    The median, not the mean: a call that the machine interrupted (another
    process, the garbage collector) does not move it.
    """
    if not callable(f):
        raise TypeError(f"f must be a function of no arguments, e.g. lambda: model.loss(X, y); "
                        f"got {type(f).__name__}")
    seconds = []
    for _ in range(check_count(repeats, "repeats")):
        start = time.perf_counter()
        f()
        seconds.append(time.perf_counter() - start)
    return float(np.median(seconds))


@dataclass
class TimedRun:
    r"""One run of :func:`timed_runs`: its first repeat's trainer and the median epoch times.

    ``trainer`` holds the history, the trained model and the optimiser (every
    repeat computed the same numbers); ``seconds[e]``, shape ``(epochs,)``, is the
    median over the repeats of the wall time from the start to the end of epoch e + 1.
    """

    trainer: Trainer
    seconds: np.ndarray

    @property
    def history(self) -> History:
        r"""The history of the run (the same in every repeat)."""
        return self.trainer.history


def timed_runs(make_trainers: dict, epochs: int, repeats: int = 5) -> dict:
    r"""Train each run ``repeats`` times, the runs taking turns; keep the median time per epoch.

    seconds[e] = median over the repeats of (time at the end of epoch e + 1 - time at the start)

    Parameters
    ----------
    make_trainers : dict name -> function of no arguments that builds a fresh
        :class:`Trainer` (a new model, optimiser and rng each call), so that
        every repeat computes the same numbers
    epochs : int >= 1, epochs per run
    repeats : int >= 1; the repeats go round the runs in turn (run 1, run 2, ...,
        run 1, run 2, ...), so a slow moment of the machine falls on all alike

    Returns
    -------
    dict name -> :class:`TimedRun`, in the order of ``make_trainers``
    """
    if not isinstance(make_trainers, dict) or not make_trainers:
        raise TypeError("make_trainers must be a non-empty dict name -> function that builds a "
                        "fresh Trainer, e.g. {'SGD': lambda: Trainer(model(), X, y, eta=0.1, "
                        "rng=numpy.random.default_rng(0))}")
    for name, make in make_trainers.items():
        if not callable(make):
            raise TypeError(f"make_trainers[{name!r}] must be a function of no arguments that "
                            f"builds a Trainer; got {type(make).__name__}")
    epochs, repeats = check_count(epochs, "epochs"), check_count(repeats, "repeats")
    first, clocks = {}, {name: [] for name in make_trainers}
    for _ in range(repeats):
        for name, make in make_trainers.items():
            trainer = make()
            if not isinstance(trainer, Trainer):
                raise TypeError(f"make_trainers[{name!r}]() must return a Trainer; got "
                                f"{type(trainer).__name__}")
            seconds, start = [], time.perf_counter()

            def clock(epoch, history, seconds=seconds, start=start):
                seconds.append(time.perf_counter() - start)

            trainer.run(epochs, clock)
            if name not in first:
                first[name] = trainer
            elif trainer is first[name] or trainer.history != first[name].history:
                raise ValueError(f"the repeats of run {name!r} computed different numbers: its "
                                 "function must build a new model, optimiser and rng every "
                                 "call, e.g. lambda: Trainer(MLP(..., rng=default_rng(1)), X, "
                                 "y, eta=0.1, rng=default_rng(2))")
            clocks[name].append(seconds)
    return {name: TimedRun(first[name], np.median(np.array(clocks[name]), axis=0))
            for name in make_trainers}
