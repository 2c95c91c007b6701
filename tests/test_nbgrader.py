r"""nbgrader for real: instructors who grade with nbgrader can use the notebooks as they are.

A temporary nbgrader course (``nbgrader_config.py`` with ``CourseDirectory.root``, one
assignment per notebook: ``source/<notebook>/<notebook>.ipynb``, copied from
``notebooks/``) is built once for the module; nbgrader's own Python API runs
``generate_assignment`` and ``autograde`` on it, and its Gradebook API reads the scores.

1. The released notebooks (``release/``) have every solution replaced by nbgrader's
   stub and no outputs, and their code cells are exactly those of ``student/``. So
   ``tests/test_student_versions.py``, which runs the student versions top to bottom
   in a fresh kernel and checks that every checker says "not implemented yet", covers
   the released notebooks too; they are not executed a second time here.
2. ``autograde`` on a submission made from the reference solutions (the instructor
   notebooks) gives every graded cell its points; a submission with one solution's
   sign flipped loses exactly that exercise's point, and an untouched released
   notebook scores nothing (the checkers are strict while nbgrader runs them).

CPU is scarce in CI: autograding executes a notebook, so each submission is the
notebook up to its last graded cell (nbgrader accepts a submission without the
unlocked, ungraded cells after it: its OverwriteCells restores and checks only the
cells present, and the scores below come out right), and only :data:`AUTOGRADED`
notebooks are autograded from their reference solutions. Measured on the development
machine: 7 autograde runs 22 s of CPU (notebook 03: 8 s), generate_assignment for the
six notebooks 4 s, the whole file about 31 s; notebook 06 would add 17 s (its
exercises come after the DQN's training). For every notebook, nbgrader's scoring
rule (an error or stderr output scores 0, else the cell's points) applied to the
stored outputs of the checker cells, which nbval reproduces, gives full marks, so
notebook 06 is not left unchecked.

Without nbgrader (``pip install -e '.[grading]'``) these tests skip with the reason,
except when CI=true, where they fail.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import sys
from pathlib import Path

import nbformat
import pytest

from conftest import IN_CI, NOTEBOOKS, ROOT
from course_lib import exercises
from course_lib.exercises import checker

_spec = importlib.util.spec_from_file_location("nbgrader_metadata",
                                               ROOT / "tools" / "nbgrader_metadata.py")
metadata_tool = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(metadata_tool)

#: nbgrader 0.9.6's gradebook (SQLAlchemy 2) warns about its own session handling
pytestmark = pytest.mark.filterwarnings("ignore:Object of type <Submitted")
STUDENT = ROOT / "student"
IDS = [p.stem for p in NOTEBOOKS]
#: the notebooks autograded from their reference solutions (the fast ones: a few
#: seconds each up to their last graded cell)
AUTOGRADED = ["01_neurons_perceptron_xor", "02_mlp_backpropagation",
              "03_optimization_overfitting", "04_cnn", "05_rnn_lstm"]
#: the notebook of the negative checks (the fastest)
MISTAKES = "01_neurons_perceptron_xor"
BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"
STUB = "raise NotImplementedError()"


def nbgrader_or_skip() -> None:
    r"""Skip (or fail under CI=true) when nbgrader is missing."""
    try:
        import nbgrader  # noqa: F401
    except ImportError:
        problem = "nbgrader is not installed: pip install -e '.[grading]'"
        if IN_CI:
            pytest.fail(f"{problem} (CI=true: the nbgrader tests must run)")
        pytest.skip(problem)


def _is_solution(cell) -> bool:
    return cell.cell_type == "code" and cell.metadata.get("nbgrader", {}).get("solution", False)


def _graded_ids(nb) -> list[str]:
    return [c.metadata["nbgrader"]["grade_id"] for c in nb.cells
            if c.metadata.get("nbgrader", {}).get("grade")]


def _up_to_last_graded_cell(nb):
    r"""A copy of ``nb`` without the cells after its last graded cell."""
    nb = nbformat.from_dict(nb)
    last = max(k for k, c in enumerate(nb.cells) if c.metadata.get("nbgrader", {}).get("grade"))
    nb.cells = nb.cells[:last + 1]
    return nb


def _flip_sign(source: str) -> str:
    r"""The solution cell with its solution's last ``return x`` made ``return -(x)``."""
    lines = source.split("\n")
    end = next(k for k, line in enumerate(lines) if END in line)
    k = max(k for k, line in enumerate(lines[:end]) if line.strip().startswith("return "))
    lines[k] = re.sub(r"return (.+)$", r"return -(\1)", lines[k])
    return "\n".join(lines)


# ---------------------------------------------------- without nbgrader: the notebooks' side


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_every_checker_cell_is_an_autograder_test(path):
    nb = nbformat.read(path, as_version=4)
    assert metadata_tool.missing(nb) == [], (
        f"{path.name}: checker cells without nbgrader's test metadata; "
        "run: python tools/nbgrader_metadata.py && python3 course.py student")
    solutions = [c.metadata["nbgrader"]["grade_id"] for c in nb.cells if _is_solution(c)]
    assert _graded_ids(nb) == [f"check_{name}" for name in solutions], (
        "one autograder test per exercise, after its solution")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_stored_checker_outputs_score_full_marks(path):
    r"""nbgrader's rule (an error or stderr output scores 0) on the stored outputs."""
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if metadata_tool.checker_name(cell) is None:
            continue
        kinds = [(o.output_type, o.get("name")) for o in cell.outputs]
        assert ("error", None) not in kinds and ("stream", "stderr") not in kinds, cell.source
        assert "✓" in "".join(o.get("data", {}).get("text/plain", "") for o in cell.outputs)


def test_tool_is_idempotent_and_check_mode_reports(tmp_path, capsys):
    path = tmp_path / NOTEBOOKS[0].name
    nb = nbformat.read(NOTEBOOKS[0], as_version=4)
    for cell in nb.cells:
        if metadata_tool.checker_name(cell):
            cell.metadata.pop("nbgrader", None)
    nbformat.write(nb, path)
    assert metadata_tool.main(["--check", str(path)]) == 1
    assert "lacks nbgrader's autograder test metadata" in capsys.readouterr().out
    metadata_tool.main([str(path)])
    once = path.read_bytes()
    metadata_tool.main([str(path)])
    assert path.read_bytes() == once
    assert metadata_tool.main(["--check", str(path)]) == 0
    fixed = nbformat.read(path, as_version=4)
    names = [metadata_tool.checker_name(c) for c in fixed.cells]
    assert [c.metadata["nbgrader"] for c, n in zip(fixed.cells, names, strict=True) if n] == [
        {"grade": True, "grade_id": f"check_{n}", "points": 1, "locked": True,
         "solution": False, "schema_version": 3, "task": False} for n in names if n]


def _stub(*args):
    raise NotImplementedError()


@pytest.mark.parametrize("mode", ["autograde", "validate"])
def test_check_is_strict_while_nbgrader_runs_the_notebook(monkeypatch, mode):
    monkeypatch.setenv(checker.NBGRADER_EXECUTION, mode)
    with pytest.raises(AssertionError, match="not implemented yet"):
        exercises.check("conv_output_size", _stub)
    with pytest.raises(AssertionError, match="conv_output_size, case"):
        exercises.check("conv_output_size", lambda n, k, stride, padding: n - k)
    assert exercises.check_all({"conv_output_size": _stub})["conv_output_size"].passed is False


def test_a_passing_check_prints_its_verdict_while_nbgrader_runs(monkeypatch, capsys):
    # nbgrader reads a test cell's result as a partial score: "✓ ..." is no number
    monkeypatch.setenv(checker.NBGRADER_EXECUTION, "autograde")
    reference = exercises.EXERCISES["conv_output_size"].reference
    assert exercises.check("conv_output_size", reference) is None
    assert capsys.readouterr().out.startswith("✓ conv_output_size: all ")
    assert exercises.check("conv_output_size", _stub, strict=False) is None
    assert capsys.readouterr().out.startswith("✎ conv_output_size: not implemented yet")


def test_check_is_lenient_for_students(monkeypatch):
    monkeypatch.delenv(checker.NBGRADER_EXECUTION, raising=False)
    assert not checker.autograding()
    assert str(exercises.check("conv_output_size", _stub)).startswith("✎ conv_output_size")


# ------------------------------------------------------------ with nbgrader: a real course


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    r"""The course after generate_assignment and autograde: (root, scores, the wrong one).

    scores[(student, notebook)] = {grade_id: (auto_score, max_score)}.
    """
    nbgrader_or_skip()
    unmarked = [p.name for p in NOTEBOOKS if metadata_tool.missing(nbformat.read(p, as_version=4))]
    if unmarked:  # nothing would be graded
        pytest.fail(f"checker cells without nbgrader's test metadata in {unmarked}: run "
                    "python tools/nbgrader_metadata.py && python3 course.py student")
    with pytest.MonkeyPatch.context() as patch:
        # nbgrader runs the command `alembic` (installed beside it) when it creates a
        # gradebook: found on PATH when the environment is activated, as here
        patch.setenv("PATH", str(Path(sys.executable).parent), prepend=os.pathsep)
        yield _build_and_grade(tmp_path_factory.mktemp("nbgrader_course"))


def _build_and_grade(root):
    from nbgrader.api import Gradebook
    from nbgrader.apps import NbGraderAPI
    from traitlets.config.loader import PyFileConfigLoader

    (root / "nbgrader_config.py").write_text(
        "c = get_config()  # noqa: F821\n"
        f"c.CourseDirectory.root = {str(root)!r}\n"
        "c.Execute.timeout = 300  # seconds per cell; nbgrader's default, 30, is too short\n")
    for path in NOTEBOOKS:
        (root / "source" / path.stem).mkdir(parents=True)
        shutil.copy(path, root / "source" / path.stem / path.name)
    api = NbGraderAPI(config=PyFileConfigLoader("nbgrader_config.py", path=str(root)).load_config())
    for path in NOTEBOOKS:
        result = api.generate_assignment(path.stem)
        assert result["success"], f"{result.get('log')}\n{result.get('error')}"

    def submit(student, path, nb):
        folder = root / "submitted" / student / path.stem
        folder.mkdir(parents=True)
        nbformat.write(_up_to_last_graded_cell(nb), folder / path.name)

    by_stem = {p.stem: p for p in NOTEBOOKS}
    for stem in AUTOGRADED:  # the reference solutions
        submit("reference", by_stem[stem], nbformat.read(by_stem[stem], as_version=4))
    mistake = nbformat.read(by_stem[MISTAKES], as_version=4)  # one sign flipped
    wrong = [c for c in mistake.cells if _is_solution(c)][-1]
    wrong.source = _flip_sign(wrong.source)
    submit("mistake", by_stem[MISTAKES], mistake)
    untouched = by_stem[AUTOGRADED[1]]  # the released notebook, handed in as it came
    submit("untouched", untouched,
           nbformat.read(root / "release" / untouched.stem / untouched.name, as_version=4))

    scores = {}
    runs = [("reference", s) for s in AUTOGRADED] + [("mistake", MISTAKES),
                                                   ("untouched", untouched.stem)]
    for student, stem in runs:
        result = api.autograde(stem, student)
        assert result["success"], f"{result.get('log')}\n{result.get('error')}"
        with Gradebook(api.coursedir.db_url) as gb:
            notebook = gb.find_submission_notebook(stem, stem, student)
            scores[student, stem] = {g.name: (g.auto_score, g.max_score) for g in notebook.grades}
    return root, scores, wrong.metadata["nbgrader"]["grade_id"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_released_notebook_is_the_student_version(course, path):
    root, _, _ = course
    released = nbformat.read(root / "release" / path.stem / path.name, as_version=4)
    student = nbformat.read(STUDENT / path.name, as_version=4)
    text = "\n".join(c.source for c in released.cells)
    assert BEGIN not in text and END not in text, f"{path.name}: a solution was released"
    solutions = [c for c in released.cells if _is_solution(c)]
    assert solutions and all(STUB in c.source for c in solutions)
    code = [c for c in released.cells if c.cell_type == "code"]
    assert all(c.outputs == [] and c.execution_count is None for c in code), "outputs left"
    student_code = [c for c in student.cells if c.cell_type == "code"]
    assert [c.source for c in code] == [c.source for c in student_code], (
        f"released {path.name} and student/{path.name} differ: python3 course.py student")
    # the same nbgrader metadata, apart from what generate_assignment records of the
    # released cell (its checksum and type, for autograde to compare against)
    released_meta = [{k: v for k, v in c.metadata.get("nbgrader", {}).items()
                      if k not in ("checksum", "cell_type")} for c in code]
    assert released_meta == [c.metadata.get("nbgrader", {}) for c in student_code]
    assert _graded_ids(released) == _graded_ids(student) != []


@pytest.mark.parametrize("stem", AUTOGRADED)
def test_reference_solutions_get_full_marks(course, stem):
    _, scores, _ = course
    grades = scores["reference", stem]
    source = nbformat.read(ROOT / "notebooks" / f"{stem}.ipynb", as_version=4)
    assert sorted(grades) == sorted(_graded_ids(source)) != []
    assert {name: auto for name, (auto, _) in grades.items()} == {
        name: points for name, (_, points) in grades.items()}


def test_one_wrong_solution_loses_exactly_its_point(course):
    _, scores, wrong = course
    grades = scores["mistake", MISTAKES]
    assert grades[f"check_{wrong}"] == (0, 1)
    assert all(auto == points for name, (auto, points) in grades.items()
               if name != f"check_{wrong}")


def test_untouched_released_notebook_scores_nothing(course):
    _, scores, _ = course
    grades = scores["untouched", AUTOGRADED[1]]
    assert grades and all(auto == 0 for auto, _ in grades.values()), grades
