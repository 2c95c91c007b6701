r"""The playground of notebook 02: controls retrain or continue, drawing matches the model."""

import numpy as np
import pytest

from course_lib.explorers.playground import Playground
from course_lib.network_plot import NetworkDrawing, node_positions


def png(pg):
    return bytes(pg.live.image.value)


@pytest.fixture
def pg():
    return Playground(seed=0)


def test_it_starts_with_a_short_burst_of_training(pg):
    assert png(pg).startswith(b"\x89PNG")
    assert pg.trainer.history.epochs >= 1
    assert "epoch" in pg.panel.status.value


@pytest.mark.parametrize(("name", "value"), [("layers", 3), ("width", 7), ("dataset", "spirals"),
                                             ("activation", "relu"), ("noise", 0.3)])
def test_changing_the_data_or_network_starts_again(pg, name, value):
    before = png(pg)
    pg.panel.controls[name].value = value
    assert png(pg) != before
    assert pg.model.sizes == [2, *[pg.panel.controls["width"].value]
                              * pg.panel.controls["layers"].value, 1]
    assert pg.trainer.history.epochs <= 60  # new weights, one burst of training


def test_changing_eta_continues_from_the_current_weights(pg):
    pg.trainer.run(30)
    weights = pg.model.copy_params()
    epochs = pg.trainer.history.epochs
    pg.panel.controls["eta"].value = 0.1
    assert pg.trainer.eta == pytest.approx(0.1)
    assert pg.trainer.history.epochs > epochs
    assert any(not np.array_equal(weights[k], v) for k, v in pg.model.params.items())


def test_step_runs_one_epoch_and_reset_goes_back_to_epoch_0(pg):
    epochs = pg.trainer.history.epochs
    pg._act("step")
    assert pg.trainer.history.epochs == epochs + 1
    pg._act("reset")
    assert pg.trainer.history.epochs == 0
    assert "epoch 0" in pg.panel.status.value


def test_batch_size_all_is_full_batch(pg):
    pg.panel.controls["batch_size"].value = "all"
    assert pg.trainer.batch_size == len(pg.data[0])


def test_depth_zero_and_sixteen_wide_six_deep_draw():
    for layers, width in ((0, 1), (6, 16)):
        pg = Playground(layers=layers, width=width)
        assert png(pg).startswith(b"\x89PNG")
        assert len(pg.drawing.positions) == layers + 2


def test_a_diverging_network_says_so_and_draws_without_warnings():
    with np.errstate(over="raise", divide="raise", invalid="raise"):
        pg = Playground(activation="linear", eta=10.0)
    assert "diverged at epoch" in pg.panel.status.value
    assert "smaller learning rate" in pg.panel.status.value


def test_playing_reaches_xor_in_a_few_seconds_of_frames(pg):
    for _ in range(40):
        pg.frame()
    assert pg.trainer.history.test_accuracy[-1] >= 0.95


def test_node_positions_are_centred_per_layer():
    positions = node_positions([2, 4, 1])
    assert [len(p) for p in positions] == [2, 4, 1]
    for layer, p in enumerate(positions):
        assert np.all(p[:, 0] == layer)
        assert p[:, 1].mean() == pytest.approx(0.0)
        assert np.all(np.abs(p[:, 1]) <= 1.0)


def test_network_drawing_line_widths_follow_the_weights():
    from matplotlib.figure import Figure

    ax = Figure().subplots()
    drawing = NetworkDrawing(ax, [2, 3, 1])
    params = {"W1": np.array([[0.0, 1.0, -2.0], [0.5, 0.0, 3.0]]), "W2": np.ones((3, 1))}
    maps = [np.zeros((2, 4, 4)), np.zeros((3, 4, 4)), np.zeros((1, 4, 4))]
    lines, _ = drawing.update(params, maps, [(-1, 1)] * 3)
    widths = np.asarray(lines.get_linewidths())[:6]
    assert len(lines.get_segments()) == 2 * 3 + 3 * 1
    w = np.abs(params["W1"]).ravel()
    assert np.all(np.diff(widths[np.argsort(w)]) >= 0)  # wider for larger |w_ij|


def test_new_start_draws_new_initial_weights_and_reset_keeps_them(pg):
    pg._act("reset")
    first = pg.model.copy_params()
    pg.frame()
    pg._act("reset")
    assert all(np.array_equal(first[k], v) for k, v in pg.model.params.items())
    pg._act("new")
    assert pg.trainer.history.epochs == 0
    assert any(not np.array_equal(first[k], v) for k, v in pg.model.params.items())


def test_a_frame_trains_speed_epochs(pg):
    pg.panel.controls["speed"].value = 2
    epochs = pg.trainer.history.epochs
    pg.frame()
    assert pg.trainer.history.epochs == epochs + 2


def test_a_rising_loss_is_called_a_too_large_learning_rate():
    pg = Playground(dataset="spirals", layers=3, width=8, eta=3.0, speed=25)
    for _ in range(6):
        pg.frame()
    assert "learning rate is too large" in pg.panel.status.value


@pytest.mark.parametrize(("setting", "value"), [("dataset", "spiral"), ("batch_size", 3),
                                                ("activation", "softplus"), ("layers", 7)])
def test_bad_settings_list_the_choices(setting, value):
    with pytest.raises(ValueError, match="must be one of"):
        Playground(**{setting: value})
