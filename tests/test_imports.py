r"""The shape of the library's imports: no cycle, and the layers in one direction only.

STYLE: math core -> plotting -> widgets -> explorers -> notebooks, never back.
Read from the source with ``ast`` (imports inside functions count too), so a
cycle that Python happens to survive at import time still fails here.
"""

from __future__ import annotations

import ast

import pytest

from conftest import MATH_CORE, MODULES, PRESENTATION


def imported_modules(name: str) -> set[str]:
    r"""The course_lib modules that module ``name`` imports, anywhere in its source."""
    path = MODULES[name]
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = package.split(".")
            if node.level:
                base = base[:len(base) - node.level + 1]
                base = [*base, *node.module.split(".")] if node.module else base
            else:
                base = node.module.split(".")
            base = ".".join(base)
            for alias in node.names:  # "from . import conv" names a module, "from .conv import x"
                submodule = f"{base}.{alias.name}"  # a name inside one
                found.add(submodule if submodule in MODULES else base)
    return {m for m in found if m in MODULES and m != name}


GRAPH = {name: imported_modules(name) for name in MODULES}


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    r"""One import cycle as a list of modules (first == last), or None."""
    state, path = {}, []

    def visit(node):
        state[node] = "open"
        path.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == "open":
                return path[path.index(nxt):] + [nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        state[node] = "done"
        path.pop()
        return None

    for node in sorted(graph):
        if node not in state and (cycle := visit(node)):
            return cycle
    return None


def test_the_graph_sees_the_imports():
    # a check of the checker: these imports exist, so the graph must show them
    assert "course_lib.activations" in GRAPH["course_lib.mlp"]
    assert "course_lib.exercises.checker" in GRAPH["course_lib.exercises.bank"]
    assert "course_lib.widgets" in GRAPH["course_lib.explorers.playground"]


def test_the_cycle_finder_finds_a_cycle():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert find_cycle(graph) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


def test_no_import_cycle_inside_course_lib():
    cycle = find_cycle(GRAPH)
    assert cycle is None, "import cycle: " + " -> ".join(cycle)


@pytest.mark.parametrize("name", MATH_CORE)
def test_math_core_imports_no_presentation_module(name):
    drawn = sorted(m for m in GRAPH[name] if m.startswith(PRESENTATION))
    assert not drawn, f"{name} is math core but imports {drawn}"


def test_plotting_imports_no_widget_module():
    for name in ("course_lib.plotting", "course_lib.network_plot"):
        assert not {m for m in GRAPH[name] if m.startswith(PRESENTATION[2:])}, name


def test_widgets_import_no_explorer():
    assert not {m for m in GRAPH["course_lib.widgets"] if m.startswith("course_lib.explorers")}
