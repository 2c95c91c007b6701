r"""plot_network: the lecture's worked example drawn with its numbers, forward and backward."""

import numpy as np
import pytest
from matplotlib.colors import to_hex
from matplotlib.figure import Figure

from course_lib.network_plot import plot_network
from course_lib.plotting import COLORS

W1 = np.array([[0.15, 0.25], [0.20, 0.30]])
W2 = np.array([[0.40], [-0.45]])
NAMES = [["$x_1$", "$x_2$"], ["$h_1$", "$h_2$"], ["$out$"]]


def _ax():
    return Figure(figsize=(12.2, 4.7)).subplots()


def test_every_node_and_edge_is_drawn_and_labelled():
    text = [["a", "b"], ["c", "d"], ["e"]]
    artists = plot_network([W1, W2], _ax(), names=NAMES, node_text=text, number_format="{:.2f}")
    assert len(artists["nodes"]) == len(artists["names"]) == len(artists["node_text"]) == 5
    assert [t.get_text() for t in artists["names"]] == [n for layer in NAMES for n in layer]
    assert [t.get_text() for t in artists["node_text"]] == ["a", "b", "c", "d", "e"]
    assert [t.get_text() for t in artists["edge_labels"]] == [
        "0.15", "0.25", "0.20", "0.30", "0.40", "-0.45"]
    assert len(artists["edges"]) == 6


def test_forward_edges_take_the_sign_colours_backward_edges_the_gradient_colour():
    forward = plot_network([W1, W2], _ax())
    colors = [to_hex(e.get_edgecolor()) for e in forward["edges"]]
    assert colors[-1] == to_hex(COLORS["negative"]) and colors[0] == to_hex(COLORS["positive"])
    grads = [np.full((2, 2), -0.002), np.full((2, 1), -0.03)]
    backward = plot_network([W1, W2], _ax(), edge_values=grads, backward=True,
                            number_format="{:.3f}")
    assert {to_hex(e.get_edgecolor()) for e in backward["edges"]} == {to_hex(COLORS["backward"])}
    assert backward["edge_labels"][0].get_text() == "-0.002"
    # the arrows point back: from the output towards the input
    tail, head = backward["edges"][-1]._posA_posB
    assert tail[0] > head[0]


@pytest.mark.parametrize(("kwargs", "match"), [
    ({"weights": []}, "non-empty list"),
    ({"weights": [W1, np.ones((3, 1))]}, r"layer 2: W has shape \(3, 1\)"),
    ({"weights": [W1, W2], "names": [["a"], ["b"], ["c"]]}, "one entry per node"),
    ({"weights": [W1, W2], "edge_values": [W1]}, "shapes of the weights"),
])
def test_bad_input_says_what_would_work(kwargs, match):
    with pytest.raises(ValueError, match=match):
        plot_network(ax=_ax(), **kwargs)
