"""course_utils.splits.split_data: every row once, sizes, stratification, seeds, scaling."""

import math

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

from course_utils import load_dataset
from course_utils.splits import Split, split_data

# no deadline: the machine is shared, and the first example pays for imports
property_settings = settings(deadline=None, max_examples=60)


def _with_row_ids(n_rows, seed=0):
    """Features whose first column is the row number, so every row can be traced."""
    noise = np.random.default_rng(seed).normal(size=(n_rows, 2))
    return np.column_stack([np.arange(n_rows, dtype=float), noise])


def _row_ids(x):
    return x[:, 0].astype(int)


def _expected_count(size, n_rows):
    return math.ceil(size * n_rows) if isinstance(size, float) else size


@st.composite
def sizes_and_rows(draw):
    """n_rows, val_size and test_size (fractions or counts) that leave training rows."""
    n_rows = draw(st.integers(3, 150))
    val_size = draw(st.one_of(st.integers(1, n_rows - 2), st.floats(0.001, (n_rows - 2) / n_rows)))
    rows_left = n_rows - 1 - _expected_count(val_size, n_rows)
    test_size = 0
    if rows_left > 0:
        test_size = draw(
            st.one_of(st.just(0), st.integers(1, rows_left), st.floats(0.001, rows_left / n_rows))
        )
    assume(_expected_count(val_size, n_rows) + _expected_count(test_size, n_rows) < n_rows)
    return n_rows, val_size, test_size


@property_settings
@given(sizes_and_rows(), st.integers(0, 2**31))
def test_every_row_lands_in_exactly_one_part_with_the_requested_sizes(case, seed):
    n_rows, val_size, test_size = case
    X = _with_row_ids(n_rows)
    y = X[:, 0] * 10  # a regression target that still names its row
    parts = split_data(X, y, val_size=val_size, test_size=test_size, seed=seed, scale=False)

    n_val, n_test = _expected_count(val_size, n_rows), _expected_count(test_size, n_rows)
    assert len(parts.x_val) == len(parts.y_val) == n_val
    if n_test == 0:
        assert parts.x_test is None and parts.y_test is None
        test_ids = []
    else:
        assert len(parts.x_test) == len(parts.y_test) == n_test
        test_ids = list(_row_ids(parts.x_test))
        np.testing.assert_array_equal(parts.y_test, parts.x_test[:, 0] * 10)
    assert len(parts.x_train) == n_rows - n_val - n_test
    all_ids = list(_row_ids(parts.x_train)) + list(_row_ids(parts.x_val)) + test_ids
    assert sorted(all_ids) == list(range(n_rows))
    np.testing.assert_array_equal(parts.y_train, parts.x_train[:, 0] * 10)  # rows kept whole
    np.testing.assert_array_equal(parts.y_val, parts.x_val[:, 0] * 10)


@st.composite
def labelled_rows(draw):
    """Class labels (2 or 3 classes, at least 6 rows each) and sizes of at most a third."""
    class_counts = draw(st.lists(st.integers(6, 40), min_size=2, max_size=3))
    labels = np.repeat(np.arange(len(class_counts)), class_counts)
    labels = np.array(draw(st.permutations(labels.tolist())))
    n_rows, n_classes = len(labels), len(class_counts)
    n_val = draw(st.integers(n_classes, n_rows // 3))
    n_test = draw(st.one_of(st.just(0), st.integers(n_classes, n_rows // 3)))
    return labels, n_val, n_test


@property_settings
@given(labelled_rows(), st.integers(0, 2**31))
def test_stratified_parts_keep_the_class_proportions(case, seed):
    labels, n_val, n_test = case
    X = _with_row_ids(len(labels))
    parts = split_data(X, labels, val_size=n_val, test_size=n_test, seed=seed)
    shares = np.bincount(labels) / len(labels)
    # Each split scikit-learn makes is within one row of the exact share per class; with a
    # test set the validation and training parts come from a second split, so within two.
    tolerance = 1 if n_test == 0 else 2
    part_labels = [parts.y_train, parts.y_val] + ([parts.y_test] if n_test else [])
    for part in part_labels:
        counts = np.bincount(part, minlength=len(shares))
        assert np.all(np.abs(counts - shares * len(part)) < tolerance + 1e-9)


@property_settings
@given(sizes_and_rows(), st.integers(0, 2**31))
def test_same_seed_gives_the_same_split(case, seed):
    n_rows, val_size, test_size = case
    X, y = _with_row_ids(n_rows), np.arange(n_rows, dtype=float)
    first = split_data(X, y, val_size=val_size, test_size=test_size, seed=seed)
    second = split_data(X, y, val_size=val_size, test_size=test_size, seed=seed)
    for a, b in zip(first[:6], second[:6], strict=True):
        np.testing.assert_array_equal(a, b)


def test_different_seeds_give_different_splits():
    X, y = _with_row_ids(100), np.arange(100.0)
    first = split_data(X, y, seed=0, scale=False)
    second = split_data(X, y, seed=1, scale=False)
    assert set(_row_ids(first.x_val)) != set(_row_ids(second.x_val))


@property_settings
@given(sizes_and_rows(), st.integers(0, 2**31))
def test_scaler_is_fitted_on_the_training_part_only(case, seed):
    n_rows, val_size, test_size = case
    X = _with_row_ids(n_rows) * [1, 3, 7] + [0, 5, -2]
    y = np.arange(n_rows, dtype=float)
    raw = split_data(X, y, val_size=val_size, test_size=test_size, seed=seed, scale=False)
    scaled = split_data(X, y, val_size=val_size, test_size=test_size, seed=seed)

    assert scaled.scaler.n_samples_seen_ == len(raw.x_train)
    np.testing.assert_allclose(scaled.scaler.mean_, raw.x_train.mean(axis=0))
    reference = StandardScaler().fit(raw.x_train)
    for raw_part, scaled_part in [
        (raw.x_train, scaled.x_train),
        (raw.x_val, scaled.x_val),
        (raw.x_test, scaled.x_test),
    ]:
        if raw_part is not None:
            np.testing.assert_allclose(scaled_part, reference.transform(raw_part), atol=1e-12)
    np.testing.assert_array_equal(scaled.y_val, raw.y_val)  # targets are never scaled


def test_scaled_training_part_has_mean_0_and_std_1_but_validation_does_not():
    X, y = load_dataset("diabetes")
    parts = split_data(X, y, val_size=0.25, seed=0)
    np.testing.assert_allclose(parts.x_train.mean(axis=0), 0, atol=1e-12)
    np.testing.assert_allclose(parts.x_train.std(axis=0), 1, atol=1e-12)
    assert not np.allclose(parts.x_val.mean(axis=0), 0, atol=1e-3)
    assert not np.allclose(parts.x_val.std(axis=0), 1, atol=1e-3)


def test_sorted_data_gives_a_validation_set_across_the_whole_range():
    X, y = load_dataset("noisy_line")  # x sorted from -1 to 1
    parts = split_data(X, y, val_size=0.2, seed=0, scale=False)
    assert parts.x_val.min() < -0.5 and parts.x_val.max() > 0.5  # not only the last 20 %


def test_integer_labels_are_stratified_automatically_and_floats_are_not():
    X = _with_row_ids(100)
    labels = np.array([1] * 10 + [0] * 90)
    for seed in range(10):
        automatic = split_data(X, labels, val_size=10, seed=seed, scale=False)
        forced = split_data(X, labels, val_size=10, seed=seed, stratify=True, scale=False)
        np.testing.assert_array_equal(automatic.x_val, forced.x_val)
        assert automatic.y_val.sum() == 1  # exactly 10 % of the validation rows are 1s
        as_bools = split_data(X, labels.astype(bool), val_size=10, seed=seed, scale=False)
        np.testing.assert_array_equal(as_bools.x_val, forced.x_val)  # bools are labels too
        assert as_bools.y_val.sum() == 1
    # float targets are not stratified: the split is scikit-learn's plain shuffled split
    targets = np.arange(100.0)
    parts = split_data(X, targets, val_size=10, seed=3, scale=False)
    _, plain_val = train_test_split(np.arange(100), test_size=10, random_state=3)
    np.testing.assert_array_equal(_row_ids(parts.x_val), plain_val)


def test_stratify_false_turns_stratification_off():
    X, labels = _with_row_ids(100), np.array([1] * 10 + [0] * 90)
    parts = split_data(X, labels, val_size=10, seed=3, stratify=False, scale=False)
    _, plain_val = train_test_split(np.arange(100), test_size=10, random_state=3)
    np.testing.assert_array_equal(_row_ids(parts.x_val), plain_val)


def test_result_is_a_split_named_tuple_without_scaler_when_not_scaling():
    X = np.arange(20).reshape(10, 2)  # integers stay integers when not scaled
    parts = split_data(X, np.arange(10.0), val_size=2, scale=False)
    assert isinstance(parts, Split)
    assert parts._fields == ("x_train", "y_train", "x_val", "y_val", "x_test", "y_test", "scaler")
    assert parts.scaler is None and parts.x_train.dtype == X.dtype


# --- errors name the argument and say what to do --------------------------------------------

X10, Y10 = _with_row_ids(10), np.arange(10.0)


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"X": np.arange(10.0)}, ValueError, r"X must be 2-D .* X.reshape\(-1, 1\)"),
        ({"y": Y10.reshape(-1, 1)}, ValueError, r"y must be 1-D .* y.ravel\(\)"),
        ({"y": np.arange(9.0)}, ValueError, "10 rows in X and 9 in y"),
        ({"y": np.array(list("abcdefghij"))}, TypeError, "X and y must hold numbers"),
        ({"val_size": 0}, ValueError, "val_size as a number of rows must be at least 1"),
        ({"val_size": 0.0}, ValueError, "val_size as a fraction must be between 0 and 1"),
        ({"val_size": 1.5}, ValueError, "val_size as a fraction must be between 0 and 1"),
        ({"val_size": "0.2"}, TypeError, "val_size must be a fraction such as 0.2"),
        ({"val_size": True}, TypeError, "val_size must be a fraction"),
        ({"test_size": -1}, ValueError, r"test_size as a number of rows must be 0 \(no test set\)"),
        ({"test_size": 1.0}, ValueError, "test_size as a fraction must be between 0 and 1"),
        (
            {"val_size": 5, "test_size": 5},
            ValueError,
            "5 \\+ 5 of the 10 rows, leaving no training",
        ),
        ({"val_size": 0.6, "test_size": 0.4}, ValueError, "leaving no training rows"),
        ({"stratify": "yes"}, TypeError, "stratify must be None"),
        ({"scale": 1}, TypeError, "scale must be True or False"),
        ({"seed": -1}, ValueError, "seed must be 0 or more"),
        ({"seed": 1.5}, TypeError, "seed must be a whole number"),
    ],
)
def test_bad_arguments_raise_errors_that_name_them(kwargs, error, message):
    arguments = {"X": X10, "y": Y10} | kwargs
    with pytest.raises(error, match=message):
        split_data(**arguments)


def test_impossible_stratification_says_how_to_fix_it():
    with pytest.raises(ValueError, match="Cannot keep the class proportions.*stratify=False"):
        split_data(X10, np.array([0] * 9 + [1]), val_size=2)
    with pytest.raises(ValueError, match="stratify=False"):
        split_data(X10, Y10, val_size=2, stratify=True)  # every float is its own "class"
