r"""The figure painted in the browser (course_lib.figure_canvas) shows what the PNG shows.

The canvas's state (background PNG and layers) is composited here with PIL, the
way figure_canvas.js paints it, and compared with matplotlib's own picture of the
same figure. The browser side is exercised by tests/test_browser.py (the
playground's sliders and Play) and measured by benchmarks/browser.py.
"""

from __future__ import annotations

import io
import zlib

import numpy as np
import PIL.Image
import PIL.ImageDraw
import pytest

from course_lib.explorers.playground import Playground
from course_lib.figure_canvas import FigureCanvas
from course_lib.widgets import LiveFigure, LivePanel, from_front_end, slider


def _png(data: bytes) -> PIL.Image.Image:
    return PIL.Image.open(io.BytesIO(data)).convert("RGBA")


def composite(view: FigureCanvas) -> np.ndarray:
    r"""The canvas's picture: background, then each layer in order (as figure_canvas.js)."""
    picture = _png(view.background)
    assert picture.size == (view.width, view.height)
    for layer in view.layers:
        kind = layer["kind"]
        top = PIL.Image.new("RGBA", picture.size, (0, 0, 0, 0))
        if kind == "image":
            raw = zlib.decompress(layer["zlib"]) if "zlib" in layer else layer["rgba"]
            image = PIL.Image.frombytes("RGBA", (layer["cols"], layer["rows"]), raw)
            box = [round(layer[k]) for k in ("x", "y", "w", "h")]
            image = image.resize((box[2], box[3]), PIL.Image.Resampling.NEAREST)
            top.paste(image, (box[0], box[1]))
        elif kind == "raster":
            raster = view.rasters[layer["index"]]
            top.paste(_png(raster["png"]), (raster["x"], raster["y"]))
        else:
            draw = PIL.ImageDraw.Draw(top)
            points = np.frombuffer(layer["points"], np.float32).reshape(-1, 2)
            if kind == "lines":
                color = tuple(round(255 * c) for c in layer["color"])
                finite = np.isfinite(points).all(axis=1)
                # a point that is not finite lifts the pen (matplotlib's gaps, a diverged loss)
                for run in np.split(np.arange(len(points)), np.flatnonzero(~finite)):
                    run = run[finite[run]]
                    if len(run) > 1:
                        draw.line([tuple(p) for p in points[run]], fill=color,
                                  width=round(layer["width"]))
            else:
                colors = np.frombuffer(layer["colors"], np.uint8).reshape(-1, 4)
                widths = np.frombuffer(layer["widths"], np.float32)
                for (a, b), color, width in zip(points.reshape(-1, 2, 2), colors, widths,
                                                strict=True):
                    draw.line([tuple(a), tuple(b)], fill=tuple(color), width=max(1, round(width)))
        if layer.get("clip"):
            x, y, w, h = layer["clip"]
            mask = PIL.Image.new("L", picture.size, 0)
            PIL.ImageDraw.Draw(mask).rectangle([x, y, x + w, y + h], fill=255)
            top.putalpha(PIL.Image.fromarray(np.minimum(np.asarray(top)[..., 3],
                                                        np.asarray(mask))))
        picture = PIL.Image.alpha_composite(picture, top)
    return np.asarray(picture.convert("RGB"), dtype=int)


def _differing(a: np.ndarray, b: np.ndarray) -> float:
    r"""The share of pixels whose colour differs clearly (beyond anti-aliasing)."""
    return float((np.abs(a - b).max(axis=-1) > 60).mean())


@pytest.fixture
def playground():
    pg = Playground(seed=3)
    pg.train(30)
    pg.panel.go_live()
    return pg


def _compare(playground) -> None:
    live = playground.live
    expected = np.asarray(_png(live.render()).convert("RGB"), dtype=int)
    painted = composite(live.canvas_view)
    # lines differ at their edges (PIL draws neither anti-aliasing nor dashes), the node
    # tiles' borders by a pixel (two nearest-neighbour resamplings); a misplaced or flipped
    # layer would differ over a tenth of the figure
    assert _differing(painted, expected) < 0.02
    # the decision regions and the points: as matplotlib draws them
    box = playground.ax_data.get_window_extent()
    height = live.figure.bbox.height
    rows = slice(round(height - box.y1), round(height - box.y0))
    cols = slice(round(box.x0), round(box.x1))
    assert _differing(painted[rows, cols], expected[rows, cols]) < 0.003


def test_the_canvas_shows_what_the_png_shows(playground):
    view = playground.live.canvas_view
    assert isinstance(view, FigureCanvas)
    assert [layer["kind"] for layer in view.layers] == [
        "image", "raster", "segments", "image", "raster", "lines", "lines", "raster"]
    _compare(playground)
    for _ in range(3):  # after frames of training too
        playground.frame()
    _compare(playground)
    playground.panel.controls["dataset"].value = "spirals"  # wider limits: a new background
    _compare(playground)


def test_the_decision_regions_fill_their_axes(playground):
    view, ax = playground.live.canvas_view, playground.ax_data
    regions = view.layers[0]
    height = playground.live.figure.bbox.height
    box = ax.get_window_extent()
    assert regions["x"] == pytest.approx(box.x0, abs=0.01)
    assert regions["y"] == pytest.approx(height - box.y1, abs=0.01)
    assert (regions["w"], regions["h"]) == pytest.approx((box.width, box.height), abs=0.01)
    assert (regions["rows"], regions["cols"]) == (70, 70)


def test_a_picture_is_sent_again_only_when_it_changed(playground):
    view = playground.live.canvas_view
    rasters, frame = view.rasters, view.frame
    playground.frame()  # training moves the weights, not the points or the texts
    assert view.frame == frame + 1
    assert all(new is old for new, old in zip(view.rasters, rasters, strict=True))
    playground.panel.controls["noise"].value = 0.2  # new points
    assert view.rasters[0] is not rasters[0]
    assert view.rasters[1:] == rasters[1:]


def test_only_a_student_s_change_makes_the_canvas():
    pg = Playground()
    image = pg.live.image
    pg.panel.controls["eta"].value = 0.5  # code, e.g. a notebook run unattended or a deck build
    pg.frame()
    assert pg.live.canvas_view is None and image in pg.panel.children
    seen = []
    pg.panel.controls["width"].observe(lambda change: seen.append(from_front_end(change)),
                                       names="value")
    pg.panel.controls["width"].set_state({"value": 5})  # what a message from the browser does
    assert seen == [True]
    view = pg.live.canvas_view
    assert isinstance(view, FigureCanvas)
    # the canvas right after the image, which the browser hides once the canvas has painted
    children = list(pg.panel.children)
    assert children.index(view) == children.index(image) + 1
    # a menu (and a selection slider) sends its index; its value follows under the same lock
    menu = pg.panel.controls["activation"]
    menu.observe(lambda change: seen.append(from_front_end(change)), names="value")
    seen.clear()
    menu.set_state({"index": (menu.index + 1) % len(menu.options)})
    assert seen == [True]
    menu.value = menu.options[0]  # from code
    assert seen == [True, False]
    # front ends without the widget (GitHub, a static deck) still get a picture, the current one
    bundle = pg.panel._repr_mimebundle_()
    assert bundle["image/png"]


def test_a_figure_without_animated_artists_keeps_its_png():
    live = LiveFigure(figsize=(3, 2), paint_in_browser=True)
    (line,) = live.axes.plot([0, 1], [0, 1])
    panel = LivePanel({"a": slider("a", 0.0, 1.0, 0.1, 0.5)},
                      lambda a: line.set_ydata([0, a]), live)
    panel.controls["a"].set_state({"value": 0.7})
    assert live.canvas_view is None  # nothing to animate: a full draw is the PNG anyway
    assert live.image in panel.children


def _painted_and_expected(panel) -> tuple[np.ndarray, np.ndarray]:
    expected = np.asarray(_png(panel.figure.render()).convert("RGB"), dtype=int)
    return composite(panel.figure.canvas_view), expected


def _builders():
    from course_lib.explorers.convolution import pooling_explorer, stride_padding_explorer
    from course_lib.explorers.neurons import (
        activation_explorer,
        perceptron_explorer,
        threshold_unit_explorer,
    )
    from course_lib.explorers.optimization import overfitting_lab, trajectory_lab
    from course_lib.explorers.reinforcement import cartpole_animation, q_learning_explorer
    from course_lib.explorers.unsupervised import som_explorer

    def cartpole():  # an episode's states (x, x', theta, theta'): the cart moves, the pole tips
        steps = np.linspace(0.0, 1.0, 21)
        return cartpole_animation(np.column_stack([steps, steps, 0.2 * steps, steps]))

    return [threshold_unit_explorer, activation_explorer, perceptron_explorer, trajectory_lab,
            overfitting_lab, stride_padding_explorer, pooling_explorer, som_explorer,
            q_learning_explorer, cartpole]


@pytest.mark.parametrize("build", _builders(), ids=lambda build: build.__name__)
def test_every_explorer_paints_what_its_png_shows(build):
    panel = build()
    sliders = [c for c in panel.controls.values() if hasattr(c, "max") and hasattr(c, "step")]
    for control in sliders[:3]:  # each moved as from the browser, one step
        value = control.value + control.step
        if value > control.max:
            value = control.value - control.step
        control.set_state({"value": value})
        if panel.figure.canvas_view is None:  # nothing animated: the PNG is the picture
            assert not panel.figure._animated and panel.figure.image in panel.children
            return
        assert _differing(*_painted_and_expected(panel)) < 0.02


def test_the_gate_inspector_and_the_sampler_paint_what_the_png_shows():
    from course_lib import sequence, sequence_data
    from course_lib.explorers.recurrent import GateInspector, temperature_sampler

    model, _, (x, y) = sequence.train_recall(6, "lstm", np.random.default_rng(0), n_train=128,
                                             n_test=64, epochs=3, H=4)
    panel = GateInspector(model, x, y, sequence_data.recall_symbols(), list("ABCD")).panel
    panel.controls["t"].set_state({"value": 2})
    assert _differing(*_painted_and_expected(panel)) < 0.02
    panel.controls["example"].value = 3
    assert _differing(*_painted_and_expected(panel)) < 0.02

    text = sequence_data.sentences(20, np.random.default_rng(0))
    codec = sequence_data.CharCodec(text)
    model = sequence.SequenceClassifier(codec.size, 8, codec.size, np.random.default_rng(1),
                                        output="every")
    panel = temperature_sampler(model, codec, ["I was born in ", "We"], length=20)
    panel.controls["temperature"].set_state({"value": 0.3})
    assert _differing(*_painted_and_expected(panel)) < 0.02
