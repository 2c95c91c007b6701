r"""Explorers of notebook 05: the LSTM's gates over time, and sampling text with a temperature."""

from __future__ import annotations

import html
from typing import NamedTuple

import matplotlib
import numpy as np
from matplotlib import patheffects
from matplotlib.patches import Rectangle
from matplotlib.transforms import ScaledTranslation

from .. import losses, plotting, sequence
from ..plotting import CMAPS, COLORS
from ..recurrent_plot import LSTMCellDiagram
from ..widgets import FIGURE_RC, LiveFigure, LivePanel, dropdown, slider

__all__ = ["GateInspector", "TemperatureSampler", "gate_inspector", "temperature_sampler"]


class GateRow(NamedTuple):
    r"""One row of the gate inspector: which LSTM cache attribute, its labels, colours, range."""

    name: str
    label: str
    symbol: str
    cmap: str
    limits: tuple[float, float] | None  # None: the cell state's own range


GATE_ROWS = (
    GateRow("f", "forget gate $f_t$", "$f_t$", CMAPS["unit"], (0, 1)),
    GateRow("i", "input gate $i_t$", "$i_t$", CMAPS["unit"], (0, 1)),
    GateRow("o", "output gate $o_t$", "$o_t$", CMAPS["unit"], (0, 1)),
    GateRow("C", "cell state $C_t$", "$C_t$", CMAPS["signed"], None),
    GateRow("h", "output $h_t$", "$h_t$", CMAPS["signed"], (-1, 1)),
)
#: the rows a slide has room for: how open the memory is, what is written, what is kept
COMPACT_ROWS = tuple(row for row in GATE_ROWS if row.name in "fiC")


class GateInspector:
    r"""Slide through the time steps of a trained LSTM's input and see every gate.

    Left: f_t, i_t, o_t, C_t, h_t of every memory cell (rows) at every step
    (columns), the chosen step marked, the chosen memory cell at that step boxed.
    Right: that memory cell drawn as the lecture's LSTM cell
    (:class:`course_lib.recurrent_plot.LSTMCellDiagram`) with its values at that step,
    C_{t-1}, h_{t-1}, f_t, i_t, tilde C_t, C_t, o_t, h_t; under it the cell state C_t
    of every cell at that step and what the network would answer if asked at that
    step, softmax(h_t W_y + b_y). Cells are sorted by how well their final C_t tells
    the classes apart (:func:`course_lib.sequence.memory_cells`, over all of ``x``); the
    best three are starred, and the best one is the memory cell shown first.

    ``compact=True`` (the default on a slide, when :data:`course_lib.plotting.PROJECTOR`
    is set) draws a figure that fits a 1280x720 slide: only the rows f_t, i_t and C_t,
    the cell diagram and the answer (the notebook shows all five rows and the C_t bars,
    which repeat the C_t row's column at the chosen step).
    """

    def __init__(self, model: sequence.SequenceClassifier, x, y, step_names, class_names,
                 examples: int = 8, compact: bool | None = None):
        if model.cell != "lstm":
            raise ValueError("the gate inspector needs an LSTM model (cell='lstm')")
        self.x, self.y = x, np.asarray(y)
        self.step_names, self.class_names = step_names, class_names
        _, cache = model.forward(x)
        self.values = {name: getattr(cache.cell, name)  # (N, T, H)
                       for name in [row.name for row in GATE_ROWS] + ["C_tilde"]}
        C = self.values["C"]
        self.order = np.argsort(sequence.memory_cells(C[:, -1], y, model.K))[::-1]
        N, T, H = C.shape
        self.T = T
        self.answers = losses.softmax(cache.h @ model.params["W_y"] + model.params["b_y"])
        self.compact = plotting.PROJECTOR if compact is None else compact
        self.rows = COMPACT_ROWS if self.compact else GATE_ROWS
        self.live = live = self._layout(len(self.rows))
        C_max = float(np.abs(C).max()) or 1.0
        self.images, self.markers, self.cell_boxes = [], [], []
        seen = [patheffects.withStroke(linewidth=5, foreground="white")]  # on any colour
        for ax, row in zip(self.heat_axes, self.rows, strict=True):
            vmin, vmax = row.limits or (-C_max, C_max)
            self.images.append(ax.imshow(np.zeros((H, T)), aspect="auto", cmap=row.cmap,
                                         vmin=vmin, vmax=vmax, interpolation="nearest"))
            self.markers.append(ax.axvline(0, color=COLORS["forward"], linewidth=2.5,
                                           path_effects=seen))
            self.cell_boxes.append(ax.add_patch(Rectangle(  # the memory cell the diagram shows
                (-0.5, -0.5), 1, 1, fill=False, edgecolor=COLORS["forward"], linewidth=2,
                path_effects=seen)))
            if self.compact:  # the symbol alone, upright: the title says the rows are cells
                ax.set_ylabel(row.symbol, rotation=0, ha="right", va="center")
            else:
                ax.set_ylabel(row.label + "\ncells", fontsize=10)
            ax.set_yticks([])
            ax.set_xticks(range(T), [] if ax is not self.heat_axes[-1] else None)
            ax.tick_params(axis="x", labelsize=9)
            bar = ax.figure.colorbar(self.images[-1], ax=ax, fraction=0.02, pad=0.01)
            if self.compact and row.limits:  # two ticks: the gate's range
                bar.set_ticks(list(row.limits))
            if row.name == "C":
                self.C_bar = bar  # on each example's own scale
        if self.compact:
            self.heat_axes[0].set_title("rows: memory cells, best three on top")
        else:
            self.heat_axes[0].set_title("every memory cell (rows, best three on top) at every step "
                                        "(columns);\nthe black line is the chosen step, the box "
                                        "the memory cell drawn on the right", fontsize=10)
        last = self.heat_axes[-1]
        last.set_xlabel("time step t: the input symbol read at each step")
        # the symbols read at each step, drawn at each change of example where the tick
        # labels would be (those, transparent, keep their room in the layout)
        last.tick_params(axis="x", labelcolor="none")
        below = ScaledTranslation(0, -last.xaxis.get_tick_padding() / 72,  # points -> inches
                                  live.figure.dpi_scale_trans)
        self.symbols = [last.text(s, 0, "", transform=last.get_xaxis_transform() + below,
                                  ha="center", va="top", fontsize=9) for s in range(T)]
        self.cell = LSTMCellDiagram(self.ax_cell, C_limit=C_max,
                                    fontsize=11 if self.compact else None)
        self.cell_title = self.ax_cell.set_title(" ", **({} if self.compact else {"fontsize": 11}))
        ax_answer = self.ax_answer
        self.bars = []
        if self.ax_bars is not None:  # the notebook: C_t of every cell at the chosen step
            ax_bars = self.ax_bars
            self.bars = list(ax_bars.barh(range(H), np.zeros(H), color=COLORS["C_t"]))
            ax_bars.set_yticks(range(3), [f"★ cell {j}" for j in self.order[:3]], fontsize=9)
            ax_bars.invert_yaxis()  # rows 0-2: the cells with the answer
            ax_bars.axvline(0, color="black", linewidth=0.5)
            ax_bars.set_xlabel("$C_t$ at the chosen step")
            ax_bars.set_ylabel("memory cells (sorted)")
        self.answer_bars = ax_answer.bar(range(model.K), np.zeros(model.K),
                                         color=COLORS["probability"])
        ax_answer.set_xticks(range(model.K), class_names)
        ax_answer.set_ylim(0, 1)
        if self.compact:
            ax_answer.set_title("P(answer)\nfrom $h_t$")
            ax_answer.set_yticks([0, 0.5, 1])
        else:
            ax_answer.set_ylabel("P(answer) = softmax($h_t W_y + b_y$)")
            ax_answer.set_xlabel("the answer read from $h_t$\nat this step")
        # an example changes the heat maps, the symbols, C_t's colour bar and the C_t bars'
        # range; a step or a cell only the marks, the cell and the bars: all drawn at each
        # change over the saved rest of the figure
        live.animate(*self.images, *self.symbols, self.C_bar.ax,
                     *([self.ax_bars] if self.ax_bars is not None else []), *self.markers,
                     *self.cell_boxes, *self.bars, *self.answer_bars, *self.cell.artists,
                     self.cell_title)
        self.example = None  # the example whose gates are drawn
        cells = [(f"{j} ★" if rank < 3 else f"{j}", int(j)) for rank, j in enumerate(self.order)]
        self.controls = {
            "example": slider("example", 0, min(examples, N) - 1, 1, 0, heavy=True),
            "t": slider("time step t", 0, T - 1, 1, T - 1),
            "cell": dropdown("memory cell", cells, int(self.order[0])),
        }
        self.controls["cell"].layout.width = "200px"
        self.panel = LivePanel(self.controls, self.update, self.live, title="LSTM gate inspector")
        self.panel.explorer = self

    def _layout(self, rows: int) -> LiveFigure:
        r"""The figure: one heat map per row on the left, the cell and the bar charts right.

        Each column is a subfigure with its own layout, so that the cell diagram's
        height is not cut by the heat maps' tick labels.
        """
        if self.compact:  # a slide: the heat maps, the cell, the answer (no C_t bars)
            live = LiveFigure(figsize=(12, 3.4))
            widths = [6.0, 4.4, 1.6]
        else:  # the notebook: the heat maps; the cell above the two bar charts
            live = LiveFigure(figsize=(12, 8.5))
            widths = [6.3, 5.7]
        live.axes.remove()
        with matplotlib.rc_context(plotting.PROJECTOR_RC if plotting.PROJECTOR else FIGURE_RC):
            columns = live.figure.subfigures(1, len(widths), width_ratios=widths, wspace=0.02)
            self.heat_axes = list(columns[0].subplots(rows, 1))
            if self.compact:
                self.ax_bars = None
                self.ax_cell = columns[1].subplots()
                self.ax_answer = columns[2].subplots()
            else:
                grid = columns[1].add_gridspec(2, 2, height_ratios=[1.1, 1])
                self.ax_cell = columns[1].add_subplot(grid[0, :])
                self.ax_bars = columns[1].add_subplot(grid[1, 0])
                self.ax_answer = columns[1].add_subplot(grid[1, 1])
        return live

    def _show_example(self, example: int) -> None:
        for image, row in zip(self.images, self.rows, strict=True):
            image.set_data(self.values[row.name][example][:, self.order].T)
        x = self.x
        symbols = [self.step_names[k] if x[example, s, k] > 0.5 else "·"
                   for s in range(self.T) for k in [int(np.argmax(x[example, s]))]]
        self.heat_axes[-1].set_xticklabels(symbols)  # transparent: the layout's room
        for text, symbol in zip(self.symbols, symbols, strict=True):
            text.set_text(symbol)
        limit = float(np.abs(self.values["C"][example]).max()) or 1.0
        if self.ax_bars is not None:
            self.ax_bars.set_xlim(-limit, limit)
        C_image = self.images[[row.name for row in self.rows].index("C")]
        C_image.set_clim(-limit, limit)  # C_t on this example's own scale
        self.example = example

    def cell_values(self, example: int, t: int, cell: int) -> dict:
        r"""One memory cell's values at step t, named as :meth:`LSTMCellDiagram.show` wants.

        h_{t-1} and C_{t-1} of step 0 are the zeros the LSTM starts from.
        """
        v = self.values
        return {"h_prev": float(v["h"][example, t - 1, cell]) if t > 0 else 0.0,
                "C_prev": float(v["C"][example, t - 1, cell]) if t > 0 else 0.0,
                "f_t": float(v["f"][example, t, cell]), "i_t": float(v["i"][example, t, cell]),
                "C_tilde_t": float(v["C_tilde"][example, t, cell]),
                "C_t": float(v["C"][example, t, cell]), "o_t": float(v["o"][example, t, cell]),
                "h_t": float(v["h"][example, t, cell])}

    def update(self, example, t, cell):
        r"""Draw the example's gates (when it changes), mark step ``t`` and show ``cell``."""
        t = min(t, self.T - 1)
        if self.example != example:
            self._show_example(example)
        row = int(np.flatnonzero(self.order == cell)[0])  # where the heat maps draw the cell
        for marker, box in zip(self.markers, self.cell_boxes, strict=True):
            marker.set_xdata([t, t])
            box.set_xy((t - 0.5, row - 0.5))
        self.cell.show(self.cell_values(example, t, cell))
        star = " ★" if row < 3 else ""
        self.cell_title.set_text(f"memory cell {cell}{star} at step {t}")
        if self.bars:  # the notebook: every cell's C_t, the one drawn on the right outlined
            C_t = self.values["C"][example, t, self.order]
            for k, (bar, value) in enumerate(zip(self.bars, C_t, strict=True)):
                bar.set_width(value)
                bar.set_edgecolor(COLORS["forward"] if k == row else "none")
                bar.set_linewidth(2.5 if k == row else 0)
        answers = self.answers[example, t]
        for bar, p in zip(self.answer_bars, answers, strict=True):
            bar.set_height(p)
        guess = int(np.argmax(answers))
        k = int(np.argmax(self.x[example, t]))
        seen = self.step_names[k] if self.x[example, t, k] > 0.5 else "nothing"
        best = self.order[:3]
        names = self.class_names
        return (f"example {example}: label <b>{names[self.y[example]]}</b> · step {t} of "
                f"{self.T - 1}, input {html.escape(seen)} · the output layer would answer "
                f"{names[guess]} ({answers[guess]:.0%}) · starred cells: "
                f"mean f_t {self.values['f'][example, t, best].mean():.2f}, "
                f"i_t {self.values['i'][example, t, best].mean():.2f}")


def gate_inspector(model: sequence.SequenceClassifier, x, y, step_names, class_names,
                   examples: int = 8, compact: bool | None = None) -> LivePanel:
    r"""The panel of a :class:`GateInspector`: example, time step t and memory cell."""
    return GateInspector(model, x, y, step_names, class_names, examples, compact).panel


class TemperatureSampler:
    r"""Sample text from a character model: P_k = softmax(net_k / temperature).

    Left: the probabilities of the next character after the prompt at this
    temperature (the ``top`` most likely). The status shows a sampled continuation;
    the seed slider draws another one. ``compact=True`` (the default on a slide, when
    :data:`course_lib.plotting.PROJECTOR` is set) puts the sampled text beside a
    shorter figure, so that the panel fits a 1280x720 slide.
    """

    def __init__(self, model: sequence.SequenceClassifier, codec, prompts, length: int = 160,
                 top: int = 12, compact: bool | None = None):
        self.model, self.codec, self.length, self.top = model, codec, length, top
        self.compact = plotting.PROJECTOR if compact is None else compact
        self.live = LiveFigure(figsize=(7, 3.1) if self.compact else (10, 3.6))
        self.ax = ax = self.live.axes
        self.nets = {}  # prompt -> net of the next character, computed once per prompt
        self.positions = np.arange(top)
        self.bars = ax.bar(self.positions, np.zeros(top), color=COLORS["probability"])
        ax.set_ylim(0, 1)
        ax.set_ylabel("P(next character)")
        ax.set_xlabel("the most likely next characters")
        ax.set_title("Next character after the prompt")
        # a temperature changes the bars and the title only (the order of the characters is
        # that of net_k); a prompt with other characters draws everything again
        self.live.animate(*self.bars, ax.title)
        self.names = None  # the characters under the bars
        prompt = dropdown("prompt", prompts)
        prompt.layout.width = "420px"
        self.controls = {
            "prompt": prompt,
            "temperature": slider("temperature", 0.1, 2.0, 0.05, 1.0),
            "seed": slider("sample (seed)", 0, 20, 1, 0),
        }
        self.panel = LivePanel(self.controls, self.update, self.live,
                               title="Sampling with a temperature", status_beside=self.compact)
        if self.compact:  # the text beside the figure wraps in the rest of the slide's width
            self.panel.status.layout.width = "490px"
        self.panel.explorer = self

    def _next_net(self, prompt: str) -> np.ndarray:
        if prompt not in self.nets:
            net, _ = self.model.forward(self.codec.one_hot(self.codec.encode(prompt))[None])
            self.nets[prompt] = net[0, -1]
        return self.nets[prompt]

    def update(self, prompt, temperature, seed):
        r"""The next character's probabilities at this temperature, and a sampled continuation."""
        codec = self.codec
        p = sequence.next_char_probabilities(self._next_net(prompt), temperature)
        best = np.argsort(p)[::-1][:self.top]
        for bar, k in zip(self.bars, best, strict=True):
            bar.set_height(p[k])
        names = [repr(codec.alphabet[k])[1:-1] or " " for k in best]
        if names != self.names:
            self.names = names
            self.ax.set_xticks(self.positions, [n if n != " " else "space" for n in names])
            self.live.invalidate()
        if self.compact:  # the prompt is in the text beside the figure
            self.ax.set_title(f"Next character at temperature {temperature:.2f}")
        else:
            self.ax.set_title(f"Next character after {prompt!r} at temperature {temperature:.2f}",
                              fontsize=10)
        text = sequence.generate(self.model, codec, prompt, self.length, temperature=temperature,
                                 rng=np.random.default_rng(seed))
        shown = html.escape(prompt) + "<b>" + html.escape(text) + "</b>"
        size = ";font-size:16px" if self.compact else ""  # a slide: read from the back
        return (f'<pre style="white-space:pre-wrap;margin:0{size}">' + shown + "</pre>"
                f"temperature {temperature:.2f}: {np.sum(p > 0.01)} character(s) with P > 1%")


def temperature_sampler(model: sequence.SequenceClassifier, codec, prompts, length: int = 160,
                        top: int = 12, compact: bool | None = None) -> LivePanel:
    r"""The panel of a :class:`TemperatureSampler`."""
    return TemperatureSampler(model, codec, prompts, length, top, compact).panel
