r"""The checker machinery: a case, an exercise, a verdict, and the check that runs them.

:func:`check` calls the student's function on the exercise's hand-picked cases
(zeros, large inputs, edge cases of the lecture's equation) and on random ones,
compares each result with the reference solution and returns one
:class:`Result`: a success line, or the first case that failed with what was
expected, what came back and a hint tied to the lecture's equation. A function
that raises, returns ``None`` or returns the wrong shape or type gets a short,
friendly message, never a traceback.

Under nbgrader a wrong answer must raise: nbgrader's autograder gives an autograder
test cell its points unless the cell's output holds an error, so a checker cell that
only *prints* "✗ ..." would score. :func:`check` is therefore strict by default while
nbgrader executes the notebook (:func:`autograding`), and lenient for students.

This module knows no exercise: the exercises themselves are in
:mod:`course_lib.exercises.bank`, which imports this module (never the other
way round).
"""

from __future__ import annotations

import html
import inspect
import numbers
import os
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

__all__ = ["Case", "Exercise", "Result", "autograding", "check"]

#: Set by nbgrader in the environment of the kernel that runs a notebook: "autograde"
#: during ``nbgrader autograde`` (nbgrader/converters/autograde.py, 0.9.6:
#: ``utils.setenv(NBGRADER_EXECUTION='autograde')`` around the execution) and "validate"
#: during ``nbgrader validate`` and the Validate button (nbgrader/validator.py); unset
#: otherwise. nbgrader's FAQ, "Can I modify the notebook behavior during autograding or
#: validation?", documents it.
NBGRADER_EXECUTION = "NBGRADER_EXECUTION"


def autograding() -> bool:
    r"""True while nbgrader runs the notebook (autograde or validate), else False."""
    return bool(os.environ.get(NBGRADER_EXECUTION))


@dataclass(frozen=True)
class Case:
    r"""One call of the student's function: a name students can read, and its arguments."""

    name: str
    args: tuple
    kwargs: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Exercise:
    r"""A function to write, its reference solution, its test cases and the lecture's hint."""

    name: str
    signature: str
    equation: str  # the lecture's equation, shown in the hint
    hint: str
    reference: Callable
    cases: Callable[[np.random.Generator], list[Case]]
    tolerance: float = 1e-9
    returns_int: bool = False  # a size or a count: a float is a mistake even when whole
    #: names of the values returned as a tuple, e.g. ("dX", "dW", "db"): the verdict says
    #: which are right and which is wrong
    parts: tuple = ()
    #: optional ``diagnose(case, expected, got) -> str | None``: a specific hint for a wrong
    #: answer it recognises (e.g. "db has shape (3, 1): sum over the batch axis, axis=0")
    diagnose: Callable | None = None
    #: the hint ladder, shown one step per call of ``exercises.hint(name)``: the lecture's
    #: equation, then the shapes involved, then a skeleton with blanks; never the solution
    hints: tuple = ()


#: text colours of the verdicts in JupyterLab (HTML, not plots: plotting.COLORS is for figures)
VERDICT_COLORS = {"passed": "#1a7f37", "todo": "#555555", "failed": "#b00020"}


@dataclass(frozen=True)
class Result:
    r"""What a check found: ``passed`` and the message shown to the student."""

    exercise: str
    passed: bool
    message: str
    failed_case: str | None = None

    def __str__(self) -> str:
        return self.message

    __repr__ = __str__  # the last line of a cell shows the verdict, nothing else

    def _repr_html_(self) -> str:
        # in JupyterLab: wrapped at words, the hint on a line of its own
        verdict, _, hint = self.message.partition(" Hint: ")
        kind = "passed" if self.passed else "todo" if self.message.startswith("✎") else "failed"
        color = VERDICT_COLORS[kind]
        hint_html = f"<br><b>Hint:</b> {html.escape(hint)}" if hint else ""
        return (f'<div style="font-family: monospace; white-space: normal; line-height: 1.5">'
                f'<span style="color: {color}">{html.escape(verdict)}</span>{hint_html}</div>')


def _short(value) -> str:
    if isinstance(value, numbers.Number) or (isinstance(value, np.ndarray) and value.ndim == 0):
        number = complex(value).real + 0.0 if not isinstance(value, bool) else value
        return str(int(number)) if float(number).is_integer() else f"{float(number):.6g}"
    if _is_array_like(value):
        try:
            value = np.asarray(value, dtype=float) + 0.0  # no "-0." in messages
        except (TypeError, ValueError):
            pass
    text = np.array2string(np.asarray(value), threshold=12, separator=", ", formatter={
        "float_kind": lambda v: f"{v:.4g}"}) if _is_array_like(value) else repr(value)
    return " ".join(text.split())


def _is_array_like(value) -> bool:
    return isinstance(value, np.ndarray | list | tuple) or isinstance(value, numbers.Number)


#: how a tuple answer whose values are right but reordered starts its message
REORDERED = "the values are right but in the wrong order"


def _compare(expected, got, tolerance: float, returns_int: bool = False,
             parts: tuple = ()) -> str | None:
    r"""None when ``got`` matches ``expected``; else what is wrong, in words.

    For a tuple with named ``parts`` (e.g. dX, dW, db), it says which parts are right
    and what is wrong with the first wrong one.
    """
    if isinstance(expected, tuple):
        if not isinstance(got, tuple | list) or len(got) != len(expected):
            names = f" ({', '.join(parts)})" if len(parts) == len(expected) else ""
            return (f"return {len(expected)} values{names}, as a tuple; "
                    f"got {type(got).__name__}" + (f" of length {len(got)}"
                                                   if isinstance(got, tuple | list) else ""))
        problems = [_compare(e, g, tolerance) for e, g in zip(expected, got, strict=True)]
        wrong = [k for k, problem in enumerate(problems) if problem]
        if not wrong:
            return None
        order = _order(expected, got, tolerance)
        if order is not None:
            names = parts if len(parts) == len(expected) else [
                f"value {k + 1}" for k in range(len(expected))]
            return (f"{REORDERED}: you returned "
                    f"({', '.join(names[k] for k in order)}); return "
                    f"({', '.join(names)})")
        if len(parts) == len(expected):
            right = [parts[k] for k, problem in enumerate(problems) if not problem]
            said = (f"{' and '.join(right)} {'is' if len(right) == 1 else 'are'} right; "
                    if right else "")
            return f"{said}{parts[wrong[0]]}: {problems[wrong[0]]}"
        k = wrong[0]
        return f"value {k + 1} of the {len(expected)} returned: {problems[k]}"
    if isinstance(got, str | bytes | dict) or got is Ellipsis:
        return f"expected a number or an array; got a {type(got).__name__}"
    try:
        got_array = np.asarray(got, dtype=float)
    except (TypeError, ValueError):
        return f"expected a number or an array; got a {type(got).__name__}"
    expected_array = np.asarray(expected, dtype=float)
    if got_array.shape != expected_array.shape:
        return (f"wrong shape: expected {expected_array.shape}, got {got_array.shape} "
                f"({_short(got)})")
    if returns_int and not isinstance(got, numbers.Integral):
        return f"expected an int (a size); got {type(got).__name__} {_short(got)}"
    if isinstance(expected, numbers.Integral) and not np.all(got_array == np.round(got_array)):
        return f"expected a whole number; got {np.format_float_positional(float(got_array))}"
    close = np.isclose(got_array, expected_array, rtol=tolerance, atol=tolerance,
                       equal_nan=True)
    if not np.all(close):
        said = f"expected {_short(expected)}, got {_short(got)}"
        if expected_array.size > 1:  # the printed arrays may be shortened: name a place
            first = tuple(int(i) for i in np.argwhere(~close)[0])
            index = first[0] if len(first) == 1 else list(first)
            said += (f"; first difference at index {index}: expected "
                     f"{_short(expected_array[first])}, got {_short(got_array[first])} "
                     f"({int(np.sum(~close))} of {close.size} values differ)")
        return said
    return None


def _order(expected: tuple, got, tolerance: float) -> list[int] | None:
    r"""Which expected value each returned one is, when ``got`` is ``expected`` reordered.

    None when it is not a reordering (some value is wrong), or is in order.
    """
    order, free = [], set(range(len(expected)))
    for g in got:
        match = next((j for j in sorted(free)
                      if _compare(expected[j], g, tolerance) is None), None)
        if match is None:
            return None
        order.append(match)
        free.remove(match)
    return None if order == sorted(order) else order


def check(exercise: Exercise, function: Callable, *, seed: int = 0,
          strict: bool | None = None) -> Result:
    r"""Check the student's ``function`` against ``exercise`` and return the verdict.

    The random cases are drawn from ``numpy.random.default_rng(seed)``, so a
    verdict is the same every time. ``strict=True`` raises ``AssertionError``
    with the message on failure (also "not implemented yet"), for autograding;
    ``strict=None`` (the default) is strict exactly while nbgrader runs the
    notebook (:func:`autograding`).
    """
    if strict is None:
        strict = autograding()
    result = _run(exercise, function, np.random.default_rng(seed))
    if strict and not result.passed:
        raise AssertionError(result.message)
    return result


def _run(exercise: Exercise, function, rng) -> Result:
    if not callable(function):
        return Result(exercise.name, False, f"✗ {exercise.name}: pass your function itself "
                      f"(check('{exercise.name}', {exercise.name})), not a value of type "
                      f"{type(function).__name__}")
    cases = exercise.cases(rng)
    for case in cases:
        arguments = _describe(case, exercise.reference)
        expected = exercise.reference(*_copy(case.args), **case.kwargs)
        try:
            got = function(*_copy(case.args), **case.kwargs)
        except NotImplementedError:
            return Result(exercise.name, False,
                          f"✎ {exercise.name}: not implemented yet. Replace "
                          f"`raise NotImplementedError()` by your code: {exercise.signature}.")
        except Exception as err:  # a student's bug: report it in one line, no traceback
            said = " ".join(str(err).split())  # one line, even for an array in the message
            said = f": {said[:240]}{'...' if len(said) > 240 else ''}" if said else ""
            return Result(exercise.name, False,
                          f"✗ {exercise.name}, case '{case.name}' ({arguments}): your "
                          f"function raised {type(err).__name__}{said}{_where(err, function)}. "
                          f"Hint: {exercise.hint}; lecture: {exercise.equation}"
                          f"{_hints_left(exercise)}", case.name)
        if got is None:
            return Result(exercise.name, False,
                          f"✗ {exercise.name}, case '{case.name}': your function returned None. "
                          "Did you forget `return`?", case.name)
        problem = _compare(expected, got, exercise.tolerance, exercise.returns_int,
                           exercise.parts)
        if problem:
            reordered = problem.startswith(REORDERED)  # nothing else to diagnose
            specific = "" if reordered else _diagnosis(exercise, case, expected, got)
            return Result(exercise.name, False,
                          f"✗ {exercise.name}, case '{case.name}' ({arguments}): "
                          f"{problem}.{specific} Hint: {exercise.hint}; lecture: "
                          f"{exercise.equation}{_hints_left(exercise)}", case.name)
    return Result(exercise.name, True,
                  f"✓ {exercise.name}: all {len(cases)} cases right ({exercise.equation}).")


def _where(err: Exception, function) -> str:
    r"""" (in your line 7: `dW = X @ dout`)": the student's last line that ran, or ""."""
    code = getattr(function, "__code__", None)
    if code is None:
        return ""
    frames = [f for f in traceback.extract_tb(err.__traceback__)
              if f.filename == code.co_filename]
    if not frames:
        return ""
    frame = frames[-1]
    line = f": `{frame.line.strip()}`" if frame.line else ""
    return f" (in your line {frame.lineno}{line})"


def _diagnosis(exercise: Exercise, case: Case, expected, got) -> str:
    r"""The exercise's specific diagnosis of a wrong answer, as " Likely: ...", or ""."""
    if exercise.diagnose is None:
        return ""
    try:
        said = exercise.diagnose(case, expected, got)
    except Exception:  # a diagnosis must never hide the verdict
        return ""
    return f" Likely: {said}." if said else ""


#: how many steps of each exercise's hint ladder were shown, by name (this kernel only)
HINTS_SHOWN: dict[str, int] = {}


def _hints_left(exercise: Exercise) -> str:
    r"""" (2 hints left: exercises.hint('name'))", or "" when the ladder is used up."""
    left = len(exercise.hints) - HINTS_SHOWN.get(exercise.name, 0)
    if left <= 0:
        return ""
    return (f" ({left} hint{'s' if left > 1 else ''} left: "
            f"exercises.hint('{exercise.name}'))")


def next_hint(exercise: Exercise) -> str:
    r"""The next step of the exercise's hint ladder (and count it as shown)."""
    if not exercise.hints:
        return f"{exercise.name}: no hint ladder; the hint: {exercise.hint}"
    shown = HINTS_SHOWN.get(exercise.name, 0)
    if shown >= len(exercise.hints):
        return (f"{exercise.name}: that was the last of {len(exercise.hints)} hints; the "
                f"lecture: {exercise.equation}")
    HINTS_SHOWN[exercise.name] = shown + 1
    return f"{exercise.name}, hint {shown + 1} of {len(exercise.hints)}: {exercise.hints[shown]}"


def _copy(args: tuple) -> tuple:
    return tuple(a.copy() if isinstance(a, np.ndarray) else a for a in args)


def _argument(value) -> str:
    if isinstance(value, np.ndarray) and value.size > 9:  # big arrays by their shape
        return "array " + "x".join(map(str, value.shape))
    return _short(value)


def _describe(case: Case, reference: Callable | None = None) -> str:
    r"""The case's arguments, named as the reference names them: "X=..., y=..."."""
    try:
        names = list(inspect.signature(reference).parameters) if reference else []
    except (TypeError, ValueError):
        names = []
    if len(names) < len(case.args):
        names = [""] * len(case.args)
    parts = [f"{name}={_argument(a)}" if name else _argument(a)
             for name, a in zip(names, case.args, strict=False)]
    parts += [f"{k}={_argument(v)}" for k, v in case.kwargs.items()]
    text = ", ".join(parts)
    return text if len(text) <= 160 else text[:157] + "..."
