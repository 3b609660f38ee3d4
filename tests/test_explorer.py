"""Tests for course_utils.explorer: the widget driven from code, and what it re-exports."""

import dataclasses

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.figure import Figure

from course_utils import experiments
from course_utils.explorer import LEVER_LABELS, LEVER_OPTIONS, CurveExplorer, Settings
from course_utils.figure_text import describe

QUICK = Settings(width=4, train_size=50, epochs=10)  # about a third of a second per run


def test_default_settings_are_on_the_sliders_and_every_lever_has_a_label():
    assert set(LEVER_OPTIONS) == set(LEVER_LABELS) == {f.name for f in dataclasses.fields(Settings)}
    for lever, options in LEVER_OPTIONS.items():
        assert getattr(Settings(), lever) in options


def test_notebook_06_imports_still_work():
    from course_utils.explorer import Settings, explorer_data, run_experiment

    assert (Settings, explorer_data, run_experiment) == (
        experiments.Settings,
        experiments.explorer_data,
        experiments.run_experiment,
    )


# ---------------------------------------------------------------------------- explorer


@pytest.fixture
def explorer():
    return CurveExplorer(QUICK)


def test_moving_a_slider_retrains_and_redraws(explorer):
    image, message = explorer.image.value, explorer.message.value
    explorer.controls["width"].value = 64
    assert [run.settings.width for run in explorer.runs] == [4, 64]
    assert explorer.runs[0].history["loss"] != explorer.runs[1].history["loss"]
    assert explorer.image.value != image and explorer.image.value[:4] == b"\x89PNG"
    assert explorer.message.value != message
    assert explorer.run.diagnosis.verdict in explorer.message.value
    assert "changed: width 4 → 64" in explorer.message.value


def test_heavier_settings_wait_for_the_train_button(explorer):
    explorer.controls["epochs"].value = 200
    explorer.controls["train_size"].value = 100
    assert len(explorer.runs) == 1  # nothing trained yet
    assert "press Train" in explorer.message.value
    assert explorer.train_button.button_style == "warning"
    explorer.controls["epochs"].value = 20  # light again: trains at once
    assert [run.settings.epochs for run in explorer.runs] == [10, 20]
    assert explorer.train_button.button_style == ""
    explorer.live_batches = 1  # now every change waits for the button
    explorer.controls["width"].value = 8
    assert len(explorer.runs) == 2
    explorer.train_button.click()
    assert explorer.run.settings == dataclasses.replace(QUICK, width=8, train_size=100, epochs=20)


def test_static_plot_shows_the_last_run_and_the_one_before(explorer):
    explorer.controls["l2"].value = 0.01
    ax = explorer.plot(ax=Figure().subplots())
    labels = [line.get_label() for line in ax.lines]
    assert labels[:2] == ["now: training", "now: validation"]
    assert "before: validation" in labels
    assert ax.get_title() == explorer.run.diagnosis.verdict
    assert np.allclose(ax.lines[1].get_ydata(), explorer.run.history["val_binary_crossentropy"])
    legend = [text.get_text() for text in ax.get_legend().get_texts()]
    assert any(text.startswith("now: best epoch ") for text in legend)
    with pytest.raises(TypeError, match="ax must be a matplotlib Axes"):
        explorer.plot(ax="left")


def test_explorer_shows_as_a_widget_with_descriptive_labels(explorer):
    bundle = explorer._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert "sliders show in a live Jupyter kernel" in bundle["text/plain"]  # a static copy
    assert bundle["text/plain"].endswith(describe(explorer.figure))  # and the curves in words
    assert [c.description for c in explorer.controls.values()] == list(LEVER_LABELS.values())
    assert explorer.train_button.description == "Train"
    assert repr(explorer).startswith("CurveExplorer(Settings(width=4")


@pytest.mark.parametrize(
    ("arguments", "error", "words"),
    [
        ({"settings": Settings(width=5)}, ValueError, r"settings.width=5 is not on its slider"),
        ({"settings": {"width": 4}}, TypeError, "settings must be Settings or None"),
        ({"live_batches": 0}, ValueError, "live_batches must be 1 or more"),
    ],
)
def test_explorer_checks_its_arguments(arguments, error, words):
    with pytest.raises(error, match=words):
        CurveExplorer(**arguments)


def test_explorer_never_opens_a_pyplot_figure():
    before = plt.get_fignums()
    CurveExplorer(QUICK).controls["depth"].value = 2
    assert plt.get_fignums() == before


def test_runs_differ_by_marker_too_and_the_curves_are_in_words_under_the_figure(explorer):
    explorer.controls["width"].value = 8
    by_label = {line.get_label(): line for line in explorer.figure.axes[0].lines}
    assert by_label["now: validation"].get_marker() != by_label["before: validation"].get_marker()
    words = describe(explorer.figure)
    assert words.startswith(f"{explorer.run.diagnosis.verdict}: binary_crossentropy, 2 runs. now")
    assert "The curves in words" in explorer.words.value
    assert words.split(". now")[0] in explorer.words.value
    assert explorer.words in explorer.widget.children
    axes = explorer.figure.axes[0]
    explorer.figure.canvas.draw()
    legend = axes.get_legend().get_window_extent()
    assert axes.get_window_extent().x1 < legend.x0 and legend.x1 <= explorer.figure.bbox.x1
