"""Lesson 05 (imbalanced classes): the three-way split, the classifier, the balanced class
weights and the tf.data runs stopped early."""

import keras
import numpy as np
import tensorflow as tf
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

from course_utils import load_dataset, seed_everything


def split(*, random_state=6):
    """The imbalanced data, 60 / 20 / 20 stratified, scaled on the training rows:
    x_train, x_val, x_test, y_train, y_val, y_test.

    Stands for cell ``4dbe6a80``.

    >>> [len(part) for part in split()]
    [3000, 1000, 1000, 3000, 1000, 1000]
    """
    X, y = load_dataset("imbalanced")
    x_rest, x_test, y_rest, y_test = train_test_split(
        X, y, test_size=0.2, random_state=random_state, stratify=y
    )
    x_train, x_val, y_train, y_val = train_test_split(
        x_rest, y_rest, test_size=0.25, random_state=random_state, stratify=y_rest
    )  # 25 % of the other 4,000 rows: 1,000 rows
    scaler = StandardScaler().fit(x_train)  # the training rows only
    x_train, x_val, x_test = (scaler.transform(x) for x in (x_train, x_val, x_test))
    return x_train, x_val, x_test, y_train, y_val, y_test


def build_classifier(all_metrics=True):
    """32 ReLU units, 1 sigmoid output; Adam; binary cross-entropy and five metrics
    (all_metrics=False: the two AUCs only, which is quicker for the long runs at the end).

    Stands for cell ``cf2c8782``.

    >>> [layer.units for layer in build_classifier(all_metrics=False).layers]
    [32, 1]
    """
    model = keras.Sequential(
        [
            keras.Input(shape=(10,)),
            keras.layers.Dense(32, activation="relu"),
            keras.layers.Dense(1, activation="sigmoid"),
        ]
    )
    metrics = [keras.metrics.AUC(name="auc"), keras.metrics.AUC(curve="PR", name="pr_auc")]
    if all_metrics:
        metrics = [
            keras.metrics.BinaryCrossentropy(),
            keras.metrics.Precision(name="precision"),
            keras.metrics.Recall(name="recall"),
            *metrics,
        ]
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate=0.003),
        loss="binary_crossentropy",
        metrics=metrics,
    )
    return model


def balanced_weights(y_train):
    """The class weights that make both classes weigh as much in the training loss.

    Stands for cell ``7608d4f7``.

    >>> balanced_weights(np.array([0, 0, 0, 1]))  # 1 row of class 1 in 4
    {0: 0.6666666666666666, 1: 2.0}
    """
    n_rows, n_ones = len(y_train), int(y_train.sum())
    balanced = {0: n_rows / (2 * (n_rows - n_ones)), 1: n_rows / (2 * n_ones)}
    return balanced


def fit_plain(x_train, y_train, x_val, y_val, *, seed=0):
    """Seed, build and fit the classifier for 20 epochs, no weights: the model and its History.

    Stands for cell ``27225a36``.
    """
    seed_everything(seed)
    plain_model = build_classifier()
    plain_history = plain_model.fit(
        x_train,
        y_train[:, None],
        validation_data=(x_val, y_val[:, None]),
        epochs=20,
        batch_size=128,
        verbose=0,
    )
    return plain_model, plain_history


def fit_weighted(x_train, y_train, x_val, y_val, balanced, *, seed=0):
    """The same run with ``class_weight=balanced``: the model and its History.

    Stands for cell ``2c85d529``.
    """
    seed_everything(seed)
    weighted_model = build_classifier()
    weighted_history = weighted_model.fit(
        x_train,
        y_train[:, None],
        validation_data=(x_val, y_val[:, None]),
        epochs=20,
        batch_size=128,
        class_weight=balanced,
        verbose=0,
    )
    return weighted_model, weighted_history


def fit_same_way(x_train, y_train, x_val, y_val, balanced, *, seed=0):
    """The weighted run with the validation rows weighted the same way: the model and its
    History.

    Stands for cell ``616887c0``.
    """
    w_val = np.where(y_val == 1, balanced[1], balanced[0])  # one weight per validation row
    seed_everything(seed)
    same_way_model = build_classifier()
    same_way_history = same_way_model.fit(
        x_train,
        y_train[:, None],
        validation_data=(x_val, y_val[:, None], w_val),
        epochs=20,
        batch_size=128,
        class_weight=balanced,
        verbose=0,
    )
    return same_way_model, same_way_history


def as_dataset(x, y, batch_size, shuffle=False):
    """The rows (x, y as a column) in batches; with shuffle=True, in a new order every epoch.

    Stands for cell ``7473184c``.
    """
    data = tf.data.Dataset.from_tensor_slices((x, y[:, None]))
    if shuffle:
        data = data.shuffle(len(x), seed=0, reshuffle_each_iteration=True)
    return data.batch(batch_size)


def train_with_stopping(x_train, y_train, x_val, y_val, callback, *, seed=0):
    """Seed, build and fit the classifier for up to 100 epochs; return its History.

    Stands for cell ``7473184c``.
    """
    seed_everything(seed)
    model = build_classifier(all_metrics=False)
    return model.fit(
        as_dataset(x_train, y_train, 128, shuffle=True),
        validation_data=as_dataset(x_val, y_val, 1000),
        epochs=100,
        callbacks=[callback],
        shuffle=False,  # the dataset shuffles itself
        verbose=0,
    )
