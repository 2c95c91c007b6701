r"""The lecture's forward run, (x, y) = ([0.5, 0.1], 1), through notebook 02's 2-2-1 network.

The numbers below are the ones notebook 02 prints; they are worked out here again
from the library's layers and checked against the delta rule and finite differences.
"""

import numpy as np
import pytest

from course_lib import activations, gradcheck, losses, mlp

X = np.array([[0.5, 0.1]])
Y = np.array([[1.0]])
PARAMS = {"W1": np.array([[0.15, 0.25], [0.20, 0.30]]), "b1": np.array([0.35, 0.35]),
          "W2": np.array([[0.40], [0.45]]), "b2": np.array([0.60])}


def forward(W1, b1, W2, b2):
    net_h, cache_1 = mlp.dense_forward(X, W1, b1)
    o_h = activations.sigmoid(net_h)
    net_o, cache_2 = mlp.dense_forward(o_h, W2, b2)
    loss, dy_hat = losses.squared_error(activations.sigmoid(net_o), Y)
    return loss, net_h, o_h, net_o, cache_1, cache_2, dy_hat


def test_forward_numbers():
    loss, net_h, o_h, net_o, *_ = forward(**PARAMS)
    np.testing.assert_allclose(net_h, [[0.445, 0.505]])
    np.testing.assert_allclose(o_h, [[0.609450, 0.623634]], atol=1e-6)
    assert net_o[0, 0] == pytest.approx(1.124415, abs=1e-6)
    assert activations.sigmoid(net_o)[0, 0] == pytest.approx(0.754807, abs=1e-6)
    assert loss == pytest.approx(0.030060, abs=1e-6)


def test_backward_numbers_follow_the_delta_rule():
    loss, net_h, o_h, net_o, cache_1, cache_2, dy_hat = forward(**PARAMS)
    y_hat = activations.sigmoid(net_o)
    delta_o = -(Y - y_hat) * y_hat * (1 - y_hat)          # output node
    assert delta_o[0, 0] == pytest.approx(-0.045379, abs=1e-6)
    do_h, dW2, db2 = mlp.dense_backward(dy_hat * activations.sigmoid_prime(net_o), cache_2)
    delta_h = (delta_o @ PARAMS["W2"].T) * o_h * (1 - o_h)  # hidden nodes
    np.testing.assert_allclose(delta_h, [[-0.004320, -0.004793]], atol=1e-6)
    _, dW1, db1 = mlp.dense_backward(do_h * activations.sigmoid_prime(net_h), cache_1)
    np.testing.assert_allclose(dW2, o_h.T @ delta_o)       # dL/dw_ij = delta_j o_i
    np.testing.assert_allclose(dW1, X.T @ delta_h)
    assert dW2[0, 0] == pytest.approx(-0.02765609, abs=1e-8)
    assert dW1[0, 0] == pytest.approx(-0.00216022, abs=1e-8)
    analytic = {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}
    params = {k: v.copy() for k, v in PARAMS.items()}
    for name, value in params.items():
        numeric = gradcheck.numerical_gradient(lambda _: forward(**params)[0], value)
        assert gradcheck.relative_error(analytic[name], numeric) < 1e-7, name


def test_one_step_of_gradient_descent_lowers_the_loss():
    loss, *_ = forward(**PARAMS)
    _, net_h, o_h, net_o, cache_1, cache_2, dy_hat = forward(**PARAMS)
    do_h, dW2, db2 = mlp.dense_backward(dy_hat * activations.sigmoid_prime(net_o), cache_2)
    _, dW1, db1 = mlp.dense_backward(do_h * activations.sigmoid_prime(net_h), cache_1)
    grads = {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}
    stepped = {k: v - 0.5 * grads[k] for k, v in PARAMS.items()}
    new_loss = forward(**stepped)[0]
    assert new_loss == pytest.approx(0.028267, abs=1e-6)
    assert new_loss < loss
