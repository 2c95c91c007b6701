r"""Make every exercise checker cell an nbgrader autograder test: one point, locked.

    python tools/nbgrader_metadata.py [NOTEBOOK ...]           (default: notebooks/*.ipynb)
    python tools/nbgrader_metadata.py --check [NOTEBOOK ...]   (report, change nothing)

A checker cell is a code cell that calls ``exercises.check("name", ...)``; it follows
the solution cell of the exercise ``name``. This script gives it nbgrader's metadata
of an autograder test,

    {"grade": true, "grade_id": "check_<name>", "points": 1, "locked": true,
     "solution": false, "schema_version": 3, "task": false}

so that ``nbgrader autograde`` grades the exercise: the cell keeps its point unless
its output holds an error, and ``exercises.check`` raises on a wrong or missing
answer while nbgrader runs the notebook (``course_lib.exercises.checker.autograding``).
The cell's other metadata (slides, tags) and everything else in the notebook stay
as they are; a notebook whose cells already carry the metadata is not rewritten, so
running the script twice changes nothing. ``--check`` lists the checker cells
without it and exits with status 1 when there are any.

The student versions copy the cells' metadata: run ``python3 course.py student``
afterwards.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
#: a checker call at the start of a line of a code cell: exercises.check("name", ...)
CHECKER = re.compile(r"""^\s*exercises\.check\(\s*["'](\w+)["']""", re.MULTILINE)


def autograder_test(name: str) -> dict:
    r"""nbgrader's metadata of the autograder test cell of the exercise ``name``."""
    return {"grade": True, "grade_id": f"check_{name}", "points": 1, "locked": True,
            "solution": False, "schema_version": 3, "task": False}


def checker_name(cell) -> str | None:
    r"""The exercise a code cell checks, or None; a cell may check one exercise only."""
    if cell.cell_type != "code":
        return None
    names = CHECKER.findall(cell.source)
    if len(names) > 1:
        raise ValueError(f"one checker per cell (nbgrader gives a cell one grade): {names}")
    return names[0] if names else None


def missing(nb: nbformat.NotebookNode) -> list[tuple[int, str]]:
    r"""(index, exercise name) of every checker cell whose nbgrader metadata is not the test's."""
    return [(k, name) for k, cell in enumerate(nb.cells)
            if (name := checker_name(cell)) is not None
            and cell.metadata.get("nbgrader") != autograder_test(name)]


def apply(nb: nbformat.NotebookNode) -> int:
    r"""Give every checker cell of ``nb`` the test metadata, in place; return how many changed."""
    todo = missing(nb)
    for k, name in todo:
        nb.cells[k].metadata["nbgrader"] = autograder_test(name)
    return len(todo)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", nargs="*", help="default: every notebook in notebooks/")
    parser.add_argument("--check", action="store_true",
                        help="only report checker cells without the metadata (exit 1 if any)")
    args = parser.parse_args(argv)
    paths = [Path(p) for p in args.notebooks] or sorted((ROOT / "notebooks").glob("*.ipynb"))
    problems = 0
    for path in paths:
        nb = nbformat.read(path, as_version=4)
        if args.check:
            for k, name in missing(nb):
                print(f"{path}: cell {k} (exercises.check({name!r}, ...)) lacks nbgrader's "
                      f"autograder test metadata; run: python tools/nbgrader_metadata.py")
                problems += 1
            continue
        changed = apply(nb)
        if changed:  # untouched notebooks are not rewritten
            nbformat.write(nb, path)
        print(f"{path}: {changed} checker cell(s) given nbgrader's test metadata")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
