"""The answer key: what is computed for each Number and Task exercise, by id ("01.3").

A Number's entry computes the right value from the learner's own objects and the value each
known mistake gives; a Task's names the check that judges it and the reference the later cells
use. Everything said (prompts, options, right letters, explanations, hints) is in the lessons'
data files, ``texts/NN_name.toml``, joined to these entries by ``exercise_texts.join`` into
``ANSWER_KEY``; ``exercises.exercise`` reads it. For instructors: the two are the answer sheet.
"""

from dataclasses import fields

import keras
import numpy as np

from course_utils.baselines import baseline_loss
from course_utils.checks._feedback import NotYet, shown, verdict
from course_utils.checks.answers import check_choice
from course_utils.checks.curves import check_best_epoch, check_history
from course_utils.checks.exercise_texts import join, read_texts
from course_utils.checks.kinds import Number, Task
from course_utils.checks.models import check_binary_classifier, check_early_stopping
from course_utils.checks.splits import check_split
from course_utils.diagnosis import VERDICTS, diagnose
from course_utils.experiments import Settings
from course_utils.histories import history_dict
from course_utils.lessons import lesson02, lesson04, lesson08

# ------------------------------------------------------------------ references used later
# Each exercise's reference is its own lesson's (course_utils.lessons, checked against the
# lesson's cells by tests/test_lessons.py): 04.1 and 08.3 do not share one.


def _set_up_like(reference):
    """A check that a learner's EarlyStopping is set up as the callback ``reference()``
    returns: the same monitor, patience and restore_best_weights, and the other settings that
    move the stop at their defaults (the lesson's next run must stop where it says)."""

    def check(callback):
        wanted = reference()
        return check_early_stopping(
            callback,
            monitor=wanted.monitor,
            patience=wanted.patience,
            restore_best_weights=wanted.restore_best_weights,
            others_default=True,
        )

    return check


def _builds_like(reference, other_metrics=True, probabilities=False):
    """A check that a learner's ``build_classifier`` builds a binary classifier the cells
    after the exercise can use as they use ``reference``'s: a function (they call it), the
    same input width (they train it on the lesson's rows), the same metrics in history (they
    plot accuracy), and, as asked, no other metric (they unpack model.evaluate) and a sigmoid
    output (they read model.predict as probabilities).

    >>> check = _builds_like(lesson08.build_classifier)
    >>> check(lesson08.build_classifier())  # doctest: +ELLIPSIS
    ❌ Not yet: you passed a model, not the function that builds one: ...
    False
    """

    def check(builder):
        return check_binary_classifier(
            builder,
            builder=True,
            n_features=_N_FEATURES[reference],
            metrics=("accuracy",),
            other_metrics=other_metrics,
            probabilities=probabilities,
        )

    return check


# the width of the rows each lesson's reference classifier trains on (the lessons' data;
# tests/test_accepted_answers.py checks them against the references)
_N_FEATURES = {lesson02.build_classifier: 10, lesson08.build_classifier: 30}


# ------------------------------------------------------------------ 01.2: a split's four parts


def _check_split_parts(parts, x, y):
    """Check the four parts of a split, as train_test_split returns them, taken from ``x``
    and ``y`` with 20% for validation."""
    if not isinstance(parts, (tuple, list)) or len(parts) != 4:
        return verdict(_judge_not_four_parts, parts)
    return check_split(*parts, x=x, y=y, val_fraction=0.2)


def _judge_not_four_parts(parts):
    given = f"{len(parts)} parts" if isinstance(parts, (tuple, list)) else shown(parts)
    raise NotYet(
        f"you gave {given}, not the four parts of a split.",
        "pass the four parts in the order train_test_split returns them: "
        "(x_train, x_val, y_train, y_val).",
    )


# ------------------------------------------------------------------ 03.4: one digit's loss


def _rise(per_class_loss, history, shift=0):
    """Each class's validation loss at the last epoch minus at the best epoch (lowest
    val_loss; ``shift`` moves that epoch, for a known mistake)."""
    losses = np.asarray(per_class_loss, dtype=float)
    best = min(best_epoch(history) - 1 + shift, len(losses) - 1)
    return losses[-1] - losses[best]


# ------------------------------------------------------------------ 04.3: min_delta


def _best_under_min_delta(val_loss, min_delta=0.02):
    """The epoch (from 1) EarlyStopping reports as best: each new best must beat the last
    one by more than ``min_delta``."""
    best_value, best = float("inf"), 0
    for epoch, value in enumerate(val_loss, start=1):
        if value < best_value - min_delta:
            best_value, best = value, epoch
    return best


# ------------------------------------------------------------------ 05.3: the threshold


def _threshold_for_recall(y_val, p_val, pick=np.max, shift=0, by="recall", target=0.8):
    """The highest threshold of precision_recall_curve whose recall is at least ``target``;
    ``pick``, ``shift`` and ``by`` give the mistakes the answer key expects."""
    from sklearn.metrics import precision_recall_curve

    precision, recall, thresholds = precision_recall_curve(y_val, p_val)
    values = {"recall": recall, "precision": precision}[by]
    per_threshold = values[1:] if shift else values[:-1]
    return float(pick(thresholds[per_threshold >= target]))


# ------------------------------------------------------------------ 09.2: ReduceLROnPlateau


def _first_reduced_epoch(val_loss, min_delta=1e-4):
    """The first epoch (from 1) trained with the reduced rate when Keras's
    ReduceLROnPlateau(factor=0.1, patience=3) is fed ``val_loss`` epoch by epoch, as lesson 09
    feeds it; NaN if it never reduces."""
    model = keras.Sequential([keras.Input(shape=(1,)), keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.1), loss="mse")
    reduce = keras.callbacks.ReduceLROnPlateau(
        monitor="val_loss", factor=0.1, patience=3, min_delta=min_delta
    )
    reduce.set_model(model)
    reduce.on_train_begin()
    for epoch, value in enumerate(val_loss):  # epoch counts from 0, as in fit
        reduce.on_epoch_end(epoch, {"val_loss": value})
        if float(model.optimizer.learning_rate) < 0.1:
            return epoch + 2  # reduced at the end of epoch + 1 (from 1): the next one trains lower
    return float("nan")


# ------------------------------------------------------------------ 06.2: one lever


OVERFITTING_RUN = {"width": 64, "train_size": 100, "epochs": 60}  # the run 06.2 starts from
# each lever's hint, in the data file, was measured with run_experiment, seed 0, one lever
# changed at a time
LEVERS = tuple(lever.name for lever in fields(Settings))


def _check_one_lever(run, text):
    return verdict(_judge_one_lever, run, text.hints)


def _judge_one_lever(run, lever_hints):
    if not hasattr(run, "settings") or not hasattr(run, "history"):
        raise NotYet(
            "this is not a run from experiment(...).",
            "pass my_run, the result of experiment(my_settings).",
        )
    start = vars(type(run.settings)(**OVERFITTING_RUN))
    changed = [lever for lever, value in vars(run.settings).items() if value != start[lever]]
    found = diagnose(run.history, run.baseline, metric="binary_crossentropy").verdict
    if len(changed) != 1:
        raise NotYet(
            f"you changed {len(changed)} levers ({', '.join(changed) or 'none'}).",
            "start again from Settings(width=64, train_size=100, epochs=60) and change one, "
            "so that you know which lever did it.",
        )
    if found != "good fit":
        raise NotYet(
            f"with {changed[0]}={getattr(run.settings, changed[0])} diagnose says {found!r}.",
            lever_hints[changed[0]],
        )
    return f"with {changed[0]}={getattr(run.settings, changed[0])} diagnose says 'good fit'."


# ------------------------------------------------------------------ 08.5: the conclusion

# as the lessons list them; "diverged", last in VERDICTS, has no letter: a run that blew up
# has no fit to name, so the check asks for a run that trains first
_VERDICT_LETTERS = dict(zip("ABCD", VERDICTS[:4], strict=True))


def _check_verdict_letter(answer, diagnosis, text):
    if diagnosis.verdict not in _VERDICT_LETTERS.values():
        return verdict(_judge_unnamed_verdict, diagnosis, text.hints["diverged"])
    correct = next(letter for letter, name in _VERDICT_LETTERS.items() if name == diagnosis.verdict)
    return check_choice(
        answer,
        correct,
        options=_VERDICT_LETTERS,
        explanation=text.hints["explanation"],
        hints={
            letter: text.hints["wrong-letter"] for letter in _VERDICT_LETTERS if letter != correct
        },
    )


def _judge_unnamed_verdict(diagnosis, hint):
    raise NotYet(
        f"diagnose says this run {diagnosis.verdict}: its training loss blew up, so none of "
        "A to D describes it.",
        hint,
    )


# ------------------------------------------------------------------ the key: what is computed

COMPUTED = {  # by exercise id; the Choices are in the data files alone
    "00.2": Number(
        expected=lambda: 0.2**2,
        tolerance=0.002,
        mistakes={"standard-deviation": lambda: 0.2, "doubled": lambda: 0.4},
    ),
    "01.2": Task(check=lambda parts, x, y: _check_split_parts(parts, x, y)),
    "01.4": Task(
        check=lambda history: check_history(history, metric="val_loss", below=0.05, epoch="last")
    ),
    "02.1": Task(
        # the cells below plot history's accuracy and read model.predict as probabilities
        check=_builds_like(lesson02.build_classifier, probabilities=True),
        reference=lambda: lesson02.build_classifier,
        stands_for="build_classifier (64 ReLU units, 1 sigmoid unit, binary cross-entropy)",
    ),
    "02.3": Task(check=lambda answer, history: check_best_epoch(answer, history)),
    "03.1": Number(
        expected=lambda y_train, y_val: baseline_loss(
            y_train, y_val, "sparse_categorical_crossentropy"
        ),
        tolerance=0.01,
        mistakes={
            "two-classes": lambda y_train, y_val: np.log(2),
            "probability": lambda y_train, y_val: 0.1,
            "error-rate": lambda y_train, y_val: 0.9,
            "log10": lambda y_train, y_val: 1.0,
            "log2": lambda y_train, y_val: np.log2(10),
        },
    ),
    "03.4": Number(
        expected=lambda per_class_loss, history: _rise(per_class_loss, history).argmax(),
        tolerance=0,
        mistakes={
            "highest-at-the-end": lambda per_class_loss, history: np.asarray(per_class_loss)[
                -1
            ].argmax(),
            "epoch-after-the-best": lambda per_class_loss, history: _rise(
                per_class_loss, history, shift=1
            ).argmax(),
            "smallest-rise": lambda per_class_loss, history: _rise(
                per_class_loss, history
            ).argmin(),
        },
        ordered=False,  # a digit: 7 is not "too high"
    ),
    "04.1": Task(
        check=_set_up_like(lesson04.early_stopping),
        reference=lesson04.early_stopping,
        stands_for="callback (EarlyStopping on val_loss, patience 10, best weights restored)",
    ),
    "04.2": Number(
        expected=lambda history: best_epoch(history) + 10,
        tolerance=0,
        mistakes={
            "one-short": lambda history: best_epoch(history) + 9,
            "one-too-many": lambda history: best_epoch(history) + 11,
            "from-the-start": lambda history: 10,
        },
    ),
    "04.3": Number(
        expected=lambda val_loss: _best_under_min_delta(val_loss),
        tolerance=0,
        mistakes={
            "lowest-value": lambda val_loss: _best_under_min_delta(val_loss, min_delta=0),
            "small-improvement": lambda val_loss: 3,
        },
    ),
    "05.3": Number(
        expected=lambda y_val, p_val: _threshold_for_recall(y_val, p_val),
        tolerance=1e-6,
        mistakes={
            "default-line": lambda y_val, p_val: 0.5,
            "lowest-threshold": lambda y_val, p_val: _threshold_for_recall(
                y_val, p_val, pick=np.min
            ),
            "recall-shifted": lambda y_val, p_val: _threshold_for_recall(y_val, p_val, shift=1),
            "precision": lambda y_val, p_val: _threshold_for_recall(y_val, p_val, by="precision"),
        },
        stands_for="threshold (the highest with validation recall ≥ 0.8)",
    ),
    "06.2": Task(check=_check_one_lever, quotes=LEVERS),
    "07.2": Number(
        expected=lambda history: _first(history, "val_loss") - _first(history, "val_mse"),
        tolerance=1e-6,
        mistakes={
            "training-penalty": lambda history: _first(history, "loss") - _first(history, "mse"),
            "reversed": lambda history: _first(history, "val_mse") - _first(history, "val_loss"),
        },
    ),
    "07.3": Number(
        expected=lambda val_losses: _spread(val_losses, small_only=True),
        tolerance=0,
        mistakes={"with-all-rows": lambda val_losses: _spread(val_losses, small_only=False)},
    ),
    "07.6": Number(
        expected=lambda: 0.99 ** (5 * 3),
        tolerance=1e-3,
        mistakes={
            "per-epoch": lambda: 0.99**5,
            "added-share": lambda: 1 - 0.99 ** (5 * 3),
            "epoch-4": lambda: 0.99 ** (4 * 3),
        },
        share=True,
    ),
    "08.1": Number(
        expected=lambda y_train, y_val: baseline_loss(y_train, y_val, "binary_crossentropy"),
        tolerance=1e-6,
        mistakes={
            "swapped-labels": lambda y_train, y_val: baseline_loss(
                y_val, y_train, "binary_crossentropy"
            ),
            "training-labels": lambda y_train, y_val: baseline_loss(
                y_train, y_train, "binary_crossentropy"
            ),
            "balanced-baseline": lambda y_train, y_val: 0.6931471805599453,
        },
        stands_for="baseline",
    ),
    "08.2": Task(
        # the cells below plot history's accuracy and unpack model.evaluate into two numbers
        check=_builds_like(lesson08.build_classifier, other_metrics=False),
        reference=lambda: lesson08.build_classifier,
        stands_for="build_classifier (32 ReLU units, 1 sigmoid unit, binary cross-entropy)",
    ),
    "08.3": Task(
        check=_set_up_like(lesson08.early_stopping),
        reference=lesson08.early_stopping,
        stands_for="callback (EarlyStopping on val_loss, patience 10, best weights restored)",
    ),
    "08.5a": Task(check=_check_verdict_letter, quotes=("explanation", "wrong-letter", "diverged")),
    "08.5b": Task(check=lambda answer, history: check_best_epoch(answer, history)),
    "08.5c": Number(
        expected=lambda test_accuracy: test_accuracy,
        tolerance=0.005,
        mistakes={"error-rate": lambda test_accuracy: 1 - test_accuracy},
        share=True,
    ),
    "09.2": Number(
        expected=lambda val_loss: _first_reduced_epoch(val_loss),
        tolerance=0,
        mistakes={
            "reduced-at-its-end": lambda val_loss: _first_reduced_epoch(val_loss) - 1,
            "without-min-delta": lambda val_loss: _first_reduced_epoch(val_loss, min_delta=0),
        },
    ),
    "09.4": Number(
        expected=lambda history, target_std: _lowest(history) * target_std**2,
        tolerance=1.0,
        mistakes={
            "times-std": lambda history, target_std: _lowest(history) * target_std,
            "last-epoch": lambda history, target_std: (
                history_dict(history)["val_loss"][-1] * target_std**2
            ),
            "divided": lambda history, target_std: _lowest(history) / target_std**2,
        },
    ),
    "10.2": Number(
        expected=lambda fold_histories: _mean_best_epoch(fold_histories),
        tolerance=0,
        mistakes={
            "one-short": lambda fold_histories: _mean_best_epoch(fold_histories) - 1,
            "not-rounded": lambda fold_histories: np.mean(_best_epochs(fold_histories)),
            "latest": lambda fold_histories: max(_best_epochs(fold_histories)),
            "best-fold": lambda fold_histories: _best_epoch_of_best_fold(fold_histories),
        },
        stands_for="final_epochs (the rounded mean of the folds' best epochs)",
    ),
    "10.4": Number(
        expected=lambda patient, train_idx, val_idx: _shared_groups(patient, train_idx, val_idx),
        tolerance=0,
        mistakes={
            "visits": lambda patient, train_idx, val_idx: np.isin(
                patient[val_idx], patient[train_idx]
            ).sum(),
            "union": lambda patient, train_idx, val_idx: (
                np.union1d(patient[train_idx], patient[val_idx]).size
            ),
            "validation-rows": lambda patient, train_idx, val_idx: len(val_idx),
        },
    ),
}


def best_epoch(history, metric="val_loss"):
    """The epoch (from 1, as Keras prints it) with the lowest ``metric``.

    >>> best_epoch({"val_loss": [0.5, 0.3, 0.4]})
    2
    """
    return int(np.argmin(history_dict(history)[metric])) + 1


def _first(history, metric):
    return history_dict(history)[metric][0]


def _lowest(history):
    return min(history_dict(history)["val_loss"])


def _spread(val_losses, small_only):
    epochs = [
        int(np.argmin(val_loss)) + 1
        for name, val_loss in val_losses.items()
        if not small_only or name != "all 1,000 rows"
    ]
    return max(epochs) - min(epochs)


def _best_epochs(fold_histories):
    """10.2: each fold's best epoch (from 1), from a dict of fold name -> history."""
    return [best_epoch(history) for history in fold_histories.values()]


def _mean_best_epoch(fold_histories):
    return round(float(np.mean(_best_epochs(fold_histories))))


def _best_epoch_of_best_fold(fold_histories):
    lowest = min(fold_histories.values(), key=lambda h: min(history_dict(h)["val_loss"]))
    return best_epoch(lowest)


def _shared_groups(groups, train_idx, val_idx):
    """10.4: how many groups have rows on both sides of a split."""
    groups = np.asarray(groups)
    return np.intersect1d(groups[np.asarray(train_idx)], groups[np.asarray(val_idx)]).size


# every exercise, its words from the data files joined to what is computed above
ANSWER_KEY = join(read_texts(), COMPUTED)
