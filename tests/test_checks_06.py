"""Tests for check_verdict (notebook 06): the verdict decides, each wrong verdict gets the
hint for its own shape, and nothing a learner passes in raises."""

import contextlib
import io

import keras
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from course_utils.checks import check_verdict
from course_utils.diagnosis import VERDICTS, diagnose

RISING = {"loss": [0.9, 0.5, 0.3, 0.2, 0.1, 0.05], "val_loss": [0.8, 0.6, 0.5, 0.6, 0.7, 0.9]}
LEVELLED = {
    "loss": [0.9, 0.5, 0.35, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3],
    "val_loss": [0.8, 0.5, 0.4, 0.35, 0.35, 0.35, 0.35, 0.35, 0.35, 0.35],
}


def test_the_diagnosed_verdict_passes_and_the_others_get_its_hint(capsys):
    assert check_verdict(RISING, "overfitting", baseline=1.0) is True
    assert capsys.readouterr().out.startswith("✅ Correct: diagnose calls it 'overfitting' too")
    assert check_verdict(RISING, "good fit", baseline=1.0) is False
    out = capsys.readouterr().out
    assert "calls this run 'overfitting', not 'good fit'" in out and "smaller model" in out


def test_the_baseline_decides_between_good_fit_and_underfitting(capsys):
    assert check_verdict(LEVELLED, "good fit", baseline=1.0) is True
    assert check_verdict(LEVELLED, "good fit", baseline=0.4) is False
    assert "both losses stay near the baseline" in capsys.readouterr().out


def test_a_keras_history_object_is_read_too(capsys):
    history = keras.callbacks.History()
    history.history = RISING
    assert check_verdict(history, "overfitting", baseline=1.0) is True


@settings(database=None, deadline=None, max_examples=30)
@given(
    st.one_of(
        st.none(),
        st.integers(),
        st.text(),
        st.lists(st.floats()),
        st.dictionaries(st.text(), st.lists(st.floats(), max_size=8)),
    )
)
def test_any_learner_answer_gives_a_verdict_not_an_exception(answer):
    """One ❌ line with the judge's own hint (a good fit needs a real history), never the line
    verdict() prints when the judge itself raised."""
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        assert check_verdict(answer, "good fit", baseline=1.0) is False
    (line,) = printed.getvalue().splitlines()
    assert line.startswith("❌ Not yet: ") and " Hint: " in line, line
    assert not line.startswith("❌ Not yet: looking at your answer raised"), line


def test_a_history_diagnose_cannot_read_says_why(capsys):
    assert check_verdict({"loss": [0.5] * 6}, "good fit") is False
    out = capsys.readouterr().out
    assert "diagnose cannot read this history" in out and "validation_data" in out


@pytest.mark.parametrize(
    ("expected", "baseline", "error"),
    [("great", None, ValueError), ("good fit", 0, ValueError), ("good fit", "1", TypeError)],
)
def test_a_wrongly_set_up_check_raises(expected, baseline, error):
    with pytest.raises(error):
        check_verdict(RISING, expected, baseline=baseline)


def test_every_verdict_has_its_own_hint():
    from course_utils.checks.curves import _VERDICT_HINTS

    assert set(_VERDICT_HINTS) == set(VERDICTS)
    assert diagnose(LEVELLED, 1.0).verdict == "good fit"  # the fixtures mean what they say


DIVERGED = {
    "loss": [0.7, 250.0, 9e4, 5e6, 5e8, 2e10],
    "val_loss": [3.0, 300.0, 1e5, 6e6, 6e8, 3e10],
}


def test_a_diverged_run_gets_the_learning_rate_hint(capsys):
    assert check_verdict(DIVERGED, "diverged", baseline=0.69) is True
    assert check_verdict(DIVERGED, "overfitting", baseline=0.69) is False
    out = capsys.readouterr().out
    assert "calls this run 'diverged', not 'overfitting'" in out
    assert "lower the learning rate" in out


def test_a_history_that_went_nan_says_why_and_what_to_do(capsys):
    nan = {"loss": [0.7, 40.0, float("nan")], "val_loss": [0.8, 50.0, float("nan")]}
    assert check_verdict(nan, "good fit") is False
    out = capsys.readouterr().out
    assert "history['loss'] is nan at epoch 3" in out and "the training diverged" in out
    assert "TerminateOnNaN" in out and "Hint: fit again as it says" in out


def test_the_capstone_letters_stay_a_to_d_and_a_diverged_run_has_none(capsys):
    from course_utils import checks
    from course_utils.checks.answer_key import _VERDICT_LETTERS

    assert _VERDICT_LETTERS == {
        "A": "underfitting",
        "B": "overfitting",
        "C": "good fit",
        "D": "still improving",
    }
    diagnosis = diagnose(DIVERGED, 0.69)
    checks.exercise("08.5a", "B", diagnosis=diagnosis)
    out = capsys.readouterr().out
    assert out.startswith("❌ Not yet: diagnose says this run diverged")
    assert "none of A to D" in out and "lower the learning rate" in out
