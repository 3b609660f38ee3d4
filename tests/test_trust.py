"""What lesson 10 ("How much to trust a number") states about scikit-learn's splitters and
Keras's losses, pinned so that an upgrade that changes one fails here.

- a loss on a subset of rows is the mean of the rows' losses, so ``evaluate`` on any subset
  equals ``keras.losses.binary_crossentropy`` of the stored predictions, averaged;
- that mean's spread shrinks like 1/√rows;
- ``KFold`` and ``StratifiedKFold``: every row validated exactly once, folds of equal size,
  stratified folds holding the whole's class share up to one row, plain ones not;
- ``GroupKFold`` never puts a group on both sides; a shuffled ``KFold`` does;
- ``TimeSeriesSplit`` validates only on rows after every training row;
- ``train_test_split`` shuffles by default, ``KFold`` does not.
"""

import inspect

import keras
import numpy as np
import pytest
from sklearn.model_selection import (
    GroupKFold,
    KFold,
    StratifiedKFold,
    TimeSeriesSplit,
    train_test_split,
)

from course_utils.reproducibility import seed_everything

LABELS = np.array([1] * 90 + [0] * 110)  # 200 rows, 45 % of 1s, as in the lesson
ROWS = np.arange(len(LABELS)).reshape(-1, 1)


def folds(splitter, *args, **kwargs):
    return list(splitter.split(*args, **kwargs))


# ------------------------------------------------------------------ a loss is a mean over rows


@pytest.fixture(scope="module")
def model_and_rows():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(500, 5)).astype("float32")
    y = (x[:, 0] + rng.normal(size=500) > 0).astype("float32")
    seed_everything(0)
    model = keras.Sequential(
        [
            keras.Input(shape=(5,)),
            keras.layers.Dense(8, activation="relu"),
            keras.layers.Dense(1, activation="sigmoid"),
        ]
    )
    model.compile(optimizer="adam", loss="binary_crossentropy")
    model.fit(x, y, epochs=3, batch_size=64, verbose=0)
    return model, x, y


def test_evaluate_on_any_subset_is_the_mean_of_the_stored_row_losses(model_and_rows):
    model, x, y = model_and_rows
    p = model.predict(x, verbose=0)
    row_loss = keras.losses.binary_crossentropy(y[:, None], p).numpy()
    assert row_loss.shape == (len(x),)  # one loss per row, as the lesson prints
    for rows in (np.arange(100), np.arange(7, 500, 3), np.array([4, 4, 9])):
        evaluated = model.evaluate(x[rows], y[rows], verbose=0)
        assert evaluated == pytest.approx(row_loss[rows].mean(), abs=1e-5)


def test_the_row_losses_are_the_clipped_numpy_formula(model_and_rows):
    model, x, y = model_and_rows
    p = model.predict(x, verbose=0)[:, 0].astype("float64")
    clipped = np.clip(p, 1e-7, 1 - 1e-7)
    by_hand = -(y * np.log(clipped) + (1 - y) * np.log(1 - clipped))
    row_loss = keras.losses.binary_crossentropy(y[:, None], p[:, None]).numpy()
    np.testing.assert_allclose(row_loss, by_hand, atol=1e-5)


def test_the_spread_of_a_mean_shrinks_like_one_over_the_root_of_the_rows():
    rng = np.random.default_rng(0)
    row_loss = rng.exponential(0.45, size=100_000)  # skewed, like cross-entropy per row
    scaled = []
    for n in (20, 100, 1000):
        scores = row_loss[rng.integers(0, len(row_loss), size=(2000, n))].mean(axis=1)
        scaled.append(scores.std() * np.sqrt(n))
    assert max(scaled) / min(scaled) < 1.1  # std × √rows is the same for every size


# ------------------------------------------------------------------ KFold and StratifiedKFold


@pytest.mark.parametrize(
    "splitter",
    [KFold(n_splits=5, shuffle=True, random_state=0), StratifiedKFold(5, shuffle=True)],
    ids=["KFold", "StratifiedKFold"],
)
def test_every_row_is_validated_exactly_once_in_folds_of_40(splitter):
    found = folds(splitter, ROWS, LABELS)
    assert len(found) == 5
    validated = np.concatenate([val for _, val in found])
    assert sorted(validated) == list(range(200))
    for train, val in found:
        assert len(val) == 40 and len(train) == 160
        assert not set(train) & set(val)


def test_stratified_folds_hold_the_whole_share_of_each_class_up_to_one_row():
    for seed in range(20):
        splitter = StratifiedKFold(n_splits=5, shuffle=True, random_state=seed)
        for _, val in folds(splitter, ROWS, LABELS):
            assert abs(LABELS[val].sum() - 0.45 * len(val)) <= 1


def test_plain_kfold_leaves_the_share_to_luck():
    """Some fold is off the whole's share by more than one row in nearly every shuffle."""
    off = [
        max(abs(LABELS[val].sum() - 0.45 * len(val)) for _, val in folds(splitter, ROWS))
        for splitter in (KFold(5, shuffle=True, random_state=seed) for seed in range(20))
    ]
    assert sum(rows > 1 for rows in off) >= 18


def test_stratified_kfold_needs_the_labels():
    with pytest.raises(TypeError):
        StratifiedKFold(n_splits=5).split(ROWS)


# ------------------------------------------------------------------ groups and time


PATIENT = np.repeat(np.arange(40), 6)  # 40 patients, 6 rows each, as in the lesson


def test_group_kfold_never_puts_a_group_on_both_sides_and_validates_each_once():
    validated = []
    for train, val in folds(GroupKFold(n_splits=5), PATIENT.reshape(-1, 1), groups=PATIENT):
        assert np.intersect1d(PATIENT[train], PATIENT[val]).size == 0
        assert len(np.unique(PATIENT[val])) == 8
        validated += list(np.unique(PATIENT[val]))
    assert sorted(validated) == list(range(40))


def test_a_shuffled_kfold_puts_most_patients_on_both_sides():
    for train, val in folds(KFold(5, shuffle=True, random_state=0), PATIENT.reshape(-1, 1)):
        shared = np.intersect1d(PATIENT[train], PATIENT[val]).size
        assert shared >= 0.9 * len(np.unique(PATIENT[val]))


def test_time_series_split_validates_only_after_every_training_row():
    found = folds(TimeSeriesSplit(n_splits=4), np.arange(12))
    assert [(t.min(), t.max(), v.min(), v.max()) for t, v in found] == [
        (0, 3, 4, 5),
        (0, 5, 6, 7),
        (0, 7, 8, 9),
        (0, 9, 10, 11),
    ]
    for n_splits in (2, 3, 5, 7):
        for train, val in folds(TimeSeriesSplit(n_splits=n_splits), np.arange(50)):
            assert train.max() < val.min()
            assert list(val) == list(range(val.min(), val.max() + 1))  # one stretch
            assert list(train) == list(range(train.max() + 1))  # the start of the series


def test_train_test_split_shuffles_by_default_and_kfold_does_not():
    assert inspect.signature(train_test_split).parameters["shuffle"].default is True
    assert KFold().shuffle is False
    first_val = folds(KFold(n_splits=5), ROWS)[0][1]
    assert list(first_val) == list(range(40))  # unshuffled: the first 40 rows
