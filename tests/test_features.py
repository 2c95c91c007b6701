r"""Sobel features, stratified splits, paired differences with a t interval, relative change."""

import numpy as np
import pytest

from course_lib import conv, datasets, evaluation, features, images


def test_sobel_maps_are_the_signed_parts_of_the_lecture_kernels():
    X, _ = datasets.load_digits()
    maps = features.sobel_maps(X[:3])
    g_x = conv.cross_correlate2d(X[1], features.SOBEL_X, padding=1)
    g_y = conv.cross_correlate2d(X[1], features.SOBEL_Y, padding=1)
    assert maps.shape == (3, 4, 8, 8)
    np.testing.assert_allclose(maps[1, 0] - maps[1, 1], g_x)
    np.testing.assert_allclose(maps[1, 2] - maps[1, 3], g_y)
    assert features.SOBEL_Y[2].tolist() == [1, 2, 1]  # the corrected bottom row


def test_sobel_features_of_a_vertical_edge():
    x = np.zeros((1, 8, 8))
    x[0, :, 4:] = 1.0  # dark left, bright right: brightness rises along x
    f = features.sobel_features(x).reshape(4, 4, 4)
    assert f.shape == (4, 4, 4) and f[0].max() > 0   # relu(g_x) sees the edge
    assert np.all(f[2:, 1:3] == 0)                    # no horizontal edge inside the image


def test_sobel_features_reject_bad_input():
    with pytest.raises(ValueError, match="grey images"):
        features.sobel_features(np.zeros((2, 3, 8, 8)))
    with pytest.raises(ValueError, match="block"):
        features.sobel_features(np.zeros((2, 8, 8)), block=9)


def test_stratified_split_takes_n_of_every_class():
    y = np.repeat(np.arange(3), [5, 7, 9])
    train, rest = evaluation.stratified_split(y, 4, np.random.default_rng(0))
    assert np.bincount(y[train]).tolist() == [4, 4, 4]
    assert sorted(np.concatenate([train, rest]).tolist()) == list(range(len(y)))
    with pytest.raises(ValueError, match="at most 5"):
        evaluation.stratified_split(y, 6, np.random.default_rng(0))


@pytest.mark.parametrize(("df", "expected"), [(1, 12.706), (4, 2.776), (19, 2.093), (30, 2.042)])
def test_t_quantile_matches_the_table(df, expected):
    assert evaluation.t_quantile(0.975, df) == pytest.approx(expected, abs=1e-3)


def test_paired_difference_by_hand():
    a, b = np.array([0.9, 0.8, 0.7, 0.95]), np.array([0.85, 0.8, 0.6, 0.9])
    d = a - b
    result = evaluation.paired_difference(a, b)
    se = d.std(ddof=1) / 2
    assert result.mean == pytest.approx(d.mean()) and result.se == pytest.approx(se)
    assert result.high - result.mean == pytest.approx(evaluation.t_quantile(0.975, 3) * se)
    assert "points" in result.as_points() and result.n == 4
    with pytest.raises(ValueError, match="paired"):
        evaluation.paired_difference(a, b[:3])
    with pytest.raises(ValueError, match="p must be"):
        evaluation.t_quantile(0.3, 4)


def test_relative_change_and_shift():
    x = np.zeros((2, 1, 8, 8))
    x[:, 0, 3, 3] = 1.0
    moved = images.shift(x, 1)
    assert moved[0, 0, 3, 4] == 1 and moved[0, 0, 3, 3] == 0
    np.testing.assert_allclose(evaluation.relative_change(moved, x), np.sqrt(2))
    np.testing.assert_allclose(evaluation.relative_change(x, x), 0)
    assert np.array_equal(images.shift(images.shift(x, 0, 2), 0, -2), x)
    with pytest.raises(ValueError, match="out of its frame"):
        images.shift(x, 8)
    with pytest.raises(ValueError, match="all zero"):
        evaluation.relative_change(x, np.zeros_like(x))


def test_paired_difference_states_its_confidence_and_never_prints_minus_zero():
    a, b = np.array([0.90, 0.92, 0.95]), np.array([0.9003, 0.9197, 0.9501])
    result = evaluation.paired_difference(a, b, confidence=0.9)
    text = result.as_points()
    assert "90% interval" in text and result.confidence == 0.9
    assert "-0.0 " not in text and "-0.0," not in text and "[-0.0" not in text
