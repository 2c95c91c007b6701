r"""A JupyterLab server for a headless browser: the browser tests and the browser benchmark.

    with labserver.running(root) as (url, token):
        ...  # open f"{url}/lab/tree/notebooks/NAME.ipynb?token={token}"

Serves ``root`` on 127.0.0.1 (a free port, a random token), with every cell kept in
the page (no windowing) and no news toast; stops the server and every kernel it
started (its process group) on leaving.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

# JupyterLab settings: every cell stays in the page (no windowing), no news toast.
SETTINGS = {
    "notebook-extension:tracker": {"windowingMode": "none"},
    "apputils-extension:notification": {"fetchNews": "false", "checkForUpdates": False},
}

# Chromium as root on a machine without a display or network beyond localhost:
# no sandbox (root), no GPU, no background connections that would be refused.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--disable-dev-shm-usage"]


class ServerError(RuntimeError):
    r"""JupyterLab did not start; the message holds its log."""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def running(root: Path, timeout: float = 90.0):
    r"""Serve ``root`` with JupyterLab; yields (url, token). Its log is root/jupyterlab.log."""
    root = Path(root)
    settings = root / "settings" / "@jupyterlab"
    for plugin, values in SETTINGS.items():
        package, name = plugin.split(":")
        (settings / package).mkdir(parents=True, exist_ok=True)
        (settings / package / f"{name}.jupyterlab-settings").write_text(json.dumps(values))
    port, token = _free_port(), secrets.token_hex(16)
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
    with open(root / "jupyterlab.log", "w") as log:
        server = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT,
                                  start_new_session=True)
        try:
            url = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + timeout
            while True:
                try:
                    urllib.request.urlopen(f"{url}/api/status?token={token}", timeout=2)
                    break
                except OSError as err:
                    if server.poll() is not None or time.monotonic() > deadline:
                        raise ServerError("JupyterLab did not start:\n"
                                          + (root / "jupyterlab.log").read_text()) from err
                    time.sleep(0.5)
            yield url, token
        finally:
            os.killpg(server.pid, signal.SIGTERM)  # the server and the kernels it started
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait(timeout=10)


def _menu(page, menu: str, item: str) -> None:
    page.locator(".lm-MenuBar-itemLabel", has_text=menu).first.click()
    page.locator(".lm-Menu-itemLabel", has_text=item).first.click()


def run_all(page, url: str, token: str, notebook: Path, timeout_s: float = 240) -> None:
    r"""Open ``notebooks/<notebook.name>`` in a workspace of its own and run all its cells.

    The stored outputs are cleared first, so that "[n]" prompts can only come from
    this run; returns when every code cell has run and the kernel is idle.
    """
    page.goto(f"{url}/lab/workspaces/{notebook.stem}/tree/notebooks/{notebook.name}"
              f"?reset&token={token}")
    page.wait_for_selector(".jp-NotebookPanel .jp-Cell", timeout=90_000)
    page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']",
                           state="attached", timeout=90_000)
    _menu(page, "Edit", "Clear Outputs of All Cells")
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
        timeout=timeout_s * 1000,
    )
