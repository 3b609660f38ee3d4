"""Lesson 02 (binary cross-entropy): the split, the classifier (exercise 02.1) and its fit."""

import keras
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

from course_utils import load_dataset, seed_everything


def split(*, random_state=2):
    """The classification data, 80 / 20 stratified, scaled on the training rows:
    x_train, x_val, y_train, y_val.

    Stands for cell ``8a9f05b8``.

    >>> [len(part) for part in split()]
    [80, 20, 80, 20]
    """
    X, y = load_dataset("classification")
    x_train, x_val, y_train, y_val = train_test_split(
        X, y, test_size=0.2, random_state=random_state, stratify=y
    )
    scaler = StandardScaler().fit(x_train)  # the training rows only
    x_train, x_val = scaler.transform(x_train), scaler.transform(x_val)
    return x_train, x_val, y_train, y_val


def build_classifier():
    """64 ReLU units, 1 sigmoid output; Adam(0.003); binary cross-entropy, accuracy reported:
    the solution of exercise 02.1.

    Stands for cell ``bc0569e9``.

    >>> [layer.units for layer in build_classifier().layers]
    [64, 1]
    """
    model = keras.Sequential(
        [
            keras.Input(shape=(10,)),
            keras.layers.Dense(64, activation="relu"),
            keras.layers.Dense(1, activation="sigmoid"),
        ]
    )
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate=0.003),
        loss="binary_crossentropy",
        metrics=["accuracy"],
    )
    return model


def fit_classifier(x_train, y_train, x_val, y_val, *, seed=0):
    """Seed, build and fit the classifier for 150 epochs: the model and its History.

    Stands for cell ``7d4edcc0``.
    """
    seed_everything(seed)
    model = build_classifier()
    history = model.fit(
        x_train, y_train, validation_data=(x_val, y_val), epochs=150, batch_size=32, verbose=0
    )
    return model, history
