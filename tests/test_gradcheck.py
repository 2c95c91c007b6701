r"""Centred finite differences, the referee of every gradient in the course.

dL/dx_k ~ (L(x + h e_k) - L(x - h e_k)) / (2 h), with an O(h^2) error.
"""

import numpy as np
import pytest

from course_lib.gradcheck import (
    check_gradient,
    numerical_derivative,
    numerical_gradient,
    relative_error,
)

RNG = np.random.default_rng(0)
A = RNG.normal(size=(4, 4))


@pytest.mark.parametrize(
    ("f", "gradient", "x"),
    [
        (lambda x: np.sum(x**3), lambda x: 3 * x**2, RNG.normal(size=(3, 4))),
        (lambda x: x @ A @ x, lambda x: (A + A.T) @ x, RNG.normal(size=4)),  # x^T A x
        (lambda x: np.sum(np.sin(x)), np.cos, RNG.normal(size=(2, 3, 2))),
    ],
    ids=["sum_x_cubed", "quadratic_form", "sum_sin"],
)
def test_numerical_gradient_matches_analytic(f, gradient, x):
    numeric = numerical_gradient(f, x)
    assert numeric.shape == x.shape
    assert relative_error(gradient(x), numeric) < 1e-7
    assert check_gradient(f, x, gradient(x)) < 1e-7


@pytest.mark.parametrize(
    "x",
    [np.ones((2, 3)).T, np.arange(12.0).reshape(3, 4)[:, ::2], np.asfortranarray(np.ones((3, 2)))],
    ids=["transposed", "strided", "fortran_order"],
)
def test_numerical_gradient_works_on_non_contiguous_arrays(x):
    # reshape(-1) would copy such arrays and nudge the copy: the gradient would be all zeros
    assert relative_error(2 * x, numerical_gradient(lambda x: np.sum(x**2), x)) < 1e-7


def test_x_is_restored_after_the_call():
    x = np.random.default_rng(1).normal(size=(3, 2))
    before = x.copy()
    numerical_gradient(lambda x: np.sum(x**2), x)
    np.testing.assert_array_equal(x, before)


def test_f_may_read_x_through_a_closure():
    W = np.random.default_rng(2).normal(size=(2, 3))

    def loss(_):
        return np.sum(W**2)

    assert relative_error(2 * W, numerical_gradient(loss, W)) < 1e-7


def test_numerical_derivative_is_element_wise():
    x = np.linspace(-2.0, 2.0, 9)
    assert relative_error(np.exp(x), numerical_derivative(np.exp, x)) < 1e-7


def test_relative_error_properties():
    a, b = np.random.default_rng(3).normal(size=(2, 5))
    assert relative_error(a, a) == 0.0
    assert relative_error(np.zeros(3), np.zeros(3)) == 0.0
    assert relative_error(a, b) == relative_error(b, a)
    assert 0.0 < relative_error(a, b) <= 1.0  # ||a - b|| <= ||a|| + ||b||
    assert relative_error(a, -a) == pytest.approx(1.0)
    assert relative_error(a, a * (1 + 1e-9)) == pytest.approx(5e-10, rel=1e-3)


def test_relative_error_rejects_different_shapes():
    with pytest.raises(ValueError, match=r"\(3,\).*\(1, 3\)"):
        relative_error(np.zeros(3), np.zeros((1, 3)))


@pytest.mark.parametrize("x", [np.arange(4), np.array([True, False]), [1.0, 2.0], 3.0])
def test_numerical_gradient_needs_a_float_array(x):
    with pytest.raises(TypeError, match="float numpy array"):
        numerical_gradient(lambda x: np.sum(x), x)
