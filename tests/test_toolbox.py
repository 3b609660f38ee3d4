"""Pin the Keras behaviours that lesson 09 (the training toolbox) states and
test_keras_facts.py does not."""

import keras
import numpy as np
import pytest

from course_utils import seed_everything


def small_model(learning_rate):
    seed_everything(0)
    model = keras.Sequential([keras.Input(shape=(2,)), keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=learning_rate), loss="mse")
    return model


def test_a_schedules_current_value_is_the_optimizers_learning_rate():
    """Lesson 09: nothing logs a schedule's rate, but model.optimizer.learning_rate gives its
    value at the current update count."""
    schedule = keras.optimizers.schedules.ExponentialDecay(0.1, decay_steps=4, decay_rate=0.8)
    model = small_model(schedule)
    x = np.random.default_rng(0).normal(size=(32, 2)).astype("float32")
    history = model.fit(x, x[:, :1], epochs=3, batch_size=8, verbose=0)
    updates = int(model.optimizer.iterations)
    assert updates == 12 and "learning_rate" not in history.history
    assert float(model.optimizer.learning_rate) == pytest.approx(float(schedule(updates)))
    assert float(model.optimizer.learning_rate) == pytest.approx(0.1 * 0.8**3)


def test_reduce_lr_on_plateau_driven_by_hand_as_lesson_09_does():
    """Lesson 09's made-up curve: epochs 4, 5 and 6 do not beat 0.65 by more than
    min_delta=1e-4, so the rate drops at the end of epoch 6; each epoch's logs get the rate it
    trained with, and the wait starts again from 0 after the reduction."""
    model = small_model(0.1)
    reduce = keras.callbacks.ReduceLROnPlateau(monitor="val_loss", factor=0.1, patience=3)
    reduce.set_model(model)
    reduce.on_train_begin()
    trained_with, waits = [], []
    for epoch, value in enumerate([0.90, 0.70, 0.65, 0.66, 0.64995, 0.67, 0.66, 0.68, 0.60]):
        logs = {"val_loss": value}
        reduce.on_epoch_end(epoch, logs)
        trained_with.append(round(float(logs["learning_rate"]), 6))
        waits.append(reduce.wait)
    assert trained_with == [0.1] * 6 + [0.01] * 3
    assert waits == [0, 0, 0, 1, 2, 0, 1, 2, 0]
    assert float(model.optimizer.learning_rate) == pytest.approx(0.01)


def test_terminate_on_nan_prints_the_0_based_batch_it_stopped_at(capsys):
    """Lesson 09: TerminateOnNaN's message names the batch counted from 0 within the epoch,
    here batch 2 of the first epoch (the rows 4 and 5, row 5 being NaN), and nothing else."""
    x = np.arange(20.0).reshape(10, 2)
    x[5, 0] = np.nan
    model = small_model(0.001)
    model.fit(
        x,
        x[:, :1],
        epochs=3,
        batch_size=2,
        shuffle=False,
        callbacks=[keras.callbacks.TerminateOnNaN()],
        verbose=0,
    )
    assert capsys.readouterr().out == "Batch 2: Invalid loss, terminating training\n"
