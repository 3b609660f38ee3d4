"""Pin the Keras behaviours that lesson 07 ("Surprises") states and test_keras_facts.py does not.

test_keras_facts.py already pins the lag of the training loss, dropout, the L2 penalty in both
losses (with the weights standing still), validation_split taking the last rows, and evaluate versus
the logged loss. Lesson 07 also says:

- the penalty inside val_loss is the penalty of the end-of-epoch weights (what model.losses
  gives after fit), while the one inside loss is averaged over the epoch, before each update;
- noise layers (GaussianNoise), like dropout, act only in training;
- validation_split works with arrays only: a tf.data.Dataset is refused;
- validation_data, when given, silently wins over validation_split.

Each test fails if a Keras upgrade changes the statement. Models are one Dense unit with
known starting weights and plain SGD, so the expected numbers are computed by hand.
"""

import warnings

import keras
import numpy as np
import pytest
import tensorflow as tf

from course_utils.reproducibility import seed_everything

X = np.array([[1.0], [2.0], [3.0], [4.0], [5.0]])
Y = 2.0 * X + 1.0
X_VAL = np.array([[1.5], [3.5]])
Y_VAL = 2.0 * X_VAL + 1.0
KERNEL = 0.5  # starting weight of every line y = kernel * x below (no bias)


def line_model(*, learning_rate, first_layer=None, l2=None):
    """A seeded Dense(1) line without bias, starting at KERNEL; SGD; loss MSE, metric MSE."""
    seed_everything(0)
    layers = [keras.Input(shape=(1,))]
    if first_layer is not None:
        layers.append(first_layer)
    layers.append(
        keras.layers.Dense(
            1,
            use_bias=False,
            kernel_initializer=keras.initializers.Constant(KERNEL),
            kernel_regularizer=None if l2 is None else keras.regularizers.L2(l2),
        )
    )
    model = keras.Sequential(layers)
    model.compile(optimizer=keras.optimizers.SGD(learning_rate), loss="mse", metrics=["mse"])
    return model


def mse(kernel, x, y):
    return float(np.mean((kernel * x - y) ** 2))


def kernel_of(model):
    return float(model.get_weights()[0].squeeze())


def test_val_loss_holds_the_penalty_of_the_final_weights_and_loss_the_one_before_the_update():
    """Lesson 07, reason 3: val_loss - val_mse is the L2 penalty of the end-of-epoch weights
    (model.losses gives it after fit); loss - mse is the penalty measured before the update
    (one batch per epoch here), so the two differ while the weights move."""
    l2, learning_rate = 0.1, 0.01
    model = line_model(learning_rate=learning_rate, l2=l2)
    history = model.fit(X, Y, epochs=1, batch_size=5, validation_data=(X_VAL, Y_VAL), verbose=0)
    logged = {name: values[0] for name, values in history.history.items()}

    gradient = float(np.mean(2 * (KERNEL * X - Y) * X)) + 2 * l2 * KERNEL
    kernel_after = KERNEL - learning_rate * gradient
    assert kernel_of(model) == pytest.approx(kernel_after, rel=1e-5)

    penalty_before, penalty_after = l2 * KERNEL**2, l2 * kernel_after**2
    assert logged["loss"] - logged["mse"] == pytest.approx(penalty_before, rel=1e-4)
    assert logged["val_loss"] - logged["val_mse"] == pytest.approx(penalty_after, rel=1e-4)
    assert float(sum(model.losses)) == pytest.approx(penalty_after, rel=1e-5)
    assert abs(penalty_after - penalty_before) > 0.1 * penalty_before  # the weights did move


def test_gaussian_noise_acts_only_in_training():
    """Lesson 07, reason 2: noise layers, like dropout, are on in training mode only. The
    learning rate is 0, so the noise is the only difference between the two losses."""
    model = line_model(learning_rate=0.0, first_layer=keras.layers.GaussianNoise(1.0))
    history = model.fit(X, Y, epochs=1, batch_size=5, validation_data=(X_VAL, Y_VAL), verbose=0)

    assert history.history["val_loss"][0] == pytest.approx(mse(KERNEL, X_VAL, Y_VAL), rel=1e-6)
    assert model.evaluate(X, Y, verbose=0)[0] == pytest.approx(mse(KERNEL, X, Y), rel=1e-6)
    assert abs(history.history["loss"][0] - mse(KERNEL, X, Y)) > 1e-3


def test_validation_split_refuses_a_tf_data_dataset():
    """Lesson 07, surprise 4: validation_split works with arrays only."""
    model = line_model(learning_rate=0.0)
    dataset = tf.data.Dataset.from_tensor_slices((X, Y)).batch(5)
    with pytest.raises(ValueError, match="validation_split"):
        model.fit(dataset, epochs=1, validation_split=0.2, verbose=0)


def test_validation_data_silently_wins_over_validation_split():
    """Lesson 07, surprise 4: with both, Keras validates on validation_data, trains on every
    row, and says nothing. With zero weights and no updates, a loss is mean(y ** 2), so it
    tells which rows were used."""
    x = np.arange(10.0).reshape(-1, 1)
    x_val = np.array([[20.0], [30.0]])
    model = line_model(learning_rate=0.0)
    model.set_weights([np.zeros((1, 1))])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        history = model.fit(
            x,
            x,
            epochs=1,
            batch_size=4,
            validation_data=(x_val, x_val),
            validation_split=0.2,
            verbose=0,
        )

    assert history.history["val_loss"][0] == pytest.approx(np.mean(x_val**2), rel=1e-6)
    assert history.history["loss"][0] == pytest.approx(np.mean(x**2), rel=1e-6)
