#!/usr/bin/env python3
r"""Set up, open and test the course with one command each (standard library only).

    python3 course.py lab        # create .venv, install the course, open JupyterLab
    python3 course.py test       # create .venv, install with test extras, lint + all tests
    python3 course.py slides     # build the offline slide decks and PDF handouts into slides/
    python3 course.py present NOTEBOOK   # present a notebook as live slides (Voila, reveal.js)
    python3 course.py student    # regenerate the student versions (student/) from notebooks/
    python3 course.py execute    # re-run every notebook in place (for authors)
    python3 course.py bench      # print the benchmark table

Extra arguments go to the tool: ``python3 course.py lab --no-browser --port 8890``,
``python3 course.py test -k perceptron``. Set COURSE_VENV to use another folder
than ``.venv``.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = Path(os.environ.get("COURSE_VENV", ROOT / ".venv"))
FIRST_NOTEBOOK = "student/01_neurons_perceptron_xor.ipynb"  # students work in student/


def venv_python() -> Path:
    return VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def run(*args) -> None:
    r"""Run a command, echoing it; stop with its exit code when it fails."""
    print("+", " ".join(str(a) for a in args), flush=True)
    code = subprocess.call([str(a) for a in args], cwd=ROOT)
    if code:
        sys.exit(code)


def setup(extras: str = "") -> Path:
    r"""Create the virtual environment and install the course into it (skipped when current)."""
    if sys.version_info < (3, 10):  # noqa: UP036 (course.py may be run by an older python3)
        sys.exit(f"The course needs Python 3.10 or newer; this is {sys.version.split()[0]}.")
    python = venv_python()
    if not python.exists():
        print(f"Creating the virtual environment {VENV} ...", flush=True)
        try:
            venv.EnvBuilder(with_pip=True).create(VENV)
        except Exception as err:  # e.g. Debian/Ubuntu without python3-venv
            sys.exit(f"Could not create {VENV} ({err}). On Debian/Ubuntu: "
                     "sudo apt install python3-venv, then try again.")
    target = f".[{extras}]" if extras else "."
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes() + target.encode()).hexdigest()
    stamp = VENV / ".course-installed"
    installed = stamp.read_text().split() if stamp.exists() else []
    if digest not in installed:
        print(f"Installing the course ({target}) into {VENV}: the first time takes a few minutes.",
              flush=True)
        run(python, "-m", "pip", "install", "--upgrade", "pip")
        run(python, "-m", "pip", "install", "--editable", target)
        stamp.write_text("\n".join([*installed, digest]))
    return python


def present_command(notebook: str, *options: str) -> list[str]:
    r"""Voila serving ``notebook`` as reveal.js slides with live widgets, every asset local.

    The template ``reveal_offline`` (slides/share/voila/templates) is Voila's reveal
    template with Font Awesome from slides/lib; reveal.js and jQuery also come
    from slides/lib (installed by ``tools/build_slides.py --assets-only``).
    """
    assets = "voila/files/slides/lib"
    resources = {"reveal": {"url_prefix": f"{assets}/reveal.js", "theme": "white",
                            "scroll": True},
                 "course_assets": assets}
    return ["-m", "voila", notebook, "--template=reveal_offline", "--Voila.ip=127.0.0.1",
            f"--Voila.root_dir={ROOT}",
            f"--VoilaConfiguration.resources={resources!r}",
            "--VoilaConfiguration.file_allowlist=['slides/lib/.*', '.*\\.(png|jpg|gif|svg)']",
            f"--HTMLExporter.jquery_url={assets}/jquery.min.js", *options]


def main(argv: list[str]) -> int:
    command, args = (argv[0], argv[1:]) if argv else ("help", [])
    if command == "lab":
        python = setup()
        root = ["--allow-root"] if hasattr(os, "geteuid") and os.geteuid() == 0 else []
        # the repository is the root (student/ and notebooks/ side by side), the
        # student version of notebook 01 opens first
        return subprocess.call([str(python), "-m", "jupyter", "lab", FIRST_NOTEBOOK,
                                f"--ServerApp.root_dir={ROOT}", "--LabApp.news_url=None",
                                *root, *args], cwd=ROOT)
    if command == "test":
        python = setup("test")
        run(python, "-m", "ruff", "check", ".")
        return subprocess.call([str(python), "-m", "pytest", *args], cwd=ROOT)
    if command == "slides":
        python = setup("slides")
        return subprocess.call([str(python), "tools/build_slides.py", *args], cwd=ROOT)
    if command == "present":
        if not args or not args[0].endswith(".ipynb"):
            print("usage: python3 course.py present notebooks/NN_name.ipynb [voila options]")
            return 2
        python = setup("slides")
        run(python, "tools/build_slides.py", "--assets-only")
        return subprocess.call([str(python), *present_command(*args)], cwd=ROOT,
                               env=os.environ | {"JUPYTER_PATH": str(ROOT / "slides" / "share")})
    if command == "student":
        python = setup()
        return subprocess.call([str(python), "tools/make_student_versions.py", *args], cwd=ROOT)
    if command == "execute":
        python = setup("test")
        return subprocess.call([str(python), "tools/execute_notebooks.py", *args], cwd=ROOT)
    if command == "bench":
        python = setup("test")
        return subprocess.call([str(python), "benchmarks/run.py", *args], cwd=ROOT)
    print(__doc__)
    return 0 if command in ("help", "-h", "--help") else 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
