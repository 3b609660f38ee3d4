"""Tests for course_utils.diagnosis: diagnose, Diagnosis and the curves reader.

The labelled corpus in tests/data/histories/ holds real Keras fits recorded by
tools/record_histories.py; each label comes from evidence diagnose never sees (a large
reference set, a 3x longer run, better models), by the rules in that script's ``label``.
"""

import dataclasses
import functools
import importlib.util
import json
from pathlib import Path

import keras
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.datasets import make_blobs, make_classification

from course_utils.baselines import baseline_loss
from course_utils.datasets import load_dataset
from course_utils.diagnosis import DIVERGE_LIMIT, MIN_EPOCHS, VERDICTS, Diagnosis, diagnose
from course_utils.reproducibility import seed_everything
from course_utils.splits import split_data

ROOT = Path(__file__).resolve().parents[1]
HISTORY_DIR = ROOT / "tests" / "data" / "histories"
CASES = {path.stem: json.loads(path.read_text()) for path in sorted(HISTORY_DIR.glob("*.json"))}


def _tool(name):
    """Import tools/<name>.py (the tools folder is not a package)."""
    spec = importlib.util.spec_from_file_location(name, ROOT / "tools" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


recorder, agreement = _tool("record_histories"), _tool("corpus_agreement")


def history(val, train=None):
    """A .history dict; the training loss defaults to 0.9 times the validation loss."""
    train = [0.9 * value for value in val] if train is None else train
    return {"loss": list(train), "val_loss": list(val)}


def verdict(case, **options):
    return diagnose(case["history"], case["baseline"], metric=case["metric"], **options)


# ---- the labelled corpus ------------------------------------------------------------


def test_the_corpus_is_large_varied_and_partly_held_out():
    assert len(CASES) >= 60
    assert {case["label"] for case in CASES.values()} == set(agreement.LABELS)
    tasks = {case["task"] for case in CASES.values()}
    assert tasks == {"regression", "binary classification"}
    assert len({case["settings"]["data"] for case in CASES.values()}) >= 6
    assert sum(case["held_out"] for case in CASES.values()) >= 20
    assert sum(bool(case["lesson"]) for case in CASES.values()) >= 10
    assert {case["task"] for case in CASES.values() if case["settings"]["n_val"] <= 12} == tasks


@pytest.mark.parametrize("name", sorted(CASES))
def test_each_stored_label_follows_the_recorders_rules(name):
    case = CASES[name]
    assert recorder.label(case["history"], case["metric"], case["evidence"]) == case["label"]


@pytest.mark.parametrize(
    ("part", "at_least"), [("tuning", 0.95), ("held out", 0.75), ("all", 0.88)]
)
def test_agreement_with_the_corpus_stays_at_what_the_table_reports(part, at_least):
    # The floors are the measured agreement (tests/data/corpus_agreement.md), rounded down:
    # a change to diagnose that loses agreement fails here.
    cases = [
        case for case in CASES.values() if part == "all" or case["held_out"] == (part == "held out")
    ]
    _, (agreeing, total) = agreement.agreement(cases)
    assert agreeing / total >= at_least


@pytest.mark.parametrize("name", sorted(name for name, case in CASES.items() if case["lesson"]))
def test_every_run_a_lesson_shows_gets_its_label(name):
    case = CASES[name]
    assert verdict(case).verdict == agreement.EXPECTED[case["label"]], str(verdict(case))


def test_the_committed_agreement_table_is_the_one_the_corpus_gives():
    table = (ROOT / "tests" / "data" / "corpus_agreement.md").read_text()
    assert table == agreement.table(list(CASES.values()))


@pytest.mark.parametrize("name", sorted(CASES))
def test_each_real_fit_reports_its_best_epoch_and_gap_from_the_raw_curves(name):
    case = CASES[name]
    result = verdict(case)
    val, train = case["history"]["val_" + case["metric"]], case["history"][case["metric"]]
    assert result.best_epoch == int(np.argmin(val)) + 1
    assert result.gap == pytest.approx(val[-1] - train[-1])


@pytest.mark.parametrize("scale", [1e-3, 0.37, 7.3, 2500.0])
@pytest.mark.parametrize("name", sorted(CASES)[::4])
def test_scaling_a_real_fit_and_its_baseline_keeps_the_diagnosis(name, scale):
    case = CASES[name]
    scaled = {key: [scale * value for value in values] for key, values in case["history"].items()}
    original = verdict(case)
    result = diagnose(scaled, case["baseline"] * scale, metric=case["metric"])
    assert (result.verdict, result.best_epoch, result.overfitting_epoch) == (
        original.verdict,
        original.best_epoch,
        original.overfitting_epoch,
    )


def test_a_keras_history_object_is_read_like_its_dict():
    case = next(case for case in CASES.values() if case["label"] == "overfitting")
    keras_history = keras.callbacks.History()
    keras_history.history = case["history"]
    assert diagnose(keras_history, case["baseline"]) == diagnose(case["history"], case["baseline"])


def test_a_penalised_run_is_judged_on_its_penalty_free_metric_when_asked():
    case = next(case for case in CASES.values() if case["settings"]["l2"])
    plain = verdict(case)
    assert plain.metric == case["metric"] and f"validation {case['metric']}" in plain.explanation
    val_plain = case["history"]["val_" + case["metric"]]
    assert f"({min(val_plain):.3g})" in plain.explanation
    on_loss = diagnose(case["history"], case["baseline"])
    assert (
        on_loss.metric == "loss"
        and f"({min(case['history']['val_loss']):.3g})" in on_loss.explanation
    )


# ---- real multi-class fits, and metrics where higher is better -----------------------


@functools.cache  # each setup is fitted once, however many tests read it
def four_class_fit(setup):
    """A real, seeded Keras fit on four classes with integer labels: its History and the
    sparse_categorical_crossentropy baseline of its split. Each setup makes one verdict."""
    if setup == "no signal":  # labels independent of the inputs, a linear model
        rng = np.random.default_rng(0)
        x, y = rng.normal(size=(400, 5)), rng.integers(0, 4, 400)
        n_train, hidden, learning_rate, epochs = 200, [], 0.01, 30
    elif setup == "large model, few noisy rows":  # 30 % of the labels random
        x, y = make_classification(
            400, n_features=10, n_informative=6, n_classes=4, flip_y=0.3, random_state=0
        )
        n_train, hidden, learning_rate, epochs = 100, [128, 128], 0.01, 40
    else:  # "overlapping clusters": a linear model learns what there is to learn
        x, y = make_blobs(400, n_features=4, centers=4, cluster_std=4.0, random_state=0)
        x = (x - x.mean(axis=0)) / x.std(axis=0)
        n_train, hidden, learning_rate, epochs = 200, [], 0.05, 30
    seed_everything(0)
    layers = [keras.Input(shape=(x.shape[1],))]
    layers += [keras.layers.Dense(units, activation="relu") for units in hidden]
    model = keras.Sequential([*layers, keras.layers.Dense(4, activation="softmax")])
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    fitted = model.fit(
        x[:n_train],
        y[:n_train],
        validation_data=(x[n_train:], y[n_train:]),
        epochs=epochs,
        verbose=0,
    )
    return fitted, baseline_loss(y[:n_train], y[n_train:], "sparse_categorical_crossentropy")


@pytest.mark.parametrize(
    ("setup", "expected"),
    [
        ("no signal", "underfitting"),
        ("large model, few noisy rows", "overfitting"),
        ("overlapping clusters", "good fit"),
    ],
)
def test_a_real_multi_class_fit_gets_the_verdict_its_setup_makes(setup, expected):
    fitted, baseline = four_class_fit(setup)
    assert 1.3 < baseline < 1.45  # about log(4) = 1.386: four classes of similar size
    result = diagnose(fitted, baseline)
    assert result.verdict == expected, str(result)
    assert result.best_epoch == int(np.argmin(fitted.history["val_loss"])) + 1
    if setup == "no signal":  # only the K-class baseline shows that nothing was learned
        without = diagnose(fitted)
        assert without.verdict != "underfitting" and "Pass baseline=" in without.explanation


@pytest.mark.parametrize(
    "metric", ["accuracy", "auc", "precision", "recall", "sparse_categorical_accuracy"]
)
def test_a_metric_where_higher_is_better_is_refused_with_what_to_do_instead(metric):
    data = {
        "loss": [0.7, 0.5, 0.4, 0.35, 0.3],
        "val_loss": [0.7, 0.55, 0.5, 0.5, 0.52],
        metric: [0.5, 0.7, 0.8, 0.85, 0.9],
        f"val_{metric}": [0.5, 0.65, 0.7, 0.72, 0.71],
    }
    with pytest.raises(ValueError, match=f"higher {metric} is better") as raised:
        diagnose(data, baseline=0.5, metric=metric)
    message = str(raised.value)
    assert "Diagnose the loss instead" in message
    assert f"plot_history(history, {metric!r})" in message
    assert diagnose(data, baseline=0.7).metric == "loss"  # the loss of the same fit is read


def test_a_real_fits_accuracy_is_refused():
    fitted, baseline = four_class_fit("no signal")  # its loss underfits, as tested above
    with pytest.raises(ValueError, match="higher accuracy is better. Diagnose the loss"):
        diagnose(fitted, baseline, metric="accuracy")


def test_a_metric_with_no_known_direction_is_refused():
    data = {"loss": [1.0] * 5, "val_loss": [1.0] * 5, "f": [0.5] * 5, "val_f": [0.5] * 5}
    with pytest.raises(ValueError, match="Cannot tell whether a higher or a lower 'f'"):
        diagnose(data, metric="f")


# ---- diverged runs: a training loss that blows up ------------------------------------


@functools.cache
def sgd_fit(learning_rate, seed, epochs):
    """Plain SGD at ``learning_rate`` on the course's "classification" data (80 training
    rows, scaled), 64 ReLU units, binary cross-entropy: its History and baseline. The runs
    behind DIVERGE_LIMIT (see diagnose's docstring)."""
    parts = split_data(*load_dataset("classification"), val_size=0.2, seed=0)
    seed_everything(seed)
    model = keras.Sequential(
        [
            keras.Input(shape=(parts.x_train.shape[1],)),
            keras.layers.Dense(64, activation="relu"),
            keras.layers.Dense(1, activation="sigmoid"),
        ]
    )
    model.compile(optimizer=keras.optimizers.SGD(learning_rate), loss="binary_crossentropy")
    fitted = model.fit(
        parts.x_train,
        parts.y_train,
        validation_data=(parts.x_val, parts.y_val),
        epochs=epochs,
        verbose=0,
    )
    return fitted, baseline_loss(parts.y_train, parts.y_val, "binary_crossentropy")


@pytest.mark.parametrize("seed", [0, 1])
def test_sgd_at_learning_rate_10_diverges_and_says_how_to_fix_it(seed):
    fitted, baseline = sgd_fit(10.0, seed, 10)
    train = fitted.history["loss"]
    assert len(train) == 10
    assert train[-1] > 1e10 * min(train)  # orders of magnitude, not a borderline case
    result = diagnose(fitted, baseline)
    assert (result.verdict, result.overfitting_epoch) == ("diverged", None), str(result)
    assert result.best_epoch == int(np.argmin(fitted.history["val_loss"])) + 1
    text = " ".join(result.explanation.split())
    assert f"from {train[0]:.3g} at epoch 1" in text and "about 10^" in text
    for words in (
        "The training diverged",
        "learning rate too high for this model and data",
        "not scaled",
        "Fix: lower the learning rate (say 10 times smaller)",
        "scale the features",
        "keras.callbacks.TerminateOnNaN()",
    ):
        assert words in text
    assert str(result).startswith("diverged (best epoch")


@pytest.mark.parametrize("seed", [0, 1])
def test_sgd_at_learning_rate_half_trains_and_is_not_diverged(seed):
    fitted, baseline = sgd_fit(0.5, seed, 10)
    assert fitted.history["loss"][-1] == min(fitted.history["loss"])
    assert diagnose(fitted, baseline).verdict != "diverged"


def test_sgd_at_learning_rate_5_oscillates_first_but_is_not_diverged():
    # Seed 0 is the closest call measured: the training loss rises from 0.70 to 6.6 by
    # epoch 4 and is still 6.3 times its start at epoch 5, then falls to 3 % of it: the run
    # trains, so its verdict reads its validation curve, not the learning rate.
    fitted, baseline = sgd_fit(5.0, 0, 10)
    train = fitted.history["loss"]
    assert max(train) > 5 * train[0] and train[-1] < 0.1 * train[0]
    assert diagnose(fitted, baseline).verdict != "diverged"
    early = {key: values[:5] for key, values in fitted.history.items()}
    assert early["loss"][-1] > early["loss"][0]  # above its start, but not 100 times its lowest
    assert diagnose(early, baseline).verdict != "diverged"


@pytest.mark.parametrize(
    ("last", "expected"),
    [
        (DIVERGE_LIMIT * 0.5, False),  # exactly 100 times the lowest: not more
        (DIVERGE_LIMIT * 0.5 * 1.001, True),  # just over
        (0.9, False),  # above its start (0.8), but only 1.8 times its lowest
    ],
)
def test_diverged_needs_more_than_100_times_the_lowest_and_above_the_start(last, expected):
    train = [0.8, 0.5, 0.6, 3.0, 20.0, last]
    result = diagnose(history([1.0, 0.7, 0.8, 4.0, 30.0, 2 * last], train), baseline=0.7)
    assert (result.verdict == "diverged") is expected, str(result)


def test_a_loss_that_ends_far_above_its_lowest_but_below_its_start_is_not_diverged():
    # Like an Adam run whose tiny training loss spikes at the end (the corpus's
    # reg_diabetes_big_s0 ends 40 times above its lowest): above the lowest is not enough.
    train = [1.0, 0.1, 0.01, 0.001, 0.0005, 0.2]
    assert train[-1] > DIVERGE_LIMIT * min(train)
    assert diagnose(history([1.0, 0.5, 0.4, 0.45, 0.5, 0.6], train)).verdict != "diverged"


def test_diverged_is_checked_before_the_other_verdicts():
    # The validation loss stays near the baseline (underfitting) and rises (overfitting),
    # but the training loss grew 1000 times: that is the cause to fix first.
    train = [0.7, 0.6, 5.0, 50.0, 300.0, 600.0]
    result = diagnose(history([0.7, 0.69, 0.7, 0.8, 0.9, 1.0], train), baseline=0.69)
    assert result.verdict == "diverged" and "about 1,000 times" in result.explanation


def test_no_run_in_the_corpus_is_called_diverged():
    assert all(verdict(case).verdict != "diverged" for case in CASES.values())


def test_a_real_fit_with_a_nan_in_its_inputs_says_where_it_went_nan_why_and_what_to_do():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(100, 3))
    y = (x[:, 0] > 0).astype(int)
    x[5, 1] = np.nan
    seed_everything(0)
    model = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer="adam", loss="binary_crossentropy")
    fitted = model.fit(x[:80], y[:80], validation_data=(x[80:], y[80:]), epochs=5, verbose=0)
    assert np.isnan(fitted.history["loss"][0])
    with pytest.raises(ValueError) as raised:
        diagnose(fitted)
    message = str(raised.value)
    assert message.startswith(
        "history['loss'] is nan at epoch 1 (and history['val_loss'] from epoch 1): the "
        "training diverged"
    )
    for words in (
        "a learning rate too high",
        "not scaled",
        "a NaN in the data",
        "np.isnan(x_train).any()",
        "lower the learning rate (say 10 times smaller)",
        "scale the features",
        "for regression, the target",
        "keras.callbacks.TerminateOnNaN()",
    ):
        assert words in message


def test_sgd_on_unscaled_diabetes_targets_goes_inf_and_terminate_on_nan_stops_it():
    x, y = load_dataset("diabetes")  # targets from 25 to 346, not scaled
    x = (x - x.mean(axis=0)) / x.std(axis=0)
    seed_everything(0)
    model = keras.Sequential(
        [keras.Input(shape=(10,)), keras.layers.Dense(16, activation="relu"), keras.layers.Dense(1)]
    )
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse")
    fitted = model.fit(
        x[:300],
        y[:300],
        validation_data=(x[300:], y[300:]),
        epochs=20,
        verbose=0,
        callbacks=[keras.callbacks.TerminateOnNaN()],
    )
    losses = np.array(fitted.history["loss"])
    epoch = int(np.flatnonzero(~np.isfinite(losses))[0]) + 1
    assert len(losses) == epoch < 20  # TerminateOnNaN stopped the run there
    with pytest.raises(ValueError) as raised:
        diagnose(fitted)  # too few epochs too, but the divergence is what to fix
    message = str(raised.value)
    assert f"history['loss'] is {losses[epoch - 1]} at epoch {epoch}" in message
    assert "the training diverged" in message and "for regression, the target" in message


# ---- hand-made curves ---------------------------------------------------------------


def test_a_u_shaped_validation_curve_overfits_from_the_epoch_after_its_lowest():
    val = [1.0, 0.7, 0.5, 0.4, 0.42, 0.5, 0.6, 0.7, 0.8, 0.9]
    train = [1.0, 0.7, 0.5, 0.4, 0.3, 0.2, 0.15, 0.1, 0.08, 0.06]
    result = diagnose(history(val, train), baseline=1.0)
    assert (result.verdict, result.best_epoch, result.overfitting_epoch) == ("overfitting", 4, 5)
    assert result.gap == pytest.approx(0.84)
    assert "epoch 4 (0.4)" in result.explanation and "From epoch 5 on" in result.explanation


@pytest.mark.parametrize(("rise", "verdict"), [(0.02, "good fit"), (0.12, "overfitting")])
def test_a_steady_rise_overfits_once_it_passes_five_percent(rise, verdict):
    val = np.r_[np.linspace(1.0, 0.4, 10), np.linspace(0.4, 0.4 * (1 + rise), 30)]
    assert diagnose(history(val, np.linspace(1.0, 0.1, 40))).verdict == verdict


def test_a_rise_in_the_last_third_of_the_run_is_seen_in_full():
    # Notebook 06's 16-unit run: lowest 0.406 at epoch 42, 0.457 at epoch 60 (+12.6 %).
    # A centred average truncated at the end damped this below the old 10 % limit.
    val = np.r_[np.linspace(0.8, 0.406, 42), np.linspace(0.406, 0.457, 19)[1:]]
    result = diagnose(history(val, np.linspace(0.7, 0.1, 60)), baseline=0.695)
    assert (result.verdict, result.best_epoch) == ("overfitting", 42)
    assert "to 0.457 at the end" in result.explanation


def test_a_rise_that_the_training_loss_shares_is_not_overfitting():
    val = [1.0, 0.7, 0.5, 0.4, 0.42, 0.5, 0.6, 0.7, 0.8, 0.9]
    assert diagnose(history(val, [v - 0.05 for v in val])).verdict != "overfitting"


def test_a_curve_still_falling_at_the_end_is_still_improving():
    val = np.linspace(1.0, 0.5, 30)
    result = diagnose(history(val), baseline=1.2)
    assert (result.verdict, result.best_epoch, result.overfitting_epoch) == (
        "still improving",
        30,
        None,
    )
    assert "Over the last 10 epochs" in result.explanation


@pytest.mark.parametrize(
    ("end", "words"), [(0.8, "about 47%"), (0.7, "about 80%"), (0.5, "most of its value")]
)
def test_still_improving_says_how_much_lower_a_run_twice_as_long_again_would_go(end, words):
    # A straight fall from 1 to `end` over 30 epochs keeps its pace: each further third of
    # the run (10 epochs, 9 steps of (1 - end) / 29) falls as much as the last one did, and
    # twice the run again is 6 thirds: 54 * (1 - end) / 29 in all, as a share of `end`:
    # 0.466 at 0.8, 0.798 at 0.7 and 1.86 (more than the loss left) at 0.5.
    result = diagnose(history(np.linspace(1.0, end, 30)), baseline=1.2)
    assert result.verdict == "still improving"
    text = " ".join(result.explanation.split())
    assert f"a run twice as long again would lower it by {words}." in text


def test_a_fall_that_is_levelling_off_is_a_good_fit_and_a_steady_one_still_improving():
    epochs = np.arange(40)
    levelling = 0.5 + 0.5 * np.exp(-epochs / 4)  # each epoch falls 22 % less than the last
    assert diagnose(history(levelling), baseline=2.0).verdict == "good fit"
    steady = np.linspace(1.0, 0.5, 40)
    assert diagnose(history(steady), baseline=2.0).verdict == "still improving"


def test_a_plateau_near_the_baseline_underfits_and_far_below_it_fits_well():
    val = [1.0, 0.9, 0.85] + [0.8] * 17
    assert diagnose(history(val), baseline=0.95).verdict == "underfitting"
    assert "84% of the baseline 0.95" in diagnose(history(val), baseline=0.95).explanation
    assert diagnose(history(val), baseline=4.0).verdict == "good fit"
    assert "20% of the baseline 4" in diagnose(history(val), baseline=4.0).explanation


def test_a_good_fit_says_what_the_curves_show_not_that_the_rest_is_noise():
    val = [1.0, 0.7, 0.5, 0.45] + [0.4] * 16
    explanation = diagnose(history(val, [0.8 * v for v in val]), baseline=1.0).explanation
    assert "levelled off at 40% of the baseline 1" in explanation
    assert "training loss ends below it (0.32, 80% of it)" in explanation
    assert "cannot tell whether a larger model or more data would go lower" in explanation
    assert "noise" not in explanation


def test_training_far_below_a_validation_loss_at_the_baseline_is_memorising_not_underfitting():
    # Notebook 06's 40 % flipped labels: training falls to 0.571, validation stays at
    # about 109 % of the baseline. More capacity would be the wrong advice.
    val = np.r_[np.linspace(0.80, 0.75, 10), np.full(20, 0.757)]
    result = diagnose(history(val, np.linspace(0.69, 0.571, 30)), baseline=0.695)
    assert result.verdict == "overfitting" and result.overfitting_epoch is None
    assert "memorises its training rows" in result.explanation
    assert "more capacity" not in result.explanation.lower().replace("more capacity would", "")


def test_a_smooth_curve_still_falling_at_the_end_is_not_mistaken_for_noise():
    # Five fast epochs, then a steady fall of 0.04 per epoch: the median epoch-to-epoch
    # change (0.2) is larger than the last five epochs' whole fall (0.16), so a rule that
    # takes it for noise calls this levelled off. Around its trend there is no noise at all.
    val = [1.6, 1.4, 1.2, 1.0, 0.8, 0.6, 0.56, 0.52, 0.48, 0.44]
    assert np.median(np.abs(np.diff(val))) > val[-5] - val[-1]
    result = diagnose(history(val), baseline=2.0)
    assert result.verdict == "still improving"


def test_validation_below_training_as_with_dropout_is_a_good_fit_with_negative_gap():
    val = [0.6, 0.3, 0.2, 0.15] + [0.1] * 16
    result = diagnose(history(val, [v + 0.05 for v in val]), baseline=1.0)
    assert result.verdict == "good fit" and result.gap == pytest.approx(-0.05)


def test_jitter_from_a_small_validation_set_is_not_called_overfitting():
    jitter = np.tile([0.0, 0.04, -0.03, 0.05], 10)
    val = np.r_[np.linspace(1.0, 0.3, 10), np.full(30, 0.3)] + jitter
    train = np.r_[np.linspace(1.0, 0.25, 10), np.linspace(0.25, 0.2, 30)]
    assert diagnose(history(val, train), baseline=1.0).verdict == "good fit"


def test_a_rise_smaller_than_the_epoch_to_epoch_jitter_is_not_overfitting():
    # The smoothed curve ends about 20 % above its lowest point, but neighbouring epochs
    # differ by 0.5: noise can explain that rise.
    alternating = 0.25 * (-1.0) ** np.arange(20)
    val = 1.0 + alternating + np.linspace(0, 0.2, 20)
    result = diagnose(history(val, np.linspace(0.9, 0.5, 20)))
    assert result.verdict == "good fit" and result.overfitting_epoch is None


def test_a_fall_smaller_than_the_epoch_to_epoch_jitter_is_not_still_improving():
    alternating = 0.25 * (-1.0) ** np.arange(30)
    val = 1.0 + alternating - np.linspace(0, 0.3, 30)
    assert diagnose(history(val)).verdict == "good fit"


def test_one_bad_epoch_near_the_end_is_smoothed_away():
    val = [0.5] * 48 + [0.7, 0.5]
    result = diagnose(history(val, np.linspace(0.45, 0.4, 50)))
    assert result.verdict == "good fit"


def test_a_run_whose_last_epoch_is_its_best_is_not_overfitting():
    val = [1.0, 0.6, 0.45, 0.4, 0.42] + list(np.linspace(0.5, 1.8, 14)) + [0.3]
    result = diagnose(history(val, np.linspace(0.9, 0.1, 20)))
    assert result.best_epoch == 20 and result.verdict != "overfitting"


def test_flat_and_all_zero_curves_are_read_without_dividing_by_zero():
    assert diagnose(history([0.0] * 8)).verdict == "good fit"
    assert diagnose(history([0.5] * 8, [0.5] * 8), baseline=0.5).verdict == "underfitting"


def test_the_fewest_epochs_allowed_work():
    assert diagnose(history(np.linspace(1, 0.5, MIN_EPOCHS))).verdict == "still improving"


# ---- properties ---------------------------------------------------------------------

losses = st.one_of(st.just(0.0), st.floats(1e-6, 1e3))


@st.composite
def histories(draw):
    epochs = draw(st.integers(MIN_EPOCHS, 40))
    curve = st.lists(losses, min_size=epochs, max_size=epochs)
    return history(draw(curve), draw(curve))


@settings(max_examples=200, deadline=None)
@given(histories(), st.floats(1e-3, 1e3), st.integers(-20, 20))
def test_scaling_every_loss_and_the_baseline_never_changes_the_verdict(data, baseline, power):
    # A power of two scales floats exactly, so no rounding can blur a threshold.
    scale = 2.0**power
    scaled = {key: [scale * value for value in values] for key, values in data.items()}
    original, result = diagnose(data, baseline), diagnose(scaled, baseline * scale)
    assert (result.verdict, result.best_epoch, result.overfitting_epoch) == (
        original.verdict,
        original.best_epoch,
        original.overfitting_epoch,
    )
    assert result.gap == scale * original.gap


@settings(max_examples=200, deadline=None)
@given(histories(), st.floats(1e-3, 1e3))
def test_every_diagnosis_is_consistent_with_its_curves(data, baseline):
    result = diagnose(data, baseline)
    val, train = data["val_loss"], data["loss"]
    assert result.verdict in VERDICTS
    assert val[result.best_epoch - 1] == min(val) < min(val[: result.best_epoch - 1] + [np.inf])
    assert result.gap == val[-1] - train[-1]
    if result.verdict == "overfitting":  # a rise after the best epoch, or memorising
        assert result.overfitting_epoch in (None, result.best_epoch + 1)
        assert result.overfitting_epoch is None or result.overfitting_epoch <= len(val)
    else:
        assert result.overfitting_epoch is None
    assert str(result).startswith(f"{result.verdict} (best epoch {result.best_epoch}")


@settings(max_examples=200, deadline=None)
@given(histories(), st.floats(1e-3, 1e3))
def test_the_baseline_only_changes_runs_that_end_near_or_above_it(data, baseline):
    without, with_baseline = diagnose(data), diagnose(data, baseline)
    assert without.verdict != "underfitting"
    if with_baseline.verdict != without.verdict:
        assert with_baseline.verdict in ("underfitting", "overfitting")
        assert "of the baseline" in with_baseline.explanation


# ---- errors -------------------------------------------------------------------------


def test_no_validation_loss_says_fit_needs_validation_data_or_split():
    with pytest.raises(ValueError, match="validation_data=.*validation_split"):
        diagnose({"loss": [1.0, 0.8, 0.7, 0.6, 0.5]})


@pytest.mark.parametrize(
    ("data", "baseline", "error", "words"),
    [
        (history([1.0, 0.9, 0.8, 0.7]), None, ValueError, "at least 5"),
        (history([1.0, float("nan"), 0.8, 0.7, 0.6]), None, ValueError, "nan at epoch 2"),
        (history([1.0, 0.9, float("inf"), 0.7, 0.6]), None, ValueError, "diverged"),
        (history([1.0, 0.9, float("inf"), 0.7, 0.6]), None, ValueError, "inf at epoch 3"),
        (
            history([1.0, float("nan")] + [1.0] * 3, [1.0] * 5),
            None,
            ValueError,
            "'val_loss'] is nan",
        ),
        (history([1.0, 0.9, 0.8, 0.7, -0.1]), None, ValueError, "negative"),
        (history([1.0] * 5, [1.0] * 4), None, ValueError, "one value per epoch"),
        ({"loss": "abcde", "val_loss": [1.0] * 5}, None, TypeError, "numbers"),
        ({"accuracy": [0.5] * 5}, None, ValueError, "has no 'loss'. It has: 'accuracy'"),
        ({}, None, ValueError, "did model.fit run?"),
        ([1.0, 0.9], None, TypeError, "keras.callbacks.History"),
        (history([1.0] * 5), 0.0, ValueError, "baseline"),
        (history([1.0] * 5), -1.0, ValueError, "baseline"),
        (history([1.0] * 5), float("nan"), ValueError, "baseline"),
        (history([1.0] * 5), float("inf"), ValueError, "baseline"),
        (history([1.0] * 5), "0.7", TypeError, "baseline"),
        (history([1.0] * 5), True, TypeError, "baseline"),
    ],
)
def test_bad_input_is_explained(data, baseline, error, words):
    with pytest.raises(error) as raised:
        diagnose(data, baseline)
    assert words in str(raised.value)


# ---- the Diagnosis record -----------------------------------------------------------


def test_diagnosis_is_frozen_and_prints_verdict_epochs_gap_and_explanation():
    result = Diagnosis("overfitting", 12, 13, 0.25, "Validation loss rose after epoch 12.")
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.verdict = "good fit"
    assert str(result) == (
        "overfitting (best epoch 12, overfitting from epoch 13; validation - training loss "
        "at the end: 0.25)\nValidation loss rose after epoch 12."
    )


@pytest.mark.parametrize(
    ("fields", "words"),
    [
        (("great", 1, None, 0.0, ""), "verdict"),
        (("good fit", 0, None, 0.0, ""), "best_epoch"),
        (("good fit", 2.0, None, 0.0, ""), "best_epoch"),
        (("overfitting", 2, 0, 0.0, ""), "overfitting_epoch"),
    ],
)
def test_diagnosis_refuses_impossible_fields(fields, words):
    with pytest.raises(ValueError, match=words):
        Diagnosis(*fields)
