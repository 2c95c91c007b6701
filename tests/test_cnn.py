r"""The small CNN: gradients by finite differences, training on strokes, freezing for transfer."""

import numpy as np
import pytest

from course_lib import images, optim
from course_lib.cnn import CNN
from course_lib.gradcheck import numerical_gradient, relative_error
from course_lib.training import train


@pytest.fixture
def model():
    m = CNN((1, 8, 8), (3, 4), 4, rng=np.random.default_rng(0))
    for name, value in m.params.items():
        if name.startswith("b"):
            value[...] = np.random.default_rng(1).normal(0, 0.1, value.shape)  # away from kinks
    return m


def test_every_gradient_against_finite_differences(model):
    X, y = images.strokes(3, np.random.default_rng(2), size=8)
    _, grads = model.loss_and_gradients(X, y)
    grads = {k: g.copy() for k, g in grads.items()}
    for name, value in model.params.items():
        numeric = numerical_gradient(lambda _: model.loss(X, y), value)
        assert relative_error(grads[name], numeric) < 1e-6, name


def test_frozen_convolutions_get_zero_gradients_and_do_not_move(model):
    X, y = images.strokes(6, np.random.default_rng(3), size=8)
    model.freeze_convolutions()
    before = model.copy_params()
    _, grads = model.loss_and_gradients(X, y)
    assert all(np.all(grads[k] == 0) for k in ("w1", "b1", "w2", "b2"))
    optim.Momentum(0.1, 0.9)(model.params, grads)
    assert all(np.array_equal(before[k], model.params[k]) for k in ("w1", "b1", "w2", "b2"))
    assert not np.array_equal(before["W"], model.params["W"])


def test_it_learns_the_strokes():
    X, y = images.strokes(400, np.random.default_rng(0), noise=0.15)
    X_test, y_test = images.strokes(200, np.random.default_rng(1), noise=0.15)
    model = CNN((1, 16, 16), (6, 12), 4, rng=np.random.default_rng(2))
    history = train(model, X, y, epochs=4, eta=0.05, batch_size=20, X_test=X_test,
                    y_test=y_test, rng=np.random.default_rng(3))
    assert history.test_accuracy[-1] >= 0.9


def test_images_are_deterministic_and_labelled():
    a, ya = images.shapes(10, np.random.default_rng(5))
    b, yb = images.shapes(10, np.random.default_rng(5))
    assert a.shape == (10, 1, 16, 16) and np.array_equal(a, b) and np.array_equal(ya, yb)
    assert set(np.unique(images.strokes(200, np.random.default_rng(0))[1])) == {0, 1, 2, 3}


def test_bad_input_names_the_expected_shape(model):
    with pytest.raises(ValueError, match=r"\(N, 1, 8, 8\)"):
        model.loss(np.zeros((2, 8, 8)), np.array([0, 1]))


def test_stages_are_the_forward_pass(model):
    X, _ = images.strokes(3, np.random.default_rng(4), size=8)
    stages = model.stages(X)
    assert list(stages) == ["conv 1", "pool 1", "conv 2", "pool 2", "logits"]
    assert stages["conv 1"].shape == (3, 3, 8, 8) and stages["pool 1"].shape == (3, 3, 4, 4)
    pooled = stages["conv 1"].reshape(3, 3, 4, 2, 4, 2).max(axis=(3, 5))
    np.testing.assert_allclose(stages["pool 1"], pooled)
    np.testing.assert_allclose(stages["logits"], model.forward(X))


def test_frozen_cnn_with_new_head_equals_a_softmax_layer_on_its_features(model):
    from course_lib.mlp import MLP

    X, y = images.strokes(12, np.random.default_rng(6), size=8)
    y = y % 3
    F = model.features(X)
    model.new_head(3, np.random.default_rng(7))
    model.freeze_convolutions()
    head = MLP(F.shape[1], [], 3, output="multiclass", rng=np.random.default_rng(7))
    np.testing.assert_array_equal(head.params["W1"], model.params["W"])
    for net, inputs in ((model, X), (head, F)):
        train(net, inputs, y, epochs=5, optimizer=optim.Adam(0.01), batch_size=4,
              rng=np.random.default_rng(8), evaluate_training=False)
    np.testing.assert_allclose(head.params["W1"], model.params["W"], rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(head.accuracy(F, y), model.accuracy(X, y))
