"""Pin what the lessons state about Keras, TensorFlow and scikit-learn: docs/keras-facts.md.

Each test is named after the fact it pins, and its docstring starts with the fact's id in
docs/keras-facts.md ("Fact 4a: ..."). If an upgrade changes a fact, its test fails and the
lessons the list names need a look. Facts 8, 9 and 11 are about data, not Keras: they get small
NumPy / scikit-learn demonstrations. Models are tiny and seeded; most use plain SGD so the
expected numbers can be computed by hand. The last two tests check that the list and the tests
agree: every fact names a test that exists, and every test here pins the facts it names.
"""

import ast
import csv
import inspect
import re
import warnings
from pathlib import Path

import keras
import numpy as np
import pytest
import tensorflow as tf
from sklearn.datasets import load_breast_cancer, load_diabetes, load_digits, make_classification
from sklearn.dummy import DummyClassifier
from sklearn.model_selection import ShuffleSplit, learning_curve, train_test_split
from sklearn.preprocessing import StandardScaler

from course_utils.reproducibility import seed_everything

X = np.array([[1.0], [2.0], [3.0], [4.0], [5.0]])
Y = 2.0 * X + 1.0
X_VAL = np.array([[1.5], [3.5]])
Y_VAL = 2.0 * X_VAL + 1.0
KERNEL, BIAS = 0.5, 0.0  # starting weights of every line y = kernel * x + bias below


def line_model(*, learning_rate, dropout=None, regularizer=None, metrics=None, bias=True):
    """A seeded Dense(1) regression with known starting weights, compiled with SGD and MSE."""
    seed_everything(0)
    layers = [keras.Input(shape=(1,))]
    if dropout is not None:
        layers.append(keras.layers.Dropout(dropout))
    layers.append(
        keras.layers.Dense(
            1,
            use_bias=bias,
            kernel_initializer=keras.initializers.Constant(KERNEL),
            bias_initializer=keras.initializers.Constant(BIAS),
            kernel_regularizer=regularizer,
        )
    )
    model = keras.Sequential(layers)
    model.compile(optimizer=keras.optimizers.SGD(learning_rate), loss="mse", metrics=metrics)
    return model


def mse(kernel, bias, x, y):
    return float(np.mean((kernel * x + bias - y) ** 2))


def mae(kernel, bias, x, y):
    return float(np.mean(np.abs(kernel * x + bias - y)))


def sgd_by_hand(learning_rate, epochs, batch_size):
    """Mini-batch SGD on (X, Y) without shuffling, as fit(shuffle=False) runs it.

    Returns, per epoch: the batch-size-weighted mean of the batch losses measured before
    each update, the same measured after each update, the plain mean over batches, the
    weighted mean of the batches' mean absolute errors measured before each update, and
    the weights at the end of the epoch.
    """
    kernel, bias = KERNEL, BIAS
    epochs_seen = []
    for _ in range(epochs):
        before, after, mae_before, sizes = [], [], [], []
        for start in range(0, len(X), batch_size):
            x, y = X[start : start + batch_size], Y[start : start + batch_size]
            before.append(mse(kernel, bias, x, y))
            mae_before.append(mae(kernel, bias, x, y))
            error = kernel * x + bias - y
            kernel -= learning_rate * float(np.mean(2 * error * x))
            bias -= learning_rate * float(np.mean(2 * error))
            after.append(mse(kernel, bias, x, y))
            sizes.append(len(x))
        epochs_seen.append(
            dict(
                weighted_before=np.average(before, weights=sizes),
                weighted_after=np.average(after, weights=sizes),
                plain_mean_before=np.mean(before),
                weighted_mae_before=np.average(mae_before, weights=sizes),
                kernel=kernel,
                bias=bias,
            )
        )
    return epochs_seen


def differs(a, b):
    """True when a and b are clearly different numbers, not just float noise."""
    return abs(a - b) > 1e-3 * max(abs(a), abs(b))


# ---------------------------------------------------------------------------- fact 1


def test_training_loss_is_the_batch_weighted_mean_measured_before_each_update():
    """Fact 1a: `loss` averages the batch losses, weighted by batch size, each measured before
    its update. Batches of 2, 2 and 1 make the weighting visible."""
    model = line_model(learning_rate=0.02)
    history = model.fit(X, Y, epochs=2, batch_size=2, shuffle=False, verbose=0)
    by_hand = sgd_by_hand(learning_rate=0.02, epochs=2, batch_size=2)

    for logged, epoch in zip(history.history["loss"], by_hand, strict=True):
        assert logged == pytest.approx(epoch["weighted_before"], rel=1e-5)
        assert differs(logged, epoch["plain_mean_before"])  # the weighting matters
        assert differs(logged, epoch["weighted_after"])  # measured before, not after
    kernel, bias = (float(w.squeeze()) for w in model.get_weights())
    assert (kernel, bias) == pytest.approx((by_hand[-1]["kernel"], by_hand[-1]["bias"]), rel=1e-5)


def test_val_loss_is_measured_once_after_the_epochs_last_update():
    """Fact 1b: `val_loss` is the validation loss of the weights at the end of each epoch."""
    model = line_model(learning_rate=0.02)
    history = model.fit(
        X, Y, epochs=2, batch_size=2, shuffle=False, validation_data=(X_VAL, Y_VAL), verbose=0
    )
    by_hand = sgd_by_hand(learning_rate=0.02, epochs=2, batch_size=2)

    for logged, epoch in zip(history.history["val_loss"], by_hand, strict=True):
        assert logged == pytest.approx(mse(epoch["kernel"], epoch["bias"], X_VAL, Y_VAL), rel=1e-5)
    assert history.history["val_loss"][-1] == pytest.approx(
        model.evaluate(X_VAL, Y_VAL, verbose=0), rel=1e-6
    )


@pytest.mark.parametrize(
    "rows, batch_size, lag",
    [
        (32, 32, 1.0),  # one batch: measured with the weights the epoch started with
        (96, 32, 4 / 6),  # three equal batches: (n + 1) / (2n)
        (64, 1, 65 / 128),  # many batches: close to half an epoch
        (80, 32, 0.7333),  # lesson 01: batches of 32, 32 and 16 rows
        (70, 32, 0.7905),  # lesson 07: batches of 32, 32 and 6 rows
    ],
)
def test_training_loss_lags_n_plus_1_over_2n_epochs_behind_val_loss(rows, batch_size, lag):
    """Fact 1c: batch k of n is measured after k - 1 of the epoch's n updates, so the logged
    loss (weighted by batch size) describes the weights of sum(size_k * (k - 1) / n) / rows
    epochs into the epoch, while val_loss describes its end. The lag is (n + 1) / (2n) epochs
    for n equal batches: half an epoch only when there are many.

    To see the lag in a history, the model's loss must fall by the same amount at every
    update, whatever the batch: one bias learning the target 1 from inputs 0, with MAE and
    plain SGD, moves by exactly the learning rate per update. Then (loss - val_loss) divided
    by one epoch's fall of val_loss is the lag, in epochs."""
    sizes = [min(batch_size, rows - start) for start in range(0, rows, batch_size)]
    n = len(sizes)
    from_sizes = 1 - np.average(np.arange(n) / n, weights=sizes)
    assert from_sizes == pytest.approx(lag, abs=1e-4)
    if len(set(sizes)) == 1:
        assert from_sizes == pytest.approx((n + 1) / (2 * n))

    seed_everything(0)
    bias_only = keras.layers.Dense(1, kernel_initializer="zeros")  # inputs 0: the kernel stays 0
    model = keras.Sequential([keras.Input(shape=(1,)), bias_only])
    model.compile(optimizer=keras.optimizers.SGD(0.05 / n), loss="mae")  # 0.05 an epoch
    x, y = np.zeros((rows, 1)), np.ones((rows, 1))
    history = model.fit(
        x, y, batch_size=batch_size, epochs=3, shuffle=False, validation_data=(x, y), verbose=0
    )
    loss, val_loss = history.history["loss"], history.history["val_loss"]

    for epoch in (1, 2):  # 0-based; each needs the epoch before it
        one_epoch = val_loss[epoch - 1] - val_loss[epoch]
        assert one_epoch == pytest.approx(0.05, rel=1e-4)
        assert (loss[epoch] - val_loss[epoch]) / one_epoch == pytest.approx(from_sizes, rel=1e-3)


# ---------------------------------------------------------------------------- fact 3


def test_dropout_acts_only_in_training():
    """Fact 3: the training loss is measured in training mode (dropout on), val_loss
    in inference mode (dropout off). The learning rate is 0, so the weights never move and
    dropout is the only difference."""
    model = line_model(learning_rate=0.0, dropout=0.5)
    history = model.fit(X, Y, epochs=1, batch_size=5, validation_data=(X_VAL, Y_VAL), verbose=0)

    without_dropout_train = mse(KERNEL, BIAS, X, Y)
    without_dropout_val = mse(KERNEL, BIAS, X_VAL, Y_VAL)
    assert history.history["val_loss"][0] == pytest.approx(without_dropout_val, rel=1e-6)
    assert model.evaluate(X, Y, verbose=0) == pytest.approx(without_dropout_train, rel=1e-6)
    assert differs(history.history["loss"][0], without_dropout_train)


def test_without_dropout_and_updates_training_loss_equals_evaluate():
    """Fact 3 (control): with nothing mode-dependent and no updates, the training loss
    equals evaluate, so the difference above comes from dropout alone."""
    model = line_model(learning_rate=0.0)
    history = model.fit(X, Y, epochs=1, batch_size=2, verbose=0)
    assert history.history["loss"][0] == pytest.approx(model.evaluate(X, Y, verbose=0), rel=1e-6)


# ---------------------------------------------------------------------------- facts 18 to 25
# More about fit: metrics, validation rows, epochs, batches, seeds, means over rows.


def test_training_metrics_are_averaged_over_the_epoch_like_the_loss():
    """Fact 18: a training metric, like the loss, is the batch-size-weighted mean of values
    measured before each update, while the validation metric is measured on the end-of-epoch
    weights. Batches of 2, 2 and 1, plain SGD."""
    model = line_model(learning_rate=0.02, metrics=["mae"])
    history = model.fit(
        X, Y, epochs=1, batch_size=2, shuffle=False, validation_data=(X_VAL, Y_VAL), verbose=0
    )
    [epoch] = sgd_by_hand(learning_rate=0.02, epochs=1, batch_size=2)

    assert history.history["mae"][0] == pytest.approx(epoch["weighted_mae_before"], rel=1e-5)
    assert differs(history.history["mae"][0], mae(epoch["kernel"], epoch["bias"], X, Y))
    assert history.history["val_mae"][0] == pytest.approx(
        mae(epoch["kernel"], epoch["bias"], X_VAL, Y_VAL), rel=1e-5
    )


def test_validation_rows_do_not_change_training():
    """Fact 19: the validation rows are only measured, never learned from: the same seeded fit
    with and without validation_data logs the same training loss and ends on the same
    weights."""
    runs = []
    for validation_data in (None, (X_VAL, Y_VAL)):
        model = line_model(learning_rate=0.02)
        history = model.fit(
            X, Y, epochs=3, batch_size=2, validation_data=validation_data, verbose=0
        )
        runs.append((history.history["loss"], model.get_weights()))

    (loss_without, weights_without), (loss_with, weights_with) = runs
    assert loss_with == loss_without
    for without, with_validation in zip(weights_without, weights_with, strict=True):
        np.testing.assert_array_equal(with_validation, without)


def test_keras_prints_epochs_from_1_and_stores_them_from_0(capsys):
    """Fact 20: fit prints the epochs counted from 1 ("Epoch 1/2"), while history.epoch (the
    index of history.history) counts them from 0."""
    history = line_model(learning_rate=0.01).fit(X, Y, epochs=2, verbose=2)
    printed = capsys.readouterr().out
    assert "Epoch 1/2" in printed and "Epoch 2/2" in printed
    assert "Epoch 0/2" not in printed
    assert history.epoch == [0, 1]


class RowRecorder(keras.layers.Layer):
    """Passes its input on and, in training mode, records each batch's first input column as
    row numbers (the model must run eagerly)."""

    def __init__(self):
        super().__init__()
        self.batches = []

    def call(self, inputs, training=False):
        if training:
            self.batches.append([int(row) for row in keras.ops.convert_to_numpy(inputs)[:, 0]])
        return inputs


def batches_fit_sees(data, epochs, **fit_options):
    """The rows of each training batch, epoch by epoch, when fit reads ``data`` (x, y) or a
    tf.data.Dataset. The inputs of ``data`` are the row numbers."""
    recorder = RowRecorder()
    seed_everything(0)
    model = keras.Sequential([keras.Input(shape=(1,)), recorder, keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.SGD(0.0), loss="mse", run_eagerly=True)
    model.fit(*data, epochs=epochs, verbose=0, **fit_options)
    per_epoch = len(recorder.batches) // epochs
    return [recorder.batches[k * per_epoch : (k + 1) * per_epoch] for k in range(epochs)]


def test_seeded_fit_shuffles_arrays_into_the_same_order_every_epoch():
    """Fact 21: given arrays, fit shuffles the rows (shuffle=True by default) and cuts them
    into batches of batch_size and a last, smaller batch, so every epoch sees every row
    once. Once the global seed is set (seed_everything calls keras.utils.set_random_seed),
    every epoch repeats the same shuffled order."""
    assert inspect.signature(keras.Model.fit).parameters["shuffle"].default is True
    rows = np.arange(10.0)[:, None]
    epochs = batches_fit_sees((rows, np.zeros((10, 1))), epochs=3, batch_size=4)

    orders = []
    for batches in epochs:
        assert [len(batch) for batch in batches] == [4, 4, 2]
        order = sum(batches, [])
        assert sorted(order) == list(range(10))
        orders.append(tuple(order))
    assert orders[0] != tuple(range(10))  # shuffled
    assert orders == [orders[0]] * 3  # and the same order in every epoch


def test_fit_cannot_shuffle_a_dataset_and_warns_when_asked_to():
    """Fact 22: given a tf.data.Dataset, fit reads its batches in the dataset's own order.
    With its default shuffle=True it warns that the argument is ignored; shuffle=False is
    silent."""
    rows = np.arange(5.0)[:, None]
    dataset = tf.data.Dataset.from_tensor_slices((rows, np.zeros((5, 1)))).batch(2)
    with pytest.warns(UserWarning, match="`shuffle=True` was passed, but will be ignored"):
        epochs = batches_fit_sees((dataset,), epochs=2)
    assert epochs == [[[0, 1], [2, 3], [4]]] * 2

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        batches_fit_sees((dataset,), epochs=1, shuffle=False)


def test_a_seeded_run_repeats_exactly_and_a_shorter_one_retraces_its_start():
    """Fact 23: with seed_everything(0) right before the model is built, the same fit gives
    the same history to the last digit (random starting weights and shuffled batches
    included), and a run of 3 epochs is the first 3 epochs of a run of 5."""
    rng = np.random.default_rng(0)
    x, x_val = rng.normal(size=(40, 2)), rng.normal(size=(10, 2))
    y, y_val = x @ [1.0, -2.0], x_val @ [1.0, -2.0]

    def run(epochs):
        seed_everything(0)
        model = keras.Sequential(
            [keras.Input(shape=(2,)), keras.layers.Dense(8, "relu"), keras.layers.Dense(1)]
        )
        model.compile(optimizer=keras.optimizers.Adam(0.05), loss="mse")
        return model.fit(
            x, y, validation_data=(x_val, y_val), epochs=epochs, batch_size=8, verbose=0
        ).history

    five, again, three = run(5), run(5), run(3)
    assert again == five
    assert three == {name: values[:3] for name, values in five.items()}


def test_mse_and_mae_are_the_mean_squared_and_the_mean_absolute_error():
    """Fact 25: loss="mse" is the mean of (prediction - truth)**2 and "mae" the mean of
    |prediction - truth|, over the rows."""
    truth, predicted = np.array([[1.0], [2.0], [4.0]]), np.array([[2.0], [2.0], [1.0]])
    assert float(keras.losses.get("mse")(truth, predicted).numpy().mean()) == pytest.approx(10 / 3)
    assert float(keras.losses.get("mae")(truth, predicted).numpy().mean()) == pytest.approx(4 / 3)
    assert float(keras.losses.MeanSquaredError()(truth, predicted)) == pytest.approx(10 / 3)
    assert float(keras.losses.MeanAbsoluteError()(truth, predicted)) == pytest.approx(4 / 3)


# ---------------------------------------------------------------------------- fact 2


def test_loss_and_val_loss_both_include_the_l2_penalty_and_mse_metric_does_not():
    """Fact 2a: the L2 penalty is in `loss` and in `val_loss`; metrics=["mse"] leaves it out."""
    model = line_model(learning_rate=0.0, regularizer=keras.regularizers.L2(0.5), metrics=["mse"])
    history = model.fit(X, Y, epochs=1, batch_size=5, validation_data=(X_VAL, Y_VAL), verbose=0)
    penalty = 0.5 * KERNEL**2
    logged = {name: values[0] for name, values in history.history.items()}

    assert logged["mse"] == pytest.approx(mse(KERNEL, BIAS, X, Y), rel=1e-6)
    assert logged["val_mse"] == pytest.approx(mse(KERNEL, BIAS, X_VAL, Y_VAL), rel=1e-6)
    assert logged["loss"] == pytest.approx(logged["mse"] + penalty, rel=1e-6)
    assert logged["val_loss"] == pytest.approx(logged["val_mse"] + penalty, rel=1e-6)


# ---------------------------------------------------------------------------- facts 4 to 6


class FakeModel:
    """Just enough of a model for EarlyStopping: a stop flag and weights tagged by epoch."""

    def __init__(self):
        self.stop_training = False
        self.epoch = None
        self.restored_from_epoch = None

    def get_weights(self):
        return [self.epoch]

    def set_weights(self, weights):
        self.restored_from_epoch = weights[0]


def drive(callback, values):
    """Feed one val_loss per epoch to `callback` the way fit does (epochs counted from 0)
    until it stops training; return the fake model."""
    model = FakeModel()
    callback.set_model(model)
    callback.on_train_begin()
    for epoch, value in enumerate(values):
        model.epoch = epoch
        callback.on_epoch_end(epoch, {"val_loss": value})
        if model.stop_training:
            break
    callback.on_train_end()
    return model


def test_early_stopping_defaults():
    """Fact 4a: EarlyStopping's defaults."""
    stated = {
        "monitor": "val_loss",
        "min_delta": 0,
        "patience": 0,
        "mode": "auto",
        "restore_best_weights": False,
        "start_from_epoch": 0,
    }
    parameters = inspect.signature(keras.callbacks.EarlyStopping).parameters
    assert {name: parameters[name].default for name in stated} == stated


@pytest.mark.parametrize(
    "values, min_delta, improved",
    [
        ([1.0, 1.0], 0, False),  # equal is not better: the test is strict
        ([1.0, 0.999], 0, True),
        ([1.0, 0.75], 0.25, False),  # exactly min_delta lower is not enough
        ([1.0, 0.5], 0.25, True),
    ],
)
def test_early_stopping_improvement_is_strict_and_needs_more_than_min_delta(
    values, min_delta, improved
):
    """Fact 4b: an epoch improves only if current < best - min_delta."""
    callback = keras.callbacks.EarlyStopping(min_delta=min_delta, patience=1)
    model = drive(callback, values)
    assert model.stop_training is not improved
    assert callback.best == (values[1] if improved else values[0])


def test_early_stopping_fires_when_wait_reaches_patience():
    """Fact 4c: after the best epoch, the stop fires on the patience-th epoch without
    improvement (wait >= patience)."""
    callback = keras.callbacks.EarlyStopping(patience=3)
    model = drive(callback, [1.0, 2.0, 2.0, 2.0, 2.0, 2.0])
    assert model.stop_training
    assert callback.stopped_epoch == 3  # 0-based: the 3rd epoch after the best one (epoch 0)
    assert callback.wait == 3


def test_best_epoch_is_the_last_improvement_under_min_delta_not_the_lowest(capsys):
    """Facts 5, 6a and 6b: with min_delta, "best" is the last epoch that counted as an
    improvement, not the lowest value (6a); best_epoch and stopped_epoch are 0-based, Keras
    prints them + 1 (6b); restore_best_weights restores that epoch's weights (5)."""
    values = [1.0, 0.5, 0.45, 0.9]
    callback = keras.callbacks.EarlyStopping(
        min_delta=0.25, patience=2, restore_best_weights=True, verbose=1
    )
    model = drive(callback, values)

    assert int(np.argmin(values)) == 2
    assert callback.best_epoch == 1  # 0.45 was lower, but not lower by more than 0.25
    assert model.restored_from_epoch == 1
    assert callback.stopped_epoch == 3
    printed = capsys.readouterr().out
    assert "Epoch 4: early stopping" in printed
    assert "Restoring model weights from the end of the best epoch: 2." in printed


def test_restore_best_weights_restores_even_when_no_early_stop_fired():
    """Facts 5 and 6b: with restore_best_weights=True, fit ends on the best epoch's weights
    even if patience never ran out (5). Then stopped_epoch == 0, and best_epoch is 0-based like
    the index into history.history (6b).

    One weight w learns y = 1 on the training row while the validation row wants 0.5, so
    val_loss = (w - 0.5)**2 falls, bottoms out at epoch 3 (w = 0.488), then rises."""
    model = line_model(learning_rate=0.1, bias=False)
    model.set_weights([np.zeros((1, 1))])
    callback = keras.callbacks.EarlyStopping(patience=10, restore_best_weights=True)
    history = model.fit(
        np.ones((1, 1)),
        np.ones((1, 1)),
        epochs=5,
        validation_data=(np.ones((1, 1)), np.full((1, 1), 0.5)),
        callbacks=[callback],
        verbose=0,
    )
    val_loss = history.history["val_loss"]

    assert len(val_loss) == 5 and callback.stopped_epoch == 0  # it never fired
    assert callback.best_epoch == int(np.argmin(val_loss)) == 2
    assert float(model.get_weights()[0].squeeze()) == pytest.approx(0.488, rel=1e-5)
    assert model.evaluate(np.ones((1, 1)), np.full((1, 1), 0.5), verbose=0) == pytest.approx(
        min(val_loss), rel=1e-4
    )


# ---------------------------------------------------------------------------- fact 7


def test_validation_split_takes_the_last_rows_even_with_shuffle():
    """Fact 7a: validation_split=0.2 validates on the last 20 % of the arrays, taken before
    any shuffling. With zero weights and no updates, a loss is just mean(y ** 2), so it
    tells which rows were used."""
    x = np.arange(10.0).reshape(-1, 1)
    model = line_model(learning_rate=0.0)
    model.set_weights([np.zeros((1, 1)), np.zeros(1)])
    history = model.fit(x, x, epochs=2, batch_size=4, validation_split=0.2, shuffle=True, verbose=0)

    assert history.history["val_loss"] == pytest.approx([np.mean(x[-2:] ** 2)] * 2, rel=1e-6)
    assert history.history["loss"] == pytest.approx([np.mean(x[:-2] ** 2)] * 2, rel=1e-6)


# ---------------------------------------------------------------------------- facts 8, 9, 11


def test_scaler_fitted_on_all_rows_lets_validation_rows_change_training_inputs():
    """Fact 8 (scikit-learn): a scaler fitted before the split makes the scaled training
    inputs depend on the validation rows: information leaks from validation to training."""
    x = np.linspace(0.0, 10.0, 40).reshape(-1, 1)
    x_train, x_val = train_test_split(x, test_size=0.25, random_state=0)

    def train_inputs_scaled_on_all_rows(validation_rows):
        return StandardScaler().fit(np.vstack([x_train, validation_rows])).transform(x_train)

    leaked = train_inputs_scaled_on_all_rows(x_val)
    assert not np.allclose(leaked, train_inputs_scaled_on_all_rows(x_val + 100.0))
    assert not np.allclose(leaked, StandardScaler().fit(x_train).transform(x_train))


def test_choosing_by_validation_score_makes_that_score_optimistic():
    """Fact 9: pick the best of 200 coin-flip "models" by validation accuracy. Its validation
    accuracy looks good; on fresh test data it is back to a coin flip."""
    rng = np.random.default_rng(0)
    y_val, y_test = rng.integers(0, 2, 50), rng.integers(0, 2, 50)
    val_guesses, test_guesses = rng.integers(0, 2, (200, 50)), rng.integers(0, 2, (200, 50))
    chosen = np.argmax((val_guesses == y_val).mean(axis=1))

    val_accuracy = (val_guesses[chosen] == y_val).mean()
    test_accuracy = (test_guesses[chosen] == y_test).mean()
    assert val_accuracy >= 0.65
    assert val_accuracy - test_accuracy >= 0.1


def test_small_validation_sets_give_noisy_scores():
    """Fact 11a: the same model (right on 80 % of cases) scored on random validation sets of
    20 rows varies several times more than on sets of 400 rows."""
    correct = np.random.default_rng(0).random(2000) < 0.8

    def spread(validation_size):
        splits = ShuffleSplit(n_splits=200, test_size=validation_size, random_state=0)
        return np.std([correct[rows].mean() for _, rows in splits.split(correct)])

    assert spread(20) > 3 * spread(400)


# ---------------------------------------------------------------------------- facts 26 to 35
# scikit-learn: scaling, splitting, learning curves, the data sets the lessons use.


def test_standard_scaler_uses_the_mean_and_std_of_the_rows_it_was_fitted_on():
    """Fact 26: StandardScaler learns each column's mean and standard deviation from the rows
    it is fitted on and transform applies those two numbers to any rows: the fitted rows come
    out with mean 0 and standard deviation 1, other rows only near that.
    It wants a 2-D array (a target needs y[:, None]) and inverse_transform undoes it."""
    rng = np.random.default_rng(0)
    train, other = rng.normal(5.0, 2.0, size=(50, 2)), rng.normal(5.0, 2.0, size=(20, 2))
    scaler = StandardScaler().fit(train)

    np.testing.assert_allclose(scaler.mean_, train.mean(axis=0))
    np.testing.assert_allclose(scaler.scale_, train.std(axis=0))
    np.testing.assert_allclose(scaler.transform(train).mean(axis=0), 0.0, atol=1e-12)
    np.testing.assert_allclose(scaler.transform(train).std(axis=0), 1.0)
    scaled_other = scaler.transform(other)
    np.testing.assert_allclose(scaled_other, (other - train.mean(axis=0)) / train.std(axis=0))
    assert np.abs(scaled_other.mean(axis=0)).min() > 0.01

    with pytest.raises(ValueError, match="Expected 2D array, got 1D array instead"):
        StandardScaler().fit(train[:, 0])
    target = StandardScaler().fit(train[:, :1])
    np.testing.assert_allclose(
        target.inverse_transform(target.transform(other[:, :1])), other[:, :1]
    )


def test_train_test_split_is_repeatable_with_random_state_and_takes_a_share_or_a_count():
    """Fact 27: train_test_split shuffles the rows and sets test_size of them aside (a share
    or a number of rows); the same random_state gives the same split, another one another."""
    rows = np.arange(100)
    train, test = train_test_split(rows, test_size=0.2, random_state=1)
    assert len(test) == 20 and sorted(np.concatenate([train, test])) == list(range(100))
    assert list(test) != sorted(test)  # shuffled, not a block of rows
    again = train_test_split(rows, test_size=0.2, random_state=1)[1]
    other = train_test_split(rows, test_size=0.2, random_state=2)[1]
    assert list(again) == list(test) and list(other) != list(test)
    assert len(train_test_split(rows, test_size=40, random_state=0)[1]) == 40


def test_learning_curve_trains_on_the_first_n_rows_of_the_training_part():
    """Fact 33: scikit-learn's learning curve (LearningCurveDisplay.from_estimator calls
    learning_curve) fits one model per training size, on the first n rows of the given
    training part, and scores each on the same validation rows."""
    fitted_on = []

    class Recording(DummyClassifier):
        def fit(self, X, y, sample_weight=None):
            fitted_on.append([int(row) for row in X[:, 0]])
            return super().fit(X, y, sample_weight)

    rows = np.arange(20)[:, None]
    labels = np.arange(20) % 2
    split = [(np.arange(12), np.arange(12, 20))]
    sizes, _, validation_scores = learning_curve(
        Recording(), rows, labels, train_sizes=[4, 8, 12], cv=split
    )
    assert list(sizes) == [4, 8, 12]
    assert fitted_on == [list(range(n)) for n in (4, 8, 12)]
    assert validation_scores.shape == (3, 1)


def test_make_classification_mixes_informative_redundant_and_noise_features():
    """Fact 34: make_classification(n_features=10, n_informative=5), as the lessons' data was
    made, adds by default 2 redundant features (mixtures of the informative ones) and fills
    the other 3 with noise, and gives 1 % of the rows a random label (flip_y=0.01)."""
    defaults = inspect.signature(make_classification).parameters
    assert (defaults["n_redundant"].default, defaults["flip_y"].default) == (2, 0.01)
    x, _ = make_classification(
        n_samples=100, n_features=10, n_informative=5, shuffle=False, random_state=42
    )
    informative = np.column_stack([x[:, :5], np.ones(100)])

    def unexplained(column):
        """What is left of a column after its best mix of the informative features."""
        mix = np.linalg.lstsq(informative, column, rcond=None)[0]
        return np.std(column - informative @ mix) / np.std(column)

    assert max(unexplained(x[:, k]) for k in (5, 6)) < 1e-6
    assert min(unexplained(x[:, k]) for k in (7, 8, 9)) > 0.9


def test_scikit_learn_ships_the_digits_breast_cancer_and_diabetes_data():
    """Fact 35: scikit-learn ships, with no download, the digits (1,797 images of 8 x 8
    grey levels 0 to 16, ten digits about equally common), the breast cancer data (569
    tumours, 30 measurements, 0 = malignant, 1 = benign) and the diabetes data (442 patients,
    10 features, a progression target from 25 to 346)."""
    digits = load_digits()
    assert digits.data.shape == (1797, 64) and digits.images.shape[1:] == (8, 8)
    assert (digits.data.min(), digits.data.max()) == (0.0, 16.0)
    counts = np.bincount(digits.target)
    assert len(counts) == 10 and counts.min() >= 0.95 * counts.mean()

    cancer = load_breast_cancer()
    assert cancer.data.shape == (569, 30)
    assert list(cancer.target_names) == ["malignant", "benign"]

    diabetes = load_diabetes(scaled=False)
    assert diabetes.data.shape == (442, 10)
    assert (diabetes.target.min(), diabetes.target.max()) == (25.0, 346.0)


# ---------------------------------------------------------------------------- fact 10


def cross_entropy_and_accuracy(probabilities):
    """Keras's binary cross-entropy and accuracy of predictions for the labels 1, 1, 1, 0, 0."""
    y_true = np.array([[1.0], [1.0], [1.0], [0.0], [0.0]])
    y_pred = np.array(probabilities).reshape(-1, 1)
    loss = keras.losses.BinaryCrossentropy()(y_true, y_pred)
    accuracy = keras.metrics.BinaryAccuracy()
    accuracy.update_state(y_true, y_pred)
    return float(loss), float(accuracy.result())


def test_val_loss_can_rise_while_accuracy_holds_or_rises():
    """Fact 10: cross-entropy punishes a confident mistake that accuracy counts only once."""
    loss_before, accuracy_before = cross_entropy_and_accuracy([0.7, 0.7, 0.4, 0.3, 0.3])
    # later: more confident everywhere, so the one mistake is now a confident one
    loss_same, accuracy_same = cross_entropy_and_accuracy([0.95, 0.95, 0.01, 0.05, 0.05])
    assert accuracy_same == accuracy_before == pytest.approx(0.8)
    assert loss_same > 2 * loss_before

    loss_start, accuracy_start = cross_entropy_and_accuracy([0.6, 0.4, 0.4, 0.4, 0.4])
    # later: two more right, but one confidently wrong
    loss_end, accuracy_end = cross_entropy_and_accuracy([0.9, 0.9, 0.9, 0.1, 0.999])
    assert accuracy_end > accuracy_start
    assert loss_end > 2 * loss_start


# ---------------------------------------------------------------------------- fact 12


def test_evaluate_on_training_data_after_fit_differs_from_the_last_logged_loss():
    """Fact 12: the logged loss averages over an epoch whose weights kept changing; evaluate
    uses the final weights (in inference mode)."""
    model = line_model(learning_rate=0.02)
    history = model.fit(X, Y, epochs=2, batch_size=2, shuffle=False, verbose=0)
    kernel, bias = (float(w.squeeze()) for w in model.get_weights())

    evaluated = model.evaluate(X, Y, verbose=0)
    assert evaluated == pytest.approx(mse(kernel, bias, X, Y), rel=1e-5)
    assert differs(evaluated, history.history["loss"][-1])


@pytest.mark.parametrize(
    "values, first_not_improving", [([1.0, 2.0, 0.5, 0.6], 1), ([1.0, 0.9, 0.95, 0.8], 2)]
)
def test_patience_0_and_1_stop_at_the_same_epoch(values, first_not_improving):
    """Fact 4c: as notebook 04 states it, Keras adds the non-improving epoch to `wait`
    before comparing with patience, so patience=0 and patience=1 both stop at the first
    epoch that does not improve."""
    stops = []
    for patience in (0, 1):
        callback = keras.callbacks.EarlyStopping(patience=patience)
        drive(callback, values)
        stops.append(callback.stopped_epoch)
    assert stops == [first_not_improving, first_not_improving]


def test_early_stopping_ignores_the_epochs_before_start_from_epoch():
    """Fact 4e: with start_from_epoch=3 the epochs before epoch 3 (0-based) are not watched at
    all: no best, no waiting, no stop. On a curve that only rises, patience=1 then stops at
    epoch 4 instead of epoch 1."""
    values = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]
    late = keras.callbacks.EarlyStopping(patience=1, start_from_epoch=3)
    drive(late, values)
    assert (late.best, late.best_epoch, late.stopped_epoch) == (4.0, 3, 4)

    from_the_start = keras.callbacks.EarlyStopping(patience=1)
    drive(from_the_start, values)
    assert (from_the_start.best_epoch, from_the_start.stopped_epoch) == (0, 1)


# ---------------------------------------------------------------------------- facts 13 and 14

LOGITS = np.array([[-4.0], [0.3], [3.0], [20.0]])  # the last row: confident and wrong
LABELS = np.array([[0.0], [1.0], [0.0], [0.0]])
# Binary cross-entropy of each row, computed from its logit z in float64:
# -log(sigmoid(z)) for class 1 and -log(1 - sigmoid(z)) for class 0, i.e. log(1 + e^z) - t z.
EXACT_ROW_LOSSES = np.logaddexp(0.0, LOGITS[:, 0]) - LABELS[:, 0] * LOGITS[:, 0]
CLIPPED_LOGIT_20 = 15.942385  # -log(1 - (1 - 1e-7)) in float32: 1 - 1e-7 is 0.99999988


def logit_model(activation, loss, metrics=None):
    """Dense(1) with weight 1 and bias 0: it outputs activation(x), so x = LOGITS are its
    logits."""
    model = keras.Sequential(
        [
            keras.Input(shape=(1,)),
            keras.layers.Dense(1, activation=activation, kernel_initializer="ones"),
        ]
    )
    model.compile(optimizer="sgd", loss=loss, metrics=metrics)
    return model


def test_sigmoid_output_with_from_logits_true_gives_the_right_loss_on_tensorflow():
    """Fact 13a: on the TensorFlow backend a sigmoid's output carries its logits
    (_keras_logits) and the loss uses them. So a sigmoid output with from_logits=True gets
    the same, exact loss as with from_logits=False (no double sigmoid), and Keras warns.
    Both take the logits path: the logit 20 costs 20.0, not the clipped 15.94."""
    assert keras.backend.backend() == "tensorflow"  # on JAX or PyTorch the sigmoid counts twice
    plain = logit_model("sigmoid", keras.losses.BinaryCrossentropy())
    with pytest.warns(UserWarning, match="received `from_logits=True`, but the `output` argument"):
        doubled = logit_model("sigmoid", keras.losses.BinaryCrossentropy(from_logits=True))
        doubled_loss = doubled.evaluate(LOGITS, LABELS, verbose=0)

    exact = EXACT_ROW_LOSSES.mean()
    assert plain.evaluate(LOGITS, LABELS, verbose=0) == pytest.approx(exact, rel=1e-5)
    assert doubled_loss == pytest.approx(EXACT_ROW_LOSSES.mean(), rel=1e-5)
    double_sigmoid = 1 / (1 + np.exp(-1 / (1 + np.exp(-LOGITS))))
    assert differs(doubled_loss, float(keras.losses.BinaryCrossentropy()(LABELS, double_sigmoid)))


def test_numpy_probabilities_take_the_clipped_path():
    """Fact 13b: probabilities as plain numbers (what model.predict returns) carry no logits,
    so the loss clips them to [1e-7, 1 - 1e-7] before the log: the logit 20 on a row of
    class 0 costs 15.94 instead of 20. Ordinary rows are unaffected."""
    per_row = keras.losses.BinaryCrossentropy(reduction=None)
    from_logits = keras.losses.BinaryCrossentropy(from_logits=True, reduction=None)(LABELS, LOGITS)
    probabilities = (1 / (1 + np.exp(-LOGITS))).astype("float32")
    from_probabilities = per_row(LABELS, probabilities)

    assert np.asarray(from_logits) == pytest.approx(EXACT_ROW_LOSSES, rel=1e-5)
    assert np.asarray(from_probabilities)[:3] == pytest.approx(EXACT_ROW_LOSSES[:3], rel=1e-4)
    assert float(from_probabilities[3]) == pytest.approx(CLIPPED_LOGIT_20, rel=1e-6)
    assert float(from_probabilities[3]) == pytest.approx(15.94, abs=0.005)

    model = logit_model("sigmoid", keras.losses.BinaryCrossentropy())
    predicted = model.predict(LOGITS, verbose=0)
    assert isinstance(predicted, np.ndarray)
    assert float(per_row(LABELS, predicted)[3]) == pytest.approx(CLIPPED_LOGIT_20, rel=1e-6)
    exact = EXACT_ROW_LOSSES.mean()
    assert model.evaluate(LOGITS, LABELS, verbose=0) == pytest.approx(exact, rel=1e-5)


def test_accuracy_on_logits_cuts_at_0_5_not_at_0():
    """Fact 14: with one linear output unit, metrics=["accuracy"] becomes
    BinaryAccuracy(threshold=0.5) applied to the logits, i.e. p > sigmoid(0.5) = 0.62.
    The row with logit 0.3 (p = 0.57, class 1) is right at threshold 0 and wrong at 0.5."""
    at_zero = keras.metrics.BinaryAccuracy(threshold=0.0, name="accuracy_at_0")
    model = logit_model(
        None, keras.losses.BinaryCrossentropy(from_logits=True), metrics=["accuracy", at_zero]
    )
    logged = model.evaluate(LOGITS, LABELS, verbose=0, return_dict=True)
    sigmoid_model = logit_model("sigmoid", keras.losses.BinaryCrossentropy(), metrics=["accuracy"])
    on_probabilities = sigmoid_model.evaluate(LOGITS, LABELS, verbose=0, return_dict=True)

    assert 1 / (1 + np.exp(-0.5)) == pytest.approx(0.62, abs=0.005)
    assert logged["accuracy"] == pytest.approx(0.25)  # only the row with logit -4 counts as right
    assert logged["accuracy_at_0"] == pytest.approx(0.5)
    assert on_probabilities["accuracy"] == pytest.approx(logged["accuracy_at_0"])
    assert logged["loss"] == pytest.approx(on_probabilities["loss"], rel=1e-5)


# ---------------------------------------------------------------------------- fact 17
# Many classes: the lessons on multi-class and imbalanced classification. The K-class
# baseline (fact 17h, the entropy of the training class shares) is pinned in test_baselines.py.

CLASS_X = np.random.default_rng(0).normal(size=(12, 3))  # three inputs, also three classes
CLASS_Y = np.argmax(CLASS_X, axis=1)
CLASS_Y[6:] = (CLASS_Y[6:] + 1) % 3  # half the rows not the class of their largest input
CLASS_WEIGHT = {0: 1.0, 1: 2.0, 2: 5.0}  # their mean is not 1, so the reductions differ


def class_model(loss, *, activation="softmax", metrics=None, weighted_metrics=None):
    """Dense(3) with kernel I and bias 0: its logits are the inputs. SGD with learning rate 0,
    so fit never changes the weights and every logged number can be recomputed."""
    model = keras.Sequential(
        [
            keras.Input(shape=(3,)),
            keras.layers.Dense(3, activation=activation, kernel_initializer="identity"),
        ]
    )
    model.compile(
        optimizer=keras.optimizers.SGD(0.0),
        loss=loss,
        metrics=metrics,
        weighted_metrics=weighted_metrics,
    )
    return model


def row_cross_entropies(x, labels):
    """-log softmax(x)[label] for each row, in float64: the per-row loss of class_model."""
    log_softmax = x - np.log(np.exp(x).sum(axis=1, keepdims=True))
    return -log_softmax[np.arange(len(labels)), labels]


def test_sparse_and_one_hot_categorical_crossentropy_give_the_same_loss():
    """Fact 17a: sparse_categorical_crossentropy on class numbers and categorical_crossentropy
    on the same labels one-hot are the same loss: on the same predictions they agree, and
    both are the mean of -log(probability of the true class)."""
    one_hot = keras.utils.to_categorical(CLASS_Y, 3)
    sparse = class_model("sparse_categorical_crossentropy").evaluate(CLASS_X, CLASS_Y, verbose=0)
    dense = class_model("categorical_crossentropy").evaluate(CLASS_X, one_hot, verbose=0)

    assert sparse == pytest.approx(dense, rel=1e-6)
    assert sparse == pytest.approx(row_cross_entropies(CLASS_X, CLASS_Y).mean(), rel=1e-5)


@pytest.mark.parametrize(
    ("loss", "one_hot", "message"),
    [
        (
            "categorical_crossentropy",
            False,
            "Arguments `target` and `output` must have the same rank (ndim). "
            "Received: target.shape=(None,), output.shape=(None, 3)",
        ),
        (
            "sparse_categorical_crossentropy",
            True,
            "Argument `output` must have rank (ndim) `target.ndim - 1`. "
            "Received: target.shape=(None, 3), output.shape=(None, 3)",
        ),
    ],
    ids=["categorical with class numbers", "sparse with one-hot rows"],
)
def test_mixing_up_the_two_categorical_losses_fails_loudly_in_fit(loss, one_hot, message):
    """Fact 17b: a mix-up is an error, not a silently wrong loss. model.fit raises ValueError
    for categorical_crossentropy given class numbers of shape (n,), and for
    sparse_categorical_crossentropy given one-hot rows."""
    labels = keras.utils.to_categorical(CLASS_Y, 3) if one_hot else CLASS_Y
    with pytest.raises(ValueError) as raised:
        class_model(loss).fit(CLASS_X, labels, epochs=1, verbose=0)
    assert message in str(raised.value)


def test_accuracy_on_multi_class_logits_is_the_same_as_on_probabilities():
    """Fact 17c: with K classes, metrics=["accuracy"] and the loss
    sparse_categorical_crossentropy resolve to SparseCategoricalAccuracy, which takes the
    argmax; softmax keeps the order, so a linear (logit) output with from_logits=True gets
    the same accuracy as a softmax output. The binary threshold trap of fact 14 has no
    multi-class counterpart."""
    logits = class_model(
        keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        activation=None,
        metrics=["accuracy"],
    )
    on_logits = logits.evaluate(CLASS_X, CLASS_Y, verbose=0, return_dict=True)
    probabilities = class_model("sparse_categorical_crossentropy", metrics=["accuracy"])
    on_probabilities = probabilities.evaluate(CLASS_X, CLASS_Y, verbose=0, return_dict=True)

    [accuracy] = [
        metric
        for group in logits.metrics
        for metric in getattr(group, "metrics", [])
        if metric.name == "accuracy"
    ]
    assert type(accuracy) is keras.metrics.SparseCategoricalAccuracy
    assert on_logits["accuracy"] == pytest.approx(0.5)  # the six rows left as they were
    assert on_probabilities["accuracy"] == on_logits["accuracy"]
    assert on_logits["loss"] == pytest.approx(on_probabilities["loss"], rel=1e-5)


# ---------------------------------------------------------------------------- fact 15


def weights_of(rows):
    """CLASS_WEIGHT as one weight per row: what sample_weight takes."""
    return np.array([CLASS_WEIGHT[label] for label in CLASS_Y[rows]])


@pytest.mark.parametrize("weighting", ["class_weight", "sample_weight"])
def test_weighted_training_loss_is_divided_by_the_rows_and_val_loss_is_unweighted(weighting):
    """Facts 15a and 15c: with class_weight (or sample_weight) w_i, the training loss is
    sum(w_i * loss_i) / n, the weighted sum divided by the number of rows n (batch by
    batch, then averaged by batch size, which comes to the same), not by sum(w_i).
    val_loss stays the plain mean over the validation rows. Metrics in metrics=[...] ignore
    the weights, so the loss as a metric is the plain mean on both sides; weighted_metrics
    use them as a weighted mean, sum(w_i * loss_i) / sum(w_i): not the weighted loss. With
    learning rate 0 the weights never move, so all of it can be recomputed by hand.
    Batches of 4, 4 and 4."""
    weights, val = weights_of(np.arange(12)), np.arange(8)
    row_losses = row_cross_entropies(CLASS_X, CLASS_Y)
    if weighting == "class_weight":
        options = {"class_weight": CLASS_WEIGHT}
    else:
        options = {"sample_weight": weights}
    model = class_model(
        "sparse_categorical_crossentropy",
        metrics=["sparse_categorical_crossentropy"],
        weighted_metrics=[keras.metrics.SparseCategoricalCrossentropy(name="weighted")],
    )
    history = model.fit(
        CLASS_X,
        CLASS_Y,
        validation_data=(CLASS_X[val], CLASS_Y[val]),
        batch_size=4,
        shuffle=False,
        epochs=1,
        verbose=0,
        **options,
    )
    loss, val_loss = history.history["loss"][0], history.history["val_loss"][0]

    weighted_sum = np.sum(weights * row_losses)
    assert loss == pytest.approx(weighted_sum / len(CLASS_Y), rel=1e-5)
    assert differs(loss, weighted_sum / np.sum(weights)) and differs(loss, row_losses.mean())
    assert val_loss == pytest.approx(row_losses[val].mean(), rel=1e-5)
    logged = {name: values[0] for name, values in history.history.items()}
    assert logged["sparse_categorical_crossentropy"] == pytest.approx(row_losses.mean(), rel=1e-5)
    assert logged["weighted"] == pytest.approx(weighted_sum / np.sum(weights), rel=1e-5)
    assert logged["val_sparse_categorical_crossentropy"] == pytest.approx(val_loss, rel=1e-5)


def test_validation_weights_weight_val_loss_the_same_way():
    """Fact 15b: validation_data=(x_val, y_val, w_val) weights val_loss as the training loss
    is weighted: sum(w_i * loss_i) / n_val."""
    val = np.arange(8)
    w_val = weights_of(val)
    row_losses = row_cross_entropies(CLASS_X[val], CLASS_Y[val])
    history = class_model("sparse_categorical_crossentropy").fit(
        CLASS_X, CLASS_Y, validation_data=(CLASS_X[val], CLASS_Y[val], w_val), epochs=1, verbose=0
    )
    val_loss = history.history["val_loss"][0]

    assert val_loss == pytest.approx(np.sum(w_val * row_losses) / len(val), rel=1e-5)
    assert differs(val_loss, row_losses.mean())


# ---------------------------------------------------------------------------- facts 37 to 39
# The rare-class metrics of lesson 05.


def test_precision_and_recall_cut_at_0_5_and_count_class_1_as_positive():
    """Fact 37: Precision() and Recall() flag a row when its score is above 0.5 (0.5 itself
    is not flagged) and count class 1 as the positive class. Here one alarm of two is real
    and one case of two is caught: 0.5 each. Counted for class 0 they would be 2/3."""
    labels = np.array([[1.0], [0.0], [0.0], [0.0], [1.0]])
    scores = np.array([[0.7], [0.6], [0.2], [0.1], [0.5]])
    found = {}
    for metric in (keras.metrics.Precision(), keras.metrics.Recall()):
        assert metric.thresholds == [0.5]
        metric.update_state(labels, scores)
        found[type(metric).__name__] = float(metric.result())
    assert found == {"Precision": 0.5, "Recall": 0.5}


def test_auc_of_a_constant_guess_is_0_5_for_roc_and_the_share_of_1s_for_pr():
    """Fact 38: the same score for every row gets ROC-AUC 0.5 (AUC()) and a PR-AUC equal to
    the share of 1s (AUC(curve="PR")), here 5.5 %, not 0.5."""
    labels = np.array([1.0] * 11 + [0.0] * 189)
    constant = np.full(200, 0.3)
    roc, pr = keras.metrics.AUC(), keras.metrics.AUC(curve="PR")
    roc.update_state(labels, constant)
    pr.update_state(labels, constant)
    assert float(roc.result()) == pytest.approx(0.5)
    assert float(pr.result()) == pytest.approx(0.055, rel=1e-5)


def test_unnamed_metric_objects_are_numbered_in_the_order_they_are_made():
    """Fact 39: a metric object made without a name gets its class's name plus a number that
    grows with every one made in the session ("precision", "precision_1", ...), and the
    history's keys use it; a named one keeps its name."""

    def history_keys(metric):
        model = logit_model("sigmoid", "binary_crossentropy", metrics=[metric])
        return sorted(model.fit(LOGITS, LABELS, epochs=1, verbose=0).history)

    first, second = keras.metrics.Precision(), keras.metrics.Precision()
    number = int(first.name.removeprefix("precision").removeprefix("_") or 0)
    assert second.name == f"precision_{number + 1}"
    assert history_keys(first) != history_keys(second)
    named_twice = [history_keys(keras.metrics.Precision(name="precision")) for _ in range(2)]
    assert named_twice == [["loss", "precision"]] * 2


# ---------------------------------------------------------------------------- fact 4, for AUC


def test_early_stopping_on_val_auc_maximises_it_in_auto_mode():
    """Fact 4d: with mode="auto", EarlyStopping(monitor="val_auc") keeps the highest val_auc.
    It decides the direction when the first epoch ends, from the model's metric named "auc"
    (AUC declares that higher is better): before training monitor_op is unset, even after
    set_model and on_train_begin; after the fit it is ops.greater."""
    rng = np.random.default_rng(0)
    x = rng.normal(size=(40, 2))
    y = (x[:, 0] + rng.normal(size=40) > 0).astype("float32")[:, None]
    seed_everything(0)
    model = keras.Sequential([keras.Input(shape=(2,)), keras.layers.Dense(1, "sigmoid")])
    model.compile(
        optimizer=keras.optimizers.SGD(0.5),
        loss="binary_crossentropy",
        metrics=[keras.metrics.AUC(name="auc")],
    )
    callback = keras.callbacks.EarlyStopping(monitor="val_auc", patience=10)
    callback.set_model(model)
    callback.on_train_begin()
    assert callback.monitor_op is None

    history = model.fit(
        x[:20], y[:20], validation_data=(x[20:], y[20:]), epochs=6, callbacks=[callback], verbose=0
    )
    val_auc = history.history["val_auc"]
    assert callback.monitor_op is keras.ops.greater
    assert max(val_auc) > min(val_auc)
    assert (callback.best, callback.best_epoch) == (max(val_auc), int(np.argmax(val_auc)))


# ---------------------------------------------------------------------------- fact 2, labels


def test_the_binary_crossentropy_metric_needs_labels_as_a_column_where_the_loss_does_not():
    """Fact 2c: the penalty-free metric of fact 2a. With labels of shape (n,) and a (n, 1)
    sigmoid output, the loss binary_crossentropy works but the metric
    metrics=["binary_crossentropy"] raises ValueError "Arguments `target` and `output` must
    have the same rank". Labels as a column, y[:, None], work for both, and then the metric
    equals the loss (no penalty here). Known upstream: tensorflow/tensorflow#75194
    (TensorFlow's overfitting tutorial)."""
    x, y = CLASS_X[:, :1], (CLASS_X[:, 1] > 0).astype("float32")
    sigmoid = 1 / (1 + np.exp(-x[:, 0]))  # logit_model's output before its first update
    exact = -np.mean(y * np.log(sigmoid) + (1 - y) * np.log(1 - sigmoid))

    def with_metric():
        return logit_model("sigmoid", "binary_crossentropy", metrics=["binary_crossentropy"])

    with pytest.raises(ValueError, match="Arguments `target` and `output` must have the same rank"):
        with_metric().fit(x, y, epochs=1, verbose=0)
    loss_only = logit_model("sigmoid", "binary_crossentropy").fit(x, y, epochs=1, verbose=0)
    as_column = with_metric().fit(x, y[:, None], epochs=1, verbose=0)

    assert loss_only.history["loss"][0] == pytest.approx(exact, rel=1e-5)
    assert as_column.history["loss"][0] == pytest.approx(exact, rel=1e-5)
    assert as_column.history["binary_crossentropy"][0] == pytest.approx(exact, rel=1e-5)


# ---------------------------------------------------------------------------- training toolbox
# Checkpoints, learning-rate callbacks and schedules, TensorBoard, CSVLogger, TerminateOnNaN
# (lesson 09), then BatchNormalization and augmentation layers (fact 16, lesson 07).

ONE_ROW = np.ones((1, 1))
HALF = np.full((1, 1), 0.5)


def falls_then_rises(callbacks, epochs=5):
    """The run of fact 5: one weight w learns y = 1 on the training row while the validation
    row wants 0.5, so val_loss = (w - 0.5)**2 falls, is lowest at epoch 2 (0-based; w =
    0.488), then rises. Returns the model and the history."""
    model = line_model(learning_rate=0.1, bias=False)
    model.set_weights([np.zeros((1, 1))])
    history = model.fit(
        ONE_ROW,
        ONE_ROW,
        epochs=epochs,
        validation_data=(ONE_ROW, HALF),
        callbacks=callbacks,
        verbose=0,
    )
    return model, history


@pytest.mark.parametrize("restore_best_weights", [False, True])
def test_model_checkpoint_keeps_the_best_epoch_in_its_file(tmp_path, restore_best_weights):
    """Facts 40 and 41: ModelCheckpoint(path.keras, monitor="val_loss", save_best_only=True)
    leaves the best epoch's model in the file: keras.models.load_model gives a compiled
    model whose evaluate on the validation rows is exactly (bit for bit) the lowest val_loss
    of the history. The model in memory is the last epoch's, unless EarlyStopping(
    restore_best_weights=True) was used too: then the two agree. The file also holds the
    optimizer as it was then (3 updates, not 5); restore_best_weights puts back the weights
    only."""
    path = tmp_path / "best.keras"
    callbacks = [keras.callbacks.ModelCheckpoint(path, monitor="val_loss", save_best_only=True)]
    if restore_best_weights:
        callbacks.append(keras.callbacks.EarlyStopping(patience=10, restore_best_weights=True))
    model, history = falls_then_rises(callbacks)
    val_loss = history.history["val_loss"]
    assert int(np.argmin(val_loss)) == 2 and len(val_loss) == 5

    saved = keras.models.load_model(path)
    assert saved.evaluate(ONE_ROW, HALF, verbose=0) == min(val_loss)
    assert float(saved.get_weights()[0].squeeze()) == pytest.approx(0.488, rel=1e-5)
    assert int(saved.optimizer.iterations) == 3 and int(model.optimizer.iterations) == 5
    in_memory = model.evaluate(ONE_ROW, HALF, verbose=0)
    if restore_best_weights:
        assert in_memory == min(val_loss)
        assert np.array_equal(model.get_weights()[0], saved.get_weights()[0])
    else:
        assert in_memory == val_loss[-1] > min(val_loss)
        assert float(model.get_weights()[0].squeeze()) == pytest.approx(0.67232, rel=1e-5)


def test_a_reloaded_checkpoint_evaluates_to_the_best_val_loss_on_a_real_network(tmp_path):
    """Facts 40 and 24: the same on a small network with several validation batches (batches of 8,
    Adam): evaluate with the fit's batch size gives exactly the lowest val_loss; other batch
    sizes agree to float precision."""
    rng = np.random.default_rng(0)
    x = rng.normal(size=(60, 3))
    y = x @ np.array([1.0, -2.0, 0.5]) + 2 * rng.normal(size=60)
    seed_everything(0)
    model = keras.Sequential(
        [keras.Input(shape=(3,)), keras.layers.Dense(32, "relu"), keras.layers.Dense(1)]
    )
    model.compile(optimizer=keras.optimizers.Adam(0.05), loss="mse")
    path = tmp_path / "best.keras"
    history = model.fit(
        x[:20],
        y[:20],
        validation_data=(x[20:], y[20:]),
        epochs=12,
        batch_size=8,
        callbacks=[keras.callbacks.ModelCheckpoint(path, save_best_only=True)],
        verbose=0,
    )
    val_loss = history.history["val_loss"]
    best = int(np.argmin(val_loss))
    assert 0 < best < len(val_loss) - 1  # the best epoch is neither the first nor the last

    saved = keras.models.load_model(path)
    assert saved.evaluate(x[20:], y[20:], batch_size=8, verbose=0) == min(val_loss)
    assert saved.evaluate(x[20:], y[20:], verbose=0) == pytest.approx(min(val_loss), rel=1e-6)
    assert differs(model.evaluate(x[20:], y[20:], verbose=0), min(val_loss))


# 2**-30: so small that the loss stays flat (it moves by less than min_delta=1e-4), and a
# power of two, so halving it is exact in float32
FLAT_LEARNING_RATE = 2.0**-30


def test_reduce_lr_on_plateau_halves_the_learning_rate_after_patience_flat_epochs():
    """Fact 43: ReduceLROnPlateau(monitor="val_loss", factor=0.5, patience=2) multiplies the
    optimizer's learning rate by 0.5 at the end of the 2nd epoch in a row without improvement
    (an improvement must beat the best by its default min_delta=1e-4), then waits another 2.
    It adds a learning_rate key to history.history, logged *before* it reduces: each entry is
    the rate that epoch trained with, so the last reduction shows only in the optimizer."""
    model = line_model(learning_rate=FLAT_LEARNING_RATE)
    callback = keras.callbacks.ReduceLROnPlateau(monitor="val_loss", factor=0.5, patience=2)
    history = model.fit(
        X, Y, epochs=7, validation_data=(X_VAL, Y_VAL), callbacks=[callback], verbose=0
    )
    val_loss = history.history["val_loss"]

    assert max(val_loss) - min(val_loss) < 1e-4  # flat: no epoch after the first improves
    parameters = inspect.signature(keras.callbacks.ReduceLROnPlateau).parameters
    assert parameters["min_delta"].default == 1e-4  # stored as -1e-4 in "min" mode
    halvings = [0, 0, 0, 1, 1, 2, 2]  # reduced at the end of epochs 2 and 4 (0-based), and 6
    assert history.history["learning_rate"] == [FLAT_LEARNING_RATE / 2**k for k in halvings]
    assert float(model.optimizer.learning_rate) == FLAT_LEARNING_RATE / 2**3


def test_history_has_no_learning_rate_without_a_learning_rate_callback(tmp_path):
    """Fact 44: a plain fit logs no learning_rate: only ReduceLROnPlateau and
    LearningRateScheduler add it to history.history. TensorBoard writes it to its own files
    (epoch_learning_rate) but not to the history."""
    model = line_model(learning_rate=0.01)
    plain = model.fit(X, Y, epochs=2, validation_data=(X_VAL, Y_VAL), verbose=0)
    with_tensorboard = line_model(learning_rate=0.01).fit(
        X,
        Y,
        epochs=2,
        validation_data=(X_VAL, Y_VAL),
        callbacks=[keras.callbacks.TensorBoard(tmp_path)],
        verbose=0,
    )
    scheduled = line_model(learning_rate=0.01).fit(
        X,
        Y,
        epochs=2,
        validation_data=(X_VAL, Y_VAL),
        callbacks=[keras.callbacks.LearningRateScheduler(lambda epoch: 0.01 / (epoch + 1))],
        verbose=0,
    )
    assert sorted(plain.history) == sorted(with_tensorboard.history) == ["loss", "val_loss"]
    assert scheduled.history["learning_rate"] == pytest.approx([0.01, 0.005])


def schedule_model(schedule):
    """A Dense(1) regression whose SGD follows the learning-rate schedule ``schedule``."""
    seed_everything(0)
    model = keras.Sequential([keras.Input(shape=(1,)), keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.SGD(schedule), loss="mse")
    return model


def test_a_learning_rate_schedule_is_not_logged_and_cannot_be_reduced():
    """Fact 45: with a keras.optimizers.schedules schedule (ExponentialDecay,
    PiecewiseConstantDecay) the rate changes at every update, and history.history holds no
    learning_rate. ReduceLROnPlateau then logs, per epoch, the schedule's value after the
    epoch's last update (the rate of the *next* update), and the first time it tries to
    reduce, fit stops with TypeError: a schedule's learning rate is not settable."""
    decay = keras.optimizers.schedules.ExponentialDecay(0.1, decay_steps=1, decay_rate=0.5)
    model = schedule_model(decay)
    history = model.fit(X, Y, epochs=3, batch_size=5, validation_data=(X_VAL, Y_VAL), verbose=0)
    assert sorted(history.history) == ["loss", "val_loss"]
    assert float(model.optimizer.learning_rate) == pytest.approx(0.1 * 0.5**3)  # 3 updates

    never_fires = keras.callbacks.ReduceLROnPlateau(monitor="loss", patience=100)
    history = schedule_model(decay).fit(
        X, Y, epochs=3, batch_size=5, callbacks=[never_fires], verbose=0
    )
    assert history.history["learning_rate"] == pytest.approx([0.05, 0.025, 0.0125])

    steps = keras.optimizers.schedules.PiecewiseConstantDecay([2, 4], [0.1, 0.01, 0.001])
    fires = keras.callbacks.ReduceLROnPlateau(monitor="loss", patience=0, min_delta=1e9)
    with pytest.raises(TypeError, match="learning rate is not settable"):
        schedule_model(steps).fit(X, Y, epochs=2, callbacks=[fires], verbose=0)


def scalars(run_directory, tag):
    """{step: value} of the scalar ``tag`` in the TensorBoard event files of one run."""
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
    from tensorflow import make_ndarray

    accumulator = EventAccumulator(str(run_directory))
    accumulator.Reload()
    return {
        event.step: make_ndarray(event.tensor_proto).item()
        for event in accumulator.Tensors(tag)  # Keras 3 writes scalars as tensor summaries
    }


def test_tensorboard_writes_epoch_loss_for_the_training_and_the_validation_run(tmp_path):
    """Fact 47: keras.callbacks.TensorBoard(log_dir) writes two runs, log_dir/train and
    log_dir/validation. Each holds an epoch_loss scalar per epoch, steps counted from 0 like
    history.epoch, equal to history's loss and val_loss (stored in float32, the precision
    they were computed in). The training run also gets epoch_learning_rate."""
    history = line_model(learning_rate=0.01).fit(
        X,
        Y,
        epochs=3,
        batch_size=2,
        validation_data=(X_VAL, Y_VAL),
        callbacks=[keras.callbacks.TensorBoard(tmp_path)],
        verbose=0,
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["train", "validation"]
    for run in ("train", "validation"):
        [event_file] = (tmp_path / run).iterdir()
        assert event_file.name.startswith("events.out.tfevents.")

    train = scalars(tmp_path / "train", "epoch_loss")
    validation = scalars(tmp_path / "validation", "epoch_loss")
    assert list(train) == list(validation) == history.epoch == [0, 1, 2]
    assert list(train.values()) == history.history["loss"]
    assert list(validation.values()) == history.history["val_loss"]
    assert scalars(tmp_path / "train", "epoch_learning_rate") == pytest.approx(
        {0: 0.01, 1: 0.01, 2: 0.01}
    )


def read_csv_log(path):
    with open(path, newline="") as file:
        return list(csv.DictReader(file))


def test_csv_logger_writes_one_row_per_epoch_counted_from_0(tmp_path):
    """Fact 48: keras.callbacks.CSVLogger(path) writes a header, "epoch" then the logged
    names in alphabetical order, and one row per epoch: the epoch counted from 0 (as in
    history.epoch, not as Keras prints it), then the values, which read back as exactly the
    history's. A learning_rate column is there only if ReduceLROnPlateau comes *before*
    CSVLogger in callbacks: the logger fixes its columns at the end of the first epoch."""
    path = tmp_path / "log.csv"
    history = line_model(learning_rate=0.01).fit(
        X,
        Y,
        epochs=3,
        validation_data=(X_VAL, Y_VAL),
        callbacks=[keras.callbacks.CSVLogger(path)],
        verbose=0,
    )
    rows = read_csv_log(path)
    assert list(rows[0]) == ["epoch", "loss", "val_loss"]
    assert [int(row["epoch"]) for row in rows] == history.epoch == [0, 1, 2]
    for name, values in history.history.items():
        assert [float(row[name]) for row in rows] == values

    columns = {}
    for order in ("reduce first", "logger first"):
        path = tmp_path / f"{order}.csv"
        reduce = keras.callbacks.ReduceLROnPlateau(factor=0.5, patience=1)
        logger = keras.callbacks.CSVLogger(path)
        line_model(learning_rate=FLAT_LEARNING_RATE).fit(
            X,
            Y,
            epochs=2,
            validation_data=(X_VAL, Y_VAL),
            callbacks=[reduce, logger] if order == "reduce first" else [logger, reduce],
            verbose=0,
        )
        columns[order] = list(read_csv_log(path)[0])
    assert columns == {
        "reduce first": ["epoch", "learning_rate", "loss", "val_loss"],
        "logger first": ["epoch", "loss", "val_loss"],
    }


def line_with_a_nan_in_batch_2():
    """The line y = 2x + 1 on x = 0, ..., 9 with x[5] NaN: the second row of batch 2
    (0-based) in batches of 2."""
    x = np.arange(10.0)[:, None]
    y = 2 * x + 1
    x[5] = np.nan
    return x, y


class BatchLosses(keras.callbacks.Callback):
    """Records the loss fit reports after each batch: the mean over the epoch so far."""

    def __init__(self):
        super().__init__()
        self.losses = []

    def on_train_batch_end(self, batch, logs=None):
        self.losses.append(logs["loss"])


def test_terminate_on_nan_stops_at_the_first_batch_whose_loss_is_nan():
    """Fact 49: TerminateOnNaN() checks the loss after every batch and stops training at the
    first NaN (or infinite) one. The batch's update has happened (the weights are NaN), the
    epoch is still closed (validation runs), so history holds that epoch with loss and
    val_loss NaN. The loss reported after a batch is the mean over the epoch so far, so once
    NaN it stays NaN. Here batch 2 (0-based) of epoch 0 holds an input NaN."""
    x, y = line_with_a_nan_in_batch_2()
    model = line_model(learning_rate=0.001)
    batches = BatchLosses()
    history = model.fit(
        x,
        y,
        epochs=3,
        batch_size=2,
        shuffle=False,
        validation_data=(X_VAL, Y_VAL),
        callbacks=[keras.callbacks.TerminateOnNaN(), batches],
        verbose=0,
    )

    assert np.isfinite(batches.losses[:2]).all() and np.isnan(batches.losses[2])
    assert len(batches.losses) == 3 and int(model.optimizer.iterations) == 3
    assert history.epoch == [0]
    assert np.isnan(history.history["loss"]).all() and np.isnan(history.history["val_loss"]).all()
    assert np.isnan(model.get_weights()[0]).all()


def test_too_high_a_learning_rate_blows_the_loss_up_until_terminate_on_nan_stops_it():
    """Facts 51 and 49: SGD with learning rate 1 on this unscaled line diverges: the loss grows by
    orders of magnitude every epoch until float32 overflows to inf in epoch 3 (0-based), and
    TerminateOnNaN, which also stops on an infinite loss, ends training there. The weights
    left are huge but finite; history holds four epochs, the last inf."""
    model = line_model(learning_rate=1.0)
    history = model.fit(
        X,
        Y,
        epochs=10,
        batch_size=1,
        shuffle=False,
        validation_data=(X_VAL, Y_VAL),
        callbacks=[keras.callbacks.TerminateOnNaN()],
        verbose=0,
    )
    loss = history.history["loss"]
    assert history.epoch == [0, 1, 2, 3]
    assert np.isfinite(loss[:3]).all() and np.isinf(loss[3])
    assert all(later > 1e10 * earlier for earlier, later in zip(loss[:2], loss[1:3], strict=True))
    assert np.isfinite(model.get_weights()[0]).all()


def test_model_checkpoint_wants_a_keras_file_name(tmp_path):
    """Fact 42: ModelCheckpoint saving the whole model wants a file name ending in .keras
    (or the older .h5); any other name is refused when the callback is made."""
    with pytest.raises(ValueError, match="must end in `.keras`"):
        keras.callbacks.ModelCheckpoint(tmp_path / "best.ckpt")
    assert keras.callbacks.ModelCheckpoint(tmp_path / "best.keras").filepath.endswith(".keras")


def test_exponential_decay_multiplies_the_rate_by_decay_rate_every_decay_steps_smoothly():
    """Fact 46: ExponentialDecay(rate, decay_steps, decay_rate) gives, at update number
    step, rate * decay_rate ** (step / decay_steps): 0.8 times per 24 updates, and smoothly
    in between (staircase=False by default)."""
    schedule = keras.optimizers.schedules.ExponentialDecay(0.1, decay_steps=24, decay_rate=0.8)
    for step in (0, 12, 24, 36, 240):
        assert float(schedule(step)) == pytest.approx(0.1 * 0.8 ** (step / 24), rel=1e-6)
    assert 0.08 < float(schedule(12)) < 0.1


def test_without_terminate_on_nan_fit_runs_every_epoch_on_nan_weights():
    """Fact 50: without TerminateOnNaN a NaN stops nothing: once a NaN reaches the weights
    every later loss is NaN, and fit still runs to the last epoch."""
    x, y = line_with_a_nan_in_batch_2()
    model = line_model(learning_rate=0.001)
    history = model.fit(
        x, y, epochs=3, batch_size=2, shuffle=False, validation_data=(X_VAL, Y_VAL), verbose=0
    )
    assert history.epoch == [0, 1, 2]
    assert np.isnan(history.history["loss"]).all() and np.isnan(history.history["val_loss"]).all()
    assert np.isnan(model.get_weights()[0]).all()


def first_step(optimizer, gradient):
    """How far ``optimizer`` moves a weight at 0 on its first update with ``gradient``."""
    weight = keras.Variable(np.zeros(1, dtype="float32"))
    optimizer.apply_gradients([(keras.ops.convert_to_tensor([gradient], "float32"), weight)])
    return -float(weight.numpy()[0])


def test_adam_steps_about_its_learning_rate_and_sgd_the_rate_times_the_gradient():
    """Fact 52: Adam's step is about its learning rate whatever the size of the gradient (so
    it seldom explodes, and crawls towards far-away targets); SGD's step is the learning rate
    times the gradient (so large gradients make large steps)."""
    for gradient in (0.1, 1.0, 1000.0):
        assert first_step(keras.optimizers.Adam(0.01), gradient) == pytest.approx(0.01, rel=1e-4)
        assert first_step(keras.optimizers.SGD(0.01), gradient) == pytest.approx(0.01 * gradient)


def test_adam_learning_rate_defaults_to_0_001():
    """Fact 53: keras.optimizers.Adam() has learning rate 0.001."""
    assert inspect.signature(keras.optimizers.Adam).parameters["learning_rate"].default == 0.001
    assert float(keras.optimizers.Adam().learning_rate) == pytest.approx(0.001)


def test_batch_normalization_trains_on_batch_statistics_and_evaluates_on_moving_averages():
    """Fact 16a: in fit, BatchNormalization normalises with each batch's own mean and
    variance; evaluate and predict use moving averages that start at mean 0, variance 1 and
    move by 1 - momentum = 1 % of the way per batch (momentum=0.99 by default). Early in
    training the two disagree wildly: here every batch of 2 is (99, 101), so batch statistics
    normalise it to about (-1, 1), exactly the targets (logged loss ~2.5e-7), while after 5
    batches the moving mean is only 100 * (1 - 0.99**5) = 4.9: evaluate on the same rows
    gives a loss of about 9,035. The learning rate is 0, so only the statistics change."""
    parameters = inspect.signature(keras.layers.BatchNormalization).parameters
    assert (parameters["momentum"].default, parameters["epsilon"].default) == (0.99, 1e-3)
    x = np.tile([[99.0], [101.0]], (5, 1))
    y = np.tile([[-1.0], [1.0]], (5, 1))
    seed_everything(0)
    normalization = keras.layers.BatchNormalization()
    model = keras.Sequential(
        [keras.Input(shape=(1,)), normalization, keras.layers.Dense(1, kernel_initializer="ones")]
    )
    model.compile(optimizer=keras.optimizers.SGD(0.0), loss="mse")
    history = model.fit(x, y, batch_size=2, epochs=1, shuffle=False, verbose=0)

    moving_mean = float(normalization.moving_mean.numpy()[0])
    moving_variance = float(normalization.moving_variance.numpy()[0])
    assert moving_mean == pytest.approx(100 * (1 - 0.99**5), rel=1e-6)
    assert moving_variance == 1.0  # every batch's (biased) variance is 1
    with_batch_statistics = np.mean((y / np.sqrt(1 + 1e-3) - y) ** 2)
    with_moving_averages = np.mean(((x - moving_mean) / np.sqrt(moving_variance + 1e-3) - y) ** 2)
    assert history.history["loss"][0] == pytest.approx(with_batch_statistics, rel=1e-2)
    assert history.history["loss"][0] < 1e-6
    assert model.evaluate(x, y, verbose=0) == pytest.approx(with_moving_averages, rel=1e-5)
    assert model.evaluate(x, y, verbose=0) > 9000


def batch_normalization_line(momentum=0.99):
    """Input -> BatchNormalization(momentum) -> Dense(1) with kernel 1, bias 0; SGD(0): only
    the moving averages change."""
    seed_everything(0)
    normalization = keras.layers.BatchNormalization(momentum=momentum)
    model = keras.Sequential(
        [keras.Input(shape=(1,)), normalization, keras.layers.Dense(1, kernel_initializer="ones")]
    )
    model.compile(optimizer=keras.optimizers.SGD(0.0), loss="mse")
    return model, normalization


def moving_averages(normalization):
    return float(normalization.moving_mean.numpy()[0]), float(normalization.moving_variance[0])


@pytest.mark.parametrize("momentum", [0.99, 0.9])
def test_batch_normalization_moving_averages_move_only_in_training_mode(momentum):
    """Fact 16b: inference calls (evaluate, predict, model(x, training=False), the
    validation pass of fit) leave the moving averages alone; every training-mode batch, in fit
    or in a model(x, training=True) call, moves them 1 - momentum of the way to its own
    mean and variance, so after k batches the starting values (0 and 1) still make up
    momentum**k of them. get_weights holds them, and set_weights puts them back."""
    x = np.tile([[99.0], [101.0]], (3, 1))  # each batch of 2: mean 100, (biased) variance 1
    y = np.tile([[-1.0], [1.0]], (3, 1))
    model, normalization = batch_normalization_line(momentum)
    model.evaluate(x, y, verbose=0)
    model.predict(x, verbose=0)
    model(x, training=False)
    assert moving_averages(normalization) == (0.0, 1.0)
    saved = model.get_weights()

    model(x[:2], training=True)  # one training-mode batch
    assert moving_averages(normalization)[0] == pytest.approx(100 * (1 - momentum), rel=1e-6)
    model.set_weights(saved)
    assert moving_averages(normalization) == (0.0, 1.0)

    model.fit(x, y, batch_size=2, epochs=2, shuffle=False, validation_data=(x, y), verbose=0)
    starting_share = momentum ** (2 * 3)  # 2 epochs of 3 batches; the validation pass adds none
    mean, variance = moving_averages(normalization)
    assert mean == pytest.approx(100 * (1 - starting_share), rel=1e-6)
    assert variance == pytest.approx(1.0, rel=1e-6)


def test_val_loss_with_batch_normalization_is_evaluate_in_inference_mode():
    """Fact 16c: the last val_loss of a model with BatchNormalization equals
    evaluate on the validation rows after fit and the loss of model(x_val, training=False),
    and differs from training mode (model(x_val, training=True)) on the same rows. A real
    fit (Adam, 3 epochs of 3 batches), so the weights move too."""
    rng = np.random.default_rng(0)
    x = rng.normal(5.0, 2.0, size=(70, 1))
    y = 2 * x + 1
    x_val = rng.normal(5.0, 2.0, size=(30, 1))
    y_val = 2 * x_val + 1
    seed_everything(0)
    model = keras.Sequential(
        [
            keras.Input(shape=(1,)),
            keras.layers.Dense(8),
            keras.layers.BatchNormalization(),
            keras.layers.Activation("relu"),
            keras.layers.Dense(1),
        ]
    )
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="mse")
    history = model.fit(x, y, validation_data=(x_val, y_val), epochs=3, batch_size=32, verbose=0)
    mse = keras.losses.MeanSquaredError()

    inference = float(mse(y_val, model(x_val, training=False)))
    assert history.history["val_loss"][-1] == pytest.approx(inference, rel=1e-5)
    assert model.evaluate(x_val, y_val, verbose=0) == pytest.approx(inference, rel=1e-5)
    saved = model.get_weights()
    training = float(mse(y_val, model(x_val, training=True)))
    model.set_weights(saved)
    assert differs(training, inference)
    assert model.evaluate(x_val, y_val, verbose=0) == pytest.approx(inference, rel=1e-5)


AUGMENTATIONS = {
    "RandomTranslation": lambda: keras.layers.RandomTranslation(0.125, 0.125, seed=0),
    "RandomRotation": lambda: keras.layers.RandomRotation(0.1, seed=0),
    "RandomZoom": lambda: keras.layers.RandomZoom(0.2, seed=0),
    "GaussianNoise": lambda: keras.layers.GaussianNoise(0.5, seed=0),
}


@pytest.mark.parametrize("name", sorted(AUGMENTATIONS))
def test_augmentation_layers_are_the_identity_in_inference_and_change_inputs_in_training(name):
    """Fact 16d: an augmentation layer returns its input unchanged with
    training=False (as in evaluate, predict and the validation pass of fit) and alters it
    with training=True (as in fit's training batches)."""
    images = np.random.default_rng(0).uniform(0, 1, size=(8, 8, 8, 1)).astype("float32")
    layer = AUGMENTATIONS[name]()
    np.testing.assert_array_equal(np.asarray(layer(images, training=False)), images)
    altered = np.asarray(layer(images, training=True))
    assert altered.shape == images.shape
    assert not np.allclose(altered, images)


def test_called_directly_without_training_the_image_layers_augment_and_noise_does_not():
    """Fact 16e: a direct call without training= takes each layer's own default: True for the
    image augmentation layers (RandomTranslation, RandomRotation, RandomZoom), False for
    GaussianNoise and Dropout. So model(x) on a model that starts with RandomTranslation
    shifts the images, while model(x, training=False) and predict do not."""
    defaults = {
        name: inspect.signature(layer().call).parameters["training"].default
        for name, layer in AUGMENTATIONS.items()
    }
    assert defaults == {
        "RandomTranslation": True,
        "RandomRotation": True,
        "RandomZoom": True,
        "GaussianNoise": False,
    }
    assert inspect.signature(keras.layers.Dropout(0.5).call).parameters["training"].default is False
    rows = np.random.default_rng(0).uniform(0, 1, size=(16, 64)).astype("float32")
    seed_everything(0)
    model = keras.Sequential(
        [
            keras.Input(shape=(64,)),
            keras.layers.Reshape((8, 8, 1)),
            keras.layers.RandomTranslation(0.125, 0.125, fill_mode="constant"),
            keras.layers.Flatten(),
        ]
    )
    assert not np.array_equal(np.asarray(model(rows)), rows)
    np.testing.assert_array_equal(np.asarray(model(rows, training=False)), rows)
    np.testing.assert_array_equal(model.predict(rows, verbose=0), rows)


def test_random_translation_by_an_eighth_moves_8x8_images_by_at_most_one_pixel():
    """Fact 16f: RandomTranslation(0.125, 0.125, fill_mode="constant",
    interpolation="nearest") moves each 8x8 image on its own by -1, 0 or 1 pixel up or down
    and left or right, and fills the uncovered edge with 0."""
    images = np.random.default_rng(0).uniform(0.1, 1, size=(64, 8, 8, 1)).astype("float32")
    layer = keras.layers.RandomTranslation(
        0.125, 0.125, fill_mode="constant", interpolation="nearest", seed=0
    )
    shifted = np.asarray(layer(images, training=True))

    def moved(image, down, right):
        padded = np.pad(image, ((1, 1), (1, 1), (0, 0)))
        return padded[1 - down : 9 - down, 1 - right : 9 - right]

    shifts = []
    for image, after in zip(images, shifted, strict=True):
        found = [
            (down, right)
            for down in (-1, 0, 1)
            for right in (-1, 0, 1)
            if np.array_equal(after, moved(image, down, right))
        ]
        assert len(found) == 1
        shifts.append(found[0])
    assert len(set(shifts)) > 3  # each image gets its own shift
    assert (0, 0) in shifts and any(shift != (0, 0) for shift in shifts)


def test_augmentation_is_in_the_training_loss_and_not_in_val_loss_or_evaluate():
    """Fact 16d: with an augmentation layer and no updates (SGD(0)), val_loss is
    the loss of the unaltered validation rows, evaluate on the training rows that of the
    unaltered training rows, and the logged training loss neither: it is measured on
    altered rows."""
    images = np.random.default_rng(1).uniform(0, 1, size=(32, 64)).astype("float32")
    targets = images.sum(axis=1, keepdims=True) * np.linspace(0, 1, 32)[:, None]
    seed_everything(0)
    plain_layers = [keras.layers.Dense(1, kernel_initializer="ones")]
    augmented = keras.Sequential(
        [
            keras.Input(shape=(64,)),
            keras.layers.Reshape((8, 8, 1)),
            keras.layers.RandomRotation(0.25, fill_mode="constant", seed=0),
            keras.layers.Flatten(),
            *plain_layers,
        ]
    )
    augmented.compile(optimizer=keras.optimizers.SGD(0.0), loss="mse")
    history = augmented.fit(
        images[:24], targets[:24], validation_data=(images[24:], targets[24:]), verbose=0
    )
    unaltered = keras.Sequential([keras.Input(shape=(64,)), *plain_layers])
    unaltered.compile(loss="mse")

    train_loss = unaltered.evaluate(images[:24], targets[:24], verbose=0)
    val_loss = unaltered.evaluate(images[24:], targets[24:], verbose=0)
    assert history.history["val_loss"][0] == pytest.approx(val_loss, rel=1e-5)
    assert augmented.evaluate(images[:24], targets[:24], verbose=0) == pytest.approx(
        train_loss, rel=1e-5
    )
    assert differs(history.history["loss"][0], train_loss)


# ---------------------------------------------------------------------------- the list itself
# docs/keras-facts.md names, for every fact, the tests that pin it. These two tests keep the
# list and the tests from drifting apart.

TESTS = Path(__file__).resolve().parent
FACTS_LIST = TESTS.parent / "docs" / "keras-facts.md"
LIST_CHECKS = {
    "test_every_fact_in_the_list_names_tests_that_exist",
    "test_every_test_here_pins_the_facts_its_docstring_names",
}


def facts_in_the_list():
    """[(fact id, [(test module, test name), ...])] from the table rows of the list: a row
    starts with "| <id> |", and its last cell names the tests as `tests/<module>::<test>`."""
    rows = []
    for line in FACTS_LIST.read_text(encoding="utf-8").splitlines():
        row = re.match(r"\| (\d+[a-z]?) \|", line)
        if row:
            last_cell = line.rstrip().rstrip("|").rsplit("|", 1)[-1]
            rows.append((row[1], re.findall(r"`tests/(test_\w+\.py)::(test_\w+)`", last_cell)))
    return rows


def collected_test_names(module):
    """The names of the test functions pytest collects from tests/<module>: the functions at
    its top level whose names start with test_."""
    tree = ast.parse((TESTS / module).read_text(encoding="utf-8"))
    return {
        node.name
        for node in tree.body
        if isinstance(node, ast.FunctionDef) and node.name.startswith("test_")
    }


def test_every_fact_in_the_list_names_tests_that_exist():
    """Every fact of docs/keras-facts.md has its own id and names at least one test, and
    each named test is defined in the module the row names."""
    facts = facts_in_the_list()
    ids = [fact for fact, _ in facts]
    assert len(facts) > 50  # the table was read
    assert len(set(ids)) == len(ids), "an id is used twice"
    for fact, tests in facts:
        assert tests, f"fact {fact} names no test as `tests/<module>::<test>`"
        for module, name in tests:
            assert name in collected_test_names(module), f"fact {fact}: no {name} in tests/{module}"


def test_every_test_here_pins_the_facts_its_docstring_names():
    """Every test of this module (but these two) opens its docstring with the ids of the facts
    it pins ("Fact 4a:", "Facts 5, 6a and 6b:"), and those are exactly the facts of
    docs/keras-facts.md that name it."""
    cited_by = {}
    for fact, tests in facts_in_the_list():
        for module, name in tests:
            if module == Path(__file__).name:
                cited_by.setdefault(name, set()).add(fact)
    for name in sorted(collected_test_names(Path(__file__).name) - LIST_CHECKS):
        opening = re.match(r"Facts? ([^:]+):", inspect.getdoc(globals()[name]) or "")
        assert opening, f"{name}: its docstring does not start with its fact ids"
        named = set(re.findall(r"\d+[a-z]?", opening[1]))
        assert named == cited_by.get(name, set()), f"{name}: docstring and list disagree"
