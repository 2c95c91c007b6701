r"""Explorers of notebook 03: optimisers racing on a surface, and overfitting with its remedies."""

from __future__ import annotations

import numpy as np

from .. import datasets, optim, plotting, surfaces
from ..mlp import MLP
from ..training import Trainer
from ..widgets import LiveFigure, LivePanel, dropdown, slider

__all__ = ["overfitting_lab", "trajectory_lab"]

RACERS = (("gradient descent", "gd", "#000000"), ("momentum", "momentum", "#D55E00"),
          ("Nesterov", "nesterov", "#009E73"))


def trajectory_lab(surface: str = "ill-conditioned quadratic", eta: float = 0.02,
                   mu: float = 0.8, seed: int = 0) -> LivePanel:
    r"""Gradient descent, momentum and Nesterov racing from one start on one surface.

    Controls: surface, start point, learning rate eta, momentum mu, schedule,
    gradient noise sigma (a stand-in for mini-batches: smaller batches, more
    noise), number of steps. Left: contours of L with the three paths; right:
    L(w_t) - L(w*) per step on a log scale.
    """
    live = LiveFigure(ncols=2, figsize=(11, 4.4), gridspec_kw={"width_ratios": [1.15, 1.0]})
    ax_map, ax_loss = live.axes
    state = {"surface": None}
    paths, ends, curves = [], [], []
    for name, _, color in RACERS:
        (path,) = ax_map.plot([], [], "-", color=color, linewidth=1.8, label=name)
        (end,) = ax_map.plot([], [], "o", color=color, markersize=7)
        (curve,) = ax_loss.plot([], [], color=color, linewidth=1.8, label=name)
        paths.append(path)
        ends.append(end)
        curves.append(curve)
    (start_dot,) = ax_map.plot([], [], "s", color="#CC79A7", markersize=9, label="start")
    ax_map.plot([], [], "*", color="#E69F00", markersize=16, markeredgecolor="black",
                label="global minimum")  # legend entry for the star of each surface
    ax_map.legend(loc="upper center", bbox_to_anchor=(0.5, -0.13), ncol=3, fontsize=9)
    ax_loss.set(yscale="log", xlabel="step $t$", ylabel="$\\mathcal{L}(w_t) - \\mathcal{L}(w^*)$",
                title="distance in loss to the global minimum")
    ax_loss.grid(True, which="both", alpha=0.3)
    legend = ax_loss.legend(loc="lower left", fontsize=9)
    live.animate(*paths, *ends, start_dot, *curves, legend)

    def draw_surface(s):
        for artist in [*ax_map.collections, *state.get("star", [])]:
            artist.remove()
        plotting.plot_surface_contours(s, ax_map)
        state["star"] = ax_map.lines[-1:]  # the minimum's star, drawn by plot_surface_contours
        live.invalidate()

    def update(surface, x0, y0, eta, mu, schedule, sigma, steps):
        s = surfaces.SURFACES[surface]()
        if surface != state["surface"]:
            if state["surface"] is not None:  # a new surface starts from its own start point
                x0, y0 = s.start
                panel.controls["x0"].value, panel.controls["y0"].value = x0, y0
            state["surface"] = surface
            draw_surface(s)
        best = float(s.loss(np.array(s.minimum)))
        start = (x0, y0)
        start_dot.set_data([x0], [y0])
        report = []
        for k, ((name, method, _), path, end, curve) in enumerate(
                zip(RACERS, paths, ends, curves, strict=True)):
            grad = surfaces.noisy_gradient(s.grad, sigma, np.random.default_rng([seed, k]))
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
                loss_gap = f"{gap[-1]:.2g}" if gap[-1] > 1e-12 else "< 1e-12"
                report.append(f"<b>{name}</b>: ℒ - ℒ* = {loss_gap}, "
                              f"|w - w*| = {np.linalg.norm(w[-1] - s.minimum):.2g}")
        if ax_loss.get_xlim() != (0, steps):
            ax_loss.set(xlim=(0, steps), ylim=(1e-8, 1e3))
            live.invalidate()  # new tick labels
        note = ""
        if s.smoothness is not None:  # the stable learning rates on a quadratic of curvature C
            c = s.smoothness
            note = (f"<br>stable for η below: gradient descent 2/C = {2 / c:.3g}, momentum "
                    f"2(1+μ)/C = {2 * (1 + mu) / c:.3g}, Nesterov 2(1+μ)/((1+2μ)C) = "
                    f"{2 * (1 + mu) / ((1 + 2 * mu) * c):.3g} (C = {c:g}, the largest curvature)")
        return " · ".join(report) + note

    controls = {
        "surface": dropdown("surface", surfaces.SURFACES, surface),
        "x0": slider("start w₁", -2.0, 2.0, 0.1, -1.9, heavy=True),
        "y0": slider("start w₂", -1.5, 2.5, 0.1, 1.0, heavy=True),
        "eta": slider("learning rate η", -3, 0, 0.05, eta, heavy=True, log=True),
        "mu": slider("momentum μ", 0.0, 0.99, 0.01, mu, heavy=True),
        "schedule": dropdown("schedule", optim.SCHEDULES),
        "sigma": slider("gradient noise σ", 0.0, 5.0, 0.25, 0.0, heavy=True),
        "steps": slider("steps", 10, 500, 10, 200, heavy=True),
    }
    panel = LivePanel(controls, update, live, title="Optimisers racing on a loss surface")
    return panel


def overfitting_lab(seed: int = 0) -> LivePanel:
    r"""Train a network on few noisy points and watch it overfit; try the lecture's remedies.

    Controls: width and depth of the network, epochs, dropout rate, L2 lambda,
    training-set size, early-stopping patience. Left: training and validation
    loss per epoch with the best epoch and the epoch where early stopping fires;
    middle and right: decision regions of the final and the early-stopped model.
    """
    X_val, y_val = datasets.moons(200, np.random.default_rng(seed + 1), noise=0.3)
    live = LiveFigure(ncols=3, figsize=(13, 4.3), gridspec_kw={"width_ratios": [1.2, 1, 1]})
    ax_loss, ax_final, ax_early = live.axes
    lim = (-2.0, 2.0), (-1.5, 1.5)
    regions, dots = [], []
    for ax, title in ((ax_final, "final model"), (ax_early, "early-stopped model")):
        regions.append(plotting.plot_decision_regions(lambda p: np.full(len(p), 0.5), *lim, ax,
                                                      resolution=80))
        dots.append(plotting.plot_data(np.zeros((0, 2)), np.zeros(0), ax, size=30))
        ax.set_title(title)
    (train_line,) = ax_loss.plot([], [], color="black", linewidth=2, label="training loss")
    (val_line,) = ax_loss.plot([], [], "--", color="#999999", linewidth=2,
                               label="validation loss")
    best_dot = ax_loss.plot([], [], "o", color="#CC79A7", markersize=9, label="best epoch")[0]
    fired = ax_loss.axvline(0, color="#CC79A7", linewidth=1.5, label="early stopping fires")
    ax_loss.set(xlabel="epoch", ylabel="loss $\\mathcal{L}$", title="loss per epoch")
    ax_loss.grid(True, alpha=0.3)
    legend = ax_loss.legend(loc="upper right", fontsize=9)
    live.animate(*regions, *dots[0], *dots[1], train_line, val_line, best_dot, fired, legend)

    cache = {}

    def train_run(width, layers, epochs, dropout, l2, n_train):
        key = (width, layers, epochs, dropout, l2, n_train)
        if cache.get("key") != key:  # patience alone needs no new training
            X, y = datasets.moons(n_train, np.random.default_rng(seed), noise=0.3)
            model = MLP(2, [width] * layers, 1, activation="tanh",
                        rng=np.random.default_rng(seed), l2=l2, dropout=dropout)
            trainer = Trainer(model, X, y, eta=0.3, rng=np.random.default_rng(seed + 2),
                              X_test=X_val, y_test=y_val)
            snapshots = []
            while len(snapshots) < epochs and trainer.run_epoch():
                snapshots.append(model.copy_params())
            cache.update(key=key, run=(X, y, model, trainer.history, snapshots))
        return cache["run"]

    def update(width, layers, epochs, dropout, l2, n_train, patience):
        X, y, model, h, snapshots = train_run(width, layers, epochs, dropout, l2, n_train)
        if not snapshots:
            raise ValueError(h.message or "no epoch was trained")
        best, firing = (np.inf, 0, None), None  # early stopping, replayed on the record
        for epoch, val in enumerate(h.test_loss, start=1):
            if val < best[0]:
                best = (val, epoch, snapshots[epoch - 1])
            elif epoch - best[1] >= patience:
                firing = epoch
                break
        if firing is None:  # never fired: training ran to the end, like the final model
            best = (h.test_loss[-1], h.epochs, snapshots[-1])
        final_params = snapshots[-1]
        e = np.arange(1, h.epochs + 1)
        train_line.set_data(e, h.train_loss)
        val_line.set_data(e, h.test_loss)
        best_dot.set_data([best[1]], [best[0]])
        fired.set_xdata([firing or np.nan] * 2)
        top = min(max(h.test_loss + h.train_loss) * 1.1, 3.0)
        if ax_loss.get_xlim() != (0, epochs) or ax_loss.get_ylim()[1] != top:
            ax_loss.set(xlim=(0, epochs), ylim=(0, top))
            live.relayout()  # new tick labels may need more room
        for image, dot, params in ((regions[0], dots[0], final_params),
                                   (regions[1], dots[1], best[2])):
            model.set_params(params)
            plotting.update_decision_regions(image, model.predict_proba)
            plotting.update_data(dot, X, y)
        model.set_params(best[2])
        early_acc = model.accuracy(X_val, y_val)
        text = (f"final (epoch {h.epochs}): validation loss {h.test_loss[-1]:.3f}, accuracy "
                f"{h.test_accuracy[-1]:.0%} · early-stopped (epoch {best[1]}): validation "
                f"loss {best[0]:.3f}, accuracy {early_acc:.0%}")
        text += (f" · early stopping fires at epoch {firing}" if firing else
                 f" · early stopping (patience {patience}) never fires")
        return text + (f" · {h.message}" if h.message else "")

    controls = {
        "width": slider("neurons per layer", 2, 64, 2, 32, heavy=True),
        "layers": slider("hidden layers", 1, 3, 1, 2, heavy=True),
        "epochs": slider("epochs", 50, 800, 50, 400, heavy=True),
        "dropout": slider("dropout rate", 0.0, 0.6, 0.05, 0.0, heavy=True),
        "l2": slider("L2 λ", 0.0, 0.05, 0.0025, 0.0, heavy=True, readout_format=".4f"),
        "n_train": slider("training points", 10, 200, 10, 30, heavy=True),
        "patience": slider("patience", 5, 200, 5, 50, heavy=True),
    }
    return LivePanel(controls, update, live, title="Overfitting and its remedies")
