"""course_utils.baselines.baseline_loss: the Keras loss of the best constant prediction."""

import math

import keras
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from course_utils import load_dataset, seed_everything, split_data
from course_utils.baselines import baseline_loss

EPSILON = 1e-7  # keras.config.epsilon(): Keras clips probabilities to [EPSILON, 1 - EPSILON]
KERAS_LOSSES = {
    "mse": keras.losses.MeanSquaredError,
    "mae": keras.losses.MeanAbsoluteError,
    "binary_crossentropy": keras.losses.BinaryCrossentropy,
}

# no deadline: the machine is shared, and the first example pays for Keras's start-up
property_settings = settings(deadline=None, max_examples=40)

targets = st.lists(st.floats(-100, 100, width=32), min_size=1, max_size=40).map(np.array)
labels = st.lists(st.integers(0, 1), min_size=1, max_size=40).map(np.array)


def keras_loss_of_constant(loss, y, constant):
    """What Keras computes for predicting ``constant`` for every row of ``y``."""
    column = np.asarray(y, dtype="float32").reshape(-1, 1)
    return float(KERAS_LOSSES[loss]()(column, np.full_like(column, constant)))


def close(a, b):
    return math.isclose(a, b, rel_tol=1e-5, abs_tol=1e-5)


def test_keras_uses_the_epsilon_this_module_assumes():
    assert keras.config.epsilon() == EPSILON


@property_settings
@given(targets, targets)
def test_mse_baseline_is_the_error_of_the_training_mean(y_train, y_val):
    expected = np.mean((y_val - y_train.mean()) ** 2)
    assert close(baseline_loss(y_train, y_val, "mse"), expected)


@property_settings
@given(targets, targets)
def test_mae_baseline_is_the_error_of_the_training_median(y_train, y_val):
    expected = np.mean(np.abs(y_val - np.median(y_train)))
    assert close(baseline_loss(y_train, y_val, "mae"), expected)


@property_settings
@given(labels, labels)
def test_cross_entropy_baseline_uses_the_clipped_class_prior(y_train, y_val):
    # Keras clips in float32, where 1 - 1e-7 rounds to 1 - 1.19e-7
    prior = np.clip(np.float32(y_train.mean()), np.float32(EPSILON), np.float32(1 - EPSILON))
    expected = -np.mean(y_val * np.log(prior) + (1 - y_val) * np.log(np.float32(1) - prior))
    assert close(baseline_loss(y_train, y_val, "binary_crossentropy"), expected)


@property_settings
@given(targets, st.floats(-100, 100), st.sampled_from(["mse", "mae"]))
def test_no_constant_beats_the_baseline_on_the_data_it_was_fitted_on(y, constant, loss):
    best = baseline_loss(y, y, loss)
    assert best <= keras_loss_of_constant(loss, y, constant) * (1 + 1e-5) + 1e-6


@property_settings
@given(labels, st.floats(0, 1))
def test_no_probability_beats_the_class_prior(y, probability):
    best = baseline_loss(y, y, "binary_crossentropy")
    assert best <= keras_loss_of_constant("binary_crossentropy", y, probability) * (1 + 1e-5) + 1e-6


def test_all_one_class_training_labels_give_the_clipped_finite_loss():
    # the prior is 0, which Keras clips to 1e-7: one right and one confidently wrong row
    expected = (-math.log(1 - EPSILON) - math.log(EPSILON)) / 2
    assert math.isclose(
        baseline_loss([0, 0, 0], [0, 1], "binary_crossentropy"), expected, rel_tol=1e-5
    )


@pytest.mark.parametrize(
    ("name", "loss"),
    [("noisy_line", "mse"), ("noisy_line", "mae"), ("classification", "binary_crossentropy")],
)
def test_baseline_equals_what_keras_logs_for_a_constant_model(name, loss):
    X, y = load_dataset(name)
    parts = split_data(X, y, seed=0)
    constant = {"mse": np.mean, "mae": np.median, "binary_crossentropy": np.mean}[loss]
    seed_everything(0)
    model = keras.Sequential(
        [
            keras.Input(shape=(X.shape[1],)),
            keras.layers.Dense(
                1,
                kernel_initializer="zeros",
                bias_initializer=keras.initializers.Constant(constant(parts.y_train)),
            ),
        ]
    )
    model.compile(loss=loss)
    logged = model.evaluate(parts.x_val, parts.y_val, batch_size=8, verbose=0)
    assert math.isclose(baseline_loss(parts.y_train, parts.y_val, loss), logged, rel_tol=1e-6)


def test_returns_a_python_float_and_accepts_a_single_column():
    y_train, y_val = np.array([1.0, 2.0, 6.0]), np.array([0.0, 3.0])
    result = baseline_loss(y_train, y_val, "mse")
    assert type(result) is float and result == 4.5  # predicts 3.0: (9 + 0) / 2
    assert baseline_loss(y_train.reshape(-1, 1), y_val.reshape(-1, 1), "mse") == result


@pytest.mark.parametrize(
    ("arguments", "error", "message"),
    [
        (
            ([1.0], [1.0], "cross_entropy"),
            ValueError,
            "Known losses: mse, mae, binary_crossentropy",
        ),
        (([1.0], [1.0], None), TypeError, "loss must be a loss name"),
        (([], [1.0], "mse"), ValueError, "y_train is empty"),
        (([1.0], [], "mse"), ValueError, "y_val is empty"),
        (([[1.0, 2.0]], [1.0], "mse"), ValueError, r"y_train must be 1-D .* got shape \(1, 2\)"),
        ((["a"], [1.0], "mse"), TypeError, "y_train must hold numbers"),
        (([1.0], [np.nan], "mse"), ValueError, "y_val contains NaN"),
        (([0, 1, 2], [0, 1], "binary_crossentropy"), ValueError, "y_train holds \\[0. 1. 2.\\]"),
        (([0, 1], [0.5], "binary_crossentropy"), ValueError, "needs labels 0 and 1, but y_val"),
    ],
)
def test_bad_arguments_raise_errors_that_name_them(arguments, error, message):
    with pytest.raises(error, match=message):
        baseline_loss(*arguments)
