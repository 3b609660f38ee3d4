"""Tests for check_verdict (notebook 06): the verdict decides, each wrong verdict gets the
hint for its own shape, and nothing a learner passes in raises."""

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
    assert check_verdict(answer, "good fit", baseline=1.0) in (True, False)


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
