r"""Loss surfaces: exact gradients, the minima they claim, and noise like a mini-batch's."""

import numpy as np
import pytest

from course_lib import optim, surfaces
from course_lib.gradcheck import numerical_gradient, relative_error

ALL = [surfaces.ill_conditioned_quadratic(), surfaces.landscape(), surfaces.rosenbrock()]


@pytest.mark.parametrize("surface", ALL, ids=lambda s: s.name)
def test_gradient_matches_finite_differences(surface):
    rng = np.random.default_rng(0)
    for _ in range(5):
        w = rng.uniform([surface.xlim[0], surface.ylim[0]], [surface.xlim[1], surface.ylim[1]])
        numeric = numerical_gradient(lambda w: float(surface.loss(w)), w.copy())
        assert relative_error(surface.grad(w), numeric) < 1e-7


@pytest.mark.parametrize("surface", ALL, ids=lambda s: s.name)
def test_vectorised_over_a_grid(surface):
    grid = np.zeros((3, 4, 2))
    assert surface.loss(grid).shape == (3, 4)
    assert surface.grad(grid).shape == (3, 4, 2)


def test_quadratic_and_rosenbrock_minima_have_zero_gradient():
    for surface in (ALL[0], ALL[2]):
        np.testing.assert_allclose(surface.grad(np.array(surface.minimum)), 0.0, atol=1e-12)


def test_landscape_has_a_global_and_two_local_minima():
    s = surfaces.landscape()
    found = []
    for start in [(1.0, 1.0), (-1.9, -1.6), (-1.0, 1.5)]:
        w = np.array(start)
        for _ in range(3000):
            w = optim.gd_step(w, s.grad(w), 0.05)
        assert np.linalg.norm(s.grad(w)) < 1e-6
        found.append((float(s.loss(w)), tuple(np.round(w, 2))))
    losses = [loss for loss, _ in found]
    assert len({place for _, place in found}) == 3  # three different minima
    assert losses[0] == min(losses)  # the one near surface.minimum is the deepest
    assert np.linalg.norm(np.array(found[0][1]) - s.minimum) < 0.01
    assert np.linalg.norm(s.grad(np.array(s.minimum))) < 1e-9


def test_noisy_gradient_is_unbiased_with_the_given_spread():
    s = surfaces.ill_conditioned_quadratic()
    noisy = surfaces.noisy_gradient(s.grad, 0.5, np.random.default_rng(0))
    w = np.array([1.0, -0.5])
    samples = np.array([noisy(w) for _ in range(4000)])
    np.testing.assert_allclose(samples.mean(axis=0), s.grad(w), atol=0.03)
    np.testing.assert_allclose(samples.std(axis=0), 0.5, atol=0.02)
    assert np.array_equal(surfaces.noisy_gradient(s.grad, 0.0, np.random.default_rng(0))(w),
                          s.grad(w))


def test_bad_input():
    with pytest.raises(ValueError, match=r"\(\.\.\., 2\)"):
        surfaces.rosenbrock().loss(np.zeros(3))
    with pytest.raises(ValueError, match=">= 0"):
        surfaces.noisy_gradient(np.sin, -1.0, np.random.default_rng(0))
    with pytest.raises(TypeError, match="Generator"):
        surfaces.noisy_gradient(np.sin, 1.0, 0)


def test_quadratic_curvature_is_the_largest_hessian_eigenvalue():
    s = surfaces.ill_conditioned_quadratic(a=1.0, b=20.0)
    w, h = np.array([0.3, -0.7]), 1e-5
    # the Hessian by centred differences of the exact gradient, column by column
    hessian = np.stack([(s.grad(w + h * e) - s.grad(w - h * e)) / (2 * h) for e in np.eye(2)],
                       axis=1)
    assert np.allclose(hessian, np.diag([1.0, 20.0]), atol=1e-7)
    assert s.curvature == pytest.approx(np.linalg.eigvalsh(hessian).max())
    assert s.smoothness == s.curvature  # the name optimisation texts use (L-smooth)
    assert surfaces.landscape().curvature is None  # not a constant there
