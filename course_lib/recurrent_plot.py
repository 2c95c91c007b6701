r"""Diagrams of recurrent networks drawn by code: the RNN unfolded in time, and one LSTM cell.

:func:`rnn_unfolded_plot` draws the lecture's "Recurrent Neural Network (RNN)"
figure: the cell A with its loop, and the same cell unfolded over T steps, one
copy per step, all with the same W and b:
    h_t = tanh([h_{t-1}, x_t] W + b)
and, when given, how much gradient of the loss read at the last step reaches
each earlier step (backpropagation through time).

:class:`LSTMCellDiagram` draws one LSTM cell as the lecture's slides do (after
colah's "Understanding LSTM Networks"): the memory lane C_{t-1} -> C_t along the
top, with a x (forget) and a + (input); the four small layers sigma, sigma, tanh,
sigma reading [h_{t-1}, x_t] at the bottom; tanh(C_t) times o_t giving h_t:
    f_t = sigma(W_f . [h_{t-1}, x_t] + b_f)      i_t = sigma(W_i . [h_{t-1}, x_t] + b_i)
    C_tilde_t = tanh(W_C . [h_{t-1}, x_t] + b_C) o_t = sigma(W_o . [h_{t-1}, x_t] + b_o)
    C_t = f_t * C_{t-1} + i_t * C_tilde_t        h_t = o_t * tanh(C_t)
It is drawn once; :meth:`LSTMCellDiagram.highlight` and :meth:`LSTMCellDiagram.show`
change its artists in place, so a widget can blit them.
"""

from __future__ import annotations

import numbers

import matplotlib
import numpy as np
from matplotlib import patheffects
from matplotlib.colors import Normalize
from matplotlib.patches import Circle, Ellipse, FancyArrowPatch, FancyBboxPatch
from matplotlib.path import Path

from .plotting import CMAPS, COLORS

__all__ = ["CELL_PARTS", "CELL_VALUES", "MAX_STEPS", "LSTMCellDiagram", "rnn_unfolded_plot"]

#: the most steps :func:`rnn_unfolded_plot` draws side by side (labels stay readable)
MAX_STEPS = 12
#: the parts :meth:`LSTMCellDiagram.highlight` can emphasise, as the lecture's slides name them
CELL_PARTS = ("memory lane", "forget gate", "input gate", "output layer")
#: the values :meth:`LSTMCellDiagram.show` writes, one memory cell at one step (x_t optional)
CELL_VALUES = ("x_t", "h_prev", "C_prev", "f_t", "i_t", "C_tilde_t", "C_t", "o_t", "h_t")

_ARROW = "-|>,head_length=0.5,head_width=0.25"
_XLIM, _YLIM = (-1.3, 12.2), (-1.45, 7.55)  # the LSTM cell's drawing, in its own units
_DIM = 0.18  # alpha of what a highlight leaves in the background
#: the colour of each part's x and + nodes when it is highlighted (layers keep their gate's)
_PART_COLORS = {"memory lane": "C_t", "forget gate": "f_t", "input gate": "i_t",
                "output layer": "o_t"}


def _new_axes(figsize):
    import matplotlib.pyplot as plt

    _, ax = plt.subplots(figsize=figsize, layout="constrained")
    return ax


def _arrow(ax, points, color, linewidth, *, head=True, zorder=2, head_scale=1.0, **kwargs):
    r"""An arrow along the polyline ``points`` (its head at the last point)."""
    points = np.asarray(points, dtype=float)
    codes = [Path.MOVETO] + [Path.LINETO] * (len(points) - 1)
    arrow = FancyArrowPatch(path=Path(points, codes), arrowstyle=_ARROW if head else "-",
                            mutation_scale=(12 + 3 * linewidth) * head_scale, color=color,
                            linewidth=linewidth, capstyle="round", joinstyle="round",
                            zorder=zorder, **kwargs)
    ax.add_patch(arrow)
    return arrow


def _ratio_text(r: float) -> str:
    r"""1, 0.31, 0.042, then powers of ten in mathtext: 3.2 x 10^-5."""
    if r == 0:
        return "0"
    if r >= 0.01:
        return f"{r:.2g}"
    exponent = int(np.floor(np.log10(r)))
    mantissa = r / 10.0**exponent
    if round(mantissa, 1) == 1.0:
        return f"$10^{{{exponent}}}$"
    return f"${mantissa:.1f}\\times10^{{{exponent}}}$"


def _check_steps(T) -> int:
    if isinstance(T, bool) or not isinstance(T, numbers.Integral):
        raise TypeError(f"T must be a whole number of time steps (1 to {MAX_STEPS}); "
                        f"got {T!r}")
    if not 1 <= T <= MAX_STEPS:
        raise ValueError(f"T must be between 1 and {MAX_STEPS} steps (the copies must stay "
                         f"readable; draw the last {MAX_STEPS} steps of a longer sequence); "
                         f"got T = {T}")
    return int(T)


def _relative_gradient(gradient, T: int):
    r"""gradient[k] / gradient[0], k = 0 (the last step) .. T-1; None stays None."""
    if gradient is None:
        return None
    g = np.asarray(gradient, dtype=float)
    if g.shape != (T,):
        raise ValueError(f"gradient must hold one norm per step, index k = k steps before the "
                         f"last (e.g. sequence.gradient_through_time(...)[:{T}]): shape ({T},); "
                         f"got shape {g.shape}")
    if not np.all(np.isfinite(g)) or np.any(g < 0) or g[0] <= 0:
        raise ValueError(f"gradient must hold finite norms >= 0, the last step's (k = 0) above "
                         f"0; got {np.array2string(g, precision=3)}")
    return g / g[0]


def rnn_unfolded_plot(T, ax=None, *, gradient=None, values=None, labels: bool = True,
                      first: int = 0):
    r"""The lecture's RNN figure: the cell A with its loop, and A unfolded over T steps.

        h_t = tanh([h_{t-1}, x_t] W + b)    the same W and b at every step

    Left, the folded RNN: x_t in, h_t out, the loop that feeds h_{t-1} back.
    Right, one copy of A per step t = 0 .. T-1, with x_t below, h_t above and the
    arrow h_t -> the next copy; each copy is marked "W, b" (shared by all).

    Parameters
    ----------
    T : number of steps drawn, 1 to :data:`MAX_STEPS`
    ax : Axes to draw on (None: a new figure)
    gradient : optional (T,), the norm of dL/dx reaching each step from a loss read at the
        last step, index k = k steps back (index 0: the last step), as
        ``sequence.gradient_through_time(...)[:T]`` returns. The backward arrows (in
        ``COLORS["backward"]``) fade with log10 of gradient[k] / gradient[0], and the ratio
        is printed under each x_t.
    values : optional (T,), one number per step (e.g. one unit of h_t), written beside
        each h_t node (three decimals)
    labels : False leaves the node symbols invisible (a slide can reveal them later)
    first : the index of the first step drawn (0: x_0 ... x_{T-1}, as in the lecture's
        figure; 1: x_1 ... x_T, as notebook 05 numbers its steps)

    Returns
    -------
    dict of artists: "cells" (T copies), "folded" (its cell, loop and nodes), "nodes"
    (x_t and h_t circles), "labels" (every node's symbol), "shared" (the "W, b" texts and
    the caption), "edges" (forward arrows), "gradient" (backward arrows), "ratios"
    (their printed ratios), "values" (texts above h_t).
    """
    T = _check_steps(T)
    if not isinstance(first, numbers.Integral) or isinstance(first, bool) or first < 0:
        raise ValueError(f"first must be the index of the first step drawn, an integer >= 0; "
                         f"got {first!r}")
    ratio = _relative_gradient(gradient, T)
    if values is not None:
        values = np.asarray(values, dtype=float)
        if values.shape != (T,) or not np.all(np.isfinite(values)):
            raise ValueError(f"values must hold one finite number per step, shape ({T},); got "
                             f"{np.array2string(values, precision=3)}")
    if ax is None:
        ax = _new_axes((2.6 + 1.45 * T + (0.9 if ratio is not None else 0), 4.2))
    fg, bg = COLORS["forward"], COLORS["backward"]
    w, h, r = 1.0, 0.9, 0.36  # a cell's width and height, a node's radius
    y_x, y_h = -1.55, 1.55  # rows of the x_t and h_t nodes
    dx = 1.75  # from one copy to the next
    x0 = 3.4  # the first copy
    art = {"cells": [], "folded": {}, "nodes": [], "labels": [], "shared": [], "edges": [],
           "gradient": [], "ratios": [], "values": []}
    fill = {"facecolor": "white", "edgecolor": fg, "linewidth": 2.0, "zorder": 3}

    def cell(cx):
        box = FancyBboxPatch((cx - w / 2, -h / 2), w, h,
                             boxstyle="round,pad=0.02,rounding_size=0.12", **fill)
        ax.add_patch(box)
        label = ax.text(cx, 0.12, "$A$", ha="center", va="center", fontsize=15, zorder=4)
        shared = ax.text(cx, -0.24, "$W, b$", ha="center", va="center", fontsize=11, zorder=4)
        return box, label, shared

    def node(cx, cy, text):
        circle = ax.add_patch(Circle((cx, cy), r, **fill))
        label = ax.text(cx, cy, text, ha="center", va="center", fontsize=13, zorder=4)
        return circle, label

    # the folded RNN: x_t -> A -> h_t, and the loop
    box, a_label, a_shared = cell(0.0)
    x_node, x_label = node(0.0, y_x, "$x_t$")
    h_node, h_label = node(0.0, y_h, "$h_t$")
    loop = _arrow(ax, [(w / 2, 0.2), (1.35, 0.2), (1.35, -0.2), (w / 2, -0.2)], fg, 2.0,
                  zorder=2)
    loop_label = ax.text(1.45, 0.0, "$h_{t-1}$", ha="left", va="center", fontsize=12)
    art["folded"] = {"cell": box, "loop": loop, "x": x_node, "h": h_node}
    art["labels"] += [a_label, x_label, h_label, loop_label]
    art["shared"].append(a_shared)
    art["edges"] += [_arrow(ax, [(0, y_x + r), (0, -h / 2)], fg, 2.0),
                     _arrow(ax, [(0, h / 2), (0, y_h - r)], fg, 2.0)]
    ax.text(2.45, 0.0, "=", ha="center", va="center", fontsize=22)
    art["shared"].append(ax.text(0.3, y_h + r + 0.25, "folded", ha="center", va="bottom",
                                 fontsize=12))

    # unfolded: one copy per step
    centres = x0 + dx * np.arange(T)
    for t, cx in enumerate(centres):
        box, a_label, a_shared = cell(cx)
        art["cells"].append(box)
        art["labels"].append(a_label)
        art["shared"].append(a_shared)
        step = t + first
        for cy, text in ((y_x, f"$x_{{{step}}}$"), (y_h, f"$h_{{{step}}}$")):
            circle, label = node(cx, cy, text)
            art["nodes"].append(circle)
            art["labels"].append(label)
        art["edges"] += [_arrow(ax, [(cx, y_x + r), (cx, -h / 2)], fg, 2.0),
                         _arrow(ax, [(cx, h / 2), (cx, y_h - r)], fg, 2.0)]
        if t + 1 < T:  # h_t into the next copy
            art["edges"].append(_arrow(ax, [(cx + w / 2, 0.2), (cx + dx - w / 2, 0.2)], fg, 2.0))
    caption = ("unfolded through time: the same $W, b$ in every copy" if T >= 4
               else "unfolded: the same\n$W, b$ in every copy")  # a few copies: narrow
    art["shared"].append(ax.text((centres[0] + centres[-1]) / 2, y_h + r + 0.25, caption,
                                 ha="center", va="bottom", fontsize=12))
    right = centres[-1] + w / 2

    if ratio is not None:  # the loss reads h_{T-1}; its gradient flows back, left and down
        cl = centres[-1]
        loss, loss_label = node(cl + dx * 0.75, y_h, r"$\mathcal{L}$")
        art["nodes"].append(loss)
        art["labels"].append(loss_label)
        art["edges"].append(_arrow(ax, [(cl + r, y_h), (cl + dx * 0.75 - r, y_h)], fg, 2.0))
        right = cl + dx * 0.75 + r
        finite = ratio[ratio > 0]
        decades = max(3.0, float(np.ceil(-np.log10(finite.min()))) if finite.size else 3.0)

        def strength(value):
            return float(np.clip(1 + np.log10(max(value, 1e-300)) / decades, 0.12, 1.0))

        s = 0.22  # backward arrows run beside the forward ones
        art["gradient"].append(_arrow(ax, [(cl + dx * 0.75 - r, y_h - s), (cl + r, y_h - s)],
                                      bg, 2.6))
        art["gradient"].append(_arrow(ax, [(cl + s, y_h - r), (cl + s, h / 2)], bg, 2.6))
        for t, cx in enumerate(centres):
            k = T - 1 - t
            a = strength(ratio[k])
            if t + 1 < T:  # from copy t+1 back into copy t: what reaches h_t
                art["gradient"].append(_arrow(ax, [(cx + dx - w / 2, -0.2), (cx + w / 2, -0.2)],
                                              bg, 1.0 + 2.0 * a, alpha=a))
            art["gradient"].append(_arrow(ax, [(cx + s, -h / 2), (cx + s, y_x + r)], bg,
                                          1.0 + 2.0 * a, alpha=a))
            art["ratios"].append(ax.text(cx, y_x - r - 0.12, _ratio_text(ratio[k]), ha="center",
                                         va="top", fontsize=12, color=bg))
        art["shared"].append(ax.text(centres[0] - w / 2 - 0.35, y_x - r - 0.12,
                                     r"$\|\partial\mathcal{L}/\partial x_t\|$" + "\n/ last step:",
                                     ha="right", va="top", fontsize=12, color=bg))
    if values is not None:  # the number only: a fill would add a colour meaning
        for cx, value in zip(centres, values, strict=True):
            art["values"].append(ax.text(cx + r + 0.05, y_h + r * 0.7, f"{value:.3f}",
                                         ha="left", va="bottom", fontsize=12))
    for text in art["labels"]:
        text.set_visible(bool(labels))
    bottom = y_x - r - (1.0 if ratio is not None else 0.2)
    ax.set_xlim(-0.75, right + 0.25)
    ax.set_ylim(bottom, y_h + r + (0.75 if T >= 4 else 1.2))
    ax.set_aspect("equal")
    ax.set_axis_off()
    return art


# ---------------------------------------------------------------- one LSTM cell


class _Edge:
    r"""One line of the diagram: its arrow, the value that colours it, its own colour."""

    def __init__(self, arrow, color, scale):
        self.arrow, self.color, self.scale = arrow, color, scale
        self.linewidth = arrow.get_linewidth()


class LSTMCellDiagram:
    r"""One LSTM cell drawn as on the lecture's slides, then highlighted or filled in place.

        f_t = sigma(W_f . [h_{t-1}, x_t] + b_f)      C_t = f_t * C_{t-1} + i_t * C_tilde_t
        i_t = sigma(W_i . [h_{t-1}, x_t] + b_i)      o_t = sigma(W_o . [h_{t-1}, x_t] + b_o)
        C_tilde_t = tanh(W_C . [h_{t-1}, x_t] + b_C) h_t = o_t * tanh(C_t)

    The memory lane C_{t-1} -> C_t runs along the top (blue); the four small layers
    at the bottom read [h_{t-1}, x_t]; each gate's line has the gate's colour
    (``COLORS["f_t"]``, ``"i_t"``, ``"C_tilde_t"``, ``"o_t"``).

    Parameters
    ----------
    ax : Axes to draw on (its limits, aspect and frame are set here)
    C_limit : |C| that gets the full colour of ``CMAPS["signed"]`` in :meth:`show`
        (C_{t-1} and C_t; h_t, tilde C_t and tanh(C_t) use 1, gates [0, 1] ``CMAPS["unit"]``)
    fontsize : of the symbols (default: the figure's font size)

    Attributes
    ----------
    artists : everything :meth:`highlight` and :meth:`show` change, in drawing order
        (give them to ``LiveFigure.animate``)
    parts : part name (:data:`CELL_PARTS`) -> its artists
    labels : symbol name -> Text ("C_prev", "C_t", "h_prev", "h_t", "h_t up", "x_t", "f_t",
        "i_t", "C_tilde_t", "o_t", and the nodes "forget x", "input x", "+", "output x",
        "sigma f", "sigma i", "tanh C_tilde", "sigma o", "tanh C_t")
    value_texts : value name (:data:`CELL_VALUES`) -> the Text that :meth:`show` fills in
    """

    def __init__(self, ax, *, C_limit: float = 1.0, fontsize: float | None = None):
        if not (isinstance(C_limit, numbers.Real) and np.isfinite(C_limit) and C_limit > 0):
            raise ValueError(f"C_limit must be a number > 0 (the |C_t| drawn in full colour); "
                             f"got {C_limit!r}")
        self.ax = ax
        size = float(fontsize or matplotlib.rcParams["font.size"])
        # lines and arrow heads in proportion to the drawing: 1 at slide size (6 x 4.7 in)
        box = ax.get_window_extent()  # pixels, before any layout
        unit = min(box.width / (_XLIM[1] - _XLIM[0]), box.height / (_YLIM[1] - _YLIM[0]))
        self._scale = float(np.clip(unit * 72 / ax.figure.dpi / 26.0, 0.5, 1.5))
        self._cmaps = {"unit": matplotlib.colormaps[CMAPS["unit"]],
                       "signed": matplotlib.colormaps[CMAPS["signed"]]}
        self._norms = {"unit": Normalize(0.0, 1.0), "signed": Normalize(-1.0, 1.0),
                       "C": Normalize(-float(C_limit), float(C_limit))}  # by a line's scale
        self.edges: dict[str, _Edge] = {}
        self.nodes: dict[str, object] = {}  # name -> patch
        self.labels: dict = {}
        self.value_texts: dict = {}
        self._values = None
        self.part = None
        self._draw(size)
        self.parts = self._parts()
        self.artists = [*(e.arrow for e in self.edges.values()), *self.nodes.values(),
                        *self.labels.values(), *self.value_texts.values()]
        self._restyle()

    # -------------------------------------------------------------- drawing, once

    def _edge(self, name, points, color, scale, *, head=True, linewidth=2.6):
        r"""A line in ``color``; ``scale`` ("unit", "signed", "C" or None) colours its value."""
        arrow = _arrow(self.ax, points, color, linewidth * self._scale, head=head, zorder=2,
                       head_scale=self._scale)
        self.edges[name] = _Edge(arrow, color, scale)

    def _node(self, name, centre, kind, text, color, size):
        r"""A x or + ("op"), the tanh of C_t ("ellipse") or a layer edged in ``color``."""
        x, y = centre
        if kind == "op":  # a pointwise x or +: a circle
            patch = Circle((x, y), 0.36, facecolor="white", edgecolor=COLORS["forward"],
                           linewidth=1.8, zorder=4)
            fontsize = size * 1.25
        elif kind == "ellipse":  # the pointwise tanh on the output path
            patch = Ellipse((x, y), 1.25, 0.62, facecolor="white", edgecolor=COLORS["forward"],
                            linewidth=1.8, zorder=4)
            fontsize = size
        else:  # a layer: sigma or tanh with weights
            patch = FancyBboxPatch((x - 0.6, y - 0.34), 1.2, 0.68,
                                   boxstyle="round,pad=0.02,rounding_size=0.12",
                                   facecolor="white", edgecolor=color, linewidth=2.4, zorder=4)
            fontsize = size * (1.25 if text == r"$\sigma$" else 1.0)
        self.ax.add_patch(patch)
        self.nodes[name] = patch
        patch.set_linewidth(patch.get_linewidth() * self._scale)
        patch.course_linewidth = patch.get_linewidth()
        self.labels[name] = self.ax.text(x, y, text, ha="center", va="center", fontsize=fontsize,
                                         zorder=5)

    def _label(self, name, xy, text, color, size, **kwargs):
        self.labels[name] = self.ax.text(*xy, text, fontsize=size * 1.15, color=color, zorder=5,
                                         **kwargs)

    def _value(self, name, xy, size, **kwargs):
        self.value_texts[name] = self.ax.text(
            *xy, "", fontsize=size, zorder=6, color=COLORS["forward"], ha="center",
            va="center", bbox={"boxstyle": "round,pad=0.2", "facecolor": "white",
                               "edgecolor": COLORS["forward"], "linewidth": 0.8}, **kwargs)

    def _draw(self, size):
        ax, C = self.ax, COLORS
        lane, bus = 5.9, 0.7  # heights of the memory lane and of [h_{t-1}, x_t]
        x_f, x_i, x_C, x_o = 1.9, 3.7, 5.5, 7.3  # the four layers
        y_layer, y_mul = 2.0, 4.1  # the layers; the x of i_t and tilde C_t
        x_out, y_out, y_tanh = 9.0, 3.5, 4.75  # the output's x, the tanh of C_t
        x_h, x_end, y_top = 10.2, 12.0, 7.45  # h_t turns right and up; the ends of the lines
        top = y_layer + 0.34  # the layers' upper edge
        r = 0.36
        ax.add_patch(FancyBboxPatch((0.0, -0.3), x_end - 1.0, lane + 0.9,
                                    boxstyle="round,pad=0,rounding_size=0.5",
                                    facecolor=C["neutral"], alpha=0.1, edgecolor=C["neutral"],
                                    linewidth=1.2, zorder=0))
        # the memory lane: C_{t-1} -> x -> + -> C_t
        self._edge("C_prev", [(-1.1, lane), (x_f - r, lane)], C["C_t"], "C")
        self._edge("f*C_prev", [(x_f + r, lane), (x_C - r, lane)], C["C_t"], "C")
        self._edge("C_t", [(x_C + r, lane), (x_end, lane)], C["C_t"], "C")
        # the inputs: h_{t-1} from the left, x_t from below, joined into [h_{t-1}, x_t]
        self._edge("h_prev", [(-1.1, bus), (0.9, bus)], C["h_t"], "signed", head=False)
        self._edge("x_t", [(0.9, -1.25), (0.9, bus)], C["x_t"], None, head=False)
        self._edge("hx", [(0.9, bus), (x_o, bus)], C["forward"], None, head=False,
                   linewidth=2.0)
        for name, x in (("f", x_f), ("i", x_i), ("C_tilde", x_C), ("o", x_o)):
            self._edge(f"hx->{name}", [(x, bus), (x, y_layer - 0.34)], C["forward"], None,
                       linewidth=2.0)
        # the gates' lines
        self._edge("f_t", [(x_f, top), (x_f, lane - r)], C["f_t"], "unit")
        self._edge("i_t", [(x_i, top), (x_i, y_mul), (x_C - r, y_mul)], C["i_t"], "unit")
        self._edge("C_tilde_t", [(x_C, top), (x_C, y_mul - r)], C["C_tilde_t"], "signed")
        self._edge("i*C_tilde", [(x_C, y_mul + r), (x_C, lane - r)], C["i_t"], "signed")
        self._edge("C_t->tanh", [(x_out, lane), (x_out, y_tanh + 0.31)], C["C_t"], "C")
        self._edge("tanh C_t", [(x_out, y_tanh - 0.31), (x_out, y_out + r)], C["C_t"], "signed")
        self._edge("o_t", [(x_o, top), (x_o, y_out), (x_out - r, y_out)], C["o_t"], "unit")
        self._edge("h_t", [(x_out + r, y_out), (x_h, y_out), (x_h, bus), (x_end, bus)], C["h_t"],
                   "signed")
        self._edge("h_t up", [(x_h, y_out), (x_h, y_top)], C["h_t"], "signed")
        # the nodes
        self._node("forget x", (x_f, lane), "op", r"$\times$", None, size)
        self._node("+", (x_C, lane), "op", "$+$", None, size)
        self._node("input x", (x_C, y_mul), "op", r"$\times$", None, size)
        self._node("output x", (x_out, y_out), "op", r"$\times$", None, size)
        self._node("sigma f", (x_f, y_layer), "layer", r"$\sigma$", C["f_t"], size)
        self._node("sigma i", (x_i, y_layer), "layer", r"$\sigma$", C["i_t"], size)
        self._node("tanh C_tilde", (x_C, y_layer), "layer", "tanh", C["C_tilde_t"], size)
        self._node("sigma o", (x_o, y_layer), "layer", r"$\sigma$", C["o_t"], size)
        self._node("tanh C_t", (x_out, y_tanh), "ellipse", "tanh", None, size)
        # the symbols beside their lines; the values (empty until show) on the lines
        self._label("C_prev", (-1.1, lane + 0.35), "$C_{t-1}$", C["C_t"], size, ha="left",
                    va="bottom")
        self._label("C_t", (x_end, lane + 0.35), "$C_t$", C["C_t"], size, ha="right",
                    va="bottom")
        self._label("h_prev", (-1.1, bus + 0.35), "$h_{t-1}$", C["h_t"], size, ha="left",
                    va="bottom")
        self._label("h_t", (x_end, bus + 0.35), "$h_t$", C["h_t"], size, ha="right",
                    va="bottom")
        self._label("h_t up", (x_h + 0.2, y_top), "$h_t$", C["h_t"], size, ha="left", va="top")
        self._label("x_t", (0.7, -1.05), "$x_t$", C["forward"], size, ha="right", va="center")
        self._label("f_t", (x_f - 0.2, 4.7), "$f_t$", C["f_t"], size, ha="right", va="center")
        self._label("i_t", (x_i - 0.2, 3.95), "$i_t$", C["i_t"], size, ha="right", va="center")
        self._label("C_tilde_t", (x_C + 0.28, 3.4), r"$\tilde{C}_t$", C["C_tilde_t"], size,
                    ha="left", va="center")
        self._label("o_t", ((x_o + x_out - r) / 2, y_out + 0.2), "$o_t$", C["o_t"], size,
                    ha="center", va="bottom")
        for name, xy in (("C_prev", (0.5, lane)), ("C_t", (x_end - 1.0, lane)),
                         ("h_prev", (0.1, bus)), ("h_t", (x_end - 1.0, bus)),
                         ("x_t", (0.9, -0.35)), ("f_t", (x_f, 3.6)),
                         ("i_t", (x_i, 3.15)), ("C_tilde_t", (x_C, 2.75)),
                         ("o_t", (x_o, 2.95))):
            self._value(name, xy, size)
        ax.set_xlim(*_XLIM)
        ax.set_ylim(*_YLIM)
        ax.set_aspect("equal")
        ax.set_axis_off()

    def _parts(self) -> dict:
        e, n, lab = self.edges, self.nodes, self.labels

        def pick(edges, nodes, labels):
            return ([e[k].arrow for k in edges] + [n[k] for k in nodes]
                    + [lab[k] for k in (*nodes, *labels)]
                    + [self.value_texts[k] for k in labels if k in self.value_texts])

        return {
            "memory lane": pick(("C_prev", "f*C_prev", "C_t"), ("forget x", "+"),
                                ("C_prev", "C_t")),
            "forget gate": pick(("hx->f", "f_t"), ("sigma f", "forget x"), ("f_t",)),
            "input gate": pick(("hx->i", "hx->C_tilde", "i_t", "C_tilde_t", "i*C_tilde"),
                               ("sigma i", "tanh C_tilde", "input x", "+"),
                               ("i_t", "C_tilde_t")),
            "output layer": pick(("hx->o", "o_t", "C_t->tanh", "tanh C_t", "h_t", "h_t up"),
                                 ("sigma o", "tanh C_t", "output x"), ("o_t", "h_t", "h_t up")),
        }

    # -------------------------------------------------------------- updates, in place

    def _line_values(self) -> dict:
        r"""The value each line carries (None: not one number, e.g. the vector x_t)."""
        v = self._values
        return {"C_prev": v["C_prev"], "f*C_prev": v["f_t"] * v["C_prev"], "C_t": v["C_t"],
                "h_prev": v["h_prev"], "f_t": v["f_t"], "i_t": v["i_t"],
                "C_tilde_t": v["C_tilde_t"], "i*C_tilde": v["i_t"] * v["C_tilde_t"],
                "C_t->tanh": v["C_t"], "tanh C_t": float(np.tanh(v["C_t"])), "o_t": v["o_t"],
                "h_t": v["h_t"], "h_t up": v["h_t"]}

    def _restyle(self) -> None:
        r"""Set every artist's colour, alpha and width from the part and the values shown."""
        emphasised = set(map(id, self.parts[self.part])) if self.part else set()
        shown = self._values is not None
        carried = self._line_values() if shown else {}
        for name, edge in self.edges.items():
            arrow = edge.arrow
            on = not self.part or id(arrow) in emphasised
            value = carried.get(name)
            if value is None or edge.scale is None:  # its own colour
                arrow.set_color(edge.color)
            else:  # coloured by its value: a gate on [0, 1], the rest signed
                cmap = self._cmaps["unit" if edge.scale == "unit" else "signed"]
                arrow.set_color(cmap(self._norms[edge.scale](value)))
            arrow.set_alpha(1.0 if on else _DIM)
            width = edge.linewidth * (1.7 if self.part and on else 1.0) + (
                0.8 * self._scale if shown else 0)
            arrow.set_linewidth(width)
            # a dark casing, so that a line coloured by a light value stays visible
            arrow.set_path_effects([patheffects.withStroke(linewidth=width + 1.8 * self._scale,
                                                           foreground="0.3")] if shown else [])
        for name, patch in self.nodes.items():
            on = not self.part or id(patch) in emphasised
            strong = bool(self.part) and on
            patch.set_alpha(1.0 if on else _DIM)
            if not isinstance(patch, FancyBboxPatch):  # a x or tanh: the part's colour;
                # the + and tanh(C_t) act on the memory, so they keep the memory lane's
                own = "C_t" if name in ("+", "tanh C_t") else _PART_COLORS.get(self.part)
                patch.set_edgecolor(COLORS[own] if strong else COLORS["forward"])
            patch.set_linewidth(patch.course_linewidth * (1.8 if strong else 1.0))
        for text in [*self.labels.values(), *self.value_texts.values()]:
            on = not self.part or id(text) in emphasised
            text.set_alpha(1.0 if on else _DIM + 0.1)
            if text.get_bbox_patch() is not None:  # a value's box fades with its number
                text.get_bbox_patch().set_alpha(1.0 if on else _DIM + 0.1)
            text.set_fontweight("bold" if self.part and on else "normal")

    def highlight(self, part: str | None) -> None:
        r"""Emphasise one part (:data:`CELL_PARTS`) and dim the rest.

        The part's lines grow thicker, its x nodes take its gate's colour (memory lane:
        ``COLORS["C_t"]``; forget gate: ``"f_t"``; input gate: ``"i_t"``; output layer:
        ``"o_t"``; the + and tanh(C_t), which act on the memory, keep the memory lane's
        blue), its symbols turn bold; everything else fades.
        ``None`` shows the whole cell evenly again. Lines keep the colours of their
        values while :meth:`show` has values on them.
        """
        if part is not None and part not in CELL_PARTS:
            raise ValueError(f"part must be one of {', '.join(map(repr, CELL_PARTS))} or None; "
                             f"got {part!r}")
        self.part = part
        self._restyle()

    def show(self, values: dict | None) -> None:
        r"""Write one memory cell's values at one step on the lines, coloured by value.

        ``values``: floats for the keys of :data:`CELL_VALUES` ("x_t" may be left out), e.g.
        ``{"h_prev": ..., "C_prev": ..., "f_t": ..., "i_t": ..., "C_tilde_t": ..., "C_t": ...,
        "o_t": ..., "h_t": ...}``. Gates are coloured on [0, 1] with ``CMAPS["unit"]``, the
        signed values with ``CMAPS["signed"]`` on a fixed scale. ``None`` clears them.
        """
        if values is None:
            self._values = None
            for text in self.value_texts.values():
                text.set_text("")
            self._restyle()
            return
        if not isinstance(values, dict):
            raise TypeError(f"values must be a dict of floats keyed by {', '.join(CELL_VALUES)}; "
                            f"got {type(values).__name__}")
        unknown = sorted(set(values) - set(CELL_VALUES))
        missing = [k for k in CELL_VALUES if k != "x_t" and k not in values]
        if unknown or missing:
            raise ValueError(f"values needs the keys {', '.join(CELL_VALUES[1:])} (and x_t "
                             f"optionally); missing {missing or 'none'}, unknown "
                             f"{unknown or 'none'}")
        checked = {}
        for key, value in values.items():
            if isinstance(value, np.ndarray) and value.size == 1:
                value = value.reshape(()).item()
            if isinstance(value, bool) or not isinstance(value, numbers.Real):
                raise TypeError(f"values[{key!r}] must be one number (one memory cell at one "
                                f"step); got {value!r}")
            if not np.isfinite(value):
                raise ValueError(f"values[{key!r}] must be finite; got {value!r}")
            checked[key] = float(value)
        self._values = checked
        for key, text in self.value_texts.items():
            text.set_text(f"{checked[key]:.2f}" if key in checked else "")
        self._restyle()
