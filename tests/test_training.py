r"""The training loop (lecture, "Minimising the error" and "Stochastic Gradient descent").

Update w <- w - eta dL/dw; one epoch visits every sample once, in mini-batches.
"""

import warnings

import numpy as np
import pytest

from course_lib import optim
from course_lib.datasets import logic_gate
from course_lib.mlp import MLP
from course_lib.training import EarlyStopping, History, Trainer, train


def rng(seed=0):
    return np.random.default_rng(seed)


def xor_model(seed=0):
    return MLP(2, [4], 1, activation="tanh", output="binary", rng=rng(seed))


def test_sgd_step_by_hand():
    W, b = np.array([[1.0, 2.0]]), np.array([0.5])
    params = {"W": W, "b": b}
    optim.SGD(0.5)(params, {"W": np.array([[0.25, -0.5]]), "b": np.array([1.0])})
    # w <- w - eta dL/dw, in place
    assert params["W"] is W and params["b"] is b
    assert W.tolist() == [[1.0 - 0.125, 2.0 + 0.25]]
    assert b.tolist() == [0.0]


def test_history_has_one_entry_per_epoch():
    X, y = logic_gate("XOR", copies=3, noise=0.1, rng=rng(2))
    X_test, y_test = logic_gate("XOR")
    history = train(xor_model(), X, y, epochs=7, eta=0.5, batch_size=4, rng=rng(1),
                    X_test=X_test, y_test=y_test)
    assert isinstance(history, History) and history.message is None
    assert history.epochs == 7
    for record in [history.train_loss, history.test_loss, history.train_accuracy,
                   history.test_accuracy]:
        assert len(record) == 7
        assert all(np.isfinite(record))
    assert all(0 <= a <= 1 for a in history.train_accuracy + history.test_accuracy)


def test_without_test_data_only_training_is_recorded():
    X, y = logic_gate("XOR")
    history = train(xor_model(), X, y, epochs=3, eta=0.5, rng=rng(1))
    assert len(history.train_loss) == len(history.train_accuracy) == 3
    assert history.test_loss == [] and history.test_accuracy == []


def test_recorded_loss_is_the_models_loss_after_the_epoch():
    X, y = logic_gate("XOR")
    model = xor_model()
    history = train(model, X, y, epochs=5, eta=0.5, rng=rng(1))
    assert history.train_loss[-1] == model.loss(X, y)
    assert history.train_accuracy[-1] == model.accuracy(X, y)
    assert history.train_loss[-1] < history.train_loss[0]


def test_trainer_continues_where_it_paused():
    X, y = logic_gate("XOR")
    trainer = Trainer(xor_model(), X, y, eta=0.5, rng=rng(1))
    trainer.run(3)
    trainer.run(2)
    in_one_go = train(xor_model(), X, y, epochs=5, eta=0.5, rng=rng(1))
    assert trainer.history.train_loss == in_one_go.train_loss


def test_same_seeds_give_identical_histories():
    X, y = logic_gate("XOR", copies=3, noise=0.1, rng=rng(2))

    def run(shuffle_seed):
        model = xor_model()
        history = train(model, X, y, epochs=10, eta=0.5, batch_size=2, rng=rng(shuffle_seed))
        return history, model.params

    (h1, p1), (h2, p2), (h3, _) = run(1), run(1), run(3)
    assert h1 == h2
    for name in p1:
        np.testing.assert_array_equal(p1[name], p2[name])
    assert h1.train_loss != h3.train_loss  # the shuffle order matters with mini-batches


def test_plain_eta_is_the_one_sgd():
    X, y = logic_gate("XOR")
    trainer = Trainer(xor_model(), X, y, eta=0.5, rng=rng(1))
    assert isinstance(trainer.optimizer, optim.SGD) and trainer.eta == 0.5
    by_eta = train(xor_model(), X, y, epochs=5, eta=0.5, rng=rng(1))
    by_optimizer = train(xor_model(), X, y, epochs=5, optimizer=optim.SGD(0.5), rng=rng(1))
    assert by_eta == by_optimizer


def test_the_learning_rate_is_given_once():
    X, y = logic_gate("XOR")
    with pytest.raises(ValueError, match="give the learning rate once"):
        Trainer(xor_model(), X, y, eta=0.1, optimizer=optim.Momentum(0.1, 0.9), rng=rng())
    with pytest.raises(TypeError, match="give a learning rate: eta=0.1"):
        Trainer(xor_model(), X, y, rng=rng())
    with pytest.raises(TypeError, match=r"optimizer must be .*optim.Adam\(0.01\).*'adam'"):
        Trainer(xor_model(), X, y, optimizer="adam", rng=rng())
    trainer = Trainer(xor_model(), X, y, optimizer=optim.Momentum(0.3, 0.9), rng=rng())
    assert trainer.eta == 0.3  # read from the optimiser: it lives there only


def test_batch_loss_is_the_mean_of_the_epochs_batch_losses(monkeypatch):
    X = rng(3).normal(size=(10, 2))
    y = np.array([0, 1] * 5)
    model = MLP(2, [3], 1, rng=rng())
    seen = []
    original = model.loss_and_gradients

    def recording(X_batch, y_batch, **kwargs):
        loss, grads = original(X_batch, y_batch, **kwargs)
        seen.append((loss, len(X_batch)))
        return loss, grads

    monkeypatch.setattr(model, "loss_and_gradients", recording)
    history = train(model, X, y, epochs=2, eta=0.1, batch_size=4, rng=rng(1))
    for epoch in range(2):  # batches of 4, 4, 2: weighted by their size
        batches = seen[3 * epoch:3 * epoch + 3]
        expected = sum(loss * n for loss, n in batches) / 10
        assert history.batch_loss[epoch] == pytest.approx(expected, rel=1e-15)
    assert history.epochs == 2


def test_without_evaluating_the_training_set_only_batch_losses_are_kept():
    X, y = logic_gate("XOR", copies=3, noise=0.1, rng=rng(2))
    full = train(xor_model(), X, y, epochs=4, eta=0.5, batch_size=4, rng=rng(1))
    cheap = train(xor_model(), X, y, epochs=4, eta=0.5, batch_size=4, rng=rng(1),
                  evaluate_training=False)
    assert cheap.train_loss == [] and cheap.train_accuracy == []
    assert cheap.batch_loss == full.batch_loss and cheap.epochs == 4  # the same training


def test_clipping_caps_the_step_and_records_the_norm():
    X, y = logic_gate("XOR")
    model = xor_model()
    before = model.copy_params()
    _, grads = xor_model().loss_and_gradients(X, y)
    norm = np.sqrt(sum(np.sum(g * g) for g in grads.values()))
    clip = norm / 10
    history = train(model, X, y, epochs=1, eta=1.0, rng=rng(1), clip=clip)
    assert history.gradient_norm == [pytest.approx(norm)]  # full batch: one norm, before clipping
    step = np.sqrt(sum(np.sum((model.params[k] - before[k]) ** 2) for k in before))
    assert step == pytest.approx(clip)  # eta = 1: the step is the clipped gradient
    assert train(xor_model(), X, y, epochs=1, eta=1.0, rng=rng(1)).gradient_norm == []


def test_early_stopping_rule_by_hand():
    stopper = EarlyStopping(patience=2)
    params = {"w": np.array([1.0])}
    decisions = []
    for epoch, loss in enumerate([0.5, 0.4, 0.45, 0.41, 0.3, 0.35, 0.36], start=1):
        params["w"][0] = epoch
        decisions.append(stopper.update(epoch, loss, params))
    # best at 2, not better at 3 and 4: stop at 4 = 2 + patience; then a new best at 5
    assert decisions == [False, False, False, True, False, False, True]
    assert stopper.best_epoch == 5 and stopper.best_loss == 0.3
    assert stopper.best_params["w"][0] == 5.0  # a copy taken at the best epoch
    with pytest.raises(ValueError, match="patience"):
        EarlyStopping(0)


@pytest.mark.parametrize(("batch_size", "sizes"), [(1, [1] * 6), (4, [4, 2]), (None, [6])])
def test_each_epoch_visits_every_sample_once(monkeypatch, batch_size, sizes):
    X = rng(3).normal(size=(6, 2))
    y = np.array([0, 1, 1, 0, 1, 0])
    model = MLP(2, [3], 1, rng=rng())
    batches = []
    original = model.loss_and_gradients

    def counting(X_batch, y_batch, **kwargs):
        batches.append(X_batch.copy())
        return original(X_batch, y_batch, **kwargs)

    monkeypatch.setattr(model, "loss_and_gradients", counting)
    train(model, X, y, epochs=3, eta=0.1, batch_size=batch_size, rng=rng(1))
    assert [len(b) for b in batches] == sizes * 3
    per_epoch = len(sizes)
    for epoch in range(3):
        seen = np.vstack(batches[epoch * per_epoch:(epoch + 1) * per_epoch])
        np.testing.assert_array_equal(np.sort(seen, axis=0), np.sort(X, axis=0))
        assert len(np.unique(seen, axis=0)) == 6


# --- divergence --------------------------------------------------------------------------------


def test_huge_learning_rate_stops_with_a_message():
    X, y = rng(3).normal(size=(20, 3)), rng(4).normal(size=20)
    model = MLP(3, [6], 1, activation="relu", output="regression", rng=rng())
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no numpy warning may escape
        history = train(model, X, y, epochs=50, eta=1e6, rng=rng(1))
    assert history.message.startswith("diverged at epoch ")
    assert "try a smaller learning rate" in history.message
    stopped_at = int(history.message.split()[3].rstrip(":"))
    assert history.epochs == stopped_at - 1 < 50  # measured: diverges at epoch 25
    assert all(np.isfinite(history.train_loss))


def test_with_clipping_an_overflowing_gradient_still_stops_training():
    X, y = rng(3).normal(size=(20, 3)), rng(4).normal(size=20)
    model = MLP(3, [6], 1, activation="relu", output="regression", rng=rng())
    model.params["W2"][:] = 1e200  # the output overflows: loss and gradients are infinite
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        history = train(model, X, y, epochs=5, eta=0.1, rng=rng(1), clip=1.0)
    assert history.message.startswith("diverged at epoch 1")
    assert history.epochs == 0 and history.gradient_norm == []


def test_a_diverged_trainer_does_no_more_epochs():
    X, y = rng(3).normal(size=(20, 3)), rng(4).normal(size=20)
    model = MLP(3, [6], 1, activation="relu", output="regression", rng=rng())
    trainer = Trainer(model, X, y, eta=1e6, rng=rng(1))
    trainer.run(50)
    assert trainer.stopped
    epochs = trainer.history.epochs
    assert trainer.run_epoch() is False
    assert trainer.run(5).epochs == epochs


def test_no_warning_escapes_when_only_hidden_layers_overflow():
    # relu turns a hidden net of -inf into 0, so the loss stays finite and training goes on
    data = rng(1)
    X, y = data.normal(size=(20, 3)), data.integers(0, 2, 20)
    model = MLP(3, [6, 6, 6], 1, activation="relu", output="binary", rng=rng())
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        train(model, X, y, epochs=30, eta=1e10, rng=rng(1))


# --- bad input ---------------------------------------------------------------------------------


def test_batch_size_larger_than_N_names_the_range():
    X, y = logic_gate("XOR")
    with pytest.raises(ValueError, match="between 1 and N = 4"):
        Trainer(xor_model(), X, y, eta=0.5, batch_size=5, rng=rng())


@pytest.mark.parametrize("batch_size", [0, -1])
def test_batch_size_below_1_names_the_range(batch_size):
    X, y = logic_gate("XOR")
    with pytest.raises(ValueError, match="between 1 and N = 4"):
        Trainer(xor_model(), X, y, eta=0.5, batch_size=batch_size, rng=rng())


@pytest.mark.parametrize("batch_size", [0, -1])
def test_batch_size_below_1_is_a_value_error(batch_size):
    X, y = logic_gate("XOR")
    with pytest.raises(ValueError, match="batch_size must be .*1"):
        Trainer(xor_model(), X, y, eta=0.5, batch_size=batch_size, rng=rng())


@pytest.mark.parametrize("eta", [0.0, -0.1, np.nan, np.inf])
def test_learning_rate_must_be_positive(eta):
    X, y = logic_gate("XOR")
    with pytest.raises(ValueError, match=r"eta \(learning rate\) must be a finite number > 0"):
        Trainer(xor_model(), X, y, eta=eta, rng=rng())


def test_test_data_comes_in_pairs():
    X, y = logic_gate("XOR")
    with pytest.raises(ValueError, match="both X_test and y_test"):
        Trainer(xor_model(), X, y, eta=0.5, rng=rng(), X_test=X)


def test_no_training_samples_is_refused():
    with pytest.raises(ValueError, match=r"no training samples: X has shape \(0, 2\)"):
        Trainer(xor_model(), np.zeros((0, 2)), np.zeros(0, dtype=int), eta=0.5, rng=rng())


@pytest.mark.parametrize("batch_size", [2.5, "4", True])
def test_batch_size_must_be_a_whole_number(batch_size):
    X, y = logic_gate("XOR")
    with pytest.raises(TypeError, match="batch_size must be an integer"):
        Trainer(xor_model(), X, y, eta=0.5, batch_size=batch_size, rng=rng())


@pytest.mark.parametrize("bad_rng", [None, 1, np.random.RandomState(1)])
def test_shuffling_rng_must_be_a_generator(bad_rng):
    X, y = logic_gate("XOR")
    with pytest.raises(TypeError, match="numpy.random.Generator"):
        Trainer(xor_model(), X, y, eta=0.5, rng=bad_rng)


def test_an_empty_test_set_is_refused():
    X, y = logic_gate("XOR")
    with pytest.raises(ValueError, match=r"no test samples: X_test has shape \(0, 2\)"):
        Trainer(xor_model(), X, y, eta=0.5, rng=rng(), X_test=np.zeros((0, 2)),
                y_test=np.zeros(0, dtype=int))


@pytest.mark.parametrize(("optimizer", "match"), [
    (optim.Adam, r"not its class: e.g. Adam\(0.01\)"),
    (lambda params, grads: None, "optimiser of course_lib.optim"),
])
def test_an_optimizer_must_be_an_optimiser_object(optimizer, match):
    X, y = logic_gate("XOR")
    with pytest.raises(TypeError, match=match):
        Trainer(xor_model(), X, y, optimizer=optimizer, rng=rng())


# ---------------------------------------------------------------- wall times (notebook 03)

def test_median_seconds_ignores_one_slow_call():
    import time

    from course_lib.training import median_seconds

    calls = []

    def f():
        calls.append(1)
        if len(calls) == 2:  # one interrupted call
            time.sleep(0.05)

    assert median_seconds(f, repeats=5) < 0.01
    assert len(calls) == 5
    assert median_seconds(lambda: time.sleep(0.002), repeats=3) >= 0.002


def test_median_seconds_rejects_bad_input():
    from course_lib.training import median_seconds

    with pytest.raises(TypeError, match="function of no arguments"):
        median_seconds(3.0)
    with pytest.raises(ValueError, match="repeats must be an integer >= 1"):
        median_seconds(lambda: None, repeats=0)


def _xor_trainer(eta=0.5):
    X, y = logic_gate("XOR")
    return Trainer(xor_model(), X, y, eta=eta, rng=rng(1))


def test_timed_runs_repeat_the_same_numbers_and_take_medians():
    from course_lib.training import TimedRun, timed_runs

    runs = timed_runs({"SGD": _xor_trainer,
                       "momentum": lambda: Trainer(xor_model(), *logic_gate("XOR"),
                                                   optimizer=optim.Momentum(0.5, 0.9),
                                                   rng=rng(1))}, epochs=4, repeats=3)
    assert list(runs) == ["SGD", "momentum"]
    direct = _xor_trainer().run(4)
    for run in runs.values():
        assert isinstance(run, TimedRun)
        assert run.seconds.shape == (4,)
        assert np.all(run.seconds > 0) and np.all(np.diff(run.seconds) > 0)
        assert run.history.epochs == 4
    assert runs["SGD"].history == direct  # the first repeat is an ordinary run
    assert runs["momentum"].history != direct


def test_timed_runs_reject_runs_that_do_not_repeat():
    from course_lib.training import timed_runs

    shared = rng(1)  # one generator for every repeat: each shuffles differently
    X, y = logic_gate("XOR", copies=3, noise=0.1, rng=rng(2))
    with pytest.raises(ValueError, match="computed different numbers"):
        timed_runs({"SGD": lambda: Trainer(xor_model(), X, y, eta=0.5, batch_size=2,
                                           rng=shared)}, epochs=2, repeats=2)
    one = _xor_trainer()
    with pytest.raises(ValueError, match="computed different numbers"):
        timed_runs({"SGD": lambda: one}, epochs=2, repeats=2)


def test_timed_runs_reject_bad_input():
    from course_lib.training import timed_runs

    with pytest.raises(TypeError, match="non-empty dict"):
        timed_runs({}, epochs=2)
    with pytest.raises(TypeError, match="function of no arguments"):
        timed_runs({"SGD": _xor_trainer()}, epochs=2)
    with pytest.raises(TypeError, match="must return a Trainer"):
        timed_runs({"SGD": lambda: 3}, epochs=2)
    with pytest.raises(ValueError, match="repeats must be an integer >= 1"):
        timed_runs({"SGD": _xor_trainer}, epochs=2, repeats=0)
