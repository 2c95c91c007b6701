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

Besides ``check``: ``hint(name)`` shows the next step of an exercise's hint
ladder (the lecture's equation, the shapes, a skeleton with blanks; never the
solution), ``finite_differences(name, function)`` compares a student's own
backward pass with centred differences of the loss, and ``predict(name, answer)``
asks and checks the "predict, then run" questions before an experiment.

The modules: :mod:`.checker` is the machinery (``Case``, ``Exercise``, ``Result``,
``check``); :mod:`.bank` holds the short exercises and the notebooks' order,
:mod:`.larger` the larger ones (a whole loop, a whole backward pass, with
:mod:`.diagnosis` naming typical mistakes); :mod:`.gradients` and
:mod:`.questions` the finite-difference check and the questions. The exercises
import the checker, nothing imports back.
"""

from __future__ import annotations

from collections.abc import Callable

from . import checker
from .bank import EXERCISES
from .checker import Case, Exercise, Result
from .gradients import finite_differences
from .questions import predict

__all__ = ["EXERCISES", "Case", "Exercise", "Result", "check", "check_all", "finite_differences",
           "hint", "predict"]


def check(name: str, function: Callable, *, seed: int = 0,
          strict: bool | None = None) -> Result | None:
    r"""Check the student's ``function`` for the exercise called ``name`` and return the verdict.

    The verdict shows as one line when it is the last expression of a cell.
    ``strict=True`` raises ``AssertionError`` with the message on failure, for
    autograding. By default (``strict=None``) the check is strict exactly while
    nbgrader autogrades or validates the notebook (nbgrader sets the environment
    variable ``NBGRADER_EXECUTION`` in the kernel), so that the checker cells work
    as nbgrader's autograder tests unchanged; students never need ``strict``.

    While nbgrader runs the notebook, a passing verdict is printed and ``None``
    returned: nbgrader reads a test cell's *result* as a partial score and would
    warn that "✓ ..." is not a number; printed text gives the full point.
    """
    if name not in EXERCISES:
        raise ValueError(f"no exercise named {name!r}; the exercises are {', '.join(EXERCISES)}")
    result = checker.check(EXERCISES[name], function, seed=seed, strict=strict)
    if checker.autograding():
        print(result.message)
        return None
    return result


def check_all(solutions: dict[str, Callable]) -> dict[str, Result]:
    r"""Check several exercises at once, e.g. for grading: {name: function} -> {name: Result}."""
    # never strict: every verdict is returned, also under nbgrader
    unknown = [name for name in solutions if name not in EXERCISES]
    if unknown:
        raise ValueError(f"no exercise named {unknown[0]!r}; the exercises are "
                         f"{', '.join(EXERCISES)}")
    return {name: checker.check(EXERCISES[name], function, strict=False)
            for name, function in solutions.items()}


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
