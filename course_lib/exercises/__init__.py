r"""Exercises with instant, specific feedback, offline: each checker calls the student's function.

In a notebook::

    def perceptron_update(w, x, y, eta):
        ...                                   # the student's code
    exercises.check("perceptron_update", perceptron_update)     # the cell shows the verdict

The checker calls the function on hand-picked cases (zeros, large inputs, edge
cases of the lecture's equation) and on random ones, compares each result with
the reference, and prints one line: a success line, or the first case that
failed with what was expected, what came back and a hint tied to the lecture's
equation. The verdict is a :class:`Result` (``.passed``, ``.message``), shown as
its message.

Two modules: :mod:`.checker` is the machinery (``Case``, ``Exercise``,
``Result``, ``check``), :mod:`.bank` the exercises of the notebooks; the bank
imports the checker, nothing imports back.
"""

from __future__ import annotations

from collections.abc import Callable

from . import checker
from .bank import EXERCISES
from .checker import Case, Exercise, Result

__all__ = ["EXERCISES", "Case", "Exercise", "Result", "check", "check_all", "hint"]


def check(name: str, function: Callable, *, seed: int = 0, strict: bool = False) -> Result:
    r"""Check the student's ``function`` for the exercise called ``name`` and return the verdict.

    The verdict shows as one line when it is the last expression of a cell.
    ``strict=True`` raises ``AssertionError`` with the message on failure, for
    autograding (e.g. in an nbgrader test cell); students never need it.
    """
    if name not in EXERCISES:
        raise ValueError(f"no exercise named {name!r}; the exercises are {', '.join(EXERCISES)}")
    return checker.check(EXERCISES[name], function, seed=seed, strict=strict)


def check_all(solutions: dict[str, Callable]) -> dict[str, Result]:
    r"""Check several exercises at once, e.g. for grading: {name: function} -> {name: Result}."""
    return {name: check(name, function) for name, function in solutions.items()}


class Hint(str):
    r"""One step of a hint ladder: shows as plain text (no quotes) as a cell's last value."""

    def __repr__(self) -> str:
        return str(self)


def hint(name: str) -> Hint:
    r"""The next hint for the exercise ``name``, one step further at each call.

    The ladder goes from the lecture's equation to the shapes involved to a skeleton
    with blanks, and never shows the solution; a failed check says how many are left.
    """
    if name not in EXERCISES:
        raise ValueError(f"no exercise named {name!r}; the exercises are {', '.join(EXERCISES)}")
    return Hint(checker.next_hint(EXERCISES[name]))
