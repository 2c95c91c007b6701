r"""Student versions: generated from the instructor notebooks, current, solution-free, and runnable.

The instructor notebooks (``notebooks/``) hold the reference solutions between
nbgrader's markers; ``tools/make_student_versions.py`` writes ``student/``.
"""

from __future__ import annotations

import importlib.util
import re
import shutil

import nbformat
import pytest

from conftest import NOTEBOOKS, ROOT

STUDENT = ROOT / "student"
spec = importlib.util.spec_from_file_location("make", ROOT / "tools" / "make_student_versions.py")
make = importlib.util.module_from_spec(spec)
spec.loader.exec_module(make)
IDS = [p.stem for p in NOTEBOOKS]


def _solution_cells(nb):
    return [c for c in nb.cells if c.cell_type == "code" and make.BEGIN in c.source]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_instructor_notebook_has_exercises_in_nbgrader_form(path):
    nb = nbformat.read(path, as_version=4)
    cells = _solution_cells(nb)
    assert 3 <= len(cells) <= 6, (f"{path.name}: {len(cells)} exercises; the course has 2-4 "
                                  "short ones and 1-2 larger ones per notebook")
    for cell in cells:
        meta = cell.metadata.get("nbgrader", {})
        assert meta.get("solution") is True and meta.get("grade_id"), cell.source[:60]
        assert cell.source.count(make.BEGIN) == cell.source.count(make.END) == 1
        name = meta["grade_id"]
        following = nb.cells[nb.cells.index(cell) + 1]
        assert following.source.strip() == f'exercises.check("{name}", {name})', (
            "each solution cell is followed by its checker")
        assert "✓" in "".join(o.get("data", {}).get("text/plain", "")
                             for o in following.outputs), "the reference passes its checker"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_student_version_is_current(path, tmp_path):
    make.main([str(path), "--out", str(tmp_path)])
    fresh = (tmp_path / path.name).read_text(encoding="utf-8")
    committed = STUDENT / path.name
    assert committed.exists(), "run: python3 course.py student"
    assert committed.read_text(encoding="utf-8") == fresh, (
        f"student/{path.name} is out of date: run python3 course.py student")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_student_version_has_no_solution_and_no_outputs(path):
    instructor = nbformat.read(path, as_version=4)
    student = nbformat.read(STUDENT / path.name, as_version=4)
    text = "\n".join(c.source for c in student.cells)
    assert make.BEGIN not in text and make.END not in text
    outside = "\n".join(make.SOLUTION.sub("", c.source) for c in instructor.cells)
    for cell in _solution_cells(instructor):
        for code in make.solutions(cell.source):
            assert code.strip() not in text
            for line in code.splitlines():  # lines that only the solution has
                if line.strip() and line.strip() not in outside:
                    assert line.strip() not in text, f"solution line in student/{path.name}"
    code = "\n".join(c.source for c in student.cells if c.cell_type == "code")
    assert code.count("raise NotImplementedError()") == len(_solution_cells(instructor))
    assert all(not c.get("outputs") for c in student.cells if c.cell_type == "code")


def test_stub_keeps_indentation_and_code_around():
    source = ('def f(x):\n    r"""Doc."""\n    ### BEGIN SOLUTION\n    y = 2 * x\n'
              '    return y\n    ### END SOLUTION\n\nprint(f)')
    assert make.stub(source) == ('def f(x):\n    r"""Doc."""\n    # YOUR CODE HERE\n'
                                 '    raise NotImplementedError()\n\nprint(f)')
    assert make.solutions(source) == ["    y = 2 * x\n    return y"]


def test_solution_outside_a_solution_cell_is_refused():
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        "def f():\n    ### BEGIN SOLUTION\n    return 1\n    ### END SOLUTION")])
    with pytest.raises(ValueError, match="outside a solution cell"):
        make.student_version(nb)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_student_version_runs_and_every_checker_says_not_implemented(path, tmp_path):
    from nbclient import NotebookClient

    shutil.copy(STUDENT / path.name, tmp_path / path.name)
    nb = nbformat.read(tmp_path / path.name, as_version=4)
    NotebookClient(nb, timeout=600, kernel_name="python3",
                   resources={"metadata": {"path": str(tmp_path)}}).execute()
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs
              if o.output_type == "error" or o.get("name") == "stderr"]
    assert errors == [], f"{path.name}: {errors[:1]}"
    verdicts = ["".join(o.get("data", {}).get("text/plain", "") for o in c.outputs)
                for c in nb.cells if c.cell_type == "code" and "exercises.check(" in c.source]
    assert verdicts and all(re.match(r"✎ \w+: not implemented yet", v) for v in verdicts), verdicts
