#!/usr/bin/env python3
r"""Set up, open and test the course with one command each (standard library only).

    python3 course.py lab        # create .venv, install the course, open JupyterLab
    python3 course.py test       # create .venv, install with test extras, lint + all tests
    python3 course.py slides     # build the offline slide decks and PDF handouts into slides/
    python3 course.py present NOTEBOOK   # present a notebook as live slides (Voila, reveal.js)
    python3 course.py student    # regenerate the student versions (student/) from notebooks/
    python3 course.py execute    # re-run every notebook in place (for authors)
    python3 course.py bench      # print the benchmark table (kernel side)
    python3 course.py bench --browser   # every control's latency as painted in Chromium

Extra arguments go to the tool: ``python3 course.py lab --no-browser --port 8890``,
``python3 course.py test -k perceptron``. Set COURSE_VENV to use another folder
than ``.venv``.
"""

from __future__ import annotations

import hashlib
import os
import platform
import signal
import subprocess
import sys
import time
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = Path(os.environ.get("COURSE_VENV", ROOT / ".venv"))
FIRST_NOTEBOOK = "student/01_neurons_perceptron_xor.ipynb"  # students work in student/

#: The same numbers, to the last bit, on every x86-64 machine. Training a network for
#: minutes amplifies a difference in the last bit of one product into another
#: outcome (a seed that solves a task on one machine and not on the next). numpy's
#: AVX-512 loops and OpenBLAS's per-processor kernels round differently from their
#: AVX2 versions, so every process of the course uses the AVX2 ones (numpy's
#: X86_V3 loops, OpenBLAS's Haswell kernels), which every x86-64 processor of the
#: last ten years runs. OpenBLAS also splits a large product differently between 2
#: threads and 8, so it computes on one thread (a laptop's other cores stay free for
#: the browser; the tests run notebooks side by side instead). The stored outputs
#: that nbval compares were computed so.
REPRODUCIBLE_ENV = {
    "NPY_DISABLE_CPU_FEATURES": "X86_V4 AVX512_ICL AVX512_SPR",
    "OPENBLAS_CORETYPE": "Haswell",
    "OPENBLAS_NUM_THREADS": "1",
}


def reproducible_environment() -> dict[str, str]:
    r"""Set :data:`REPRODUCIBLE_ENV` in ``os.environ`` (the SIMD pins on x86-64 only; values
    already set win).

    Child processes (JupyterLab's kernels, nbval's, nbclient's) inherit it; it must be
    set before numpy is imported in a process to act in that process.
    """
    x86 = platform.machine().lower() in ("x86_64", "amd64")
    for name, value in REPRODUCIBLE_ENV.items():
        if x86 or name == "OPENBLAS_NUM_THREADS":  # one thread is the same on every machine
            os.environ.setdefault(name, value)
    return {name: os.environ[name] for name in REPRODUCIBLE_ENV if name in os.environ}


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

    The template ``reveal_offline`` (slides/share/voila/templates) sends the slides
    before the kernel is ready and lets Voila's progressive rendering fill each
    output in as its cell runs; it has a speaker view of its own (key S) that
    starts no kernel. Font Awesome, reveal.js and jQuery come from slides/lib
    (installed by ``tools/build_slides.py --assets-only``). As in the static
    decks, code cells tagged ``hide-input`` show only their output; no prompts.
    """
    assets = "voila/files/slides/lib"
    resources = {"reveal": {"url_prefix": f"{assets}/reveal.js", "theme": "white",
                            "width": 1280, "height": 720, "number": "c/t"},
                 "course_assets": assets}
    return ["-m", "voila", notebook, "--template=reveal_offline", "--Voila.ip=127.0.0.1",
            f"--Voila.root_dir={ROOT}",
            f"--VoilaConfiguration.resources={resources!r}",
            "--VoilaConfiguration.file_allowlist=['slides/lib/.*', '.*\\.(png|jpg|gif|svg)']",
            "--VoilaConfiguration.progressive_rendering=True",
            "--VoilaConfiguration.strip_sources=False",
            "--HTMLExporter.exclude_input_prompt=True",
            "--HTMLExporter.exclude_output_prompt=True",
            "--TagRemovePreprocessor.enabled=True",
            "--TagRemovePreprocessor.remove_input_tags={'hide-input'}",
            f"--HTMLExporter.jquery_url={assets}/jquery.min.js", *options]


def prepared(python: Path, notebook: str) -> str:
    r"""The notebook to serve live: ``tools/deck.py``'s prepared copy in build/present/.

    ``tools/deck.py --present NOTEBOOK`` writes the copy (speaker notes and
    fragments from the markdown's marks, a title slide, the projector style) and
    prints its path.
    """
    print(f"+ {python} tools/deck.py --present {notebook}", flush=True)
    result = subprocess.run([str(python), "tools/deck.py", "--present", notebook], cwd=ROOT,
                            stdout=subprocess.PIPE, text=True)
    lines = result.stdout.strip().splitlines()
    if result.returncode or not lines:
        sys.exit(result.returncode or "tools/deck.py --present printed no path")
    path = Path(lines[-1])
    path = path if path.is_absolute() else ROOT / path
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


def descendants(pid: int) -> list[int]:
    r"""Every process below ``pid`` (Voila's kernels run in sessions of their own)."""
    children: dict[int, list[int]] = {}
    if Path("/proc/self/stat").exists():
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:  # "pid (name) state ppid ...": the name may hold spaces
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:  # the process has just ended
                continue
            children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    else:  # macOS and other systems without /proc
        table = subprocess.run(["ps", "-A", "-o", "pid=", "-o", "ppid="],
                               capture_output=True, text=True).stdout.split()
        for child, parent in zip(table[::2], table[1::2], strict=True):
            children.setdefault(int(parent), []).append(int(child))
    found, todo = [], [pid]
    while todo:
        kids = children.get(todo.pop(), [])
        found += kids
        todo += kids
    return found


def signal_group(pid: int, signum: int) -> None:
    r"""Send ``signum`` to ``pid``'s process group when it leads one (a kernel), else to ``pid``."""
    try:
        if os.getpgid(pid) == pid:
            os.killpg(pid, signum)
        else:
            os.kill(pid, signum)
    except (ProcessLookupError, PermissionError):
        pass


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except (ProcessLookupError, PermissionError):
        return False
    try:  # a zombie (ended, not yet reaped by its parent) counts as ended
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return True


class Stop(Exception):
    r"""Raised by the signal handler of :func:`supervise`."""


def supervise(command: list[str], env: dict[str, str], grace: float = 5.0) -> int:
    r"""Run ``command`` (Voila) until it ends or a signal comes, then stop it and its kernels.

    Voila runs in a session of its own, so that Ctrl-C (SIGINT), SIGTERM or SIGHUP,
    to this process or its process group, reach this function only: it sends
    SIGTERM to Voila and to every kernel's process group (Voila would otherwise
    leave kernels running while it waits on a busy one), waits ``grace`` seconds,
    then SIGKILLs whatever is left. A second signal skips the wait.
    """
    server = subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)
    hurry = []

    def on_signal(signum, frame):
        if hurry:  # already stopping: do not wait any more
            hurry.append(signum)
            return
        hurry.append(signum)
        raise Stop

    stops = [signal.SIGINT, signal.SIGTERM, signal.SIGHUP]
    previous = {s: signal.signal(s, on_signal) for s in stops}
    try:
        return server.wait()
    except Stop:
        print("\nStopping Voila and its kernels ...", file=sys.stderr, flush=True)
        family = descendants(server.pid)
        for pid in [server.pid, *family]:
            signal_group(pid, signal.SIGTERM)
        deadline = time.monotonic() + grace
        while time.monotonic() < deadline and len(hurry) < 2:
            if server.poll() is None:
                family += [p for p in descendants(server.pid) if p not in family]
            if server.poll() is not None and not any(alive(p) for p in family):
                break
            time.sleep(0.1)
        for pid in [server.pid, *family]:
            if alive(pid):
                signal_group(pid, signal.SIGKILL)
        server.wait()
        print("Stopped.", file=sys.stderr, flush=True)
        return 0
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)


def present(python: Path, args: list[str]) -> int:
    r"""``course.py present NOTEBOOK [voila options]`` once the environment is set up."""
    notebook, options = args[0], args[1:]
    run(python, "tools/build_slides.py", "--assets-only")
    command = [str(python), *present_command(prepared(python, notebook), *options)]
    env = os.environ | {"JUPYTER_PATH": str(ROOT / "slides" / "share")}
    if os.name == "nt":  # no process groups to manage: Ctrl-C reaches Voila itself
        return subprocess.call(command, cwd=ROOT, env=env)
    return supervise(command, env)


def main(argv: list[str]) -> int:
    command, args = (argv[0], argv[1:]) if argv else ("help", [])
    reproducible_environment()  # every command's kernels compute the stored numbers
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
        # the test files side by side, one per core (at most 4): each notebook stays on
        # one worker (--dist loadfile), in order, as nbval needs
        workers = ["-n", str(min(os.cpu_count() or 1, 4)), "--dist", "loadfile"]
        return subprocess.call([str(python), "-m", "pytest", *workers, *args], cwd=ROOT)
    if command == "slides":
        python = setup("slides")
        return subprocess.call([str(python), "tools/build_slides.py", *args], cwd=ROOT)
    if command == "present":
        if not args or not args[0].endswith(".ipynb"):
            print("usage: python3 course.py present notebooks/NN_name.ipynb [voila options]")
            return 2
        return present(setup("slides"), args)
    if command == "student":
        python = setup()
        return subprocess.call([str(python), "tools/make_student_versions.py", *args], cwd=ROOT)
    if command == "execute":
        python = setup("test")
        return subprocess.call([str(python), "tools/execute_notebooks.py", *args], cwd=ROOT)
    if command == "bench":
        python = setup("test")
        if "--browser" in args:
            args = [a for a in args if a != "--browser"]
            return subprocess.call([str(python), "benchmarks/browser.py", *args], cwd=ROOT)
        return subprocess.call([str(python), "benchmarks/run.py", *args], cwd=ROOT)
    print(__doc__)
    return 0 if command in ("help", "-h", "--help") else 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
