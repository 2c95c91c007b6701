r"""Every notebook in a real browser: JupyterLab + headless Chromium, as a student uses it.

For each notebook: open it in JupyterLab, run all cells, assert that no cell
shows an error, then move every slider of every live panel and assert that
its plot changed each time; where a panel has a Play button, press it and see
the epochs advance, then Pause. Screenshots of each panel go to build/screenshots/.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from conftest import NOTEBOOKS, ROOT, chromium_or_skip

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
SCREENSHOTS = ROOT / "build" / "screenshots"
# Chromium as root on a machine without a display or network beyond localhost:
# no sandbox (root), no GPU, no background connections that would be refused.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--disable-dev-shm-usage"]


# JupyterLab settings for the test: every cell stays in the page (no windowing),
# and no news toast covers the notebook.
SETTINGS = {
    "notebook-extension:tracker": {"windowingMode": "none"},
    "apputils-extension:notification": {"fetchNews": "false", "checkForUpdates": False},
}


# Sliders that must change the plot, besides the first slider of every panel.
MUST_CHANGE = {
    "02_mlp_backpropagation": ("learning rate η", "hidden layers (depth)",
                               "neurons per layer (width)", "noise"),
    "03_optimization_overfitting": ("learning rate η", "momentum μ", "dropout rate", "L2 λ"),
    "04_cnn": ("stride s", "padding p", "window p"),
    "05_rnn_lstm": ("time step t", "temperature"),
}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    r"""A JupyterLab server on 127.0.0.1 serving a copy of notebooks/; stopped by its PID."""
    chromium_or_skip()
    root = tmp_path_factory.mktemp("lab")
    shutil.copytree(ROOT / "notebooks", root / "notebooks")
    settings = root / "settings" / "@jupyterlab"
    for plugin, values in SETTINGS.items():
        package, name = plugin.split(":")
        (settings / package).mkdir(parents=True, exist_ok=True)
        (settings / package / f"{name}.jupyterlab-settings").write_text(json.dumps(values))
    port, token = _free_port(), secrets.token_hex(16)
    log = open(root / "jupyterlab.log", "w")  # noqa: SIM115 (closed at teardown)
    command = [
        sys.executable, "-m", "jupyter", "lab", "--no-browser", "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}", f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={root}", "--LabApp.news_url=None",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        f"--LabApp.workspaces_dir={root / 'workspaces'}",
        f"--LabApp.user_settings_dir={root / 'settings'}",
    ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-root")
    server = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT,
                              start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while True:
        try:
            urllib.request.urlopen(f"{url}/api/status?token={token}", timeout=2)
            break
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                server.kill()
                pytest.fail("JupyterLab did not start:\n" + (root / "jupyterlab.log").read_text())
            time.sleep(0.5)
    yield url, token
    os.killpg(server.pid, signal.SIGTERM)  # the server and the kernels it started
    try:
        server.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait(timeout=10)
    log.close()


@pytest.fixture(scope="module")
def browser(lab):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=chromium_or_skip(),
                                              args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


def _menu(page, menu: str, item: str) -> None:
    page.locator(".lm-MenuBar-itemLabel", has_text=menu).first.click()
    page.locator(".lm-Menu-itemLabel", has_text=item).first.click()


def _move_slider(page, plot, slider, name: str, must_change: bool) -> None:
    r"""One keyboard step of a slider (left when it sits at its maximum).

    When ``must_change``, the plot must change; otherwise (e.g. more epochs for a
    perceptron that has already converged) the step only has to raise no error.
    """
    handle = slider.locator(".noUi-handle")
    value = handle.get_attribute("aria-valuenow")
    at_max = value == handle.get_attribute("aria-valuemax")
    before = plot.screenshot()
    handle.focus()
    handle.press("ArrowLeft" if at_max else "ArrowRight")
    deadline = time.monotonic() + (20 if must_change else 1.5)
    while plot.screenshot() == before:
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
        # a workspace of its own: only this notebook open, whatever ran before
        page.goto(f"{url}/lab/workspaces/{notebook.stem}/tree/notebooks/{notebook.name}"
                  f"?reset&token={token}")
        page.wait_for_selector(".jp-NotebookPanel .jp-Cell", timeout=90_000)
        page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']",
                               state="attached", timeout=90_000)
        # Clear the stored outputs first, so that "[n]" prompts can only come from this run.
        _menu(page, "Edit", "Clear Outputs of All Cells")
        code_cells = page.locator(".jp-Notebook .jp-CodeCell .jp-InputArea-prompt")
        page.wait_for_function(
            """() => [...document.querySelectorAll(
                '.jp-Notebook .jp-CodeCell .jp-InputArea-prompt')]
                .every(p => !/\\d/.test(p.textContent))""", timeout=30_000)
        _menu(page, "Run", "Run All Cells")
        page.wait_for_function(
            """() => {
                const prompts = [...document.querySelectorAll(
                    '.jp-Notebook .jp-CodeCell .jp-InputArea-prompt')];
                const idle = document.querySelector(
                    ".jp-Notebook-ExecutionIndicator[data-status='idle']");
                return idle && prompts.length > 0
                    && prompts.every(p => /\\[\\d+\\]/.test(p.textContent));
            }""",
            timeout=240_000,
        )
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
            plot = panel.locator("img.course-plot")
            plot.wait_for()
            page.wait_for_function("img => img.complete && img.naturalWidth > 0",
                                   arg=plot.element_handle())
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
