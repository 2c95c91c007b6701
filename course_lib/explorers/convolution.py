r"""Explorers of notebook 04: stride and padding, and pooling with its gradient.

Both draw their grids once and then update them in place: :class:`NumberGrid`
keeps one image and one text per cell (as many as the largest grid needs) and
changes their data, text, colour and visibility.
"""

from __future__ import annotations

import numpy as np
from matplotlib.collections import LineCollection
from matplotlib.colors import to_rgba
from matplotlib.patches import Rectangle

from .. import conv, pooling
from ..plotting import CMAPS, COLORS
from ..widgets import LiveFigure, LivePanel, dropdown, slider

__all__ = ["NumberGrid", "PoolingExplorer", "StridePaddingExplorer", "pooling_explorer",
           "stride_padding_explorer"]

MAX_NUMBERS = 196  # grids with more cells show colours only: the numbers would not be readable


class NumberGrid:
    r"""A grid of values on ``ax``: each cell coloured by its value, the value written in it.

    Drawn once for grids up to ``max_side`` x ``max_side``; :meth:`update` shows another
    grid (any size up to that) by changing the image and the texts in place.
    """

    def __init__(self, ax, max_side: int, cmap: str):
        self.ax = ax
        self.image = ax.imshow(np.zeros((1, 1)), cmap=cmap, interpolation="nearest")
        self.texts = [[ax.text(j, i, "", ha="center", va="center", fontsize=8, visible=False)
                       for j in range(max_side)] for i in range(max_side)]
        ax.tick_params(labelsize=7)

    def update(self, values, title: str, fmt="{:.0f}", vmin=None, vmax=None) -> None:
        r"""Show ``values`` (rows, cols) with limits vmin/vmax (None: the values' own range).

        ``fmt`` writes a value: a format string, or a function of the value.
        """
        write = fmt if callable(fmt) else fmt.format
        values = np.asarray(values, dtype=float)
        rows, cols = values.shape
        self.image.set_data(values)
        self.image.set_extent((-0.5, cols - 0.5, rows - 0.5, -0.5))
        self.image.set_clim(values.min() if vmin is None else vmin,
                            values.max() if vmax is None else vmax)
        numbers = values.size <= MAX_NUMBERS
        dark = self.image.to_rgba(values)[..., :3].mean(axis=-1) < 0.5  # white text on dark
        for i, row in enumerate(self.texts):
            for j, text in enumerate(row):
                shown = numbers and i < rows and j < cols
                text.set_visible(shown)
                if shown:
                    text.set_text(write(values[i, j]))
                    text.set_color("white" if dark[i, j] else "black")
        self.ax.set_xticks(range(cols))
        self.ax.set_yticks(range(rows))
        self.ax.set_xlim(-0.5, cols - 0.5)
        self.ax.set_ylim(rows - 0.5, -0.5)
        self.ax.set_title(title)

    def set_visible(self, visible: bool) -> None:
        r"""Show or hide the whole grid (its numbers come back at the next update)."""
        self.image.set_visible(visible)
        for row in self.texts:
            for text in row:
                text.set_visible(text.get_visible() and visible)
        self.ax.axis("on" if visible else "off")
        if not visible:
            self.ax.set_title("")


def _short(value: float) -> str:
    r"""Two significant digits without the leading zero (0.25 -> ".25"): fits a small cell."""
    text = f"{value:.2g}"
    return text[1:] if text.startswith("0.") else text


def _outlines(corners, k: int) -> np.ndarray:
    r"""Closed outlines of k x k squares whose top-left cell corners are ``corners`` (x, y)."""
    square = np.array([[0, 0], [k, 0], [k, k], [0, k], [0, 0]], dtype=float) - 0.5
    return np.asarray(corners, dtype=float)[:, None, :] + square[None]


class StridePaddingExplorer:
    r"""Input size, kernel size, stride, padding -> output size, kernel positions, output map.

    n_out = floor((n + 2p - k) / s) + 1. Left: the padded input (padding grey, rows
    and columns no kernel position reaches marked), every kernel position
    outlined and the chosen one filled. Right: the output of cross-correlating
    the input with a vertical-edge kernel, the chosen output cell marked.
    """

    N_MAX, K_MAX, S_MAX, P_MAX = 12, 7, 4, 3
    CONTROL_WIDTH = "246px"  # the five controls fit one row of a 1280 px slide

    def __init__(self, seed: int = 0):
        self.image = np.random.default_rng(seed).integers(0, 10, size=(16, 16)).astype(float)
        self.live = LiveFigure(ncols=2, figsize=(11, 5), slide_figsize=(8.8, 3.1),
                               gridspec_kw={"width_ratios": [1.3, 1]})
        self.ax_in, self.ax_out = self.live.axes
        side = self.N_MAX + 2 * self.P_MAX  # the largest padded input, and output (k = s = 1)
        self.grid_in = NumberGrid(self.ax_in, side, CMAPS["grid"])
        self.shading = self.ax_in.imshow(np.zeros((1, 1, 4)), interpolation="nearest")
        self.border = self.ax_in.add_patch(Rectangle((-0.5, -0.5), 1, 1, fill=False,
                                                     linewidth=1))
        self.positions = self.ax_in.add_collection(LineCollection(
            [], colors=COLORS["kernel"], linewidths=0.6, alpha=0.9))
        self.chosen = self.ax_in.add_patch(Rectangle((-0.5, -0.5), 1, 1, alpha=0.35,
                                                     color=COLORS["kernel"], linewidth=2.5))
        self.grid_out = NumberGrid(self.ax_out, side, CMAPS["signed"])
        self.chosen_out = self.ax_out.add_patch(Rectangle((-0.5, -0.5), 1, 1, fill=False,
                                                          linewidth=3, color=COLORS["kernel"]))
        self.message = self.ax_in.text(0.5, 0.5, "", ha="center", va="center", fontsize=14,
                                       transform=self.ax_in.transAxes, visible=False)
        self.controls = {
            "n": slider("input n", 3, self.N_MAX, 1, 6),
            "k": slider("kernel k", 1, self.K_MAX, 1, 3),
            "stride": slider("stride s", 1, self.S_MAX, 1, 2),
            "padding": slider("padding p", 0, self.P_MAX, 1, 0),
            "position": slider("position", 0, 3, 1, 0),  # of the kernel
        }
        for control in self.controls.values():
            control.layout.width = self.CONTROL_WIDTH
        # a new position moves the two marks over the saved grids; other settings draw
        # everything again
        self.live.animate(self.chosen, self.chosen_out)
        self.key = None  # (n, k, stride, padding) of the grids drawn
        self.panel = LivePanel(self.controls, self.update, self.live,
                               title="Stride and padding explorer")
        self.panel.explorer = self

    def _show(self, visible: bool) -> None:
        for artist in (self.shading, self.border, self.positions, self.chosen, self.chosen_out):
            artist.set_visible(visible)
        self.grid_in.set_visible(visible)
        self.grid_out.set_visible(visible)
        self.message.set_visible(not visible)

    def _shading(self, n, k, stride, padding) -> np.ndarray:
        r"""RGBA over the padded input: padding grey, rows and columns no kernel reaches pink."""
        m = n + 2 * padding
        inside = np.zeros(m, dtype=bool)
        inside[padding:padding + n] = True
        skipped = np.zeros(m, dtype=bool)
        skipped[[r + padding for r in conv.uncovered(n, k, stride, padding)]] = True
        pad = ~(inside[:, None] & inside[None, :])
        pink = skipped[:, None] | skipped[None, :]
        grey = np.array(to_rgba(COLORS["padding"]))
        translucent_pink = np.array(to_rgba(COLORS["uncovered"], alpha=0.35))
        rgba = np.zeros((m, m, 4))
        rgba[pad] = grey
        rgba[pink] = translucent_pink
        rgba[pink & pad] = [*(0.35 * translucent_pink[:3] + 0.65 * grey[:3]), 1.0]  # pink on grey
        return rgba

    def update(self, n, k, stride, padding, position):
        r"""Redraw input, kernel positions and output for the controls' values."""
        try:
            n_out = conv.conv_output_size(n, k, stride, padding)
        except ValueError:  # no stale picture: say it in the figure too
            self._show(False)
            self.message.set_text(f"k = {k} > n + 2p = {n + 2 * padding}:\n"
                                  "no kernel position fits")
            self.key = None  # the next setting that fits draws everything again
            self.live.invalidate()
            raise
        self._show(True)
        self.controls["position"].max = n_out * n_out - 1
        position = min(position, n_out * n_out - 1)
        pi, pj = divmod(position, n_out)
        self.chosen.set_bounds(pj * stride - 0.5, pi * stride - 0.5, k, k)
        self.chosen_out.set_bounds(pj - 0.5, pi - 0.5, 1, 1)
        if (n, k, stride, padding) != self.key:
            self.key = (n, k, stride, padding)
            self._draw_grids(n, k, stride, padding, n_out)
            self.live.invalidate()
        skipped = conv.uncovered(n, k, stride, padding)
        text = (f"n_out = floor((n + 2p - k) / s) + 1 = floor(({n} + 2·{padding} - {k}) / "
                f"{stride}) + 1 = {n_out}")
        if skipped and (n + 2 * padding - k) % stride:
            text += (f"; (n + 2p - k) / s is not whole: input rows and columns {skipped} are "
                     "never covered (pink)")
        elif skipped:
            text += (f"; the stride s = {stride} is larger than the kernel k = {k}: input rows "
                     f"and columns {skipped} between the windows are never covered (pink)")
        return text

    def _draw_grids(self, n, k, stride, padding, n_out) -> None:
        r"""The padded input with its shading and every kernel position, and the output."""
        x = self.image[:n, :n]
        kernel = np.tile(np.array([1.0, 0.0, -1.0])[np.linspace(0, 2, k).round().astype(int)],
                         (k, 1))
        out = conv.cross_correlate2d(x, kernel, stride, padding)
        m = n + 2 * padding
        self.grid_in.update(np.pad(x, padding), f"input {n}x{n}, padding {padding}: {m}x{m}",
                            vmin=0, vmax=30)  # light cells: the numbers stay readable
        self.shading.set_data(self._shading(n, k, stride, padding))
        self.shading.set_extent((-0.5, m - 0.5, m - 0.5, -0.5))
        self.border.set_bounds(-0.5, -0.5, m, m)
        corners = [(j * stride, i * stride) for i in range(n_out) for j in range(n_out)]
        self.positions.set_segments(_outlines(corners, k))
        limit = np.abs(out).max() + 1e-9
        self.grid_out.update(out, f"output {n_out}x{n_out} (vertical-edge kernel {k}x{k})",
                             vmin=-limit, vmax=limit)


def stride_padding_explorer(seed: int = 0) -> LivePanel:
    r"""The panel of a :class:`StridePaddingExplorer`."""
    return StridePaddingExplorer(seed).panel


class PoolingExplorer:
    r"""Window m, stride, max or average: the pooled output and where the gradient goes back."""

    SIDE = 8

    def __init__(self, seed: int = 0):
        rng = np.random.default_rng(seed)
        self.x = rng.integers(0, 10, size=(1, 1, self.SIDE, self.SIDE)).astype(float)
        self.live = LiveFigure(ncols=3, figsize=(12, 4.2), slide_figsize=(12.2, 3.3))
        ax_in, ax_out, ax_grad = self.live.axes
        NumberGrid(ax_in, self.SIDE, CMAPS["grid"]).update(  # the input never changes
            self.x[0, 0], f"input {self.SIDE}x{self.SIDE}", vmin=0, vmax=30)
        self.grid_out = NumberGrid(ax_out, self.SIDE, CMAPS["grid"])
        self.grid_grad = NumberGrid(ax_grad, self.SIDE, CMAPS["gradient"])
        self.live.animate(ax_out, ax_grad)  # drawn at each change; the input is saved once
        self.controls = {
            "size": slider("window m", 1, 4, 1, 2),
            "stride": slider("stride", 1, 4, 1, 2),
            "kind": dropdown("pooling", ("max", "avg")),
        }
        self.panel = LivePanel(self.controls, self.update, self.live,
                               title="Pooling and its gradient")
        self.panel.explorer = self

    def update(self, kind, size, stride):
        r"""Pool the input, and send dout = 1 back through the pooling."""
        forward = pooling.maxpool2d_forward if kind == "max" else pooling.avgpool2d_forward
        backward = pooling.maxpool2d_backward if kind == "max" else pooling.avgpool2d_backward
        out, cache = forward(self.x, size, stride)
        dx = backward(np.ones_like(out), cache)
        self.grid_out.update(out[0, 0], f"{kind} pooling, window {size}, stride {stride}",
                             fmt="{:.1f}" if kind == "avg" else "{:.0f}", vmin=0, vmax=30)
        self.grid_grad.update(dx[0, 0], "gradient reaching the input (dout = 1)", fmt=_short,
                              vmin=0)
        skipped = conv.uncovered(self.SIDE, size, stride)
        return (f"output {out.shape[2]}x{out.shape[3]} = floor((8 - {size}) / {stride}) + 1; "
                + ("each window's gradient goes to its maximum only" if kind == "max" else
                   f"each window spreads its gradient evenly, 1/{size * size} per cell")
                + ("; overlapping windows add up" if stride < size else "")
                + (f"; rows and columns {skipped} are in no window" if skipped else ""))


def pooling_explorer(seed: int = 0) -> LivePanel:
    r"""The panel of a :class:`PoolingExplorer`."""
    return PoolingExplorer(seed).panel
