r"""The playground of notebook 02: train a multilayer perceptron live on 2-D data.

Controls: data set, noise, test fraction, hidden layers (depth 0-6), neurons
per layer (width 1-16), activation, learning rate eta, batch size, speed
(epochs per frame); Play/Pause, Step (one epoch), Reset (epoch 0, same start),
New start (epoch 0, new initial weights). The figure shows the decision
regions with training (filled) and test (hollow) points, the network with its
weights and each node's output map, and the training and test loss per epoch.

Changing the data or the network starts again from the same initial weights;
changing eta, the batch size or the speed continues from the current weights.
Either way ``speed`` epochs run at once, so every change shows its effect.
The controls sit in two rows: the data and the network's size, then the
activation and the training settings.

:meth:`Playground.train` trains many epochs at once before the panel is shown,
so that its saved picture (GitHub, a static deck) shows a trained network.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import NamedTuple

import ipywidgets as widgets
import numpy as np

from .. import activations, datasets, plotting
from ..mlp import MLP
from ..network_plot import NetworkDrawing
from ..training import History, Trainer
from ..widgets import LiveFigure, LivePanel, dropdown, from_front_end, slider

__all__ = ["Playground", "playground"]

DATA = tuple(datasets.DATASETS)  # gaussian, xor, circles, moons, spirals
ACTIVATION_CHOICES = activations.DIFFERENTIABLE  # every activation but the step
BATCH_SIZES = (1, 2, 5, 10, 25, 50, "all")
SPEEDS = (1, 2, 5, 10, 25, 50)  # epochs per frame
N_POINTS = 200
REGION_RESOLUTION = 70
MAP_RESOLUTION = 16
FRAME_CAP_S = 0.05  # a frame stops training early after this long, to keep playing smooth
FRAME_RATE = 66  # frames a second at most while playing (a browser paints up to 60)
STATUS_EVERY_S = 0.1  # while playing, the status line is rewritten ten times a second
STRUCTURE = ("dataset", "noise", "test_fraction", "layers", "width", "activation")
#: the controls' rows: the data and the network's size; the activation and the training
ROWS = (("dataset", "noise", "test_fraction", "layers", "width"),
        ("activation", "eta", "batch_size", "speed"))
#: the controls' labels in a notebook, and on a slide (the deck's large fonts: shorter)
LABELS = {"dataset": "data", "noise": "noise", "test_fraction": "test fraction",
          "layers": "hidden layers (depth)", "width": "neurons per layer (width)",
          "activation": "activation", "eta": "learning rate η", "batch_size": "batch size",
          "speed": "epochs per frame"}
SLIDE_LABELS = {**LABELS, "layers": "depth", "width": "width"}
#: on a slide (1280 px wide, 24 px text), each row of controls fits one line
SLIDE_WIDTHS = {"dataset": "200px", "noise": "230px", "test_fraction": "290px", "layers": "200px",
                "width": "200px", "activation": "250px", "eta": "330px", "batch_size": "250px",
                "speed": "300px"}
SLIDE_BUTTON_WIDTHS = ("120px", "120px", "130px", "170px")  # Play, Step, Reset, New start


class Split(NamedTuple):
    r"""The playground's points: the training part and the held-out test part."""

    X_train: np.ndarray
    y_train: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray


def _choice(name: str, value, options) -> None:
    if value not in options:
        raise ValueError(f"{name} must be one of {', '.join(map(str, options))}; got {value!r}")


class Playground:
    r"""State and drawing of the playground; ``Playground().panel`` is the widget to display.

    Parameters
    ----------
    dataset : one of DATA, the generators of ``datasets.DATASETS`` ("xor", "spirals", ...)
    noise : float in [0, 0.5], standard deviation of the points' jitter
    test_fraction : float in [0.1, 0.9], share of the 200 points held out
    layers : int 0-6, hidden layers (depth); width : int 1-16, neurons per hidden layer
    activation : one of ACTIVATION_CHOICES, the differentiable ``activations.ACTIVATIONS``
    eta : float in [0.001, 10], learning rate
    batch_size : one of BATCH_SIZES (1 = pure SGD, "all" = full batch)
    speed : one of SPEEDS, epochs trained per frame while playing
    seed : int; data, split, initial weights and sample order come from generators
        seeded with it, so the same settings give the same training

    Attributes
    ----------
    panel : LivePanel, the widget to display; model : MLP; trainer : Trainer
    """

    def __init__(self, *, dataset: str = "xor", noise: float = 0.1, test_fraction: float = 0.5,
                 layers: int = 2, width: int = 4, activation: str = "tanh", eta: float = 0.3,
                 batch_size=10, speed: int = 5, seed: int = 0):
        _choice("dataset", dataset, DATA)
        _choice("activation", activation, ACTIVATION_CHOICES)
        _choice("batch_size", batch_size, BATCH_SIZES)
        _choice("speed", speed, SPEEDS)
        _choice("layers", layers, range(7))
        _choice("width", width, range(1, 17))
        self.seed, self.start = seed, 0  # start: how many times "New start" was pressed
        self.key = None  # the settings of STRUCTURE the current network was built for
        self.action = "change"  # what the next redraw does: change, step, reset, new, frame,
        # show (redraw after train, no more epochs)
        # built for each new data set or network by _rebuild (the panel's first redraw)
        self.data: Split | None = None
        self.model: MLP | None = None
        self.trainer: Trainer | None = None
        self.initial_loss, self.warned = None, False  # the loss before training; eta warned
        self.lim, self.grid = None, None  # the plot's limits, the node maps' grid
        self._task = None  # the Play loop while it runs
        self._status_time = 0.0  # when the status line was last written
        # on a slide, a little wider and lower: it fits 1280x720 with its controls and title
        # painted in the browser once a student is there (LiveFigure's default): ~50 frames
        # a second here, not ~20
        self.live = LiveFigure(ncols=3, figsize=(12.5, 3.8 if plotting.PROJECTOR else 4.4), dpi=85,
                               gridspec_kw={"width_ratios": [1.0, 1.25, 0.95]})
        self.ax_data, self.ax_net, self.ax_loss = self.live.axes
        self.regions = plotting.plot_decision_regions(
            lambda p: np.full(len(p), 0.5), (-1, 1), (-1, 1), self.ax_data,
            resolution=REGION_RESOLUTION)
        self.live.figure.colorbar(self.regions, ax=self.ax_data, shrink=0.8, pad=0.02,
                                  label="probability $P_1$" if plotting.PROJECTOR
                                  else "$P_1$ (network's probability of class 1)")
        self.ax_data.set_title("decision regions: $P_1$ over the plane")
        empty = np.zeros((0, 2)), np.zeros(0)
        self.train_dots = plotting.plot_data(*empty, self.ax_data, size=22, label_prefix="train")
        self.test_dots = plotting.plot_data(*empty, self.ax_data, size=22, hollow=True,
                                            label_prefix="test")
        below = -0.2 if plotting.PROJECTOR else -0.13  # under the x label, at either size
        self.ax_data.legend(loc="upper center", bbox_to_anchor=(0.5, below), ncol=4,
                            fontsize=9, handletextpad=0.2, columnspacing=0.8)
        (self.train_line,) = self.ax_loss.plot([], [], color=plotting.COLORS["errors"],
                                               linewidth=2, label="training loss")
        (self.test_line,) = self.ax_loss.plot([], [], color=plotting.COLORS["test"],
                                              linewidth=2, linestyle="--", label="test loss")
        self.ax_loss.set(xlabel="epoch", ylabel="loss $\\mathcal{L}$ (cross-entropy)",
                         title="loss per epoch")
        self.ax_loss.grid(True, alpha=0.3)
        self.loss_legend = self.ax_loss.legend(loc="upper right", fontsize=9)
        self.drawing = NetworkDrawing(self.ax_net, [2, 1])
        # everything that changes while playing is redrawn over a saved background
        self.live.animate(self.regions, *self.ax_data.spines.values(), *self.train_dots,
                          *self.test_dots, *self.drawing.artists, self.train_line,
                          self.test_line, self.loss_legend)
        self.loss_view = None
        label = SLIDE_LABELS if plotting.PROJECTOR else LABELS
        controls = {
            "dataset": dropdown(label["dataset"], DATA, dataset),
            "noise": slider(label["noise"], 0.0, 0.5, 0.05, noise, heavy=True),
            "test_fraction": slider(label["test_fraction"], 0.1, 0.9, 0.1, test_fraction,
                                    heavy=True),
            "layers": slider(label["layers"], 0, 6, 1, layers, heavy=True),
            "width": slider(label["width"], 1, 16, 1, width, heavy=True),
            "activation": dropdown(label["activation"], ACTIVATION_CHOICES, activation),
            "eta": slider(label["eta"], -3, 1, 0.1, eta, heavy=True, log=True),
            "batch_size": widgets.SelectionSlider(
                options=BATCH_SIZES, value=batch_size, description=label["batch_size"],
                style={"description_width": "initial"}, continuous_update=False),
            "speed": widgets.SelectionSlider(
                options=SPEEDS, value=speed, description=label["speed"],
                style={"description_width": "initial"}, continuous_update=False),
        }
        if plotting.PROJECTOR:  # a slide: each row fits the slide's width at its large font
            for name, control in controls.items():
                control.layout.width = SLIDE_WIDTHS[name]
        self.play = widgets.ToggleButton(value=False, description="Play", icon="play",
                                         tooltip="train continuously (Pause stops)")
        self.play.add_class("course-play")
        step = widgets.Button(description="Step", icon="step-forward", tooltip="one epoch")
        reset = widgets.Button(description="Reset", icon="undo",
                               tooltip="back to epoch 0, same initial weights")
        new = widgets.Button(description="New start", icon="random",
                             tooltip="back to epoch 0 with new initial weights")
        self.play.observe(self._on_play, names="value")
        step.on_click(lambda _: self._act("step"))
        reset.on_click(lambda _: self._act("reset"))
        new.on_click(lambda _: self._act("new"))
        if plotting.PROJECTOR:
            for button, px in zip((self.play, step, reset, new), SLIDE_BUTTON_WIDTHS, strict=True):
                button.layout.width = px
        buttons = widgets.HBox([self.play, step, reset, new])
        rows = [widgets.Box([controls[name] for name in row], layout=widgets.Layout(
            flex_flow="row wrap", align_items="center")) for row in ROWS]
        # on a slide, the slide's own title names the panel: one line less
        self.panel = LivePanel(controls, self._update, self.live, extra=[*rows, buttons],
                               title=None if plotting.PROJECTOR else "Neural network playground")
        self.panel.playground = self.panel.explorer = self

    # --- building -------------------------------------------------------------------------
    def _rebuild(self, settings) -> None:
        X, y = datasets.make_dataset(settings["dataset"], N_POINTS,
                                     np.random.default_rng(self.seed), settings["noise"])
        X_train, y_train, X_test, y_test = datasets.train_test_split(
            X, y, settings["test_fraction"], np.random.default_rng(self.seed + 1))
        self.data = Split(X_train, y_train, X_test, y_test)
        start = self.seed + 2 + 1000 * self.start
        self.model = MLP(2, [settings["width"]] * settings["layers"], 1,
                         activation=settings["activation"], output="binary",
                         rng=np.random.default_rng(start))
        self.trainer = Trainer(self.model, X_train, y_train, eta=settings["eta"],
                               batch_size=self._batch(settings["batch_size"]),
                               rng=np.random.default_rng(start + 1),
                               X_test=X_test, y_test=y_test)
        self.initial_loss = self.model.loss(X_train, y_train)
        self.warned = False
        # limits in steps of 0.5: most changes of data or noise keep them, and the figure
        # then needs no full redraw
        limit = max(1.5, np.ceil((np.quantile(np.abs(X), 0.99) + 0.15) * 2) / 2)
        if (-limit, limit) != self.lim:
            self.lim = (-limit, limit)
            plotting.set_region_limits(self.regions, self.lim, self.lim)
            self.live.invalidate()
        plotting.update_data(self.train_dots, X_train, y_train)
        plotting.update_data(self.test_dots, X_test, y_test)
        self.grid = plotting.decision_grid(self.lim, self.lim, MAP_RESOLUTION)
        self.drawing.set_sizes(self.model.sizes)

    def _batch(self, value) -> int:
        n_train = len(self.data.X_train)
        return n_train if value == "all" else min(int(value), n_train)

    # --- actions ----------------------------------------------------------------------------
    def _act(self, action: str) -> None:
        self.action = action
        # while playing, the status line changes STATUS_EVERY_S at most
        now = time.perf_counter()
        status = action != "frame" or now - self._status_time >= STATUS_EVERY_S
        if status:
            self._status_time = now
        self.panel.redraw(status=status)

    def train(self, epochs: int,
              callback: Callable[[int, History], None] | None = None) -> History:
        r"""Train ``epochs`` more epochs at once, then redraw the panel; return the history.

        What a notebook calls before it shows the panel, so that the picture saved with
        the notebook shows a trained network; no frame cap, unlike playing.
        ``callback(epoch, history)`` runs after every epoch, as in ``Trainer.run``
        (e.g. ``course_lib.widgets.progress_bar``).
        """
        history = self.trainer.run(epochs, callback)
        self._act("show")
        return history

    def train_epochs(self, epochs: int) -> int:
        r"""Train up to ``epochs`` epochs, stopping early after FRAME_CAP_S; return epochs run."""
        start, done = time.perf_counter(), 0
        while done < epochs and self.trainer.run_epoch():
            done += 1
            if time.perf_counter() - start > FRAME_CAP_S:
                break
        return done

    def _on_play(self, change) -> None:
        self.play.description, self.play.icon = ("Pause", "pause") if change.new else ("Play",
                                                                                        "play")
        if from_front_end(change):
            self.panel.go_live()
        if change.new and (self._task is None or self._task.done()):
            self._task = asyncio.ensure_future(self._play_loop())

    async def _play_loop(self) -> None:
        while self.play.value:
            start = time.perf_counter()
            self.frame()
            if self.trainer.stopped:
                self.play.value = False
            # at most FRAME_RATE frames a second, and always a pause in which the kernel
            # handles the controls' messages
            await asyncio.sleep(max(0.001, 1 / FRAME_RATE - (time.perf_counter() - start)))
        self._act("show")  # paused: the status line of the last frame

    def frame(self) -> None:
        r"""One frame of playing: train ``speed`` epochs and redraw (what Play repeats)."""
        self._act("frame")

    # --- drawing ------------------------------------------------------------------------------
    def _update(self, **settings):
        key = tuple(settings[name] for name in STRUCTURE)
        action, self.action = self.action, "change"
        if action == "new":
            self.start += 1
        if key != self.key or action in ("reset", "new"):
            self.key = key
            self._rebuild(settings)
            if action == "change":
                self.train_epochs(settings["speed"])
        else:
            if settings["eta"] != self.trainer.eta:
                self.warned = False
            self.trainer.optimizer.eta_0 = settings["eta"]  # continues with the new rate
            self.trainer.batch_size = self._batch(settings["batch_size"])
            epochs = {"step": 1, "show": 0}.get(action, settings["speed"])
            if epochs:
                self.train_epochs(epochs)
        with np.errstate(over="ignore", invalid="ignore"):  # a diverged network draws too
            self._draw()
        return self._status(settings)

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
        # the axes grow in steps (epochs doubling from 50, loss by halves) so that full
        # redraws stay rare, and never hide a rising loss
        xmax = 50 * 2 ** int(np.ceil(np.log2(max(history.epochs, 50) / 50)))
        highest = max([self.initial_loss, *history.train_loss, *history.test_loss])
        highest = min(highest, 1e3) if np.isfinite(highest) else 1e3
        ymax = 0.5 * np.ceil(highest * 1.1 / 0.5)
        if (xmax, ymax) != self.loss_view:
            self.loss_view = (xmax, ymax)
            self.ax_loss.set(xlim=(0, xmax), ylim=(0, ymax))
            self.live.relayout()  # wider tick labels ("400") get room, never cut at the edge

    def _status(self, settings):
        h = self.trainer.history
        if h.message:
            self.play.value = False
            return f"{h.message} (Reset to start again)", "warning"
        if not h.epochs:
            return "epoch 0: press Play, or Step for one epoch"
        text = (f"epoch {h.epochs} · training loss {h.train_loss[-1]:.3f} · test loss "
                f"{h.test_loss[-1]:.3f} · training accuracy {h.train_accuracy[-1]:.0%} · "
                f"test accuracy {h.test_accuracy[-1]:.0%}")
        if settings["layers"] == 0:
            text += " · no hidden layer: width and activation play no part"
        # a loss well above where it started (before any training) means eta is too large;
        # once said, it stays said until the network or eta changes
        self.warned = self.warned or (h.epochs >= 3 and h.train_loss[-1] > 1.5 * self.initial_loss)
        if self.warned:
            return (f"{text} · the loss rose well above its starting value "
                    f"{self.initial_loss:.2f}: the learning rate is too large", "warning")
        return text


def playground(**settings) -> LivePanel:
    r"""Build the playground panel; the settings are those of :class:`Playground`."""
    return Playground(**settings).panel
