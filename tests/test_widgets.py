r"""Live panels: they build without a front end, redraw on a change and never show a traceback."""

import subprocess
import sys

import ipywidgets as widgets
import numpy as np
import pytest
from conftest import MATH_CORE

from course_lib import datasets, neurons
from course_lib.explorers.convolution import pooling_explorer, stride_padding_explorer
from course_lib.explorers.neurons import (
    activation_explorer,
    perceptron_explorer,
    threshold_unit_explorer,
)
from course_lib.explorers.optimization import overfitting_lab, trajectory_lab
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
