r"""Autoencoders (lecture, "(Un)supervised learning": "to find the compact representation of
inputs ... trained using backpropagation with the input itself as target") and PCA.

Every gradient is checked against centred finite differences; a linear autoencoder
is shown to find the subspace of the first k principal components.
"""

import numpy as np
import pytest

from course_lib import optim
from course_lib.autoencoder import Autoencoder, corrupt, pca, principal_angles
from course_lib.gradcheck import check_gradient
from course_lib.training import Trainer, train

D, N = 6, 5


def rng(seed=0):
    return np.random.default_rng(seed)


def inputs(n=N, seed=3):
    return rng(seed).uniform(0.0, 1.0, (n, D))


SETTINGS = [
    {"hidden": [], "activation": "tanh"},
    {"hidden": [4], "activation": "tanh", "output": "sigmoid"},
    {"hidden": [5, 4], "activation": "tanh", "output": "sigmoid", "l2": 0.1},
    {"hidden": [4], "activation": "sigmoid", "output": "sigmoid"},
    {"hidden": [4], "activation": "elu"},
    {"hidden": [4], "linear": True},
]


@pytest.mark.parametrize("settings", SETTINGS, ids=lambda s: "-".join(map(str, s.values())))
def test_backprop_matches_centred_differences(settings):
    settings = dict(settings)
    hidden = settings.pop("hidden")
    model = Autoencoder(D, hidden, 2, rng(1), **settings)
    for name, value in model.params.items():  # non-zero biases: no net sits at 0
        if name.startswith("b"):
            value[...] = rng(2).normal(0.0, 0.5, value.shape)
    X = inputs()
    _, grads = model.loss_and_gradients(X, X)
    grads = {k: v.copy() for k, v in grads.items()}
    for name, value in model.params.items():
        error = check_gradient(lambda _: model.loss_and_gradients(X, X)[0], value, grads[name])
        assert error < 1e-7, f"{name}: relative error {error:.2e}"


def test_sigmoid_output_uses_the_lectures_delta():
    # squared error on a sigmoid output: delta = -(x - x_hat) x_hat (1 - x_hat) / N
    model = Autoencoder(D, [], 3, rng(0), output="sigmoid")
    X = inputs()
    _, grads = model.loss_and_gradients(X, X)
    x_hat = model.reconstruct(X)
    delta = -(X - x_hat) * x_hat * (1 - x_hat) / N
    np.testing.assert_allclose(grads["W2"], model.encode(X).T @ delta, rtol=1e-12)
    assert np.all((x_hat > 0) & (x_hat < 1))


def test_encode_then_decode_is_the_reconstruction():
    model = Autoencoder(D, [5], 3, rng(0))
    X = inputs()
    Z = model.encode(X)
    assert Z.shape == (N, 3) and model.sizes == [D, 5, 3, 5, D]
    np.testing.assert_allclose(model.decode(Z), model.reconstruct(X), rtol=1e-12)
    assert model.loss(X, X) == pytest.approx(0.5 * np.sum((model.reconstruct(X) - X) ** 2) / N)


def test_trains_with_the_input_as_its_own_target():
    X = inputs(100, seed=4)
    model = Autoencoder(D, [], 3, rng(0))
    before = model.loss(X, X)
    history = train(model, X, X, epochs=40, optimizer=optim.Adam(0.02), batch_size=20,
                    rng=rng(1), X_test=X, y_test=X)
    assert history.test_loss[-1] < 0.5 * before
    assert history.train_accuracy[-1] is None  # no labels, no accuracy
    trainer = Trainer(model, X, None, eta=0.1, rng=rng(1))  # a target of None is X itself
    assert trainer.y is trainer.X


def test_corrupt_masks_and_adds_noise_from_the_rng():
    X = np.ones((2000, 10))
    masked = corrupt(X, rng(0), masking=0.3)
    assert set(np.unique(masked)) == {0.0, 1.0}
    assert np.mean(masked == 0) == pytest.approx(0.3, abs=0.02)
    noisy = corrupt(X, rng(0), noise=0.2)
    assert np.std(noisy - X) == pytest.approx(0.2, rel=0.05)
    np.testing.assert_array_equal(corrupt(X, rng(5), 0.2, 0.3), corrupt(X, rng(5), 0.2, 0.3))
    assert np.all(X == 1.0)  # X is not changed


def test_denoising_corrupts_the_input_in_training_only_and_keeps_the_target_clean():
    X = inputs()
    plain = Autoencoder(D, [], 3, rng(0))
    noisy = Autoencoder(D, [], 3, rng(0), noise=0.5, masking=0.2)
    assert noisy.loss_and_gradients(X, X)[0] == plain.loss_and_gradients(X, X)[0]
    corrupted_loss = noisy.loss_and_gradients(X, X, training=True)[0]
    assert corrupted_loss != plain.loss_and_gradients(X, X)[0]
    # the same loss by hand: the corrupted input through the network, the clean X as target
    again = Autoencoder(D, [], 3, rng(0), noise=0.5, masking=0.2)
    X_tilde = corrupt(X, rng(0), 0.5, 0.2)
    x_hat = plain.mlp.forward(X_tilde)
    expected = 0.5 * np.sum((x_hat - X) ** 2) / N
    again.rng = rng(0)
    assert again.loss_and_gradients(X, X, training=True)[0] == pytest.approx(expected)


# --- PCA and the linear autoencoder --------------------------------------------------------------

def test_pca_on_a_hand_made_plane():
    # points spread along e_1 (variance 4) and e_2 (variance 1), none along e_3
    X = np.array([[2, 1, 0], [-2, 1, 0], [2, -1, 0], [-2, -1, 0]], dtype=float) + [5, 5, 5]
    p = pca(X, 2)
    np.testing.assert_allclose(p.mean, [5, 5, 5])
    np.testing.assert_allclose(p.components, [[1, 0], [0, 1], [0, 0]], atol=1e-12)
    np.testing.assert_allclose(p.variances, [16 / 3, 4 / 3])  # sums of squares / (N - 1)
    np.testing.assert_allclose(p.reconstruct(X), X)  # the data lie in the plane
    np.testing.assert_allclose(pca(X, 1).reconstruct(X)[:, 1], 5.0)  # only e_1 is kept


def test_principal_angles_of_hand_made_subspaces():
    e = np.eye(4)
    assert principal_angles(e[:, :2], e[:, :2]) == pytest.approx([0, 0], abs=1e-7)
    # the same plane from other vectors: still no angle
    assert principal_angles(e[:, :2], np.column_stack([e[0] + e[1], e[0] - 3 * e[1]])) == \
        pytest.approx([0, 0], abs=1e-7)
    assert principal_angles(e[:, :2], e[:, 2:]) == pytest.approx([np.pi / 2, np.pi / 2])
    # one shared direction, one at 45 degrees
    B = np.column_stack([e[0], e[1] + e[2]])
    assert principal_angles(e[:, :2], B) == pytest.approx([0, np.pi / 4], abs=1e-7)
    assert principal_angles(e[:, :1], e[:, :3]) == pytest.approx([0], abs=1e-7)


def test_linear_autoencoder_finds_the_principal_subspace():
    # 6-D data with clearly different variances along random orthogonal directions
    Q, _ = np.linalg.qr(rng(0).normal(size=(D, D)))
    X = (rng(1).normal(size=(300, D)) * [3.0, 2.0, 1.0, 0.4, 0.3, 0.2]) @ Q.T + 1.5
    k = 2
    model = Autoencoder(D, [], k, rng(2), linear=True)
    train(model, X - X.mean(axis=0), X - X.mean(axis=0), epochs=300,
          optimizer=optim.Momentum(0.02, 0.9), rng=rng(3), evaluate_training=False)
    angles = principal_angles(model.decoder_directions(), pca(X, k).components)
    assert angles.max() < 0.05, angles
    # and it reconstructs as well as the projection onto the first k components
    p = pca(X, k)
    pca_loss = 0.5 * np.sum((p.reconstruct(X) - X) ** 2) / len(X)
    assert model.loss(X - p.mean, X - p.mean) == pytest.approx(pca_loss, rel=1e-3)


# --- bad input --------------------------------------------------------------------------------

@pytest.mark.parametrize(("args", "kwargs", "error", "message"), [
    ((D, [], 0), {}, ValueError, r"code_size \(units of the code z\) must be an integer >= 1; "
                                 "got 0"),
    ((D, [], 2.5), {}, TypeError, r"code_size .* must be an integer >= 1; got float"),
    ((D, 4, 2), {}, TypeError, r"hidden is a list of widths.*e.g. \[4\]"),
    ((D, [], 2), {"output": "softmax"}, ValueError, "unknown output 'softmax'; choose one of: "
                                                    "linear, sigmoid"),
    ((D, [], 2), {"linear": True, "output": "sigmoid"}, ValueError, "a linear autoencoder has "
                                                                    "a linear output"),
    ((D, [], 2), {"masking": 1.0}, ValueError, r"masking .* in \[0, 1\); got 1.0"),
    ((D, [], 2), {"noise": -0.1}, ValueError, r"noise \(standard deviation\) must be .* >= 0; "
                                              "got -0.1"),
])
def test_bad_settings_say_what_would_work(args, kwargs, error, message):
    with pytest.raises(error, match=message):
        Autoencoder(*args, rng(0), **kwargs)


def test_bad_data_names_the_shapes():
    model = Autoencoder(D, [], 2, rng(0))
    with pytest.raises(ValueError, match=r"X has shape \(5, 4\).*X needs shape \(N, 6\)"):
        model.encode(np.zeros((5, 4)))
    with pytest.raises(ValueError, match=r"target of an autoencoder is the input itself, shape "
                                         r"\(5, 6\); got shape \(5,\)"):
        model.loss_and_gradients(inputs(), np.zeros(5))
    with pytest.raises(ValueError, match=r"Z must have shape \(N, 2\)"):
        model.decode(np.zeros((5, 3)))
    with pytest.raises(ValueError, match="decoder_directions is for a linear autoencoder"):
        model.decoder_directions()


def test_bad_pca_and_angle_input_names_the_values():
    with pytest.raises(ValueError, match=r"k must be at most min\(N, D\) = min\(4, 3\) = 3.*"
                                         "got k = 4"):
        pca(np.zeros((4, 3)), 4)
    with pytest.raises(ValueError, match="linearly dependent"):
        principal_angles(np.ones((4, 2)), np.eye(4)[:, :2])
    with pytest.raises(ValueError, match="same length D"):
        principal_angles(np.eye(4)[:, :2], np.eye(3)[:, :2])
    with pytest.raises(ValueError, match=r"shape \(D, k\) with 1 <= k <= D"):
        principal_angles(np.eye(4)[:2], np.eye(4)[:, :2])
