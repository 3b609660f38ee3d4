"""Lesson 10 (trusting a number): its made-up rows, the classifier, the pool model, the
cross-validation with a final model, and the patients' visits."""

import keras
import numpy as np
from sklearn.model_selection import StratifiedKFold, train_test_split
from sklearn.preprocessing import StandardScaler

from course_utils import seed_everything


def make_rows(n, seed):
    """n rows of 5 features (in different units) and labels 0/1 (about 38 % of 1s).

    Stands for cell ``11552387``.

    >>> x, y = make_rows(4, seed=1)
    >>> x.shape, y.shape
    ((4, 5), (4,))
    """
    rng = np.random.default_rng(seed)
    z = rng.normal(size=(n, 5))
    logit = 2 * z[:, 0] - z[:, 1] + 1.5 * z[:, 2] * z[:, 3] - 1
    y = (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(int)
    x = z * [1.0, 10.0, 0.1, 5.0, 1.0] + [0.0, 50.0, 1.0, 0.0, 3.0]  # units differ
    return x, y


def build_classifier():
    """64 ReLU units, 1 sigmoid output; Adam(0.02), binary cross-entropy.

    Stands for cell ``11552387``.
    """
    model = keras.Sequential(
        [
            keras.Input(shape=(5,)),
            keras.layers.Dense(64, activation="relu"),
            keras.layers.Dense(1, activation="sigmoid"),
        ]
    )
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.02), loss="binary_crossentropy")
    return model


def fit_pool_model(*, seed=0):
    """The first section's model: 10 epochs on 200 rows, scaled on them; the model and the
    scaler.

    Stands for cell ``85e7945a``.
    """
    x_train, y_train = make_rows(200, seed=1)
    scaler = StandardScaler().fit(x_train)
    seed_everything(seed)
    pool_model = build_classifier()
    pool_model.fit(scaler.transform(x_train), y_train, epochs=10, batch_size=32, verbose=0)
    return pool_model, scaler


def dev_test_split():
    """300 rows: 200 to choose with, 100 test rows, stratified: x_dev, x_test, y_dev, y_test.

    Stands for cell ``02ca425a``.

    >>> [len(part) for part in dev_test_split()]
    [200, 100, 200, 100]
    """
    X, y = make_rows(300, seed=3)
    x_dev, x_test, y_dev, y_test = train_test_split(X, y, test_size=100, random_state=0, stratify=y)
    return x_dev, x_test, y_dev, y_test


def cross_validate(x_dev, y_dev, *, seed=0):
    """StratifiedKFold(5) of the 200 rows: a fresh scaler and model per fold, 15 epochs each;
    the Histories by fold name.

    Stands for cell ``2fd2e763``.
    """
    folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=0)
    fold_histories = {}
    for fold, (train_idx, val_idx) in enumerate(folds.split(x_dev, y_dev), start=1):
        fold_scaler = StandardScaler().fit(x_dev[train_idx])  # this fold's training rows only
        x_fold_train = fold_scaler.transform(x_dev[train_idx])
        x_fold_val = fold_scaler.transform(x_dev[val_idx])
        seed_everything(seed)
        fold_model = build_classifier()  # a fresh model for every fold
        fold_histories[f"fold {fold}"] = fold_model.fit(
            x_fold_train,
            y_dev[train_idx],
            validation_data=(x_fold_val, y_dev[val_idx]),
            epochs=15,
            batch_size=32,
            verbose=0,
        )
    return fold_histories


def fit_final_model(x_dev, y_dev, x_test, y_test, final_epochs, *, seed=0):
    """Retrain on all 200 rows for ``final_epochs``, then one test evaluation: the model, its
    scaler and the test loss.

    Stands for cell ``f37668e4``.
    """
    final_scaler = StandardScaler().fit(x_dev)  # all 200 rows now
    seed_everything(seed)
    final_model = build_classifier()
    final_model.fit(
        final_scaler.transform(x_dev), y_dev, epochs=int(final_epochs), batch_size=32, verbose=0
    )
    test_loss = final_model.evaluate(final_scaler.transform(x_test), y_test, verbose=0)
    return final_model, final_scaler, test_loss


def make_visits():
    """40 patients with 6 visits each: a dose, 3 features describing the patient, and a
    response with each patient's own level; x_visits, y_visits and each row's patient.

    Stands for cell ``829b2347``.

    >>> x_visits, y_visits, patient = make_visits()
    >>> x_visits.shape, patient[:8].tolist()
    ((240, 4), [0, 0, 0, 0, 0, 0, 1, 1])
    """
    rng_patients = np.random.default_rng(4)
    n_patients, visits = 40, 6
    patient = np.repeat(np.arange(n_patients), visits)  # the group of each row: 0, 0, ..., 39
    describes = rng_patients.normal(size=(n_patients, 3))  # age, weight, height (scaled)
    level = rng_patients.normal(0, 0.7, size=n_patients)  # each patient's own level
    dose = rng_patients.uniform(0, 1, size=len(patient))
    x_visits = np.column_stack([dose, describes[patient]])
    y_visits = 3 * dose + level[patient] + rng_patients.normal(0, 0.2, size=len(patient))
    return x_visits, y_visits, patient


def cross_validated_mse(x_visits, y_visits, splits, *, seed=0):
    """The validation MSE of each (train_idx, val_idx) pair of ``splits``: a fresh model per
    fold, its scaler fitted on the fold's training rows.

    Stands for cell ``69b6d004``.
    """
    losses = []
    for train_idx, val_idx in splits:
        visit_scaler = StandardScaler().fit(x_visits[train_idx])
        seed_everything(seed)
        visit_model = keras.Sequential(
            [
                keras.Input(shape=(4,)),
                keras.layers.Dense(64, activation="relu"),
                keras.layers.Dense(1),
            ]
        )
        visit_model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01), loss="mse")
        visit_model.fit(
            visit_scaler.transform(x_visits[train_idx]),
            y_visits[train_idx],
            epochs=30,
            batch_size=32,
            verbose=0,
        )
        x_fold = visit_scaler.transform(x_visits[val_idx])
        losses.append(visit_model.evaluate(x_fold, y_visits[val_idx], verbose=0))
    return np.array(losses)
