r"""Activation functions f(net) and their derivatives f'(net).

Lecture, "Activation function": o_j = f(net_j). Backpropagation multiplies by
f'(net_j), so every ``*_prime`` is checked against centred finite differences.
"""

import warnings

import numpy as np
import pytest

from course_lib import activations
from course_lib.activations import ACTIVATIONS, get_activation
from course_lib.gradcheck import numerical_derivative, relative_error

NAMES = ["step", "linear", "sigmoid", "tanh", "relu", "leaky_relu", "elu"]

# 24 points in [-4, 4] that stay well away from the kink at net = 0
# (step, relu, leaky_relu and elu are not differentiable there).
NET = np.concatenate([np.linspace(-4.0, -0.05, 12), np.linspace(0.05, 4.0, 12)])


def test_table_holds_exactly_the_seven_activations():
    assert list(ACTIVATIONS) == NAMES
    for name in NAMES:
        assert ACTIVATIONS[name] == (
            getattr(activations, name), getattr(activations, f"{name}_prime"))


@pytest.mark.parametrize("name", NAMES)
def test_derivative_matches_centred_differences(name):
    f, f_prime = get_activation(name)
    assert relative_error(f_prime(NET), numerical_derivative(f, NET)) < 1e-7


@pytest.mark.parametrize(("name", "alpha"), [("leaky_relu", 0.01), ("leaky_relu", 0.3),
                                             ("elu", 0.5), ("elu", 2.0)])
def test_derivative_with_other_alphas(name, alpha):
    f, f_prime = get_activation(name)
    numeric = numerical_derivative(lambda net: f(net, alpha), NET)
    assert relative_error(f_prime(NET, alpha), numeric) < 1e-7


@pytest.mark.parametrize(
    ("name", "net", "expected"),
    [
        ("sigmoid", 0.0, 0.5),
        ("sigmoid_prime", 0.0, 0.25),  # lecture eq. (4): sigma (1 - sigma) = 0.5 * 0.5
        ("tanh", 0.0, 0.0),
        ("tanh_prime", 0.0, 1.0),
        ("relu", -2.0, 0.0),
        ("relu", 3.0, 3.0),
        ("leaky_relu", -2.0, -0.2),
        ("leaky_relu", 3.0, 3.0),
        ("elu", -50.0, -1.0),  # f(net) -> -alpha as net -> -inf
        ("elu", 3.0, 3.0),
        ("step", 0.0, 1.0),  # the unit fires when net >= 0
        ("step", -1e-9, 0.0),
        ("linear", -2.5, -2.5),
    ],
)
def test_known_values(name, net, expected):
    assert getattr(activations, name)(net) == pytest.approx(expected, abs=1e-15)


def test_elu_saturates_at_minus_alpha():
    assert activations.elu(-50.0, alpha=2.0) == pytest.approx(-2.0)


def test_sigmoid_is_stable_for_huge_inputs():
    with warnings.catch_warnings(), np.errstate(over="raise", divide="raise", invalid="raise"):
        warnings.simplefilter("error")
        out = activations.sigmoid(np.array([-1000.0, 1000.0]))
        slope = activations.sigmoid_prime(np.array([-1000.0, 1000.0]))
    assert np.all(np.isfinite(out))
    assert out.tolist() == [0.0, 1.0]
    assert slope.tolist() == [0.0, 0.0]


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("shape", [(), (5,), (3, 4)])
def test_shape_is_preserved(name, shape):
    net = np.random.default_rng(0).normal(size=shape)
    f, f_prime = get_activation(name)
    assert np.shape(f(net)) == shape
    assert np.shape(f_prime(net)) == shape


@pytest.mark.parametrize("name", NAMES)
def test_float32_stays_float32(name):
    net = np.linspace(-3.0, 3.0, 7, dtype=np.float32)
    f, f_prime = get_activation(name)
    assert f(net).dtype == np.float32
    assert f_prime(net).dtype == np.float32


def test_unknown_name_lists_the_known_ones():
    with pytest.raises(ValueError, match="softmax") as info:
        get_activation("softmax")
    for name in NAMES:
        assert name in str(info.value)


@pytest.mark.parametrize("name", [None, 3, activations.sigmoid])
def test_name_must_be_a_string(name):
    with pytest.raises(TypeError, match="string"):
        get_activation(name)
