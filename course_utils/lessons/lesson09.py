"""Lesson 09 (the training toolbox): its three splits, the classifier and the regressor
(each with its optimizer and learning rate as arguments), and the plain SGD runs."""

import keras
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

from course_utils import load_dataset, seed_everything


def split():
    """The classification data, 80 / 20 stratified, scaled on the training rows:
    x_train, x_val, y_train, y_val.

    Stands for cell ``3f20f5fa``.

    >>> [len(part) for part in split()]
    [80, 20, 80, 20]
    """
    X, y = load_dataset("classification")
    x_train, x_val, y_train, y_val = train_test_split(
        X, y, test_size=0.2, random_state=2, stratify=y
    )
    scaler = StandardScaler().fit(x_train)  # the training rows only
    x_train, x_val = scaler.transform(x_train), scaler.transform(x_val)
    return x_train, x_val, y_train, y_val


def build_classifier(learning_rate=0.003, optimizer=keras.optimizers.Adam):
    """64 ReLU units, 1 sigmoid output; binary cross-entropy, accuracy reported.

    Stands for cell ``3f20f5fa``.

    >>> type(build_classifier(optimizer=keras.optimizers.SGD).optimizer).__name__
    'SGD'
    """
    model = keras.Sequential(
        [
            keras.Input(shape=(10,)),
            keras.layers.Dense(64, activation="relu"),
            keras.layers.Dense(1, activation="sigmoid"),
        ]
    )
    model.compile(
        optimizer=optimizer(learning_rate=learning_rate),
        loss="binary_crossentropy",
        metrics=["accuracy"],
    )
    return model


def large_split():
    """The classification_large data, 75 / 25 stratified (1,500 and 500 rows), scaled on the
    training rows: x_train_large, x_val_large, y_train_large, y_val_large.

    Stands for cell ``c45aa3a7``.
    """
    X_large, y_large = load_dataset("classification_large")
    x_train_large, x_val_large, y_train_large, y_val_large = train_test_split(
        X_large, y_large, test_size=0.25, random_state=0, stratify=y_large
    )
    scaler_large = StandardScaler().fit(x_train_large)
    x_train_large = scaler_large.transform(x_train_large)
    x_val_large = scaler_large.transform(x_val_large)
    return x_train_large, x_val_large, y_train_large, y_val_large


def fit_sgd(x_train, y_train, x_val, y_val, learning_rate, *, seed=0):
    """Seed, build and fit the classifier with plain SGD at ``learning_rate`` for 20 epochs:
    its History.

    Stands for cell ``6a93f322``.
    """
    seed_everything(seed)
    sgd_model = build_classifier(learning_rate=learning_rate, optimizer=keras.optimizers.SGD)
    return sgd_model.fit(
        x_train, y_train, validation_data=(x_val, y_val), epochs=20, batch_size=32, verbose=0
    )


def diabetes_split():
    """The diabetes data, 80 / 20, features scaled on the training rows (the target is not):
    x_train_d, x_val_d, y_train_d, y_val_d.

    Stands for cell ``6a43d870``.

    >>> [len(part) for part in diabetes_split()]
    [353, 89, 353, 89]
    """
    X_diabetes, y_diabetes = load_dataset("diabetes")
    x_train_d, x_val_d, y_train_d, y_val_d = train_test_split(
        X_diabetes, y_diabetes, test_size=0.2, random_state=0
    )
    scaler_d = StandardScaler().fit(x_train_d)
    x_train_d, x_val_d = scaler_d.transform(x_train_d), scaler_d.transform(x_val_d)
    return x_train_d, x_val_d, y_train_d, y_val_d


def build_regressor(learning_rate=0.01, optimizer=keras.optimizers.SGD):
    """32 ReLU units, 1 linear output; mean squared error.

    Stands for cell ``6a43d870``.
    """
    model = keras.Sequential(
        [
            keras.Input(shape=(10,)),
            keras.layers.Dense(32, activation="relu"),
            keras.layers.Dense(1),
        ]
    )
    model.compile(optimizer=optimizer(learning_rate=learning_rate), loss="mse")
    return model
