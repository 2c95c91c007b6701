r"""Multilayer perceptrons and backpropagation (lecture, "Backpropagation" to
"Backpropagation algorithm").

net = o_prev @ W + b, o = f(net); dW = o_prev.T @ delta (eq. 7); the hidden delta
is (delta_next @ W_next.T) * f'(net). Every gradient is checked against centred
finite differences of the loss.
"""

import numpy as np
import pytest

from course_lib.activations import get_activation, sigmoid
from course_lib.datasets import logic_gate
from course_lib.gradcheck import check_gradient, relative_error
from course_lib.losses import one_hot, softmax
from course_lib.mlp import MLP, dense_backward, dense_forward
from course_lib.training import train

ACTIVATIONS = ["sigmoid", "tanh", "relu", "leaky_relu", "elu", "linear"]
OUTPUTS = {"binary": 1, "multiclass": 3, "regression": 2}  # output kind -> n_out
WIDTHS = [4, 3, 4]  # hidden widths; depth d uses the first d
N_IN, N = 3, 5


def rng(seed=0):
    return np.random.default_rng(seed)


def targets(output, n=N, seed=1):
    if output == "regression":
        return rng(seed).normal(size=(n, OUTPUTS[output]))
    classes = 2 if output == "binary" else OUTPUTS[output]
    return rng(seed).integers(0, classes, n)


def make_model(depth, activation, output, dtype=np.float64):
    r"""A small model whose biases are random and non-zero (so no net sits on a kink at 0)."""
    model = MLP(N_IN, WIDTHS[:depth], OUTPUTS[output], activation=activation, output=output,
                rng=rng(0), dtype=dtype)
    biases = rng(2)
    for name, value in model.params.items():
        if name.startswith("b"):
            value[...] = biases.normal(0.0, 0.5, value.shape)
    return model


def hidden_nets(model, X):
    r"""net_l of every hidden layer, recomputed from the parameters."""
    f, _ = get_activation(model.activation)
    o, nets = X, []
    for l in range(1, model.n_layers):
        net, _ = dense_forward(o, model.params[f"W{l}"], model.params[f"b{l}"])
        nets.append(net)
        o = f(net)
    return nets


# --- one dense layer ---------------------------------------------------------------------------


def test_dense_forward_is_o_prev_W_plus_b():
    o_prev, W, b = np.array([[0.5, 0.1]]), np.array([[1.0, -2.0], [3.0, 4.0]]), np.array([0.5, 1])
    net, cache = dense_forward(o_prev, W, b)
    np.testing.assert_allclose(net, [[0.5 + 0.3 + 0.5, -1.0 + 0.4 + 1.0]], rtol=1e-15)
    assert cache.o_prev is o_prev and cache.W is W


@pytest.mark.parametrize("wrt", ["o_prev", "W", "b"])
def test_dense_backward_matches_centred_differences(wrt):
    values = {"o_prev": rng(1).normal(size=(N, 3)), "W": rng(2).normal(size=(3, 4)),
              "b": rng(3).normal(size=4)}
    G = rng(4).normal(size=(N, 4))  # upstream gradient dL/dnet of the loss L = sum(G * net)

    def loss(_):
        return np.sum(G * dense_forward(values["o_prev"], values["W"], values["b"])[0])

    _, cache = dense_forward(values["o_prev"], values["W"], values["b"])
    grads = dict(zip(["o_prev", "W", "b"], dense_backward(G, cache), strict=True))
    assert grads[wrt].shape == values[wrt].shape
    assert check_gradient(loss, values[wrt], grads[wrt]) < 1e-7


def test_dense_shapes_are_checked():
    with pytest.raises(ValueError, match=r"\(5, 2\).*\(3, 4\)"):
        dense_forward(np.zeros((5, 2)), np.zeros((3, 4)), np.zeros(4))
    with pytest.raises(ValueError, match=r"b \(3,\)"):
        dense_forward(np.zeros((5, 3)), np.zeros((3, 4)), np.zeros(3))
    _, cache = dense_forward(np.zeros((5, 3)), np.zeros((3, 4)), np.zeros(4))
    with pytest.raises(ValueError, match=r"\(5, 4\).*\(4, 5\)"):
        dense_backward(np.zeros((4, 5)), cache)


# --- backpropagation through a whole network ---------------------------------------------------


@pytest.mark.parametrize("output", list(OUTPUTS))
@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize("depth", [0, 1, 2, 3])
def test_backprop_matches_centred_differences(depth, activation, output):
    model = make_model(depth, activation, output)
    X, y = rng(3).normal(size=(N, N_IN)), targets(output)
    # keep every hidden net away from the kinks of relu and leaky_relu at 0
    assert all(np.min(np.abs(net)) > 1e-3 for net in hidden_nets(model, X))
    _, grads = model.loss_and_gradients(X, y)
    assert set(grads) == set(model.params)
    for name, w in model.params.items():
        assert grads[name].shape == w.shape
        error = check_gradient(lambda _: model.loss(X, y), w, grads[name])
        assert error < 1e-7, f"{name}: relative error {error:.1e}"


@pytest.mark.parametrize("output", list(OUTPUTS))
def test_lecture_delta_rule_for_one_hidden_sigmoid_layer(output):
    # lecture: dL/dw_ij = delta_j o_i (eq. 7), output delta y_hat - y (here / N),
    # hidden delta (sum_l w_jl delta_l) o_j (1 - o_j)
    model = MLP(2, [2], OUTPUTS[output], activation="sigmoid", output=output, rng=rng(0))
    X = np.vstack([[0.5, 0.1], rng(1).normal(size=(3, 2))])  # the lecture's x first
    y = targets(output, n=4)
    _, grads = model.loss_and_gradients(X, y)

    W1, b1, W2 = model.params["W1"], model.params["b1"], model.params["W2"]
    o_h = sigmoid(X @ W1 + b1)
    net_out = o_h @ W2 + model.params["b2"]
    if output == "binary":
        y_hat, target = sigmoid(net_out), y[:, None]
    elif output == "multiclass":
        y_hat, target = softmax(net_out), one_hot(y, 3)
    else:
        y_hat, target = net_out, y
    delta_out = (y_hat - target) / len(X)
    delta_hidden = (delta_out @ W2.T) * o_h * (1 - o_h)

    np.testing.assert_allclose(grads["W2"], o_h.T @ delta_out, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(grads["b2"], delta_out.sum(axis=0), rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(grads["W1"], X.T @ delta_hidden, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(grads["b1"], delta_hidden.sum(axis=0), rtol=1e-12, atol=1e-15)


def test_shapes_and_counts():
    model = MLP(2, [4, 3], 1, rng=rng())
    assert model.depth == 2 and model.n_layers == 3
    assert {k: v.shape for k, v in model.params.items()} == {
        "W1": (2, 4), "b1": (4,), "W2": (4, 3), "b2": (3,), "W3": (3, 1), "b3": (1,)}
    assert model.n_weights == 2 * 4 + 4 + 4 * 3 + 3 + 3 * 1 + 1
    X = np.zeros((7, 2))
    assert model.forward(X).shape == (7, 1)
    assert model.predict_proba(X).shape == (7,)
    assert [o.shape for o in model.hidden_outputs(X)] == [(7, 4), (7, 3)]


@pytest.mark.parametrize("output", list(OUTPUTS))
@pytest.mark.parametrize("activation", ["tanh", "relu"])
def test_float32_model_stays_float32_and_agrees_with_float64(activation, output):
    X, y = rng(3).normal(size=(N, N_IN)), targets(output)
    model32 = make_model(2, activation, output, dtype=np.float32)
    model64 = make_model(2, activation, output)
    L32, grads32 = model32.loss_and_gradients(X, y)
    L64, grads64 = model64.loss_and_gradients(X, y)
    assert L32 == pytest.approx(L64, rel=1e-5)
    for name in model64.params:
        assert model32.params[name].dtype == np.float32
        assert grads32[name].dtype == np.float32
        assert relative_error(grads32[name], grads64[name]) < 1e-5


# --- training on XOR (lecture, "1970s: XOR problem") -------------------------------------------


def test_hidden_layer_learns_xor():
    X, y = logic_gate("XOR")
    model = MLP(2, [4], 1, activation="tanh", output="binary", rng=rng(0))
    history = train(model, X, y, epochs=400, eta=0.5, batch_size=None, rng=rng(1))
    accuracy = np.array(history.train_accuracy)
    first = int(np.argmax(accuracy == 1.0)) + 1
    assert accuracy[first - 1] == 1.0
    assert first <= 200  # measured: 100 % first reached at epoch 126
    assert np.all(accuracy[first - 1:] == 1.0)
    assert model.predict(X).tolist() == [0, 1, 1, 0]


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_no_hidden_layer_never_exceeds_three_of_four_on_xor(seed):
    X, y = logic_gate("XOR")
    model = MLP(2, [], 1, output="binary", rng=rng(seed))
    history = train(model, X, y, epochs=300, eta=0.5, rng=rng(1))
    assert max(history.train_accuracy) <= 0.75


# --- bad input ---------------------------------------------------------------------------------


def test_X_with_wrong_number_of_columns_names_the_shapes():
    model = MLP(2, [3], 1, rng=rng())
    with pytest.raises(ValueError, match=r"\(4, 3\).*\(N, 2\)"):
        model.loss(np.zeros((4, 3)), np.zeros(4, dtype=int))


@pytest.mark.parametrize(
    ("output", "y", "message"),
    [
        ("binary", np.zeros(3, dtype=int), r"\(3,\).*\(4,\)"),
        ("multiclass", np.zeros((4, 1), dtype=int), r"\(4, 1\).*\(4,\)"),
        ("regression", np.zeros(4), r"\(4,\).*\(4, 2\)"),
    ],
)
def test_y_of_wrong_shape_names_the_shapes(output, y, message):
    model = MLP(2, [3], OUTPUTS[output], output=output, rng=rng())
    with pytest.raises(ValueError, match=message):
        model.loss(np.zeros((4, 2)), y)


@pytest.mark.parametrize(
    ("output", "y", "classes"),
    [
        ("binary", [0, 1, 2, 1], r"0\.\.1"),
        ("binary", [0, 1, -1, 1], r"0\.\.1"),
        ("binary", [0, 1, 0.5, 1], r"0\.\.1"),
        ("binary", [0, 1, np.nan, 1], r"0\.\.1"),
        ("multiclass", [0, 1, 3, 2], r"0\.\.2"),
    ],
)
def test_labels_outside_the_classes(output, y, classes):
    model = MLP(2, [3], OUTPUTS[output], output=output, rng=rng())
    with pytest.raises(ValueError, match=classes):
        model.loss(np.zeros((4, 2)), np.array(y))


def test_label_error_shows_the_wrong_label():
    model = MLP(2, [3], 10, output="multiclass", rng=rng())
    with pytest.raises(ValueError, match="12"):
        model.loss(np.zeros((11, 2)), np.array([*range(10), 12]))


@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_non_finite_X_or_y_names_the_shape(bad):
    model = MLP(2, [3], 1, output="regression", rng=rng())
    X, y = np.zeros((4, 2)), np.zeros(4)
    with pytest.raises(ValueError, match=r"X \(shape \(4, 2\)\).*finite"):
        model.loss(np.where(X == 0, bad, X), y)
    with pytest.raises(ValueError, match=r"y \(shape \(4,\)\).*finite"):
        model.loss(X, np.full(4, bad))


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"activation": "softmax"}, "unknown activation 'softmax'"),
        ({"output": "ranking"}, "unknown output 'ranking'.*regression, binary, multiclass"),
        ({"output": "binary", "n_out": 2}, "n_out=2"),
        ({"output": "multiclass", "n_out": 1}, "K >= 2"),
        ({"hidden": [3, 0]}, "hidden width"),
    ],
)
def test_bad_settings_raise_value_error(kwargs, message):
    with pytest.raises(ValueError, match=message):
        MLP(2, **{"hidden": [3], **kwargs}, rng=rng())


@pytest.mark.parametrize("bad_rng", [None, 0, np.random.RandomState(0)])
def test_rng_must_be_a_generator(bad_rng):
    with pytest.raises(TypeError, match="numpy.random.Generator"):
        MLP(2, [3], 1, rng=bad_rng)


def test_backward_needs_a_forward_pass_first():
    with pytest.raises(ValueError, match="forward"):
        MLP(2, [3], 1, rng=rng()).backward(np.zeros((4, 1)))


def test_hidden_given_as_a_number_gets_a_hint():
    with pytest.raises(TypeError, match=r"e\.g\. \[4\]"):
        MLP(2, 4, 1, rng=np.random.default_rng(0))
