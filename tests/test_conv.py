r"""Convolution and pooling: the lecture's tables, output sizes, and backward passes."""

import numpy as np
import pytest

from course_lib import conv, pooling
from course_lib.gradcheck import numerical_gradient, relative_error

# the lecture's "Stride" slide: a 6x6 input and a 3x3 vertical-edge kernel
LECTURE_X = np.array([[1, 2, 3, 1, 3, 5], [2, 2, 5, 4, 2, 5], [0, 6, 9, 6, 2, 2],
                      [2, 0, 1, 9, 4, 0], [5, 5, 4, 6, 7, 6], [6, 1, 3, 7, 1, 5]])
LECTURE_K = np.array([[1, 0, -1], [1, 0, -1], [1, 0, -1]])


def test_lecture_stride_1_table():
    out = conv.cross_correlate2d(LECTURE_X, LECTURE_K)
    # the slide prints 10 in the bottom-right corner; the window there,
    # [[9, 4, 0], [6, 7, 6], [7, 1, 5]], gives (9 - 0) + (6 - 6) + (7 - 5) = 11
    np.testing.assert_array_equal(out, [[-14, -1, 10, -1], [-11, -11, 7, 12],
                                        [-7, -10, 1, 13], [5, -16, -4, 11]])


def test_lecture_stride_2_table_and_the_uncovered_row_and_column():
    np.testing.assert_array_equal(conv.cross_correlate2d(LECTURE_X, LECTURE_K, stride=2),
                                  [[-14, 10], [-7, 1]])
    assert conv.conv_output_size(6, 3, stride=2) == 2
    assert conv.uncovered(6, 3, stride=2) == [5]


def test_convolution_flips_the_kernel():
    # this kernel is antisymmetric left-right, so flipping it negates the result
    np.testing.assert_array_equal(conv.convolve2d(LECTURE_X, LECTURE_K),
                                  -conv.cross_correlate2d(LECTURE_X, LECTURE_K))


def test_lecture_depth_example_32x32x3_with_six_5x5x3_filters():
    rng = np.random.default_rng(0)
    out, _ = conv.conv2d_forward(rng.normal(size=(1, 3, 32, 32)), rng.normal(size=(6, 3, 5, 5)))
    assert out.shape == (1, 6, 28, 28)


@pytest.mark.parametrize(("n", "k", "s", "p", "expected"), [
    (6, 3, 1, 0, 4), (6, 3, 2, 0, 2), (32, 5, 1, 0, 28), (227, 11, 4, 0, 55), (5, 3, 1, 1, 5),
    (7, 3, 3, 0, 2), (4, 4, 1, 0, 1)])
def test_output_size_formula(n, k, s, p, expected):
    assert conv.conv_output_size(n, k, s, p) == expected == (n + 2 * p - k) // s + 1


@pytest.mark.parametrize(("args", "message"), [
    ((6, 3, 0, 0), "stride"), ((6, 3, 1, -1), "padding"), ((3, 5, 1, 0), r"k = 5 > n \+ 2p")])
def test_output_size_refuses_impossible_settings(args, message):
    with pytest.raises(ValueError, match=message):
        conv.conv_output_size(*args)


STRIDES_PADDINGS = [(1, 0), (1, 1), (2, 0), (2, 1), (3, 2)]  # (2, 0) on 7 does not divide


@pytest.mark.parametrize(("stride", "padding"), STRIDES_PADDINGS)
def test_fast_and_loop_versions_agree(stride, padding):
    rng = np.random.default_rng(stride * 10 + padding)
    x, w, b = rng.normal(size=(2, 3, 7, 6)), rng.normal(size=(4, 3, 3, 3)), rng.normal(size=4)
    fast, fast_cache = conv.conv2d_forward(x, w, b, stride, padding)
    slow, slow_cache = conv.conv2d_forward_loops(x, w, b, stride, padding)
    np.testing.assert_allclose(fast, slow, atol=1e-12)
    dout = rng.normal(size=fast.shape)
    for a, b_ in zip(conv.conv2d_backward(dout, fast_cache),
                     conv.conv2d_backward_loops(dout, slow_cache), strict=True):
        np.testing.assert_allclose(a, b_, atol=1e-12)


@pytest.mark.parametrize(("stride", "padding"), STRIDES_PADDINGS)
def test_conv_backward_against_finite_differences(stride, padding):
    rng = np.random.default_rng(stride + 7 * padding)
    x, w, b = rng.normal(size=(2, 2, 7, 6)), rng.normal(size=(3, 2, 3, 3)), rng.normal(size=3)
    out, cache = conv.conv2d_forward(x, w, b, stride, padding)
    G = rng.normal(size=out.shape)
    dx, dw, db = conv.conv2d_backward(G, cache)
    params = {"x": x, "w": w, "b": b}
    analytic = {"x": dx, "w": dw, "b": db}
    for name, value in params.items():
        def loss(_):
            return float(np.sum(G * conv.conv2d_forward(params["x"], params["w"], params["b"],
                                                        stride, padding)[0]))
        assert relative_error(analytic[name], numerical_gradient(loss, value)) < 1e-7, name


@pytest.mark.parametrize(("size", "stride"), [(2, 2), (3, 2), (2, 1), (3, 3)])
@pytest.mark.parametrize("kind", ["max", "avg"])
def test_pooling_backward_against_finite_differences(kind, size, stride):
    forward = getattr(pooling, f"{kind}pool2d_forward")
    backward = getattr(pooling, f"{kind}pool2d_backward")
    rng = np.random.default_rng(size * stride)
    x = rng.normal(size=(2, 3, 7, 8))
    out, cache = forward(x, size, stride)
    G = rng.normal(size=out.shape)
    numeric = numerical_gradient(lambda x: float(np.sum(G * forward(x, size, stride)[0])),
                                 x.copy())
    assert relative_error(backward(G, cache), numeric) < 1e-7


def test_max_pooling_sends_the_gradient_to_the_maximum():
    x = np.array([[[[1.0, 5.0], [3.0, 2.0]]]])
    out, cache = pooling.maxpool2d_forward(x, 2, 2)
    assert out[0, 0, 0, 0] == 5.0
    np.testing.assert_array_equal(pooling.maxpool2d_backward(np.ones((1, 1, 1, 1)), cache),
                                  [[[[0.0, 1.0], [0.0, 0.0]]]])
    avg, avg_cache = pooling.avgpool2d_forward(x, 2, 2)
    assert avg[0, 0, 0, 0] == 2.75
    np.testing.assert_array_equal(pooling.avgpool2d_backward(np.ones((1, 1, 1, 1)), avg_cache),
                                  np.full((1, 1, 2, 2), 0.25))


@pytest.mark.parametrize(("x_shape", "w_shape", "message"), [
    ((1, 3, 8, 8), (4, 2, 3, 3), "channel mismatch"),
    ((3, 8, 8), (4, 3, 3, 3), "4-D"),
    ((1, 3, 4, 4), (2, 3, 7, 7), "kernel larger than the padded input"),
])
def test_conv_bad_input_names_shapes(x_shape, w_shape, message):
    with pytest.raises(ValueError, match=message):
        conv.conv2d_forward(np.zeros(x_shape), np.zeros(w_shape))


@pytest.mark.parametrize("size", [2, 3])
def test_max_pooling_ties_go_to_the_first_maximum_in_both_paths(size):
    x = np.zeros((1, 1, 6, 6))  # every window is a tie
    for stride in (size, 1):  # tiling windows (fast path) and overlapping ones
        out, cache = pooling.maxpool2d_forward(x, size, stride)
        dx = pooling.maxpool2d_backward(np.ones_like(out), cache)
        expected = np.zeros_like(x)
        for i in range(out.shape[2]):
            for j in range(out.shape[3]):
                expected[0, 0, i * stride, j * stride] += 1  # the window's top-left cell
        np.testing.assert_array_equal(dx, expected)
