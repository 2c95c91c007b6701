r"""Kohonen's self-organising map (lecture, "How to train NNs?": unsupervised learning).

c = argmin_j ||x - w_j||;  h_jc = exp(-d(j, c)^2 / (2 sigma^2));  w_j <- w_j + eta h_jc (x - w_j).
The rule is checked against a computation by hand, the errors on hand-made maps,
the fast training loop against the readable rule, and the explorer replays it.
"""

import time

import numpy as np
import pytest

from course_lib import datasets, som
from course_lib.explorers.unsupervised import GRIDS, SOM_DATA, grid_segments, som_explorer

GRID_1x3 = som.som_grid(1, 3)  # units 0, 1, 2 at grid positions (0, 0), (0, 1), (0, 2)


# --- the rule, by hand ------------------------------------------------------------------------

def test_som_update_matches_a_computation_by_hand():
    # a 1 x 3 chain with w_1 = (0, 0), w_2 = (1, 0), w_3 = (2, 0); the sample x = (2, 1)
    W = np.array([[0.0, 0.0], [1.0, 0.0], [2.0, 0.0]])
    x = np.array([2.0, 1.0])
    eta, sigma = 0.5, 1.0
    # ||x - w_j|| = sqrt(5) = 2.236, sqrt(2) = 1.414, 1: the winner is the third unit, c = 2
    # d(j, c) = 2, 1, 0 on the grid: h_jc = exp(-4/2), exp(-1/2), exp(0)
    h = np.array([0.1353352832366127, 0.6065306597126334, 1.0])
    # w_j + eta h_jc (x - w_j): (x - w_j) = (2, 1), (1, 1), (0, 1)
    expected = np.array([
        [0.0 + 0.5 * h[0] * 2, 0.0 + 0.5 * h[0] * 1],     # (0.13534, 0.06767)
        [1.0 + 0.5 * h[1] * 1, 0.0 + 0.5 * h[1] * 1],     # (1.30327, 0.30327)
        [2.0 + 0.5 * h[2] * 0, 0.0 + 0.5 * h[2] * 1],     # (2.0, 0.5)
    ])
    W_new = som.som_update(W, x, eta, sigma, GRID_1x3)
    np.testing.assert_allclose(W_new, expected, rtol=1e-12)
    np.testing.assert_allclose(W_new, [[0.135335, 0.067668], [1.303265, 0.303265], [2.0, 0.5]],
                               atol=1e-6)
    np.testing.assert_array_equal(W, [[0, 0], [1, 0], [2, 0]])  # W itself is not changed


def test_winner_is_the_nearest_unit_and_the_first_on_a_tie():
    W = np.array([[0.0, 0.0], [1.0, 0.0], [2.0, 0.0]])
    assert som.winner(W, [1.9, 0.3]) == 2
    assert som.winner(W, [0.5, 0.0]) == 0  # equally far from units 0 and 1
    np.testing.assert_array_equal(som.winners(W, [[0.1, 0], [1.2, 5], [3, 0]]), [0, 1, 2])


def test_neighbourhood_is_one_at_the_winner_and_falls_with_grid_distance():
    grid = som.som_grid(3, 3)
    h = som.neighbourhood(grid, 4, sigma=1.0)  # the centre unit of a 3 x 3 grid
    assert h[4] == 1.0
    np.testing.assert_allclose(h[[1, 3, 5, 7]], np.exp(-0.5))  # grid distance 1 = sigma
    np.testing.assert_allclose(h[[0, 2, 6, 8]], np.exp(-1.0))  # the corners, distance sqrt(2)
    wide = som.neighbourhood(grid, 4, sigma=10.0)
    assert np.all(wide > 0.99)  # a wide neighbourhood: every unit learns with the winner


def test_grid_numbers_units_row_by_row():
    np.testing.assert_array_equal(som.som_grid(2, 3), [[0, 0], [0, 1], [0, 2], [1, 0], [1, 1],
                                                       [1, 2]])
    assert som.grid_distances(som.som_grid(2, 2))[0, 3] == pytest.approx(np.sqrt(2))


def test_decay_goes_from_start_to_end():
    eta = som.decay(0.5, 0.02, 5)  # exponential: a constant ratio (0.02 / 0.5)^(1/4) per epoch
    np.testing.assert_allclose(eta[[0, -1]], [0.5, 0.02])
    np.testing.assert_allclose(eta[1:] / eta[:-1], (0.02 / 0.5) ** 0.25)
    np.testing.assert_allclose(som.decay(3.0, 0.5, 6, "linear"), [3.0, 2.5, 2.0, 1.5, 1.0, 0.5])
    np.testing.assert_allclose(som.decay(0.5, 0.02, 1), [0.5])
    with pytest.raises(ValueError, match="unknown decay 'cosine'"):
        som.decay(0.5, 0.02, 5, "cosine")


# --- the errors of a map ------------------------------------------------------------------------

def test_quantisation_error_is_the_mean_distance_to_the_winner():
    W = np.array([[0.0, 0.0], [1.0, 0.0]])
    X = np.array([[0.0, 1.0], [1.0, 0.5], [0.6, 0.0]])  # distances 1, 0.5, 0.4
    assert som.quantisation_error(W, X) == pytest.approx((1 + 0.5 + 0.4) / 3)


def test_topographic_error_counts_best_and_second_best_that_are_not_grid_neighbours():
    # a 1 x 3 chain folded in the plane: unit 1 sits at x = 2, unit 2 at x = 1
    W = np.array([[0.0, 0.0], [2.0, 0.0], [1.0, 0.0]])
    X = np.array([[0.4, 0.0],    # best 0, second 2: two apart on the grid -> an error
                  [1.6, 0.0],    # best 1, second 2: neighbours
                  [1.1, 0.0]])   # best 2, second 1: neighbours
    first, second = som.best_two_units(W, X)
    np.testing.assert_array_equal(first, [0, 1, 2])
    np.testing.assert_array_equal(second, [2, 2, 1])
    assert som.topographic_error(W, X, GRID_1x3) == pytest.approx(1 / 3)
    W_ordered = np.array([[0.0, 0.0], [1.0, 0.0], [2.0, 0.0]])  # unfolded: no error
    assert som.topographic_error(W_ordered, X, GRID_1x3) == 0.0


def test_diagonal_units_are_not_neighbours():
    # 2 x 2 grid: units 0 and 3 are diagonal (grid distance sqrt 2), drawn without a line
    W = np.array([[0.0, 0.0], [5.0, 0.0], [0.0, 5.0], [1.0, 0.0]])
    assert som.topographic_error(W, [[0.5, 0.0]], som.som_grid(2, 2)) == 1.0
    assert np.isnan(som.topographic_error([[0.0, 0.0]], [[1.0, 1.0]], som.som_grid(1, 1)))


# --- training ---------------------------------------------------------------------------------

def test_fast_training_loop_agrees_with_the_readable_rule():
    X, _ = datasets.moons(60, np.random.default_rng(0))
    X3 = np.column_stack([X, X[:, 0] * X[:, 1]])  # the general loop (D = 3) and the 2-D one
    for data in (X, X3):
        grid = som.som_grid(3, 4)
        W0 = som.init_weights(data, 3, 4, np.random.default_rng(1))
        order = np.random.default_rng(2).permutation(len(data))
        W_slow = W0.copy()
        for n in order:
            W_slow = som.som_update(W_slow, data[n], 0.3, 1.5, grid)
        W_fast = W0.copy()
        som._train_epoch(W_fast, data, order, 0.3, 1.5, som.grid_distances(grid) ** 2)
        np.testing.assert_allclose(W_fast, W_slow, rtol=1e-12, atol=1e-12)


def test_train_som_records_every_epoch_and_unfolds_on_a_square():
    X = np.random.default_rng(0).uniform(-1, 1, (300, 2))
    model, h = som.train_som(X, 8, 8, 15, np.random.default_rng(1), eta=(0.5, 0.02),
                             sigma=(4.0, 0.5))
    assert h.weights.shape == (16, 64, 2) and h.epochs == 15
    assert h.quantisation_error.shape == h.topographic_error.shape == (16,)
    np.testing.assert_array_equal(h.weights[-1], model.W)
    np.testing.assert_allclose(h.eta[[0, -1]], [0.5, 0.02])
    np.testing.assert_allclose(h.sigma[[0, -1]], [4.0, 0.5])
    assert h.topographic_error[0] > 0.5  # random weights: the grid is tangled
    assert h.topographic_error[-1] < 0.1  # unfolded: neighbours on the grid, neighbours in x
    assert h.quantisation_error[-1] < 0.12  # 64 units over a 2 x 2 square
    assert h.quantisation_error[-1] < h.quantisation_error[1]
    assert model.weights_on_grid().shape == (8, 8, 2)
    np.testing.assert_array_equal(model.winners(X), som.winners(model.W, X))


def test_training_is_fast_and_seeded():
    X = np.random.default_rng(0).uniform(-1, 1, (500, 2))
    start = time.perf_counter()
    first = som.train_som(X, 10, 10, 30, np.random.default_rng(1))
    seconds = time.perf_counter() - start
    assert seconds < 3.0  # about 0.1 s on an idle machine; generous for a busy one
    again = som.train_som(X, 10, 10, 30, np.random.default_rng(1))
    np.testing.assert_array_equal(first[1].weights, again[1].weights)


def test_pca_init_is_a_flat_sheet_on_the_first_two_components():
    X = np.random.default_rng(0).normal(size=(200, 3)) * [3.0, 1.0, 0.1]
    W = som.init_weights(X, 4, 6, np.random.default_rng(1), init="pca")
    assert W.shape == (24, 3)
    assert np.ptp(W[:, 2]) < 0.3 * np.ptp(W[:, 1])  # hardly any extent along the third axis
    # the longer side of the grid (6 columns) along the first component (x_1, spread 3)
    sheet = W.reshape(4, 6, 3)
    assert abs(sheet[0, -1, 0] - sheet[0, 0, 0]) > 5 * abs(sheet[0, -1, 1] - sheet[0, 0, 1])


def test_digit_prototypes_sort_the_digits_without_labels():
    X, y = datasets.load_digits(flat=True)
    model, h = som.train_som(X, 6, 6, 3, np.random.default_rng(0), init="pca")
    assert model.weights_on_grid().shape == (6, 6, 64)
    c = model.winners(X)
    # the digit most often mapped to each unit: most samples share their unit's digit
    majority = np.array([np.bincount(y[c == j], minlength=10).argmax() if np.any(c == j) else -1
                         for j in range(36)])
    assert np.mean(majority[c] == y) > 0.7
    assert h.quantisation_error[-1] < h.quantisation_error[0]


# --- bad input --------------------------------------------------------------------------------

@pytest.mark.parametrize(("rows", "cols"), [(0, 5), (3, 0), (-1, 2)])
def test_grid_smaller_than_one_by_one_names_the_grid(rows, cols):
    with pytest.raises(ValueError, match=f"at least 1 x 1 units; got rows x cols = {rows} x "
                                         f"{cols}"):
        som.train_som(np.zeros((4, 2)), rows, cols, 2, np.random.default_rng(0))


def test_grid_size_must_be_whole():
    with pytest.raises(TypeError, match="rows must be a whole number >= 1.*2.5"):
        som.som_grid(2.5, 3)


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"eta": (0.0, 0.01)}, r"eta \(learning rate\) start must be in \(0, 1\].*got 0.0"),
    ({"eta": (0.5, -0.1)}, r"eta \(learning rate\) end must be in \(0, 1\].*got -0.1"),
    ({"eta": 1.5}, r"above 1 it overshoots x; got 1.5"),
    ({"sigma": (0.0, 0.5)}, r"sigma \(neighbourhood width\) start must be > 0.*got 0.0"),
    ({"sigma": (3.0, -1.0)}, r"sigma \(neighbourhood width\) end must be > 0.*got -1.0"),
    ({"init": "zeros"}, "unknown init 'zeros'; choose one of: random, pca, samples"),
    ({"W0": np.zeros((5, 2))}, r"W0 must have shape \(rows \* cols, D\) = \(4, 2\); got \(5, 2\)"),
    ({"decay_kind": "step"}, "unknown decay_kind 'step'"),
])
def test_bad_settings_say_what_would_work(kwargs, message):
    with pytest.raises(ValueError, match=message):
        som.train_som(np.zeros((4, 2)), 2, 2, 2, np.random.default_rng(0), **kwargs)


def test_bad_rule_input_names_the_value():
    W = np.zeros((3, 2))
    with pytest.raises(ValueError, match=r"sigma \(neighbourhood width\) must be > 0.*got -1"):
        som.som_update(W, [1.0, 1.0], 0.5, -1, GRID_1x3)
    with pytest.raises(ValueError, match=r"eta \(learning rate\) must be in \(0, 1\].*got 0"):
        som.som_update(W, [1.0, 1.0], 0, 1.0, GRID_1x3)
    with pytest.raises(ValueError, match=r"x must be one sample of D = 2 finite numbers.*"
                                         r"got shape \(3,\)"):
        som.som_update(W, [1.0, 1.0, 1.0], 0.5, 1.0, GRID_1x3)
    with pytest.raises(ValueError, match=r"grid must hold one position per unit, shape \(3, 2\)"):
        som.som_update(W, [1.0, 1.0], 0.5, 1.0, som.som_grid(2, 2))
    with pytest.raises(TypeError, match="eta .*pair"):
        som.train_som(np.zeros((4, 2)), 2, 2, 2, np.random.default_rng(0), eta="fast")
    with pytest.raises(TypeError, match="numpy.random.Generator"):
        som.train_som(np.zeros((4, 2)), 2, 2, 2, 0)


# --- the explorer -----------------------------------------------------------------------------

def png(panel):
    return bytes(panel.figure.image.value)


def test_explorer_builds_without_a_front_end_and_retrains_on_a_change():
    panel = som_explorer(epochs=8)
    explorer = panel.explorer
    before, status = png(panel), panel.status.value
    assert before.startswith(b"\x89PNG") and "epoch 8 of 8" in status
    panel.controls["eta"].value = 0.2
    assert png(panel) != before and panel.status.value != status
    assert explorer.key[2] == 0.2 and "Unexpected error" not in panel.status.value
    panel.controls["epochs"].value = 5  # the Play slider follows the new number of epochs
    assert panel.controls["epoch"].max == 5 == panel.controls["epoch"].value
    assert explorer.play_box.play.max == 5


def test_play_replays_stored_epochs_without_training():
    panel = som_explorer(epochs=6)
    explorer = panel.explorer
    runs, key = len(explorer.runs), explorer.key
    frames = set()
    for epoch in range(7):
        panel.controls["epoch"].value = epoch
        frames.add(png(panel))
        segments = explorer.lines.get_segments()
        W = explorer.run[2].weights[epoch]
        np.testing.assert_allclose(np.array(segments), grid_segments(W, 10, 10))
        assert f"epoch {epoch} of 6" in panel.status.value
    assert len(frames) == 7 and len(explorer.runs) == runs and explorer.key == key


def test_explorer_data_sets_and_grids_all_draw():
    panel = som_explorer(epochs=3)
    for name in SOM_DATA:
        panel.controls["dataset"].value = name
        assert panel.status.value.startswith("<span") and "Unexpected" not in panel.status.value
    for name, (rows, cols) in GRIDS.items():
        panel.controls["grid"].value = name
        assert len(panel.explorer.lines.get_segments()) == rows * (cols - 1) + cols * (rows - 1)
    assert "chain" in panel.status.value


def test_a_small_starting_neighbourhood_leaves_a_twisted_map_and_says_so():
    panel = som_explorer(dataset="circles", sigma=0.5, epochs=10)
    assert "σ₀ is small" in panel.status.value
