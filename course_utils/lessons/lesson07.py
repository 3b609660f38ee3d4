"""Lesson 07 (surprises): the noisy line's split, its model with dropout, L2 or
BatchNormalization, and the digits classifier with random shifts."""

import keras
from sklearn.model_selection import train_test_split

from course_utils import load_dataset, seed_everything


def split(*, random_state=3):
    """The noisy line, 70 / 30: x_train, x_val, y_train, y_val.

    Stands for cell ``d0836862``.

    >>> [len(part) for part in split()]
    [70, 30, 70, 30]
    """
    X, y = load_dataset("noisy_line")
    x_train, x_val, y_train, y_val = train_test_split(
        X, y, test_size=0.3, random_state=random_state
    )
    return x_train, x_val, y_train, y_val


def build_line_model(dropout=0.0, l2=0.0):
    """64 ReLU units, optional dropout after them, 1 output; optional L2 penalty on the
    weights; Adam; loss MSE, with the plain MSE reported as a metric too.

    Stands for cell ``d0836862``.

    >>> [type(layer).__name__ for layer in build_line_model(dropout=0.5).layers]
    ['Dense', 'Dropout', 'Dense']
    """
    penalty = keras.regularizers.L2(l2) if l2 else None
    layers = [
        keras.Input(shape=(1,)),
        keras.layers.Dense(64, activation="relu", kernel_regularizer=penalty),
    ]
    if dropout:
        layers.append(keras.layers.Dropout(dropout))
    layers.append(keras.layers.Dense(1, kernel_regularizer=penalty))
    model = keras.Sequential(layers)
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="mse", metrics=["mse"])
    return model


def train(x_train, y_train, x_val, y_val, dropout=0.0, l2=0.0, *, seed=0):
    """Seed, build and fit the line model for 60 epochs; return the fitted model and its History.

    Stands for cell ``d0836862``.
    """
    seed_everything(seed)
    model = build_line_model(dropout, l2)
    history = model.fit(
        x_train, y_train, validation_data=(x_val, y_val), epochs=60, batch_size=32, verbose=0
    )
    return model, history


def train_batch_norm(x_train, y_train, x_val, y_val, momentum=0.99, *, seed=0):
    """The line model with BatchNormalization before the ReLU, seeded and fitted as `train` does.

    Stands for cell ``385554b2``.
    """
    seed_everything(seed)
    model = keras.Sequential(
        [
            keras.Input(shape=(1,)),
            keras.layers.Dense(64),
            keras.layers.BatchNormalization(momentum=momentum),
            keras.layers.Activation("relu"),
            keras.layers.Dense(1),
        ]
    )
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="mse", metrics=["mse"])
    history = model.fit(
        x_train, y_train, validation_data=(x_val, y_val), epochs=60, batch_size=32, verbose=0
    )
    return model, history


def digits_split(*, random_state=0):
    """The digits with pixels scaled to 0-1 (divided by 16), 80 / 20 stratified:
    x_digits_train, x_digits_val, y_digits_train, y_digits_val.

    Stands for cell ``a17079a5``.

    >>> [len(part) for part in digits_split()]
    [1437, 360, 1437, 360]
    """
    X_digits, y_digits = load_dataset("digits")
    x_digits_train, x_digits_val, y_digits_train, y_digits_val = train_test_split(
        X_digits / 16, y_digits, test_size=0.2, random_state=random_state, stratify=y_digits
    )
    return x_digits_train, x_digits_val, y_digits_train, y_digits_val


def shift_layer(seed=None):
    """Moves each 8x8 image by up to one pixel up or down and left or right, in training only.

    Stands for cell ``a17079a5``.
    """
    return keras.layers.RandomTranslation(
        0.125, 0.125, fill_mode="constant", interpolation="nearest", seed=seed
    )


def train_digits(x_digits_train, y_digits_train, x_digits_val, y_digits_val, augment, *, seed=0):
    """Seed, build and fit a digits classifier, with or without random shifts; its History.

    Stands for cell ``9882cc52``.
    """
    seed_everything(seed)
    layers = [keras.Input(shape=(64,))]
    if augment:
        layers += [keras.layers.Reshape((8, 8, 1)), shift_layer(), keras.layers.Flatten()]
    layers += [
        keras.layers.Dense(64, activation="relu"),
        keras.layers.Dense(10, activation="softmax"),
    ]
    model = keras.Sequential(layers)
    model.compile(
        optimizer=keras.optimizers.Adam(0.01),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    history = model.fit(
        x_digits_train,
        y_digits_train,
        validation_data=(x_digits_val, y_digits_val),
        epochs=20,
        batch_size=32,
        verbose=0,
    )
    return model, history
