r"""Explorer of unsupervised learning: a self-organising map unfolding over 2-D data.

:class:`SOMExplorer` trains a Kohonen map (:func:`course_lib.som.train_som`) and
replays it epoch by epoch: left, the units' weights w_j drawn in the data plane,
grid neighbours joined by lines, over the (unlabelled) data; middle and right,
the quantisation error and the topographic error of every epoch, the shown epoch
marked. A new setting retrains (a fraction of a second; runs are kept, so going
back is instant); Play only redraws the stored snapshots.
"""

from __future__ import annotations

from collections import OrderedDict

import ipywidgets as widgets
import numpy as np
from matplotlib.collections import LineCollection
from matplotlib.ticker import MaxNLocator

from .. import datasets, plotting, som
from ..widgets import LiveFigure, LivePanel, dropdown, play_control, slider

__all__ = ["GRIDS", "SOM_DATA", "SOMExplorer", "som_data", "som_explorer"]

COLORS = plotting.COLORS
#: the data sets of the explorer (no labels are used)
SOM_DATA = ("uniform square", "ring", "moons", "circles")
#: grid sizes (rows, cols) by name
GRIDS = {"5 x 5": (5, 5), "10 x 10": (10, 10), "15 x 15": (15, 15), "1 x 30 (a chain)": (1, 30)}
N_POINTS = 200
#: the data plane shown: every data set of SOM_DATA fits in it
PLANE = ((-1.8, 1.8), (-1.3, 1.3))
ETA_END, SIGMA_END = 0.01, 0.5  # where eta and sigma end (they decay exponentially to these)
CACHE = 24  # trained runs kept, so that going back to a setting is instant


def som_data(name: str, n: int, rng: np.random.Generator) -> np.ndarray:
    r"""2-D points of one of :data:`SOM_DATA`, shape (n, 2), from ``rng`` (labels dropped)."""
    if name == "uniform square":
        return rng.uniform(-1.0, 1.0, size=(n, 2))
    if name == "ring":  # the outer ring of datasets.circles alone
        X, y = datasets.circles(2 * n, rng, noise=0.04)
        return X[y == 0][:n]
    if name == "moons":
        return datasets.moons(n, rng, noise=0.06)[0]
    if name == "circles":
        return datasets.circles(n, rng, noise=0.04)[0]
    raise ValueError(f"unknown data set {name!r}; choose one of: {', '.join(SOM_DATA)}")


def grid_segments(W, rows: int, cols: int) -> np.ndarray:
    r"""The lines joining grid neighbours (along rows and columns), shape (n_lines, 2, 2)."""
    units = np.asarray(W)[:, :2].reshape(rows, cols, 2)
    along_rows = np.stack([units[:, :-1], units[:, 1:]], axis=2).reshape(-1, 2, 2)
    along_cols = np.stack([units[:-1, :], units[1:, :]], axis=2).reshape(-1, 2, 2)
    return np.concatenate([along_rows, along_cols])


class SOMExplorer:
    r"""Train a self-organising map on 2-D data and replay it unfolding, epoch by epoch.

    c = argmin_j ||x - w_j||,  w_j <- w_j + eta h_jc (x - w_j),  h_jc = exp(-d(j,c)^2 / (2 sigma^2))
    Controls: data set, grid, the starting eta_0 and sigma_0 (they decay exponentially to
    0.01 and 0.5), epochs, and the epoch shown (Play replays the stored weights).
    The initial weights (uniform over the data's box) and the sample order come
    from generators seeded with ``seed``: each setting replays the same way.

    Left: the units w_j in the data plane, grid neighbours joined by lines; right:
    the quantisation error (in the data's units) and the topographic error (a
    fraction) per epoch on one axis, the shown epoch marked. The plane's limits
    fit every data set, so only a new number of epochs redraws the whole figure;
    everything else is redrawn over a saved background.
    """

    def __init__(self, dataset: str = "uniform square", grid: str = "10 x 10", eta: float = 0.5,
                 sigma: float = 3.0, epochs: int = 20, seed: int = 0):
        if dataset not in SOM_DATA:
            raise ValueError(f"unknown data set {dataset!r}; choose one of: {', '.join(SOM_DATA)}")
        if grid not in GRIDS:
            raise ValueError(f"unknown grid {grid!r}; choose one of: {', '.join(GRIDS)}")
        self.seed = seed
        self.runs: OrderedDict = OrderedDict()  # settings -> (X, SOM, SOMHistory)
        self.key, self.run = None, None  # the settings on show and their run
        self.epochs_shown = None  # the x range of the error plot (a new one: a full redraw)
        self.live = LiveFigure(ncols=2, figsize=(11, 4.0), slide_figsize=(12.2, 3.3),
                               gridspec_kw={"width_ratios": [1.0, 1.45]})
        self.ax_map, self.ax_err = ax, ax_err = self.live.axes
        self.data = ax.scatter(np.zeros(0), np.zeros(0), s=12, color=COLORS["neutral"],
                               alpha=0.7, zorder=1, label="data $x$")
        self.lines = LineCollection([], colors=COLORS["forward"], linewidths=1.3, zorder=2,
                                    label="grid neighbours")
        ax.add_collection(self.lines)
        (self.units,) = ax.plot([], [], "o", color=COLORS["accent"], markersize=4.5,
                                markeredgecolor=COLORS["forward"], markeredgewidth=0.6,
                                zorder=3, label="units $w_j$")
        ax.set(xlabel="$x_1$", ylabel="$x_2$", xlim=PLANE[0], ylim=PLANE[1], aspect="equal")
        self.map_title = ax.set_title(" ")
        (self.qe_line,) = ax_err.plot([], [], "o-", color=COLORS["errors"], markersize=3.5,
                                      linewidth=2,
                                      label="quantisation error: mean $\\|x - w_c\\|$")
        (self.te_line,) = ax_err.plot([], [], "s--", color=COLORS["test"], markersize=3.5,
                                      linewidth=2,
                                      label="topographic error: fraction of $x$ with $c_2$ "
                                            "not beside $c$")
        (self.dots,) = ax_err.plot([], [], "o", color=COLORS["accent"], markersize=9, zorder=3)
        self.mark = ax_err.axvline(0, color=COLORS["accent"], linewidth=2, label="shown epoch")
        ax_err.set(xlabel="epoch", ylabel="error", ylim=(0, 1.0))
        # epochs in steps of 1, 2, 5 or 10 (0, 5, 10, 15, ...), as a reader counts them
        ax_err.xaxis.set_major_locator(MaxNLocator(integer=True, steps=[1, 2, 5, 10]))
        ax_err.grid(True, alpha=0.3)
        # above the curves, in place of a title: it never hides them
        ax_err.legend(handles=[self.qe_line, self.te_line, self.mark], loc="lower left",
                      bbox_to_anchor=(0.0, 1.0), ncol=2, fontsize=10, frameon=False,
                      borderaxespad=0.2, handlelength=2.2, columnspacing=1.0)
        # what changes with a setting or an epoch is drawn over a saved background
        self.live.animate(self.data, self.lines, self.units, self.map_title, self.qe_line,
                          self.te_line, self.dots, self.mark)
        play_box, self.epoch_slider = play_control("show epoch", max=epochs, value=epochs,
                                                   interval_ms=100)
        self.epoch_slider.layout.width = "300px"
        self.controls = {
            "dataset": dropdown("data", SOM_DATA, dataset),
            "grid": dropdown("grid", GRIDS, grid),
            "eta": slider("η₀", 0.05, 1.0, 0.05, eta, heavy=True),
            "sigma": slider("σ₀", 0.5, 10.0, 0.5, sigma, heavy=True),
            "epochs": slider("epochs", 1, 60, 1, epochs, heavy=True),
            "epoch": self.epoch_slider,
        }
        for name, width in (("dataset", "210px"), ("grid", "200px"), ("eta", "230px"),
                            ("sigma", "230px"), ("epochs", "250px")):
            self.controls[name].layout.width = width
        settings = widgets.Box([self.controls[name] for name in ("dataset", "grid", "eta",
                                                                 "sigma", "epochs")],
                               layout=widgets.Layout(flex_flow="row wrap", align_items="center"))
        self.play_box = widgets.HBox(list(play_box.children))
        self.play_box.play = play_box.play
        self.panel = LivePanel(self.controls, self.update, self.live,
                               extra=[settings, self.play_box],
                               title=None if plotting.PROJECTOR else "Self-organising map")
        self.panel.explorer = self

    # --- training ----------------------------------------------------------------------------
    def _train(self, dataset, grid, eta, sigma, epochs):
        r"""The run of these settings: trained now, or taken from the runs kept."""
        key = (dataset, grid, round(eta, 6), round(sigma, 6), epochs)
        if key in self.runs:
            self.runs.move_to_end(key)
            return key, self.runs[key]
        X = som_data(dataset, N_POINTS, np.random.default_rng(self.seed))
        rows, cols = GRIDS[grid]
        trained = som.train_som(X, rows, cols, epochs, np.random.default_rng(self.seed + 1),
                                eta=(eta, min(ETA_END, eta)), sigma=(sigma, min(SIGMA_END, sigma)))
        self.runs[key] = (X, *trained)
        while len(self.runs) > CACHE:
            self.runs.popitem(last=False)
        return key, self.runs[key]

    def _show_run(self, run) -> None:
        r"""Draw what belongs to a run and not to one epoch: the data and the error curves."""
        X, _, history = run
        self.data.set_offsets(X)
        E = history.epochs
        epochs = np.arange(E + 1)
        self.qe_line.set_data(epochs, history.quantisation_error)
        self.te_line.set_data(epochs, history.topographic_error)
        top = max(1.0, 1.05 * float(np.nanmax(history.quantisation_error)))
        # the x axis spans the epochs rounded up to 10, 25, 40 or 60: a step of the epochs
        # slider mostly keeps the view, and only the curves are drawn again
        span = next(n for n in (10, 25, 40, 60, E) if n >= E)
        if span != self.epochs_shown or self.ax_err.get_ylim()[1] != top:
            self.epochs_shown = span  # new ticks: draw everything once
            self.ax_err.set(xlim=(-0.03 * span, 1.04 * span), ylim=(0, top))  # room for the marks
            self.live.invalidate()
        self.epoch_slider.max = E
        self.play_box.play.max = E

    def update(self, dataset, grid, eta, sigma, epochs, epoch):
        r"""Retrain when a setting changes (then show the last epoch); draw the chosen epoch."""
        key, run = self._train(dataset, grid, eta, sigma, epochs)
        if key != self.key:
            self.key, self.run = key, run
            self._show_run(run)
            epoch = run[2].epochs
            self.epoch_slider.value = epoch
        X, model, h = self.run
        epoch = min(epoch, h.epochs)
        rows, cols = model.rows, model.cols
        W = h.weights[epoch]
        self.lines.set_segments(grid_segments(W, rows, cols))
        self.units.set_data(W[:, 0], W[:, 1])
        qe, te = h.quantisation_error[epoch], h.topographic_error[epoch]
        self.dots.set_data([epoch, epoch], [qe, te])
        self.mark.set_xdata([epoch, epoch])
        if epoch == 0:
            self.map_title.set_text(f"{rows} x {cols} map: initial weights (random)")
        else:
            self.map_title.set_text(f"epoch {epoch}: η = {h.eta[epoch - 1]:.2f}, "
                                    f"σ = {h.sigma[epoch - 1]:.2f}")
        text = (f"epoch {epoch} of {h.epochs}: quantisation error {qe:.3f}, topographic "
                f"error {te:.0%}")
        if epoch == h.epochs:
            text += self._advice(rows, sigma, h.topographic_error[-1])
        return text

    @staticmethod
    def _advice(rows, sigma, final_te) -> str:
        if rows == 1:
            return ("<br>A chain (a 1-D map) on 2-D data snakes through them; where it folds "
                    "back, the best and second-best units are not neighbours.")
        if sigma < 1.5 and final_te > 0.1:
            return ("<br>σ₀ is small: each unit learns almost alone and the map stays twisted. "
                    "Start with a wider neighbourhood (σ₀ about half the grid).")
        if final_te > 0.15:
            return ("<br>Where the data are thin (a ring, two moons) a 2-D sheet must fold: "
                    "neighbours on the grid land on different parts of the data.")
        return ""


def som_explorer(dataset: str = "uniform square", grid: str = "10 x 10", eta: float = 0.5,
                 sigma: float = 3.0, epochs: int = 20, seed: int = 0) -> LivePanel:
    r"""The panel of a :class:`SOMExplorer`."""
    return SOMExplorer(dataset, grid, eta, sigma, epochs, seed).panel
