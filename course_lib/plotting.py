r"""Plots shared by the notebooks: data, decision regions, linear boundaries, error curves.

Every function takes ``ax=None`` (a new figure is made when None), draws on it
and returns its artists, so a widget can draw once and then update the artists.
Colours: the Okabe-Ito palette (colour-blind safe), one colour per meaning in
:data:`COLORS` and one colour map per meaning in :data:`CMAPS`, used by every
explorer and notebook (which never write a colour code of their own); class 0
is blue, class 1 orange, everywhere in the course.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import numpy as np
from matplotlib.colors import LinearSegmentedColormap
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle
from matplotlib.ticker import MaxNLocator

__all__ = [
    "CLASS_CMAP",
    "CLASS_COLORS",
    "CMAPS",
    "COLORS",
    "SERIES",
    "axes_or_new",
    "decision_grid",
    "line_in_view",
    "linear_boundary",
    "plot_data",
    "plot_decision_regions",
    "plot_errors",
    "plot_gradient_through_time",
    "plot_linear_boundary",
    "plot_surface_contours",
    "projector_style",
    "update_decision_regions",
    "update_linear_boundary",
    "update_data",
    "data_limits",
    "set_region_limits",
    "timeline_plot",
]

#: Figures on a slide: at most this size in inches at :data:`PROJECTOR_DPI` (the slide's
#: 1280x720 less its title and margins), text at least :data:`PROJECTOR_MIN_POINTS`.
PROJECTOR_BOX = (12.2, 4.7)
#: A live figure's box on a slide (its controls and status line take the rest)
PROJECTOR_LIVE_BOX = (12.2, 4.0)
PROJECTOR_DPI = 100
PROJECTOR_MIN_POINTS = 11.0  # 15.3 px at 100 dpi, on screen at 1280x720
PROJECTOR_RC = {"font.size": 13, "axes.titlesize": 14, "axes.labelsize": 13,
                "xtick.labelsize": 12, "ytick.labelsize": 12, "legend.fontsize": 12,
                "figure.titlesize": 15, "lines.linewidth": 2.2, "lines.markersize": 8,
                "axes.linewidth": 1.2, "figure.dpi": PROJECTOR_DPI,
                "savefig.dpi": PROJECTOR_DPI}
#: True once :func:`projector_style` ran in this process (the explorers' figures follow it)
PROJECTOR = False

_OKABE_ITO = {"black": "#000000", "orange": "#E69F00", "sky blue": "#56B4E9",
              "green": "#009E73", "yellow": "#F0E442", "blue": "#0072B2",
              "vermillion": "#D55E00", "reddish purple": "#CC79A7", "grey": "#999999"}
_OI = _OKABE_ITO

#: One colour per meaning across the course (Okabe-Ito). Explorers and notebooks take
#: their colours from here by meaning, never as a colour code of their own.
COLORS = {
    # data
    "class 0": _OI["blue"], "class 1": _OI["orange"],
    # an activation function and its derivative
    "f": _OI["vermillion"], "f_prime": _OI["green"],
    # curves over epochs: on the training data, on held-out data; the thing inspected
    "errors": _OI["black"], "train": _OI["black"], "test": _OI["grey"],
    "accent": _OI["reddish purple"],  # the point, epoch or step being inspected
    "neutral": _OI["grey"],  # shading, chance levels, references
    "guide": _OI["sky blue"],  # guide lines (slopes, bounds)
    "minimum": _OI["orange"],  # the global minimum of a loss surface
    # losses and ways of computing gradients (notebook 02)
    "squared error": _OI["vermillion"], "cross-entropy": _OI["black"],
    "finite differences": _OI["vermillion"], "backpropagation": _OI["black"],
    "forward pass": _OI["grey"],
    # optimisers and learning-rate schedules (notebook 03)
    "gradient descent": _OI["black"], "SGD": _OI["black"], "momentum": _OI["vermillion"],
    "Nesterov": _OI["green"], "Adam": _OI["blue"],
    "constant": _OI["reddish purple"], "step decay": _OI["orange"],
    "exponential decay": _OI["green"], "1/t decay": _OI["grey"],
    # remedies for overfitting (notebook 03)
    "no remedy": _OI["black"], "early stopping": _OI["reddish purple"],
    "dropout": _OI["green"], "L2": _OI["vermillion"],
    # convolution (notebook 04)
    "kernel": _OI["vermillion"], "uncovered": _OI["reddish purple"], "padding": "#BBBBBB",
    # recurrent cells and the LSTM's states (notebook 05)
    "rnn": _OI["vermillion"], "lstm": _OI["blue"], "C_t": _OI["blue"],
    "probability": _OI["green"],  # a model's output probabilities
    # the LSTM's gates, one colour each in every diagram (C_t, the memory lane, is blue)
    "f_t": _OI["reddish purple"], "i_t": _OI["green"], "C_tilde_t": _OI["sky blue"],
    "o_t": _OI["orange"], "h_t": _OI["black"], "x_t": _OI["grey"],
    # computation graphs and networks: values flow forward, gradients backward;
    # weights by sign as in the playground (the class colours)
    "forward": _OI["black"], "backward": _OI["vermillion"],
    "positive": _OI["orange"], "negative": _OI["blue"],
}
#: Okabe-Ito blue and orange: class 0 and class 1 in every plot of the course.
CLASS_COLORS = (COLORS["class 0"], COLORS["class 1"])
#: Light blue (predicted 0) to light orange (predicted 1), for decision regions.
CLASS_CMAP = LinearSegmentedColormap.from_list(
    "course_classes", ["#9ecae9", "#f7f7f7", "#fdd49e"]
)
CLASS_MARKERS = ("o", "^")
#: Curves that differ only by a setting (e.g. four learning rates), in this order.
SERIES = tuple(_OI[name] for name in ("black", "green", "vermillion", "reddish purple", "blue",
                                      "orange", "sky blue"))
#: One colour map per meaning: signed values (white at 0), values in [0, 1] (gates),
#: images, grids of numbers, gradients (>= 0), responses (feature maps after ReLU, >= 0).
CMAPS = {"signed": "PuOr", "unit": "viridis", "image": "gray", "grid": "Greys",
         "gradient": "Oranges", "surface": "Greys_r",
         "response": "Purples"}  # activations >= 0 (feature maps): purple positive, as in "signed"


def axes_or_new(ax):
    r"""``ax``, or the axes of a new figure when ``ax`` is None."""
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots(figsize=(5, 4.5))
    return ax


def plot_data(X, y, ax=None, *, size: float = 40, alpha: float = 1.0, hollow: bool = False,
              label_prefix: str = "class"):
    r"""Scatter 2-D points coloured by class 0/1.

    Returns
    -------
    list of two PathCollections (class 0, class 1); update with ``set_offsets``.
    """
    ax = axes_or_new(ax)
    X = np.asarray(X, dtype=float)
    y = np.asarray(y)
    artists = []
    for label in (0, 1):
        pts = X[y == label].reshape(-1, 2)
        color = CLASS_COLORS[label]
        artists.append(ax.scatter(
            pts[:, 0], pts[:, 1], s=size, marker=CLASS_MARKERS[label], alpha=alpha,
            facecolors="none" if hollow else color, edgecolors=color if hollow else "black",
            linewidths=1.2 if hollow else 0.6, label=f"{label_prefix} {label}", zorder=3,
        ))
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    return artists


def decision_grid(xlim, ylim, resolution: int = 150) -> np.ndarray:
    r"""Points of a resolution x resolution grid over xlim x ylim, shape (resolution**2, 2)."""
    xs = np.linspace(xlim[0], xlim[1], resolution)
    ys = np.linspace(ylim[0], ylim[1], resolution)
    gx, gy = np.meshgrid(xs, ys)
    return np.column_stack([gx.ravel(), gy.ravel()])


def _region_values(predict: Callable, xlim, ylim, resolution: int) -> np.ndarray:
    grid = decision_grid(xlim, ylim, resolution)
    z = np.asarray(predict(grid), dtype=float).reshape(resolution, resolution)
    return z


def plot_decision_regions(predict: Callable, xlim=(-1.5, 1.5), ylim=(-1.5, 1.5), ax=None, *,
                          resolution: int = 150, vmin: float = 0.0, vmax: float = 1.0):
    r"""Colour the plane by ``predict``: a class 0/1 or a probability of class 1.

    Parameters
    ----------
    predict : callable, points of shape (M, 2) -> values of shape (M,)
    xlim, ylim : (low, high)

    Returns
    -------
    AxesImage; update with :func:`update_decision_regions`.
    """
    ax = axes_or_new(ax)
    z = _region_values(predict, xlim, ylim, resolution)
    image = ax.imshow(z, origin="lower", extent=(*xlim, *ylim), cmap=CLASS_CMAP,
                      vmin=vmin, vmax=vmax, aspect="auto", interpolation="nearest", zorder=0)
    ax.set_xlim(xlim)
    ax.set_ylim(ylim)
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    image.course_resolution = resolution
    return image


def update_decision_regions(image, predict: Callable) -> None:
    r"""Recolour an image made by :func:`plot_decision_regions` for a new ``predict``."""
    x0, x1, y0, y1 = image.get_extent()
    resolution = getattr(image, "course_resolution", image.get_array().shape[0])
    image.set_data(_region_values(predict, (x0, x1), (y0, y1), resolution))


def line_in_view(w, xlim, ylim) -> bool:
    r"""True when the line w_0 + w_1 x_1 + w_2 x_2 = 0 crosses the rectangle xlim x ylim."""
    corners = np.array([[x, y] for x in xlim for y in ylim])
    side = np.asarray(w, dtype=float)[0] + corners @ np.asarray(w, dtype=float)[1:]
    return bool(side.min() <= 0 <= side.max()) and bool(np.any(np.asarray(w)[1:] != 0))


def linear_boundary(w, xlim, ylim) -> tuple[np.ndarray, np.ndarray]:
    r"""Two end points of the line w_0 + w_1 x_1 + w_2 x_2 = 0 inside the plot.

    Returns empty arrays when the line does not exist (w_1 = w_2 = 0).
    """
    w = np.asarray(w, dtype=float)
    if w.shape != (3,):
        raise ValueError(f"w must be (w_0, w_1, w_2): a bias and two input weights; "
                         f"got shape {w.shape}")
    w0, w1, w2 = w
    if abs(w2) >= abs(w1):
        if w2 == 0:
            return np.array([]), np.array([])
        xs = np.array(xlim, dtype=float)
        return xs, -(w0 + w1 * xs) / w2
    ys = np.array(ylim, dtype=float)
    return -(w0 + w2 * ys) / w1, ys


def plot_linear_boundary(w, ax=None, *, xlim=None, ylim=None, **line_kwargs):
    r"""Draw the perceptron's decision line w^T x = 0 (bias w_0 first). Returns the Line2D."""
    ax = axes_or_new(ax)
    xlim = ax.get_xlim() if xlim is None else xlim
    ylim = ax.get_ylim() if ylim is None else ylim
    kwargs = {"color": "black", "linewidth": 2.0, "label": "$w^T x = 0$"} | line_kwargs
    (line,) = ax.plot(*linear_boundary(w, xlim, ylim), **kwargs)
    ax.set_xlim(xlim)
    ax.set_ylim(ylim)
    return line


def update_linear_boundary(line, w) -> None:
    r"""Move a line made by :func:`plot_linear_boundary` to the weights ``w``."""
    ax = line.axes
    line.set_data(*linear_boundary(w, ax.get_xlim(), ax.get_ylim()))


def plot_errors(errors, ax=None, *, label: str = "errors",
                ylabel: str = "misclassified samples", **line_kwargs):
    r"""Errors (or a loss: give ``ylabel``) per epoch, epochs counted from 1. Returns the Line2D."""
    ax = axes_or_new(ax)
    errors = np.asarray(errors, dtype=float)
    epochs = np.arange(1, errors.size + 1)
    kwargs = {"marker": "o", "color": COLORS["errors"], "label": label} | line_kwargs
    (line,) = ax.plot(epochs, errors, **kwargs)
    ax.set_xlabel("epoch")
    ax.set_ylabel(ylabel)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    if np.all(errors == np.round(errors)):
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.grid(True, alpha=0.3)
    return line


def update_data(artists, X, y) -> None:
    r"""Move the two scatters made by :func:`plot_data` to new points ``X`` with labels ``y``."""
    X = np.asarray(X, dtype=float)
    y = np.asarray(y)
    for label, artist in enumerate(artists):
        artist.set_offsets(X[y == label].reshape(-1, 2))


def data_limits(X, margin: float = 0.25) -> tuple[tuple[float, float], tuple[float, float]]:
    r"""Square-ish plot limits around the points ``X`` with a relative ``margin``."""
    X = np.asarray(X, dtype=float)
    low, high = X.min(axis=0), X.max(axis=0)
    pad = margin * np.maximum(high - low, 1e-9)
    return (low[0] - pad[0], high[0] + pad[0]), (low[1] - pad[1], high[1] + pad[1])


def set_region_limits(image, xlim, ylim) -> None:
    r"""Move a decision-region image (and its axes) to new limits; redraw it afterwards."""
    image.set_extent((*xlim, *ylim))
    image.axes.set_xlim(xlim)
    image.axes.set_ylim(ylim)


def plot_surface_contours(surface, ax=None, levels: int = 25):
    r"""Filled contours of log(1 + L - min L) over the surface's view (darker is lower)."""
    ax = axes_or_new(ax)
    xs, ys = np.linspace(*surface.xlim, 160), np.linspace(*surface.ylim, 160)
    gx, gy = np.meshgrid(xs, ys)
    height = surface.loss(np.stack([gx, gy], axis=-1))
    height = np.log1p(height - height.min())
    filled = ax.contourf(gx, gy, height, levels=levels, cmap=CMAPS["surface"], alpha=0.6)
    lines = ax.contour(gx, gy, height, levels=levels // 2, colors="white", linewidths=0.5)
    ax.plot(*surface.minimum, "*", color=COLORS["minimum"], markersize=16,
            markeredgecolor="black")
    ax.set(xlim=surface.xlim, ylim=surface.ylim, xlabel="$w_1$", ylabel="$w_2$",
           title=surface.name)
    return filled, lines


def plot_gradient_through_time(norms: dict, ax=None):
    r"""Plot ||dL/dx_{T-k}|| against k for each model (log scale).

    ``norms`` maps a label to an array whose entry k is the gradient's norm k steps
    before the step the loss reads (``sequence.gradient_through_time``); a label
    that starts with "RNN" or "LSTM" takes that cell's colour. Returns the lines.
    """
    ax = axes_or_new(ax)
    lines = []
    styles = ("-", "--", ":", "-.")
    for k, (label, values) in enumerate(norms.items()):
        values = np.asarray(values, dtype=float)
        color = COLORS.get(label.split()[0].lower())
        lines += ax.semilogy(np.arange(values.size), values, styles[k % len(styles)],
                             label=label, color=color, linewidth=2)
    ax.set_xlabel("k: steps back from the step the loss reads")
    ax.set_ylabel(r"$\|\partial L / \partial x_{T-k}\|$ (mean over sequences)")
    ax.set_title("How much gradient reaches k steps back")
    ax.legend()
    ax.grid(True, which="major", alpha=0.3)
    return lines


def fit_to_slide(fig, box=PROJECTOR_BOX, min_points: float = PROJECTOR_MIN_POINTS) -> float:
    r"""Size ``fig`` to fill ``box`` (inches, aspect kept), raise its text to ``min_points``.

    Returns the smallest font size of the figure's visible text, in pixels at
    :data:`PROJECTOR_DPI` (what a 1280x720 slide shows when the figure is drawn at
    its own size).
    """
    from matplotlib.text import Text

    width, height = fig.get_size_inches()
    scale = min(box[0] / width, box[1] / height)
    fig.set_size_inches(width * scale, height * scale)
    fig.set_dpi(PROJECTOR_DPI)
    sizes = []
    for text in fig.findobj(Text):
        if text.get_visible() and text.get_text().strip():
            text.set_fontsize(max(text.get_fontsize(), min_points))
            sizes.append(text.get_fontsize())
    return min(sizes, default=min_points) * PROJECTOR_DPI / 72


def projector_style() -> None:
    r"""Draw for a projector from here on: larger fonts and lines, figures sized to a slide.

    The slide decks run this first (``tools/deck.py``). In IPython, every figure
    shown inline is sized to :data:`PROJECTOR_BOX` with text of at least
    :data:`PROJECTOR_MIN_POINTS`, and its output's metadata records the smallest
    text in pixels (``min_font_px``), which the slide tests check; the explorers'
    live figures follow :data:`PROJECTOR_RC` and :data:`PROJECTOR_BOX` too.
    """
    global PROJECTOR
    import matplotlib

    matplotlib.rcParams.update(PROJECTOR_RC)
    PROJECTOR = True
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - plain Python
        return
    shell = get_ipython()
    if shell is None:
        return
    import matplotlib_inline.backend_inline  # noqa: F401 (sets up the inline formatters first)
    from matplotlib.figure import Figure

    matplotlib.rcParams.update(PROJECTOR_RC)  # the inline backend may reset the dpi

    def png(fig):
        from IPython.core.pylabtools import print_figure

        smallest = fit_to_slide(fig)
        data = print_figure(fig, "png", base64=True, bbox_inches="tight")
        return data, {"min_font_px": round(smallest, 1)}

    shell.display_formatter.formatters["image/png"].for_type(Figure, png)


def _surnames(who: str) -> str:
    return re.sub(r"\b[A-Z]\.\s*", "", who)


def timeline_plot(events, ax=None, *, winter=(1980, 1990), decade_slides=None,
                  wrong_slides=()):
    r"""The timeline: each event at its year above the axis, the lecture's decade slides below.

    ``events``: objects with ``year``, ``label``, ``who``, ``lecture`` (the slide that
    tells it) and ``lecture_decade`` (the decade that slide names, or None), such as
    :data:`course_lib.history.TIMELINE`. A dashed line joins each event to its decade
    slide, in the accent colour where the year falls outside that decade. ``winter``
    shades the lecture's "AI winter" (None: no shading). ``decade_slides`` maps a
    decade to its slide's title (default: every ``lecture`` with a decade); the decades
    in ``wrong_slides`` get an accent-coloured box (a slide whose claim is wrong).
    Returns a dict of artists: ``events``, ``labels``, ``slides``, ``links``, ``winter``.
    """
    events = sorted(events, key=lambda e: e.year)
    if not events:
        raise ValueError("timeline_plot needs at least one event")
    ax = axes_or_new(ax)
    if decade_slides is None:
        decade_slides = {e.lecture_decade: e.lecture for e in events
                         if e.lecture_decade is not None}
    years = [e.year for e in events]
    lo = min(min(years), *decade_slides) - 3 if decade_slides else min(years) - 3
    hi = max(max(years), *(d + 10 for d in decade_slides)) + 3 if decade_slides else max(years) + 3
    ax.set_xlim(lo, hi)
    ax.axhline(0, color=COLORS["errors"], linewidth=2, zorder=1)
    artists = {"events": [], "labels": [], "slides": [], "links": [], "winter": None}
    # the lecture's decade slides, below the axis
    slide_y, slide_h = -3.0, 2.0
    for decade, title in sorted(decade_slides.items()):
        wrong = decade in wrong_slides
        box = ax.add_patch(Rectangle((decade + 0.3, slide_y), 9.4, slide_h, facecolor="white",
                                     edgecolor=COLORS["accent" if wrong else "neutral"],
                                     linewidth=2.5 if wrong else 1.5, zorder=2))
        label = ax.text(decade + 5, slide_y + slide_h / 2, title, ha="center", va="center",
                        fontsize=11, zorder=3, color=COLORS["accent" if wrong else "errors"])
        artists["slides"].append((box, label))
    if winter is not None:
        artists["winter"] = ax.axvspan(*winter, color=COLORS["neutral"], alpha=0.18,
                                       linewidth=0, zorder=0,
                                       label=f"the lecture's \"AI winter\" ({winter[0]}s)")
    ax.text(lo + 0.5, slide_y + slide_h + 0.25, "the lecture's slides:", fontsize=11,
            ha="left", va="bottom", style="italic")
    # events above the axis, each on the lowest free level
    level_ends: list[float] = []
    step = 1.05
    for event in events:
        late = event.lecture_decade is not None and not (
            event.lecture_decade <= event.year < event.lecture_decade + 10)
        color = COLORS["accent"] if late else COLORS["errors"]
        text = ax.text(event.year, 0, f"{event.year} {event.label}\n{_surnames(event.who)}",
                       ha="center", va="bottom", fontsize=11, color=color, zorder=3,
                       fontweight="bold" if late else "normal",
                       bbox={"facecolor": "white", "edgecolor": "none", "pad": 1.0,
                             "alpha": 0.75})  # stems behind a label stay visible
        # measured before any layout, when the axes are narrowest: conservative
        extent = text.get_window_extent().transformed(ax.transData.inverted())
        level = next((k for k, end in enumerate(level_ends) if extent.x0 > end + 0.4),
                     len(level_ends))
        if level == len(level_ends):
            level_ends.append(extent.x1)
        level_ends[level] = extent.x1
        top = 0.35 + step * level
        text.set_y(top)
        ax.plot([event.year, event.year], [0, top], color=color, linewidth=1.2, zorder=1)
        artists["events"] += ax.plot(event.year, 0, "o", color=color, markersize=9, zorder=4)
        artists["labels"].append(text)
        if event.lecture_decade is not None and event.lecture_decade in decade_slides:
            artists["links"] += ax.plot([event.year, event.lecture_decade + 5],
                                        [0, slide_y + slide_h], "--", color=color,
                                        linewidth=2 if late else 1.2, zorder=1)
    ax.set_ylim(slide_y - 0.3, 0.35 + step * len(level_ends) + 0.2)
    ax.set_yticks([])
    for side in ("left", "right", "top"):
        ax.spines[side].set_visible(False)
    ax.set_xlabel("year of publication")
    ax.set_title("The timeline: publications (above) and the lecture's decade slides (below)")
    ax.legend(handles=[Line2D([], [], color=COLORS["errors"], linestyle="--",
                              label="in the slide's decade"),
                       Line2D([], [], color=COLORS["accent"], linestyle="--", linewidth=2,
                              label="the slide's decade is wrong"),
                       *([Rectangle((0, 0), 1, 1, facecolor="white", edgecolor=COLORS["accent"],
                                    linewidth=2.5, label="the slide's claim is wrong")]
                         if wrong_slides else []),
                       *([artists["winter"]] if artists["winter"] is not None else [])],
              loc="upper left", frameon=False)
    return artists
