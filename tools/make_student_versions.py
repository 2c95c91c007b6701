r"""Write the student versions of the notebooks: every solution replaced by a stub, outputs cleared.

    python tools/make_student_versions.py [--out student]     (or: python3 course.py student)

The notebooks in ``notebooks/`` are the instructor versions: the reference
solutions sit between nbgrader's markers in cells that carry nbgrader's solution
metadata, so ``nbgrader generate_assignment`` can use them as they are. This
script does the same job without nbgrader: in each solution cell it replaces
what lies between the markers with nbgrader's stub,

    ### BEGIN SOLUTION                      # YOUR CODE HERE
    <reference code>              ->         raise NotImplementedError()
    ### END SOLUTION

keeping the indentation, clears every output (students run the notebooks
themselves; the exercise checkers then say "not implemented yet"), leaves out
the speaker notes (markdown cells of slide type "notes"), and writes
the result to ``student/`` with the same file names. Nothing else changes.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"
SOLUTION = re.compile(r"^([ \t]*)### BEGIN SOLUTION[^\n]*\n.*?^[ \t]*### END SOLUTION[^\n]*$",
                      re.MULTILINE | re.DOTALL)
NOTICE = ("> **Your version of this notebook.** Run the cells in order (or Run → Run All "
          "Cells). Each exercise ✍ has a cell that says `# YOUR CODE HERE`: replace the "
          "`raise NotImplementedError()` line by your code and run the cell, then the cell "
          "after it: it checks your function and says which case is wrong and why, or ✓.")


def stub(source: str) -> str:
    r"""The source with every solution region replaced by nbgrader's stub."""
    return SOLUTION.sub(lambda m: f"{m.group(1)}# YOUR CODE HERE\n"
                                  f"{m.group(1)}raise NotImplementedError()", source)


def solutions(source: str) -> list[str]:
    r"""The code between the markers of each solution region (for tests)."""
    return [m.group(0).split("\n", 1)[1].rsplit("\n", 1)[0] for m in SOLUTION.finditer(source)]


def student_version(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    r"""A copy of ``nb`` with stubs instead of solutions and no outputs."""
    nb = nbformat.from_dict(nb)
    nb.cells = [c for c in nb.cells  # speaker notes are for the instructor's slides
                if c.metadata.get("slideshow", {}).get("slide_type") != "notes"]
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        if BEGIN in cell.source:
            if not cell.metadata.get("nbgrader", {}).get("solution"):
                raise ValueError(f"a solution region outside a solution cell: {cell.source[:80]}")
            cell.source = stub(cell.source)
        cell.outputs = []
        cell.execution_count = None
        cell.metadata.pop("execution", None)
    nb.cells.insert(1, nbformat.v4.new_markdown_cell(NOTICE, metadata={
        "slideshow": {"slide_type": "skip"}}))
    for cell in nb.cells:
        cell.pop("id", None)  # fresh ids below: the student file is its own notebook
    return nb


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", nargs="*", help="default: every notebook in notebooks/")
    parser.add_argument("--out", default=str(ROOT / "student"))
    args = parser.parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    paths = [Path(p) for p in args.notebooks] or sorted((ROOT / "notebooks").glob("*.ipynb"))
    for path in paths:
        nb = nbformat.read(path, as_version=4)
        exercises = sum(BEGIN in c.source for c in nb.cells if c.cell_type == "code")
        student = student_version(nb)
        for k, cell in enumerate(student.cells):  # stable ids: no churn when regenerated
            cell.id = f"{path.stem[:2]}-{k:03d}"
        nbformat.write(student, out / path.name)
        print(f"{out / path.name}: {exercises} exercise(s) stubbed")


if __name__ == "__main__":
    main(sys.argv[1:])
