"""Tests for course_utils.experiments: the levers, the labels, the model and the runs."""

import dataclasses

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from course_utils.baselines import baseline_loss
from course_utils.experiments import (
    Settings,
    build_model,
    explorer_data,
    flip_labels,
    run_experiment,
)
from course_utils.explorer import LEVER_OPTIONS
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
