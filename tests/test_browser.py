r"""Every notebook in a real browser: JupyterLab + headless Chromium, as a student uses it.

For each notebook: open it in JupyterLab, run all cells, assert that no cell
shows an error, then move the first slider of every live panel and assert that
its plot changed. Screenshots of each panel go to build/screenshots/.
"""

from __future__ import annotations

import json
import os
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


def _expected_panels(path: Path) -> int:
    cells = json.loads(path.read_text())["cells"]
    return sum(WIDGET_VIEW in o.get("data", {}) for c in cells for o in c.get("outputs", []))


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs_and_widgets_respond(lab, browser, notebook):
    url, token = lab
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    try:
        page.goto(f"{url}/lab/tree/notebooks/{notebook.name}?token={token}")
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
            before = plot.screenshot()
            panel.screenshot(path=SCREENSHOTS / f"{notebook.stem}-panel{k}.png")
            handle = panel.locator(".widget-slider .noUi-handle").first
            handle.focus()
            handle.press("ArrowRight")
            handle.press("ArrowRight")
            deadline = time.monotonic() + 20
            while plot.screenshot() == before:
                assert time.monotonic() < deadline, f"panel {k}: the plot did not change"
                page.wait_for_timeout(200)
            status = panel.locator(".course-status").inner_text()
            assert "Traceback" not in status and "Unexpected error" not in status, status
    finally:
        page.close()
