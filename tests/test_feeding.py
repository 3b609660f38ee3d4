"""fit_data feeds model.fit the same data, with the same meaning, as arrays would."""

import warnings

import keras
import numpy as np
import pytest
import tensorflow as tf
from hypothesis import example, given, settings
from hypothesis import strategies as st

from course_utils.feeding import fit_data
from course_utils.reproducibility import seed_everything

# Row i holds the value i, so every batch tells which rows it carries.
X = np.arange(100, dtype="float64").reshape(-1, 1)
Y = 0.02 * X + 1
X_TRAIN, X_VAL, Y_TRAIN, Y_VAL = X[:80], X[80:], Y[:80], Y[80:]


def small_model(optimizer="adam", layers=(), run_eagerly=False):
    seed_everything(0)
    hidden = keras.layers.Dense(4, activation="relu")
    model = keras.Sequential([keras.Input(shape=(1,)), *layers, hidden, keras.layers.Dense(1)])
    model.compile(optimizer=optimizer, loss="mse", metrics=["mae"], run_eagerly=run_eagerly)
    return model


class RowRecorder(keras.layers.Layer):
    """Passes its input on and reports each batch's rows to ``note(training, rows)``."""

    def __init__(self, note):
        super().__init__()
        self.note = note

    def call(self, inputs, training=None):
        if training is not None and tf.executing_eagerly():  # a real batch, not model building
            self.note(bool(training), np.asarray(inputs)[:, 0].astype(int).tolist())
        return inputs


def rows_seen_during_fit(epochs, seed=0):
    """Fit eagerly with fit_data; return, per epoch, the training and validation batches."""
    seen = []  # one (training batches, validation batches) pair per epoch
    new_epoch = keras.callbacks.LambdaCallback(
        on_epoch_begin=lambda epoch, logs: seen.append(([], []))
    )
    recorder = RowRecorder(note=lambda training, rows: seen[-1][0 if training else 1].append(rows))
    model = small_model(layers=[recorder], run_eagerly=True)
    data = fit_data(X_TRAIN, Y_TRAIN, validation_data=(X_VAL, Y_VAL), batch_size=32, seed=seed)
    model.fit(**data, epochs=epochs, verbose=0, callbacks=[new_epoch])
    return seen


def test_fit_sees_every_row_once_per_epoch_in_a_fresh_order_and_keeps_the_last_batch():
    seen = rows_seen_during_fit(epochs=4)
    orders = []
    for train_batches, val_batches in seen:
        assert [len(batch) for batch in train_batches] == [32, 32, 16]  # last, smaller batch kept
        order = sum(train_batches, [])
        assert sorted(order) == list(range(80))  # every training row exactly once
        assert sum(val_batches, []) == list(range(80, 100))  # every validation row, once
        orders.append(order)
    assert len({tuple(order) for order in orders}) == 4  # a fresh order every epoch


def test_the_orders_are_fixed_by_the_seed():
    first, again, other = (rows_seen_during_fit(epochs=2, seed=seed) for seed in (0, 0, 1))
    assert first == again
    assert first != other


def passes(dataset, steps_per_epoch, count):
    """The first ``count`` passes of an endless batched dataset, as lists of row batches."""
    iterator = iter(dataset)
    return [
        [next(iterator)[0].numpy()[:, 0].astype(int).tolist() for _ in range(steps_per_epoch)]
        for _ in range(count)
    ]


@settings(max_examples=25, deadline=None)
@example(n_train=50, n_val=20, batch_size=8, seed=0)  # 20 validation rows = 8 + 8 + 4
@given(
    n_train=st.integers(1, 60),
    n_val=st.integers(1, 40),
    batch_size=st.integers(1, 70),
    seed=st.integers(0, 2**31 - 1),
)
def test_every_pass_is_one_complete_epoch_for_any_size(n_train, n_val, batch_size, seed):
    x, x_val = X[:n_train], X[n_train : n_train + n_val]
    data = fit_data(x, 2 * x, validation_data=(x_val, 2 * x_val), batch_size=batch_size, seed=seed)
    full, rest = divmod(n_train, batch_size)
    assert data["steps_per_epoch"] == full + (rest > 0)
    for epoch in passes(data["x"], data["steps_per_epoch"], count=3):
        assert [len(batch) for batch in epoch] == [batch_size] * full + ([rest] if rest else [])
        assert sorted(sum(epoch, [])) == list(range(n_train))
    for epoch in passes(data["validation_data"], data["validation_steps"], count=2):
        assert sum(epoch, []) == list(range(n_train, n_train + n_val))


def test_floats_become_float32_as_fit_does_and_integer_labels_stay_integers():
    labels = np.arange(80) % 2
    x_spec, y_spec = fit_data(X_TRAIN, labels)["x"].element_spec
    assert (x_spec.dtype, y_spec.dtype) == (tf.float32, tf.as_dtype(labels.dtype))
    assert "validation_data" not in fit_data(X_TRAIN, labels)


@pytest.mark.parametrize("with_validation", [True, False])
def test_history_has_the_same_keys_as_plain_fit(with_validation):
    validation = {"validation_data": (X_VAL, Y_VAL)} if with_validation else {}
    plain = small_model().fit(X_TRAIN, Y_TRAIN, batch_size=32, epochs=2, verbose=0, **validation)
    data = fit_data(X_TRAIN, Y_TRAIN, batch_size=32, **validation)
    fed = small_model().fit(**data, epochs=2, verbose=0)
    assert sorted(fed.history) == sorted(plain.history)
    assert all(len(values) == 2 for values in fed.history.values())


def test_fit_with_fit_data_gives_no_warnings():
    model = small_model()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model.fit(**fit_data(X_TRAIN, Y_TRAIN, validation_data=(X_VAL, Y_VAL)), epochs=1, verbose=0)
    assert [str(warning.message) for warning in caught] == []


def test_loss_is_the_batch_size_weighted_mean_over_the_epoch():
    # With a learning rate of 0 the weights never move, so the epoch's weighted mean of
    # batch losses (32, 32, 16 rows) equals the loss of the whole training set at once.
    model = small_model(optimizer=keras.optimizers.SGD(learning_rate=0.0))
    data = fit_data(X_TRAIN, Y_TRAIN, validation_data=(X_VAL, Y_VAL))
    history = model.fit(**data, epochs=2, verbose=0)
    whole_train = model.evaluate(X_TRAIN, Y_TRAIN, batch_size=80, verbose=0, return_dict=True)
    batches = [(X_TRAIN[i : i + 32], Y_TRAIN[i : i + 32]) for i in (0, 32, 64)]
    batch_means = [model.evaluate(x, y, verbose=0, return_dict=True)["loss"] for x, y in batches]
    assert history.history["loss"] == pytest.approx([whole_train["loss"]] * 2, rel=1e-5)
    # the 16-row batch must weigh half as much as the others, or the mean is wrong here:
    assert np.mean(batch_means) != pytest.approx(whole_train["loss"], rel=1e-3)


def test_val_loss_is_evaluate_on_the_validation_set_after_each_epoch():
    evaluated = []
    evaluate_now = keras.callbacks.LambdaCallback(
        on_epoch_end=lambda epoch, logs: evaluated.append(
            model.evaluate(X_VAL, Y_VAL, batch_size=20, verbose=0, return_dict=True)
        )
    )
    model = small_model()
    data = fit_data(X_TRAIN, Y_TRAIN, validation_data=(X_VAL, Y_VAL))
    history = model.fit(**data, epochs=4, verbose=0, callbacks=[evaluate_now])
    assert history.history["val_loss"] == pytest.approx([e["loss"] for e in evaluated], rel=1e-5)
    assert history.history["val_mae"] == pytest.approx([e["mae"] for e in evaluated], rel=1e-5)
    assert len(set(history.history["val_loss"])) == 4  # the model did learn between epochs


def test_early_stopping_stops_as_it_does_with_arrays():
    # Learning rate 0: val_loss never improves after epoch 1, so patience=2 stops after epoch 3.
    def fit(**data):
        stopper = keras.callbacks.EarlyStopping(patience=2)
        model = small_model(optimizer=keras.optimizers.SGD(learning_rate=0.0))
        history = model.fit(**data, epochs=20, verbose=0, callbacks=[stopper])
        return len(history.history["val_loss"]), stopper.stopped_epoch

    fed = fit(**fit_data(X_TRAIN, Y_TRAIN, validation_data=(X_VAL, Y_VAL)))
    plain = fit(x=X_TRAIN, y=Y_TRAIN, validation_data=(X_VAL, Y_VAL))
    assert fed == plain == (3, 2)


def training_step_traces(model, give_fit_data_the_model):
    """Fit ``model`` for 2 epochs; return how often TensorFlow traced its training step."""
    traced = []
    original_step = model.train_step
    model.train_step = lambda data: traced.append(1) or original_step(data)
    data = fit_data(
        X_TRAIN,
        Y_TRAIN,
        validation_data=(X_VAL, Y_VAL),
        model=model if give_fit_data_the_model else None,
    )
    model.fit(**data, epochs=2, verbose=0)
    return len(traced)


def test_given_the_model_the_training_step_is_traced_once_instead_of_twice():
    # Without the model, Keras creates Adam's and the metric's variables in the first step,
    # so TensorFlow traces the step twice; fit_data(model=...) creates them beforehand.
    assert training_step_traces(small_model(), give_fit_data_the_model=False) == 2
    assert training_step_traces(small_model(), give_fit_data_the_model=True) == 1


def test_given_the_model_its_metrics_hold_nothing_until_fit():
    # Building the metrics runs them on one row; that row must not stay in their totals.
    model = small_model()
    fit_data(X_TRAIN, Y_TRAIN, model=model)
    totals = [float(variable) for metric in model.metrics for variable in metric.variables]
    assert len(totals) >= 4  # the loss's and mae's running total and count
    assert totals == [0.0] * len(totals)


def test_a_model_fitted_before_is_fitted_again_without_a_new_trace():
    model = small_model()
    training_step_traces(model, give_fit_data_the_model=True)
    assert training_step_traces(model, give_fit_data_the_model=True) == 0


def classifier(with_input):
    """Dropout, a sigmoid output and accuracy: the cases where building early could differ."""
    seed_everything(0)
    layers = [
        keras.layers.Dense(8, activation="relu"),
        keras.layers.Dropout(0.3),
        keras.layers.Dense(1, activation="sigmoid"),
    ]
    model = keras.Sequential([keras.Input(shape=(1,)), *layers] if with_input else layers)
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    return model


@pytest.mark.parametrize("with_input", [True, False])
def test_given_the_model_the_training_and_the_history_are_unchanged(with_input):
    labels = (X[:, 0] % 3 == 0).astype("int64")
    data = {
        "x": (X_TRAIN - 40) / 20,
        "y": labels[:80],
        "validation_data": ((X_VAL - 40) / 20, labels[80:]),
    }
    plain_model, prepared_model = classifier(with_input), classifier(with_input)
    plain = plain_model.fit(**fit_data(**data), epochs=3, verbose=0)
    prepared = prepared_model.fit(**fit_data(**data, model=prepared_model), epochs=3, verbose=0)
    assert prepared.history == plain.history
    assert len(set(prepared.history["val_loss"])) == 3  # it did train


@pytest.mark.parametrize(
    ("model", "error", "message"),
    [
        ("small_model", TypeError, "model must be the Keras model you are about to fit, got str"),
        (
            keras.Sequential([keras.Input(shape=(1,)), keras.layers.Dense(1)]),
            ValueError,
            r"model has not been compiled: call model.compile\(optimizer=..., loss=...\)",
        ),
    ],
)
def test_a_model_that_is_not_ready_is_named_in_the_error(model, error, message):
    with pytest.raises(error, match=message):
        fit_data(X_TRAIN, Y_TRAIN, model=model)


def test_a_model_that_does_not_take_the_rows_of_x_is_named_in_the_error():
    two_columns = np.hstack([X_TRAIN, X_TRAIN])
    with pytest.raises(
        ValueError, match=r"model cannot take the rows of x, which have shape \(2,\)"
    ):
        fit_data(two_columns, Y_TRAIN, model=small_model())


@pytest.mark.parametrize(
    ("arguments", "error", "message"),
    [
        ({"x": None}, TypeError, "x is None"),
        ({"y": None}, TypeError, "y is None"),
        ({"y": Y_TRAIN[:79]}, ValueError, "x has 80 rows but y has 79"),
        ({"x": np.empty((0, 1)), "y": np.empty((0, 1))}, ValueError, "x has no rows"),
        ({"x": np.array(["a"] * 80)}, TypeError, "x must hold numbers"),
        ({"x": tf.data.Dataset.range(3)}, TypeError, "x is already a tf.data.Dataset"),
        ({"batch_size": 0}, ValueError, "batch_size must be 1 or more"),
        ({"batch_size": 2.5}, TypeError, "batch_size must be a whole number"),
        ({"batch_size": True}, TypeError, "batch_size must be a whole number"),
        ({"seed": -1}, ValueError, "seed must be 0 or more"),
        ({"seed": "0"}, TypeError, "seed must be a whole number"),
        ({"validation_data": X_VAL}, TypeError, r"validation_data must be a pair \(x_val, y_val\)"),
        ({"validation_data": (X_VAL, Y_VAL, np.ones(20))}, ValueError, "got 3 items"),
        ({"validation_data": (None, Y_VAL)}, TypeError, "x_val is None"),
        ({"validation_data": (X_VAL, Y_VAL[:5])}, ValueError, "x_val has 20 rows but y_val has 5"),
        ({"validation_data": (np.ones((20, 2)), Y_VAL)}, ValueError, "x_val rows have shape"),
    ],
)
def test_bad_arguments_are_named_in_the_error(arguments, error, message):
    call = {"x": X_TRAIN, "y": Y_TRAIN, **arguments}
    with pytest.raises(error, match=message):
        fit_data(call.pop("x"), call.pop("y"), **call)
