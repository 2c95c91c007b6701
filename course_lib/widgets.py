r"""The shared pattern for live controls in every notebook.

A *panel* is controls + one figure + a status line:

- the figure is a matplotlib ``Figure`` drawn off-screen once; an update
  changes its artists and the panel sends the new PNG to an
  ``ipywidgets.Image`` (no flicker, no pyplot state, nothing leaks into the
  cell's output);
- every control is wired with ``observe(names="value")``; sliders whose redraw
  is heavy use ``continuous_update=False``;
- an exception in the update is caught and shown as a readable message in the
  status line (never a traceback), and the rest of the figure stays as it was;
- builders return the panel and never call ``display``: the notebook does.

Example::

    live = LiveFigure(ncols=2)
    line, = live.axes[0].plot([], [])
    def update(eta):
        line.set_data(...)
        return f"eta = {eta}"          # optional status text
    panel = LivePanel({"eta": slider("learning rate eta", 0.01, 1.0, 0.1)}, update, live)
    panel                               # in the notebook: the last line of the cell
"""

from __future__ import annotations

import base64
import html
import weakref
from collections.abc import Callable

import ipywidgets as widgets
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.layout_engine import PlaceHolderLayoutEngine

from .figure_canvas import FigureCanvas, frame_layers, png

__all__ = ["LiveFigure", "LivePanel", "dropdown", "from_front_end", "live_panels",
           "play_control", "progress_bar", "slider"]

_PANELS: list[weakref.ref] = []


def live_panels() -> list[LivePanel]:
    r"""The live panels built in this Python process that still exist, oldest first."""
    return [panel for ref in _PANELS if (panel := ref()) is not None]

#: text colours of the status line (HTML; the figures' colours are plotting.COLORS)
STATUS_COLORS = {"info": "#333333", "warning": "#a65e00", "error": "#b00020"}
#: Figure style of the course: large enough to read on a projector.
FIGURE_RC = {"font.size": 11, "axes.titlesize": 12, "axes.labelsize": 12, "legend.fontsize": 10}


class LiveFigure:
    r"""A matplotlib figure rendered to PNG bytes and shown in an ``ipywidgets.Image``.

    Parameters
    ----------
    nrows, ncols : grid of axes, as ``Figure.subplots``
    figsize : (width, height) in inches
    dpi : resolution of the PNG
    slide_figsize : the size on a slide (after :func:`plotting.projector_style`); by
        default ``figsize`` shrunk into :data:`plotting.PROJECTOR_LIVE_BOX`
    paint_in_browser : bool
        Once a student moves a control (:meth:`LivePanel.go_live`), paint the
        animated artists (:meth:`animate`) in the browser
        (:mod:`course_lib.figure_canvas`) instead of sending a PNG per change. A
        figure without animated artists is drawn in full at every change anyway and
        keeps its PNG.
    subplot_kw : passed to ``Figure.subplots``
    """

    def __init__(self, nrows: int = 1, ncols: int = 1, figsize=(10, 4), dpi: int = 80,
                 slide_figsize=None, paint_in_browser: bool = True, **subplot_kw):
        import matplotlib

        from . import plotting

        if plotting.PROJECTOR:  # a slide deck: the projector's fonts, sized to the slide
            box = plotting.PROJECTOR_LIVE_BOX
            scale = min(1.0, box[0] / figsize[0], box[1] / figsize[1])
            figsize = slide_figsize or (figsize[0] * scale, figsize[1] * scale)
            dpi = plotting.PROJECTOR_DPI
        with matplotlib.rc_context(plotting.PROJECTOR_RC if plotting.PROJECTOR else FIGURE_RC):
            self.figure = Figure(figsize=figsize, dpi=dpi, layout="constrained")
            FigureCanvasAgg(self.figure)
            self.axes = self.figure.subplots(nrows, ncols, squeeze=True, **subplot_kw)
        self.dpi = dpi
        self._projector = plotting.PROJECTOR
        # shown at its own size (never stretched to the cell's width), shrunk on narrow screens
        self.image = widgets.Image(format="png", layout=widgets.Layout(
            width=f"{round(figsize[0] * dpi)}px", max_width="100%", align_self="flex-start"))
        self.image.add_class("course-plot")
        if plotting.PROJECTOR:  # not the 20 px above and below that a slide gives an image
            self.image.layout.margin = "4px 0"
        self._animated: list = []
        self._background = None
        self.paint_in_browser = paint_in_browser
        self.canvas_view = None  # the FigureCanvas, once painting in the browser
        self._rasters: dict = {}  # figure_canvas.frame_layers' pictures of rastered artists

    def animate(self, *artists) -> None:
        r"""Declare the artists that change from frame to frame, in drawing order.

        Renders then redraw only these over a saved copy of everything else
        (blitting), several times faster than a full draw. Call :meth:`invalidate`
        when anything else changes (limits, titles, labels).
        """
        for artist in self._animated:
            artist.set_animated(False)
        self._animated = list(artists)
        for artist in self._animated:
            artist.set_animated(True)
        self._background = None

    def invalidate(self) -> None:
        r"""Draw everything again at the next render (after a change to a static artist)."""
        self._background = None

    def _draw_static(self) -> None:
        r"""Leave the figure's static part (all but the animated artists) in the canvas's buffer.

        Draws it in full when needed (the first time, after :meth:`invalidate`);
        otherwise restores the saved copy.
        """
        canvas = self.figure.canvas
        if self._background is not None:
            canvas.restore_region(self._background)
            return
        if self._projector:  # a slide deck: no text under the projector's minimum
            from matplotlib.text import Text

            from .plotting import PROJECTOR_MIN_POINTS

            for text in self.figure.findobj(Text):
                text.set_fontsize(max(text.get_fontsize(), PROJECTOR_MIN_POINTS))
        canvas.draw()  # animated artists are left out of a full draw
        if not isinstance(self.figure.get_layout_engine(), PlaceHolderLayoutEngine):
            self.figure.set_layout_engine("none")
        if self._animated:
            self._background = canvas.copy_from_bbox(self.figure.bbox)
        self._rasters.clear()  # the layout may have moved them

    def render(self) -> bytes:
        r"""Draw the figure and return it as PNG bytes.

        The first render lays the axes out (constrained layout); later renders
        keep that layout, and draw once instead of twice as ``savefig`` would.
        With animated artists (:meth:`animate`) only those are drawn again.
        """
        canvas = self.figure.canvas
        self._draw_static()
        for artist in self._animated:
            self.figure.draw_artist(artist)
        self._rasters.clear()  # their artists are no longer stale: draw them afresh
        return png(np.asarray(canvas.buffer_rgba()))

    def go_live(self) -> bool:
        r"""Paint in the browser from now on, if ``paint_in_browser``; True if the view changed.

        Makes :attr:`canvas_view` (a :class:`~course_lib.figure_canvas.FigureCanvas`
        showing the current picture); the panel shows it in place of :attr:`image`
        (placed after it; the browser hides the image once the canvas has painted).
        """
        if not (self.paint_in_browser and self._animated) or self.canvas_view is not None:
            return False
        layout = self.image.layout
        # no width of its own: it is as wide as its canvas (the figure's pixels, shrunk to
        # the width there is), and takes no room before its first frame is painted
        self.canvas_view = FigureCanvas(layout=widgets.Layout(
            max_width=layout.max_width, align_self=layout.align_self,
            margin=layout.margin or "var(--jp-widgets-margin, 2px)"))  # the image's margin
        self.canvas_view.add_class("course-plot")
        self._paint()
        return True

    def _paint(self) -> None:
        r"""Send the canvas the new frame: the layers, and what else changed."""
        view, canvas = self.canvas_view, self.figure.canvas
        background = None
        if self._background is None or not view.background:
            self._draw_static()
            background = png(np.asarray(canvas.buffer_rgba()))
        layers, rasters = frame_layers(self.figure, self._animated, self._rasters)
        width, height = canvas.get_width_height(physical=True)
        with view.hold_sync():
            if background is not None:
                view.background = background
            view.width, view.height = width, height
            view.layers, view.rasters = layers, rasters
            view.frame += 1

    def relayout(self) -> None:
        r"""Lay the axes out again at the next render (after limits or labels changed size)."""
        self.figure.set_layout_engine("constrained")
        self._background = None

    def refresh(self) -> None:
        r"""Send the current state of the figure to the front end (a PNG, or a canvas frame)."""
        if self.canvas_view is not None:
            self._paint()
        else:
            self.image.value = self.render()


class LivePanel(widgets.VBox):
    r"""Controls, a live figure and a status line; redraws when any control changes.

    Parameters
    ----------
    controls : dict name -> widget
        Each widget's ``value`` is passed to ``update`` as the keyword ``name``.
    update : callable(**values) -> str | tuple[str, str] | None
        Changes the figure's artists; may return a short status text (HTML allowed),
        or (text, kind) with kind "info", "warning" or "error".
        A ``ValueError`` raised here is shown as a warning in the status line.
    figure : LiveFigure
    title : str, optional, shown above the controls
    extra : widgets placed under the controls (e.g. a Play control); controls
        that sit inside them are not shown a second time.
    status_beside : bool
        Put the status beside the figure instead of under it (for long status
        texts such as a truth table).

    Changes that ``update`` makes to the controls itself do not trigger another
    redraw: ``update`` uses the values it set.
    """

    def __init__(self, controls: dict[str, widgets.Widget], update: Callable[..., str | None],
                 figure: LiveFigure, *, title: str | None = None, extra=(),
                 status_beside: bool = False):
        self.title = title or ""
        self.controls = dict(controls)
        self.update_function = update
        self.figure = figure
        self.status = widgets.HTML(layout=widgets.Layout(min_height="1.6em"))
        self.status.add_class("course-status")
        self._updating = False
        placed = {id(child) for box in extra for child in getattr(box, "children", ())}
        control_box = widgets.Box(
            [c for c in self.controls.values() if id(c) not in placed],
            layout=widgets.Layout(flex_flow="row wrap", align_items="center"),
        )
        if status_beside:
            self.status.layout.margin = "0 0 0 1em"
            children = [control_box, *extra, widgets.HBox([figure.image, self.status])]
        else:
            children = [control_box, *extra, figure.image, self.status]
        if title:
            children.insert(0, widgets.HTML(f"<b>{html.escape(title)}</b>"))
        super().__init__(children)
        self.add_class("course-widget")
        _PANELS.append(weakref.ref(self))
        for control in self.controls.values():
            control.observe(self._on_change, names="value")
        self.redraw()

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.title!r}: run the notebook to use its controls)"

    def _repr_mimebundle_(self, **kwargs):
        # Beside the widget view, a PNG of the current figure: front ends that
        # cannot render widgets (GitHub, nbconvert, a notebook opened without its
        # kernel state) show the plot instead of nothing.
        bundle = super()._repr_mimebundle_(**kwargs)
        picture = (self.figure.image.value if self.figure.canvas_view is None
                   else self.figure.render())
        bundle["image/png"] = base64.b64encode(picture).decode("ascii")
        return bundle

    def go_live(self) -> None:
        r"""A student is here: let the figure paint in the browser if it can (LiveFigure.go_live).

        Called on the first change that comes from the front end, never while a
        notebook runs unattended, so that stored outputs and decks keep the PNG.
        """
        image = self.figure.image
        if not self.figure.go_live():
            return
        # the canvas goes right after the image, which the browser hides once the canvas
        # has painted its first frame (figure_canvas.js): never a blank picture between
        canvas = self.figure.canvas_view

        def after_image(children):
            return tuple(c for child in children
                         for c in ((child, canvas) if child is image else (child,)))

        self.children = after_image(self.children)
        for child in self.children:
            if isinstance(child, widgets.Box) and image in child.children:
                child.children = after_image(child.children)

    def values(self) -> dict:
        r"""The current value of every control, by name."""
        return {name: control.value for name, control in self.controls.items()}

    def show_message(self, text: str, kind: str = "info") -> None:
        r"""Show ``text`` in the status line; ``kind`` is "info", "warning" or "error"."""
        icon = {"info": "", "warning": "&#9888; ", "error": "&#10060; "}[kind]
        self.status.value = f'<span style="color:{STATUS_COLORS[kind]}">{icon}{text}</span>'

    def redraw(self, status: bool = True) -> None:
        r"""Call ``update`` with the controls' values, show its message, refresh the figure.

        ``status=False`` leaves the status line as it is unless the message is a
        warning or an error (for frames of an animation: the text would change faster
        than anyone reads it, and every change costs the browser a layout).
        """
        self._updating = True
        try:
            message = self.update_function(**self.values())
        except (ValueError, TypeError, ArithmeticError) as err:
            self.show_message(html.escape(str(err)), "warning")
        except Exception as err:  # a widget must never show a traceback
            self.show_message(
                f"Unexpected error ({type(err).__name__}): {html.escape(str(err))}", "error")
        else:
            text, kind = message if isinstance(message, tuple) else (message, "info")
            if status or kind != "info":
                self.show_message(text or "", kind)
        finally:
            self._updating = False
        self.figure.refresh()

    def _on_change(self, change) -> None:
        # update() may set controls itself (e.g. the epoch slider after retraining);
        # it then uses the values it set, so those changes need no second redraw.
        if not self._updating:
            if from_front_end(change):
                self.go_live()
            self.redraw()


def from_front_end(change) -> bool:
    r"""True if the trait change ``change`` came from the browser (a student), not from code.

    ipywidgets applies a front end's new values under a property lock: a slider's
    ``value``, or a menu's ``index`` (its ``value`` follows while the lock is held).
    """
    return bool(getattr(change["owner"], "_property_lock", None))


_STYLE = {"description_width": "initial"}


def slider(description: str, min, max, step, value, *, heavy: bool = False,
           readout_format: str | None = None, log: bool = False) -> widgets.Widget:
    r"""An int or float slider in the course's style.

    ``heavy=True`` updates only when the handle is released (``continuous_update=False``).
    ``log=True`` gives a FloatLogSlider; then min and max are exponents of 10.
    """
    common = {"description": description, "continuous_update": not heavy, "style": _STYLE,
              "layout": widgets.Layout(width="300px")}
    if log:
        return widgets.FloatLogSlider(value=value, base=10, min=min, max=max, step=step,
                                      readout_format=readout_format or ".3g", **common)
    if all(isinstance(v, int) for v in (min, max, step, value)):
        return widgets.IntSlider(value=value, min=min, max=max, step=step, **common)
    return widgets.FloatSlider(value=value, min=min, max=max, step=step,
                               readout_format=readout_format or ".2f", **common)


def dropdown(description: str, options, value=None) -> widgets.Dropdown:
    r"""A dropdown in the course's style."""
    options = list(options)
    return widgets.Dropdown(options=options, value=options[0] if value is None else value,
                            description=description, style=_STYLE,
                            layout=widgets.Layout(width="220px"))


def play_control(description: str, max: int, value: int = 0,
                 interval_ms: int = 400) -> tuple[widgets.HBox, widgets.IntSlider]:
    r"""A Play button driving an int slider (e.g. the epoch to show), for replaying training.

    Returns ``(box, slider)``: put ``box`` in the panel and ``slider`` in its controls.
    The two are linked in the browser (``jslink``), so playing stays smooth.
    """
    play = widgets.Play(value=value, min=0, max=max, step=1, interval=interval_ms,
                        description="Play", show_repeat=False)
    step_slider = widgets.IntSlider(value=value, min=0, max=max, description=description,
                                    style=_STYLE, layout=widgets.Layout(width="420px"))
    widgets.jslink((play, "value"), (step_slider, "value"))
    widgets.jslink((play, "max"), (step_slider, "max"))
    box = widgets.HBox([play, step_slider])
    box.play = play
    return box, step_slider


def progress_bar(total: int, description: str = "epoch") -> tuple[widgets.IntProgress, Callable]:
    r"""A progress bar for training and the callback that advances it.

    Returns ``(bar, callback)``: display ``bar``, pass ``callback`` to
    ``training.train(..., callback=callback)``, or call ``callback(k)`` after step k of
    any loop; it shows "description k/total" and the latest test accuracy when the
    history it is given has one.
    """
    bar = widgets.IntProgress(value=0, min=0, max=total, description=description,
                              style={"description_width": "initial"},
                              layout=widgets.Layout(width="500px"))

    def callback(epoch, history=None) -> None:
        bar.value = epoch
        accuracy = (history.test_accuracy[-1] if history is not None
                    and getattr(history, "test_accuracy", None) else None)
        bar.description = f"{description} {epoch}/{total}" + (
            f" · test accuracy {accuracy:.0%}" if accuracy is not None else "")

    return bar, callback
