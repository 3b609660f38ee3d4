"""Tests for course_utils.histories: the readers that plots, diagnose and the checks share."""

import keras
import numpy as np
import pytest
from keras import ops

from course_utils.histories import curves, history_dict, lower_is_better, named_curves
from course_utils.reproducibility import seed_everything


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


def test_named_curves_reads_one_run_or_several_in_their_order():
    one = {"loss": [1.0, 0.5], "val_loss": [1.2, 0.7]}
    other = keras.callbacks.History()
    other.history = {"loss": [0.9], "val_loss": [0.8]}
    assert list(named_curves(one)) == list(named_curves(other)) == [""]
    runs = named_curves({"b": one, "a": other})
    assert list(runs) == ["b", "a"]  # as given, not sorted
    assert runs["b"].training.tolist() == [1.0, 0.5] and runs["b"].validation.tolist() == [1.2, 0.7]
    assert runs["a"].validation.tolist() == [0.8] and runs["a"].learning_rates is None


@pytest.mark.parametrize(
    ("key", "rates", "read"),
    [
        ("learning_rate", [0.1, 0.1, 0.05], [0.1, 0.1, 0.05]),
        ("lr", [0.0, 0.05, 0.1], [0.0, 0.05, 0.1]),  # Keras 2's key; a warm-up rises
        ("learning_rate", [0.1, 0.1, 0.1], None),  # constant: nothing to draw or say
    ],
)
def test_named_curves_reads_a_changing_learning_rate_only(key, rates, read):
    history = {"loss": [0.9, 0.5, 0.4], "val_loss": [1.0, 0.6, 0.7], key: rates}
    learning_rates = named_curves(history)[""].learning_rates
    assert (learning_rates if read is None else learning_rates.tolist()) == read


@pytest.mark.parametrize(
    ("history", "error", "words"),
    [
        ([0.9, 0.5], TypeError, "or a dict of names to either"),
        ({"a": {"loss": [1], "val_loss": [1]}, "loss": [0.5]}, TypeError, "mixes"),
        ({"": {"loss": [1], "val_loss": [1]}}, TypeError, "non-empty name"),
        ({"loss": [1, 2], "val_loss": [1, 2], "lr": [0.1]}, ValueError, "one learning rate"),
        ({"a": {"loss": [1]}}, ValueError, "validation_data"),
    ],
)
def test_named_curves_explains_what_it_cannot_read(history, error, words):
    with pytest.raises(error, match=words):
        named_curves(history)


@pytest.mark.parametrize(
    ("metric", "lower"),
    [
        ("loss", True),
        ("val_mae", True),
        ("binary_crossentropy", True),
        ("val_sparse_categorical_crossentropy", True),
        ("output_loss", True),  # a multi-output model's loss
        ("accuracy", False),
        ("acc", False),  # model.compile's other name for accuracy
        ("val_auc", False),
        ("precision", False),
        ("val_recall", False),
        ("sparse_categorical_accuracy", False),
        ("val_categorical_accuracy", False),
    ],
)
def test_lower_is_better_follows_keras(metric, lower):
    assert lower_is_better(metric) is lower


@pytest.mark.parametrize("metric", ["my_score", "val_f", "true_positives", "precision_at_recall"])
def test_a_metric_without_a_known_direction_is_refused_with_the_fix(metric):
    # true_positives is a count with no direction; precision_at_recall needs an argument
    with pytest.raises(ValueError, match="Cannot tell whether a higher or a lower") as raised:
        lower_is_better(metric)
    assert "give the metric its Keras name" in str(raised.value)


@pytest.mark.parametrize(
    ("loss", "units", "labels", "metrics"),
    [
        (
            "binary_crossentropy",
            1,
            np.array([0, 1, 1, 0, 1, 0, 0, 1] * 2)[:, None],
            [
                "accuracy",
                "acc",
                keras.metrics.AUC(name="auc"),
                keras.metrics.Precision(),
                keras.metrics.Recall(),
                "binary_crossentropy",
                "mae",
            ],
        ),
        (
            "sparse_categorical_crossentropy",
            3,
            np.arange(16) % 3,
            [
                "accuracy",
                "sparse_categorical_accuracy",
                "sparse_top_k_categorical_accuracy",
                "sparse_categorical_crossentropy",
            ],
        ),
    ],
    ids=["binary", "three classes"],
)
def test_lower_is_better_agrees_with_early_stopping_auto_on_a_real_fit(
    loss, units, labels, metrics
):
    # EarlyStopping(mode="auto") reads the direction of the model's own metric objects
    # when the first epoch ends; lower_is_better reads only the name. They must agree on
    # every name the fit logged.
    seed_everything(0)
    activation = "sigmoid" if units == 1 else "softmax"
    model = keras.Sequential([keras.Input(shape=(2,)), keras.layers.Dense(units, activation)])
    model.compile(optimizer="sgd", loss=loss, metrics=metrics)
    x = np.random.default_rng(0).normal(size=(len(labels), 2))
    callbacks = [
        keras.callbacks.EarlyStopping(monitor=f"val_{name}", patience=5)
        for name in ["loss"] + [getattr(m, "name", m) for m in metrics]
    ]
    history = model.fit(
        x, labels, validation_data=(x, labels), epochs=1, callbacks=callbacks, verbose=0
    )
    assert {callback.monitor for callback in callbacks} <= set(history.history)
    for callback in callbacks:
        keras_minimises = callback.monitor_op is ops.less
        assert keras_minimises or callback.monitor_op is ops.greater
        assert lower_is_better(callback.monitor) is keras_minimises, callback.monitor
