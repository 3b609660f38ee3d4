"""Tests for course_utils.explorer: the levers, the runs, and the widget driven from code."""

import dataclasses

import matplotlib.pyplot as plt
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from matplotlib.figure import Figure

from course_utils.baselines import baseline_loss
from course_utils.explorer import (
    LEVER_LABELS,
    LEVER_OPTIONS,
    CurveExplorer,
    Settings,
    build_model,
    explorer_data,
    flip_labels,
    run_experiment,
)
from course_utils.splits import split_data

QUICK = Settings(width=4, train_size=50, epochs=10)  # about a third of a second per run
PROPERTY = settings(database=None, deadline=None, max_examples=40)


# ---------------------------------------------------------------------------- Settings


@pytest.mark.parametrize(
    ("changes", "error", "words"),
    [
        ({"width": 0}, ValueError, "width must be 1 or more"),
        ({"width": 2.0}, TypeError, "width must be a whole number"),
        ({"depth": -1}, ValueError, "depth must be 0 or more"),
        ({"train_size": True}, TypeError, "train_size must be a whole number"),
        ({"epochs": 4}, ValueError, "epochs must be 5 or more"),
        ({"label_noise": 0.6}, ValueError, "label_noise must be at least 0 and at most 0.5"),
        ({"label_noise": "0.1"}, TypeError, "label_noise must be a number"),
        ({"dropout": 1.0}, ValueError, "dropout must be at least 0 and below 1"),
        ({"l2": -0.01}, ValueError, "l2 must be a finite number, 0 or more"),
        ({"l2": float("nan")}, ValueError, "l2 must be a finite number"),
        ({"learning_rate": 0}, ValueError, "learning_rate must be above 0"),
        ({"learning_rate": None}, TypeError, "learning_rate must be a number"),
    ],
)
def test_settings_reject_bad_values_and_say_which(changes, error, words):
    with pytest.raises(error, match=words):
        Settings(**changes)


@PROPERTY
@given(
    st.fixed_dictionaries(
        {}, optional={lever: st.sampled_from(options) for lever, options in LEVER_OPTIONS.items()}
    )
)
def test_changes_from_names_exactly_the_levers_that_differ(changes):
    text = Settings(**changes).changes_from(Settings())
    changed = [lever for lever, value in changes.items() if value != getattr(Settings(), lever)]
    assert [part.split()[0] for part in text.split(", ") if part] == sorted(
        changed, key=list(LEVER_OPTIONS).index
    )


def test_batches_count_training_and_validation_batches_of_every_epoch():
    assert Settings(train_size=33, epochs=10).batches(val_size=64) == 10 * (2 + 2)
    with pytest.raises(ValueError, match="val_size"):
        Settings().batches(val_size=0)


def test_default_settings_are_on_the_sliders_and_every_lever_has_a_label():
    assert set(LEVER_OPTIONS) == set(LEVER_LABELS) == {f.name for f in dataclasses.fields(Settings)}
    for lever, options in LEVER_OPTIONS.items():
        assert getattr(Settings(), lever) in options


# ---------------------------------------------------------------------------- labels


@PROPERTY
@given(
    labels=st.lists(st.sampled_from([0, 1]), min_size=1, max_size=200),
    fraction=st.floats(0, 1),
    seed=st.integers(0, 2**32 - 1),
)
def test_flip_labels_flips_the_stated_number_and_leaves_the_input_alone(labels, fraction, seed):
    original = np.array(labels)
    flipped = flip_labels(original, fraction, seed)
    assert np.array_equal(original, labels)  # a copy, not changed in place
    assert (flipped != original).sum() == round(fraction * len(labels))
    assert np.array_equal(flipped, flip_labels(original, fraction, seed))


@pytest.mark.parametrize(
    ("y", "fraction", "error", "words"),
    [
        ([0, 2], 0.1, ValueError, "labels 0 and 1"),
        ([0, 1], 1.5, ValueError, "fraction"),
        ([0, 1], None, TypeError, "fraction"),
    ],
)
def test_flip_labels_rejects_bad_arguments(y, fraction, error, words):
    with pytest.raises(error, match=words):
        flip_labels(y, fraction)


# ---------------------------------------------------------------------------- runs


def test_build_model_follows_the_levers():
    model = build_model(Settings(width=8, depth=2, dropout=0.2, l2=0.01), n_features=3)
    assert [type(layer).__name__ for layer in model.layers] == [
        "Dense",
        "Dropout",
        "Dense",
        "Dropout",
        "Dense",
    ]
    assert model.layers[0].units == 8
    assert model.layers[0].kernel_regularizer.l2 == pytest.approx(0.01)
    assert len(build_model(Settings(depth=0), n_features=3).layers) == 1  # logistic regression
    with pytest.raises(TypeError, match="settings must be Settings"):
        build_model({"width": 8}, n_features=3)


def test_same_settings_and_seed_give_the_same_curves_and_another_seed_does_not():
    first, again, other = (run_experiment(QUICK, seed=seed) for seed in (0, 0, 1))
    assert first.history == again.history
    assert first.history["val_loss"] != other.history["val_loss"]
    assert len(first.history["loss"]) == QUICK.epochs
    assert first.diagnosis.verdict in {"underfitting", "overfitting", "good fit", "still improving"}


def test_label_noise_flips_training_labels_only():
    clean = run_experiment(QUICK)
    noisy = run_experiment(dataclasses.replace(QUICK, label_noise=0.4))
    assert noisy.history["loss"][-1] > clean.history["loss"][-1]  # flipped labels are harder
    data = explorer_data()
    flipped = flip_labels(data.y_train[:50], 0.4)
    # the baseline guesses from the noisy training labels and scores the true validation ones
    expected = baseline_loss(flipped, data.y_val, "binary_crossentropy")
    assert noisy.baseline == pytest.approx(expected)


def test_run_experiment_checks_its_arguments():
    with pytest.raises(TypeError, match="settings must be Settings"):
        run_experiment({"width": 4})
    with pytest.raises(TypeError, match="data must be a Split"):
        run_experiment(QUICK, data=(np.zeros((4, 2)), np.zeros(4)))
    small = split_data(np.random.default_rng(0).normal(size=(40, 3)), np.arange(40) % 2)
    with pytest.raises(ValueError, match="train_size is 200 but data has only 32"):
        run_experiment(Settings(), data=small)
    with pytest.raises(ValueError, match="seed must be 0 or more"):
        run_experiment(QUICK, seed=-1)


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
