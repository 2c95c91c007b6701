r"""A live figure painted in the browser: the kernel sends arrays, a canvas draws them.

A :class:`~course_lib.widgets.LiveFigure` with animated artists (``animate``)
normally redraws them with matplotlib and sends a new PNG: about 30 ms a frame
for the playground, most of it rasterising and encoding. Once a student moves
a control, the figure switches to a :class:`FigureCanvas` (an ``anywidget``, an
HTML canvas) and each frame becomes a short list of *layers* that the browser
paints over a background picture, in the animated artists' order:

- ``image``: an ``AxesImage`` (decision regions, the network's node maps) as RGBA
  bytes (zlib-compressed when large), with the pixel rectangle it fills and the
  axes it is clipped to;
- ``lines``: a ``Line2D`` (a loss curve) as its points in canvas pixels, colour,
  width and dashes;
- ``segments``: a ``LineCollection`` (the network's weights) as pixel segments
  with a colour and a width each;
- ``raster``: any other artists (points, texts, a legend) drawn by matplotlib
  onto a transparent picture, sent again only when one of them changed.

The background (everything not animated) is matplotlib's own picture, sent
when the figure is invalidated. So the canvas shows what the PNG would show.

The static picture stays: a notebook's stored output, a static deck and nbval
see the PNG of ``LiveFigure.render``; the canvas is only made once a front end
is there to draw it (a deck's saved widget state never contains it).
"""

from __future__ import annotations

import io
import zlib
from pathlib import Path

import anywidget
import numpy as np
import PIL.Image
import traitlets
from matplotlib.collections import LineCollection
from matplotlib.colors import to_rgba, to_rgba_array
from matplotlib.image import AxesImage
from matplotlib.lines import Line2D

__all__ = ["FigureCanvas", "frame_layers", "png"]

#: images up to this many bytes go as raw RGBA, larger ones compressed
RAW_LIMIT = 64 * 1024
_CAPS = {"butt": "butt", "round": "round", "projecting": "square"}


def png(rgba: np.ndarray) -> bytes:
    r"""PNG bytes of an (h, w, 4) uint8 picture, fast (zlib level 1)."""
    buffer = io.BytesIO()
    PIL.Image.fromarray(np.ascontiguousarray(rgba), "RGBA").save(buffer, format="png",
                                                                 compress_level=1)
    return buffer.getvalue()


def _pixels(transform, xy, height: int) -> np.ndarray:
    r"""Display coordinates (origin bottom left) -> canvas pixels (origin top left), float32."""
    p = transform.transform(np.asarray(xy, dtype=float).reshape(-1, 2))
    p[:, 1] = height - p[:, 1]
    return p.astype(np.float32)


def _clip(artist, height: int) -> list[float] | None:
    r"""The artist's clip rectangle [x, y, w, h] in canvas pixels, or None."""
    box = artist.get_clip_box() if artist.get_clip_on() else None
    if box is None:
        return None
    return [float(box.x0), float(height - box.y1), float(box.width), float(box.height)]


def _image(image: AxesImage, height: int) -> dict:
    rgba = image.to_rgba(image.get_array(), bytes=True)
    x0, x1, y0, y1 = image.get_extent()
    # row 0 sits at y0 for origin "lower", at y1 for "upper"; column 0 at x0
    row0, row_end = (y0, y1) if image.origin == "lower" else (y1, y0)
    (xa, ya), (xb, yb) = _pixels(image.axes.transData, [(x0, row0), (x1, row_end)], height)
    if ya > yb:
        rgba, ya, yb = rgba[::-1], yb, ya
    if xa > xb:
        rgba, xa, xb = rgba[:, ::-1], xb, xa
    rgba = np.ascontiguousarray(rgba)
    layer = {"kind": "image", "x": float(xa), "y": float(ya), "w": float(xb - xa),
             "h": float(yb - ya), "cols": rgba.shape[1], "rows": rgba.shape[0],
             "smooth": image.get_interpolation() not in ("nearest", "none"),
             "alpha": float(1.0 if image.get_alpha() is None else image.get_alpha()),
             "clip": _clip(image, height)}
    if rgba.nbytes <= RAW_LIMIT:
        layer["rgba"] = rgba.tobytes()
    else:  # zlib is twice as fast as a PNG here; the browser inflates it as fast
        layer["zlib"] = zlib.compress(rgba.tobytes(), 1)
    return layer


def _line(line: Line2D, height: int, scale: float) -> dict:
    offset, dashes = line._dash_pattern  # in points, already scaled by the line width
    return {"kind": "lines", "points": _pixels(line.get_transform(), line.get_xydata(),
                                                height).tobytes(),
            "color": list(to_rgba(line.get_color(), line.get_alpha())),
            "width": line.get_linewidth() * scale,
            "dashes": [d * scale for d in dashes] if dashes else [],
            "dash_offset": offset * scale, "cap": _CAPS[line.get_solid_capstyle()],
            "join": line.get_solid_joinstyle(), "clip": _clip(line, height)}


def _segments(collection: LineCollection, height: int, scale: float) -> dict:
    segments = collection.get_segments()
    n = len(segments)
    ends = np.array([s[[0, -1]] for s in segments], dtype=float).reshape(-1, 2)
    colors = to_rgba_array(collection.get_colors())
    colors = (np.broadcast_to(colors, (n, 4)) * 255).round().astype(np.uint8) if n else colors
    widths = np.broadcast_to(np.asarray(collection.get_linewidths(), dtype=np.float32) * scale,
                             (n,)) if n else np.zeros(0, np.float32)
    return {"kind": "segments",
            "points": _pixels(collection.get_transform(), ends, height).tobytes(),
            "colors": np.ascontiguousarray(colors, dtype=np.uint8).tobytes(),
            "widths": np.ascontiguousarray(widths, dtype=np.float32).tobytes(),
            "cap": _CAPS.get(collection.get_capstyle() or "butt", "butt"),
            "clip": _clip(collection, height)}


def _vector(artist, height: int, scale: float) -> dict | None:
    r"""The layer of an artist the canvas draws itself, or None if matplotlib must raster it."""
    if isinstance(artist, AxesImage) and artist.get_array() is not None:
        return _image(artist, height)
    if (type(artist) is Line2D and artist.get_marker() in ("None", "", " ", None)
            and artist.get_drawstyle() == "default" and artist.get_linestyle() != "None"):
        return _line(artist, height, scale)
    if (type(artist) is LineCollection
            and all(len(s) == 2 for s in artist.get_segments())
            and all(dashes is None for _, dashes in artist.get_linestyle())):
        return _segments(artist, height, scale)
    return None


def frame_layers(figure, artists, cache: dict) -> tuple[list[dict], list[dict]]:
    r"""The layers that paint ``artists`` (in order) over the figure's background.

    Artists the canvas cannot draw itself are drawn by matplotlib in runs
    (:func:`_raster`); ``cache`` keeps those pictures between frames (key: the
    run's place), and a run is drawn again only when one of its artists is stale
    (changed since it was last drawn). Returns ``(layers, rasters)``: a raster
    layer names its picture by its index in ``rasters``, so an unchanged picture
    is not sent again.
    """
    height = int(figure.bbox.height)
    scale = figure.dpi / 72.0  # points -> pixels
    layers, rasters, run = [], [], []

    def flush():
        if not run:
            return
        key = len(layers)
        cached = cache.get(key)
        if cached is None or cached[0] != run or any(a.stale for a in run):
            cached = cache[key] = (list(run), _raster(figure, run))
        layers.append({"kind": "raster", "index": len(rasters)})
        rasters.append(cached[1])
        run.clear()

    for artist in artists:
        if not artist.get_visible():
            continue
        layer = _vector(artist, height, scale)
        if layer is None:
            run.append(artist)
        else:
            flush()
            layers.append(layer)
    flush()
    return layers, rasters


def _raster(figure, artists) -> dict:
    r"""Draw ``artists`` with matplotlib on a transparent picture; keep its non-empty part."""
    renderer = figure.canvas.get_renderer()
    renderer.clear()  # transparent
    for artist in artists:
        artist.draw(renderer)
        artist.stale = False  # some draw nothing (an empty text) and stay stale otherwise
    rgba = np.asarray(figure.canvas.buffer_rgba())
    alpha = rgba[..., 3]
    rows, cols = np.flatnonzero(alpha.any(axis=1)), np.flatnonzero(alpha.any(axis=0))
    if not len(rows):
        return {"x": 0, "y": 0, "png": png(np.zeros((1, 1, 4), np.uint8))}
    top, left = int(rows[0]), int(cols[0])
    return {"x": left, "y": top, "png": png(rgba[top:rows[-1] + 1, left:cols[-1] + 1])}


class FigureCanvas(anywidget.AnyWidget):
    r"""An HTML canvas that paints a background PNG and a list of layers (see the module).

    Traits: ``width`` and ``height`` (pixels), ``background`` (PNG bytes),
    ``layers`` and ``rasters`` (lists of dicts, :func:`frame_layers`), ``frame`` (a
    counter: a new frame; the browser's ``course-painted`` event carries it once painted).
    """

    _esm = Path(__file__).with_name("figure_canvas.js")
    width = traitlets.Int(0).tag(sync=True)
    height = traitlets.Int(0).tag(sync=True)
    background = traitlets.Bytes(b"").tag(sync=True)
    layers = traitlets.List([]).tag(sync=True)
    rasters = traitlets.List([]).tag(sync=True)
    frame = traitlets.Int(0).tag(sync=True)
