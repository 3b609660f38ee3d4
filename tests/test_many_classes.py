"""Pin the Keras behaviours lesson 03 (many classes) states that tests/test_keras_facts.py does
not: the silent mix-ups, how "accuracy" is chosen, and that a softmax output trains on its
logits. Models are tiny and seeded.
"""

import keras
import numpy as np
import pytest

from course_utils.reproducibility import seed_everything

RNG = np.random.default_rng(0)
X = RNG.normal(size=(60, 4)).astype("float32")
LABELS = np.arange(60) % 3  # three balanced classes, class numbers
ONE_HOT = keras.utils.to_categorical(LABELS, num_classes=3)


def softmax_model(loss, metrics, activation="softmax"):
    seed_everything(0)
    model = keras.Sequential(
        [keras.Input(shape=(4,)), keras.layers.Dense(3, activation=activation)]
    )
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss=loss, metrics=metrics)
    return model


def test_binary_crossentropy_on_one_hot_rows_trains_silently_on_another_number():
    """Lesson 03: binary_crossentropy with one-hot rows and a softmax output raises nothing.
    Its loss is not the categorical cross-entropy: on the TensorFlow backend it takes the
    softmax layer's logits and scores each of the K columns as a yes/no question through a
    sigmoid, averaged over the columns."""
    model = softmax_model("binary_crossentropy", ["accuracy"])
    logged = model.evaluate(X, ONE_HOT, verbose=0)[0]
    kernel, bias = model.layers[-1].get_weights()
    z = X.astype("float64") @ kernel + bias  # the logits
    sigmoid = 1 / (1 + np.exp(-z))
    per_column = -(ONE_HOT * np.log(sigmoid) + (1 - ONE_HOT) * np.log(1 - sigmoid)).mean()
    p = model.predict(X, verbose=0).astype("float64")
    categorical = -np.log(p[np.arange(len(X)), LABELS]).mean()
    assert logged == pytest.approx(per_column, rel=1e-4)
    assert abs(logged - categorical) > 0.1
    model.fit(X, ONE_HOT, epochs=1, batch_size=32, verbose=0)  # no error


def test_accuracy_is_chosen_from_the_shapes_of_labels_and_output_not_from_the_loss():
    """Lesson 03: "accuracy" with one-hot rows and K outputs is CategoricalAccuracy even
    under binary_crossentropy (so it is still the share of right argmax predictions)."""
    model = softmax_model("binary_crossentropy", ["accuracy"])
    accuracy = model.evaluate(X, ONE_HOT, verbose=0)[1]
    predicted = model.predict(X, verbose=0).argmax(axis=1)
    assert accuracy == pytest.approx(np.mean(predicted == LABELS))
    assert [type(m).__name__ for m in model.metrics[1].metrics] == ["CategoricalAccuracy"]


def test_categorical_accuracy_by_name_on_class_numbers_runs_and_is_wrong():
    """Lesson 03: metrics=["categorical_accuracy"] with class numbers raises nothing and
    reports a number that is not the share of right predictions."""
    model = softmax_model("sparse_categorical_crossentropy", ["categorical_accuracy"])
    model.fit(X, LABELS, epochs=20, batch_size=32, verbose=0)
    reported = model.evaluate(X, LABELS, verbose=0)[1]
    true_accuracy = np.mean(model.predict(X, verbose=0).argmax(axis=1) == LABELS)
    assert abs(reported - true_accuracy) > 0.2


def test_a_softmax_output_trains_exactly_like_a_linear_output_with_from_logits():
    """Lesson 03: on the TensorFlow backend, sparse_categorical_crossentropy takes the logits
    from a softmax layer's output, so a softmax model and a linear model compiled with
    from_logits=True (same seed) give the same history, accuracy included."""
    softmax = softmax_model("sparse_categorical_crossentropy", ["accuracy"])
    logits = softmax_model(
        keras.losses.SparseCategoricalCrossentropy(from_logits=True), ["accuracy"], activation=None
    )
    runs = []
    for model in (softmax, logits):
        seed_everything(0)
        runs.append(
            model.fit(
                X, LABELS, validation_data=(X, LABELS), epochs=5, batch_size=16, verbose=0
            ).history
        )
    for name in ("loss", "val_loss", "val_accuracy"):
        np.testing.assert_allclose(runs[0][name], runs[1][name], atol=1e-6)


def test_the_untrained_loss_of_balanced_classes_is_near_log_k_for_small_outputs():
    """Lesson 03: a network whose outputs are all equal predicts 1/K for every class, so its
    categorical cross-entropy is log K (the balanced constant-guess baseline)."""
    seed_everything(0)
    model = keras.Sequential(
        [
            keras.Input(shape=(4,)),
            keras.layers.Dense(3, activation="softmax", kernel_initializer="zeros"),
        ]
    )
    model.compile(loss="sparse_categorical_crossentropy")
    assert model.evaluate(X, LABELS, verbose=0) == pytest.approx(np.log(3), rel=1e-6)
