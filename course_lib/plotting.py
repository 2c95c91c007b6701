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
from matplotlib.colors import LinearSegmentedColormap, to_rgba
from matplotlib.lines import Line2D
from matplotlib.patches import Circle, FancyArrowPatch, FancyBboxPatch, Rectangle
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
    "plot_computation_graph",
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
    "not optimal": _OI["vermillion"],  # an action that is not one of the optimal ones (RL)
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
         "response": "Purples",  # activations >= 0 (feature maps): purple positive, as in "signed"
         "digits": "tab10"}  # the ten digit classes, always with the digit written beside


def axes_or_new(ax, figsize=(5, 4.5)):
    r"""``ax``, or the axes of a new figure of ``figsize`` inches when ``ax`` is None."""
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots(figsize=figsize)
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
    ax.set_ylabel(r"$\|\partial \mathcal{L} / \partial x_{T-k}\|$ (mean over sequences)")
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


# ---- computation graphs of course_lib.autograd --------------------------------------

_GRAPH_SHOW = ("values", "grads", "both")
_GRAPH_TITLES = {
    "values": "Forward pass: the value of every node of the computation graph",
    "both": "Computation graph: value (black, forward pass) and gradient "
            "$\\partial\\mathcal{L}/\\partial$value (red, backward pass)",
    "grads": "Backward pass: the gradient $\\partial\\mathcal{L}/\\partial$value of every "
             "node (red), from the loss back to the weights",
}
_OP_SYMBOLS = {"+": "+", "-": "\u2212", "*": "\u00d7", "/": "\u00f7", "neg": "\u2212x",
               "exp": "exp", "log": "log", "tanh": "tanh", "sigmoid": "\u03c3", "relu": "ReLU"}
_SIMPLE_LABEL = re.compile(r"([A-Za-z]+)_([A-Za-z0-9]+)|([A-Za-z])([0-9]*)")


def _graph_label(label: str) -> str:
    r"""A label typeset as in the lecture: 'w_x1h1' -> $w_{x1h1}$, 'x1' -> $x_1$,
    'y_hat' -> $\hat{y}$, 'L' -> $L$; any other label as it is."""
    match = _SIMPLE_LABEL.fullmatch(label)
    if match is None:
        return label
    base, sub, letter, digits = match.groups()
    if letter is not None:
        return f"${letter}_{{{digits}}}$" if digits else f"${letter}$"
    return rf"$\hat{{{base}}}$" if sub == "hat" else f"${base}_{{{sub}}}$"


_SUPERSCRIPTS = str.maketrans("0123456789-", "\u2070\u00b9\u00b2\u00b3\u2074\u2075\u2076\u2077"
                              "\u2078\u2079\u207b")


def _op_symbol(op: str) -> str:
    r"""The symbol in an operation's circle: "*" -> "×", "**2" -> "x²", "sigmoid" -> "σ"."""
    if op.startswith("**"):
        k = op[2:]
        return "x" + k.translate(_SUPERSCRIPTS) if k.lstrip("-").isdigit() else f"$x^{{{k}}}$"
    return _OP_SYMBOLS.get(op, op)


def _graph_number(x: float) -> str:
    r"""3 significant digits, trailing zeros kept (-0.0024 -> -0.00240), or 2 when that is
    over 8 characters (-0.000479 -> -0.00048)."""
    if float(x).is_integer() and abs(x) < 1e6:  # 1, not 1.00: dL/dL, whole numbers
        return str(int(x))
    text = f"{x:#.3g}".rstrip(".")
    if len(text) > 8:
        text = f"{x:#.2g}".rstrip(".")
    return "0" if text == "-0" else text


def _graph_columns(nodes, edges):
    r"""Column of each value (1 + the longest path from a leaf; a leaf just left of its
    first user, so that a bias sits beside the sum it joins) and the users of each value."""
    users = {id(v): [] for v in nodes}
    for parent, child in edges:
        users[id(parent)].append(child)
    column = {}
    for v in nodes:  # topological order: operands first
        column[id(v)] = 1 + max((column[id(p)] for p in v._parents), default=-1)
    for v in nodes:
        if not v._parents and users[id(v)]:
            column[id(v)] = min(column[id(u)] for u in users[id(v)]) - 1
    return column, users


def _spread(desired, sep: float, low: float, high: float) -> list[float]:
    r"""Positions closest (least squares) to the sorted ``desired``, ``sep`` apart, in [low, high].

    Pool adjacent violators on z_k = y_k - k sep, which must not decrease.
    """
    blocks: list[list[float]] = []  # [sum, count] of pooled z
    for k, d in enumerate(desired):
        blocks.append([d - k * sep, 1])
        while len(blocks) > 1 and blocks[-2][0] * blocks[-1][1] > blocks[-1][0] * blocks[-2][1]:
            total, count = blocks.pop()
            blocks[-1][0] += total
            blocks[-1][1] += count
    z = [total / count for total, count in blocks for _ in range(int(count))]
    top = max(low, high - (len(z) - 1) * sep)
    return [min(max(v, low), top) + k * sep for k, v in enumerate(z)]


def _graph_rows(columns, users, sep: float, low: float, high: float, sweeps: int = 7):
    r"""Height of each value: each column spread around its neighbours' mean height,
    sweeping left to right (operands) and back (users), like a layered graph drawing."""
    y = {}
    for col in columns:  # start: each column centred, in topological order from the top
        for k, v in enumerate(col):
            y[id(v)] = (low + high) / 2 + (len(col) - 1) * sep / 2 - k * sep
    for sweep in range(sweeps):
        forward = sweep % 2 == 0
        for col in columns if forward else columns[::-1]:
            want, then = {}, {}  # the mean height of the neighbours on this side; on the other
            for v in col:
                near, far = (v._parents, users[id(v)]) if forward else (users[id(v)], v._parents)
                want[id(v)] = (sum(y[id(u)] for u in near) / len(near)) if near else y[id(v)]
                then[id(v)] = (sum(y[id(u)] for u in far) / len(far)) if far else y[id(v)]
            order = sorted(col, key=lambda v: (want[id(v)], then[id(v)]))
            for v, pos in zip(order, _spread([want[id(v)] for v in order], sep, low, high),
                              strict=True):
                y[id(v)] = pos
    # mirror if need be, so that the graph reads from the top: the first value at the top
    index = {key: k for k, key in enumerate(y)}
    mean_k, mean_y = (len(y) - 1) / 2, sum(y.values()) / len(y)
    if sum((index[key] - mean_k) * (h - mean_y) for key, h in y.items()) > 0:
        y = {key: low + high - h for key, h in y.items()}
    return y


def plot_computation_graph(root, ax=None, *, show: str = "both", highlight=None,
                           fontsize: float | None = None):
    r"""Draw the computation graph of a :class:`course_lib.autograd.Value`, left to right.

    Inputs and weights on the left, the loss ``root`` on the right; a value's column is
    the longest path to it from a leaf (a leaf sits just left of its first user). Each
    value is a rounded box: its label (``w_x1h1`` typeset as w_{x1h1}), its value
    (``data``, black) and its gradient dL/d(value) (``grad``, red); the operation that
    made it sits in a circle on the box's left edge, where the arrows from its operands
    arrive (chain rule, lecture eq. 1: one local derivative per arrow).

    Parameters
    ----------
    root : Value, the loss L (call ``root.backward()`` first to show gradients)
    ax : Axes or None (a new figure of :data:`PROJECTOR_BOX` inches)
    show : "both" (values and gradients), "values" (the forward pass only) or "grads"
        (the backward pass: values greyed, arrows in red pointing back from L to the inputs)
    highlight : a Value of the graph (e.g. one weight) or None: every path from it to
        the loss is drawn thick in the accent colour and the rest is dimmed: the factors
        of the chain rule for that value
    fontsize : points (default: ``rcParams["font.size"]``); shrunk, and the boxes made
        two-line (value beside gradient), when the graph would not fit the axes.

    The layout is made for the axes' size when called (after the figure's layout engine,
    if any): make the figure at its final size first. No two boxes overlap. The lecture's
    2-2-1 example (31 values in 12 columns) at :data:`PROJECTOR_BOX` with
    ``layout="constrained"`` (or ``ax=None``) under :func:`projector_style` is drawn at
    about 12 pt; a much larger graph gets small text: draw a part of it.

    Returns
    -------
    dict of artists: ``nodes`` (one box per value, in the order of
    ``autograd.graph(root)``), ``labels`` (one Text naming each value: its label, its
    operation when it has no label, its number for an unnamed constant), ``values``,
    ``grads`` (Texts; no grads for show="values"), ``ops`` and ``symbols`` (the circle
    and the symbol of each operation, in the order of ``nodes``),
    ``edges`` (one arrow per edge of ``autograd.graph(root)``, in that order),
    ``highlighted`` (the arrows on the paths from ``highlight`` to the loss), and
    ``graph``: (nodes, edges) as returned by ``autograd.graph``.
    """
    import matplotlib as mpl

    from .autograd import Value, graph

    if not isinstance(root, Value):
        raise TypeError(f"root must be a course_lib.autograd.Value (e.g. a loss built from "
                        f"Values); got {type(root).__name__}")
    if show not in _GRAPH_SHOW:
        raise ValueError(f"show must be one of {_GRAPH_SHOW}; got {show!r}")
    if fontsize is not None and (isinstance(fontsize, bool) or not isinstance(fontsize, int | float)
                                 or not fontsize > 0):
        raise ValueError(f"fontsize must be a positive number of points or None; got {fontsize!r}")
    nodes, edges = graph(root)
    on_path = set()
    if highlight is not None:
        if not isinstance(highlight, Value):
            raise TypeError(f"highlight must be a Value of the graph or None; "
                            f"got {type(highlight).__name__}")
        if not any(v is highlight for v in nodes):
            raise ValueError(f"highlight {highlight!r} is not in the graph of root {root!r}: "
                             "pass one of the Values the loss was computed from")
    column, users = _graph_columns(nodes, edges)
    if highlight is not None:  # highlight and everything computed from it: all reach root
        stack = [highlight]
        while stack:
            v = stack.pop()
            if id(v) not in on_path:
                on_path.add(id(v))
                stack.extend(users[id(v)])

    created = ax is None
    ax = axes_or_new(ax, figsize=PROJECTOR_BOX)
    if created:
        ax.figure.subplots_adjust(left=0.01, right=0.99, bottom=0.01, top=0.92)
    ax.set_axis_off()
    title = _GRAPH_TITLES[show]
    if highlight is not None:
        name = _graph_label(highlight.label) if highlight.label else _op_symbol(highlight._op)
        title += f"\nthick: every path from {name} to the loss, the chain rule for {name}"
    ax.set_title(title)
    figure = ax.figure.figure  # the figure itself (or a subfigure's figure)
    if figure.get_layout_engine() is not None:
        figure.get_layout_engine().execute(figure)  # measure the axes it will have
    renderer = figure._get_renderer()
    width, height = ax.get_window_extent(renderer).size
    ax.set_xlim(0, width)  # data units: pixels of the axes as it is now
    ax.set_ylim(0, height)

    # ---- the texts, measured at the requested font size ----
    fs0 = float(fontsize) if fontsize is not None else float(mpl.rcParams["font.size"])
    titles = {}
    for v in nodes:
        if v.label:
            titles[id(v)] = _graph_label(v.label)
        elif not v._parents:
            titles[id(v)] = _graph_number(v.data)  # a constant, e.g. the 0.5 of 0.5 (y - y_hat)^2
    numbers = [_graph_number(v.data) for v in nodes]
    grads = [_graph_number(v.grad) for v in nodes] if show != "values" else []
    probe = ax.text(0, 0, "", fontsize=fs0)

    def size(text):  # (width, height) in pixels
        probe.set_text(text)
        extent = probe.get_window_extent(renderer)
        return extent.width, extent.height

    title_size = {key: size(t) for key, t in titles.items()}
    number_size = [size(t) for t in numbers]
    grad_size = [size(t) for t in grads] or [(0.0, 0.0)] * len(nodes)
    title_h = max(h for _, h in [*title_size.values(), size("0")])
    number_h = max(h for _, h in [*number_size, *grad_size])
    symbols = [_op_symbol(v._op) for v in nodes if v._parents]
    symbol_w = max((size(s)[0] for s in symbols), default=0.0)
    probe.remove()
    em = fs0 * figure.dpi / 72  # the font size in pixels
    # an operation's circle sits on its box's left edge, half inside: the text starts after it
    badge_r = max(symbol_w / 2 + 0.15 * em, 0.5 * em) if symbols else 0.0
    inset = badge_r + 0.08 * em if symbols else 0.0
    gap_x, gap_y = badge_r + 0.8 * em, 0.3 * em  # room for the circle and an arrow
    pad_x, pad_y, margin = 0.14 * em, 0.2 * em, 0.2 * em
    n_cols = 1 + max(column.values())
    columns = [[k for k, v in enumerate(nodes) if column[id(v)] == c] for c in range(n_cols)]
    n_rows = max(len(col) for col in columns)

    def widths(side_by_side):  # of the boxes of each column
        result = []
        for col in columns:
            need = 1.8 * em  # never narrower than this
            for k in col:
                numbers_w = max(number_size[k][0], grad_size[k][0])
                need = max(need, title_size.get(id(nodes[k]), (0.0, 0.0))[0],
                           2 * numbers_w + 0.6 * em if side_by_side else numbers_w)
            ops_here = any(nodes[k]._parents for k in col)
            result.append(need + (inset if ops_here else 0.0) + 2 * pad_x)
        return result

    layouts = {"stacked": (widths(False), title_h + number_h * (2 if grads else 1) + 2 * pad_y)}
    if grads:  # two lines: the label, then the value beside its gradient
        layouts["side by side"] = (widths(True), title_h + number_h + 2 * pad_y)

    def fit(layout):  # the scale at which the columns of boxes fit the axes
        need_w = sum(layout[0]) + (n_cols - 1) * gap_x + 2 * margin
        need_h = n_rows * layout[1] + (n_rows - 1) * gap_y + 2 * margin
        return min(1.0, 0.99 * width / need_w, 0.99 * height / need_h)

    layout = max(layouts, key=lambda name: (fit(layouts[name]), name == "stacked"))
    scale = fit(layouts[layout])
    box_ws, box_h = [w * scale for w in layouts[layout][0]], layouts[layout][1] * scale
    fs, badge_r, inset = fs0 * scale, badge_r * scale, inset * scale
    gap_x, margin = gap_x * scale, margin * scale
    title_h, number_h = title_h * scale, number_h * scale

    # ---- positions: columns side by side, rows near the neighbours' mean height ----
    spare = width - 2 * margin - sum(box_ws) - (n_cols - 1) * gap_x
    gap = gap_x + min(spare / (n_cols - 1), 1.2 * max(box_ws)) if n_cols > 1 else 0.0
    left_x = (width - sum(box_ws) - (n_cols - 1) * gap) / 2
    centres = []
    for w in box_ws:
        centres.append(left_x + w / 2)
        left_x += w + gap
    inner_h = height - 2 * margin
    sep = min(1.5 * box_h, (inner_h - box_h) / (n_rows - 1)) if n_rows > 1 else box_h
    y = _graph_rows([[nodes[k] for k in col] for col in columns], users, sep,
                    margin + box_h / 2, height - margin - box_h / 2)
    x = {id(v): centres[column[id(v)]] for v in nodes}
    box_w = {id(v): box_ws[column[id(v)]] for v in nodes}

    # ---- drawing ----
    forward, backward, accent = COLORS["forward"], COLORS["backward"], COLORS["accent"]
    artists = {"nodes": [], "labels": [], "values": [], "grads": [], "ops": [], "symbols": [],
               "edges": [], "highlighted": [], "graph": (nodes, edges)}
    for k, v in enumerate(nodes):
        cx, cy, bw = x[id(v)], y[id(v)], box_w[id(v)]
        hot = id(v) in on_path
        alpha = 1.0 if (highlight is None or hot) else 0.35  # off the highlighted paths: dimmed
        artists["nodes"].append(ax.add_patch(FancyBboxPatch(
            (cx - bw / 2, cy - box_h / 2), bw, box_h,
            boxstyle=f"round,pad=0,rounding_size={0.18 * min(bw, box_h)}",
            # inputs, weights and constants (the leaves) lightly shaded
            facecolor=to_rgba(COLORS["neutral"], 0.2) if not v._parents else "white",
            edgecolor=to_rgba(accent if hot else forward, alpha),
            linewidth=2.8 if hot else 1.4, zorder=3)))
        text = {"ha": "center", "va": "center", "zorder": 5, "fontsize": fs}
        left = cx - bw / 2 + (inset if v._parents else 0.0)  # clear of the op circle
        tx = (left + cx + bw / 2) / 2
        lines = ([title_h] if id(v) in titles else []) + [number_h] * (
            2 if grads and layout == "stacked" else 1)
        line_y = cy + sum(lines) / 2 - lines[0] / 2  # the lines centred in the box, top first
        if id(v) in titles:
            artists["labels"].append(ax.text(tx, line_y, titles[id(v)], color=forward,
                                             alpha=alpha, **text))
            line_y -= (title_h + number_h) / 2
        # numbers stay readable off the highlighted paths: only boxes and arrows fade
        value = {"color": forward, "alpha": max(alpha, 0.8) * (0.55 if show == "grads" else 1.0)}
        grad = {"color": backward, "alpha": max(alpha, 0.85)}
        if layout == "stacked":
            artists["values"].append(ax.text(tx, line_y, numbers[k], **value, **text))
            if grads:
                artists["grads"].append(ax.text(tx, line_y - number_h, grads[k], **grad, **text))
        else:
            quarter = (cx + bw / 2 - left) / 4
            artists["values"].append(ax.text(tx - quarter, line_y, numbers[k], **value, **text))
            artists["grads"].append(ax.text(tx + quarter, line_y, grads[k], **grad, **text))
        if v._parents:
            artists["ops"].append(ax.add_patch(Circle(
                (cx - bw / 2, cy), badge_r, facecolor="white",
                edgecolor=to_rgba(accent if hot else forward, alpha),
                linewidth=2.8 if hot else 1.4, zorder=4)))
            op = ax.text(cx - bw / 2, cy, _op_symbol(v._op), color=forward, alpha=alpha,
                         **text)
            artists["symbols"].append(op)
            if id(v) not in titles:  # an unnamed result is named by its operation
                artists["labels"].append(op)
    for parent, child in edges:
        start = (x[id(parent)] + box_w[id(parent)] / 2, y[id(parent)])
        end = (x[id(child)] - box_w[id(child)] / 2 - badge_r, y[id(child)])
        if show == "grads":
            start, end = end, start  # the gradient flows from the result back to the operand
        hot = id(parent) in on_path
        color = accent if hot else (backward if show == "grads" else forward)
        arrow = ax.add_patch(FancyArrowPatch(
            start, end, arrowstyle="-|>", mutation_scale=1.1 * fs, shrinkA=0, shrinkB=0,
            color=to_rgba(color, 1.0 if (highlight is None or hot) else 0.35),
            linewidth=3.2 if hot else 1.3, zorder=2 if hot else 1))
        artists["edges"].append(arrow)
        if hot:
            artists["highlighted"].append(arrow)
    return artists
