"""Lesson 03 (many classes): the digits split, the softmax and the logit models, and the run
that records each digit's validation loss."""

import keras
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

from course_utils import load_dataset, seed_everything


def split():
    """The digits, 80 / 20 stratified (360 validation rows), scaled on the training rows:
    x_train, x_val, y_train, y_val.

    Stands for cell ``092f73c1``.

    >>> [len(part) for part in split()]
    [1437, 360, 1437, 360]
    """
    X, y = load_dataset("digits")
    x_train, x_val, y_train, y_val = train_test_split(
        X, y, test_size=0.2, random_state=0, stratify=y
    )
    scaler = StandardScaler().fit(x_train)  # the training rows only
    x_train, x_val = scaler.transform(x_train), scaler.transform(x_val)
    return x_train, x_val, y_train, y_val


def build_model():
    """64 ReLU units, 10 softmax outputs; Adam(0.01); sparse categorical cross-entropy.

    Stands for cell ``f3afb3a4``.

    >>> [layer.units for layer in build_model().layers]
    [64, 10]
    """
    model = keras.Sequential(
        [
            keras.Input(shape=(64,)),
            keras.layers.Dense(64, activation="relu"),
            keras.layers.Dense(10, activation="softmax"),
        ]
    )
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate=0.01),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    return model


def build_logit_model(*, seed=0):
    """The same network with 10 linear outputs (logits), ``from_logits=True``; seeded.

    Stands for cell ``b1266c47``.
    """
    seed_everything(seed)
    logit_model = keras.Sequential(
        [
            keras.Input(shape=(64,)),
            keras.layers.Dense(64, activation="relu"),
            keras.layers.Dense(10),
        ]
    )
    logit_model.compile(
        optimizer=keras.optimizers.Adam(learning_rate=0.01),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=["accuracy"],
    )
    return logit_model


class PerClassValLoss(keras.callbacks.Callback):
    """After each epoch, the mean validation cross-entropy of each class's rows.

    losses: one row per epoch, one column per class. Stands for cell ``70d4d409``.
    """

    def __init__(self, x_val, y_val, num_classes):
        super().__init__()
        self.x_val, self.y_val, self.num_classes = x_val, y_val, num_classes

    def on_train_begin(self, logs=None):
        self.losses = []

    def on_epoch_end(self, epoch, logs=None):
        probabilities = self.model(self.x_val, training=False)
        row_loss = keras.ops.convert_to_numpy(
            keras.losses.sparse_categorical_crossentropy(self.y_val, probabilities)
        )
        self.losses.append([row_loss[self.y_val == k].mean() for k in range(self.num_classes)])


def watch_per_class(x_train, y_train, x_val, y_val, *, seed=0):
    """Seed, build and fit the softmax model for 30 epochs with ``PerClassValLoss``: the
    History and the callback (its ``losses``: epochs x digits).

    Stands for cell ``151e207a``.
    """
    per_class = PerClassValLoss(x_val, y_val, num_classes=10)
    seed_everything(seed)
    watched_model = build_model()
    watched_history = watched_model.fit(
        x_train,
        y_train,
        validation_data=(x_val, y_val),
        epochs=30,
        batch_size=32,
        callbacks=[per_class],
        verbose=0,
    )
    return watched_history, per_class
