r"""Explorers for threshold units, activation functions and the perceptron."""

from __future__ import annotations

import numpy as np
from matplotlib.ticker import MaxNLocator

from .. import activations, datasets, neurons, plotting
from ..widgets import LiveFigure, LivePanel, dropdown, play_control, slider

__all__ = ["activation_explorer", "perceptron_explorer", "threshold_unit_explorer"]

NET_RANGE = (-5.0, 5.0)
ACCENT = plotting.COLORS["accent"]
KINKS = {"step": "0 is used", "relu": "0 is used", "leaky_relu": "alpha is used"}


def activation_explorer(name: str = "sigmoid") -> LivePanel:
    r"""Pick an activation f and a point net_0: see f with its tangent, and f'.

    The tangent at net_0 has slope f'(net_0): what backpropagation multiplies by.
    """
    live = LiveFigure(ncols=2, figsize=(10, 3.6))
    ax_f, ax_d = live.axes
    net = np.linspace(*NET_RANGE, 801)
    (f_line,) = ax_f.plot([], [], color=plotting.COLORS["f"], linewidth=2.5, label="$f(net)$")
    (tangent,) = ax_f.plot([], [], "--", color=ACCENT, label="tangent, slope $f'(net_0)$")
    (f_dot,) = ax_f.plot([], [], "o", color=ACCENT, markersize=9)
    (d_line,) = ax_d.plot([], [], color=plotting.COLORS["f_prime"], linewidth=2.5,
                          label="$f'(net)$")
    (d_dot,) = ax_d.plot([], [], "o", color=ACCENT, markersize=9)
    for ax, title in ((ax_f, "activation $f(net)$"), (ax_d, "derivative $f'(net)$")):
        ax.set_xlim(NET_RANGE)
        ax.set_xlabel("$net$")
        ax.axhline(0, color="grey", linewidth=0.8)
        ax.axvline(0, color="grey", linewidth=0.8)
        ax.grid(True, alpha=0.3)
        ax.set_title(title)
        ax.legend(loc="upper left")

    def update(name, net_0):
        f, f_prime = activations.get_activation(name)
        y, dy = f(net), f_prime(net)
        f_line.set_data(net, y)
        d_line.set_data(net, dy)
        y0, slope = float(f(net_0)), float(f_prime(net_0))
        f_dot.set_data([net_0], [y0])
        d_dot.set_data([net_0], [slope])
        tangent.set_data(net, y0 + slope * (net - net_0))
        ax_f.set_ylim(min(-1.2, y.min() - 0.3), max(1.2, y.max() + 0.3))
        ax_d.set_ylim(-0.1, max(1.2, dy.max() + 0.2))
        text = f"{name}: f({net_0:.2f}) = {y0:.4f}, f'({net_0:.2f}) = {slope:.4f}"
        if name in KINKS and abs(net_0) < 1e-9:
            text += f" (f' is undefined at the kink net = 0; {KINKS[name]} there)"
        return text

    controls = {
        "name": dropdown("activation f", activations.ACTIVATIONS, name),
        "net_0": slider("point net₀", -4.0, 4.0, 0.1, 0.5),
    }
    return LivePanel(controls, update, live, title="Activation functions and their derivatives")


def _gate_name(outputs) -> str | None:
    for gate, table in datasets.GATES.items():
        if tuple(int(o) for o in outputs) == table:
            return gate
    names = {(0, 0, 1, 0): "x₁ AND NOT x₂", (0, 1, 0, 0): "NOT x₁ AND x₂",
             (0, 0, 0, 0): "constant 0", (1, 1, 1, 1): "constant 1",
             (1, 0, 1, 0): "NOT x₂", (1, 1, 0, 0): "NOT x₁", (0, 1, 0, 1): "x₂", (0, 0, 1, 1): "x₁"}
    return names.get(tuple(int(o) for o in outputs))


def threshold_unit_explorer(w1: float = 1.0, w2: float = -1.0, theta: float = 1.0) -> LivePanel:
    r"""A McCulloch-Pitts unit with hand-set w_1, w_2 and threshold theta.

    o = 1 if w_1 x_1 + w_2 x_2 >= theta: the plot shows the four inputs, the
    region where the unit fires and the line w_1 x_1 + w_2 x_2 = theta; the
    status line shows the truth table and the gate it computes.
    """
    live = LiveFigure(figsize=(5.6, 4.8))
    ax = live.axes
    lim = (-0.5, 1.5)
    corners, _ = neurons.truth_table(lambda x: x[:, 0], 2)
    regions = plotting.plot_decision_regions(lambda p: np.zeros(len(p)), lim, lim, ax,
                                             resolution=120)
    dots = plotting.plot_data(corners, np.zeros(4), ax, size=150, label_prefix="o =")
    line = plotting.plot_linear_boundary([0.0, 1.0, 0.0], ax, xlim=lim, ylim=lim,
                                         label=r"$w_1 x_1 + w_2 x_2 = \theta$")
    ax.set_xticks([-0.5, 0, 0.5, 1, 1.5])
    ax.set_yticks([-0.5, 0, 0.5, 1, 1.5])
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.14), ncol=3, fontsize=8)

    def update(w1, w2, theta):
        w = np.array([w1, w2])
        x, o = neurons.truth_table(lambda x: neurons.mcculloch_pitts(x, w, theta), 2)
        plotting.update_decision_regions(
            regions, lambda p: neurons.mcculloch_pitts(p, w, theta))
        plotting.update_data(dots, x, o)
        plotting.update_linear_boundary(line, [-theta, w1, w2])
        gate = _gate_name(o) or "no named gate"
        ax.set_title(f"computes: {gate}")
        rows = "".join(f"<tr><td>{a}</td><td>{b}</td><td><b>{v}</b></td></tr>"
                       for (a, b), v in zip(x, o, strict=True))
        sign = "−" if w2 < 0 else "+"
        rule = f"o = 1 if {w1:g}·x₁ {sign} {abs(w2):g}·x₂ ≥ {theta:g}"
        if w1 == w2 == 0:
            rule += "<br>(no line: w₁ = w₂ = 0, the output is constant)"
        return (f"{rule}<br><table><tr><th>x₁</th><th>x₂</th><th>o</th></tr>{rows}</table>"
                f"computes: <b>{gate}</b>")

    controls = {
        "w1": slider("w₁", -2.0, 2.0, 0.5, w1, readout_format=".1f"),
        "w2": slider("w₂", -2.0, 2.0, 0.5, w2, readout_format=".1f"),
        "theta": slider("threshold θ", -2.0, 3.0, 0.5, theta, readout_format=".1f"),
    }
    return LivePanel(controls, update, live, title="McCulloch-Pitts unit", status_beside=True)


PERCEPTRON_DATA = ("AND", "OR", "NAND", "XOR", "gaussian blobs")


def _perceptron_data(name: str, seed: int):
    rng = np.random.default_rng(seed)
    if name == "gaussian blobs":  # separable for seed 0, in a few to a few dozen epochs
        return datasets.gaussian_blobs(40, rng, noise=1.0, distance=3.0)
    return datasets.logic_gate(name)


def perceptron_explorer(dataset: str = "AND", eta: float = 0.2, epochs: int = 20,
                        seed: int = 0) -> LivePanel:
    r"""Train Rosenblatt's perceptron live and replay it epoch by epoch.

    w <- w + eta * (y - y_hat) * x. Left: the data, the region the perceptron
    calls class 1 and its line w^T x = 0 after the chosen epoch. Right: the
    mistakes made in each epoch. Initial weights and sample order come from a
    generator seeded with ``seed``, so each setting replays the same way.
    """
    live = LiveFigure(ncols=2, figsize=(10, 4))
    ax_data, ax_err = live.axes
    regions = plotting.plot_decision_regions(lambda p: np.zeros(len(p)), (0, 1), (0, 1),
                                             ax_data, resolution=120)
    dots = plotting.plot_data(np.zeros((0, 2)), np.zeros(0), ax_data, size=70)
    line = plotting.plot_linear_boundary([0.0, 1.0, 1.0], ax_data, xlim=(0, 1), ylim=(0, 1))
    ax_data.legend(loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=3, fontsize=9)
    (err_line,) = ax_err.plot([], [], "o-", color=plotting.COLORS["errors"],
                              label="mistakes in the epoch")
    now = ax_err.axvline(0, color=ACCENT, linewidth=2, label="shown epoch")
    ax_err.set_xlabel("epoch")
    ax_err.set_ylabel("misclassified samples")
    ax_err.set_title("errors per epoch")
    ax_err.grid(True, alpha=0.3)
    ax_err.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax_err.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax_err.legend(loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=2, fontsize=9)
    play_box, epoch_slider = play_control("show epoch", max=epochs, value=epochs)
    state = {"key": None, "history": None, "X": None, "y": None, "digits": None}

    def update(dataset, eta, epochs, epoch):
        key = (dataset, eta, epochs)
        if key != state["key"]:
            X, y = _perceptron_data(dataset, seed)
            history = neurons.train_perceptron(X, y, eta, epochs, rng=np.random.default_rng(seed))
            state.update(key=key, history=history, X=X, y=y)
            n_epochs = len(history.errors)
            epoch_slider.max = n_epochs
            play_box.play.max = n_epochs
            epoch_slider.value = epoch = n_epochs
            xlim, ylim = plotting.data_limits(X, 0.3)
            plotting.set_region_limits(regions, xlim, ylim)
            plotting.update_data(dots, X, y)
            err_line.set_data(np.arange(1, n_epochs + 1), history.errors)
            ax_err.set_xlim(0, max(n_epochs, 2) + 0.5)
            ax_err.set_ylim(-0.3, max(history.errors.max(), 1) + 0.5)
            digits = (len(str(n_epochs)), len(str(history.errors.max())))
            if digits != state["digits"]:  # wider tick labels need a new layout
                state["digits"] = digits
                live.relayout()
        history = state["history"]
        epoch = min(epoch, len(history.errors))
        w = history.weights[epoch]
        plotting.update_decision_regions(regions, lambda p: neurons.perceptron_predict(p, w))
        plotting.update_linear_boundary(line, w)
        now.set_xdata([epoch, epoch])
        mistakes = int(np.sum(neurons.perceptron_predict(state["X"], w) != state["y"]))
        when = "initial weights" if epoch == 0 else f"after epoch {epoch}"
        ax_data.set_title(f"{dataset}, {when}: {mistakes} misclassified")
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
        if not plotting.line_in_view(w, *plotting.data_limits(state["X"], 0.3)):
            everything = neurons.perceptron_predict(state["X"][:1], w)[0]
            text += ("<br>The line w<sup>T</sup>x = 0 is outside the view: every point is "
                     f"called class {everything}.")
        return text

    controls = {
        "dataset": dropdown("data", PERCEPTRON_DATA, dataset),
        "eta": slider("learning rate η", 0.01, 1.0, 0.01, eta, heavy=True),
        "epochs": slider("max epochs", 1, 100, 1, epochs, heavy=True),
        "epoch": epoch_slider,
    }
    return LivePanel(controls, update, live, title="Rosenblatt's perceptron learning",
                     extra=[play_box])
