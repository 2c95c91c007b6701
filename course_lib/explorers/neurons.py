r"""Explorers for threshold units, activation functions and the perceptron."""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np
from matplotlib.ticker import MaxNLocator

from .. import activations, datasets, neurons, plotting
from ..widgets import LiveFigure, LivePanel, dropdown, play_control, slider

__all__ = ["ActivationExplorer", "PerceptronExplorer", "ThresholdUnitExplorer",
           "activation_explorer", "perceptron_explorer", "threshold_unit_explorer"]

NET_RANGE = (-5.0, 5.0)
ACCENT = plotting.COLORS["accent"]
KINKS = {"step": "0 is used", "relu": "0 is used", "leaky_relu": "alpha is used"}


class ActivationExplorer:
    r"""Pick an activation f and a point net_0: see f with its tangent, and f'.

    The tangent at net_0 has slope f'(net_0): what backpropagation multiplies by.
    ``ActivationExplorer().panel`` is the widget.
    """

    def __init__(self, name: str = "sigmoid"):
        self.live = LiveFigure(ncols=2, figsize=(11, 3.1))  # fits a 1280x720 slide
        self.ax_f, self.ax_d = self.live.axes
        self.net = np.linspace(*NET_RANGE, 801)
        (self.f_line,) = self.ax_f.plot([], [], color=plotting.COLORS["f"], linewidth=2.5,
                                        label="$f(net)$")
        (self.tangent,) = self.ax_f.plot([], [], "--", color=ACCENT,
                                         label="tangent, slope $f'(net_0)$")
        (self.f_dot,) = self.ax_f.plot([], [], "o", color=ACCENT, markersize=9)
        (self.d_line,) = self.ax_d.plot([], [], color=plotting.COLORS["f_prime"], linewidth=2.5,
                                        label="$f'(net)$")
        (self.d_dot,) = self.ax_d.plot([], [], "o", color=ACCENT, markersize=9)
        for ax, title in ((self.ax_f, "activation $f(net)$"), (self.ax_d, "derivative $f'(net)$")):
            ax.set_xlim(NET_RANGE)
            ax.set_xlabel("$net$")
            ax.axhline(0, color=plotting.COLORS["neutral"], linewidth=0.8)
            ax.axvline(0, color=plotting.COLORS["neutral"], linewidth=0.8)
            ax.grid(True, alpha=0.3)
            ax.set_title(title)
            ax.legend(loc="upper left")
        # the curves, tangent and points are drawn over the saved axes; a new function
        # whose range needs other limits draws everything again
        self.live.animate(self.f_line, self.tangent, self.f_dot, self.d_line, self.d_dot,
                          self.ax_f.get_legend(), self.ax_d.get_legend())  # legends on top
        self.limits = None
        self.controls = {
            "name": dropdown("activation f", activations.ACTIVATIONS, name),
            "net_0": slider("point net₀", -4.0, 4.0, 0.1, 0.5),
        }
        self.panel = LivePanel(self.controls, self.update, self.live,
                               title="Activation functions and their derivatives")
        self.panel.explorer = self

    def update(self, name, net_0):
        r"""Draw f and f' of ``name`` with the tangent at ``net_0``; returns the status text."""
        f, f_prime = activations.get_activation(name)
        y, dy = f(self.net), f_prime(self.net)
        self.f_line.set_data(self.net, y)
        self.d_line.set_data(self.net, dy)
        y0, slope = float(f(net_0)), float(f_prime(net_0))
        self.f_dot.set_data([net_0], [y0])
        self.d_dot.set_data([net_0], [slope])
        self.tangent.set_data(self.net, y0 + slope * (self.net - net_0))
        limits = ((min(-1.2, y.min() - 0.3), max(1.2, y.max() + 0.3)),
                  (-0.1, max(1.2, dy.max() + 0.2)))
        if limits != self.limits:
            self.limits = limits
            self.ax_f.set_ylim(limits[0])
            self.ax_d.set_ylim(limits[1])
            self.live.invalidate()
        text = f"{name}: f({net_0:.2f}) = {y0:.4f}, f'({net_0:.2f}) = {slope:.4f}"
        if name in KINKS and abs(net_0) < 1e-9:
            text += f" (f' is undefined at the kink net = 0; {KINKS[name]} there)"
        return text


def activation_explorer(name: str = "sigmoid") -> LivePanel:
    r"""The panel of an :class:`ActivationExplorer`."""
    return ActivationExplorer(name).panel


def _gate_name(outputs) -> str | None:
    for gate, table in datasets.GATES.items():
        if tuple(int(o) for o in outputs) == table:
            return gate
    names = {(0, 0, 1, 0): "x₁ AND NOT x₂", (0, 1, 0, 0): "NOT x₁ AND x₂",
             (0, 0, 0, 0): "constant 0", (1, 1, 1, 1): "constant 1",
             (1, 0, 1, 0): "NOT x₂", (1, 1, 0, 0): "NOT x₁", (0, 1, 0, 1): "x₂", (0, 0, 1, 1): "x₁"}
    return names.get(tuple(int(o) for o in outputs))


class ThresholdUnitExplorer:
    r"""A McCulloch-Pitts unit with hand-set w_1, w_2 and threshold theta.

    o = 1 if w_1 x_1 + w_2 x_2 >= theta: the plot shows the four inputs, the
    region where the unit fires and the line w_1 x_1 + w_2 x_2 = theta; the
    status line shows the truth table and the gate it computes.
    """

    def __init__(self, w1: float = 1.0, w2: float = -1.0, theta: float = 1.0):
        self.live = LiveFigure(figsize=(6.4, 3.5))  # fits a 1280x720 slide, legend beside
        self.ax = ax = self.live.axes
        lim = (-0.5, 1.5)
        corners, _ = neurons.truth_table(lambda x: x[:, 0], 2)
        self.regions = plotting.plot_decision_regions(lambda p: np.zeros(len(p)), lim, lim, ax,
                                                      resolution=120)
        self.dots = plotting.plot_data(corners, np.zeros(4), ax, size=150, label_prefix="o =")
        self.line = plotting.plot_linear_boundary([0.0, 1.0, 0.0], ax, xlim=lim, ylim=lim,
                                                  label=r"$w_1 x_1 + w_2 x_2 = \theta$")
        ax.set_xticks([-0.5, 0, 0.5, 1, 1.5])
        ax.set_yticks([-0.5, 0, 0.5, 1, 1.5])
        ax.set_aspect("equal")
        ax.legend(loc="center left", bbox_to_anchor=(1.02, 0.5))
        # the limits never change: the region, points, line and title are drawn over the
        # saved axes
        self.live.animate(self.regions, *self.dots, self.line, ax.title)
        self.controls = {
            "w1": slider("w₁", -2.0, 2.0, 0.5, w1, readout_format=".1f"),
            "w2": slider("w₂", -2.0, 2.0, 0.5, w2, readout_format=".1f"),
            "theta": slider("threshold θ", -2.0, 3.0, 0.5, theta, readout_format=".1f"),
        }
        self.panel = LivePanel(self.controls, self.update, self.live,
                               title="McCulloch-Pitts unit", status_beside=True)
        self.panel.explorer = self

    def update(self, w1, w2, theta):
        r"""Redraw the unit's region, line and outputs; the status shows its truth table."""
        w = np.array([w1, w2])
        x, o = neurons.truth_table(lambda x: neurons.mcculloch_pitts(x, w, theta), 2)
        plotting.update_decision_regions(
            self.regions, lambda p: neurons.mcculloch_pitts(p, w, theta))
        plotting.update_data(self.dots, x, o)
        plotting.update_linear_boundary(self.line, [-theta, w1, w2])
        gate = _gate_name(o) or "no named gate"
        self.ax.set_title(f"computes: {gate}")
        rows = "".join(f"<tr><td>{a}</td><td>{b}</td><td><b>{v}</b></td></tr>"
                       for (a, b), v in zip(x, o, strict=True))
        sign = "−" if w2 < 0 else "+"
        rule = f"o = 1 if {w1:g}·x₁ {sign} {abs(w2):g}·x₂ ≥ {theta:g}"
        if w1 == w2 == 0:
            rule += "<br>(no line: w₁ = w₂ = 0, the output is constant)"
        return (f"{rule}<br><table><tr><th>x₁</th><th>x₂</th><th>o</th></tr>{rows}</table>"
                f"computes: <b>{gate}</b>")


def threshold_unit_explorer(w1: float = 1.0, w2: float = -1.0, theta: float = 1.0) -> LivePanel:
    r"""The panel of a :class:`ThresholdUnitExplorer`."""
    return ThresholdUnitExplorer(w1, w2, theta).panel


PERCEPTRON_DATA = ("AND", "OR", "NAND", "XOR", "gaussian blobs")


def _perceptron_data(name: str, seed: int):
    rng = np.random.default_rng(seed)
    if name == "gaussian blobs":  # separable for seed 0, in a few to a few dozen epochs
        return datasets.gaussian_blobs(40, rng, noise=1.0, distance=3.0)
    return datasets.logic_gate(name)


class PerceptronExplorer:
    r"""Train Rosenblatt's perceptron live and replay it epoch by epoch.

    w <- w + eta * (y - y_hat) * x. Left: the data, the region the perceptron
    calls class 1 and its line w^T x = 0 after the chosen epoch. Right: the
    mistakes made in each epoch. Initial weights and sample order come from a
    generator seeded with ``seed``, so each setting replays the same way.
    """

    def __init__(self, dataset: str = "AND", eta: float = 0.2, epochs: int = 20, seed: int = 0):
        self.seed = seed
        self.live = LiveFigure(ncols=2, figsize=(12, 3.2))  # fits a 1280x720 slide, legends beside
        self.ax_data, self.ax_err = ax_data, ax_err = self.live.axes
        self.regions = plotting.plot_decision_regions(lambda p: np.zeros(len(p)), (0, 1), (0, 1),
                                                      ax_data, resolution=120)
        self.dots = plotting.plot_data(np.zeros((0, 2)), np.zeros(0), ax_data, size=70)
        self.line = plotting.plot_linear_boundary([0.0, 1.0, 1.0], ax_data, xlim=(0, 1),
                                                  ylim=(0, 1))
        ax_data.legend(loc="center left", bbox_to_anchor=(1.02, 0.5))
        (self.err_line,) = ax_err.plot([], [], "o-", color=plotting.COLORS["errors"],
                                       label="mistakes in the epoch")
        self.now = ax_err.axvline(0, color=ACCENT, linewidth=2, label="shown epoch")
        ax_err.set_xlabel("epoch")
        ax_err.set_ylabel("misclassified samples")
        ax_err.set_title("errors per epoch")
        ax_err.grid(True, alpha=0.3)
        ax_err.yaxis.set_major_locator(MaxNLocator(integer=True))
        # epochs in steps of 1, 2, 5 or 10 (0, 5, 10, 15, ...), as a reader counts them
        ax_err.xaxis.set_major_locator(MaxNLocator(integer=True, steps=[1, 2, 5, 10]))
        ax_err.legend(loc="center left", bbox_to_anchor=(1.02, 0.5))
        # what an epoch changes is drawn over the saved rest of the figure; a new training
        # run with new limits draws everything again
        self.live.animate(self.regions, *self.dots, self.line, self.err_line, self.now,
                          ax_data.title)
        self.limits = None
        play_box, self.epoch_slider = play_control("show epoch", max=epochs, value=epochs)
        self.epoch_slider.layout.width = "280px"
        # the training run on show: its settings, its history and data, the tick widths
        self.key = None
        self.history, self.X, self.y = None, None, None
        self.digits = None
        self.controls = {
            "dataset": dropdown("data", PERCEPTRON_DATA, dataset),
            "eta": slider("learning rate η", 0.01, 1.0, 0.01, eta, heavy=True),
            "epochs": slider("max epochs", 1, 100, 1, epochs, heavy=True),
            "epoch": self.epoch_slider,
        }
        # one row of controls (it wraps on a narrow screen): the settings, then Play and its epoch
        self.controls["eta"].layout.width = "310px"
        self.controls["epochs"].layout.width = "270px"
        self.play_box = widgets.HBox(
            [self.controls["dataset"], self.controls["eta"], self.controls["epochs"],
             *play_box.children],
            layout=widgets.Layout(flex_flow="row wrap", align_items="center"))
        self.play_box.play = play_box.play
        self.panel = LivePanel(self.controls, self.update, self.live,
                               title="Rosenblatt's perceptron learning", extra=[self.play_box])
        self.panel.explorer = self

    def _train(self, dataset, eta, epochs) -> None:
        X, y = _perceptron_data(dataset, self.seed)
        history = neurons.train_perceptron(X, y, eta, epochs,
                                           rng=np.random.default_rng(self.seed))
        self.key, self.history, self.X, self.y = (dataset, eta, epochs), history, X, y
        n_epochs = len(history.errors)
        self.epoch_slider.max = n_epochs
        self.play_box.play.max = n_epochs
        self.epoch_slider.value = n_epochs
        xlim, ylim = plotting.data_limits(X, 0.3)
        plotting.update_data(self.dots, X, y)
        self.err_line.set_data(np.arange(1, n_epochs + 1), history.errors)
        # the error axis spans the epochs allowed, rounded up to 10, 25, 50 or 100 (a
        # run that converges early ends part way along), and at least 4 errors, a logic
        # gate's 4 points: the data sets, and most epoch budgets, share one view and layout
        span = next(n for n in (10, 25, 50, 100, epochs) if n >= epochs)
        limits = (xlim, ylim, span + 0.5, max(history.errors.max(), 4) + 0.5)
        if limits != self.limits:  # new tick labels: everything is drawn again
            self.limits = limits
            plotting.set_region_limits(self.regions, xlim, ylim)
            self.ax_err.set_xlim(0, limits[2])
            self.ax_err.set_ylim(-0.3, limits[3])
            self.live.invalidate()
        digits = (len(str(span)), len(str(history.errors.max())))
        if digits != self.digits:  # wider tick labels need a new layout
            self.digits = digits
            self.live.relayout()

    def update(self, dataset, eta, epochs, epoch):
        r"""Retrain when the data, eta or the epochs change; then show the chosen epoch."""
        if (dataset, eta, epochs) != self.key:
            self._train(dataset, eta, epochs)
            epoch = len(self.history.errors)
        history = self.history
        epoch = min(epoch, len(history.errors))
        w = history.weights[epoch]
        plotting.update_decision_regions(self.regions, lambda p: neurons.perceptron_predict(p, w))
        plotting.update_linear_boundary(self.line, w)
        self.now.set_xdata([epoch, epoch])
        mistakes = int(np.sum(neurons.perceptron_predict(self.X, w) != self.y))
        when = "initial weights" if epoch == 0 else f"after epoch {epoch}"
        self.ax_data.set_title(f"{dataset}, {when}: {mistakes} misclassified")
        weights = ", ".join(f"{v:+.2f}" for v in w)
        n_epochs = len(history.errors)
        if history.converged_epoch is not None:
            verdict = (f"converged: no mistake in epoch {history.converged_epoch} "
                       f"after {history.n_updates} updates")
        elif dataset == "XOR":
            verdict = (f"not converged after {n_epochs} epochs: no line separates XOR, "
                       "so it never will")
        else:
            verdict = (f"not converged after {n_epochs} epoch{'s' * (n_epochs != 1)}: "
                       "try more epochs or another learning rate")
        text = f"w = (w₀, w₁, w₂) = ({weights}); {verdict}"
        if not plotting.line_in_view(w, *plotting.data_limits(self.X, 0.3)):
            everything = neurons.perceptron_predict(self.X[:1], w)[0]
            text += ("<br>The line w<sup>T</sup>x = 0 is outside the view: every point is "
                     f"called class {everything}.")
        return text


def perceptron_explorer(dataset: str = "AND", eta: float = 0.2, epochs: int = 20,
                        seed: int = 0) -> LivePanel:
    r"""The panel of a :class:`PerceptronExplorer`."""
    return PerceptronExplorer(dataset, eta, epochs, seed).panel
