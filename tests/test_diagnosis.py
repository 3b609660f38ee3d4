"""Tests for course_utils.diagnosis: diagnose, Diagnosis and the curves reader.

The labelled histories in tests/data/histories/ are real Keras fits recorded by
tools/record_histories.py; each label was read off the curves, not taken from diagnose.
"""

import dataclasses
import json
from pathlib import Path

import keras
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from course_utils.diagnosis import MIN_EPOCHS, VERDICTS, Diagnosis, curves, diagnose

HISTORY_DIR = Path(__file__).parent / "data" / "histories"
CASES = {path.stem: json.loads(path.read_text()) for path in sorted(HISTORY_DIR.glob("*.json"))}


def history(val, train=None):
    """A .history dict; the training loss defaults to 0.9 times the validation loss."""
    train = [0.9 * value for value in val] if train is None else train
    return {"loss": list(train), "val_loss": list(val)}


# ---- the labelled real fits ---------------------------------------------------------


def test_the_labelled_set_covers_every_verdict_for_both_tasks_and_noisy_curves():
    assert 12 <= len(CASES) <= 20
    covered = {(case["task"], case["label"]) for case in CASES.values()}
    tasks = ("regression", "binary classification")
    assert covered == {(task, verdict) for task in tasks for verdict in VERDICTS}
    small_validation_sets = [c for c in CASES.values() if c["settings"]["n_val"] <= 12]
    assert {case["task"] for case in small_validation_sets} == set(tasks)


@pytest.mark.parametrize("name", sorted(CASES))
def test_each_labelled_fit_gets_its_label(name):
    case = CASES[name]
    result = diagnose(case["history"], baseline=case["baseline"])
    assert result.verdict == case["label"], str(result)
    val = case["history"]["val_loss"]
    assert result.best_epoch == int(np.argmin(val)) + 1
    assert result.gap == pytest.approx(val[-1] - case["history"]["loss"][-1])


@pytest.mark.parametrize("name", sorted(CASES))
def test_without_a_baseline_only_underfitting_changes_and_the_text_asks_for_one(name):
    case = CASES[name]
    result = diagnose(case["history"])
    expected = "good fit" if case["label"] == "underfitting" else case["label"]
    assert result.verdict == expected
    if expected == "good fit":
        assert "baseline=baseline_loss(y_train, y_val, loss)" in result.explanation


@pytest.mark.parametrize("scale", [1e-3, 0.37, 7.3, 2500.0])
@pytest.mark.parametrize("name", sorted(CASES))
def test_scaling_a_real_fit_and_its_baseline_keeps_the_diagnosis(name, scale):
    case = CASES[name]
    scaled = {key: [scale * value for value in values] for key, values in case["history"].items()}
    original = diagnose(case["history"], case["baseline"])
    result = diagnose(scaled, case["baseline"] * scale)
    assert (result.verdict, result.best_epoch, result.overfitting_epoch) == (
        original.verdict,
        original.best_epoch,
        original.overfitting_epoch,
    )


def test_a_keras_history_object_is_read_like_its_dict():
    case = CASES["reg_overfitting"]
    keras_history = keras.callbacks.History()
    keras_history.history = case["history"]
    assert diagnose(keras_history, case["baseline"]) == diagnose(case["history"], case["baseline"])


# ---- hand-made curves ---------------------------------------------------------------


def test_a_u_shaped_validation_curve_overfits_from_the_epoch_after_its_lowest():
    val = [1.0, 0.7, 0.5, 0.4, 0.42, 0.5, 0.6, 0.7, 0.8, 0.9]
    train = [1.0, 0.7, 0.5, 0.4, 0.3, 0.2, 0.15, 0.1, 0.08, 0.06]
    result = diagnose(history(val, train), baseline=1.0)
    assert (result.verdict, result.best_epoch, result.overfitting_epoch) == ("overfitting", 4, 5)
    assert result.gap == pytest.approx(0.84)
    assert "epoch 4 (0.4)" in result.explanation and "From epoch 5 on" in result.explanation


@pytest.mark.parametrize(("rise", "verdict"), [(0.05, "good fit"), (0.25, "overfitting")])
def test_a_steady_rise_overfits_once_it_passes_ten_percent(rise, verdict):
    val = np.r_[np.linspace(1.0, 0.4, 10), np.linspace(0.4, 0.4 * (1 + rise), 30)]
    assert diagnose(history(val, np.linspace(1.0, 0.1, 40))).verdict == verdict


def test_a_rise_that_the_training_loss_shares_is_not_overfitting():
    val = [1.0, 0.7, 0.5, 0.4, 0.42, 0.5, 0.6, 0.7, 0.8, 0.9]
    assert diagnose(history(val, [v - 0.05 for v in val])).verdict != "overfitting"


def test_a_curve_still_falling_at_the_end_is_still_improving():
    val = np.linspace(1.0, 0.5, 30)
    result = diagnose(history(val), baseline=1.2)
    assert (result.verdict, result.best_epoch, result.overfitting_epoch) == (
        "still improving", 30, None)
    assert "Over the last 10 epochs" in result.explanation


@pytest.mark.parametrize(("drop", "verdict"), [(0.05, "good fit"), (0.3, "still improving")])
def test_a_slow_final_fall_counts_as_improving_once_it_passes_five_percent(drop, verdict):
    # Over the last third (13 epochs) the loss falls by about 0.41 * drop of its level.
    val = np.r_[np.linspace(1.0, 0.5, 10), np.linspace(0.5, 0.5 * (1 - drop), 30)]
    assert diagnose(history(val)).verdict == verdict


def test_a_plateau_near_the_baseline_underfits_and_far_below_it_fits_well():
    val = [1.0, 0.9, 0.85] + [0.8] * 17
    assert diagnose(history(val), baseline=0.95).verdict == "underfitting"
    assert "84% of the baseline 0.95" in diagnose(history(val), baseline=0.95).explanation
    assert diagnose(history(val), baseline=4.0).verdict == "good fit"
    assert "20% of the baseline 4" in diagnose(history(val), baseline=4.0).explanation


def test_validation_below_training_as_with_dropout_is_a_good_fit_with_negative_gap():
    val = [0.6, 0.3, 0.2, 0.15] + [0.1] * 16
    result = diagnose(history(val, [v + 0.05 for v in val]), baseline=1.0)
    assert result.verdict == "good fit" and result.gap == pytest.approx(-0.05)


def test_jitter_from_a_small_validation_set_is_not_called_overfitting():
    jitter = np.tile([0.0, 0.04, -0.03, 0.05], 10)
    val = np.r_[np.linspace(1.0, 0.3, 10), np.full(30, 0.3)] + jitter
    train = np.r_[np.linspace(1.0, 0.25, 10), np.linspace(0.25, 0.2, 30)]
    assert diagnose(history(val, train), baseline=1.0).verdict == "good fit"


def test_a_rise_smaller_than_the_epoch_to_epoch_jitter_is_not_overfitting():
    # The smoothed curve ends about 20 % above its lowest point, but neighbouring epochs
    # differ by 0.5: noise can explain that rise.
    alternating = 0.25 * (-1.0) ** np.arange(20)
    val = 1.0 + alternating + np.linspace(0, 0.2, 20)
    result = diagnose(history(val, np.linspace(0.9, 0.5, 20)))
    assert result.verdict == "good fit" and result.overfitting_epoch is None


def test_a_fall_smaller_than_the_epoch_to_epoch_jitter_is_not_still_improving():
    alternating = 0.25 * (-1.0) ** np.arange(30)
    val = 1.0 + alternating - np.linspace(0, 0.3, 30)
    assert diagnose(history(val)).verdict == "good fit"


def test_one_bad_epoch_near_the_end_is_smoothed_away():
    val = [0.5] * 48 + [0.7, 0.5]
    result = diagnose(history(val, np.linspace(0.45, 0.4, 50)))
    assert result.verdict == "good fit"


def test_a_run_whose_last_epoch_is_its_best_is_not_overfitting():
    val = [1.0, 0.6, 0.45, 0.4, 0.42] + list(np.linspace(0.5, 1.8, 14)) + [0.3]
    result = diagnose(history(val, np.linspace(0.9, 0.1, 20)))
    assert result.best_epoch == 20 and result.verdict != "overfitting"


def test_flat_and_all_zero_curves_are_read_without_dividing_by_zero():
    assert diagnose(history([0.0] * 8)).verdict == "good fit"
    assert diagnose(history([0.5] * 8, [0.5] * 8), baseline=0.5).verdict == "underfitting"


def test_the_fewest_epochs_allowed_work():
    assert diagnose(history(np.linspace(1, 0.5, MIN_EPOCHS))).verdict == "still improving"


# ---- properties ---------------------------------------------------------------------

losses = st.one_of(st.just(0.0), st.floats(1e-6, 1e3))


@st.composite
def histories(draw):
    epochs = draw(st.integers(MIN_EPOCHS, 40))
    curve = st.lists(losses, min_size=epochs, max_size=epochs)
    return history(draw(curve), draw(curve))


@settings(max_examples=200, deadline=None)
@given(histories(), st.floats(1e-3, 1e3), st.integers(-20, 20))
def test_scaling_every_loss_and_the_baseline_never_changes_the_verdict(data, baseline, power):
    # A power of two scales floats exactly, so no rounding can blur a threshold.
    scale = 2.0**power
    scaled = {key: [scale * value for value in values] for key, values in data.items()}
    original, result = diagnose(data, baseline), diagnose(scaled, baseline * scale)
    assert (result.verdict, result.best_epoch, result.overfitting_epoch) == (
        original.verdict,
        original.best_epoch,
        original.overfitting_epoch,
    )
    assert result.gap == scale * original.gap


@settings(max_examples=200, deadline=None)
@given(histories(), st.floats(1e-3, 1e3))
def test_every_diagnosis_is_consistent_with_its_curves(data, baseline):
    result = diagnose(data, baseline)
    val, train = data["val_loss"], data["loss"]
    assert result.verdict in VERDICTS
    assert val[result.best_epoch - 1] == min(val) < min(val[: result.best_epoch - 1] + [np.inf])
    assert result.gap == val[-1] - train[-1]
    if result.verdict == "overfitting":
        assert result.overfitting_epoch == result.best_epoch + 1 <= len(val)
    else:
        assert result.overfitting_epoch is None
    assert str(result).startswith(f"{result.verdict} (best epoch {result.best_epoch}")


@settings(max_examples=200, deadline=None)
@given(histories(), st.floats(1e-3, 1e3))
def test_the_baseline_only_separates_underfitting_from_a_good_fit(data, baseline):
    without, with_baseline = diagnose(data).verdict, diagnose(data, baseline).verdict
    assert without != "underfitting"
    if without == "good fit":
        assert with_baseline in ("good fit", "underfitting")
    else:
        assert with_baseline == without


# ---- errors -------------------------------------------------------------------------


def test_no_validation_loss_says_fit_needs_validation_data_or_split():
    with pytest.raises(ValueError, match="validation_data=.*validation_split"):
        diagnose({"loss": [1.0, 0.8, 0.7, 0.6, 0.5]})


@pytest.mark.parametrize(
    ("data", "baseline", "error", "words"),
    [
        (history([1.0, 0.9, 0.8, 0.7]), None, ValueError, "at least 5"),
        (history([1.0, float("nan"), 0.8, 0.7, 0.6]), None, ValueError, "nan at epoch 2"),
        (history([1.0, 0.9, float("inf"), 0.7, 0.6]), None, ValueError, "diverged"),
        (history([1.0, 0.9, 0.8, 0.7, -0.1]), None, ValueError, "negative"),
        (history([1.0] * 5, [1.0] * 4), None, ValueError, "one value per epoch"),
        ({"loss": "abcde", "val_loss": [1.0] * 5}, None, TypeError, "numbers"),
        ({"accuracy": [0.5] * 5}, None, ValueError, "has no 'loss'. It has: 'accuracy'"),
        ({}, None, ValueError, "did model.fit run?"),
        ([1.0, 0.9], None, TypeError, "keras.callbacks.History"),
        (history([1.0] * 5), 0.0, ValueError, "baseline"),
        (history([1.0] * 5), -1.0, ValueError, "baseline"),
        (history([1.0] * 5), float("nan"), ValueError, "baseline"),
        (history([1.0] * 5), float("inf"), ValueError, "baseline"),
        (history([1.0] * 5), "0.7", TypeError, "baseline"),
        (history([1.0] * 5), True, TypeError, "baseline"),
    ],
)
def test_bad_input_is_explained(data, baseline, error, words):
    with pytest.raises(error) as raised:
        diagnose(data, baseline)
    assert words in str(raised.value)


def test_curves_reads_any_metric_and_refuses_a_val_prefix():
    data = {"loss": [1.0], "val_loss": [2.0], "accuracy": [0.5], "val_accuracy": [0.6]}
    train, val = curves(data, "accuracy")
    assert train.tolist() == [0.5] and val.tolist() == [0.6]
    with pytest.raises(ValueError, match="metric='accuracy'"):
        curves(data, "val_accuracy")
    with pytest.raises(TypeError, match="metric"):
        curves(data, None)


# ---- the Diagnosis record -----------------------------------------------------------


def test_diagnosis_is_frozen_and_prints_verdict_epochs_gap_and_explanation():
    result = Diagnosis("overfitting", 12, 13, 0.25, "Validation loss rose after epoch 12.")
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.verdict = "good fit"
    assert str(result) == (
        "overfitting (best epoch 12, overfitting from epoch 13; validation - training loss "
        "at the end: 0.25)\nValidation loss rose after epoch 12."
    )


@pytest.mark.parametrize(
    ("fields", "words"),
    [
        (("great", 1, None, 0.0, ""), "verdict"),
        (("good fit", 0, None, 0.0, ""), "best_epoch"),
        (("good fit", 2.0, None, 0.0, ""), "best_epoch"),
        (("overfitting", 2, 0, 0.0, ""), "overfitting_epoch"),
    ],
)
def test_diagnosis_refuses_impossible_fields(fields, words):
    with pytest.raises(ValueError, match=words):
        Diagnosis(*fields)
