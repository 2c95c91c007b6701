r"""The lecture's "Types of NNs" drawn with their connections counted, and a convolution
counted as a partially connected layer."""

import numpy as np
import pytest
from matplotlib.colors import to_hex
from matplotlib.figure import Figure
from matplotlib.text import Text

from conftest import MATH_CORE, PRESENTATION
from course_lib import network_types
from course_lib.network_types import (
    KERNEL_COLORS,
    KINDS,
    connection_counts,
    plot_network_type,
    plot_network_types,
)
from course_lib.plotting import COLORS, PROJECTOR_BOX


def _ax():
    return Figure(figsize=(3.2, 4.2)).subplots()


# --- counting -----------------------------------------------------------------------------------

def test_a_3x3_convolution_of_a_28x28_image_as_a_partially_connected_layer():
    c = connection_counts((28, 28), 3)
    assert c.out_shape == (26, 26) and c.kernel == (3, 3)
    assert c.connections == 26 * 26 * 9 == 6084  # each output sees 9 inputs
    assert (c.shared_weights, c.biases) == (9, 1)  # ... through the same 9 weights (+ 1 bias)
    assert c.unshared_weights == 6084  # the same connections, a weight each
    assert c.fully_connected == 784 * 676 == 529_984  # every input to every output


def test_connection_counts_in_one_dimension_and_with_a_rectangular_kernel():
    c = connection_counts(6, 3)  # the drawing of a partially connected layer
    assert (c.out_shape, c.connections, c.shared_weights, c.fully_connected) == ((4,), 12, 3, 24)
    c = connection_counts((5, 7), (2, 3))
    assert c.out_shape == (4, 5) and c.connections == 20 * 6 and c.fully_connected == 35 * 20


@pytest.mark.parametrize(("in_shape", "kernel", "error", "message"), [
    ((28, 28), 30, ValueError, r"kernel \(30, 30\) is larger than the input \(28, 28\).*"
                               r"n_out = n - k \+ 1 = \(-1, -1\)"),
    (5, 6, ValueError, r"kernel \(6,\) is larger than the input \(5,\)"),
    ((28, 28), (3, 3, 3), ValueError, "same number of dimensions"),
    ((28, 0), 3, ValueError, r"in_shape must hold whole numbers >= 1.*\(28, 0\)"),
    ("big", 3, ValueError, "in_shape must hold whole numbers"),
    ((28, 28), 2.5, TypeError, "kernel must be a size or a tuple of sizes.*2.5"),
])
def test_bad_shapes_say_what_would_work(in_shape, kernel, error, message):
    with pytest.raises(error, match=message):
        connection_counts(in_shape, kernel)


# --- drawing ------------------------------------------------------------------------------------

EXPECTED = {"fully connected": 3 * 4 + 4 * 2, "recurrent": 2 * 3 + 3 + 3 + 3,
            "lateral": 2 * 3 + 3 + 4, "partially connected": 4 * 3}


@pytest.mark.parametrize("kind", KINDS)
def test_each_type_returns_its_artists_and_the_count_in_its_title(kind):
    d = plot_network_type(kind, _ax())
    assert d.connections == len(d.edges) == EXPECTED[kind]
    assert f"{d.connections} connections" in d.title.get_text()
    assert d.title.get_text().startswith(kind)
    # every node is labelled, once, with its name
    assert len(d.names) == len(d.nodes) > 0
    names = [t.get_text() for t in d.names]
    assert all(names) and len(set(names)) == len(names)
    assert d.note.get_text()


def test_recurrent_connections_go_back_and_lateral_ones_stay_in_the_layer():
    accent = to_hex(COLORS["accent"])
    recurrent = plot_network_type("recurrent", _ax())
    back = [e for e in recurrent.edges if to_hex(e.get_edgecolor()) == accent]
    assert len(back) == 6  # the output back to 3 hidden nodes, and 3 hidden nodes to themselves
    for edge in back:
        (x0, _), (x1, _) = recurrent.ends[recurrent.edges.index(edge)]
        assert x1 <= x0  # back to an earlier layer, or the same node
    assert sum(start == end for start, end in recurrent.ends) == 3  # the self-loops
    lateral = plot_network_type("lateral", _ax())
    within = [e for e in lateral.edges if to_hex(e.get_edgecolor()) == accent]
    assert len(within) == 4  # neighbours h1-h2 and h2-h3, both ways
    for edge in within:
        (x0, y0), (x1, y1) = lateral.ends[lateral.edges.index(edge)]
        assert x0 == x1 and abs(y0 - y1) == pytest.approx(1.5)  # the same layer, neighbours


def test_partially_connected_layer_shares_its_kernel_weights():
    d = plot_network_type("partially connected", _ax())
    assert d.weights == 3 and d.connections == 12
    assert d.title.get_text().endswith("12 connections, 3 weights")
    assert len(d.left_out) == 6 * 4 - 12  # the connections a fully connected layer would add
    colors = [to_hex(e.get_edgecolor()) for e in d.edges]
    # four output nodes, each with the same three weights w_1, w_2, w_3 (coloured by index)
    kernel = [to_hex(c) for c in KERNEL_COLORS]
    by_output = {}
    for (_, end), color in zip(d.ends, colors, strict=True):
        by_output.setdefault(end, []).append(color)
    assert len(by_output) == 4
    assert all(sorted(c) == sorted(kernel) for c in by_output.values())


def test_four_types_fit_one_slide_with_readable_text():
    fig = Figure(figsize=PROJECTOR_BOX, dpi=100, layout="constrained")
    drawings = plot_network_types(fig)
    assert [d.kind for d in drawings] == list(KINDS) and len(fig.axes) == 4
    sizes = [t.get_fontsize() for t in fig.findobj(Text) if t.get_text()]
    assert min(sizes) >= 11


def test_unknown_kind_names_the_four():
    with pytest.raises(TypeError, match="kind must be a name, one of: fully connected"):
        plot_network_type(3, _ax())
    with pytest.raises(ValueError, match="unknown network kind 'convolutional'; choose one of: "
                                         "fully connected, recurrent, lateral, partially "
                                         "connected"):
        plot_network_type("convolutional", _ax())


def test_network_types_is_presentation_not_math_core():
    assert network_types.__name__.startswith(PRESENTATION)
    assert network_types.__name__ not in MATH_CORE
    assert np.isfinite(connection_counts(4, 2).connections)
