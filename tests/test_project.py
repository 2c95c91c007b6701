r"""The project's own promises: environments agree, notebooks are stored executed and tagged."""

from __future__ import annotations

import json
import re

import yaml

from conftest import NOTEBOOKS, ROOT

try:
    import tomllib
except ImportError:  # Python 3.10
    import tomli as tomllib

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
def _requirements(lines) -> dict[str, str]:
    # requirements with an environment marker (tomli for Python 3.10) have no conda twin
    return dict(_split(r) for r in lines if ";" not in r)


def _split(requirement: str) -> tuple[str, str]:
    name, bound = re.fullmatch(r"\s*([A-Za-z0-9_.\-]+)\s*(.*)", requirement).groups()
    return name.lower(), bound.replace(" ", "")


def _pyproject_requirements() -> dict[str, str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    extras = project["optional-dependencies"]
    test = [r for r in extras["test"] if not r.startswith(project["name"])]  # course-lib[slides]
    return (_requirements(project["dependencies"]) | _requirements(test)
            | _requirements(extras["slides"]))


def _environment_requirements() -> dict[str, str]:
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    conda = [d for d in env["dependencies"] if isinstance(d, str)]
    return {name: bound for name, bound in map(_split, conda) if name not in ("python", "pip")}


def test_environment_yml_and_pyproject_agree():
    pip, conda = _pyproject_requirements(), _environment_requirements()
    assert pip == conda, (
        "environment.yml and pyproject.toml (dependencies + test extra) must name the same "
        f"packages with the same bounds; only in pyproject: {sorted(pip.keys() - conda.keys())}, "
        f"only in environment.yml: {sorted(conda.keys() - pip.keys())}, different bounds: "
        f"{sorted(k for k in pip.keys() & conda.keys() if pip[k] != conda[k])}"
    )


def test_python_bound_agrees():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    python = [d for d in env["dependencies"] if isinstance(d, str) and d.startswith("python")]
    assert python == ["python" + project["requires-python"]]


def test_no_exact_pins():
    for name, bound in _pyproject_requirements().items():
        assert "==" not in bound, f"{name}{bound}: use a lower bound, exact pins break installs"


def test_notebooks_are_stored_executed_in_order():
    assert NOTEBOOKS, "no notebooks found"
    for path in NOTEBOOKS:
        nb = json.loads(path.read_text())
        code = [c for c in nb["cells"] if c["cell_type"] == "code" and "".join(c["source"]).strip()]
        counts = [c["execution_count"] for c in code]
        assert counts == list(range(1, len(code) + 1)), f"{path.name}: re-run top to bottom"
        errors = [o for c in code for o in c["outputs"] if o["output_type"] == "error"]
        assert not errors, f"{path.name} has stored errors"
        assert "widgets" not in nb["metadata"], f"{path.name}: widget state stored in metadata"


def test_widget_cells_are_tagged_for_nbval():
    for path in NOTEBOOKS:
        nb = json.loads(path.read_text())
        for cell in nb["cells"]:
            shows_widget = any(WIDGET_VIEW in o.get("data", {}) for o in cell.get("outputs", []))
            if shows_widget:
                assert "nbval-ignore-output" in cell["metadata"].get("tags", []), (
                    f"{path.name}: a widget cell needs the tag nbval-ignore-output:\n"
                    + "".join(cell["source"])
                )


def test_notebooks_open_with_title_and_close_with_summary():
    for path in NOTEBOOKS:
        cells = json.loads(path.read_text())["cells"]
        assert "".join(cells[0]["source"]).startswith("# "), f"{path.name}: start with a title"
        shown = [c for c in cells  # speaker notes are for the slides, not part of the text
                 if c["metadata"].get("slideshow", {}).get("slide_type") != "notes"]
        assert "What we saw" in "".join(shown[-1]["source"]), f"{path.name}: end with a summary"
