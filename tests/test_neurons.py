r"""Threshold units: McCulloch-Pitts (1943) and Rosenblatt's perceptron (1958).

Lecture: "1940s: Artificial neuron" (x1 AND NOT x2, weights set by hand),
"1950s: Perceptron" (learnable weights, w^T x) and "1970s: XOR problem".
"""

import numpy as np
import pytest

from course_lib.datasets import GATES, logic_gate
from course_lib.neurons import (
    binary_inputs,
    format_truth_table,
    mcculloch_pitts,
    perceptron_predict,
    perceptron_update,
    threshold_layer,
    train_perceptron,
    truth_table,
)

INPUTS = [[0, 0], [0, 1], [1, 0], [1, 1]]


def test_truth_table_lists_inputs_in_counting_order():
    x, o = truth_table(lambda x: x.sum(axis=1))
    assert x.tolist() == INPUTS
    assert o.tolist() == [0, 1, 1, 2]


@pytest.mark.parametrize("n", [1, 2, 3])
def test_binary_inputs_are_all_patterns_in_counting_order(n):
    x = binary_inputs(n)
    assert x.shape == (2**n, n)
    assert [int("".join(map(str, row)), 2) for row in x] == list(range(2**n))


def test_format_truth_table_has_a_header_and_one_row_per_pattern():
    x = binary_inputs(2)
    text = format_truth_table(x, {"x1 AND NOT x2": mcculloch_pitts(x, [1, -1], 1)})
    lines = text.splitlines()
    assert lines[0].split("|")[-1].strip() == "x1 AND NOT x2"
    assert len(lines) == 2 + 4
    assert [line.split("|")[-1].strip() for line in lines[2:]] == ["0", "0", "1", "0"]


def test_lecture_unit_computes_x1_and_not_x2():
    # excitatory w_1 = +1, inhibitory w_2 = -1, threshold theta = 1
    _, o = truth_table(lambda x: mcculloch_pitts(x, w=[1, -1], theta=1))
    assert o.tolist() == [0, 0, 1, 0]


@pytest.mark.parametrize(
    ("w", "theta", "table"),
    [
        ([1, 1], 2, GATES["AND"]),
        ([1, 1], 1, GATES["OR"]),
        ([-1, -1], -1, GATES["NAND"]),
        ([-1, -1], 0, GATES["NOR"]),
    ],
)
def test_gates_by_choice_of_threshold(w, theta, table):
    _, o = truth_table(lambda x: mcculloch_pitts(x, w, theta))
    assert tuple(o) == table


def test_not_is_one_inhibitory_input():
    o = mcculloch_pitts([[0], [1]], w=[-1], theta=0)
    assert o.tolist() == [1, 0]


def test_two_layers_of_threshold_units_compute_xor():
    # hidden: h1 = x1 OR x2, h2 = x1 AND x2; output: h1 AND NOT h2
    W_hidden, theta_hidden = [[1, 1], [1, 1]], [1, 2]
    W_out, theta_out = [[1], [-1]], [1]
    x, h = truth_table(lambda x: threshold_layer(x, W_hidden, theta_hidden))
    assert h.tolist() == [[0, 0], [1, 0], [1, 0], [1, 1]]
    o = threshold_layer(h, W_out, theta_out)[:, 0]
    assert tuple(o) == GATES["XOR"]


def test_perceptron_predict_is_step_of_w_dot_x():
    w = [-1.5, 1.0, 1.0]  # bias first: fires when x1 + x2 >= 1.5
    assert perceptron_predict(INPUTS, w).tolist() == [0, 0, 0, 1]
    assert perceptron_predict([2.0, -0.5], w).tolist() == [1]  # one point, shape (D,)


def test_update_on_a_misclassified_sample():
    # w^T [1, x] = 0.5 - 1 * 2 + 0 * 3 = -1.5 < 0, so y_hat = 0 but y = 1:
    # w <- w + eta * (1 - 0) * [1, x1, x2] = [0.5, -1, 0] + 0.25 * [1, 2, 3]
    w = perceptron_update([0.5, -1.0, 0.0], x=[2.0, 3.0], y=1, eta=0.25)
    np.testing.assert_allclose(w, [0.75, -0.5, 0.75])


def test_update_leaves_a_correct_sample_alone():
    w = np.array([0.5, -1.0, 0.0])
    np.testing.assert_array_equal(perceptron_update(w, x=[2.0, 3.0], y=0, eta=0.25), w)


# A separating weight vector w* for each gate (bias first), chosen by hand.
SEPARATORS = {"AND": [-1.5, 1, 1], "OR": [-0.5, 1, 1], "NAND": [1.5, -1, -1]}


@pytest.mark.parametrize("gate", SEPARATORS)
def test_perceptron_converges_within_novikoff_bound(gate):
    X, y = logic_gate(gate)
    Xb = np.hstack([np.ones((4, 1)), X])
    w_star = np.array(SEPARATORS[gate], dtype=float)
    sign = 2 * y - 1
    assert np.all(sign * (Xb @ w_star) > 0), "w* must separate the gate"
    R = np.linalg.norm(Xb, axis=1).max()  # sqrt(3)
    gamma = np.min(sign * (Xb @ w_star)) / np.linalg.norm(w_star)
    history = train_perceptron(X, y, eta=1.0, epochs=100)
    assert history.converged_epoch is not None
    assert history.n_updates <= (R / gamma) ** 2
    np.testing.assert_array_equal(perceptron_predict(X, history.w), y)


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("eta", [0.01, 0.1, 1.0])
def test_perceptron_never_learns_xor(seed, eta):
    X, y = logic_gate("XOR")
    history = train_perceptron(X, y, eta, epochs=200, rng=np.random.default_rng(seed))
    assert history.converged_epoch is None
    assert len(history.errors) == 200
    assert np.all(history.errors > 0)


@pytest.mark.parametrize("gate", ["AND", "OR", "NAND", "XOR"])
@pytest.mark.parametrize("eta", [0.1, 0.5, 3.0])
def test_from_zero_weights_eta_only_scales_w(gate, eta):
    X, y = logic_gate(gate)
    runs = [train_perceptron(X, y, rate, 30, w0=np.zeros(3), rng=np.random.default_rng(7))
            for rate in (1.0, eta)]
    np.testing.assert_array_equal(runs[1].errors, runs[0].errors)
    np.testing.assert_allclose(runs[1].weights, eta * runs[0].weights, atol=1e-12)


def test_history_shapes():
    X, y = logic_gate("XOR")
    history = train_perceptron(X, y, epochs=7)
    assert history.weights.shape == (8, 3)  # (E + 1, D + 1): w before and after each epoch
    assert history.errors.shape == (7,)
    np.testing.assert_array_equal(history.weights[0], np.zeros(3))


def test_training_stops_at_the_first_epoch_without_mistakes():
    X, y = logic_gate("AND")
    history = train_perceptron(X, y, epochs=100)
    E = history.converged_epoch
    assert history.errors[-1] == 0 and np.all(history.errors[:-1] > 0)
    assert history.weights.shape == (E + 1, 3)


def test_same_seed_same_history():
    X, y = logic_gate("OR", copies=5, noise=0.1, rng=np.random.default_rng(3))
    a, b = (train_perceptron(X, y, 0.2, 50, rng=np.random.default_rng(11)) for _ in range(2))
    np.testing.assert_array_equal(a.weights, b.weights)
    np.testing.assert_array_equal(a.errors, b.errors)
    assert a.converged_epoch == b.converged_epoch


def test_predict_names_the_wrong_shape():
    with pytest.raises(ValueError, match=r"\(4, 3\)"):
        perceptron_predict(np.zeros((4, 3)), w=[0.0, 1.0, 1.0])


X_AND, Y_AND = logic_gate("AND")


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"eta": 0.0}, ValueError, "eta"),
        ({"eta": -0.1}, ValueError, "eta"),
        ({"rng": 0}, TypeError, "Generator"),
        ({"rng": np.random.RandomState(0)}, TypeError, "Generator"),
        ({"y": [0, 1, 2, 1]}, ValueError, "0 and 1"),
        ({"y": [-1, -1, -1, 1]}, ValueError, "0 and 1"),
        ({"w0": np.zeros(2)}, ValueError, r"shape \(3,\)"),
        ({"X": np.zeros((0, 2)), "y": np.zeros(0)}, ValueError,
         r"no samples \(shape \(0, 2\)\).*at least one"),
    ],
)
def test_train_rejects_bad_input(kwargs, error, message):
    args = {"X": X_AND, "y": Y_AND} | kwargs
    with pytest.raises(error, match=message):
        train_perceptron(**args)


def test_training_runs_the_rule_it_teaches(monkeypatch):
    # train_perceptron calls perceptron_predict and perceptron_update, nothing of its own
    import course_lib.neurons as neurons

    calls = {"predict": 0, "update": 0}
    predict, update = neurons.perceptron_predict, neurons.perceptron_update

    def counting_predict(*args):
        calls["predict"] += 1
        return predict(*args)

    def counting_update(*args):
        calls["update"] += 1
        return update(*args)

    monkeypatch.setattr(neurons, "perceptron_predict", counting_predict)
    monkeypatch.setattr(neurons, "perceptron_update", counting_update)
    history = neurons.train_perceptron(X_AND, Y_AND, eta=0.5, epochs=20)
    assert calls["update"] == history.n_updates > 0  # one update per mistake
    assert calls["predict"] >= 4 * len(history.errors)  # every sample, every epoch


@pytest.mark.parametrize(("eta", "y"), [(0.0, 1), (-1.0, 1), (0.1, 2)])
def test_update_rejects_bad_input(eta, y):
    with pytest.raises(ValueError):
        perceptron_update([0.0, 0.0, 0.0], [1.0, 1.0], y, eta)


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda: threshold_layer(binary_inputs(2), np.ones((2, 2)), [1, 2, 3]), ValueError,
         "one threshold per unit"),
        (lambda: mcculloch_pitts(binary_inputs(2), [1, 1], "one"), TypeError, "theta"),
        (lambda: format_truth_table(binary_inputs(2), {"o": [0, 1]}), ValueError,
         "one output per row"),
        (lambda: perceptron_update([0.0, 0.0, 0.0], [1.0, 1.0, 1.0], 1, 0.5), ValueError,
         "bias w_0"),
    ],
    ids=["theta_shape", "theta_type", "short_column", "x_length"],
)
def test_bad_input_gets_a_message_that_says_what_would_work(call, error, message):
    with pytest.raises(error, match=message):
        call()
