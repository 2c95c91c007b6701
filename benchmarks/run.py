r"""Benchmarks of the course on this machine: prints a table, asserts nothing.

    python benchmarks/run.py            (or: python3 course.py bench)

1. Wall time to execute each notebook top to bottom in a fresh kernel
   (goal: under 30 s each).
2. Updates per second of every panel with a Play button, playing at its
   default settings, in the kernel (goal: at least 60 painted in the browser).
3. Latency of every live-panel control: in the kernel that just ran the
   notebook, set the control's value programmatically and time until the
   panel's image holds the new figure (or, for a figure painted in the browser,
   until its canvas has been sent the new frame); median and 95th percentile over
   repeated changes (goal: median under 50 ms, none over 100 ms). This is the
   kernel's part only: ``benchmarks/browser.py`` measures up to the painted frame.

Run it on an otherwise idle machine: timings shared with other work mean little.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
REPEATS = 15
NOTEBOOK_GOAL_S = 30.0
WIDGET_GOAL_MS = 50.0
WIDGET_LIMIT_MS = 100.0

# Runs inside the notebook's kernel after the notebook itself.
MEASURE = r"""
import json as _json, statistics as _st, time as _time
import ipywidgets as _w
from course_lib.widgets import live_panels as _live_panels

def _next_value(control, k):
    if isinstance(control, _w.Dropdown):
        options = [o[1] if isinstance(o, tuple) else o for o in control.options]
        return options[(options.index(control.value) + 1) % len(options)]
    step = control.step
    up = control.value + step <= control.max
    return control.value + step if (up if k % 2 == 0 else not up) else control.value - step

_rows, _fps = [], []
for _p, _panel in enumerate(_live_panels()):
    # as at a student's first move: a figure painted in the browser switches to its canvas,
    # and each change then ends with the frame sent to it instead of a new PNG
    _panel.go_live()
    _view = _panel.figure.canvas_view
    _picture = (lambda: _view.frame) if _view is not None else (lambda: _panel.figure.image.value)
    if hasattr(_panel, "playground"):  # frames while playing, before any control moves
        _pg, _frames, _t0 = _panel.playground, 0, _time.perf_counter()
        while _time.perf_counter() - _t0 < 3.0:
            _pg.frame()
            _frames += 1
        _fps.append({"panel": _p, "title": _panel.title,
                     "fps": _frames / (_time.perf_counter() - _t0),
                     "epochs": _pg.trainer.history.epochs})
    for _name, _control in _panel.controls.items():
        if not isinstance(_control, (_w.Dropdown, _w.IntSlider, _w.FloatSlider, _w.FloatLogSlider)):
            continue
        _times, _changed = [], 0
        _original = _control.value
        for _k in range(REPEATS):
            _before = _picture()
            _value = _next_value(_control, _k)
            _t = _time.perf_counter()
            _control.value = _value
            _times.append((_time.perf_counter() - _t) * 1000)
            _changed += _picture() is not _before
        _control.value = _original
        _times.sort()
        _rows.append({"panel": _p, "title": _panel.title, "control": _name,
                      "median_ms": _st.median(_times),
                      "p95_ms": _times[min(len(_times) - 1, round(0.95 * (len(_times) - 1)))],
                      "updates": _changed, "repeats": len(_times)})
print(_json.dumps({"latency": _rows, "fps": _fps}))
""".replace("REPEATS", str(REPEATS))


def bench_notebook(path: Path) -> tuple[float, list[dict]]:
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=600, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}},
                            store_widget_state=False)
    with client.setup_kernel():
        start = time.perf_counter()
        for index, cell in enumerate(nb.cells):
            client.execute_cell(cell, index)
        seconds = time.perf_counter() - start
        probe = nbformat.v4.new_code_cell(MEASURE)
        nb.cells.append(probe)
        client.execute_cell(probe, len(nb.cells) - 1)
    text = "".join(o.get("text", "") for o in probe.outputs if o.output_type == "stream")
    return seconds, json.loads(text.strip().splitlines()[-1])


PLAY_GOAL_FPS = 60.0


def main(paths: list[str]) -> None:
    notebooks = [Path(p) for p in paths] or sorted((ROOT / "notebooks").glob("*.ipynb"))
    print(f"{'notebook':<36} {'run all (s)':>11}  goal < {NOTEBOOK_GOAL_S:.0f} s")
    results = []
    for path in notebooks:
        seconds, rows = bench_notebook(path)
        results.append((path, rows))
        flag = "ok" if seconds < NOTEBOOK_GOAL_S else "SLOW"
        print(f"{path.name:<36} {seconds:>11.2f}  {flag}", flush=True)
    print()
    print(f"{'notebook':<28} {'panel':<40} {'control':<10} {'median ms':>9} {'p95 ms':>7}"
          f"  goal median < {WIDGET_GOAL_MS:.0f} ms")
    for path, measured in results:
        for row in measured["latency"]:
            flag = ("ok" if row["median_ms"] < WIDGET_GOAL_MS else
                    "over 50" if row["median_ms"] <= WIDGET_LIMIT_MS else "SLOW")
            if row["updates"] < row["repeats"]:
                flag += f" (figure updated {row['updates']}/{row['repeats']})"
            print(f"{path.stem[:28]:<28} {row['title'][:40]:<40} {row['control']:<10} "
                  f"{row['median_ms']:>9.1f} {row['p95_ms']:>7.1f}  {flag}")
    print()
    print(f"{'notebook':<28} {'panel':<40} {'updates/s while playing':>24}  goal >= "
          f"{PLAY_GOAL_FPS:.0f}")
    for path, measured in results:
        for row in measured["fps"]:
            flag = "ok" if row["fps"] >= PLAY_GOAL_FPS else "SLOW"
            print(f"{path.stem[:28]:<28} {row['title'][:40]:<40} {row['fps']:>24.1f}  {flag} "
                  f"({row['epochs']} epochs trained)")


if __name__ == "__main__":
    main(sys.argv[1:])
