r"""Drawing a fully connected network: nodes as small output maps, weights as lines.

Like TensorFlow Playground: a line's width grows with |w_ij| and its colour
gives the sign (orange positive, blue negative: the colours of class 1 and
class 0); each node shows its output o_j over the input plane as a small map.

:func:`plot_network` draws a small network with its numbers instead: w_ij on the
edges, and net_j, o_j (the forward run) or delta_j (the backward run) at the nodes,
as in the lecture's worked example.
"""

from __future__ import annotations

import numpy as np
from matplotlib.collections import LineCollection
from matplotlib.patches import Circle, FancyArrowPatch

from .plotting import CLASS_CMAP, CLASS_COLORS, COLORS, axes_or_new

__all__ = ["NetworkDrawing", "node_positions", "plot_network"]

_LUT = (CLASS_CMAP(np.linspace(0.0, 1.0, 256)) * 255).astype(np.uint8)


def node_positions(sizes) -> list[np.ndarray]:
    r"""(x, y) of every node: layer l at x = l, its nodes spread evenly over y in [-1, 1]."""
    widest = max(sizes)
    positions = []
    for layer, n in enumerate(sizes):
        span = 2.0 * (n - 1) / max(widest - 1, 1)
        ys = np.linspace(span / 2, -span / 2, n) if n > 1 else np.zeros(1)
        positions.append(np.column_stack([np.full(n, float(layer)), ys]))
    return positions


def _to_unit(values, low, high):
    return np.clip((values - low) / (high - low), 0.0, 1.0)


class NetworkDrawing:
    r"""The network of an MLP drawn on ``ax``; call :meth:`update` after every training step.

    Parameters
    ----------
    ax : matplotlib Axes
    sizes : layer sizes [n_in, hidden..., n_out]; change them later with :meth:`set_sizes`
    canvas_px : resolution of the image that holds the node maps
    max_layers : the most layers (input and output included) it will be asked to draw

    Everything it draws is in :attr:`artists`, so a figure can blit it: a new
    architecture needs no full redraw of the figure.
    """

    def __init__(self, ax, sizes, canvas_px: tuple[int, int] = (300, 360), max_layers: int = 8):
        self.ax = ax
        self.canvas = np.zeros((*canvas_px, 4), dtype=np.uint8)
        self.xlim, self.ylim = (-0.5, max_layers - 0.5), (-1.3, 1.3)
        self.lines = LineCollection([], zorder=1, capstyle="round")
        ax.add_collection(self.lines)
        self.image = ax.imshow(self.canvas, zorder=2, interpolation="nearest", aspect="auto")
        self.labels = [ax.text(0, -1.42, "", ha="center", va="top", fontsize=9, clip_on=False)
                       for _ in range(max_layers)]
        self.title = ax.set_title("")
        ax.set_axis_off()
        #: the artists that change with the weights or the architecture, in drawing order
        self.artists = (self.lines, self.image, *self.labels, self.title)
        self.set_sizes(sizes)

    def set_sizes(self, sizes) -> None:
        r"""Lay out a new architecture (layer sizes [n_in, hidden..., n_out])."""
        self.sizes = list(sizes)
        if len(self.sizes) > len(self.labels):
            raise ValueError(f"at most {len(self.labels)} layers can be drawn; got {self.sizes}")
        self.positions = node_positions(self.sizes)
        n_layers = len(self.sizes)
        self.xlim = (-0.5, n_layers - 0.5)
        self.image.set_extent((*self.xlim, *self.ylim))
        self.ax.set_xlim(self.xlim)
        self.ax.set_ylim(-1.55, self.ylim[1])
        height, width = self.canvas.shape[:2]
        # a node's tile: as large as the spacing between nodes and layers allows
        gap_y = 2.0 / (max(self.sizes) - 1) if max(self.sizes) > 1 else 1.0
        tile = min(0.8 * gap_y, 0.5)
        px_per_x = width / (self.xlim[1] - self.xlim[0])
        px_per_y = height / (self.ylim[1] - self.ylim[0])
        self.tile_px = max(2, int(min(tile * px_per_x, tile * px_per_y)))
        self.tile_origin = []
        for layer in self.positions:
            cols = ((layer[:, 0] - self.xlim[0]) * px_per_x - self.tile_px / 2).astype(int)
            rows = ((self.ylim[1] - layer[:, 1]) * px_per_y - self.tile_px / 2).astype(int)
            self.tile_origin.append(np.column_stack([rows, cols]))
        hidden = [f"hidden {k}" if n_layers <= 5 else f"h{k}" for k in range(1, n_layers - 1)]
        names = ["input", *hidden, "output"]
        for k, label in enumerate(self.labels):
            label.set_text(names[k] if k < n_layers else "")
            label.set_x(k)
        n_weights = sum((a + 1) * b for a, b in zip(self.sizes[:-1], self.sizes[1:], strict=True))
        self.title.set_text(f"network: {n_weights} weights and biases")
        # many lines get thinner and fainter, so that the larger weights still stand out
        n_edges = sum(a * b for a, b in zip(self.sizes[:-1], self.sizes[1:], strict=True))
        self.max_width = 3.5 * min(1.0, np.sqrt(30.0 / n_edges))
        self.lines.set_alpha(min(1.0, 0.35 + 20.0 / n_edges))

    def update(self, params: dict, maps: list[np.ndarray], ranges: list[tuple[float, float]]):
        r"""Redraw the weights from ``params`` and the node maps.

        Parameters
        ----------
        params : "W1", ..., "WL" as in MLP.params
        maps : one array per layer, shape (n_nodes, r, r): each node's output over the plane
        ranges : one (low, high) per layer: the values mapped to blue and orange
        """
        segments, widths, colors = [], [], []
        for l in range(1, len(self.sizes)):
            W = params[f"W{l}"]
            a, b = self.positions[l - 1], self.positions[l]
            ii, jj = np.meshgrid(np.arange(len(a)), np.arange(len(b)), indexing="ij")
            segments.append(np.stack([a[ii.ravel()], b[jj.ravel()]], axis=1))
            w = W.ravel()
            widths.append(0.2 + self.max_width * np.tanh(np.abs(w)))
            colors.append(np.where(w >= 0, 1, 0))
        self.lines.set_segments(np.concatenate(segments))
        self.lines.set_linewidths(np.concatenate(widths))
        self.lines.set_color([CLASS_COLORS[c] for c in np.concatenate(colors)])
        self.canvas[...] = 0
        t = self.tile_px
        for layer_maps, origins, (low, high) in zip(maps, self.tile_origin, ranges, strict=True):
            r = layer_maps.shape[-1]
            index = np.arange(t) * r // t  # nearest-neighbour upscaling r -> t pixels
            for node_map, (row, col) in zip(layer_maps, origins, strict=True):
                # rows of a map go up in x_2; the canvas's rows go down
                tile = _LUT[(_to_unit(node_map, low, high) * 255).astype(np.uint8)]
                self.canvas[row:row + t, col:col + t] = tile[::-1][index][:, index]
                self.canvas[row:row + t, col:col + t][[0, -1], :] = (80, 80, 80, 255)
                self.canvas[row:row + t, col:col + t][:, [0, -1]] = (80, 80, 80, 255)
        self.image.set_data(self.canvas)
        return self.lines, self.image


def _check_layers(weights, names, node_text, edge_values):
    weights = [np.asarray(W, dtype=float) for W in weights]
    if not weights or any(W.ndim != 2 for W in weights):
        raise ValueError("weights must be a non-empty list of 2-D arrays W[i, j] = w_ij, one "
                         "per layer, e.g. [W1 of shape (2, 2), W2 of shape (2, 1)]")
    sizes = [weights[0].shape[0]] + [W.shape[1] for W in weights]
    for l, (W, n_in) in enumerate(zip(weights, sizes[:-1], strict=True), start=1):
        if W.shape[0] != n_in:
            raise ValueError(f"layer {l}: W has shape {W.shape}, but the layer before has "
                             f"{n_in} nodes; W[i, j] must be (n_in, n_out)")
    if names is None:
        names = [[f"{layer}{k + 1}" for k in range(n)]
                 for layer, n in zip(["x", *["h"] * (len(sizes) - 2), "o"], sizes, strict=True)]
    for what, per_layer in (("names", names), ("node_text", node_text)):
        if per_layer is not None and [len(layer) for layer in per_layer] != sizes:
            raise ValueError(f"{what} must have one entry per node, layer by layer, "
                             f"{sizes}; got {[len(layer) for layer in per_layer]}")
    if edge_values is not None:
        edge_values = [np.asarray(E, dtype=float) for E in edge_values]
        if [E.shape for E in edge_values] != [W.shape for W in weights]:
            raise ValueError(f"edge_values must have the shapes of the weights, "
                             f"{[W.shape for W in weights]}; got {[E.shape for E in edge_values]}")
    return weights, sizes, names, edge_values


def plot_network(weights, ax=None, *, names=None, node_text=None, edge_values=None,
                 backward: bool = False, title: str | None = None, fontsize: float = 12,
                 number_format: str = "{:.4g}"):
    r"""A small network with its numbers: w_ij on every edge, text at every node.

    Parameters
    ----------
    weights : list of arrays W[i, j] = w_ij, shape (n_in, n_out), one per layer
    names : per layer, the node names (mathtext), e.g. [["$x_1$", "$x_2$"], ["$h_1$",
        "$h_2$"], ["$out$"]]; default x1, x2, h1, ...
    node_text : per layer, a text beside each node, e.g. "net = 0.4450\no = 0.6095"
    edge_values : per layer, the numbers written on the edges (default: the weights);
        e.g. the gradients dL/dw_ij = delta_j o_i for the backward run
    backward : False: edges point forward (input to output), coloured by the sign of
        w_ij (COLORS "positive"/"negative"), as thick as |w_ij|; True: they point back
        (output to input), dashed, in COLORS["backward"], as thick as |edge value|, as
        the deltas flow in backpropagation
    number_format : how the edge values are written, e.g. "{:.2f}"

    Returns
    -------
    dict of artists: "nodes" (Circle per node, layer by layer), "names", "node_text",
    "edges" and "edge_labels" (one per weight, layer by layer, i then j)
    """
    weights, sizes, names, edge_values = _check_layers(weights, names, node_text, edge_values)
    edge_values = weights if edge_values is None else edge_values
    ax = axes_or_new(ax)
    positions = [p * np.array([3.4, 1.0]) for p in node_positions(sizes)]  # wide layers
    radius = 0.22
    artists = {"nodes": [], "names": [], "node_text": [], "edges": [], "edge_labels": []}
    thickness = edge_values if backward else weights
    largest = max(float(np.abs(T).max()) for T in thickness) or 1.0
    for l, (W, E, T) in enumerate(zip(weights, edge_values, thickness, strict=True)):
        for i, start in enumerate(positions[l]):
            for j, end in enumerate(positions[l + 1]):
                color = COLORS["backward"] if backward else COLORS[
                    "positive" if W[i, j] >= 0 else "negative"]
                tail, head = (end, start) if backward else (start, end)
                arrow = FancyArrowPatch(tail, head, arrowstyle="-|>", mutation_scale=16,
                                        shrinkA=radius * 72, shrinkB=radius * 72,
                                        linewidth=1.5 + 3.0 * abs(T[i, j]) / largest,
                                        color=color, zorder=1,
                                        linestyle="--" if backward else "-")
                ax.add_patch(arrow)
                artists["edges"].append(arrow)
                # the number near node i on a slanted edge, mid-way on a level one:
                # clear of the crossings between the layers
                at = start + (end - start) * (0.45 if abs(end[1] - start[1]) < 1e-9 else 0.22)
                artists["edge_labels"].append(ax.text(
                    *at, number_format.format(E[i, j]), ha="center", va="center",
                    fontsize=fontsize, color=COLORS["forward"], zorder=3,
                    bbox={"boxstyle": "round,pad=0.2", "facecolor": "white",
                          "edgecolor": color, "linewidth": 1.2}))
    for l, layer in enumerate(positions):
        for k, (x, y) in enumerate(layer):
            node = Circle((x, y), radius, facecolor="white", edgecolor=COLORS["forward"],
                          linewidth=2, zorder=2)
            ax.add_patch(node)
            artists["nodes"].append(node)
            artists["names"].append(ax.text(x, y, names[l][k], ha="center", va="center",
                                            fontsize=fontsize + 2, zorder=4))
            if node_text is not None:  # above the top nodes, below the bottom ones,
                # beside the middle ones: away from the edges
                side = "above" if y > 1e-9 else "below" if y < -1e-9 else "beside"
                offset = {"above": (0, radius + 0.06), "below": (0, -radius - 0.06),
                          "beside": (radius + 0.1, 0)}[side]
                artists["node_text"].append(ax.text(
                    x + offset[0], y + offset[1], node_text[l][k],
                    ha="left" if side == "beside" else "center",
                    va={"above": "bottom", "below": "top", "beside": "center"}[side],
                    fontsize=fontsize, zorder=4,
                    color=COLORS["backward"] if backward else COLORS["forward"]))
    xs = np.concatenate([p[:, 0] for p in positions])
    ys = np.concatenate([p[:, 1] for p in positions])
    margin = 0.85 if node_text is not None else 0.1
    ax.set_xlim(xs.min() - 0.5, xs.max() + (2.4 if node_text is not None else 0.5))
    ax.set_ylim(ys.min() - radius - margin, ys.max() + radius + margin)
    ax.set_aspect("equal")
    ax.set_axis_off()
    if title is not None:
        ax.set_title(title)
    return artists
