"""Lesson 04 (early stopping): the classifier, its tf.data fit, the callback of exercise 04.1,
and the test-set section's three-way split and run."""

import keras
import tensorflow as tf
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

from course_utils import seed_everything


def build_classifier():
    """64 ReLU units, 1 sigmoid output; Adam; binary cross-entropy, accuracy reported.

    Stands for cell ``416c63ba``.

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


def as_dataset(x, y, shuffle=False):
    """The rows (x, y) in batches of 32; with shuffle=True, in a new order every epoch.

    Stands for cell ``416c63ba``.
    """
    data = tf.data.Dataset.from_tensor_slices((x, y))
    if shuffle:
        data = data.shuffle(len(x), seed=0, reshuffle_each_iteration=True)
    return data.batch(32)


def train(training_data, validation_data, callbacks=(), epochs=150):
    """Seed, build and fit the classifier on (x, y) pairs; return the model and its History.

    Stands for cell ``416c63ba``.
    """
    seed_everything(0)
    model = build_classifier()
    history = model.fit(
        as_dataset(*training_data, shuffle=True),
        validation_data=as_dataset(*validation_data),
        epochs=epochs,
        callbacks=list(callbacks),
        shuffle=False,  # the dataset shuffles itself; Keras cannot shuffle one (and would warn)
        verbose=0,
    )
    return model, history


def early_stopping():
    """The callback of exercise 04.1 (its solution): EarlyStopping on val_loss, patience 10,
    the best epoch's weights restored.

    Stands for cell ``62402207``.

    >>> early_stopping().patience
    10
    """
    return keras.callbacks.EarlyStopping(monitor="val_loss", patience=10, restore_best_weights=True)


def three_way_split(X, y, *, random_state=1):
    """The test-set section's split: 20 % test rows, then 25 % of the rest for validation,
    both stratified; scaled on the training rows. x_train_3way, x_val_3way, x_test,
    y_train_3way, y_val_3way, y_test.

    Stands for cell ``6ce2644d``.

    >>> from course_utils import load_dataset
    >>> [len(part) for part in three_way_split(*load_dataset("classification"))]
    [60, 20, 20, 60, 20, 20]
    """
    x_rest, x_test, y_rest, y_test = train_test_split(
        X, y, test_size=0.2, random_state=random_state, stratify=y
    )
    x_train_3way, x_val_3way, y_train_3way, y_val_3way = train_test_split(
        x_rest, y_rest, test_size=0.25, random_state=random_state, stratify=y_rest
    )  # 25 % of the other 80 rows: 20 rows
    scaler_3way = StandardScaler().fit(x_train_3way)
    x_train_3way = scaler_3way.transform(x_train_3way)
    x_val_3way = scaler_3way.transform(x_val_3way)
    x_test = scaler_3way.transform(x_test)
    return x_train_3way, x_val_3way, x_test, y_train_3way, y_val_3way, y_test


def final_run(x_train_3way, y_train_3way, x_val_3way, y_val_3way):
    """The test-set section's run: ``train`` with EarlyStopping(patience=10,
    restore_best_weights=True); the model, its History and the callback.

    Stands for cell ``ea070cb0``.
    """
    final_stopping = keras.callbacks.EarlyStopping(patience=10, restore_best_weights=True)
    final_model, final_history = train(
        (x_train_3way, y_train_3way), (x_val_3way, y_val_3way), [final_stopping]
    )
    return final_model, final_history, final_stopping
