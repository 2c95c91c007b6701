r"""Loss functions L and their gradients (lecture, "Measuring the error").

Every gradient is checked against centred finite differences; the stable forms
on the net input give the output delta dL/dnet = (y_hat - y) / N.
"""

import warnings
from contextlib import contextmanager

import numpy as np
import pytest

from course_lib.activations import sigmoid
from course_lib.gradcheck import check_gradient
from course_lib.losses import (
    binary_cross_entropy,
    cross_entropy,
    log_softmax,
    one_hot,
    sigmoid_binary_cross_entropy,
    softmax,
    softmax_cross_entropy,
    squared_error,
)

N, K = 6, 4


def rng(seed=0):
    return np.random.default_rng(seed)


def labels(n=N, k=K, seed=0):
    return rng(seed).integers(0, k, n)


@contextmanager
def strict_floats():
    r"""Every warning and every floating-point problem except underflow becomes an error."""
    with warnings.catch_warnings(), np.errstate(all="raise", under="ignore"):
        warnings.simplefilter("error")
        yield


# --- gradients against centred finite differences --------------------------------------------


@pytest.mark.parametrize("shape", [(N,), (N, 3)])
def test_squared_error_gradient(shape):
    y_hat, y = rng(1).normal(size=shape), rng(2).normal(size=shape)
    _, dy_hat = squared_error(y_hat, y)
    assert check_gradient(lambda v: squared_error(v, y)[0], y_hat, dy_hat) < 1e-7


def test_binary_cross_entropy_gradient():
    p = rng(1).uniform(0.05, 0.95, N)
    y = labels(k=2).astype(float)
    _, dp = binary_cross_entropy(p, y)
    assert check_gradient(lambda v: binary_cross_entropy(v, y)[0], p, dp) < 1e-7


def test_sigmoid_binary_cross_entropy_gradient():
    net = rng(1).normal(0.0, 3.0, N)
    y = labels(k=2)
    _, dnet = sigmoid_binary_cross_entropy(net, y)
    assert check_gradient(lambda v: sigmoid_binary_cross_entropy(v, y)[0], net, dnet) < 1e-7


def test_cross_entropy_gradient():
    # L is defined for any positive P, so perturbing single entries of P is fine.
    P = softmax(rng(1).normal(size=(N, K)))
    y = labels()
    _, dP = cross_entropy(P, y)
    assert check_gradient(lambda v: cross_entropy(v, y)[0], P, dP) < 1e-7


def test_softmax_cross_entropy_gradient():
    net = rng(1).normal(0.0, 3.0, (N, K))
    y = labels()
    _, dnet = softmax_cross_entropy(net, y)
    assert check_gradient(lambda v: softmax_cross_entropy(v, y)[0], net, dnet) < 1e-7


# --- the output delta is y_hat - y -------------------------------------------------------------


def test_sigmoid_bce_delta_is_y_hat_minus_y():
    net, y = rng(1).normal(0.0, 3.0, N), labels(k=2)
    _, dnet = sigmoid_binary_cross_entropy(net, y)
    np.testing.assert_array_equal(dnet, (sigmoid(net) - y) / N)


def test_softmax_ce_delta_is_y_hat_minus_y():
    net, y = rng(1).normal(0.0, 3.0, (N, K)), labels()
    _, dnet = softmax_cross_entropy(net, y)
    np.testing.assert_allclose(dnet, (softmax(net) - one_hot(y, K)) / N, rtol=0, atol=1e-16)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_sigmoid_bce_equals_bce_of_sigmoid(seed):
    net, y = rng(seed).normal(0.0, 3.0, N), labels(k=2, seed=seed)
    assert sigmoid_binary_cross_entropy(net, y)[0] == pytest.approx(
        binary_cross_entropy(sigmoid(net), y)[0], rel=1e-12)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_softmax_ce_equals_ce_of_softmax(seed):
    net, y = rng(seed).normal(0.0, 3.0, (N, K)), labels(seed=seed)
    assert softmax_cross_entropy(net, y)[0] == pytest.approx(
        cross_entropy(softmax(net), y)[0], rel=1e-12)


@pytest.mark.parametrize(("y_hat", "y"), [(0.3, 1.0), (2.5, -1.0), (4.0, 4.0)])
def test_lecture_squared_error_for_one_sample(y_hat, y):
    # N = 1: L = 1/2 (y - y_hat)^2, dL/dy_hat = -(y - y_hat)
    L, dy_hat = squared_error(np.array([y_hat]), np.array([y]))
    assert L == pytest.approx(0.5 * (y - y_hat) ** 2, rel=1e-15)
    assert dy_hat.tolist() == [-(y - y_hat)]


def test_losses_average_over_samples():
    # the lecture sums over N; the code divides by N, so repeating the data changes nothing
    net, y = rng(1).normal(size=(N, K)), labels()
    once = softmax_cross_entropy(net, y)[0]
    twice = softmax_cross_entropy(np.vstack([net, net]), np.concatenate([y, y]))[0]
    assert twice == pytest.approx(once, rel=1e-14)


# --- numerical stability -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("net", "y", "loss", "gradient"),
    [
        (1000.0, 1, 0.0, 0.0),  # sure and right
        (-1000.0, 1, 1000.0, -1.0),  # sure and wrong: L = -net
        (1000.0, 0, 1000.0, 1.0),
        (-1000.0, 0, 0.0, 0.0),
    ],
)
def test_sigmoid_bce_is_stable_for_huge_net(net, y, loss, gradient):
    with strict_floats():
        L, dnet = sigmoid_binary_cross_entropy(np.array([net]), np.array([y]))
    assert L == loss
    assert dnet.tolist() == [gradient]


@pytest.mark.parametrize(
    ("y", "loss", "gradient"),
    [
        (0, 0.0, [0.0, 0.0, 0.0]),
        (1, 1000.0, [1.0, -1.0, 0.0]),
        (2, 2000.0, [1.0, 0.0, -1.0]),
    ],
)
def test_softmax_ce_is_stable_for_huge_net(y, loss, gradient):
    with strict_floats():
        L, dnet = softmax_cross_entropy(np.array([[1000.0, 0.0, -1000.0]]), np.array([y]))
    assert L == loss
    assert dnet.tolist() == [gradient]


def test_softmax_and_log_softmax_are_stable_for_huge_net():
    net = np.array([[1000.0, 0.0, -1000.0], [-1000.0, -1000.0, -1000.0]])
    with strict_floats():
        P, log_P = softmax(net), log_softmax(net)
    assert P.tolist() == [[1.0, 0.0, 0.0], [1 / 3, 1 / 3, 1 / 3]]
    assert log_P[0].tolist() == [0.0, -1000.0, -2000.0]
    np.testing.assert_allclose(log_P[1], np.log(1 / 3), rtol=1e-15)


# --- softmax -----------------------------------------------------------------------------------


def test_softmax_rows_are_probabilities():
    P = softmax(rng(1).normal(0.0, 5.0, (N, K)))
    assert P.shape == (N, K)
    assert np.all(P > 0)
    np.testing.assert_allclose(P.sum(axis=1), 1.0, rtol=1e-15)


@pytest.mark.parametrize("c", [-50.0, 3.0, 700.0])
def test_softmax_is_invariant_to_adding_a_constant(c):
    net = rng(1).normal(size=(N, K))
    np.testing.assert_allclose(softmax(net + c), softmax(net), rtol=1e-12)


# --- one_hot -----------------------------------------------------------------------------------


def test_one_hot():
    assert one_hot(np.array([2, 0, 1, 2]), 3).tolist() == [
        [0, 0, 1], [1, 0, 0], [0, 1, 0], [0, 0, 1]]


def test_one_hot_accepts_whole_floats():
    assert one_hot(np.array([1.0, 0.0]), 2).tolist() == [[0, 1], [1, 0]]


# --- bad input ---------------------------------------------------------------------------------


@pytest.mark.parametrize("loss", [squared_error, binary_cross_entropy,
                                  sigmoid_binary_cross_entropy])
def test_mismatched_shapes_name_both(loss):
    with pytest.raises(ValueError, match=r"\(4,\).*\(4, 1\)"):
        loss(np.full(4, 0.5), np.ones((4, 1)))


@pytest.mark.parametrize("loss", [cross_entropy, softmax_cross_entropy])
def test_mismatched_label_count_names_both_shapes(loss):
    with pytest.raises(ValueError, match=r"\(3, 2\).*\(4,\)"):
        loss(np.full((3, 2), 0.5), np.array([0, 1, 0, 1]))


@pytest.mark.parametrize(
    "call",
    [
        lambda y: cross_entropy(np.full((3, 3), 1 / 3), y),
        lambda y: softmax_cross_entropy(np.zeros((3, 3)), y),
        lambda y: one_hot(y, 3),
    ],
    ids=["cross_entropy", "softmax_cross_entropy", "one_hot"],
)
@pytest.mark.parametrize("y", [[0, 1, 3], [-1, 0, 1]])
def test_labels_outside_0_to_K_minus_1(call, y):
    with pytest.raises(ValueError, match=r"0\.\.2"):
        call(np.array(y))


@pytest.mark.parametrize("y", [np.array([0.5, 1.0]), np.array([0, np.nan])])
def test_labels_must_be_whole_numbers(y):
    with pytest.raises(ValueError, match="whole numbers"):
        one_hot(y, 2)


def test_no_samples():
    with pytest.raises(ValueError, match="no samples"):
        squared_error(np.zeros(0), np.zeros(0))



def test_infinite_label_is_a_clean_value_error():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(ValueError, match="whole numbers"):
            one_hot(np.array([0.0, np.inf]), 2)


def test_binary_losses_reject_labels_other_than_0_and_1():
    with pytest.raises(ValueError, match="0 and 1"):
        sigmoid_binary_cross_entropy(np.zeros(3), np.array([0, 1, 2]))
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        binary_cross_entropy(np.array([0.5, 1.5]), np.array([0, 1]))
