"""course_utils.baselines.baseline_loss: the Keras loss of the best constant prediction."""

import math

import keras
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.datasets import make_classification
from sklearn.model_selection import train_test_split

from course_utils import load_dataset, seed_everything, split_data
from course_utils.baselines import baseline_loss

EPSILON = 1e-7  # keras.config.epsilon(): Keras clips probabilities to [EPSILON, 1 - EPSILON]
SPARSE, CATEGORICAL = "sparse_categorical_crossentropy", "categorical_crossentropy"
ONE_HOT = np.eye(3)[[0, 1, 2, 0]]  # four one-hot rows of three classes
KERAS_LOSSES = {
    "mse": keras.losses.MeanSquaredError,
    "mae": keras.losses.MeanAbsoluteError,
    "binary_crossentropy": keras.losses.BinaryCrossentropy,
}

# no deadline: the machine is shared, and the first example pays for Keras's start-up
property_settings = settings(deadline=None, max_examples=40)

targets = st.lists(st.floats(-100, 100, width=32), min_size=1, max_size=40).map(np.array)
labels = st.lists(st.integers(0, 1), min_size=1, max_size=40).map(np.array)
class_numbers = st.lists(st.integers(0, 5), min_size=1, max_size=40).map(np.array)


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


def entropy(shares):
    """-sum(p log p): the cross-entropy of predicting the shares on labels with those shares."""
    shares = np.asarray(shares, dtype=float)
    return float(-np.sum(shares * np.log(shares)))


def one_hot(labels, classes):
    return np.eye(classes)[labels]


def test_binary_baseline_with_10_percent_positives_is_the_entropy_of_that_share():
    y = np.r_[np.ones(10), np.zeros(90)]
    result = baseline_loss(y, y, "binary_crossentropy")
    assert close(result, entropy([0.1, 0.9]))
    assert result < math.log(2) / 2  # under half the baseline of balanced classes, log(2)


@pytest.mark.parametrize("counts", [(5, 3, 2), (1, 1, 8), (70, 20, 6, 4)])
def test_k_class_baseline_is_the_entropy_of_the_training_shares(counts):
    # y_val in a different order and twice as long, but with the same shares
    y_train = np.repeat(np.arange(len(counts)), counts)
    y_val = np.tile(y_train[::-1], 2)
    shares = np.array(counts) / sum(counts)
    sparse = baseline_loss(y_train, y_val, SPARSE)
    categorical = baseline_loss(
        one_hot(y_train, len(counts)), one_hot(y_val, len(counts)), CATEGORICAL
    )
    assert close(sparse, entropy(shares)) and close(categorical, entropy(shares))


@pytest.mark.parametrize("classes", [2, 3, 4, 10])
def test_balanced_classes_give_log_k(classes):
    labels = np.arange(5 * classes) % classes
    assert close(baseline_loss(labels, labels[::-1], SPARSE), math.log(classes))
    encoded = one_hot(labels, classes)
    assert close(baseline_loss(encoded, encoded, CATEGORICAL), math.log(classes))


def test_k_comes_from_both_label_sets_and_a_class_missing_from_training_is_clipped_not_inf():
    # training shares (1/2, 1/2, 0); the class 2 row gets the clipped probability 1e-7
    expected = (math.log(2) - math.log(np.float32(EPSILON))) / 2
    assert close(baseline_loss([0, 0, 1, 1], [0, 2], SPARSE), expected)
    one_hot_result = baseline_loss(one_hot([0, 0, 1, 1], 3), one_hot([0, 2], 3), CATEGORICAL)
    assert close(one_hot_result, expected)


@property_settings
@given(class_numbers, class_numbers)
def test_sparse_and_one_hot_labels_give_the_same_baseline(y_train, y_val):
    classes = max(y_train.max(), y_val.max()) + 1
    classes = max(classes, 2)  # one-hot needs 2 columns; an empty column changes nothing
    sparse = baseline_loss(y_train, y_val, SPARSE)
    categorical = baseline_loss(one_hot(y_train, classes), one_hot(y_val, classes), CATEGORICAL)
    assert close(sparse, categorical)


@property_settings
@given(class_numbers, st.lists(st.floats(0.01, 1), min_size=6, max_size=6))
def test_no_probabilities_beat_the_class_shares(y, weights):
    # any constant probabilities over the classes do no better on the labels they came from
    classes = y.max() + 1
    guess = np.array(weights[:classes]) / sum(weights[:classes])
    other = float(keras.losses.SparseCategoricalCrossentropy()(y, np.tile(guess, (len(y), 1))))
    assert baseline_loss(y, y, SPARSE) <= other * (1 + 1e-5) + 1e-6


@pytest.mark.parametrize("loss", [SPARSE, CATEGORICAL])
def test_k_class_baseline_equals_what_keras_evaluates_for_a_model_predicting_the_shares(loss):
    # A softmax layer with zero kernel and bias log(shares) outputs the shares for every row.
    X, y = make_classification(
        300, n_features=5, n_informative=3, n_classes=4, weights=[0.5, 0.3, 0.15], random_state=0
    )
    x_train, x_val, y_train, y_val = train_test_split(X, y, test_size=0.3, random_state=0)
    shares = np.bincount(y_train, minlength=4) / len(y_train)
    assert len(set(shares.round(3))) == 4  # four different shares: not the balanced log(4)
    if loss == CATEGORICAL:
        y_train, y_val = one_hot(y_train, 4), one_hot(y_val, 4)
    seed_everything(0)
    model = keras.Sequential(
        [
            keras.Input(shape=(5,)),
            keras.layers.Dense(
                4,
                activation="softmax",
                kernel_initializer="zeros",
                bias_initializer=keras.initializers.Constant(np.log(shares)),
            ),
        ]
    )
    model.compile(loss=loss)
    logged = model.evaluate(x_val, y_val, batch_size=16, verbose=0)
    assert math.isclose(baseline_loss(y_train, y_val, loss), logged, rel_tol=1e-6)
    assert not math.isclose(logged, math.log(4), rel_tol=1e-2)


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
            "Known losses: mse, mae, binary_crossentropy, sparse_categorical_crossentropy, "
            "categorical_crossentropy",
        ),
        (([1.0], [1.0], None), TypeError, "loss must be a loss name"),
        (([], [1.0], "mse"), ValueError, "y_train is empty"),
        (([1.0], [], "mse"), ValueError, "y_val is empty"),
        (([[1.0, 2.0]], [1.0], "mse"), ValueError, r"y_train must be 1-D .* got shape \(1, 2\)"),
        ((["a"], [1.0], "mse"), TypeError, "y_train must hold numbers"),
        (([1.0], [np.nan], "mse"), ValueError, "y_val contains NaN"),
        (([0, 1, 2], [0, 1], "binary_crossentropy"), ValueError, "y_train holds \\[0. 1. 2.\\]"),
        (([0, 1], [0.5], "binary_crossentropy"), ValueError, "needs labels 0 and 1, but y_val"),
        (([0, 1.5], [0], SPARSE), ValueError, "y_train holds 1.5, but class labels are whole"),
        (([0, 1], [-1], SPARSE), ValueError, "y_val holds -1, but class labels start at 0"),
        ((ONE_HOT, [0, 1], SPARSE), ValueError, "y_train has shape .*=.categorical_crossentropy"),
        (([0, 1], [[0, 1, 2]], SPARSE), ValueError, "y_val has shape .* y_val.argmax"),
        (([0, 1], ONE_HOT, CATEGORICAL), ValueError, "y_train has shape .*=.sparse_categorical"),
        (
            (ONE_HOT, [[1.0], [0.0]], CATEGORICAL),
            ValueError,
            "y_val has shape .*to_categorical\\(y_val\\)",
        ),
        ((ONE_HOT, 2 * ONE_HOT, CATEGORICAL), ValueError, "y_val row 0 is .* sums to 2"),
        ((ONE_HOT, [[1.5, -0.5]] * 2, CATEGORICAL), ValueError, "y_val row 0 .* 0 or more"),
        ((ONE_HOT, np.eye(4), CATEGORICAL), ValueError, "y_train has 3 columns but y_val has 4"),
        ((["a"], [0], SPARSE), TypeError, "y_train must hold numbers"),
    ],
)
def test_bad_arguments_raise_errors_that_name_them(arguments, error, message):
    with pytest.raises(error, match=message):
        baseline_loss(*arguments)
