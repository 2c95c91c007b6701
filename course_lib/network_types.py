r"""The lecture's four types of networks drawn by code, each with its count of connections.

Lecture, "Types of NNs":
    fully connected       "a node from previous layer is connected to all nodes in the next layer"
    recurrent             "a node from the next layer may be connected to nodes in the
                          previous layer" (here: the output back to the hidden layer, and
                          each hidden node to itself)
    lateral               "there exists connections between nodes in the same layer"
                          (a self-organising map's neighbourhood is such a layer)
    partially connected   "a sub-set of all possible connections of fully connected network";
                          drawn as a 1-D convolution: each output node sees k neighbouring
                          inputs through the same k weights w_1 .. w_k (shared)

A connection is one weight w_ij (biases are not drawn and not counted). The
forward connections are black (COLORS "forward"), the ones that make a type what
it is in COLORS "accent", the connections a partially connected layer leaves out
faint and dotted (COLORS "neutral").

:func:`connection_counts` counts a convolution seen as a partially connected layer:
    output size          n_out = n - k + 1 in each dimension (valid, stride 1)
    connections          (output units) x (kernel entries), e.g. 26 * 26 * 9 = 6,084
    shared weights       the kernel entries (9 for 3 x 3) + 1 bias
    unshared             a partially connected layer with the same connections, one
                         weight each: 6,084
    fully connected      (input units) x (output units) = 784 * 676 = 529,984
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np
from matplotlib.lines import Line2D
from matplotlib.patches import Circle, FancyArrowPatch

from .plotting import COLORS, PROJECTOR_BOX, SERIES, axes_or_new

__all__ = ["KINDS", "ConnectionCounts", "NetworkTypeDrawing", "connection_counts",
           "plot_network_type", "plot_network_types"]

#: the lecture's four types, in the order of its slides
KINDS = ("fully connected", "recurrent", "lateral", "partially connected")
#: layer sizes drawn for each type (the partially connected one: 6 inputs, kernel of 3)
LAYERS = {"fully connected": (3, 4, 2), "recurrent": (2, 3, 1), "lateral": (2, 3, 1)}
CONV_INPUTS, CONV_KERNEL = 6, 3
#: the colours of the shared kernel weights w_1, w_2, w_3 (distinct from black and grey)
KERNEL_COLORS = (SERIES[1], SERIES[2], SERIES[4])

_DX, _RADIUS = 1.7, 0.32  # distance between layers, node radius (data units, 1 between nodes)
_YLIM = (-3.25, 3.1)  # the same for every type, so that every node has the same size
_XLIM = (-0.55, 2 * _DX + 0.55)


class ConnectionCounts(NamedTuple):
    r"""A valid, stride-1 convolution counted as a partially connected layer.

    in_shape, out_shape, kernel : tuples (one entry per dimension)
    connections : output units x kernel entries (every connection drawn)
    shared_weights : kernel entries (the weights the convolution learns, bias apart)
    biases : 1 (one bias shared by the output map)
    unshared_weights : the same connections with one weight each (= connections)
    fully_connected : input units x output units
    """

    in_shape: tuple
    out_shape: tuple
    kernel: tuple
    connections: int
    shared_weights: int
    biases: int
    unshared_weights: int
    fully_connected: int


def _shape(value, name: str) -> tuple:
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        value = (value,)
    try:
        shape = tuple(value)
    except TypeError:
        raise TypeError(f"{name} must be a size or a tuple of sizes, e.g. (28, 28); got "
                        f"{value!r}") from None
    if not shape or any(isinstance(v, bool) or not isinstance(v, numbers.Integral) or v < 1
                        for v in shape):
        raise ValueError(f"{name} must hold whole numbers >= 1, e.g. (28, 28); got {value!r}")
    return tuple(int(v) for v in shape)


def connection_counts(in_shape, kernel) -> ConnectionCounts:
    r"""Connections and weights of a valid, stride-1 convolution: a partially connected layer.

    n_out = n - k + 1 per dimension; connections = prod(n_out) * prod(k);
    shared weights = prod(k) (+ 1 bias); fully connected = prod(n) * prod(n_out).

    Parameters
    ----------
    in_shape : int or tuple, e.g. 28 or (28, 28)
    kernel : int (the same in every dimension) or tuple of the same length, e.g. 3 or (3, 3)

    Examples
    --------
    >>> connection_counts((28, 28), 3).connections
    6084
    """
    in_shape = _shape(in_shape, "in_shape")
    kernel = _shape(kernel, "kernel")
    if len(kernel) == 1 and len(in_shape) > 1:
        kernel = kernel * len(in_shape)
    if len(kernel) != len(in_shape):
        raise ValueError(f"kernel {kernel} and in_shape {in_shape} must have the same number of "
                         "dimensions (or give the kernel as one size)")
    if any(k > n for n, k in zip(in_shape, kernel, strict=True)):
        raise ValueError(f"kernel {kernel} is larger than the input {in_shape}: a valid "
                         f"convolution needs k <= n in every dimension (n_out = n - k + 1 = "
                         f"{tuple(n - k + 1 for n, k in zip(in_shape, kernel, strict=True))}); "
                         "use a smaller kernel")
    out_shape = tuple(n - k + 1 for n, k in zip(in_shape, kernel, strict=True))
    n_in, n_out, k = (int(np.prod(s)) for s in (in_shape, out_shape, kernel))
    return ConnectionCounts(in_shape, out_shape, kernel, connections=n_out * k,
                            shared_weights=k, biases=1, unshared_weights=n_out * k,
                            fully_connected=n_in * n_out)


@dataclass
class NetworkTypeDrawing:
    r"""What :func:`plot_network_type` drew, and the count in its title.

    nodes : Circle per node; names : the text in each node (x1, h1, o1, ...);
    edges : the arrows counted (one per weight);
    ends : for each edge, ((x, y) of its first node, (x, y) of its second node), the
        node centres (the same twice for a self-loop);
    left_out : the dotted lines of the connections a partially connected layer leaves out;
    title : the axes title; note : the sentence under the drawing;
    connections : the number of edges (weights, biases apart);
    weights : distinct weights (fewer than connections when they are shared)
    """

    kind: str
    nodes: list = field(default_factory=list)
    names: list = field(default_factory=list)
    edges: list = field(default_factory=list)
    ends: list = field(default_factory=list)
    left_out: list = field(default_factory=list)
    title: object = None
    note: object = None
    connections: int = 0
    weights: int = 0

    def add(self, edge, start, end) -> None:
        r"""Record one edge (a weight) joining the nodes centred at ``start`` and ``end``."""
        self.edges.append(edge)
        self.ends.append((tuple(map(float, start)), tuple(map(float, end))))


def _positions(sizes, gap: float = 1.0) -> list[np.ndarray]:
    r"""Layer l at x = l * _DX, its nodes ``gap`` apart, centred on y = 0."""
    return [np.column_stack([np.full(n, l * _DX), gap * ((n - 1) / 2 - np.arange(n))])
            for l, n in enumerate(sizes)]


def _arrow(ax, start, end, color, *, width=1.6, rad=0.0, style="-|>", linestyle="-",
           shrink=True, zorder=1):
    arrow = FancyArrowPatch(start, end, arrowstyle=style, mutation_scale=13, color=color,
                            linewidth=width, linestyle=linestyle, zorder=zorder,
                            connectionstyle=f"arc3,rad={rad}",
                            shrinkA=0, shrinkB=0)
    if shrink:  # from edge to edge of the circles, in data units
        arrow.set_positions(*_clip(start, end))
    ax.add_patch(arrow)
    return arrow


def _clip(start, end):
    start, end = np.asarray(start, float), np.asarray(end, float)
    unit = (end - start) / np.linalg.norm(end - start)
    return tuple(start + unit * _RADIUS), tuple(end - unit * (_RADIUS + 0.02))


def _draw_nodes(ax, drawing, positions, prefixes, fontsize):
    for layer, prefix in zip(positions, prefixes, strict=True):
        for k, (x, y) in enumerate(layer, start=1):
            node = Circle((x, y), _RADIUS, facecolor="white", edgecolor=COLORS["forward"],
                          linewidth=1.8, zorder=3)
            ax.add_patch(node)
            drawing.nodes.append(node)
            drawing.names.append(ax.text(x, y, f"${prefix}_{{{k}}}$", ha="center",
                                         va="center", fontsize=fontsize, zorder=4))


def _dense(ax, drawing, a, b, color=COLORS["forward"], width=1.4):
    for start in a:
        for end in b:
            drawing.add(_arrow(ax, start, end, color, width=width), start, end)


def _self_loop(ax, node, color):
    x, y = node
    r = _RADIUS
    start, end = (x - 0.55 * r, y + 0.84 * r), (x + 0.55 * r, y + 0.84 * r)
    return _arrow(ax, end, start, color, width=2.0, rad=2.4, shrink=False, zorder=2)


def _fully_connected(ax, drawing):
    pos = _positions(LAYERS["fully connected"])
    _dense(ax, drawing, pos[0], pos[1])
    _dense(ax, drawing, pos[1], pos[2])
    return pos, ("x", "h", "o"), "every node to every node\nof the next layer"


def _recurrent(ax, drawing):
    pos = _positions(LAYERS["recurrent"], gap=1.5)
    _dense(ax, drawing, pos[0], pos[1])
    _dense(ax, drawing, pos[1], pos[2])
    accent = COLORS["accent"]
    (out,) = pos[2]
    for h in pos[1]:  # back from the output to the hidden layer, curved beside the forward edge
        drawing.add(_arrow(ax, out, h, accent, width=2.0, rad=0.35), out, h)
    for h in pos[1]:  # each hidden node to itself
        drawing.add(_self_loop(ax, h, accent), h, h)
    n_back = len(pos[1]) * 2
    return pos, ("x", "h", "o"), f"{n_back} connections go back\n(to an earlier layer or itself)"


def _lateral(ax, drawing):
    pos = _positions(LAYERS["lateral"], gap=1.5)
    _dense(ax, drawing, pos[0], pos[1])
    _dense(ax, drawing, pos[1], pos[2])
    accent = COLORS["accent"]
    hidden = pos[1]
    n = 0
    for a, b in zip(hidden[:-1], hidden[1:], strict=True):  # neighbours, both ways: w_ij, w_ji
        for start, end, rad in ((a, b, 0.45), (b, a, 0.45)):
            drawing.add(_arrow(ax, start, end, accent, width=2.0, rad=rad), start, end)
            n += 1
    return pos, ("x", "h", "o"), f"{n} connections between neighbours\nin the hidden layer"


def _partially_connected(ax, drawing):
    counts = connection_counts(CONV_INPUTS, CONV_KERNEL)
    n_out = counts.out_shape[0]
    x_in = np.column_stack([np.zeros(CONV_INPUTS), (CONV_INPUTS - 1) / 2 - np.arange(CONV_INPUTS)])
    x_out = np.column_stack([np.full(n_out, 2 * _DX), (n_out - 1) / 2 - np.arange(n_out)])
    for j, end in enumerate(x_out):
        for i, start in enumerate(x_in):
            u = i - j  # kernel index of this connection, if it has one
            if 0 <= u < CONV_KERNEL:
                drawing.add(_arrow(ax, start, end, KERNEL_COLORS[u], width=2.4), start, end)
            else:
                line = ax.plot(*np.transpose(_clip(start, end)), linestyle=":", linewidth=1.0,
                               color=COLORS["neutral"], zorder=0)[0]
                drawing.left_out.append(line)
    handles = [Line2D([], [], color=c, linewidth=2.4, label=f"$w_{{{u + 1}}}$")
               for u, c in enumerate(KERNEL_COLORS)]
    handles.append(Line2D([], [], color=COLORS["neutral"], linestyle=":", label="left out"))
    ax.legend(handles=handles, loc="lower center", bbox_to_anchor=(0.5, -0.02), ncol=4,
              fontsize=11, handlelength=1.0, columnspacing=0.6, handletextpad=0.3,
              frameon=False)
    drawing.weights = counts.shared_weights
    note = (f"{counts.connections} of {CONV_INPUTS * n_out} connections,\n"
            f"{counts.shared_weights} shared weights (a 1-D convolution)")
    return [x_in, x_out], ("x", "o"), note


_DRAW = {"fully connected": _fully_connected, "recurrent": _recurrent, "lateral": _lateral,
         "partially connected": _partially_connected}


def plot_network_type(kind: str, ax=None, *, fontsize: float = 12) -> NetworkTypeDrawing:
    r"""Draw one of the lecture's types of networks with its number of connections in the title.

    Parameters
    ----------
    kind : "fully connected", "recurrent", "lateral" or "partially connected"
    ax : Axes or None (a new figure)
    fontsize : of the node names and the text (>= 11 for a slide)

    Returns
    -------
    NetworkTypeDrawing (its ``connections`` is the number in the title)
    """
    if not isinstance(kind, str):
        raise TypeError(f"kind must be a name, one of: {', '.join(KINDS)}; got {kind!r}")
    if kind not in _DRAW:
        raise ValueError(f"unknown network kind {kind!r}; choose one of: {', '.join(KINDS)}")
    ax = axes_or_new(ax, figsize=(3.2, 4.2))
    drawing = NetworkTypeDrawing(kind)
    positions, prefixes, note = _DRAW[kind](ax, drawing)
    _draw_nodes(ax, drawing, positions, prefixes, fontsize)
    drawing.connections = len(drawing.edges)
    drawing.weights = drawing.weights or drawing.connections
    count = f"{drawing.connections} connections"
    if drawing.weights < drawing.connections:
        count += f", {drawing.weights} weights"
    drawing.title = ax.set_title(f"{kind}\n{count}", fontsize=fontsize + 2)
    drawing.note = ax.text(0.5, 0.0 if kind != "partially connected" else 0.085, note,
                           transform=ax.transAxes, ha="center", va="bottom",
                           fontsize=max(fontsize - 1, min(fontsize, 11)), color=COLORS["forward"])
    ax.set_xlim(_XLIM)
    ax.set_ylim(_YLIM if kind != "partially connected" else (_YLIM[0] - 0.9, _YLIM[1]))
    ax.set_aspect("equal")
    ax.set_axis_off()
    return drawing


def plot_network_types(fig=None, *, fontsize: float = 12) -> list[NetworkTypeDrawing]:
    r"""The four types side by side on one slide-sized figure (12.2 x 4.7 in); their drawings."""
    if fig is None:
        import matplotlib.pyplot as plt

        fig = plt.figure(figsize=PROJECTOR_BOX, layout="constrained")
    axes = fig.subplots(1, len(KINDS))
    return [plot_network_type(kind, ax, fontsize=fontsize) for kind, ax in zip(KINDS, axes,
                                                                             strict=True)]
