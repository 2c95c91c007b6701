r"""The playground of notebook 02: train a multilayer perceptron live on 2-D data.

Controls: data set, noise, test fraction, hidden layers (0-6), neurons per
layer (1-16), activation, learning rate eta, batch size; Play/Pause, Step
(one epoch), Reset. The figure shows the decision regions with training
(filled) and test (hollow) points, the network with its weights and each
node's output map, and the training and test loss per epoch.

Changing the data or the network starts again from new weights; changing eta
or the batch size continues from the current weights. Either way a short
burst of training runs at once, so every change shows its effect.
"""

from __future__ import annotations

import asyncio
import time

import ipywidgets as widgets
import numpy as np

from .. import datasets, plotting
from ..mlp import MLP
from ..network_plot import NetworkDrawing
from ..training import Trainer
from ..widgets import LiveFigure, LivePanel, dropdown, slider

__all__ = ["Playground", "playground"]

DATA = ("xor", "circles", "moons", "spirals", "gaussian")
ACTIVATION_CHOICES = ("tanh", "sigmoid", "relu", "leaky_relu", "elu", "linear")
BATCH_SIZES = (1, 2, 5, 10, 25, 50, "all")
N_POINTS = 200
REGION_RESOLUTION = 70
MAP_RESOLUTION = 16
FRAME_BUDGET_S = 0.03  # training time per frame while playing
CHANGE_BUDGET_S = 0.015  # training right after a control changes
MAX_EPOCHS_PER_FRAME = 50
STRUCTURE = ("dataset", "noise", "test_fraction", "layers", "width", "activation")


class Playground:
    r"""State and drawing of the playground; ``Playground().panel`` is the widget to display.

    Every random choice comes from generators seeded with ``seed``: the same
    settings give the same data, the same initial weights and the same training.
    """

    def __init__(self, *, dataset: str = "xor", noise: float = 0.1, test_fraction: float = 0.5,
                 layers: int = 2, width: int = 4, activation: str = "tanh", eta: float = 0.3,
                 batch_size=10, seed: int = 0):
        self.seed = seed
        self.key = None
        self.action = "change"
        self.live = LiveFigure(ncols=3, figsize=(12.5, 4.3),
                               gridspec_kw={"width_ratios": [1.0, 1.25, 0.95]})
        self.ax_data, self.ax_net, self.ax_loss = self.live.axes
        self.regions = plotting.plot_decision_regions(
            lambda p: np.full(len(p), 0.5), (-1, 1), (-1, 1), self.ax_data,
            resolution=REGION_RESOLUTION)
        empty = np.zeros((0, 2)), np.zeros(0)
        self.train_dots = plotting.plot_data(*empty, self.ax_data, size=22, label_prefix="train")
        self.test_dots = plotting.plot_data(*empty, self.ax_data, size=22, hollow=True,
                                            label_prefix="test")
        self.ax_data.legend(loc="upper center", bbox_to_anchor=(0.5, -0.13), ncol=4,
                            fontsize=8, handletextpad=0.2, columnspacing=0.8)
        (self.train_line,) = self.ax_loss.plot([], [], color=plotting.COLORS["errors"],
                                               linewidth=2, label="training loss")
        (self.test_line,) = self.ax_loss.plot([], [], color=plotting.COLORS["test"],
                                              linewidth=2, linestyle="--", label="test loss")
        self.ax_loss.set(xlabel="epoch", ylabel="loss $\\mathcal{L}$ (cross-entropy)",
                         title="loss per epoch")
        self.ax_loss.grid(True, alpha=0.3)
        self.ax_loss.legend(loc="upper right", fontsize=9)
        self.drawing = NetworkDrawing(self.ax_net, [2, 1])
        self.live.animate(self.regions, *self.ax_data.spines.values(), *self.train_dots,
                          *self.test_dots, *self.drawing.artists, self.train_line,
                          self.test_line)
        self.loss_xmax = None
        controls = {
            "dataset": dropdown("data", DATA, dataset),
            "noise": slider("noise", 0.0, 0.5, 0.05, noise, heavy=True),
            "test_fraction": slider("test fraction", 0.1, 0.9, 0.1, test_fraction, heavy=True),
            "layers": slider("hidden layers", 0, 6, 1, layers, heavy=True),
            "width": slider("neurons per layer", 1, 16, 1, width, heavy=True),
            "activation": dropdown("activation", ACTIVATION_CHOICES, activation),
            "eta": slider("learning rate η", -3, 1, 0.1, eta, heavy=True, log=True),
            "batch_size": widgets.SelectionSlider(
                options=BATCH_SIZES, value=batch_size, description="batch size",
                style={"description_width": "initial"}, continuous_update=False),
        }
        self.play = widgets.ToggleButton(value=False, description="Play", icon="play",
                                         tooltip="train continuously (Pause stops)")
        self.play.add_class("course-play")
        step = widgets.Button(description="Step", icon="step-forward", tooltip="one epoch")
        reset = widgets.Button(description="Reset", icon="undo", tooltip="new start, epoch 0")
        self.play.observe(self._on_play, names="value")
        step.on_click(lambda _: self._act("step"))
        reset.on_click(lambda _: self._act("reset"))
        buttons = widgets.HBox([self.play, step, reset])
        self.panel = LivePanel(controls, self._update, self.live, extra=[buttons],
                               title="Neural network playground")
        self.panel.playground = self
        self._task = None

    # --- building -------------------------------------------------------------------------
    def _rebuild(self, v) -> None:
        X, y = datasets.make_dataset(v["dataset"], N_POINTS, np.random.default_rng(self.seed),
                                     v["noise"])
        X_train, y_train, X_test, y_test = datasets.train_test_split(
            X, y, v["test_fraction"], np.random.default_rng(self.seed + 1))
        self.data = (X_train, y_train, X_test, y_test)
        self.model = MLP(2, [v["width"]] * v["layers"], 1, activation=v["activation"],
                         output="binary", rng=np.random.default_rng(self.seed + 2))
        self.trainer = Trainer(self.model, X_train, y_train, eta=v["eta"],
                               batch_size=self._batch(v["batch_size"]),
                               rng=np.random.default_rng(self.seed + 3),
                               X_test=X_test, y_test=y_test)
        # limits in steps of 0.5: most changes of data or noise keep them, and the figure
        # then needs no full redraw
        limit = max(1.5, np.ceil((np.quantile(np.abs(X), 0.99) + 0.15) * 2) / 2)
        if (-limit, limit) != getattr(self, "lim", None):
            self.lim = (-limit, limit)
            plotting.set_region_limits(self.regions, self.lim, self.lim)
            self.live.invalidate()
        plotting.update_data(self.train_dots, X_train, y_train)
        plotting.update_data(self.test_dots, X_test, y_test)
        self.grid = plotting.decision_grid(self.lim, self.lim, MAP_RESOLUTION)
        self.drawing.set_sizes(self.model.sizes)

    def _batch(self, value) -> int:
        n_train = len(self.data[0])
        return n_train if value == "all" else min(int(value), n_train)

    # --- actions ----------------------------------------------------------------------------
    def _act(self, action: str) -> None:
        self.action = action
        self.panel.redraw()

    def train_frame(self, budget_s: float = FRAME_BUDGET_S) -> int:
        r"""Train for about ``budget_s`` seconds (at least one epoch); return epochs run."""
        start, epochs = time.perf_counter(), 0
        while epochs < MAX_EPOCHS_PER_FRAME and self.trainer.run_epoch():
            epochs += 1
            if time.perf_counter() - start > budget_s:
                break
        return epochs

    def _on_play(self, change) -> None:
        self.play.description, self.play.icon = ("Pause", "pause") if change.new else ("Play",
                                                                                        "play")
        if change.new and (self._task is None or self._task.done()):
            self._task = asyncio.ensure_future(self._play_loop())

    async def _play_loop(self) -> None:
        while self.play.value:
            self._act("frame")
            if self.trainer.stopped:
                self.play.value = False
            await asyncio.sleep(0.001)  # let the kernel handle the controls' messages

    def frame(self) -> None:
        r"""One frame of playing: train for a moment and redraw (what Play repeats)."""
        self._act("frame")

    # --- drawing ------------------------------------------------------------------------------
    def _update(self, **v) -> str:
        key = tuple(v[name] for name in STRUCTURE)
        action, self.action = self.action, "change"
        if key != self.key or action == "reset":
            self.key = key
            self._rebuild(v)
            if action != "reset":
                self.train_frame(CHANGE_BUDGET_S)
        else:
            self.trainer.eta = v["eta"]
            self.trainer.batch_size = self._batch(v["batch_size"])
            if action == "step":
                self.trainer.run_epoch()
            else:
                self.train_frame(FRAME_BUDGET_S if action == "frame" else CHANGE_BUDGET_S)
        with np.errstate(over="ignore", invalid="ignore"):  # a diverged network draws too
            self._draw()
        return self._status(v)

    def _draw(self) -> None:
        model, history = self.model, self.trainer.history
        plotting.update_decision_regions(self.regions, model.predict_proba)
        maps = [self.grid.T.reshape(2, MAP_RESOLUTION, MAP_RESOLUTION)]
        ranges = [self.lim]
        low = 0.0 if model.activation == "sigmoid" else -1.0
        for o in model.hidden_outputs(self.grid):
            maps.append(o.T.reshape(-1, MAP_RESOLUTION, MAP_RESOLUTION))
            ranges.append((low, 1.0))
        maps.append(model.predict_proba(self.grid).reshape(1, MAP_RESOLUTION, MAP_RESOLUTION))
        ranges.append((0.0, 1.0))
        self.drawing.update(model.params, maps, ranges)
        epochs = np.arange(1, history.epochs + 1)
        self.train_line.set_data(epochs, history.train_loss)
        self.test_line.set_data(epochs, history.test_loss)
        xmax = 50 * 2 ** int(np.ceil(np.log2(max(history.epochs, 50) / 50)))
        if xmax != self.loss_xmax:  # the axis doubles when full: few full redraws
            self.loss_xmax = xmax
            top = max(history.train_loss[:1] + history.test_loss[:1] + [0.8])
            self.ax_loss.set(xlim=(0, xmax), ylim=(0, min(top * 1.1, 5.0)))
            self.live.invalidate()

    def _status(self, v) -> str:
        h = self.trainer.history
        if h.message:
            self.play.value = False
            return f"{h.message} (Reset to start again)", "warning"
        if not h.epochs:
            return "epoch 0: press Play, or Step for one epoch"
        text = (f"epoch {h.epochs} · training loss {h.train_loss[-1]:.3f} · test loss "
                f"{h.test_loss[-1]:.3f} · training accuracy {h.train_accuracy[-1]:.0%} · "
                f"test accuracy {h.test_accuracy[-1]:.0%}")
        if h.epochs >= 5 and h.train_loss[-1] > 1.5 * h.train_loss[0]:
            return (f"{text}<br>The loss has grown well above where it started: the learning "
                    "rate is too large.", "warning")
        return text


def playground(**settings) -> LivePanel:
    r"""Build the playground panel (see :class:`Playground` for the settings)."""
    return Playground(**settings).panel
