r"""Explorers of notebook 03: optimisers racing on a surface, and overfitting with its remedies."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from .. import datasets, optim, plotting, surfaces
from ..mlp import MLP
from ..training import EarlyStopping, History, Trainer
from ..widgets import LiveFigure, LivePanel, dropdown, slider

__all__ = ["OverfittingLab", "TrajectoryLab", "overfitting_lab", "trajectory_lab"]

COLORS = plotting.COLORS


class Run(NamedTuple):
    r"""One training run of the overfitting lab: its data, model, history, weights per epoch."""

    X: np.ndarray
    y: np.ndarray
    model: MLP
    history: History
    snapshots: list  # the parameters after each epoch


class _Training(NamedTuple):
    r"""A run in progress: its trainer goes on where it stopped when more epochs are asked."""

    X: np.ndarray
    y: np.ndarray
    model: MLP
    trainer: Trainer
    snapshots: list


def _first_epochs(history: History, epochs: int) -> History:
    r"""The record of the first ``epochs`` epochs of ``history``."""
    keep = {name: getattr(history, name)[:epochs] for name in (
        "train_loss", "test_loss", "train_accuracy", "test_accuracy", "batch_loss",
        "gradient_norm")}
    return History(**keep, message=history.message if epochs >= history.epochs else None)


class TrajectoryLab:
    r"""Gradient descent, momentum and Nesterov racing from one start on one surface.

    Controls: surface, start point, learning rate eta, momentum mu, schedule,
    gradient noise sigma (a stand-in for mini-batches: smaller batches, more
    noise), number of steps. Left: contours of L with the three paths; right:
    L(w_t) - L(w*) per step on a log scale. Status: L(w) - L(w*) of each after
    the last step (or the step it diverged at), and on a quadratic of largest
    curvature kappa the stable learning rates: 2/kappa, momentum 2(1+mu)/kappa,
    Nesterov 2(1+mu)/((1+2mu)kappa).
    """

    def __init__(self, surface: str = "ill-conditioned quadratic", eta: float = 0.02,
                 mu: float = 0.8, seed: int = 0):
        self.seed = seed
        self.live = LiveFigure(ncols=2, figsize=(11, 4.0), slide_figsize=(12.2, 3.1),
                               gridspec_kw={"width_ratios": [1.15, 1.0]})
        self.ax_map, self.ax_loss = ax_map, ax_loss = self.live.axes
        self.surface_name = None  # the surface shown
        self.drawn = {}  # surface name -> its contours and minimum's star, once drawn
        self.paths, self.ends, self.curves = [], [], []
        for name in optim.METHODS:  # gradient descent, momentum, Nesterov
            color = COLORS[name]
            self.paths += ax_map.plot([], [], "-", color=color, linewidth=1.8, label=name)
            self.ends += ax_map.plot([], [], "o", color=color, markersize=7)
            self.curves += ax_loss.plot([], [], color=color, linewidth=1.8, label=name)
        (self.start_dot,) = ax_map.plot([], [], "s", color=COLORS["accent"], markersize=9,
                                        label="start")
        (star,) = ax_map.plot([], [], "*", color=COLORS["minimum"], markersize=16,
                              markeredgecolor="black", label="global minimum")  # legend only
        ax_loss.set(yscale="log", xlabel="step $t$",
                    ylabel="$\\mathcal{L}(w_t) - \\mathcal{L}(w^*)$",
                    title="distance in loss to the global minimum")
        ax_loss.grid(True, which="both", alpha=0.3)
        # one legend for both panels, beside them: the figure stays short enough for a slide
        legend = ax_loss.legend(handles=[*self.curves, self.start_dot, star],
                                loc="center left", bbox_to_anchor=(1.02, 0.5))
        self.live.animate(*self.paths, *self.ends, self.start_dot, *self.curves, legend)
        self.controls = {
            "surface": dropdown("surface", surfaces.SURFACES, surface),
            "x0": slider("start w₁", -2.0, 2.0, 0.1, -1.9, heavy=True),
            "y0": slider("start w₂", -1.5, 2.5, 0.1, 1.0, heavy=True),
            "eta": slider("learning rate η", -3, 0, 0.05, eta, heavy=True, log=True),
            "mu": slider("momentum μ", 0.0, 0.99, 0.01, mu, heavy=True),
            "schedule": dropdown("schedule", optim.SCHEDULES),
            "sigma": slider("gradient noise σ", 0.0, 5.0, 0.25, 0.0, heavy=True),
            "steps": slider("steps", 10, 500, 10, 200, heavy=True),
        }
        # every surface and its contours made once now, then shown or hidden: choosing one
        # later costs only drawing the figure
        self.surfaces = {name: make() for name, make in surfaces.SURFACES.items()}
        for name, made in self.surfaces.items():
            self._draw_surface(name, made)
        self.panel = LivePanel(self.controls, self.update, self.live,
                               title="Optimisers racing on a loss surface")
        self.panel.explorer = self

    def _draw_surface(self, name: str, s) -> None:
        r"""Show surface ``name``'s contours; each surface's are drawn once, then kept hidden."""
        for drawn in self.drawn.values():
            for artist in drawn:
                artist.set_visible(False)
        if name not in self.drawn:
            before = [*self.ax_map.collections, *self.ax_map.lines]
            plotting.plot_surface_contours(s, self.ax_map)
            self.drawn[name] = [a for a in (*self.ax_map.collections, *self.ax_map.lines)
                                if a not in before]  # the contours and the minimum's star
        for artist in self.drawn[name]:
            artist.set_visible(True)
        self.ax_map.set(xlim=s.xlim, ylim=s.ylim, title=s.name)
        self.live.invalidate()

    def update(self, surface, x0, y0, eta, mu, schedule, sigma, steps):
        r"""Race the three optimisers; a new surface starts from its own start point."""
        s = self.surfaces[surface]
        if surface != self.surface_name:
            if self.surface_name is not None:
                x0, y0 = s.start
                self.controls["x0"].value, self.controls["y0"].value = x0, y0
            self.surface_name = surface
            self._draw_surface(surface, s)
        best = float(s.loss(np.array(s.minimum)))
        start = (x0, y0)
        self.start_dot.set_data([x0], [y0])
        report = []
        for k, ((name, method), path, end, curve) in enumerate(
                zip(optim.METHODS.items(), self.paths, self.ends, self.curves, strict=True)):
            grad = surfaces.noisy_gradient(s.grad, sigma, np.random.default_rng([self.seed, k]))
            w = optim.trajectory(grad, start, method=method, eta=eta, mu=mu, steps=steps,
                                 schedule=optim.SCHEDULES[schedule])
            path.set_data(w[:, 0], w[:, 1])
            end.set_data(w[-1:, 0], w[-1:, 1])
            gap = np.maximum(s.loss(w) - best, 1e-12)
            curve.set_data(np.arange(len(w)), gap)
            if len(w) <= steps:
                n = len(w) - 1
                report.append(f"<b>{name}</b> diverged after {n} step{'s' * (n != 1)}: "
                              "try a smaller learning rate")
            else:
                report.append(f"<b>{name}</b> {gap[-1]:.2g}" if gap[-1] > 1e-12 else
                              f"<b>{name}</b> &lt; 1e-12")
        if self.ax_loss.get_xlim() != (0, steps):
            self.ax_loss.set(xlim=(0, steps), ylim=(1e-8, 1e3))
            self.live.invalidate()  # new tick labels
        text = f"ℒ(w) − ℒ(w*) after {steps} steps: " + " · ".join(report)
        if s.curvature is not None:  # the stable learning rates on a quadratic, curvature kappa
            kappa = s.curvature
            text += (f"<br>stable for η below {2 / kappa:.3g} = 2/κ (gradient descent), "
                     f"{2 * (1 + mu) / kappa:.3g} = 2(1+μ)/κ (momentum), "
                     f"{2 * (1 + mu) / ((1 + 2 * mu) * kappa):.3g} (Nesterov); "
                     f"κ = {kappa:g}")
        return text


def trajectory_lab(surface: str = "ill-conditioned quadratic", eta: float = 0.02,
                   mu: float = 0.8, seed: int = 0) -> LivePanel:
    r"""The panel of a :class:`TrajectoryLab`."""
    return TrajectoryLab(surface, eta, mu, seed).panel


class OverfittingLab:
    r"""Train a network on few noisy points and watch it overfit; try the lecture's remedies.

    Controls: width and depth of the network, epochs, dropout rate, L2 lambda,
    training-set size, early-stopping patience. Left: training and validation
    loss per epoch with the best epoch and the epoch where early stopping fires;
    middle and right: decision regions of the final and the early-stopped model.
    A new patience needs no new training: early stopping is replayed on the
    recorded validation losses and weights, by the same rule the trainer uses.
    """

    def __init__(self, seed: int = 0):
        self.seed = seed
        self.X_val, self.y_val = datasets.moons(200, np.random.default_rng(seed + 1), noise=0.3)
        self.live = LiveFigure(ncols=3, figsize=(13, 4.3), slide_figsize=(12.2, 3.1),
                               gridspec_kw={"width_ratios": [1.2, 1, 1]})
        self.ax_loss, ax_final, ax_early = self.live.axes
        lim = (-2.0, 2.0), (-1.5, 1.5)
        self.regions, self.dots = [], []
        for ax, title in ((ax_final, "final model"), (ax_early, "early-stopped model")):
            self.regions.append(plotting.plot_decision_regions(
                lambda p: np.full(len(p), 0.5), *lim, ax, resolution=80))
            self.dots.append(plotting.plot_data(np.zeros((0, 2)), np.zeros(0), ax, size=30))
            ax.set_title(title)
        ax_loss = self.ax_loss
        # as in notebook 03's figure: training dotted, validation solid
        (self.train_line,) = ax_loss.plot([], [], ":", color=COLORS["train"], linewidth=2.5,
                                          label="training loss")
        (self.val_line,) = ax_loss.plot([], [], color=COLORS["test"], linewidth=2.5,
                                        label="validation loss")
        (self.best_dot,) = ax_loss.plot([], [], "o", color=COLORS["accent"], markersize=9,
                                        label="best epoch")
        self.fired = ax_loss.axvline(0, color=COLORS["accent"], linewidth=1.5,
                                     label="early stopping fires")
        ax_loss.set(xlabel="epoch", ylabel="loss $\\mathcal{L}$", title="loss per epoch")
        ax_loss.grid(True, alpha=0.3)
        ax_loss.legend(loc="upper right", fontsize=11)
        # the loss axes change their limits with every run: drawn whole at each frame (its
        # y labels one decimal, so their width and the layout never change), over the
        # saved rest of the figure
        ax_loss.yaxis.set_major_formatter("{x:.1f}")
        ax_loss.set(xlim=(0, 400), ylim=(0, 1.0))
        self.live.animate(*self.regions, *self.dots[0], *self.dots[1], ax_loss)
        self.runs: dict[tuple, _Training] = {}  # settings -> their run, the latest last
        self.run: Run | None = None  # what the figure shows
        self.controls = {
            "width": slider("neurons per layer", 2, 64, 2, 32, heavy=True),
            "layers": slider("hidden layers", 1, 3, 1, 2, heavy=True),
            "epochs": slider("epochs", 50, 800, 50, 400, heavy=True),
            "dropout": slider("dropout rate", 0.0, 0.6, 0.05, 0.0, heavy=True),
            "l2": slider("L2 λ", 0.0, 0.05, 0.0025, 0.0, heavy=True, readout_format=".4f"),
            "n_train": slider("training points", 10, 200, 10, 30, heavy=True),
            "patience": slider("patience", 5, 200, 5, 50, heavy=True),
        }
        self.panel = LivePanel(self.controls, self.update, self.live,
                               title="Overfitting and its remedies")
        self.panel.explorer = self

    #: how many trained settings the lab keeps, so that going back to one is instant
    KEPT_RUNS = 8

    def _train(self, width, layers, epochs, dropout, l2, n_train):
        r"""Train (or reuse a run): data, model, history, the weights after each epoch.

        The runs of the last :data:`KEPT_RUNS` settings are kept, each with its trainer:
        fewer epochs replay the first ones of the record (training is the same epoch by
        epoch, whatever the total), more epochs go on from the last one; a new patience
        needs no training at all.
        """
        # rounded: a slider's steps give 0.0025 or 0.0025000000000000005 for one value
        key = (width, layers, round(dropout, 9), round(l2, 9), n_train)
        training = self.runs.pop(key, None)
        if training is None:
            X, y = datasets.moons(n_train, np.random.default_rng(self.seed), noise=0.3)
            model = MLP(2, [width] * layers, 1, activation="tanh",
                        rng=np.random.default_rng(self.seed), l2=l2, dropout=dropout)
            trainer = Trainer(model, X, y, eta=0.3, rng=np.random.default_rng(self.seed + 2),
                              X_test=self.X_val, y_test=self.y_val)
            training = _Training(X, y, model, trainer, [])
        self.runs[key] = training  # the most recent last
        while len(self.runs) > self.KEPT_RUNS:
            del self.runs[next(iter(self.runs))]
        X, y, model, trainer, snapshots = training
        if snapshots and len(snapshots) < epochs:  # drawing left other weights in the model
            model.set_params(snapshots[-1])
        while len(snapshots) < epochs and trainer.history.message is None:
            if not trainer.run_epoch():
                break
            snapshots.append(model.copy_params())
        self.run = Run(X, y, model, _first_epochs(trainer.history, epochs), snapshots[:epochs])
        return self.run

    def update(self, width, layers, epochs, dropout, l2, n_train, patience):
        r"""Train if needed, replay early stopping with ``patience``, draw both models."""
        X, y, model, h, snapshots = self._train(width, layers, epochs, dropout, l2, n_train)
        if not snapshots:
            raise ValueError(h.message or "no epoch was trained")
        stopper, firing = EarlyStopping(patience), None  # replayed on the record
        for epoch, val in enumerate(h.test_loss, start=1):
            if stopper.update(epoch, val, snapshots[epoch - 1]):
                firing = epoch
                break
        best_epoch, best_loss = stopper.best_epoch, stopper.best_loss  # the dot: lowest so far
        # the early-stopped model: the best epoch's weights, or the final ones if it never fired
        stop_epoch, stop_loss, best_params = ((best_epoch, best_loss, stopper.best_params)
                                              if firing else
                                              (h.epochs, h.test_loss[-1], snapshots[-1]))
        e = np.arange(1, h.epochs + 1)
        self.train_line.set_data(e, h.train_loss)
        self.val_line.set_data(e, h.test_loss)
        self.best_dot.set_data([best_epoch], [best_loss])
        self.fired.set_xdata([firing or np.nan] * 2)
        top = min(max(h.test_loss + h.train_loss) * 1.1, 3.0)
        self.ax_loss.set(xlim=(0, epochs), ylim=(0, top))
        for image, dot, params in ((self.regions[0], self.dots[0], snapshots[-1]),
                                   (self.regions[1], self.dots[1], best_params)):
            model.set_params(params)
            plotting.update_decision_regions(image, model.predict_proba)
            plotting.update_data(dot, X, y)
        model.set_params(best_params)
        early_acc = model.accuracy(self.X_val, self.y_val)
        text = (f"final (epoch {h.epochs}): validation loss {h.test_loss[-1]:.3f}, accuracy "
                f"{h.test_accuracy[-1]:.0%} · early-stopped (epoch {stop_epoch}): validation "
                f"loss {stop_loss:.3f}, accuracy {early_acc:.0%}")
        text += (f" · early stopping fires at epoch {firing}" if firing else
                 f" · early stopping (patience {patience}) never fires")
        return text + (f" · {h.message}" if h.message else "")


def overfitting_lab(seed: int = 0) -> LivePanel:
    r"""The panel of an :class:`OverfittingLab`."""
    return OverfittingLab(seed).panel
