r"""Turn a course notebook into its deck: what each slide shows, what its speaker notes say.

    python tools/deck.py --present NOTEBOOK   (writes build/present/NAME.ipynb, prints its path)
    python tools/deck.py --check [NOTEBOOK ...]   (the slide rules, without a browser)

The notebooks are the single source of the decks (see slides/README.md). A
notebook's author marks, in its markdown, what goes where; the marks are HTML
comments, so students see the whole text in JupyterLab and none of the marks:

- ``<!-- notes -->``: the rest of the cell goes to that slide's speaker notes
  (the explanations, "Try this", where the lecture differs). Markdown cells of
  slide type "notes" are speaker notes too.
- ``<!-- fragment -->``: on a slide, what follows appears at the next click
  (a derivation unfolding: the chain rule, the delta rule's two cases ...).
- ``nb.metadata["course"]``: ``{"part": N, "lecture_slides": [titles ...]}``, the
  titles of the lecture's slides that the notebook covers, in the lecture's
  order. They make the title slide, and the deck's slide titles include them.

:func:`prepare` applies the marks to a copy of the notebook, before it is
executed for a static deck (``tools/build_slides.py``) or served live
(``course.py present``), and puts the projector style first
(:func:`course_lib.plotting.projector_style`: large fonts, figures sized to the
slide). :func:`check` measures a notebook against the slide rules: words of
prose and lines of code per slide, notes on every slide, the lecture's titles
in order, a closing "What we saw".
"""

from __future__ import annotations

import argparse
import copy
import re
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
LECTURE = ROOT.parent / "shared" / "lecture" / "ann-deep-learning-lecture.txt"
COURSE = "Artificial neural networks, hands on"
LECTURE_NAME = "Artificial Neural Networks & Deep learning"
NOTES = "<!-- notes -->"
FRAGMENT = "<!-- fragment -->"
#: at most this many words of prose on a slide (headings, equations and tables not counted)
MAX_WORDS = 50
#: at most this many lines of code shown on a slide (longer cells are tagged hide-input)
MAX_CODE_LINES = 8
CLOSING = "What we saw"
PROJECTOR = ("from course_lib import plotting as _plotting\n"
             "_plotting.projector_style()  # the deck's figures: large fonts, sized to the slide")


def slide_type(cell) -> str:
    return cell.metadata.get("slideshow", {}).get("slide_type", "-")


def _markdown(source: str, kind: str) -> nbformat.NotebookNode:
    cell = nbformat.v4.new_markdown_cell(source.strip())
    cell.metadata["slideshow"] = {"slide_type": kind}
    return cell


def split(source: str) -> tuple[list[str], str]:
    r"""A markdown cell's slide parts (one per fragment) and its speaker notes."""
    shown, _, notes = source.partition(NOTES)
    parts = [part.strip() for part in shown.split(FRAGMENT)]
    return [part for part in parts if part], notes.strip()


def title_slide(nb) -> tuple[str, str]:
    r"""The title slide's markdown (course, part, lecture slides covered) and its notes."""
    first = nb.cells[0].source.strip()
    heading, _, rest = first.partition("\n")
    title = re.sub(r"^#\s*(\d+\s*·\s*)?", "", heading).strip()
    course = nb.metadata.get("course", {})
    part = course.get("part")
    covered = course.get("lecture_slides", [])
    lines = [f"# {title}", "",
             f"**{COURSE}**" + (f" · part {part}" if part else "")]
    if covered:
        lines += ["", f'<p class="deck-covers">Lecture <em>{LECTURE_NAME}</em>, slides: '
                  + " · ".join(_unique(covered)) + "</p>"]
    shown, notes = split(rest)
    return "\n".join(lines), "\n\n".join([*shown, notes]).strip()


def _unique(titles: list[str]) -> list[str]:
    seen: list[str] = []
    for title in titles:
        if title not in seen:
            seen.append(title)
    return seen


def prepare(nb, *, projector: bool = True) -> nbformat.NotebookNode:
    r"""A copy of ``nb`` with the marks applied: notes cells, fragments, a title slide.

    Code cells, their outputs and their order are untouched, so the numbers on
    the slides are the notebook's.
    """
    nb = copy.deepcopy(nb)
    title, title_notes = title_slide(nb)
    cells = [_markdown(title, "slide")]
    if title_notes:
        cells.append(_markdown(title_notes, "notes"))
    if projector:
        style = nbformat.v4.new_code_cell(PROJECTOR)
        style.metadata["slideshow"] = {"slide_type": "skip"}
        cells.append(style)
    for cell in nb.cells[1:]:
        kind = slide_type(cell)
        if cell.cell_type != "markdown" or kind in ("notes", "skip"):
            cells.append(cell)
            continue
        parts, notes = split(cell.source)
        for number, part in enumerate(parts):
            shown = copy.deepcopy(cell)
            shown.source = part
            shown.metadata.setdefault("slideshow", {})["slide_type"] = (
                kind if number == 0 else "fragment")
            if number:  # a cell of its own, with an id of its own
                shown["id"] = nbformat.v4.new_markdown_cell().id
            cells.append(shown)
        if notes:
            cells.append(_markdown(notes, "notes"))
    nb.cells = cells
    return nb


# ---------------------------------------------------------------- the slide rules, measured

def _prose_words(markdown: str) -> int:
    r"""Words of prose: headings, display equations, tables and HTML tags not counted."""
    text = re.sub(r"\$\$.*?\$\$", " ", markdown, flags=re.S)
    lines = [line for line in text.splitlines()
             if not line.lstrip().startswith(("#", "|"))]
    text = re.sub(r"<[^>]+>", " ", "\n".join(lines))
    return len(re.findall(r"[^\s*_`]+", text))


def _headings(markdown: str) -> list[str]:
    return [line.lstrip("#").strip() for line in markdown.splitlines()
            if re.match(r"#{1,6} ", line)]


def slides(nb) -> list[dict]:
    r"""The prepared notebook's slides: title, words, shown code lines, notes, outputs."""
    deck: list[dict] = []
    for cell in nb.cells:
        kind = slide_type(cell)
        if kind == "skip":
            continue
        if kind in ("slide", "subslide") or not deck:
            deck.append({"title": "", "words": 0, "code_lines": 0, "notes": 0, "figures": 0,
                         "widgets": 0})
        current = deck[-1]
        if kind == "notes":
            current["notes"] += len(cell.source.split())
        elif cell.cell_type == "markdown":
            heads = _headings(cell.source)
            if heads and not current["title"]:
                current["title"] = heads[0]
            current["words"] += _prose_words(cell.source)
        elif cell.cell_type == "code":
            if "hide-input" not in cell.metadata.get("tags", []):
                current["code_lines"] += len(cell.source.splitlines())
            for output in cell.get("outputs", []):
                data = output.get("data", {})
                widget = "application/vnd.jupyter.widget-view+json" in data
                current["figures"] += "image/png" in data and not widget  # not its fallback
                current["widgets"] += widget
    return deck


def lecture_titles() -> list[str]:
    r"""Every line of the lecture text (its slide titles are among them)."""
    return [line.strip() for line in LECTURE.read_text(encoding="utf-8").splitlines()]


def _normal(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()


def lecture_order(titles: list[str], covered: list[str]) -> list[str]:
    r"""Problems with the deck's titles against the lecture's: missing, out of order."""
    problems, position = [], 0
    normal = [_normal(t) for t in titles]
    for wanted in covered:
        # a deck may correct a slip inside the lecture's parentheses: "(SDG)" -> "(SGD)"
        keys = {_normal(wanted), _normal(re.sub(r"\s*\([^)]*\)\s*$", "", wanted))}

        def has(title: str, keys=keys) -> bool:
            return any(key and key in title for key in keys)

        found = next((i for i in range(position, len(normal)) if has(normal[i])), None)
        if found is None:
            earlier = any(has(t) for t in normal[:position])
            problems.append(f"lecture slide {wanted!r} " + (
                "is out of the lecture's order" if earlier else "has no slide titled with it"))
        else:
            position = found
    return problems


def check(path: Path) -> list[str]:
    r"""Every way the notebook's deck breaks the slide rules (empty when it keeps them)."""
    nb = nbformat.read(path, as_version=4)
    deck = slides(prepare(nb, projector=False))
    problems = []
    for number, slide in enumerate(deck, 1):
        name = f"slide {number} ({slide['title'] or 'untitled'})"
        if slide["words"] > MAX_WORDS and number > 1:
            problems.append(f"{name}: {slide['words']} words of prose (at most {MAX_WORDS}; "
                            f"move the rest after {NOTES})")
        if slide["code_lines"] > MAX_CODE_LINES:
            problems.append(f"{name}: {slide['code_lines']} lines of code shown "
                            f"(at most {MAX_CODE_LINES})")
        if slide["notes"] < 10:
            problems.append(f"{name}: no speaker notes")
        if slide["figures"] + slide["widgets"] > 1:
            problems.append(f"{name}: {slide['figures']} figures and {slide['widgets']} widgets "
                            "(one per slide)")
        if not slide["title"]:
            problems.append(f"{name}: no title")
    covered = nb.metadata.get("course", {}).get("lecture_slides", [])
    if not covered:
        problems.append("no nb.metadata['course']['lecture_slides']")
    lecture = set(lecture_titles())
    problems += [f"{t!r} is not a line of the lecture" for t in covered if t not in lecture]
    problems += lecture_order([s["title"] for s in deck], covered)
    if deck and deck[-1]["title"] != CLOSING:
        problems.append(f"the last slide is {deck[-1]['title']!r}, not {CLOSING!r}")
    return problems


def write_present_copy(path: Path) -> Path:
    r"""The prepared notebook for the live route, in build/present/ (same file name)."""
    nb = prepare(nbformat.read(path, as_version=4))
    out = ROOT / "build" / "present" / path.name
    out.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, out)
    return out


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", nargs="*")
    parser.add_argument("--present", action="store_true",
                        help="write the prepared copy for the live route and print its path")
    parser.add_argument("--check", action="store_true", help="report slides that break the rules")
    args = parser.parse_args(argv)
    paths = [Path(p) for p in args.notebooks] or sorted((ROOT / "notebooks").glob("[0-9]*.ipynb"))
    if args.present:
        for path in paths:
            print(write_present_copy(path.resolve()))
        return 0
    failed = 0
    for path in paths:
        problems = check(path)
        deck = slides(prepare(nbformat.read(path, as_version=4), projector=False))
        print(f"{path.name}: {len(deck)} slides, {len(problems)} problems")
        for problem in problems:
            print("  " + problem)
        failed += bool(problems)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
