r"""Latency of every control as a student sees it: from the input to the new frame painted.

    python benchmarks/browser.py [NOTEBOOK ...]      (or: python3 course.py bench --browser)

Serves a copy of notebooks/ with JupyterLab (tools/labserver.py), opens each
notebook in headless Chromium at 1280x800, runs all its cells, then for every
slider and menu of every live panel makes REPEATS changes (a slider one keyboard
step right, then back; a menu its next option) and measures, in the page, the
time from the key press or the menu's change event to the first frame painted
after the panel's picture has loaded its new PNG (a ``requestAnimationFrame``,
then a task: after the paint), or after a figure painted in the browser
(``course_lib/figure_canvas.js``) has drawn its new frame. Panels with a Play button are played for
PLAY_SECONDS and their painted pictures counted.

Prints medians and 95th percentiles; asserts nothing. Run it on an otherwise idle
machine: the kernel and the browser share its cores.
"""

from __future__ import annotations

import importlib.util
import json
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("labserver", ROOT / "tools" / "labserver.py")
labserver = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(labserver)

REPEATS = 8
PLAY_SECONDS = 5.0
CHANGE_TIMEOUT_S = 10.0
GOAL_MS, LIMIT_MS, PLAY_GOAL = 50.0, 100.0, 60.0

# In the page: the time of the last input, and when each picture that loads after it
# is on screen. A picture's "load" means decoded; the frame after it shows it.
PROBE = r"""
() => {
  if (window.__bench) return;
  const bench = window.__bench = {start: null, latencies: [], painted: 0};
  const started = () => { bench.start = performance.now(); };
  document.addEventListener('keydown', started, true);
  document.addEventListener('change', e => { if (e.target.tagName === 'SELECT') started(); }, true);
  const painted = () => {
    bench.painted += 1;
    if (bench.start !== null) {
      bench.latencies.push(performance.now() - bench.start);
      bench.start = null;
    }
  };
  document.addEventListener('load', e => {
    if (!(e.target instanceof HTMLImageElement) || !e.target.classList.contains('course-plot'))
      return;
    requestAnimationFrame(() => setTimeout(painted));
  }, true);
  // a figure painted in the browser (course_lib/figure_canvas.js) draws inside an animation
  // frame and says so: the task after it runs once that frame is on screen
  document.addEventListener('course-painted', () => setTimeout(painted), true);
}
"""


try:
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
except ImportError:  # the test extra installs it
    sys.exit("benchmarks/browser.py needs Playwright: pip install -e '.[test]'")


def _chromium() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if not path:
        sys.exit("benchmarks/browser.py needs Chromium (Debian: apt-get install chromium)")
    return path


def _change_and_wait(page, act) -> float | None:
    r"""Do ``act()``, return the input-to-painted latency in ms, or None if nothing was painted."""
    before = page.evaluate("() => window.__bench.latencies.length")
    act()
    try:  # polled in the page, once a frame: no round trips that would load the browser
        page.wait_for_function("n => window.__bench.latencies.length > n", arg=before,
                               polling="raf", timeout=CHANGE_TIMEOUT_S * 1000)
    except PlaywrightTimeout:
        page.evaluate("() => { window.__bench.start = null; }")
        return None
    page.wait_for_timeout(150)  # let the kernel settle before the next change
    return page.evaluate("n => window.__bench.latencies[n]", before)


def _slider(page, slider) -> list[float]:
    handle = slider.locator(".noUi-handle")
    # one step away and back, again and again (the handle's aria values are those of the
    # first rendering: read them once)
    away, back = "ArrowRight", "ArrowLeft"
    if handle.get_attribute("aria-valuenow") == handle.get_attribute("aria-valuemax"):
        away, back = back, away
    times = []
    for k in range(REPEATS):
        key = back if k % 2 else away
        handle.focus()
        latency = _change_and_wait(page, lambda key=key: handle.press(key))
        if latency is not None:
            times.append(latency)
    return times


def _menu(page, select) -> list[float]:
    options = select.locator("option").all_inner_texts()
    times = []
    for _ in range(REPEATS):
        current = select.evaluate("s => s.selectedIndex")
        label = options[(current + 1) % len(options)]
        latency = _change_and_wait(page, lambda label=label: select.select_option(label=label))
        if latency is not None:
            times.append(latency)
    return times


def _play(page, panel) -> float:
    r"""Painted pictures per second while the panel plays."""
    play = panel.locator(".course-play")
    page.evaluate("() => { window.__bench.start = null; }")
    play.click()
    page.wait_for_timeout(1000)  # past the first frames
    painted = page.evaluate("() => window.__bench.painted")
    page.wait_for_timeout(PLAY_SECONDS * 1000)
    rate = (page.evaluate("() => window.__bench.painted") - painted) / PLAY_SECONDS
    play.click()  # Pause
    page.wait_for_timeout(1000)
    return rate


def bench_notebook(browser, url: str, token: str, notebook: Path) -> tuple[list, list]:
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    rows, plays = [], []
    try:
        labserver.run_all(page, url, token, notebook)
        page.evaluate(PROBE)
        panels = page.locator(".course-widget")
        for k in range(panels.count()):
            panel = panels.nth(k)
            panel.scroll_into_view_if_needed()
            title = panel.locator("b").first.inner_text() if panel.locator("b").count() else ""
            for slider in panel.locator(".widget-slider").all():
                name = slider.locator(".widget-label").inner_text()
                rows.append((notebook.stem, title, name, _slider(page, slider)))
            for menu in panel.locator(".widget-dropdown").all():
                name = menu.locator(".widget-label").inner_text()
                rows.append((notebook.stem, title, name, _menu(page, menu.locator("select"))))
            if panel.locator(".course-play").count():
                plays.append((notebook.stem, title, _play(page, panel)))
    finally:
        page.close()
    return rows, plays


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def main(paths: list[str]) -> None:
    from playwright.sync_api import sync_playwright

    notebooks = [Path(p).resolve() for p in paths] or sorted((ROOT / "notebooks").glob("*.ipynb"))
    results, plays = [], []
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        shutil.copytree(ROOT / "notebooks", root / "notebooks")
        with labserver.running(root) as (url, token), sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=_chromium(),
                                                 args=labserver.CHROMIUM_ARGS, headless=True)
            for notebook in notebooks:
                start = time.perf_counter()
                rows, played = bench_notebook(browser, url, token, notebook)
                results += rows
                plays += played
                print(f"{notebook.stem}: {len(rows)} controls measured in "
                      f"{time.perf_counter() - start:.0f} s", file=sys.stderr, flush=True)
            browser.close()
    print(f"{'notebook':<28} {'panel':<36} {'control':<26} {'median ms':>9} {'p95 ms':>7}"
          f"  goal: median < {GOAL_MS:.0f} ms, none > {LIMIT_MS:.0f} ms")
    medians = []
    for stem, title, name, times in results:
        if not times:
            print(f"{stem[:28]:<28} {title[:36]:<36} {name[:26]:<26} {'-':>9} {'-':>7}  "
                  "no new picture painted")
            continue
        median = statistics.median(times)
        medians.append(median)
        flag = "ok" if median < GOAL_MS else "over 50" if median <= LIMIT_MS else "SLOW"
        print(f"{stem[:28]:<28} {title[:36]:<36} {name[:26]:<26} {median:>9.1f} "
              f"{_p95(times):>7.1f}  {flag} ({len(times)} changes)")
    if medians:
        print(f"\n{len(medians)} controls: median of medians {statistics.median(medians):.0f} ms; "
              f"{sum(m >= GOAL_MS for m in medians)} at or over {GOAL_MS:.0f} ms, "
              f"{sum(m > LIMIT_MS for m in medians)} over {LIMIT_MS:.0f} ms")
    for stem, title, rate in plays:
        flag = "ok" if rate >= PLAY_GOAL else f"under {PLAY_GOAL:.0f}"
        print(f"{stem[:28]:<28} {title[:36]:<36} playing: {rate:.1f} pictures painted per "
              f"second  {flag}")
    out = ROOT / "build" / "bench-browser.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps({"controls": results, "play": plays}, indent=1))


if __name__ == "__main__":
    main(sys.argv[1:])
