"""Lesson 08 (the capstone): the three-way split, the classifier (exercise 08.2), the
callback (exercise 08.3) and the run stopped early."""

import keras
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

from course_utils import seed_everything


def split(X, y, *, random_state=1):
    """20 % test rows, then 25 % of the rest for validation, both stratified; scaled on the
    training rows: x_train, x_val, x_test, y_train, y_val, y_test.

    Stands for cell ``6f602cc7``.

    >>> from course_utils import load_dataset
    >>> [len(part) for part in split(*load_dataset("breast_cancer"))]
    [341, 114, 114, 341, 114, 114]
    """
    x_rest, x_test, y_rest, y_test = train_test_split(
        X, y, test_size=0.2, random_state=random_state, stratify=y
    )
    x_train, x_val, y_train, y_val = train_test_split(
        x_rest, y_rest, test_size=0.25, random_state=random_state, stratify=y_rest
    )
    scaler = StandardScaler().fit(x_train)
    x_train = scaler.transform(x_train)
    x_val = scaler.transform(x_val)
    x_test = scaler.transform(x_test)
    return x_train, x_val, x_test, y_train, y_val, y_test


def build_classifier():
    """32 ReLU units, 1 sigmoid output; Adam(0.003); binary cross-entropy, accuracy reported:
    the solution of exercise 08.2.

    Stands for cell ``35f48c47``.

    >>> [layer.units for layer in build_classifier().layers]
    [32, 1]
    """
    model = keras.Sequential(
        [
            keras.Input(shape=(30,)),
            keras.layers.Dense(32, activation="relu"),
            keras.layers.Dense(1, activation="sigmoid"),
        ]
    )
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate=0.003),
        loss="binary_crossentropy",
        metrics=["accuracy"],
    )
    return model


def early_stopping():
    """The callback of exercise 08.3 (its solution): EarlyStopping on val_loss, patience 10,
    the best epoch's weights restored.

    Stands for cell ``7fcd3425``.

    >>> early_stopping().patience
    10
    """
    return keras.callbacks.EarlyStopping(monitor="val_loss", patience=10, restore_best_weights=True)


def fit_classifier(x_train, y_train, x_val, y_val, early_stopping, *, seed=0):
    """Seed, build and fit the classifier for up to 300 epochs with ``early_stopping``: the
    model and its History.

    Stands for cell ``550b3342``.
    """
    seed_everything(seed)
    model = build_classifier()
    history = model.fit(
        x_train,
        y_train,
        validation_data=(x_val, y_val),
        epochs=300,
        batch_size=32,
        callbacks=[early_stopping],
        verbose=0,
    )
    return model, history
