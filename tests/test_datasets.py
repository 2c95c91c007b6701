r"""Small 2-D data sets: shapes, labels, determinism and the geometry each one promises."""

import numpy as np
import pytest

from course_lib import datasets
from course_lib.datasets import (
    GATES,
    circles,
    gaussian_blobs,
    logic_gate,
    make_dataset,
    moons,
    spirals,
    train_test_split,
    xor_blobs,
)

GENERATORS = [gaussian_blobs, xor_blobs, circles, moons, spirals]


def rng(seed=0):
    return np.random.default_rng(seed)


@pytest.mark.parametrize("generate", GENERATORS)
@pytest.mark.parametrize("n", [2, 7, 100])
def test_shapes_dtypes_and_both_classes(generate, n):
    X, y = generate(n, rng())
    assert X.shape == (n, 2) and X.dtype == np.float64
    assert y.shape == (n,) and y.dtype == np.int64
    assert set(y.tolist()) == {0, 1}


@pytest.mark.parametrize("generate", GENERATORS)
def test_same_seed_same_data_other_seed_other_data(generate):
    X, y = generate(50, rng(1))
    X_again, y_again = generate(50, rng(1))
    X_other, _ = generate(50, rng(2))
    np.testing.assert_array_equal(X, X_again)
    np.testing.assert_array_equal(y, y_again)
    assert not np.allclose(X, X_other)


def test_datasets_table_names_the_generators():
    assert list(datasets.DATASETS.values()) == GENERATORS


@pytest.mark.parametrize("gate", GATES)
def test_logic_gate_truth_tables(gate):
    X, y = logic_gate(gate)
    assert X.tolist() == [[0, 0], [0, 1], [1, 0], [1, 1]]
    assert X.dtype == np.float64 and y.dtype == np.int64
    assert tuple(y) == GATES[gate]


def test_gate_table_values():
    assert GATES == {"AND": (0, 0, 0, 1), "OR": (0, 1, 1, 1), "NAND": (1, 1, 1, 0),
                     "NOR": (1, 0, 0, 0), "XOR": (0, 1, 1, 0)}


def test_noisy_gate_copies_stay_near_their_corner():
    X, y = logic_gate("xor", copies=25, noise=0.05, rng=rng())
    assert X.shape == (100, 2)
    np.testing.assert_array_equal(y, np.repeat(GATES["XOR"], 25))
    corners = np.repeat([[0, 0], [0, 1], [1, 0], [1, 1]], 25, axis=0)
    assert np.abs(X - corners).max() < 0.5


@pytest.mark.parametrize("factor", [0.3, 0.5, 0.9])
def test_circles_without_noise_lie_on_ring_and_disc(factor):
    X, y = circles(200, rng(), noise=0.0, factor=factor)
    radius = np.hypot(X[:, 0], X[:, 1])
    np.testing.assert_allclose(radius[y == 0], 1.0, rtol=0, atol=1e-12)
    assert np.all(radius[y == 1] <= factor + 1e-12)


def test_gaussian_blobs_are_separated_by_the_line_x1_plus_x2_eq_0():
    X, y = gaussian_blobs(200, rng(), noise=0.2, distance=3.0)
    np.testing.assert_array_equal((X.sum(axis=1) > 0).astype(int), y)


def test_xor_blobs_follow_the_sign_rule_without_noise():
    X, y = xor_blobs(200, rng(), noise=0.0)
    np.testing.assert_array_equal(y, (X[:, 0] * X[:, 1] < 0).astype(int))
    assert np.abs(X).min() >= 0.1  # kept off the axes


@pytest.mark.parametrize("name", ["gaussian", "xor", "circles", "moons", "spirals", "AND", "NAND"])
def test_make_dataset_by_name(name):
    X, y = make_dataset(name, 40, rng(), noise=0.1)
    assert X.shape == (40, 2) and y.shape == (40,)


def test_make_dataset_tells_xor_blobs_from_the_xor_gate():
    X_blobs, _ = make_dataset("xor", 40, rng(), noise=0.0)
    X_gate, _ = make_dataset("XOR", 40, rng(), noise=0.0)
    np.testing.assert_array_equal(X_blobs, xor_blobs(40, rng(), noise=0.0)[0])
    assert set(map(tuple, X_gate)) == {(0, 0), (0, 1), (1, 0), (1, 1)}


@pytest.mark.parametrize("test_fraction", [0.1, 0.25, 0.5])
def test_train_test_split_sizes_and_disjointness(test_fraction):
    X = np.column_stack([np.arange(20.0), np.zeros(20)])  # x1 names the point
    y = np.arange(20) % 2
    X_train, y_train, X_test, y_test = train_test_split(X, y, test_fraction, rng())
    assert len(X_test) == len(y_test) == round(test_fraction * 20)
    assert len(X_train) == len(y_train) == 20 - len(X_test)
    train, test = set(X_train[:, 0]), set(X_test[:, 0])
    assert train.isdisjoint(test) and train | test == set(range(20))
    np.testing.assert_array_equal(y_test, X_test[:, 0].astype(int) % 2)  # labels follow


@pytest.mark.parametrize(("test_fraction", "sizes"), [(0.01, (2, 1)), (0.99, (1, 2))])
def test_train_test_split_keeps_a_point_on_each_side(test_fraction, sizes):
    X_train, _, X_test, _ = train_test_split(np.zeros((3, 2)), [0, 1, 0], test_fraction, rng())
    assert (len(X_train), len(X_test)) == sizes


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda: logic_gate("XNOR"), ValueError, "AND, OR"),
        (lambda: make_dataset("swiss roll", 10, rng(), 0.1), ValueError, "gaussian"),
        (lambda: logic_gate("AND", noise=0.1), TypeError, "rng"),
        (lambda: gaussian_blobs(10, 0), TypeError, "Generator"),
        (lambda: moons(10, np.random.RandomState(0)), TypeError, "Generator"),
        (lambda: train_test_split(np.zeros((4, 2)), [0, 1, 0, 1], 0.5, 1), TypeError,
         "Generator"),
        (lambda: circles(10, rng(), noise=-0.1), ValueError, "noise"),
        (lambda: spirals(10, rng(), noise=-1.0), ValueError, "noise"),
        (lambda: logic_gate("OR", noise=-0.1, rng=rng()), ValueError, "noise"),
        (lambda: circles(10, rng(), factor=1.5), ValueError, "factor"),
        (lambda: xor_blobs(1, rng()), ValueError, "n must be an integer >= 2"),
        (lambda: train_test_split(np.zeros((4, 2)), [0, 1, 0], 0.5, rng()), ValueError,
         "disagree"),
        (lambda: train_test_split(np.zeros((4, 2)), [0, 1, 0, 1], 1.0, rng()), ValueError,
         "test_fraction"),
    ],
)
def test_bad_input_is_explained(call, error, message):
    with pytest.raises(error, match=message):
        call()



def test_digits_are_the_uci_test_set():
    # UCI "Optical Recognition of Handwritten Digits", scikit-learn's copy:
    # 1,797 images, the class counts of its description, grey levels 0..16.
    X, y = datasets.load_digits()
    assert X.shape == (1797, 8, 8) and X.dtype == np.float64
    assert y.dtype == np.int64
    assert np.bincount(y).tolist() == [178, 182, 177, 183, 181, 182, 181, 179, 174, 180]
    levels = np.unique(X * 16)
    assert levels.min() == 0 and levels.max() == 16 and np.allclose(levels, np.round(levels))
    # The first image is a 0; its top row as every copy of the data set stores it.
    assert y[0] == 0 and (X[0, 0] * 16).tolist() == [0, 0, 5, 13, 9, 1, 0, 0]


def test_digits_subset_and_flat():
    X, y = datasets.load_digits(range(5), flat=True)
    assert X.shape == (901, 64) and set(y.tolist()) == {0, 1, 2, 3, 4}
    with pytest.raises(ValueError, match="0..9"):
        datasets.load_digits([10])
