r"""Live panels: they build without a front end, redraw on a change and never show a traceback."""

import subprocess
import sys

import ipywidgets as widgets
import numpy as np
import pytest

from conftest import MATH_CORE
from course_lib import datasets, neurons, sequence, sequence_data
from course_lib.explorers.convolution import pooling_explorer, stride_padding_explorer
from course_lib.explorers.neurons import (
    activation_explorer,
    perceptron_explorer,
    threshold_unit_explorer,
)
from course_lib.explorers.optimization import overfitting_lab, trajectory_lab
from course_lib.explorers.recurrent import GateInspector, temperature_sampler
from course_lib.widgets import LiveFigure, LivePanel, slider

EXPLORERS = [activation_explorer, threshold_unit_explorer, perceptron_explorer, trajectory_lab,
             overfitting_lab, stride_padding_explorer, pooling_explorer]


def png(panel):
    return bytes(panel.figure.image.value)


def first_slider(panel):
    return next(c for c in panel.controls.values()
                if isinstance(c, widgets.FloatSlider | widgets.IntSlider))


@pytest.mark.parametrize("build", EXPLORERS)
def test_explorer_builds_and_redraws_when_its_slider_moves(build):
    panel = build()
    before, status = png(panel), panel.status.value
    assert before.startswith(b"\x89PNG")
    assert status and "Traceback" not in status

    control = first_slider(panel)
    control.value = control.min if control.value != control.min else control.max
    assert png(panel).startswith(b"\x89PNG")
    assert png(panel) != before
    assert panel.status.value != status
    assert "Unexpected error" not in panel.status.value


@pytest.fixture(scope="module")
def recall_model():
    model, _, (x, y) = sequence.train_recall(6, "lstm", np.random.default_rng(0), n_train=128,
                                             n_test=64, epochs=3, H=4)
    return model, x, y


def test_gate_inspector_moves_through_the_steps_and_examples(recall_model):
    model, x, y = recall_model
    inspector = GateInspector(model, x, y, sequence_data.recall_symbols(), list("ABCD"))
    panel = inspector.panel
    assert "step 6 of 6" in panel.status.value
    before = png(panel)
    panel.controls["t"].value = 0
    assert "step 0 of 6" in panel.status.value and png(panel) != before
    panel.controls["example"].value = 3
    assert panel.status.value.startswith("<span") and "example 3" in panel.status.value
    # the first column drawn is the cell the explorer ranks best, its gate values as computed
    f = inspector.images[0].get_array()
    np.testing.assert_allclose(f[0], inspector.values["f"][3][:, inspector.order[0]])
    with pytest.raises(ValueError, match="needs an LSTM"):
        GateInspector(sequence.SequenceClassifier(9, 4, 4, np.random.default_rng(0), cell="rnn"),
                      x, y, sequence_data.recall_symbols(), list("ABCD"))


def test_gate_inspector_memory_cell_control_redraws_the_cell(recall_model):
    model, x, y = recall_model
    inspector = GateInspector(model, x, y, sequence_data.recall_symbols(), list("ABCD"))
    panel = inspector.panel
    cell = panel.controls["cell"]
    assert cell.value == inspector.order[0] and len(cell.options) == model.H
    before = png(panel)
    cell.value = int(inspector.order[-1])
    assert png(panel) != before
    assert inspector.cell_title.get_text() == f"memory cell {inspector.order[-1]} at step 6"
    assert "Unexpected error" not in panel.status.value


def test_temperature_sampler_samples_and_sharpens():
    text = sequence_data.sentences(20, np.random.default_rng(0))
    codec = sequence_data.CharCodec(text)
    model = sequence.SequenceClassifier(codec.size, 8, codec.size, np.random.default_rng(1),
                                        output="every")
    panel = temperature_sampler(model, codec, ["I was born in ", "We"], length=20)
    assert "temperature 1.00" in panel.status.value
    spread = panel.status.value.split("temperature 1.00: ")[1]
    panel.controls["temperature"].value = 0.1  # near greedy: fewer likely characters
    sharp = panel.status.value.split("temperature 0.10: ")[1]
    assert int(sharp.split()[0]) <= int(spread.split()[0])
    panel.controls["prompt"].value = "We"
    assert "<pre" in panel.status.value and "Unexpected error" not in panel.status.value


def panel_that_raises(error):
    live = LiveFigure()
    (line,) = live.axes.plot([0, 1], [0, 1])

    def update(eta):
        if eta > 1.0:
            raise error
        line.set_ydata([0, eta])
        return f"eta = {eta}"

    return LivePanel({"eta": slider("learning rate eta", 0.1, 5.0, 0.1, 0.5)}, update, live)


@pytest.mark.parametrize(
    ("error", "shown"),
    [
        (ValueError("diverged at epoch 12: try a smaller learning rate"),
         "diverged at epoch 12: try a smaller learning rate"),
        (KeyError("epoch"), "Unexpected error (KeyError)"),
    ],
)
def test_an_error_in_update_becomes_a_message(error, shown):
    panel = panel_that_raises(error)
    assert "eta = 0.5" in panel.status.value
    panel.controls["eta"].value = 3.0
    assert shown in panel.status.value
    assert "Traceback" not in panel.status.value
    assert png(panel).startswith(b"\x89PNG")
    panel.controls["eta"].value = 0.7  # a good value clears the message
    assert "eta = 0.7" in panel.status.value


def test_perceptron_explorer_says_xor_does_not_converge():
    status = perceptron_explorer("XOR", epochs=30).status.value
    assert "not converged after 30 epochs" in status
    assert "never will" in status


def play_slider_max(panel):
    (box,) = [child for child in panel.children if hasattr(child, "play")]
    assert box.play.max == panel.controls["epoch"].max
    return panel.controls["epoch"].max


@pytest.mark.parametrize("gate", ["AND", "OR", "XOR"])
def test_play_control_spans_the_trained_epochs(gate):
    panel = perceptron_explorer(gate, eta=0.2, epochs=40, seed=3)
    X, y = datasets.logic_gate(gate)
    history = neurons.train_perceptron(X, y, 0.2, 40, rng=np.random.default_rng(3))
    assert play_slider_max(panel) == len(history.errors)
    assert panel.controls["epoch"].value == len(history.errors)

    panel.controls["dataset"].value = "XOR"  # retrains: the slider follows
    assert play_slider_max(panel) == 40


def test_math_modules_import_neither_matplotlib_nor_ipywidgets():
    code = (
        "import sys\n"
        f"import {', '.join(MATH_CORE)}\n"
        "assert 'matplotlib' not in sys.modules, 'matplotlib was imported'\n"
        "assert 'ipywidgets' not in sys.modules, 'ipywidgets was imported'\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_stride_explorer_says_why_rows_are_never_covered():
    panel = stride_padding_explorer()
    c = panel.controls
    c["n"].value, c["k"].value, c["padding"].value, c["stride"].value = 3, 1, 3, 2
    assert "stride s = 2 is larger than the kernel k = 1" in panel.status.value
    assert "not whole" not in panel.status.value  # (3 + 6 - 1) / 2 = 4 is whole
    c["n"].value, c["k"].value, c["padding"].value = 6, 3, 0  # the lecture's stride-2 table
    assert "(n + 2p - k) / s is not whole: input rows and columns [5]" in panel.status.value


def test_overfitting_lab_replays_fewer_epochs_and_goes_on_for_more():
    fresh = {epochs: overfitting_lab().explorer for epochs in (150, 400)}
    for explorer, epochs in ((fresh[150], 150), (fresh[400], 400)):
        explorer.panel.controls["epochs"].value = epochs
    expected = {epochs: (lab.run.history.test_loss, lab.panel.status.value)
                for epochs, lab in fresh.items()}
    lab = overfitting_lab().explorer  # 400 epochs, then 150 (replayed), then 400 (continued)
    for epochs in (400, 150, 400):
        lab.panel.controls["epochs"].value = epochs
        if epochs == 150:
            assert (lab.run.history.test_loss, lab.panel.status.value) == expected[150]
    assert (lab.run.history.test_loss, lab.panel.status.value) == expected[400]
    assert len(lab.runs) == 1 and len(lab.run.snapshots) == 400


def test_overfitting_lab_marks_the_lowest_validation_loss_even_when_nothing_fires():
    panel = overfitting_lab()
    lab = panel.explorer
    panel.controls["patience"].value = 200  # never fires within 400 epochs
    assert "never fires" in panel.status.value
    history = lab.run.history
    (epoch,), (loss,) = lab.best_dot.get_data()
    assert epoch == int(np.argmin(history.test_loss)) + 1 and loss == min(history.test_loss)
