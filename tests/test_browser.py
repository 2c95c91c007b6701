r"""Every notebook in a real browser: JupyterLab + headless Chromium, as a student uses it.

For each notebook: open it in JupyterLab, run all cells, assert that no cell
shows an error, then move every slider of every live panel and assert that
its plot changed each time; where a panel has a Play button, press it and see
the epochs advance, then Pause. Screenshots of each panel go to build/screenshots/.
"""

from __future__ import annotations

import importlib.util
import json
import re
import shutil
import time
from pathlib import Path

import pytest

from conftest import NOTEBOOKS, ROOT, chromium_or_skip

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
SCREENSHOTS = ROOT / "build" / "screenshots"
_spec = importlib.util.spec_from_file_location("labserver", ROOT / "tools" / "labserver.py")
labserver = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(labserver)
CHROMIUM_ARGS = labserver.CHROMIUM_ARGS


# Sliders that must change the plot, besides the first slider of every panel.
MUST_CHANGE = {
    "02_mlp_backpropagation": ("learning rate η", "hidden layers (depth)",
                               "neurons per layer (width)", "noise"),
    "03_optimization_overfitting": ("learning rate η", "momentum μ", "dropout rate", "L2 λ"),
    "04_cnn": ("stride s", "padding p", "window p"),
    "05_rnn_lstm": ("time step t", "temperature"),
}


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    r"""A JupyterLab server on 127.0.0.1 serving a copy of notebooks/ (tools/labserver.py)."""
    chromium_or_skip()
    root = tmp_path_factory.mktemp("lab")
    shutil.copytree(ROOT / "notebooks", root / "notebooks")
    try:
        with labserver.running(root) as (url, token):
            yield url, token
    except labserver.ServerError as err:
        pytest.fail(str(err))


@pytest.fixture(scope="module")
def browser(lab):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=chromium_or_skip(),
                                              args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


def _picture(plot) -> bytes:
    r"""A screenshot of the panel's picture (b"" while a canvas is taking the PNG's place)."""
    from playwright.sync_api import Error

    try:
        return plot.screenshot(timeout=5000)
    except Error:  # detached: the PNG was just replaced by the canvas
        return b""


def _move_slider(page, plot, slider, name: str, must_change: bool) -> None:
    r"""One keyboard step of a slider (left when it sits at its maximum).

    When ``must_change``, the plot must change; otherwise (e.g. more epochs for a
    perceptron that has already converged) the step only has to raise no error.
    """
    handle = slider.locator(".noUi-handle")
    value = handle.get_attribute("aria-valuenow")
    at_max = value == handle.get_attribute("aria-valuemax")
    before = _picture(plot)
    while not before:
        before = _picture(plot)
    handle.focus()
    handle.press("ArrowLeft" if at_max else "ArrowRight")
    deadline = time.monotonic() + (20 if must_change else 1.5)
    while _picture(plot) in (before, b""):
        if time.monotonic() > deadline:
            assert not must_change, f"the plot did not change after moving {name!r} from {value}"
            break
        page.wait_for_timeout(200)


def _play_and_see_training_advance(page, panel, play) -> None:
    r"""Press Play, see the epoch count in the status line grow, press Pause."""
    status = panel.locator(".course-status")

    def epoch() -> int:
        match = re.search(r"epoch (\d+)", status.inner_text())
        return int(match.group(1)) if match else 0

    start = epoch()
    play.click()
    deadline = time.monotonic() + 60
    while epoch() < start + 200:
        assert time.monotonic() < deadline, f"Play did not train: {status.inner_text()}"
        page.wait_for_timeout(200)
    play.click()  # Pause
    # the button shows "Play" again once the kernel has seen the click (a busy machine may
    # take a moment); from then on, no more epochs
    page.wait_for_function("b => b.textContent.includes('Play')", arg=play.element_handle(),
                           timeout=10_000)
    page.wait_for_timeout(500)
    paused = epoch()
    page.wait_for_timeout(1000)
    assert epoch() == paused, "Pause did not stop training"


def _expected_panels(path: Path) -> int:
    r"""Live panels among the stored outputs (other widgets, e.g. progress bars, not counted)."""
    cells = json.loads(path.read_text())["cells"]
    return sum(WIDGET_VIEW in o.get("data", {})
               and "".join(o["data"].get("text/plain", "")).startswith("LivePanel(")
               for c in cells for o in c.get("outputs", []))


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs_and_widgets_respond(lab, browser, notebook):
    url, token = lab
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    try:
        labserver.run_all(page, url, token, notebook)
        code_cells = page.locator(".jp-Notebook .jp-CodeCell .jp-InputArea-prompt")
        assert code_cells.count() > 0
        errors = page.locator(".jp-OutputArea-output[data-mime-type="
                              "'application/vnd.jupyter.stderr']")
        assert errors.count() == 0, "error output in the browser:\n" + "\n".join(
            errors.all_inner_texts())

        panels = page.locator(".course-widget")
        expected = _expected_panels(notebook)
        try:
            panels.nth(max(expected - 1, 0)).wait_for(timeout=60_000)
        finally:
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=SCREENSHOTS / f"{notebook.stem}-page.png")
        assert panels.count() == expected
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        for k in range(expected):
            panel = panels.nth(k)
            panel.scroll_into_view_if_needed()
            # the picture: a PNG, or once a student moves a control of a figure painted in
            # the browser (course_lib/figure_canvas.py), the canvas after it once it has
            # painted (the PNG is hidden then)
            plot = panel.locator("img.course-plot:visible, .course-plot[data-painted]").last
            plot.wait_for()
            page.wait_for_function("img => img.complete && img.naturalWidth > 0",
                                   arg=panel.locator("img.course-plot").element_handle())
            panel.screenshot(path=SCREENSHOTS / f"{notebook.stem}-panel{k}.png")
            sliders = panel.locator(".widget-slider")
            assert sliders.count() > 0, f"panel {k} has no slider"
            for s in range(sliders.count()):
                name = sliders.nth(s).locator(".widget-label").inner_text()
                must_change = s == 0 or name in MUST_CHANGE.get(notebook.stem, ())
                _move_slider(page, plot, sliders.nth(s), name, must_change)
            play = panel.locator(".course-play")
            if play.count():
                _play_and_see_training_advance(page, panel, play)
                panel.screenshot(path=SCREENSHOTS / f"{notebook.stem}-panel{k}-played.png")
            status = panel.locator(".course-status").inner_text()
            assert "Traceback" not in status and "Unexpected error" not in status, status
    finally:
        page.close()
