r"""Explorers of notebook 04: stride and padding, and pooling with its gradient."""

from __future__ import annotations

import numpy as np
from matplotlib.patches import Rectangle

from .. import conv, pooling
from ..widgets import LiveFigure, LivePanel, dropdown, slider

__all__ = ["pooling_explorer", "stride_padding_explorer"]

KERNEL_COLOR, SKIPPED_COLOR = "#D55E00", "#CC79A7"


def _grid(ax, values, title, fmt="{:.0f}", cmap="Greys", vmin=None, vmax=None):
    ax.clear()
    image = ax.imshow(values, cmap=cmap, vmin=vmin, vmax=vmax)
    if values.size <= 196:  # numbers only where they are readable
        dark = image.to_rgba(values)[..., :3].mean(axis=-1) < 0.5  # white text on dark cells
        for (i, j), v in np.ndenumerate(values):
            ax.text(j, i, fmt.format(v), ha="center", va="center", fontsize=8,
                    color="white" if dark[i, j] else "black")
    ax.set_xticks(range(values.shape[1]))
    ax.set_yticks(range(values.shape[0]))
    ax.tick_params(labelsize=7)
    ax.set_title(title)


def stride_padding_explorer(seed: int = 0) -> LivePanel:
    r"""Input size, kernel size, stride, padding -> output size, kernel positions, output map.

    n_out = floor((n + 2p - k) / s) + 1. Left: the padded input (padding grey, rows
    and columns no kernel position reaches marked), every kernel position
    outlined and the chosen one filled. Right: the output of cross-correlating
    the input with a vertical-edge kernel, the chosen output cell marked.
    """
    rng = np.random.default_rng(seed)
    image = rng.integers(0, 10, size=(16, 16)).astype(float)
    live = LiveFigure(ncols=2, figsize=(11, 5), gridspec_kw={"width_ratios": [1.3, 1]})
    ax_in, ax_out = live.axes

    def update(n, k, stride, padding, position):
        try:
            n_out = conv.conv_output_size(n, k, stride, padding)
        except ValueError as err:  # no stale picture: say it in the figure too
            for ax in (ax_in, ax_out):
                ax.clear()
                ax.axis("off")
            ax_in.text(0.5, 0.5, f"k = {k} > n + 2p = {n + 2 * padding}:\nno kernel position fits",
                       ha="center", va="center", fontsize=14, transform=ax_in.transAxes)
            raise err
        position_slider.max = n_out * n_out - 1
        x = image[:n, :n]
        kernel = np.tile(np.array([1.0, 0.0, -1.0])[np.linspace(0, 2, k).round().astype(int)],
                         (k, 1))
        out = conv.cross_correlate2d(x, kernel, stride, padding)
        padded = np.pad(x, padding, constant_values=np.nan)
        _grid(ax_in, np.nan_to_num(padded, nan=0.0),
              f"input {n}x{n}, padding {padding}: {n + 2 * padding}x{n + 2 * padding}",
              vmin=0, vmax=30)  # light cells: the numbers stay readable
        m = n + 2 * padding
        ax_in.add_patch(Rectangle((-0.5, -0.5), m, m, fill=False, linewidth=1))
        if padding:
            for r in range(m):
                for c in range(m):
                    if not (padding <= r < m - padding and padding <= c < m - padding):
                        ax_in.add_patch(Rectangle((c - 0.5, r - 0.5), 1, 1, color="#bbbbbb"))
        for r in conv.uncovered(n, k, stride, padding):
            ax_in.add_patch(Rectangle((-0.5, r + padding - 0.5), m, 1, color=SKIPPED_COLOR,
                                      alpha=0.35))
            ax_in.add_patch(Rectangle((r + padding - 0.5, -0.5), 1, m, color=SKIPPED_COLOR,
                                      alpha=0.35))
        position = min(position, n_out * n_out - 1)
        pi, pj = divmod(position, n_out)
        for i in range(n_out):
            for j in range(n_out):
                chosen = (i, j) == (pi, pj)
                ax_in.add_patch(Rectangle((j * stride - 0.5, i * stride - 0.5), k, k,
                                          fill=chosen, alpha=0.35 if chosen else 0.9,
                                          color=KERNEL_COLOR, linewidth=2.5 if chosen else 0.6))
        _grid(ax_out, out, f"output {n_out}x{n_out} (vertical-edge kernel {k}x{k})",
              cmap="PuOr", vmin=-np.abs(out).max() - 1e-9, vmax=np.abs(out).max() + 1e-9)
        ax_out.add_patch(Rectangle((pj - 0.5, pi - 0.5), 1, 1, fill=False, linewidth=3,
                                   color=KERNEL_COLOR))
        skipped = conv.uncovered(n, k, stride, padding)
        text = (f"n_out = floor((n + 2p - k) / s) + 1 = floor(({n} + 2·{padding} - {k}) / "
                f"{stride}) + 1 = {n_out}")
        if skipped:
            text += (f"; (n + 2p - k) / s is not whole: input rows and columns {skipped} are "
                     "never covered (pink)")
        return text

    controls = {
        "n": slider("input size n", 3, 12, 1, 6),
        "k": slider("kernel size k", 1, 7, 1, 3),
        "stride": slider("stride s", 1, 4, 1, 2),
        "padding": slider("padding p", 0, 3, 1, 0),
        "position": slider("kernel position", 0, 3, 1, 0),
    }
    position_slider = controls["position"]
    return LivePanel(controls, update, live, title="Stride and padding explorer")


def pooling_explorer(seed: int = 0) -> LivePanel:
    r"""Window p, stride, max or average: the pooled output and where the gradient goes back."""
    rng = np.random.default_rng(seed)
    x = rng.integers(0, 10, size=(1, 1, 8, 8)).astype(float)
    live = LiveFigure(ncols=3, figsize=(12, 4.2))
    ax_in, ax_out, ax_grad = live.axes

    def update(kind, size, stride):
        forward = pooling.maxpool2d_forward if kind == "max" else pooling.avgpool2d_forward
        backward = pooling.maxpool2d_backward if kind == "max" else pooling.avgpool2d_backward
        out, cache = forward(x, size, stride)
        dx = backward(np.ones_like(out), cache)
        if not ax_in.images:  # the input never changes: drawn once
            _grid(ax_in, x[0, 0], "input 8x8", vmin=0, vmax=30)
        _grid(ax_out, out[0, 0], f"{kind} pooling, window {size}, stride {stride}",
              fmt="{:.1f}" if kind == "avg" else "{:.0f}", vmin=0, vmax=30)
        _grid(ax_grad, dx[0, 0], "gradient reaching the input (dout = 1)", fmt="{:.2g}",
              cmap="Oranges", vmin=0)
        skipped = conv.uncovered(8, size, stride)
        return (f"output {out.shape[2]}x{out.shape[3]} = floor((8 - {size}) / {stride}) + 1; "
                + ("each window's gradient goes to its maximum only" if kind == "max" else
                   f"each window spreads its gradient evenly, 1/{size * size} per cell")
                + ("; overlapping windows add up" if stride < size else "")
                + (f"; rows and columns {skipped} are in no window" if skipped else ""))

    controls = {
        "size": slider("window p", 1, 4, 1, 2),
        "stride": slider("stride", 1, 4, 1, 2),
        "kind": dropdown("pooling", ("max", "avg")),
    }
    return LivePanel(controls, update, live, title="Pooling and its gradient")
