r"""Sequence classifier, trained by the one loop, text generation, the sequence data sets, Adam."""

import re

import numpy as np
import pytest

from course_lib import optim, sequence, training
from course_lib import sequence_data as sd
from course_lib.gradcheck import numerical_gradient, relative_error
from course_lib.losses import softmax

# ---------------------------------------------------------------- gradient clipping


def test_clip_gradients_scales_all_gradients_together_above_clip():
    grads = {"a": np.array([3.0, 0.0]), "b": np.array([[4.0]])}  # joint norm 5
    assert optim.clip_gradients(grads, 1.0) == pytest.approx(5.0)
    np.testing.assert_allclose(grads["a"], [0.6, 0.0])  # same direction, norm 1
    np.testing.assert_allclose(grads["b"], [[0.8]])


def test_clip_gradients_leaves_small_gradients_alone():
    grads = {"a": np.array([3.0, 0.0]), "b": np.array([[4.0]])}
    assert optim.clip_gradients(grads, 10.0) == pytest.approx(5.0)
    np.testing.assert_array_equal(grads["a"], [3.0, 0.0])
    np.testing.assert_array_equal(grads["b"], [[4.0]])


@pytest.mark.parametrize("clip", [0.0, -1.0])
def test_clip_must_be_positive(clip):
    with pytest.raises(ValueError, match="clip"):
        optim.clip_gradients({"a": np.ones(2)}, clip)


# ---------------------------------------------------------------- the classifier

N, T, D, H, K = 3, 4, 2, 3, 3


def small_model(cell, output, seed=0):
    rng = np.random.default_rng(seed)
    model = sequence.SequenceClassifier(D, H, K, rng, cell=cell, output=output)
    for w in model.params.values():  # biases away from their initial constants
        w += rng.normal(scale=0.3, size=w.shape)
    return model


@pytest.mark.parametrize("output", ["last", "every"])
@pytest.mark.parametrize("cell", ["lstm", "rnn"])
def test_loss_and_gradients_against_finite_differences(cell, output):
    model = small_model(cell, output)
    rng = np.random.default_rng(1)
    x = rng.normal(size=(N, T, D))
    y = rng.integers(0, K, (N,) if output == "last" else (N, T))
    loss, grads = model.loss_and_gradients(x, y)
    assert loss == pytest.approx(model.loss(x, y))
    assert sorted(grads) == sorted(model.params)
    for name, w in model.params.items():
        assert grads[name].shape == w.shape, name
        numeric = numerical_gradient(lambda _: model.loss(x, y), w)
        assert relative_error(grads[name], numeric) < 1e-7, name


@pytest.mark.parametrize(("output", "shape"), [("last", (N,)), ("every", (N, T))])
def test_predictions_have_one_label_per_sequence_or_per_step(output, shape):
    model = small_model("lstm", output)
    x = np.random.default_rng(2).normal(size=(N, T, D))
    P = model.predict_proba(x)
    assert P.shape == (*shape, K)
    np.testing.assert_allclose(P.sum(axis=-1), 1.0)
    np.testing.assert_array_equal(model.predict(x), P.argmax(axis=-1))
    assert model.predict(x).shape == shape
    assert 0.0 <= model.accuracy(x, np.zeros(shape, dtype=int)) <= 1.0


def test_uniform_output_gives_the_loss_log_k():
    model = small_model("rnn", "last")
    model.params["W_y"][:] = 0.0
    model.params["b_y"][:] = 0.0
    x, y = np.zeros((N, T, D)), np.arange(N) % K
    assert model.loss(x, y) == pytest.approx(np.log(K))


@pytest.mark.parametrize(("output", "y_shape", "match"), [
    ("last", (N, T), r"y must have shape \(3,\).*\(3, 4, 2\).*got \(3, 4\)"),
    ("every", (N,), r"y must have shape \(3, 4\).*got \(3,\)"),
    ("last", (N + 1,), r"y must have shape \(3,\).*got \(4,\)"),
])
def test_bad_y_shape_is_named(output, y_shape, match):
    model = small_model("lstm", output)
    x = np.zeros((N, T, D))
    with pytest.raises(ValueError, match=match):
        model.loss_and_gradients(x, np.zeros(y_shape, dtype=int))


def test_bad_x_is_named():
    model = small_model("lstm", "last")
    with pytest.raises(ValueError, match=r"\(3, 4, 5\).*D = 2"):
        model.forward(np.zeros((N, T, 5)))


@pytest.mark.parametrize(("kwargs", "match"), [
    ({"cell": "gru"}, r"cell must be one of \['lstm', 'rnn'\]; got 'gru'"),
    ({"output": "first"}, "output must be 'last' or 'every'"),
])
def test_unknown_cell_or_output_is_refused(kwargs, match):
    with pytest.raises(ValueError, match=match):
        sequence.SequenceClassifier(D, H, K, np.random.default_rng(0), **kwargs)


def test_one_class_is_refused():
    with pytest.raises(ValueError, match="K .*>= 2"):
        sequence.SequenceClassifier(D, H, 1, np.random.default_rng(0))


# ---------------------------------------------------------------- training


def recall_task(n_train=1000, n_test=500, delay=3):
    return (sd.delayed_recall(n_train, delay, np.random.default_rng(10)),
            sd.delayed_recall(n_test, delay, np.random.default_rng(11)))


def train_recurrent(model, x, y, *, epochs, rng, eta=0.01, optimizer="adam", test=None,
                    **settings):
    # as notebook 05 trains: Adam (or momentum) with sequence.TRAINING (batches of 32, clip 1)
    update = optim.Adam(eta) if optimizer == "adam" else optim.Momentum(eta, 0.9)
    test = {} if test is None else {"X_test": test[0], "y_test": test[1]}
    return training.train(model, x, y, epochs=epochs, rng=rng, optimizer=update, **test,
                          **sequence.TRAINING, **settings)


def test_lstm_learns_delayed_recall():
    (x, y), test = recall_task()
    model = sequence.SequenceClassifier(9, 8, 4, np.random.default_rng(0))
    seen = []
    history = train_recurrent(model, x, y, epochs=4, rng=np.random.default_rng(1),
                              test=test, callback=lambda e, h: seen.append(e))
    assert history.message is None
    assert seen == [1, 2, 3, 4]
    assert len(history.batch_loss) == len(history.test_accuracy) == len(history.test_loss) == 4
    assert len(history.gradient_norm) == 4
    assert history.test_accuracy[-1] >= 0.95  # chance is 0.25
    assert history.batch_loss[-1] < 0.5 * history.batch_loss[0]


@pytest.mark.parametrize("cell", ["lstm", "rnn"])
def test_momentum_also_trains(cell):
    (x, y), test = recall_task(n_train=500)
    model = sequence.SequenceClassifier(9, 8, 4, np.random.default_rng(2), cell=cell)
    before = {k: v.copy() for k, v in model.params.items()}
    history = train_recurrent(model, x, y, epochs=8, rng=np.random.default_rng(3),
                              eta=0.1, optimizer="momentum", test=test)
    assert history.message is None
    assert all(np.isfinite(history.batch_loss))
    assert history.batch_loss[-1] < history.batch_loss[0]
    assert history.test_accuracy[-1] >= 0.9
    assert all(not np.array_equal(before[k], model.params[k]) for k in before)


def test_train_refuses_an_unknown_optimizer():
    (x, y), _ = recall_task(n_train=10, n_test=1)
    model = sequence.SequenceClassifier(9, 4, 4, np.random.default_rng(0))
    with pytest.raises(TypeError, match="optimizer must be an optimiser .*; got 'sgd'"):
        training.train(model, x, y, epochs=1, rng=np.random.default_rng(0), optimizer="sgd")


def test_evaluate_gives_the_loss_and_the_accuracy_of_one_forward_pass():
    (x, y), _ = recall_task(n_train=40, n_test=1)
    model = sequence.SequenceClassifier(9, 4, 4, np.random.default_rng(0))
    loss, accuracy = model.evaluate(x, y)
    assert loss == model.loss_and_gradients(x, y)[0]
    assert accuracy == float(np.mean(model.predict(x) == y))


def test_train_recall_takes_its_randomness_from_rng():
    runs = [sequence.train_recall(3, "lstm", np.random.default_rng(4), n_train=64, n_test=32,
                                  epochs=1, H=4) for _ in range(2)]
    (m1, h1, t1), (m2, h2, t2) = runs
    assert h1 == h2
    np.testing.assert_array_equal(t1[0], t2[0])
    for name in m1.params:
        np.testing.assert_array_equal(m1.params[name], m2.params[name])
    with pytest.raises(TypeError, match="numpy.random.Generator"):
        sequence.train_recall(3, "lstm", 4)


def test_training_is_deterministic_for_seeded_generators():
    (x, y), _ = recall_task(n_train=100, n_test=1)
    losses = []
    for _ in range(2):
        model = sequence.SequenceClassifier(9, 4, 4, np.random.default_rng(0))
        losses.append(train_recurrent(model, x, y, epochs=2,
                                      rng=np.random.default_rng(1)).batch_loss)
    assert losses[0] == losses[1]


# ---------------------------------------------------------------- data: delayed recall


def test_delayed_recall_shapes_and_one_hot_structure():
    x, y = sd.delayed_recall(50, 3, np.random.default_rng(0))
    names = sd.recall_symbols()
    assert len(names) == 9 and names[-1] == "?"
    assert x.shape == (50, 4, 9) and y.shape == (50,)
    assert set(np.unique(x)) <= {0.0, 1.0} and set(np.unique(y)) <= {0, 1, 2, 3}
    np.testing.assert_array_equal(x.sum(axis=2), 1.0)  # distractors=1: one symbol every step
    np.testing.assert_array_equal(x[:, 0].argmax(axis=1), y)  # step 0 shows the label
    assert np.all(np.isin(x[:, 1:-1].argmax(axis=2), [4, 5, 6, 7]))  # distractors w..z
    np.testing.assert_array_equal(x[:, -1], np.eye(9)[np.full(50, 8)])  # the query "?"


def test_delayed_recall_without_distractors_leaves_the_middle_empty():
    x, y = sd.delayed_recall(20, 5, np.random.default_rng(0), distractors=0.0)
    assert x.shape == (20, 6, 9)
    np.testing.assert_array_equal(x[:, 1:-1], 0.0)
    np.testing.assert_array_equal(x[:, 0].argmax(axis=1), y)
    np.testing.assert_array_equal(x[:, -1, 8], 1.0)


def test_delayed_recall_is_deterministic_for_a_seed():
    a = sd.delayed_recall(30, 4, np.random.default_rng(5))
    b = sd.delayed_recall(30, 4, np.random.default_rng(5))
    c = sd.delayed_recall(30, 4, np.random.default_rng(6))
    np.testing.assert_array_equal(a[0], b[0])
    np.testing.assert_array_equal(a[1], b[1])
    assert not np.array_equal(a[0], c[0])


@pytest.mark.parametrize(("kwargs", "match"), [
    ({"distractors": 1.5}, r"\[0, 1\]; got 1.5"), ({"noise": -0.1}, "noise"),
    ({"delay": 0}, "delay"),
])
def test_delayed_recall_refuses_bad_settings(kwargs, match):
    args = {"n": 5, "delay": 3, "rng": np.random.default_rng(0)} | kwargs
    with pytest.raises(ValueError, match=match):
        sd.delayed_recall(**args)


# ---------------------------------------------------------------- data: sentences and codec

SENTENCE = re.compile(r"^(?:I was born|She grew up|We lived|He was raised) in (\w+), "
                      r"(?:I|she|we|he) fluently speaks? (\w+)\.$")


def test_sentences_pair_each_country_with_its_language():
    text = sd.sentences(40, np.random.default_rng(0))
    lines = text.splitlines()
    assert text.endswith("\n") and len(lines) == 40
    for line in lines:
        match = SENTENCE.match(line)
        assert match, line
        country, language = match.groups()
        assert sd.COUNTRIES[country] == language, line
    assert sd.sentences(40, np.random.default_rng(0)) == text


def test_codec_round_trip_and_one_hot():
    text = sd.sentences(10, np.random.default_rng(1))
    codec = sd.CharCodec(text)
    assert codec.alphabet == sorted(set(text)) and codec.size == len(set(text))
    codes = codec.encode(text)
    assert codes.shape == (len(text),)
    assert codec.decode(codes) == text
    one_hot = codec.one_hot(codes[:7])
    assert one_hot.shape == (7, codec.size)
    np.testing.assert_array_equal(one_hot.argmax(axis=1), codes[:7])
    np.testing.assert_array_equal(one_hot.sum(axis=1), 1.0)


def test_codec_names_unknown_characters():
    codec = sd.CharCodec("I was born in France, I fluently speak French.\n")
    with pytest.raises(ValueError, match=r"not in the alphabet: '#Q'"):
        codec.encode("Q was #")
    with pytest.raises(ValueError, match="non-empty"):
        sd.CharCodec("")


@pytest.mark.parametrize("method", ["decode", "one_hot"])
@pytest.mark.parametrize("index", [-1, 3])
def test_codec_refuses_indices_outside_the_alphabet(method, index):
    # a ValueError naming the range, not an IndexError (3) or a silent wrap to "c" (-1)
    codec = sd.CharCodec("abc")
    with pytest.raises(ValueError, match="0..2|0 and 2"):
        getattr(codec, method)([0, index])


def test_codec_windows_predict_the_next_character():
    text = sd.sentences(20, np.random.default_rng(2))
    codec = sd.CharCodec(text)
    x, y = codec.windows(text, 12, np.random.default_rng(3), n=6)
    assert x.shape == (6, 12, codec.size) and y.shape == (6, 12)
    inputs = x.argmax(axis=2)
    np.testing.assert_array_equal(inputs[:, 1:], y[:, :-1])  # y is x shifted by one
    for k in range(6):
        assert codec.decode(np.append(inputs[k], y[k, -1])) in text
    with pytest.raises(ValueError, match="at least 6"):
        codec.windows("abcde", 5, np.random.default_rng(0), n=1)


# ---------------------------------------------------------------- generation

TEXT = sd.sentences(5, np.random.default_rng(0))
CODEC = sd.CharCodec(TEXT)


def text_model(cell, seed=0):
    return sequence.SequenceClassifier(CODEC.size, 6, CODEC.size, np.random.default_rng(seed),
                                       cell=cell, output="every")


@pytest.mark.parametrize("cell", ["lstm", "rnn"])
def test_generate_is_deterministic_and_stays_in_the_alphabet(cell):
    model = text_model(cell)
    texts = [sequence.generate(model, CODEC, "I was", 25, temperature=1.0,
                               rng=np.random.default_rng(4)) for _ in range(2)]
    assert texts[0] == texts[1]
    assert len(texts[0]) == 25
    assert set(texts[0]) <= set(CODEC.alphabet)
    assert sequence.generate(model, CODEC, "I", 0, temperature=1.0,
                             rng=np.random.default_rng(0)) == ""


@pytest.mark.parametrize("cell", ["lstm", "rnn"])
def test_generate_at_low_temperature_follows_the_models_argmax(cell):
    model = text_model(cell, seed=5)
    prompt = "We lived in"
    out = sequence.generate(model, CODEC, prompt, 8, temperature=1e-6,
                            rng=np.random.default_rng(0))
    text = prompt
    for _ in range(8):  # feed the growing text through the whole-sequence forward pass
        net = model.forward(CODEC.one_hot(CODEC.encode(text))[None])[0]
        text += CODEC.decode([net[0, -1].argmax()])
    assert prompt + out == text


@pytest.mark.parametrize(("kwargs", "match"), [
    ({"temperature": 0.0}, "temperature"), ({"temperature": -1.0}, "temperature"),
    ({"prompt": ""}, "prompt"), ({"prompt": "I was %"}, "'%'"),
])
def test_generate_refuses_bad_settings(kwargs, match):
    args = {"prompt": "I was", "temperature": 1.0} | kwargs
    with pytest.raises(ValueError, match=match):
        sequence.generate(text_model("lstm"), CODEC, args["prompt"], 5,
                          temperature=args["temperature"], rng=np.random.default_rng(0))


def test_generate_needs_a_model_that_predicts_every_character():
    model = sequence.SequenceClassifier(CODEC.size, 4, CODEC.size, np.random.default_rng(0))
    with pytest.raises(ValueError, match="output='every'"):
        sequence.generate(model, CODEC, "I", 3, temperature=1.0, rng=np.random.default_rng(0))


def test_next_char_probabilities_and_temperature():
    net = np.array([1.0, 2.0, 0.5, -1.0])
    P = sequence.next_char_probabilities(net, 1.0)
    assert P.sum() == pytest.approx(1.0)
    np.testing.assert_allclose(P, softmax(net))
    cold = sequence.next_char_probabilities(net, 0.05)
    hot = sequence.next_char_probabilities(net, 10.0)
    assert cold.sum() == pytest.approx(1.0) and hot.sum() == pytest.approx(1.0)
    assert cold[1] > 0.99 > P[1] > hot[1]  # low temperature: mass on the argmax
    assert hot.max() - hot.min() < P.max() - P.min()  # high temperature: flatter
    for temperature in (0.0, -0.5):
        with pytest.raises(ValueError, match="temperature"):
            sequence.next_char_probabilities(net, temperature)


# ---------------------------------------------------------------- Adam


def test_adam_first_step_moves_every_weight_by_about_eta():
    w = np.array([1.0, -2.0, 3.0, 0.5])
    dw = np.array([1e-3, -5.0, 1e3, 2e-2])  # gradients over six orders of magnitude
    w_new, m, s = optim.adam_step(w, dw, np.zeros(4), np.zeros(4), t=1, eta=0.01)
    np.testing.assert_allclose(w_new - w, -0.01 * np.sign(dw), rtol=1e-4)
    np.testing.assert_allclose(m, 0.1 * dw)
    np.testing.assert_allclose(s, 0.001 * dw**2)


def test_adam_two_steps_by_hand():
    # dL/dw = 2 then -1; eta = 0.1, beta1 = 0.9, beta2 = 0.999
    w, m, s = optim.adam_step(1.0, 2.0, 0.0, 0.0, t=1, eta=0.1)
    # m = 0.1 * 2 = 0.2, s = 0.001 * 4 = 0.004; m_hat = 2, s_hat = 4: step 0.1 * 2 / 2
    assert (m, s) == (pytest.approx(0.2), pytest.approx(0.004))
    assert w == pytest.approx(0.9, abs=1e-9)
    w, m, s = optim.adam_step(w, -1.0, m, s, t=2, eta=0.1)
    # m = 0.9 * 0.2 - 0.1 = 0.08, s = 0.999 * 0.004 + 0.001 = 0.004996
    assert (m, s) == (pytest.approx(0.08), pytest.approx(0.004996))
    m_hat, s_hat = 0.08 / (1 - 0.9**2), 0.004996 / (1 - 0.999**2)
    assert w == pytest.approx(0.9 - 0.1 * m_hat / np.sqrt(s_hat), abs=1e-9)
    assert w == pytest.approx(0.873366, abs=1e-6)


@pytest.mark.parametrize(("kwargs", "match"), [
    ({"t": 0}, "t .*>= 1"), ({"eta": 0.0}, "eta"), ({"beta1": 1.0}, r"\[0, 1\)"),
    ({"beta2": -0.1}, r"\[0, 1\)"),
])
def test_adam_refuses_bad_settings(kwargs, match):
    args = {"t": 1, "eta": 0.1} | kwargs
    with pytest.raises(ValueError, match=match):
        optim.adam_step(1.0, 1.0, 0.0, 0.0, **args)


def test_adam_class_applies_adam_step_to_every_parameter():
    params = {"W": np.array([[1.0, -2.0]]), "b": np.array([0.5])}
    reference = {k: (v.copy(), np.zeros_like(v), np.zeros_like(v)) for k, v in params.items()}
    update = optim.Adam(0.1)
    for t in range(1, 4):
        update(params, {k: 2 * v for k, v in params.items()})  # L = sum w^2
        for k, (w, m, s) in reference.items():
            reference[k] = optim.adam_step(w, 2 * w, m, s, t, 0.1)
    assert update.t == 3
    for k, (w, _, _) in reference.items():
        np.testing.assert_allclose(params[k], w)


def test_adam_decreases_an_ill_conditioned_quadratic():
    a = np.array([1.0, 50.0])  # L = sum a w^2 / 2

    def loss(w):
        return float(np.sum(a * w**2) / 2)

    params = {"w": np.array([3.0, -2.0])}
    update = optim.Adam(0.05)
    losses = [loss(params["w"])]
    for _ in range(300):
        update(params, {"w": a * params["w"]})
        losses.append(loss(params["w"]))
    assert losses[-1] < 1e-3 * losses[0]
    assert np.abs(params["w"]).max() < 0.05


def test_train_recall_works_with_fewer_samples_than_a_batch():
    model, history, (x_test, y_test) = sequence.train_recall(
        3, "rnn", np.random.default_rng(0), n_train=20, n_test=10, epochs=2, H=4)
    assert history.epochs == 2 and len(history.test_accuracy) == 1  # after the last epoch
    assert x_test.shape == (10, 4, 9) and y_test.shape == (10,)
    with pytest.raises(ValueError, match="n_train"):
        sequence.train_recall(3, "rnn", np.random.default_rng(0), n_train=0)


def test_memory_cells_score_the_cell_that_holds_the_class_highest():
    rng = np.random.default_rng(0)
    y = rng.integers(0, 4, 400)
    C_T = rng.normal(size=(400, 5))
    C_T[:, 3] += 3.0 * y  # cell 3 carries the label, the others are noise
    scores = sequence.memory_cells(C_T, y, 4)
    assert scores.shape == (5,) and int(np.argmax(scores)) == 3
    assert scores[3] > 10 * np.delete(scores, 3).max()
    # between / within variance, by hand for one cell
    means = [C_T[y == k, 0].mean() for k in range(4)]
    within = np.mean([C_T[y == k, 0].var() for k in range(4)])
    assert scores[0] == pytest.approx(np.var(means) / within)
    with pytest.raises(ValueError, match=r"C_T must have shape \(N, H\)"):
        sequence.memory_cells(C_T[:, 0], y, 4)


def test_train_recall_evaluates_the_test_set_once_or_every_epoch_with_the_same_model():
    runs = {every: sequence.train_recall(3, "lstm", np.random.default_rng(5), n_train=40,
                                         n_test=20, epochs=3, H=4, test_every_epoch=every)
            for every in (False, True)}
    (m_once, h_once, test), (m_every, h_every, _) = runs[False], runs[True]
    assert len(h_once.test_accuracy) == 1 and len(h_every.test_accuracy) == 3
    assert h_once.test_accuracy[-1] == h_every.test_accuracy[-1] == m_once.evaluate(*test)[1]
    for name in m_once.params:
        np.testing.assert_array_equal(m_once.params[name], m_every.params[name])
