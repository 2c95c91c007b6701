r"""Slides: every notebook keeps the slide rules, every deck fits a projector offline, page by page.

The rules are measured twice: on the notebook (``tools/deck.py``'s check: words
and code per slide, notes on every slide, the lecture's slide titles in its
order, a closing "What we saw") and on the built decks. The decks are built
once per run by the same command instructors use (``tools/build_slides.py``,
i.e. ``python3 course.py slides``) into a temporary folder, then every slide of
every deck is visited from ``file://`` in headless Chromium at 1280x720 with
every request recorded (``tools/deck_report.py``): nothing taller or wider
than the screen, notes on every slide, slide numbers, at least one fragment,
figure text at least 14 px on screen, no request failing or leaving the
machine. The live route is tested in ``test_present.py``.
"""

from __future__ import annotations

import importlib.util
import re
import shutil
import subprocess
import sys

import nbformat
import pytest

from conftest import IN_CI, NOTEBOOKS, ROOT, chromium_or_skip

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"]
MIN_SLIDES = 8
DECKS = [nb for nb in NOTEBOOKS if re.match(r"\d", nb.name)]


def _load(name: str):
    sys.path.insert(0, str(ROOT / "tools"))
    spec = importlib.util.spec_from_file_location(name, ROOT / "tools" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


slide_metadata = _load("slide_metadata")
deck = _load("deck")
deck_report = _load("deck_report")


def _slides(path) -> int:
    r"""The number of slides of a notebook's deck (its title slide included)."""
    return len(deck.slides(deck.prepare(nbformat.read(path, as_version=4), projector=False)))


# ---------------------------------------------------------------- slide metadata and rules

@pytest.mark.parametrize("path", DECKS, ids=[p.stem for p in DECKS])
def test_notebook_has_slide_structure(path):
    nb = nbformat.read(path, as_version=4)
    kinds = [c.metadata.get("slideshow", {}).get("slide_type") for c in nb.cells]
    assert None not in kinds, (f"{path.name}: cells {[i for i, k in enumerate(kinds) if k is None]}"
                               " have no slide metadata: run python tools/slide_metadata.py")
    assert kinds[0] == "slide", "the title cell opens the deck"
    assert _slides(path) >= MIN_SLIDES, f"{path.name}: only {_slides(path)} slides"
    first_code = next(i for i, c in enumerate(nb.cells) if c.cell_type == "code")
    for index, cell in enumerate(nb.cells):
        previous = nb.cells[index - 1] if index else None
        expected = slide_metadata.slide_type(index, cell, first_code, previous)
        assert kinds[index] == expected, (f"{path.name} cell {index}: slide type {kinds[index]!r},"
                                          f" the rules give {expected!r}: run "
                                          "python tools/slide_metadata.py")
        shown = cell.cell_type == "code" and kinds[index] != "skip" and (
            slide_metadata.HIDE not in cell.metadata.get("tags", []))
        assert not (shown and slide_metadata.hides_input(cell)), (
            f"{path.name} cell {index}: long or plotting code on a slide: run "
            "python tools/slide_metadata.py (it tags such cells hide-input)")


@pytest.mark.parametrize("path", DECKS, ids=[p.stem for p in DECKS])
def test_deck_keeps_the_slide_rules(path):
    r"""At most ~50 words and 8 lines of code per slide, notes everywhere, the lecture's order."""
    problems = deck.check(path)
    assert problems == [], f"{path.name}:\n  " + "\n  ".join(problems)


def test_deck_rules_catch_what_they_claim(tmp_path):
    r"""The check itself: a slide with too many words, no notes, titles out of order, fail."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["course"] = {"part": 9, "lecture_slides": ["Momentum", "Overfitting"]}
    opening = "\nWhat to say first, ten words or more of them here."
    cells = [("# 09 · A test deck\n\nIntro.\n" + deck.NOTES + opening, "slide"),
             ("## Overfitting\n\n" + "word " * 60, "slide"),
             ("## Momentum\n\nShort.\n" + deck.NOTES + "\n" + "note " * 12, "slide"),
             ("## " + deck.CLOSING + "\n\nRecap.", "slide")]
    for source, kind in cells:
        cell = nbformat.v4.new_markdown_cell(source)
        cell.metadata["slideshow"] = {"slide_type": kind}
        nb.cells.append(cell)
    path = tmp_path / "09_test.ipynb"
    nbformat.write(nb, path)
    problems = "\n".join(deck.check(path))
    assert "60 words" in problems, problems
    assert "(Overfitting): no speaker notes" in problems, problems
    assert f"({deck.CLOSING}): no speaker notes" in problems, problems
    assert "'Overfitting' is out of the lecture's order" in problems, problems
    prepared = deck.prepare(nbformat.read(path, as_version=4), projector=False)
    assert prepared.cells[0].source.startswith("# A test deck")
    assert "part 9" in prepared.cells[0].source
    assert prepared.cells[1].metadata["slideshow"]["slide_type"] == "notes"


def test_fragments_and_notes_split_at_the_marks():
    parts, notes = deck.split(f"## T\n\nfirst\n{deck.FRAGMENT}\nsecond\n{deck.NOTES}\nsay this")
    assert parts == ["## T\n\nfirst", "second"] and notes == "say this"
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# 01 · Title"),
                nbformat.v4.new_markdown_cell(f"## A\n\nx\n{deck.FRAGMENT}\ny\n{deck.NOTES}\nz")]
    for cell in nb.cells:
        cell.metadata["slideshow"] = {"slide_type": "slide"}
    kinds = [c.metadata["slideshow"]["slide_type"]
             for c in deck.prepare(nb, projector=False).cells]
    assert kinds == ["slide", "slide", "fragment", "notes"]


# ---------------------------------------------------------------- static decks

@pytest.fixture(scope="module")
def decks(tmp_path_factory):
    chromium_or_skip()
    if shutil.which("npm") is None and not (ROOT / "slides" / "node_modules").exists():
        message = "npm is needed once to install the slides' assets (sudo apt install npm)"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    out = tmp_path_factory.mktemp("slides")
    result = subprocess.run([sys.executable, str(ROOT / "tools" / "build_slides.py"),
                             "--out", str(out)], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    return out


@pytest.fixture(scope="module")
def chromium():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_or_skip(),
                                             args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def test_index_links_every_deck_and_handout(decks):
    index = (decks / "index.html").read_text()
    for path in DECKS:
        assert f'href="{path.stem}.html"' in index
        assert f'href="{path.stem}.pdf"' in index
    assert not re.search(r"(src|href)=\"https?:", index)


@pytest.mark.parametrize("path", DECKS, ids=[p.stem for p in DECKS])
def test_deck_works_offline_from_file(decks, chromium, path):
    deck_file = decks / f"{path.stem}.html"
    page = chromium.new_page(viewport={"width": 1280, "height": 720})
    outside, errors = [], []
    page.on("request", lambda r: r.url.startswith(("file:", "data:", "blob:"))
            or outside.append(r.url))
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("requestfailed", lambda r: errors.append(f"failed: {r.url} {r.failure}"))
    page.goto(deck_file.as_uri())
    page.wait_for_function("window.Reveal && Reveal.isReady()", timeout=60_000)
    page.evaluate("() => MathJax.startup.promise")
    page.wait_for_timeout(1500)  # widget views render after the page
    report = page.evaluate("""() => {
        const images = [...document.querySelectorAll('img')];
        return {slides: Reveal.getTotalSlides(),
                math: document.querySelectorAll('mjx-container').length,
                math_errors: document.querySelectorAll('mjx-merror').length,
                images: images.length,
                broken: images.filter(i => !(i.complete && i.naturalWidth > 0))
                              .map(i => i.src.slice(0, 60)),
                widget_images: document.querySelectorAll('img.widget-image').length,
                raw_widget_tags: document.querySelectorAll(
                    'script[type="application/vnd.jupyter.widget-view+json"]').length,
                hints: document.querySelectorAll('.deck-live-hint').length};
    }""")
    page.close()
    assert outside == [], f"requests left the machine: {outside[:5]}"
    assert errors == [], f"console errors: {errors[:5]}"
    assert report["slides"] == _slides(path), report
    assert report["math"] > 0 and report["math_errors"] == 0, report
    assert report["images"] > 0 and report["broken"] == [], report
    assert report["widget_images"] >= 1, f"no widget rendered from its saved state: {report}"
    assert report["hints"] == report["raw_widget_tags"], "a widget without its live command"


@pytest.mark.parametrize("path", DECKS, ids=[p.stem for p in DECKS])
def test_every_slide_fits_a_projector(decks, chromium, path):
    r"""At 1280x720: no slide taller or wider than the screen, notes on each, big figure text."""
    report = deck_report.measure(chromium, decks / f"{path.stem}.html")
    problems = deck_report.problems(report)
    assert problems == [], f"{path.name}:\n  " + "\n  ".join(problems)
    slides = report["slides"]
    assert len(slides) == _slides(path)
    assert all(re.fullmatch(r"\d+ / \d+", s["number"].strip()) for s in slides), (
        f"slide numbers: {[s['number'] for s in slides][:5]}")
    assert sum(s["fragments"] for s in slides) >= 1, "no fragment in the deck"
    figures = [px for s in slides for px in s["figure_text_px"]]
    assert figures and min(figures) >= deck_report.MIN_TEXT_PX, figures
    assert slides[0]["title"] and slides[-1]["title"] == deck.CLOSING


@pytest.mark.parametrize("path", DECKS, ids=[p.stem for p in DECKS])
def test_handout_is_a_pdf_with_a_page_per_slide(decks, path):
    pdf = (decks / f"{path.stem}.pdf").read_bytes()
    assert pdf.startswith(b"%PDF")
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    assert pages == _slides(path), f"{pages} pages for {_slides(path)} slides"
