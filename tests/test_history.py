r"""The lecture's opening in numbers: its brain, its Pentium 4 and its timeline.

Lecture: "Facts of Human Brain", "Intel Pentium 4 1.5GHz", the decade slides, "The timeline".
"""

import numpy as np
import pytest

from course_lib import history


def test_the_slides_two_neuron_counts_disagree_by_ten():
    neurons = history.BRAIN["neurons"]
    assert neurons.lecture == (1e10, 1e10)
    assert "100 billion" in neurons.lecture_text  # 100e9 = 1e11, ten times the slide's 10^10
    assert 100e9 / neurons.lecture[0] == pytest.approx(10)
    assert neurons.typical == pytest.approx(8.6e10)  # Azevedo et al. 2009
    assert "Azevedo" in neurons.source


def test_typical_firing_rate_is_far_below_the_lecture_range():
    rate = history.BRAIN["firing rate"]
    assert rate.lecture == (250.0, 2000.0)
    assert rate.estimate[1] < rate.lecture[0]
    assert rate.lecture[0] / rate.typical == 250


def test_every_fact_has_a_source_and_consistent_ranges():
    for fact in [*history.BRAIN.values(), *history.PENTIUM_4.values()]:
        assert fact.source
        assert fact.lecture[0] <= fact.lecture[1]
        assert fact.estimate[0] <= fact.typical <= fact.estimate[1]


def test_events_per_second_is_the_product_and_broadcasts():
    assert history.events_per_second(1e10, 1e4, 250) == pytest.approx(2.5e16)
    assert history.events_per_second(4.2e7, 1, 1.5e9) == pytest.approx(6.3e16)
    np.testing.assert_allclose(history.events_per_second(1e10, 1e4, np.array([250, 2000])),
                               [2.5e16, 2e17])


def test_energy_per_event_is_power_over_rate():
    assert history.energy_per_event(20.0, 8.6e14) == pytest.approx(20 / 8.6e14)
    assert history.energy_per_event(55.0, 3e9) == pytest.approx(1.833e-8, rel=1e-3)


@pytest.mark.parametrize("bad", [0, -1, np.nan, np.inf])
def test_non_positive_inputs_raise_with_the_name(bad):
    with pytest.raises(ValueError, match="rate_hz must be positive"):
        history.events_per_second(1e10, 1e4, bad)
    with pytest.raises(ValueError, match="power_w must be positive"):
        history.energy_per_event(bad, 1.0)


def test_format_facts_has_a_header_and_one_row_per_fact():
    lines = history.format_facts(history.BRAIN).splitlines()
    assert lines[0].split(" | ")[0].strip() == "quantity"
    assert len(lines) == 2 + len(history.BRAIN)
    assert "10^{10} (100 billion)" in lines[2]
    assert lines[0].split(" | ")[-1].strip() == "used" and "8.6e+10" in lines[2]


def test_timeline_is_in_order_and_its_lecture_slides_are_lines_of_the_lecture():
    years = [e.year for e in history.TIMELINE]
    assert years == sorted(years)
    assert {1943, 1958, 1960, 1969, 1982, 1986, 1989, 1995, 1997, 2006, 2012} == set(years)


def test_lecture_date_differences_are_xor_backprop_weight_sharing_and_pretraining():
    late = history.lecture_date_differences()
    assert [(e.year, e.lecture) for e in late] == [
        (1969, "1970s: XOR problem"), (1986, "1990s: Multilayer perceptron"),
        (1989, "2010s: Deep learning"), (2006, "2010s: Deep learning")]


def test_no_event_is_filed_under_the_slide_that_says_nothing_happened():
    assert not [e for e in history.TIMELINE if e.lecture == "1980s: AI winter"]


def test_the_ai_winter_had_three_developments():
    in_1980s = [e for e in history.TIMELINE if 1980 <= e.year < 1990]
    assert [e.year for e in in_1980s] == [1982, 1986, 1989]


def test_history_imports_numpy_only():
    import ast
    import inspect

    tree = ast.parse(inspect.getsource(history))
    imported = {alias.name.split(".")[0] for node in ast.walk(tree)
                if isinstance(node, ast.Import) for alias in node.names}
    imported |= {node.module.split(".")[0] for node in ast.walk(tree)
                 if isinstance(node, ast.ImportFrom) and node.module}
    assert imported <= {"numpy", "typing", "__future__"}


def _axes():
    from matplotlib.figure import Figure

    return Figure(figsize=(12.2, 4.7)).subplots()


def test_timeline_plot_draws_every_event_and_links_the_late_ones_in_the_accent_colour():
    from matplotlib.colors import to_hex

    from course_lib import plotting

    ax = _axes()
    artists = plotting.timeline_plot(history.TIMELINE, ax, decade_slides=history.DECADE_SLIDES,
                                     wrong_slides=(1980,))
    assert len(artists["events"]) == len(artists["labels"]) == len(history.TIMELINE)
    assert len(artists["slides"]) == len(history.DECADE_SLIDES)
    assert artists["winter"] is not None
    accent = to_hex(plotting.COLORS["accent"])
    late = {e.year for e in history.lecture_date_differences()}
    for marker, event in zip(artists["events"], history.TIMELINE, strict=True):
        assert marker.get_xdata()[0] == event.year
        assert (to_hex(marker.get_color()) == accent) == (event.year in late)
    box, _ = artists["slides"][list(history.DECADE_SLIDES).index(1980)]
    assert to_hex(box.get_edgecolor()) == accent


def test_timeline_plot_labels_do_not_overlap():
    from course_lib import plotting

    ax = _axes()
    labels = plotting.timeline_plot(history.TIMELINE, ax)["labels"]
    boxes = [t.get_window_extent() for t in labels]
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            assert not a.overlaps(b)


def test_timeline_plot_needs_events():
    from course_lib import plotting

    with pytest.raises(ValueError, match="at least one event"):
        plotting.timeline_plot([], _axes())
