r"""Predict, then run: a short question before an experiment, checked offline with an explanation.

In a notebook, before the cell that runs the experiment::

    exercises.predict("xor_perceptron")            # shows the question and how to answer
    exercises.predict("xor_perceptron", "b")       # checks the answer, explains, right or wrong

A multiple-choice question is answered with the letter of a choice (or its text), a
number question with a number. The stored notebooks show the question only: the
answer is never printed until a student gives one, so static views (GitHub, the
decks, the handouts) show the question as plain text.
"""

from __future__ import annotations

import html
import numbers
from dataclasses import dataclass

__all__ = ["QUESTIONS", "Prediction", "Question", "predict"]

LETTERS = "abcdefgh"


@dataclass(frozen=True)
class Question:
    r"""A prediction to make before running an experiment.

    choices : the options, in order (answered by letter a, b, ... or by their text); empty
        for a number question
    answer : the right letter, or the right number
    tolerance : for a number, the largest |answer - given| still counted right
    explanation : why, pointing at the output to look at (shown after any answer)
    """

    name: str
    text: str
    choices: tuple = ()
    answer: str | float = ""
    tolerance: float = 0.0
    explanation: str = ""


@dataclass(frozen=True)
class Prediction:
    r"""What :func:`predict` shows: the question, or the verdict on an answer."""

    name: str
    message: str
    state: str  # "asked", "right", "wrong" or "malformed"

    def __str__(self) -> str:
        return self.message

    __repr__ = __str__

    def _repr_html_(self) -> str:
        color = {"asked": "#333333", "right": "#1a7f37", "wrong": "#b00020",
                 "malformed": "#555555"}[self.state]
        lines = html.escape(self.message).split("\n")
        return (f'<div style="font-family: monospace; white-space: normal; line-height: 1.5; '
                f'color: {color}">' + "<br>".join(lines) + "</div>")


def _question_text(q: Question) -> str:
    options = "\n".join(f"  ({LETTERS[k]}) {choice}" for k, choice in enumerate(q.choices))
    letters = ", ".join(LETTERS[:len(q.choices)])
    how = (f"Answer with a letter ({letters}): exercises.predict('{q.name}', 'your letter')"
           if q.choices else
           f"Answer with a number: exercises.predict('{q.name}', your number)")
    return f"Predict, then run. {q.text}" + (f"\n{options}" if options else "") + f"\n{how}"


def _letter(q: Question, answer) -> str | None:
    r"""The letter of ``answer`` (a letter or a choice's text), or None if it is neither."""
    if not isinstance(answer, str):
        return None
    text = answer.strip().lower()
    letter = text.strip("()")
    if len(letter) == 1 and letter in LETTERS[:len(q.choices)]:
        return letter
    for k, choice in enumerate(q.choices):
        if text == choice.lower():
            return LETTERS[k]
    return None


def predict(name: str, answer=None) -> Prediction:
    r"""Show the question ``name`` (no answer given), or check ``answer`` and explain.

    A wrong or right answer gets the same explanation, which points at the output
    to look at; an answer of the wrong kind (a number for a choice, an unknown
    letter) is told what would work, and nothing is revealed.
    """
    if name not in QUESTIONS:
        raise ValueError(f"no question named {name!r}; the questions are "
                         f"{', '.join(QUESTIONS)}")
    q = QUESTIONS[name]
    if answer is None:
        return Prediction(name, _question_text(q), "asked")
    if q.choices:
        given = _letter(q, answer)
        if given is None:
            letters = ", ".join(repr(c) for c in LETTERS[:len(q.choices)])
            return Prediction(name, f"✎ {name}: answer with one of the letters {letters} "
                                    f"(or a choice's text); got {answer!r}.", "malformed")
        right = given == q.answer
        said = f"({given}) {q.choices[LETTERS.index(given)]}"
    else:
        if isinstance(answer, bool) or not isinstance(answer, numbers.Real):
            try:
                answer = float(str(answer).replace(",", ""))
            except ValueError:
                return Prediction(name, f"✎ {name}: answer with a number, "
                                        f"exercises.predict('{name}', your number); got "
                                        f"{answer!r}.",
                                  "malformed")
        right = abs(float(answer) - float(q.answer)) <= q.tolerance
        said = f"{answer:g}" if isinstance(answer, float) else str(answer)
    if right:
        return Prediction(name, f"✓ Right: {said}. {q.explanation}", "right")
    return Prediction(name, f"✗ Not quite: you said {said}. {q.explanation}", "wrong")


def _q(name, text, *, choices=(), answer, tolerance=0.0, explanation) -> Question:
    return Question(name, text, tuple(choices), answer, tolerance, explanation)


#: every question, in the order of the notebooks
QUESTIONS: dict[str, Question] = {q.name: q for q in [
    # 01
    _q("xor_perceptron", "The perceptron trains on XOR for 200 epochs, from five random starts. "
       "Will some epoch end without a mistake?",
       choices=("yes, after enough epochs", "yes, with a small enough eta", "never"),
       answer="c", explanation="No line separates XOR's classes, so every epoch makes at least "
       "one mistake: the printout shows the fewest mistakes in any epoch is 1 for all five "
       "starts, and the inequalities on the next slide prove it."),
    # 02
    _q("depth_or_width", "Same 177 weights: one hidden layer of 44 tanh units, or three layers "
       "of 8. Which reaches 95% training accuracy on the spirals in fewer epochs?",
       choices=("one layer of 44", "three layers of 8", "about the same"),
       answer="b", explanation="Look at the printed epochs for seeds 2-5: three layers of 8 "
       "are faster for every seed (253-746 against 889-1041 epochs)."),
    # 03
    _q("eta_above_boundary", "Gradient descent on L(w) = 2 w^2 (curvature kappa = 4) from "
       "w = 1 with eta = 0.51, just above 2/kappa = 0.5. After 30 steps, |w| is ...",
       choices=("below 1 (converging slowly)", "about 1", "above 1 (diverging)"),
       answer="c", explanation="The factor 1 - eta kappa = -1.04 has |.| > 1: each step "
       "overshoots a little further. The table prints |w_30| = 3.24 for eta = 0.51, and 0.294 "
       "for eta = 0.49."),
    # 04
    _q("stride_output_size", "A 7x7 input, a 3x3 kernel, stride 2, no padding: how many "
       "outputs per side?", answer=3, explanation="floor((7 + 0 - 3) / 2) + 1 = 3: the kernel "
       "sits at rows 0-2, 2-4 and 4-6. Check it with conv.conv_output_size(7, 3, 2) or in "
       "the stride explorer."),
    _q("shift_accuracy", "The digit CNN scores 94.8% on centred test digits. Shift every test "
       "digit 1 pixel sideways: its accuracy will be about ...",
       choices=("still about 95% (pooling makes it invariant)", "about 60%", "about 10%"),
       answer="b", explanation="The table prints 57.6% for 1 px sideways: 2x2 pooling absorbs a "
       "maximum moving inside its window, not one crossing a window border."),
    # 05
    _q("gradient_50_steps", "A fresh RNN and a fresh LSTM (forget-gate bias 1), 60 steps. "
       "Which keeps more of the gradient 50 steps back?",
       choices=("the RNN", "the LSTM", "about the same"),
       answer="b", explanation="Through the RNN each step back multiplies by W_h^T and "
       "tanh' <= 1, and the gradient falls by orders of magnitude (2.4e-10 at 50 steps); "
       "along the LSTM's memory lane it is multiplied by f_t only (1.4e-3 at 50 steps with "
       "b_f = 1). See the curves of section 4."),
    # 06
    _q("linear_autoencoder_pca", "A linear autoencoder with a code of 2 numbers, trained to "
       "its minimum on the centred digits. Its decoder's two directions span ...",
       choices=("the same plane as PCA's first two components",
                "a different plane, as good for reconstruction",
                "the plane of the two most common digits"),
       answer="a", explanation="Its loss is PCA's: the best rank-2 projection. The printed "
       "largest principal angle between the two planes is 1.3e-05 rad."),
    _q("cartpole_seeds", "The DQN trains on cart-pole for up to 600 episodes, five seeds. "
       "How many will reach a mean return of 195 over 100 episodes?", answer=5,
       explanation="The printout lists each seed: all five are solved, within 131-195 "
       "episodes. With other settings (a Huber loss, slower exploration decay) some seeds "
       "took many more episodes."),
]}
