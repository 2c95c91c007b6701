r"""Shared test settings.

Browser tests need Debian's Chromium (/usr/bin/chromium) and Playwright's Python
package. Without them they skip with the reason, except when CI=true, where a
missing browser fails the run.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import matplotlib
import pytest

matplotlib.use("Agg")

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
IN_CI = os.environ.get("CI", "").lower() == "true"
#: course_lib's modules that draw or show; every other module is the numpy-only math core
PRESENTATION = ("course_lib.plotting", "course_lib.network_plot", "course_lib.widgets",
                "course_lib.explorers", "course_lib.recurrent_plot", "course_lib.network_types",
                "course_lib.figure_canvas")


def module_name(path: Path) -> str:
    r"""``course_lib/exercises/bank.py`` -> ``course_lib.exercises.bank`` (a package: its name)."""
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


#: every module of course_lib by name, and its file
MODULES = {module_name(path): path for path in sorted((ROOT / "course_lib").rglob("*.py"))}
MATH_CORE = [name for name in MODULES if not name.startswith(PRESENTATION)]


def chromium_or_skip() -> str:
    r"""Path of the Chromium executable; skip (or fail under CI=true) when it is missing."""
    path = os.environ.get("COURSE_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    problem = None
    if not Path(path).exists():
        problem = ("Chromium not found: install Debian's package 'chromium' "
                   "(sudo apt-get install chromium) or set COURSE_CHROMIUM to its path")
    else:
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError:
            problem = "Playwright's Python package is missing: pip install -e '.[test]'"
    if problem:
        if IN_CI:
            pytest.fail(f"{problem} (CI=true: browser tests must run)")
        pytest.skip(problem)
    return path
