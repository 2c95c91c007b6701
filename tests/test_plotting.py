r"""Plots draw on the axes they are given and return artists a widget can update.

Axes come from ``matplotlib.figure.Figure`` (Agg canvas, no pyplot, no display).
"""

import json
import re

import numpy as np
import pytest
from matplotlib.figure import Figure

from conftest import NOTEBOOKS, ROOT
from course_lib import plotting


@pytest.fixture
def ax():
    return Figure().subplots()


def test_plot_data_gives_one_scatter_per_class(ax):
    X = np.random.default_rng(0).normal(size=(10, 2))
    y = np.array([0, 1, 1, 0, 1, 1, 1, 0, 1, 1])
    class_0, class_1 = plotting.plot_data(X, y, ax)
    np.testing.assert_array_equal(class_0.get_offsets(), X[y == 0])
    np.testing.assert_array_equal(class_1.get_offsets(), X[y == 1])
    assert len(class_0.get_offsets()) == 3 and len(class_1.get_offsets()) == 7
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("$x_1$", "$x_2$")


def test_update_data_moves_the_points(ax):
    artists = plotting.plot_data(np.zeros((0, 2)), np.zeros(0), ax)
    assert [len(a.get_offsets()) for a in artists] == [0, 0]
    plotting.update_data(artists, [[0, 0], [1, 1], [2, 2]], [1, 0, 1])
    assert [len(a.get_offsets()) for a in artists] == [1, 2]


def test_decision_regions_show_predict_on_the_grid(ax):
    def above_diagonal(p):
        return (p[:, 1] > p[:, 0]).astype(int)

    image = plotting.plot_decision_regions(above_diagonal, (-1, 1), (-2, 2), ax, resolution=30)
    grid = plotting.decision_grid((-1, 1), (-2, 2), 30)
    assert grid.shape == (900, 2)
    np.testing.assert_array_equal(image.get_array(), above_diagonal(grid).reshape(30, 30))
    assert (ax.get_xlim(), ax.get_ylim()) == ((-1, 1), (-2, 2))
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("$x_1$", "$x_2$")

    plotting.update_decision_regions(image, lambda p: 1 - above_diagonal(p))
    np.testing.assert_array_equal(image.get_array(), 1 - above_diagonal(grid).reshape(30, 30))


@pytest.mark.parametrize(
    "w",
    [
        [0.5, 0.2, 1.0],  # |w_2| >= |w_1|: mostly horizontal, x_1 spans xlim
        [0.5, -1.0, 0.0],  # w_2 = 0: vertical
        [-0.3, 2.0, 0.7],  # |w_1| > |w_2|: mostly vertical, x_2 spans ylim
        [0.0, -1.0, 1.0],  # the diagonal x_2 = x_1
    ],
)
def test_linear_boundary_end_points_lie_on_the_line(w):
    x1, x2 = plotting.linear_boundary(w, (-2, 2), (-3, 3))
    assert len(x1) == len(x2) == 2
    np.testing.assert_allclose(w[0] + w[1] * x1 + w[2] * x2, 0.0, atol=1e-12)
    spans_xlim = x1.tolist() == [-2, 2]
    spans_ylim = x2.tolist() == [-3, 3]
    assert spans_xlim if abs(w[2]) >= abs(w[1]) else spans_ylim


def test_no_line_when_w1_and_w2_are_zero():
    x1, x2 = plotting.linear_boundary([1.0, 0.0, 0.0], (-1, 1), (-1, 1))
    assert x1.size == 0 and x2.size == 0


def test_plot_and_update_linear_boundary(ax):
    line = plotting.plot_linear_boundary([0.0, 1.0, 1.0], ax, xlim=(-1, 1), ylim=(-1, 1))
    np.testing.assert_allclose(line.get_ydata(), [1, -1])
    plotting.update_linear_boundary(line, [0.5, 0.0, 1.0])
    np.testing.assert_allclose(line.get_ydata(), [-0.5, -0.5])
    plotting.update_linear_boundary(line, [1.0, 0.0, 0.0])
    assert len(line.get_xdata()) == 0


def test_plot_errors_labels_its_axis_as_told(ax):
    plotting.plot_errors([0.9, 0.5, 0.4], ax, label="training loss", ylabel="loss")
    assert ax.get_ylabel() == "loss"
    plotting.plot_errors([3, 1, 0], Figure().subplots())  # the default: mistakes


def test_plot_errors_counts_epochs_from_one(ax):
    line = plotting.plot_errors([3, 2, 0], ax)
    np.testing.assert_array_equal(line.get_xdata(), [1, 2, 3])
    np.testing.assert_array_equal(line.get_ydata(), [3, 2, 0])
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("epoch", "misclassified samples")


def test_data_limits_pad_the_points():
    xlim, ylim = plotting.data_limits([[0, 0], [2, 4]], margin=0.25)
    assert xlim == pytest.approx((-0.5, 2.5)) and ylim == pytest.approx((-1, 5))


def test_linear_boundary_needs_a_bias_and_two_weights():
    with pytest.raises(ValueError, match="w_0, w_1, w_2"):
        plotting.linear_boundary([1.0, 1.0], (0, 1), (0, 1))


@pytest.mark.parametrize(
    ("w", "inside"),
    [([-0.5, 1, 1], True), ([-5.0, 1, 1], False), ([1.0, 0, 0], False), ([0.0, 1, 0], True)],
)
def test_line_in_view(w, inside):
    assert plotting.line_in_view(w, (-1, 1), (-1, 1)) is inside


HEX_COLOUR = re.compile(r"""["']#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8})["']""")


def _code_cells(path):
    return "\n".join("".join(c["source"]) for c in json.loads(path.read_text())["cells"]
                     if c["cell_type"] == "code")


def test_explorers_and_notebooks_take_their_colours_from_plotting():
    # one named colour per meaning (plotting.COLORS); a colour code anywhere else bypasses it
    sources = {path.relative_to(ROOT): path.read_text()
               for path in [*(ROOT / "course_lib" / "explorers").glob("*.py"),
                            ROOT / "course_lib" / "network_plot.py"]}
    sources |= {path.relative_to(ROOT): _code_cells(path) for path in NOTEBOOKS}
    found = {str(name): HEX_COLOUR.findall(text) for name, text in sources.items()}
    assert not {name: codes for name, codes in found.items() if codes}


def test_every_named_colour_is_a_colour():
    from matplotlib.colors import is_color_like

    assert all(is_color_like(c) for c in [*plotting.COLORS.values(), *plotting.SERIES])
    assert plotting.CLASS_COLORS == (plotting.COLORS["class 0"], plotting.COLORS["class 1"])


def test_gradient_through_time_plot_gives_each_cell_its_colour(ax):
    norms = {"RNN": np.geomspace(1.0, 1e-6, 20), "LSTM ($b_f$ = 4)": np.full(20, 0.5)}
    rnn_line, lstm_line = plotting.plot_gradient_through_time(norms, ax)
    assert rnn_line.get_color() == plotting.COLORS["rnn"]
    assert lstm_line.get_color() == plotting.COLORS["lstm"]
    np.testing.assert_array_equal(rnn_line.get_xdata(), np.arange(20))
    assert ax.get_yscale() == "log" and ax.get_xlabel().startswith("k: steps back")
