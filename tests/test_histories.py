"""Tests for course_utils.histories: the readers that plots, diagnose and the checks share."""

import keras
import pytest

from course_utils.histories import curves, history_dict, lower_is_better


def test_a_history_object_and_its_dict_read_alike():
    history = keras.callbacks.History()
    history.history = {"loss": [1.0, 0.5], "val_loss": [1.2, 0.7]}
    assert history_dict(history) is history.history
    assert [part.tolist() for part in curves(history)] == [[1.0, 0.5], [1.2, 0.7]]


@pytest.mark.parametrize("not_a_history", [[1.0, 0.5], "loss", None, 3])
def test_anything_else_is_refused_with_what_to_pass(not_a_history):
    with pytest.raises(TypeError, match=r"keras.callbacks.History\) or its .history dict"):
        history_dict(not_a_history)


def test_curves_reads_any_metric_and_refuses_a_val_prefix():
    data = {"loss": [1.0], "val_loss": [2.0], "accuracy": [0.5], "val_accuracy": [0.6]}
    train, val = curves(data, "accuracy")
    assert train.tolist() == [0.5] and val.tolist() == [0.6]
    with pytest.raises(ValueError, match="metric='accuracy'"):
        curves(data, "val_accuracy")
    with pytest.raises(TypeError, match="metric"):
        curves(data, None)


@pytest.mark.parametrize(
    ("metric", "lower"),
    [
        ("loss", True),
        ("val_mae", True),
        ("binary_crossentropy", True),
        ("accuracy", False),
        ("val_auc", False),
    ],
)
def test_lower_is_better_follows_keras(metric, lower):
    assert lower_is_better(metric) is lower


def test_an_unknown_metric_has_no_direction():
    with pytest.raises(ValueError, match="Cannot tell whether a higher or a lower"):
        lower_is_better("my_score")
