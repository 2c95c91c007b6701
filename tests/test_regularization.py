r"""Remedies for overfitting: dropout, L2 weight decay and early stopping."""

import numpy as np
import pytest

from course_lib import datasets, regularization
from course_lib.gradcheck import numerical_gradient, relative_error
from course_lib.mlp import MLP
from course_lib.training import Trainer


def test_dropout_keeps_the_expected_activation():
    o = np.random.default_rng(0).normal(size=(4, 5))
    rng = np.random.default_rng(1)
    draws = np.array([regularization.dropout_forward(o, 0.4, rng)[0] for _ in range(20000)])
    np.testing.assert_allclose(draws.mean(axis=0), o, atol=0.05 * np.abs(o).max())
    kept = np.mean(draws != 0)
    assert kept == pytest.approx(0.6, abs=0.01)


def test_dropout_is_the_identity_at_evaluation():
    o = np.arange(6.0).reshape(2, 3)
    out, cache = regularization.dropout_forward(o, 0.5, np.random.default_rng(0), training=False)
    assert out is o and cache.mask is None
    np.testing.assert_array_equal(regularization.dropout_backward(o, cache), o)


def test_dropout_backward_against_finite_differences_with_a_fixed_mask():
    rng = np.random.default_rng(2)
    o, G = rng.normal(size=(3, 4)), rng.normal(size=(3, 4))
    mask = rng.random((3, 4)) >= 0.3

    def loss(o):
        return float(np.sum(G * regularization.dropout_forward(o, 0.3, mask=mask)[0]))

    _, cache = regularization.dropout_forward(o, 0.3, mask=mask)
    analytic = regularization.dropout_backward(G, cache)
    assert relative_error(analytic, numerical_gradient(loss, o.copy())) < 1e-7


@pytest.mark.parametrize("activation", ["tanh", "relu"])
def test_network_gradients_with_weight_decay_and_dropout(activation):
    rng = np.random.default_rng(3)
    X, y = rng.normal(size=(8, 2)), rng.integers(0, 2, 8)
    model = MLP(2, [5, 4], 1, activation=activation, rng=np.random.default_rng(4),
                l2=0.1, dropout=0.3)
    for k, v in model.params.items():
        if k.startswith("b"):
            v[...] = rng.normal(size=v.shape)  # keeps relu's kinks away from net = 0
    masks = [rng.random((8, 5)) >= 0.3, rng.random((8, 4)) >= 0.3]
    _, grads = model.loss_and_gradients(X, y, training=True, masks=masks)
    grads = {k: g.copy() for k, g in grads.items()}
    for name, value in model.params.items():
        numeric = numerical_gradient(
            lambda _: model.loss_and_gradients(X, y, training=True, masks=masks)[0], value)
        assert relative_error(grads[name], numeric) < 1e-7, name


def test_l2_penalty_and_gradient_by_hand():
    params = {"W1": np.array([[1.0, -2.0]]), "b1": np.array([3.0])}
    assert regularization.l2_penalty(params, 0.5) == pytest.approx(0.25 * (1 + 4))
    grads = regularization.l2_gradient(params, 0.5)
    np.testing.assert_allclose(grads["W1"], [[0.5, -1.0]])
    np.testing.assert_allclose(grads["b1"], [0.0])  # biases are not decayed


def test_early_stopping_restores_the_best_epochs_weights():
    X, y = datasets.xor_blobs(60, np.random.default_rng(0), noise=0.4)
    X_tr, y_tr, X_va, y_va = datasets.train_test_split(X, y, 0.5, np.random.default_rng(1))
    model = MLP(2, [32, 32], 1, rng=np.random.default_rng(2))
    trainer = Trainer(model, X_tr, y_tr, eta=0.5, batch_size=5, X_test=X_va, y_test=y_va,
                      rng=np.random.default_rng(3), patience=20)
    snapshots = {}
    while trainer.run_epoch():
        snapshots[trainer.history.epochs] = model.copy_params()
    h = trainer.history
    assert h.stopped_early_at is not None and h.stopped_early_at == h.best_epoch + 20
    assert h.best_epoch == int(np.argmin(h.test_loss)) + 1
    assert "early stopping at epoch" in h.message
    for k, v in model.params.items():
        np.testing.assert_array_equal(v, snapshots[h.best_epoch][k])
    assert model.loss(X_va, y_va) == pytest.approx(min(h.test_loss))


@pytest.mark.parametrize(("call", "error", "message"), [
    (lambda: regularization.dropout_forward(np.ones(3), 1.0), ValueError, r"\[0, 1\)"),
    (lambda: regularization.dropout_forward(np.ones(3), -0.1), ValueError, ">= 0"),
    (lambda: MLP(2, [3], rng=np.random.default_rng(0), dropout=1.2), ValueError, r"\[0, 1\)"),
    (lambda: MLP(2, [3], rng=np.random.default_rng(0), l2=-1.0), ValueError, ">= 0"),
    (lambda: Trainer(MLP(2, [3], rng=np.random.default_rng(0)), np.zeros((4, 2)),
                     np.array([0, 1, 0, 1]), eta=0.1, rng=np.random.default_rng(0),
                     patience=5), ValueError, "X_test"),
])
def test_bad_input(call, error, message):
    with pytest.raises(error, match=message):
        call()
