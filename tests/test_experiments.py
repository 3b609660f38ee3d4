"""Tests for course_utils.experiments: the levers, the labels, the model and the runs."""

import dataclasses

import keras
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from course_utils.baselines import baseline_loss
from course_utils.diagnosis import diagnose
from course_utils.experiments import (
    ModelCache,
    Settings,
    build_model,
    build_network,
    explorer_data,
    fit_model,
    flip_labels,
    run_experiment,
)
from course_utils.explorer import LEVER_OPTIONS
from course_utils.feeding import fit_data
from course_utils.reproducibility import seed_everything
from course_utils.splits import split_data

QUICK = Settings(width=4, train_size=50, epochs=10)  # about a third of a second per run
PROPERTY = settings(database=None, deadline=None, max_examples=40)


# ---------------------------------------------------------------------------- Settings


@pytest.mark.parametrize(
    ("changes", "error", "words"),
    [
        ({"width": 0}, ValueError, "width must be 1 or more"),
        ({"width": 2.0}, TypeError, "width must be a whole number"),
        ({"depth": -1}, ValueError, "depth must be 0 or more"),
        ({"train_size": True}, TypeError, "train_size must be a whole number"),
        ({"epochs": 4}, ValueError, "epochs must be 5 or more"),
        ({"label_noise": 0.6}, ValueError, "label_noise must be at least 0 and at most 0.5"),
        ({"label_noise": "0.1"}, TypeError, "label_noise must be a number"),
        ({"dropout": 1.0}, ValueError, "dropout must be at least 0 and below 1"),
        ({"l2": -0.01}, ValueError, "l2 must be a finite number, 0 or more"),
        ({"l2": float("nan")}, ValueError, "l2 must be a finite number"),
        ({"learning_rate": 0}, ValueError, "learning_rate must be above 0"),
        ({"learning_rate": None}, TypeError, "learning_rate must be a number"),
    ],
)
def test_settings_reject_bad_values_and_say_which(changes, error, words):
    with pytest.raises(error, match=words):
        Settings(**changes)


@PROPERTY
@given(
    st.fixed_dictionaries(
        {}, optional={lever: st.sampled_from(options) for lever, options in LEVER_OPTIONS.items()}
    )
)
def test_changes_from_names_exactly_the_levers_that_differ(changes):
    text = Settings(**changes).changes_from(Settings())
    changed = [lever for lever, value in changes.items() if value != getattr(Settings(), lever)]
    assert [part.split()[0] for part in text.split(", ") if part] == sorted(
        changed, key=list(LEVER_OPTIONS).index
    )


def test_batches_count_training_and_validation_batches_of_every_epoch():
    assert Settings(train_size=33, epochs=10).batches(val_size=64) == 10 * (2 + 2)
    with pytest.raises(ValueError, match="val_size"):
        Settings().batches(val_size=0)


# ---------------------------------------------------------------------------- labels


@PROPERTY
@given(
    labels=st.lists(st.sampled_from([0, 1]), min_size=1, max_size=200),
    fraction=st.floats(0, 1),
    seed=st.integers(0, 2**32 - 1),
)
def test_flip_labels_flips_the_stated_number_and_leaves_the_input_alone(labels, fraction, seed):
    original = np.array(labels)
    flipped = flip_labels(original, fraction, seed)
    assert np.array_equal(original, labels)  # a copy, not changed in place
    assert (flipped != original).sum() == round(fraction * len(labels))
    assert np.array_equal(flipped, flip_labels(original, fraction, seed))


@pytest.mark.parametrize(
    ("y", "fraction", "error", "words"),
    [
        ([0, 2], 0.1, ValueError, "labels 0 and 1"),
        ([0, 1], 1.5, ValueError, "fraction"),
        ([0, 1], None, TypeError, "fraction"),
    ],
)
def test_flip_labels_rejects_bad_arguments(y, fraction, error, words):
    with pytest.raises(error, match=words):
        flip_labels(y, fraction)


# ---------------------------------------------------------------------------- runs


def test_build_model_follows_the_levers():
    model = build_model(Settings(width=8, depth=2, dropout=0.2, l2=0.01), n_features=3)
    assert [type(layer).__name__ for layer in model.layers] == [
        "Dense",
        "Dropout",
        "Dense",
        "Dropout",
        "Dense",
    ]
    assert model.layers[0].units == 8
    assert model.layers[0].kernel_regularizer.l2 == pytest.approx(0.01)
    assert len(build_model(Settings(depth=0), n_features=3).layers) == 1  # logistic regression
    with pytest.raises(TypeError, match="settings must be Settings"):
        build_model({"width": 8}, n_features=3)


@pytest.mark.parametrize(("n_val", "task"), [(37, "mse"), (64, "binary_crossentropy")])
def test_fit_model_records_exactly_what_a_plain_fit_with_validation_data_records(n_val, task):
    """Its validation runs in one graph call per epoch: same numbers, same keys, same order;
    a callback (here EarlyStopping, which reads val_loss) sees the same logs."""
    rng = np.random.default_rng(0)
    x = rng.normal(size=(100 + n_val, 3)).astype("float32")
    y = (x[:, 0] > 0).astype("float32") if task != "mse" else x[:, 0] ** 2
    data = (x[:100], y[:100], (x[100:], y[100:]))
    fits = []
    for use_fit_model in (False, True):
        seed_everything(3)
        output = None if task == "mse" else "sigmoid"
        model = build_network(
            3,
            (16, 16),
            learning_rate=0.01,
            l2=0.01,
            dropout=0.3,
            output_activation=output,
            loss=task,
            metrics=["accuracy", task] if output else [task],
        )
        stop = keras.callbacks.EarlyStopping(patience=4, restore_best_weights=True)
        if use_fit_model:
            history = fit_model(model, *data, epochs=40, batch_size=16, seed=3, callbacks=[stop])
        else:
            feed = fit_data(
                x[:100],
                y[:100, None],
                validation_data=(x[100:], y[100:, None]),
                batch_size=16,
                seed=3,
                model=model,
            )
            history = model.fit(**feed, epochs=40, verbose=0, callbacks=[stop]).history
        fits.append((list(history.items()), stop.stopped_epoch, model.get_weights()))
    (plain, plain_stop, plain_weights), (ours, our_stop, our_weights) = fits
    assert ours == plain and our_stop == plain_stop
    assert all(np.array_equal(a, b) for a, b in zip(our_weights, plain_weights, strict=True))


@pytest.mark.parametrize("train_size", [50, 200])
def test_one_graph_call_per_epoch_trains_exactly_as_one_call_per_batch(train_size):
    """build_model runs an epoch's batches in one call (steps_per_execution): same curves."""
    data = explorer_data()
    x, y = data.x_train[:train_size], data.y_train[:train_size]
    settings = Settings(train_size=train_size, depth=2, dropout=0.3, l2=0.01, epochs=8)
    fits = []
    for steps_per_execution in (1, settings.training_batches):
        seed_everything(2)
        model = build_network(
            10,
            (16, 16),
            learning_rate=0.01,
            l2=0.01,
            dropout=0.3,
            steps_per_execution=steps_per_execution,
        )
        history = fit_model(model, x, y, (data.x_val, data.y_val), epochs=8, batch_size=32, seed=2)
        fits.append((history, model.get_weights()))
    (one_per_batch, weights), (one_per_epoch, weights_per_epoch) = fits
    assert settings.training_batches == {50: 2, 200: 7}[train_size]
    assert one_per_epoch == one_per_batch
    assert all(np.array_equal(a, b) for a, b in zip(weights, weights_per_epoch, strict=True))


def test_same_settings_and_seed_give_the_same_curves_and_another_seed_does_not():
    first, again, other = (run_experiment(QUICK, seed=seed) for seed in (0, 0, 1))
    assert first.history == again.history
    assert first.history["val_loss"] != other.history["val_loss"]
    assert len(first.history["loss"]) == QUICK.epochs
    assert first.diagnosis.verdict in {"underfitting", "overfitting", "good fit", "still improving"}


def test_the_diagnosis_reads_the_penalty_free_cross_entropy_against_the_baseline():
    """With L2 the logged loss holds the penalty and the baseline does not, so the run is
    judged on its binary_crossentropy curves, with the baseline of its training labels."""
    run = run_experiment(dataclasses.replace(QUICK, l2=0.05))
    assert run.history["loss"][-1] > run.history["binary_crossentropy"][-1]  # the penalty
    assert run.baseline == baseline_loss(
        explorer_data().y_train[:50], explorer_data().y_val, "binary_crossentropy"
    )
    assert run.diagnosis == diagnose(run.history, run.baseline, metric="binary_crossentropy")
    assert run.diagnosis != diagnose(run.history, metric="binary_crossentropy")


def test_label_noise_flips_training_labels_only():
    clean = run_experiment(QUICK)
    noisy = run_experiment(dataclasses.replace(QUICK, label_noise=0.4))
    assert noisy.history["loss"][-1] > clean.history["loss"][-1]  # flipped labels are harder
    data = explorer_data()
    flipped = flip_labels(data.y_train[:50], 0.4)
    # the baseline guesses from the noisy training labels and scores the true validation ones
    expected = baseline_loss(flipped, data.y_val, "binary_crossentropy")
    assert noisy.baseline == pytest.approx(expected)


def test_run_experiment_checks_its_arguments():
    with pytest.raises(TypeError, match="settings must be Settings"):
        run_experiment({"width": 4})
    with pytest.raises(TypeError, match="data must be a Split"):
        run_experiment(QUICK, data=(np.zeros((4, 2)), np.zeros(4)))
    small = split_data(np.random.default_rng(0).normal(size=(40, 3)), np.arange(40) % 2)
    with pytest.raises(ValueError, match="train_size is 200 but data has only 32"):
        run_experiment(Settings(), data=small)
    with pytest.raises(ValueError, match="seed must be 0 or more"):
        run_experiment(QUICK, seed=-1)


# ---------------------------------------------------------------------------- kept models


@pytest.mark.parametrize("changes", [{}, {"depth": 2, "dropout": 0.3, "l2": 0.01}])
def test_a_reused_model_gives_exactly_the_history_of_a_fresh_one(changes):
    settings = dataclasses.replace(QUICK, **changes)
    between = dataclasses.replace(settings, label_noise=0.2, learning_rate=0.1, epochs=7)
    models = ModelCache()
    first = run_experiment(settings, seed=1, models=models)
    other = run_experiment(between, seed=1, models=models)  # retrains the same model
    again = run_experiment(settings, seed=1, models=models)
    assert first.model is other.model is again.model and len(models) == 1
    fresh, fresh_between = run_experiment(settings, seed=1), run_experiment(between, seed=1)
    assert again.history == first.history == fresh.history
    assert other.history == fresh_between.history
    for kept, new in zip(again.model.get_weights(), fresh.model.get_weights(), strict=True):
        assert np.array_equal(kept, new)


def test_the_cache_keeps_one_model_per_architecture_and_drops_the_least_recently_used():
    models = ModelCache(size=2)
    narrow, default = (models.model(Settings(**lever), 10, seed=0) for lever in ({"width": 8}, {}))
    assert models.model(Settings(width=8, epochs=60), 10, seed=0) is narrow  # now the newest
    assert models.model(Settings(width=8), 10, seed=1) is not narrow  # another seed: new start
    assert models.model(Settings(width=8, train_size=100), 10, seed=0) is not narrow  # 4 batches
    assert len(models) == 2
    assert models.model(Settings(), 10, seed=0) is not default  # dropped as the oldest
    with pytest.raises(TypeError, match="models must be a ModelCache or None"):
        run_experiment(QUICK, models={})
