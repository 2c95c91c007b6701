r"""Step through built decks at a projector's size and measure every slide, as an instructor would.

    python tools/deck_report.py slides/02_mlp_backpropagation.html [...] [--shots DIR]

Opens each deck from ``file://`` in headless Chromium at 1280x720 with every
request recorded, visits every slide and prints one line per slide that breaks
a rule: content taller than the screen, no speaker notes, figure text under
14 px on screen. ``--shots DIR`` also saves a screenshot of every slide.
:func:`measure` is what ``tests/test_slides.py`` checks.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"]
SCREEN = {"width": 1280, "height": 720}
MIN_TEXT_PX = 14.0
#: the smallest text of a live figure, in pixels at its own size (plotting.PROJECTOR_MIN_POINTS)
WIDGET_TEXT_PX = 11.0 * 100 / 72

_MEASURE = r"""() => {
  const scale = Reveal.getScale();
  const section = Reveal.getCurrentSlide();
  const top = section.getBoundingClientRect().top;
  let bottom = 0, right = 0;
  for (const el of section.querySelectorAll('*')) {
    if (el.closest('aside.notes')) continue;
    const style = getComputedStyle(el);
    if (style.display === 'none' || style.position === 'fixed') continue;
    const r = el.getBoundingClientRect();
    if (r.width === 0 && r.height === 0) continue;
    bottom = Math.max(bottom, (r.bottom - top) / scale);
    right = Math.max(right, (r.right - section.getBoundingClientRect().left) / scale);
  }
  const figures = [...section.querySelectorAll('.deck-figure')].map(d => {
    const img = d.querySelector('img');
    return parseFloat(d.dataset.minFontPx) * img.getBoundingClientRect().width / img.naturalWidth;
  });
  const widgets = [...section.querySelectorAll('img.widget-image')]
    .filter(img => img.naturalWidth > 0)
    .map(img => img.getBoundingClientRect().width / img.naturalWidth);
  const heading = section.querySelector('h1, h2, h3');
  const notes = section.querySelector('aside.notes');
  return {height: Math.round(bottom), width: Math.round(right),
          slide_height: Reveal.getConfig().height, slide_width: Reveal.getConfig().width,
          title: heading ? heading.textContent.replace('¶', '').trim() : '',
          notes: notes ? notes.textContent.trim().split(/\s+/).length : 0,
          figure_text_px: figures, widget_scales: widgets,
          fragments: section.querySelectorAll('.fragment').length,
          number: document.querySelector('.slide-number') ?
                  document.querySelector('.slide-number').textContent.replace(/\s+/g, ' ') : ''};
}"""


def measure(browser, deck: Path, shots: Path | None = None) -> dict:
    r"""Every slide of ``deck`` measured, and the requests that failed or left the machine."""
    page = browser.new_page(viewport=SCREEN)
    outside, failed, errors = [], [], []
    page.on("request", lambda r: r.url.startswith(("file:", "data:", "blob:"))
            or outside.append(r.url))
    page.on("requestfailed", lambda r: failed.append(f"{r.url[:100]} {r.failure}"))
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    page.goto(deck.as_uri())
    page.wait_for_function("window.Reveal && Reveal.isReady()", timeout=60_000)
    page.evaluate("() => MathJax.startup.promise")
    page.wait_for_timeout(1500)  # widget views render after the page
    page.evaluate("() => Reveal.configure({transition: 'none', backgroundTransition: 'none'})")
    indices = page.evaluate("""() => Reveal.getSlides().map(s => Reveal.getIndices(s))""")
    slides = []
    for number, index in enumerate(indices, 1):
        page.evaluate(f"() => Reveal.slide({index['h']}, {index.get('v') or 0})")
        page.wait_for_timeout(150)
        slide = page.evaluate(_MEASURE)
        slide["index"] = number
        slides.append(slide)
        if shots is not None:
            shots.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(shots / f"{deck.stem}-{number:02d}.png"))
    page.close()
    return {"slides": slides, "outside": outside, "failed": failed, "errors": errors}


def problems(report: dict) -> list[str]:
    r"""Each rule a measured deck breaks, one line each."""
    lines = [f"request left the machine: {u}" for u in report["outside"]]
    lines += [f"request failed: {u}" for u in report["failed"]]
    lines += [f"error: {e}" for e in report["errors"]]
    for s in report["slides"]:
        name = f"slide {s['index']} ({s['title'][:50] or 'untitled'})"
        if s["height"] > s["slide_height"]:
            lines.append(f"{name}: {s['height']} px tall, the screen {s['slide_height']}")
        if s["width"] > s["slide_width"] + 2:
            lines.append(f"{name}: {s['width']} px wide, the screen {s['slide_width']}")
        if s["notes"] < 10:
            lines.append(f"{name}: no speaker notes")
        for px in s["figure_text_px"]:
            if px < MIN_TEXT_PX:
                lines.append(f"{name}: figure text {px:.1f} px on screen")
        for scale in s["widget_scales"]:
            if WIDGET_TEXT_PX * scale < MIN_TEXT_PX:
                lines.append(f"{name}: widget figure text {WIDGET_TEXT_PX * scale:.1f} px")
    return lines


def main(argv: list[str]) -> int:
    from playwright.sync_api import sync_playwright

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("decks", nargs="+")
    parser.add_argument("--shots", help="save a screenshot of every slide into this folder")
    args = parser.parse_args(argv)
    bad = 0
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for deck in args.decks:
            report = measure(browser, Path(deck).resolve(),
                             Path(args.shots) if args.shots else None)
            found = problems(report)
            tallest = max(s["height"] for s in report["slides"])
            print(f"{Path(deck).name}: {len(report['slides'])} slides, tallest {tallest} px, "
                  f"{sum(s['fragments'] > 0 for s in report['slides'])} with fragments, "
                  f"{len(found)} problems")
            for line in found:
                print("  " + line)
            bad += bool(found)
        browser.close()
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
