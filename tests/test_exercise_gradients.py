r"""A student's own backward pass against finite differences of the loss (exercises 02, 05)."""

import numpy as np
import pytest

from course_lib.exercises import EXERCISES, finite_differences, gradients


@pytest.mark.parametrize("name", list(gradients.GRADIENT_EXERCISES))
def test_the_reference_agrees_with_finite_differences(name):
    result = finite_differences(name, EXERCISES[name].reference)
    assert result.passed, result.message
    assert result.message.startswith(f"✓ {name} against finite differences of the loss: ")
    parts = [part for part, _ in gradients.GRADIENT_EXERCISES[name].parts]
    assert all(f"{part} " in result.message for part in parts)


def _mlp_without_the_mean(X, y, W1, b1, W2, b2):
    dW1, db1, dW2, db2 = EXERCISES["mlp_backward"].reference(X, y, W1, b1, W2, b2)
    return dW1 * len(X), db1 * len(X), dW2 * len(X), db2 * len(X)


def _mlp_wrong_hidden_derivative(X, y, W1, b1, W2, b2):
    o = np.tanh(X @ W1 + b1)
    y_hat = 1 / (1 + np.exp(-(o @ W2 + b2)))
    delta = (y_hat - y.reshape(-1, 1)) / len(X)
    delta_hidden = (delta @ W2.T) * o * (1 - o)  # the sigmoid's slope, not tanh's
    return X.T @ delta_hidden, delta_hidden.sum(0), o.T @ delta, delta.sum(0)


def test_a_wrong_backward_pass_is_caught_part_by_part():
    result = finite_differences("mlp_backward", _mlp_without_the_mean)
    assert not result.passed
    assert "dW1, db1, dW2, db2 off" in result.message
    result = finite_differences("mlp_backward", _mlp_wrong_hidden_derivative)
    assert not result.passed
    assert "dW1, db1 off" in result.message  # the output layer's gradients are right


def test_dense_backward_with_db_not_summed_has_the_wrong_shape():
    def dense(dout, X, W, b):
        return dout @ W.T, X.T @ dout, dout
    result = finite_differences("dense_backward", dense)
    assert not result.passed and "db has shape (4, 2), b has (2,)" in result.message


def test_rnn_step_with_the_split_reversed_is_caught():
    def rnn(dh_t, x_t, h_prev, h_t, W, b):
        dx, dh_prev, dW, db = EXERCISES["rnn_step_backward"].reference(dh_t, x_t, h_prev, h_t,
                                                                      W, b)
        return dx, dh_prev * 2, dW, db
    result = finite_differences("rnn_step_backward", rnn)
    assert not result.passed and "dh_prev off" in result.message


def test_not_implemented_an_exception_and_a_wrong_return_are_one_friendly_line():
    def stub(*args):
        raise NotImplementedError()
    assert finite_differences("mlp_backward", stub).message.startswith(
        "✎ mlp_backward: not implemented yet")
    message = finite_differences("mlp_backward", lambda *a: 1 / 0).message
    assert message == "✗ mlp_backward: your function raised ZeroDivisionError: division by zero"
    message = finite_differences("dense_backward", lambda *a: None).message
    assert message == "✗ dense_backward: return the 3 gradients (dX, dW, db) as a tuple"
    with pytest.raises(ValueError, match="there is one for dense_backward"):
        finite_differences("cell_state", lambda *a: None)
