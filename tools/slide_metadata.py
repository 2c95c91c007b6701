r"""Give every notebook cell its slide role, by the course's rules (idempotent).

    python tools/slide_metadata.py [NOTEBOOK ...]      (default: every notebook in notebooks/)

The rules, so that a deck reads like a lecture and not like a code dump:
- the title cell, and every markdown cell that starts with "## ", opens a slide;
  "### " opens a sub-slide (reveal.js: down from its section);
- the first code cell (imports) is skipped;
- a code cell longer than ``LONG`` lines, and any plotting code (a cell that
  draws with ``plt.``, ``fig.`` or ``ax...``), keeps its output on the slide but
  hides its code (tag ``hide-input``; the notebook itself still shows it);
- speaker notes are markdown cells whose slide type is "notes" (written by hand;
  this script keeps them);
- everything else continues the current slide.
Only metadata changes, never sources or outputs, so nbval is unaffected.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
LONG = 8  # the most lines of code a slide shows (tools/deck.py MAX_CODE_LINES)
HIDE = "hide-input"
PLOTTING = re.compile(r"\b(plt|fig|ax|axes|ax_\w+)\.")


def hides_input(cell) -> bool:
    r"""Whether a code cell's source stays off the slide: long, or plotting code."""
    return cell.cell_type == "code" and (len(cell.source.splitlines()) > LONG
                                         or PLOTTING.search(cell.source) is not None)


def slide_type(index: int, cell, first_code: int, previous=None) -> str:
    r"""The reveal.js role of one cell: slide, subslide, skip, notes or "-" (continue)."""
    current = cell.metadata.get("slideshow", {}).get("slide_type")
    if current == "notes":
        return "notes"
    if index == 0:
        return "slide"
    if cell.cell_type == "markdown":
        first_line = cell.source.lstrip().split("\n", 1)[0]
        if first_line.startswith("## "):
            return "slide"
        if first_line.startswith("### ") or (previous is not None
                                             and previous.cell_type == "code"):
            return "subslide"
    if index == first_code:
        return "skip"
    return "-"


def apply(path: Path) -> int:
    r"""Set the slide metadata of one notebook in place; return its number of slides."""
    nb = nbformat.read(path, as_version=4)
    first_code = next(i for i, c in enumerate(nb.cells) if c.cell_type == "code")
    for index, cell in enumerate(nb.cells):
        previous = nb.cells[index - 1] if index else None
        cell.metadata["slideshow"] = {"slide_type": slide_type(index, cell, first_code, previous)}
        tags = [t for t in cell.metadata.get("tags", []) if t != HIDE]
        if hides_input(cell):
            tags.append(HIDE)
        if tags:
            cell.metadata["tags"] = tags
        else:
            cell.metadata.pop("tags", None)
    nbformat.write(nb, path)
    return sum(c.metadata["slideshow"]["slide_type"] in ("slide", "subslide") for c in nb.cells)


def main(argv: list[str]) -> None:
    paths = [Path(a) for a in argv] or sorted((ROOT / "notebooks").glob("*.ipynb"))
    for path in paths:
        print(f"{path.name}: {apply(path)} slides")


if __name__ == "__main__":
    main(sys.argv[1:])
