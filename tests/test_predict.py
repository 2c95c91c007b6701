r"""Predict, then run: the question shows without its answer; right, wrong and malformed answers."""

import pytest

from course_lib.exercises import questions
from course_lib.exercises.questions import QUESTIONS, predict


def test_asking_shows_the_question_and_how_to_answer_never_the_explanation():
    for name, q in QUESTIONS.items():
        shown = predict(name)
        assert shown.state == "asked" and q.text in shown.message
        assert f"exercises.predict('{name}'," in shown.message
        assert q.explanation not in shown.message
        # the example of how to answer is a placeholder, never an answer (right or wrong)
        assert (f"exercises.predict('{name}', your " in shown.message
                or f"exercises.predict('{name}', 'your " in shown.message)
        assert repr(shown) == str(shown) == shown.message


@pytest.mark.parametrize("name", [n for n, q in QUESTIONS.items() if q.choices])
def test_a_choice_by_letter_or_by_text(name):
    q = QUESTIONS[name]
    right_text = q.choices[questions.LETTERS.index(q.answer)]
    for answer in (q.answer, q.answer.upper(), f"({q.answer})", right_text):
        result = predict(name, answer)
        assert result.state == "right" and result.message.startswith("✓ Right")
        assert q.explanation in result.message
    wrong = next(c for c in questions.LETTERS[:len(q.choices)] if c != q.answer)
    result = predict(name, wrong)
    assert result.state == "wrong" and result.message.startswith("✗ Not quite: you said")
    assert q.explanation in result.message


@pytest.mark.parametrize("name", [n for n, q in QUESTIONS.items() if not q.choices])
def test_a_number(name):
    q = QUESTIONS[name]
    assert predict(name, q.answer).state == "right"
    assert predict(name, str(q.answer)).state == "right"
    assert predict(name, q.answer + q.tolerance + 1).state == "wrong"


def test_malformed_answers_are_told_what_would_work_and_reveal_nothing():
    choice = next(n for n, q in QUESTIONS.items() if q.choices)
    number = next(n for n, q in QUESTIONS.items() if not q.choices)
    for name, answer, says in ((choice, "z", "one of the letters"),
                               (choice, 3, "one of the letters"),
                               (number, "many", "answer with a number"),
                               (number, True, "answer with a number")):
        result = predict(name, answer)
        assert result.state == "malformed" and says in result.message
        assert QUESTIONS[name].explanation not in result.message


def test_an_unknown_question_names_the_questions():
    with pytest.raises(ValueError, match="the questions are"):
        predict("no such question")


def test_html_keeps_the_lines():
    html = predict("xor_perceptron")._repr_html_()
    assert "<br>" in html and "(a)" in html
