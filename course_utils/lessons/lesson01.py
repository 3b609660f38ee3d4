"""Lesson 01 (regression, MSE): the shuffled split and the line model."""

import keras
from sklearn.model_selection import train_test_split


def split(X, y):
    """The shuffled split of the noisy line, 80 / 20: x_train, x_val, y_train, y_val.

    Stands for cell ``87a0f08f``.

    >>> from course_utils import load_dataset
    >>> [len(part) for part in split(*load_dataset("noisy_line"))]
    [80, 20, 80, 20]
    """
    x_train, x_val, y_train, y_val = train_test_split(X, y, test_size=0.2, random_state=0)
    return x_train, x_val, y_train, y_val


def build_line_model(learning_rate=0.001):
    """10 ReLU units and 1 output; Adam; loss MSE, MAE reported as a metric.

    Stands for cell ``48d23575``.

    >>> [layer.units for layer in build_line_model().layers]
    [10, 1]
    """
    model = keras.Sequential(
        [
            keras.Input(shape=(1,)),
            keras.layers.Dense(10, activation="relu"),
            keras.layers.Dense(1),
        ]
    )
    model.compile(optimizer=keras.optimizers.Adam(learning_rate), loss="mse", metrics=["mae"])
    return model
