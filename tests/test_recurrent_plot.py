r"""The recurrent diagrams: the RNN unfolded in time, one LSTM cell, and the gate inspector's cell.

Facts from the lecture's figures: the unfolded RNN has one copy of A per step, all
with the same W and b; the LSTM cell has the memory lane C_{t-1} -> C_t with a x and
a +, the layers sigma, sigma, tanh, sigma on [h_{t-1}, x_t] and h_t = o_t * tanh(C_t).
"""

from __future__ import annotations

import ast
import re

import matplotlib
import numpy as np
import pytest
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure

from conftest import MATH_CORE, ROOT
from course_lib import lstm, plotting, sequence, sequence_data
from course_lib.explorers.recurrent import GateInspector
from course_lib.recurrent_plot import (
    CELL_PARTS,
    CELL_VALUES,
    LSTMCellDiagram,
    rnn_unfolded_plot,
)


@pytest.fixture
def ax():
    return Figure(figsize=(6, 4.7), dpi=100).subplots()


def texts(artists) -> list[str]:
    return [a.get_text() for a in artists]


# ---------------------------------------------------------------- the unfolded RNN


def test_unfolded_rnn_labels_every_node_and_shares_W_b_in_every_copy(ax):
    art = rnn_unfolded_plot(5, ax)
    assert len(art["cells"]) == 5
    labels = texts(art["labels"])
    for symbol in ["$x_t$", "$h_t$", "$h_{t-1}$",
                   *(f"$x_{{{t}}}$" for t in range(5)), *(f"$h_{{{t}}}$" for t in range(5))]:
        assert symbol in labels, symbol
    assert labels.count("$A$") == 1 + 5  # the folded cell and its five copies
    assert texts(art["shared"]).count("$W, b$") == 1 + 5
    assert any("same $W, b$" in text for text in texts(art["shared"]))
    # x_t -> A -> h_t for the folded cell and every copy, and h_t -> the next copy
    assert len(art["edges"]) == 2 + 2 * 5 + 4
    assert art["gradient"] == [] and art["ratios"] == []
    assert all(text.get_visible() for text in art["labels"])


def test_unfolded_rnn_fades_the_gradient_back_through_time(ax):
    gradient = 10.0 ** -np.arange(6)  # index k: k steps before the last step
    art = rnn_unfolded_plot(6, ax, gradient=gradient)
    # the ratios under x_0 .. x_5: x_5 is the last step (k = 0), x_0 five steps back
    assert texts(art["ratios"]) == ["$10^{-5}$", "$10^{-4}$", "$10^{-3}$", "0.01", "0.1", "1"]
    assert r"$\mathcal{L}$" in texts(art["labels"])
    backward = [a for a in art["gradient"] if a.get_alpha() is not None]
    alphas = [a.get_alpha() for a in backward]
    assert alphas == sorted(alphas)  # fainter the further back (earlier steps drawn first)
    assert alphas[0] < 0.3 and alphas[-1] == 1.0
    colour = to_rgba(plotting.COLORS["backward"])
    assert all(a.get_edgecolor()[:3] == pytest.approx(colour[:3]) for a in art["gradient"])


def test_unfolded_rnn_writes_the_values_and_leaves_the_nodes_white(ax):
    values = np.array([-0.9, 0.0, 0.9])
    art = rnn_unfolded_plot(3, ax, values=values)
    assert texts(art["values"]) == ["-0.900", "0.000", "0.900"]
    h_nodes = art["nodes"][1::2]  # x_0, h_0, x_1, h_1, ...
    assert all(node.get_facecolor() == pytest.approx(to_rgba("white")) for node in h_nodes)


def test_unfolded_rnn_can_hide_its_symbols(ax):
    art = rnn_unfolded_plot(2, ax, labels=False)
    assert art["labels"] and not any(text.get_visible() for text in art["labels"])


@pytest.mark.parametrize(("T", "error", "message"), [
    (0, ValueError, "between 1 and 12"), (-3, ValueError, "between 1 and 12"),
    (13, ValueError, "last 12 steps"), (2.5, TypeError, "whole number"),
    (True, TypeError, "whole number")])
def test_unfolded_rnn_needs_a_number_of_steps(ax, T, error, message):
    with pytest.raises(error, match=message):
        rnn_unfolded_plot(T, ax)


@pytest.mark.parametrize(("gradient", "message"), [
    (np.ones(5), r"shape \(6,\); got shape \(5,\)"),
    (np.ones((6, 1)), r"shape \(6,\)"),
    ([0.0, 1, 1, 1, 1, 1], "last step's"),
    ([1.0, -1, 1, 1, 1, 1], ">= 0"),
    ([1.0, np.nan, 1, 1, 1, 1], "finite")])
def test_unfolded_rnn_rejects_a_gradient_that_is_not_one_norm_per_step(ax, gradient, message):
    with pytest.raises(ValueError, match=message):
        rnn_unfolded_plot(6, ax, gradient=gradient)


def test_unfolded_rnn_rejects_values_of_the_wrong_length(ax):
    with pytest.raises(ValueError, match="one finite number per step"):
        rnn_unfolded_plot(3, ax, values=[1.0, 2.0])


# ---------------------------------------------------------------- one LSTM cell

VALUES = {"x_t": 1.0, "h_prev": -0.31, "C_prev": 1.52, "f_t": 0.98, "i_t": 0.07,
          "C_tilde_t": -0.64, "o_t": 0.83}
VALUES["C_t"] = VALUES["f_t"] * VALUES["C_prev"] + VALUES["i_t"] * VALUES["C_tilde_t"]
VALUES["h_t"] = VALUES["o_t"] * np.tanh(VALUES["C_t"])


def test_lstm_cell_labels_every_line_and_node_as_the_lecture(ax):
    cell = LSTMCellDiagram(ax)
    labels = texts(cell.labels.values())
    for symbol in ["$C_{t-1}$", "$C_t$", "$h_{t-1}$", "$h_t$", "$x_t$", "$f_t$", "$i_t$",
                   r"$\tilde{C}_t$", "$o_t$", "$+$"]:
        assert symbol in labels, symbol
    assert labels.count(r"$\times$") == 3  # forget, input, output
    assert labels.count(r"$\sigma$") == 3 and labels.count("tanh") == 2  # layer and output
    assert set(cell.parts) == set(CELL_PARTS)
    assert set(cell.value_texts) == set(CELL_VALUES)
    # everything that changes is on the axes and listed once, for blitting
    assert len(set(map(id, cell.artists))) == len(cell.artists)
    assert all(a.axes is ax for a in cell.artists)
    for part in cell.parts.values():
        assert {id(a) for a in part} <= set(map(id, cell.artists))


@pytest.mark.parametrize("part", CELL_PARTS)
def test_highlight_emphasises_one_part_and_dims_the_rest(ax, part):
    cell = LSTMCellDiagram(ax)
    widths = {id(e.arrow): e.arrow.get_linewidth() for e in cell.edges.values()}
    cell.highlight(part)
    inside = set(map(id, cell.parts[part]))
    for artist in cell.artists:
        if id(artist) in inside:
            assert artist.get_alpha() == 1.0
        else:
            assert artist.get_alpha() < 0.5
    for edge in cell.edges.values():
        if id(edge.arrow) in inside:
            assert edge.arrow.get_linewidth() > widths[id(edge.arrow)]
    cell.highlight(None)
    assert all(a.get_alpha() == 1.0 for a in cell.artists)
    assert {id(e.arrow): e.arrow.get_linewidth() for e in cell.edges.values()} == widths


def test_highlight_colours_each_part_as_its_gate(ax):
    cell = LSTMCellDiagram(ax)
    for part, node, gate in [("memory lane", "+", "C_t"), ("forget gate", "forget x", "f_t"),
                             ("input gate", "input x", "i_t"), ("output layer", "output x", "o_t")]:
        cell.highlight(part)
        assert cell.nodes[node].get_edgecolor()[:3] == pytest.approx(
            to_rgba(plotting.COLORS[gate])[:3])
    assert cell.edges["f_t"].arrow.get_edgecolor()[:3] == pytest.approx(
        to_rgba(plotting.COLORS["f_t"])[:3])


def test_highlight_rejects_an_unknown_part(ax):
    with pytest.raises(ValueError, match="'memory lane', 'forget gate'.*got 'gate'"):
        LSTMCellDiagram(ax).highlight("gate")


def test_show_writes_the_numbers_and_colours_the_lines_in_place(ax):
    cell = LSTMCellDiagram(ax, C_limit=2.0)
    before = (list(map(id, cell.artists)), len(ax.patches), len(ax.texts))
    cell.show(VALUES)
    shown = {k: t.get_text() for k, t in cell.value_texts.items()}
    assert shown == {k: f"{v:.2f}" for k, v in VALUES.items()}
    assert shown["C_t"] == "1.44" and shown["h_t"] == "0.74"
    assert (list(map(id, cell.artists)), len(ax.patches), len(ax.texts)) == before  # no redraw
    unit = matplotlib.colormaps[plotting.CMAPS["unit"]]
    signed = matplotlib.colormaps[plotting.CMAPS["signed"]]
    assert cell.edges["f_t"].arrow.get_edgecolor() == pytest.approx(unit(0.98))
    assert cell.edges["C_prev"].arrow.get_edgecolor() == pytest.approx(signed(0.5 + 1.52 / 4))
    cell.show({k: v for k, v in VALUES.items() if k != "x_t"})  # x_t is optional
    assert cell.value_texts["x_t"].get_text() == ""
    cell.show(None)
    assert all(t.get_text() == "" for t in cell.value_texts.values())
    assert cell.edges["f_t"].arrow.get_edgecolor()[:3] == pytest.approx(
        to_rgba(plotting.COLORS["f_t"])[:3])


@pytest.mark.parametrize(("change", "error", "message"), [
    ({"f_t": None}, TypeError, r"values\['f_t'\] must be one number"),
    ({"C_t": "1.0"}, TypeError, "one number"),
    ({"o_t": np.ones(3)}, TypeError, "one number"),
    ({"h_t": np.nan}, ValueError, r"values\['h_t'\] must be finite"),
    ({"C_prev": np.inf}, ValueError, "finite"),
    ({"g_t": 0.5}, ValueError, r"unknown \['g_t'\]")])
def test_show_rejects_a_value_that_is_not_one_finite_number(ax, change, error, message):
    with pytest.raises(error, match=message):
        LSTMCellDiagram(ax).show(VALUES | change)


def test_show_names_a_missing_value_and_needs_a_dict(ax):
    cell = LSTMCellDiagram(ax)
    with pytest.raises(ValueError, match=r"missing \['C_tilde_t'\]"):
        cell.show({k: v for k, v in VALUES.items() if k != "C_tilde_t"})
    with pytest.raises(TypeError, match="dict of floats"):
        cell.show([0.5] * 9)
    with pytest.raises(ValueError, match="C_limit"):
        LSTMCellDiagram(ax, C_limit=0)


def test_show_accepts_numpy_scalars(ax):
    cell = LSTMCellDiagram(ax)
    cell.show({k: np.float32(v) for k, v in VALUES.items()} | {"f_t": np.array([0.5])})
    assert cell.value_texts["f_t"].get_text() == "0.50"


# ---------------------------------------------------------------- the house rules


def test_recurrent_plot_is_presentation_below_the_widgets():
    assert "course_lib.recurrent_plot" not in MATH_CORE
    source = (ROOT / "course_lib" / "recurrent_plot.py").read_text()
    imported = {node.module for node in ast.walk(ast.parse(source))
                if isinstance(node, ast.ImportFrom) and node.level}
    assert imported == {"plotting"}  # no widget, no explorer
    assert not re.findall(r"""["']#[0-9a-fA-F]{3,8}["']""", source)  # colours by name only


# ---------------------------------------------------------------- the gate inspector's cell


@pytest.fixture(scope="module")
def recall_model():
    model, _, (x, y) = sequence.train_recall(6, "lstm", np.random.default_rng(0), n_train=128,
                                             n_test=64, epochs=3, H=4)
    return model, x, y


@pytest.mark.parametrize("compact", [False, True])
def test_gate_inspector_cell_shows_the_lstm_values_of_the_chosen_step_and_cell(recall_model,
                                                                                compact):
    model, x, y = recall_model
    inspector = GateInspector(model, x, y, sequence_data.recall_symbols(), list("ABCD"),
                              compact=compact)
    controls = inspector.panel.controls
    assert controls["cell"].value == inspector.order[0]  # the best-separating cell first
    _, cache = lstm.lstm_forward(x, None, model.cell_params)  # the lecture's loop
    for example, t, cell in [(0, 6, int(inspector.order[0])), (2, 3, int(inspector.order[-1])),
                             (2, 0, int(inspector.order[1]))]:
        controls["example"].value, controls["t"].value, controls["cell"].value = example, t, cell
        shown = {k: text.get_text() for k, text in inspector.cell.value_texts.items()}
        expected = {"f_t": cache.f, "i_t": cache.i, "C_tilde_t": cache.C_tilde, "o_t": cache.o,
                    "C_t": cache.C, "h_t": cache.h}
        for key, value in expected.items():
            assert shown[key] == f"{value[example, t, cell]:.2f}", key
        previous = (cache.C[example, t - 1, cell], cache.h[example, t - 1, cell]) if t else (0, 0)
        assert (shown["C_prev"], shown["h_prev"]) == tuple(f"{v:.2f}" for v in previous)
        assert inspector.cell_title.get_text().startswith(f"memory cell {cell}")
        row = list(inspector.order).index(cell)  # the heat maps box the same cell and step
        assert inspector.cell_boxes[0].get_xy() == (t - 0.5, row - 0.5)
    assert "Unexpected error" not in inspector.panel.status.value
    width, height = inspector.live.figure.get_size_inches()
    if compact:  # fits the slide's live box; the C_t bars make way for the cell
        assert width <= plotting.PROJECTOR_LIVE_BOX[0] and height <= plotting.PROJECTOR_LIVE_BOX[1]
        assert inspector.bars == []


def test_unfolded_steps_can_be_numbered_from_one():
    from matplotlib.figure import Figure

    from course_lib.recurrent_plot import rnn_unfolded_plot

    ax = Figure(figsize=(12.2, 4.7)).subplots()
    texts = [t.get_text() for t in rnn_unfolded_plot(3, ax, first=1)["labels"]]
    assert "$x_{1}$" in texts and "$h_{3}$" in texts and "$x_{0}$" not in texts
    with pytest.raises(ValueError, match="first"):
        rnn_unfolded_plot(3, Figure().subplots(), first=-1)
