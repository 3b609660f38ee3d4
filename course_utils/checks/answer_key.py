"""The answer key: every exercise of the course by id ("01.3": lesson 01, exercise 3).

Each entry holds the right answer (or how to compute it from the learner's own objects), the
explanation shown after a right answer, and the hints: one for every wrong option, and one for
every mistake the instructor guide lists as expected. ``exercises.exercise`` reads it; a
notebook never shows it. For instructors: this file is the answer sheet.
"""

import keras
import numpy as np

from course_utils.baselines import baseline_loss
from course_utils.checks._feedback import NotYet, verdict
from course_utils.checks.answers import check_choice
from course_utils.checks.curves import check_best_epoch, check_history
from course_utils.checks.exercises import Choice, Number, Task, best_epoch
from course_utils.checks.models import check_binary_classifier, check_early_stopping
from course_utils.checks.splits import check_split
from course_utils.diagnosis import VERDICTS, diagnose
from course_utils.histories import history_dict

# ------------------------------------------------------------------ references used later


def classifier_builder(n_features, units):
    """The lessons' binary classifier (02, 04, 08, and tools/test_vs_validation.py): a function
    that builds it with ``units`` ReLU units, one sigmoid unit, Adam(0.003)."""

    def build_classifier():
        model = keras.Sequential(
            [
                keras.Input(shape=(n_features,)),
                keras.layers.Dense(units, activation="relu"),
                keras.layers.Dense(1, activation="sigmoid"),
            ]
        )
        model.compile(
            optimizer=keras.optimizers.Adam(learning_rate=0.003),
            loss="binary_crossentropy",
            metrics=["accuracy"],
        )
        return model

    return build_classifier


def _early_stopping():
    return keras.callbacks.EarlyStopping(monitor="val_loss", patience=10, restore_best_weights=True)


def _check_early_stopping(callback):
    return check_early_stopping(
        callback, monitor="val_loss", patience=10, restore_best_weights=True
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
_LEVER_HINTS = {  # measured with run_experiment, seed 0, one lever changed at a time
    "width": "fewer units is the right lever, but with 8 or more units the model still "
    "memorises 100 rows: go lower.",
    "depth": "a different number of layers still overfits here (even none: a logistic "
    "regression on 100 rows). Which lever sets how much each layer can memorise?",
    "train_size": "more rows help, but the 64-unit model still overfits on 1,600 rows within "
    "60 epochs. Take away its capacity to memorise instead.",
    "label_noise": "flipped labels only give the model more to memorise.",
    "l2": "a penalty is the right idea, but 0.01 and below are too weak for 64 units on 100 "
    "rows: try the strongest the slider offers.",
    "dropout": "dropout up to 0.5 still overfits here: 64 units memorise 100 rows even with "
    "half of them switched off. Which lever takes capacity away for good?",
    "learning_rate": "a smaller step only slows the run down (it ends 'still improving'); a "
    "larger one overfits sooner. Which lever sets the model's capacity?",
    "epochs": "more epochs give the model more time to memorise.",
}


def _check_one_lever(run):
    return verdict(_judge_one_lever, run)


def _judge_one_lever(run):
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
            _LEVER_HINTS[changed[0]],
        )
    return f"with {changed[0]}={getattr(run.settings, changed[0])} diagnose says 'good fit'."


# ------------------------------------------------------------------ 08.5: the conclusion

# as the lessons list them; "diverged", last in VERDICTS, has no letter: a run that blew up
# has no fit to name, so the check asks for a run that trains first
_VERDICT_LETTERS = dict(zip("ABCD", VERDICTS[:4], strict=True))


def _check_verdict_letter(answer, diagnosis):
    if diagnosis.verdict not in _VERDICT_LETTERS.values():
        return verdict(_judge_unnamed_verdict, diagnosis)
    correct = next(letter for letter, name in _VERDICT_LETTERS.items() if name == diagnosis.verdict)
    return check_choice(
        answer,
        correct,
        options=_VERDICT_LETTERS,
        explanation="that is what diagnose printed in its first line, and what the curves show.",
        hints={
            letter: "read the first line diagnose printed in step 7: it names the verdict."
            for letter in _VERDICT_LETTERS
            if letter != correct
        },
    )


def _judge_unnamed_verdict(diagnosis):
    raise NotYet(
        f"diagnose says this run {diagnosis.verdict}: its training loss blew up, so none of "
        "A to D describes it.",
        "lower the learning rate (say 10 times smaller), check that the features are scaled, "
        "run the cells from the model's fit again, then answer.",
    )


# ------------------------------------------------------------------ the key

ANSWER_KEY = {
    "00.1": Choice(
        options={
            "A": "training loss far below validation loss",
            "B": "validation loss far below training loss",
            "C": "both losses low and close to each other",
        },
        correct="C",
        explanation="a small model cannot memorise 80 points, and the validation rows come from "
        "the same line, so the model does about as well on both: the curves end close together.",
        hints={
            "A": "that happens when a model is big enough to memorise its training rows. Is a "
            "tiny model on a line?",
            "B": "that can happen (lesson 07 shows when), but here nothing makes the validation "
            "rows easier.",
        },
    ),
    "00.2": Number(
        name="the noise floor",
        expected=lambda: 0.2**2,
        tolerance=0.002,
        hint="MSE averages squared errors, and the errors here are the noise: square its "
        "standard deviation.",
        mistakes=(
            (
                lambda: 0.2,
                "0.2 is the noise's standard deviation, in the units of y. MSE is in "
                "squared units: what is the average squared error?",
            ),
            (lambda: 0.4, "doubling is not squaring: MSE averages the squared errors."),
        ),
    ),
    "01.1": Choice(
        options={
            "A": "validation loss well above training loss",
            "B": "validation loss close to training loss",
            "C": "validation loss well below training loss",
        },
        correct="A",
        explanation="the validation rows lie outside the range the model trained on. A network "
        "that has not yet learned the line well is worst at the edge of its data, so the "
        "validation loss measures extrapolation and stays well above the training loss.",
        hints={
            "B": "both sets come from the same line, but do they cover the same x values?",
            "C": "what would make x between 0.62 and 1 easier than x between -1 and 0.6 for "
            "this model?",
        },
    ),
    "01.2": Task(check=lambda parts, x, y: check_split(*parts, x=x, y=y, val_fraction=0.2)),
    "01.3": Choice(
        options={"A": "underfitting", "B": "overfitting", "C": "good fit", "D": "still improving"},
        correct="D",
        explanation="both losses were still falling at the last epoch, so more epochs (or a "
        "larger learning rate) would still help: the run was stopped too early.",
        hints={
            "A": "underfitting is flat and high, near the baseline. Are these curves flat at the "
            "end, and are they near the baseline?",
            "B": "overfitting means validation loss rising while training loss falls. Is either "
            "curve rising?",
            "C": "a good fit has levelled off: more epochs would not lower it. Have the curves "
            "levelled off by the last epoch?",
        },
    ),
    "01.4": Task(
        check=lambda history: check_history(history, metric="val_loss", below=0.05, epoch="last")
    ),
    "02.1": Task(
        check=check_binary_classifier,
        reference=lambda: classifier_builder(n_features=10, units=64),
        stands_for="build_classifier (64 ReLU units, 1 sigmoid unit, binary cross-entropy)",
    ),
    "02.2": Choice(
        options={
            "A": "stay about level",
            "B": "fall just as clearly as the loss rises",
            "C": "rise sharply",
        },
        correct="A",
        explanation="accuracy only asks which side of 0.5 each probability falls on. The network "
        "grows more confident on every row, so the few rows it gets wrong cost more and more "
        "cross-entropy, while the count of right answers barely moves.",
        hints={
            "B": "accuracy changes only when a row crosses the 0.5 line. Does growing confidence "
            "move many rows across it?",
            "C": "a sharp rise needs many validation rows to cross the 0.5 line. Does growing "
            "confidence move rows across it, or push them further from it?",
        },
    ),
    "02.3": Task(check=lambda answer, history: check_best_epoch(answer, history)),
    "03.1": Number(
        name="the constant guess's validation loss",
        expected=lambda y_train, y_val: baseline_loss(
            y_train, y_val, "sparse_categorical_crossentropy"
        ),
        tolerance=0.01,
        hint="cross-entropy charges each row -log of the probability given to its true class. "
        "What probability does the constant guess give every row's true class?",
        mistakes=(
            (
                lambda y_train, y_val: np.log(2),
                "log 2 = 0.693 is the baseline for two balanced classes (lesson 02). How many "
                "classes share the probability here?",
            ),
            (
                lambda y_train, y_val: 0.1,
                "0.1 is the probability the guess gives the true class, not its loss: take "
                "minus its log.",
            ),
            (
                lambda y_train, y_val: 0.9,
                "0.9 is the share of rows a guess gets wrong. Cross-entropy is not an error "
                "rate: it is -log of the probability given to the true class.",
            ),
            (
                lambda y_train, y_val: 1.0,
                "that is log base 10 of 10. Keras's cross-entropy uses the natural log (np.log).",
            ),
            (
                lambda y_train, y_val: np.log2(10),
                "that is log base 2 (bits). Keras's cross-entropy uses the natural log (np.log).",
            ),
        ),
    ),
    "03.2": Choice(
        options={
            "A": "training runs, and the loss is the same as with class numbers",
            "B": "training runs, but the loss is about ten times smaller",
            "C": "`fit` stops with a `ValueError` before the first update",
        },
        correct="C",
        explanation="sparse_categorical_crossentropy expects one class number per row, so its "
        "labels must have one dimension fewer than the output. One-hot rows have as many as "
        "the output, and Keras 3 refuses them with a ValueError about the shapes before "
        "training starts.",
        hints={
            "A": "'sparse' means one class number per row. Does Keras read a row of ten numbers "
            "as a class number?",
            "B": "a quietly different number is what binary_crossentropy gives on one-hot rows "
            "(the table below shows it). Does the sparse loss accept labels with the same shape "
            "as the output at all?",
        },
    ),
    "03.3": Choice(
        options={
            "A": "lower, as with the single logit in lesson 02",
            "B": "the same as the softmax model's, up to rounding",
            "C": "meaningless, because logits are not probabilities",
        },
        correct="B",
        explanation="with 10 outputs, 'accuracy' becomes SparseCategoricalAccuracy, which "
        "predicts the class with the largest output. Softmax keeps the order of its inputs, so "
        "the largest logit is the largest probability: the same predictions, the same accuracy. "
        "Only the one-unit binary accuracy cuts at a threshold.",
        hints={
            "A": "lesson 02's accuracy cut one number at 0.5. With 10 outputs, how does accuracy "
            "pick the predicted class, and does softmax change which output is largest?",
            "C": "accuracy only needs to know which output is largest. Do logits and "
            "probabilities disagree on that?",
        },
    ),
    "03.4": Number(
        name="the digit",
        expected=lambda per_class_loss, history: _rise(per_class_loss, history).argmax(),
        tolerance=0,
        hint="take the row of per_class.losses at the best epoch (the argmin of "
        "watched_history.history['val_loss'], counted from 0) from the last row, and find "
        "the column with the largest difference.",
        mistakes=(
            (
                lambda per_class_loss, history: np.asarray(per_class_loss)[-1].argmax(),
                "that digit has the highest loss at the last epoch, but did it rise the most? "
                "Subtract each digit's loss at the best epoch.",
            ),
            (
                lambda per_class_loss, history: _rise(per_class_loss, history, shift=1).argmax(),
                "that compares with the epoch after the best one: argmin already counts from 0, "
                "like the rows of per_class.losses, so do not add 1.",
            ),
            (
                lambda per_class_loss, history: _rise(per_class_loss, history).argmin(),
                "that digit's loss rose the least (or fell). Which has the largest difference?",
            ),
        ),
    ),
    "04.1": Task(
        check=_check_early_stopping,
        reference=lambda: _early_stopping(),
        stands_for="callback (EarlyStopping on val_loss, patience 10, best weights restored)",
    ),
    "04.2": Number(
        name="the stopping epoch",
        expected=lambda history: best_epoch(history) + 10,
        tolerance=0,
        hint="after the best epoch, each epoch without improvement adds 1 to the waiting count; "
        "training stops at the epoch where the count reaches patience.",
        mistakes=(
            (
                lambda history: best_epoch(history) + 9,
                "one short: the count reaches patience "
                "(10) only at the 10th epoch after the best one.",
            ),
            (
                lambda history: best_epoch(history) + 11,
                "one too many: training stops at the "
                "epoch where the count reaches patience, it does not run one more.",
            ),
            (
                lambda history: 10,
                "patience counts from the best epoch, not from the start of training.",
            ),
        ),
    ),
    "04.3": Number(
        name="the best epoch under min_delta=0.02",
        expected=lambda val_loss: _best_under_min_delta(val_loss),
        tolerance=0,
        hint="an epoch counts as the new best only if it is lower than the best so far minus 0.02.",
        mistakes=(
            (
                lambda val_loss: _best_under_min_delta(val_loss, min_delta=0),
                "that is the lowest "
                "value, but it beats the best so far by less than 0.02, so it does not count.",
            ),
            (
                lambda val_loss: 3,
                "0.79 is lower than 0.80, but only by 0.01: is that more than min_delta?",
            ),
        ),
    ),
    "04.4": Choice(
        options={
            "A": "the lowest validation loss reached during training",
            "B": "the training loss at the chosen epoch",
            "C": "the loss on the test set, evaluated once with the final model",
        },
        correct="C",
        explanation="the validation set chose the epoch, so its best value is biased in the "
        "model's favour; the test set played no part in any choice, so one evaluation on it is "
        "an honest estimate.",
        hints={
            "A": "the epoch was chosen because this number was lowest. Is a number you "
            "minimised a fair estimate?",
            "B": "the model learned from these very rows. Does it tell you about new data?",
        },
    ),
    "05.1": Choice(
        options={
            "A": "at about 0.21, far below log 2",
            "B": "at log 2 ≈ 0.693, as for any two classes",
            "C": "at about 0.055, the share of 1s",
        },
        correct="A",
        explanation="the best constant guess predicts p = 0.055 for every row: it costs "
        "-log 0.945 ≈ 0.057 on each 0 and -log 0.055 ≈ 2.9 on each 1, 0.213 on average, the "
        "entropy of the share. A loss that would be fine on balanced classes can be worse than "
        "guessing here.",
        hints={
            "B": "log 2 is the loss of guessing 0.5 for every row. With 5.5 % of 1s, is 0.5 the "
            "best constant guess?",
            "C": "0.055 is the best guess itself, a probability, not its loss. What does "
            "cross-entropy charge for p = 0.055 on a 0, and on a 1?",
        },
    ),
    "05.2": Choice(
        options={
            "A": "lower than the plain model's: it learned the 1s better",
            "B": "about the same: the weights change the training, not the data",
            "C": "much higher, close to the baseline",
        },
        correct="C",
        explanation="the weights make every 1 count about 17 times as much as a 0, so the model "
        "learns to give the 0s higher probabilities too. Their plain cross-entropy rises, and "
        "there are 17 times as many 0s as 1s: the unweighted val_loss climbs to about the "
        "baseline, although the model ranks the rows as well as before (its ROC-AUC barely "
        "moves). It has not learned worse; its probabilities are no longer the real chances.",
        hints={
            "A": "val_loss is unweighted: most of it comes from the 0s. What do the weights do "
            "to the probabilities the model gives the 0s?",
            "B": "the weights change what the model learns: a missed 1 costs about 17 times as "
            "much as a false alarm. Which way does that push the probabilities of the 0s?",
        },
    ),
    "05.3": Number(
        name="the threshold",
        expected=lambda y_val, p_val: _threshold_for_recall(y_val, p_val),
        tolerance=1e-6,
        hint="keep the thresholds whose recall is at least 0.8 (recall[:-1] has one entry per "
        "threshold) and take the largest of them.",
        mistakes=(
            (
                lambda y_val, p_val: 0.5,
                "0.5 is the line Keras's precision and recall use by default, not a choice "
                "made for 80 % recall: look it up in the thresholds.",
            ),
            (
                lambda y_val, p_val: _threshold_for_recall(y_val, p_val, pick=np.min),
                "that threshold reaches recall 0.8 too, but it is the lowest one: it flags "
                "almost every row. Take the highest threshold that still reaches 0.8.",
            ),
            (
                lambda y_val, p_val: _threshold_for_recall(y_val, p_val, shift=1),
                "one threshold off: recall has one entry more than thresholds, and its "
                "extra entry is the last. Use recall[:-1], not recall[1:].",
            ),
            (
                lambda y_val, p_val: _threshold_for_recall(y_val, p_val, by="precision"),
                "that is where precision reaches 0.8; the goal is a recall of at least 0.8.",
            ),
        ),
        stands_for="threshold (the highest with validation recall ≥ 0.8)",
    ),
    "05.4": Choice(
        options={
            "A": "never: 26 ones in 400 rows is plenty",
            "B": "about once in 15 splits",
            "C": "about half of the time",
        },
        correct="B",
        explanation="40 validation rows hold 26 × 40 / 400 = 2.6 ones on average, and a random "
        "split scatters that count: no 1 at all in 65 of 1,000 splits, one or two in about "
        "four in ten. stratify=y puts the share of 1s in every part: always 3 here.",
        hints={
            "A": "how many 1s does a 40-row validation set hold on average? With so few, how "
            "often can chance leave it with none?",
            "C": "on average 2.6 ones land in the 40 rows. None at all is possible, but is it "
            "as likely as not?",
        },
    ),
    "06.1": Choice(
        options={
            "A": "no more overfitting: the validation loss no longer turns upwards within the "
            "60 epochs",
            "B": "still overfitting, and worse",
            "C": "underfitting: 4 units are too few to learn anything",
        },
        correct="A",
        explanation="with 4 units the model cannot memorise 100 rows within 60 epochs, so the "
        "training loss stays well above 0 and the validation loss has nothing to rise for. It "
        "is still far from useless: its validation loss ends well below the baseline. diagnose "
        "calls this run a good fit; on other seeds the slow 4-unit model is often still "
        "improving at epoch 60, but it overfits on none of the 10 seeds tried.",
        hints={
            "B": "fewer units means fewer weights. Is it easier or harder to memorise 100 rows "
            "with fewer?",
            "C": "even a logistic regression (no hidden layer at all) beats the constant guess "
            "on these data.",
        },
    ),
    "06.2": Task(check=_check_one_lever),
    "06.3": Choice(
        options={
            "A": "the logistic regression",
            "B": "the neural network",
            "C": "neither: both validation curves have levelled off",
        },
        correct="B",
        explanation="the logistic regression's validation loss has been flat since a few hundred "
        "rows, close to its training loss: it is as good as a straight boundary gets, and more "
        "rows cannot help it (it underfits). The neural network's validation loss is still "
        "falling at 1,600 rows and there is still a gap to its training loss: more rows would "
        "close the gap further.",
        hints={
            "A": "where do its two curves end, relative to each other? What would more rows "
            "change?",
            "C": "look at the gap between the two curves of the neural network at 1,600 rows.",
        },
    ),
    "07.1": Choice(
        options={
            "A": "validation loss well above training loss",
            "B": "validation loss about equal to training loss",
            "C": "validation loss well below training loss",
        },
        correct="C",
        explanation="dropout acts only in training mode. The training loss is measured on a "
        "network with half its units switched off, the validation loss on the whole network "
        "(inference mode), which predicts much better.",
        hints={
            "A": "dropout fights overfitting, but is it on when Keras measures the validation "
            "loss?",
            "B": "Keras measures the two losses in different modes. Which mode has dropout "
            "switched on?",
        },
    ),
    "07.2": Number(
        name="the penalty in the first val_loss",
        expected=lambda history: _first(history, "val_loss") - _first(history, "val_mse"),
        tolerance=1e-6,
        hint="val_loss includes the penalty and val_mse does not; take the first value (index 0) "
        "of each.",
        mistakes=(
            (
                lambda history: _first(history, "loss") - _first(history, "mse"),
                "that is the "
                "penalty inside the training loss (averaged over the epoch's batches); the "
                "exercise asks for the validation one: val_loss and val_mse.",
            ),
            (
                lambda history: _first(history, "val_mse") - _first(history, "val_loss"),
                "a penalty is added, so it is positive: subtract val_mse from val_loss.",
            ),
        ),
    ),
    "07.3": Number(
        name="the spread of the best epochs",
        expected=lambda val_losses: _spread(val_losses, small_only=True),
        tolerance=0,
        hint="np.argmin(val_losses[name]) + 1 is a set's best epoch; take it for each of the five "
        "20-row sets, then subtract the smallest from the largest.",
        mistakes=(
            (
                lambda val_losses: _spread(val_losses, small_only=False),
                "that includes the "
                "1,000-row set; the exercise asks about the five 20-row sets only.",
            ),
        ),
    ),
    "07.4": Choice(
        options={
            "A": "20 rows picked at random from all over the line",
            "B": "the 20 rows with the largest x, from about 0.6 to 1",
            "C": "the 20 rows with the smallest x, from -1 to about -0.6",
        },
        correct="B",
        explanation="validation_split cuts the last 20 % of the arrays as they are, before any "
        "shuffling. The data is sorted by x, so validation sees only the right-hand end of the "
        "line: extrapolation.",
        hints={
            "A": "fit(shuffle=True) shuffles the training batches. Does it shuffle before the "
            "split is cut?",
            "C": "Keras cuts the validation rows from one end of the arrays. Which end?",
        },
    ),
    "07.5": Choice(
        options={
            "A": "split, fit a scaler on the training rows, then transform the training and "
            "validation rows with it",
            "B": "fit a scaler on all rows, transform all rows, then split",
            "C": "split, then fit one scaler on the training rows and another on the "
            "validation rows",
        },
        correct="A",
        explanation="the scaler learns its mean and standard deviation from the training rows "
        "only, and the validation rows are transformed with those same numbers, exactly as new "
        "data will be.",
        hints={
            "B": "where do the scaler's mean and standard deviation come from here? Which rows "
            "did they see?",
            "C": "then the same x gives different inputs in training and validation, and the "
            "validation scaler still learns from validation rows. New data arrives one row at a "
            "time: which scaler would it use?",
        },
    ),
    "07.6": Number(
        name="the share of the starting values",
        expected=lambda: 0.99 ** (5 * 3),
        tolerance=1e-3,
        hint="the moving averages move once per training batch, not once per epoch: count the "
        "batches in 5 epochs of 3, then raise 0.99 to that power.",
        mistakes=(
            (
                lambda: 0.99**5,
                "that counts one update per epoch; the moving averages move after every "
                "training batch, and each epoch here has 3.",
            ),
            (
                lambda: 1 - 0.99 ** (5 * 3),
                "that is the share the batches have added; the exercise asks for what is left "
                "of the starting values.",
            ),
            (
                lambda: 0.99 ** (4 * 3),
                "that is the end of epoch 4; epoch 5 ends after 5 × 3 batches.",
            ),
        ),
    ),
    "08.1": Number(
        name="the baseline",
        expected=lambda y_train, y_val: baseline_loss(y_train, y_val, "binary_crossentropy"),
        tolerance=1e-6,
        hint="baseline_loss(y_train, y_val, loss) takes the training labels, the validation "
        "labels and 'binary_crossentropy'.",
        mistakes=(
            (
                lambda y_train, y_val: baseline_loss(y_val, y_train, "binary_crossentropy"),
                "the labels are the wrong way round: the constant guess learns from the training "
                "labels (first) and is scored on the validation labels (second).",
            ),
            (
                lambda y_train, y_val: baseline_loss(y_train, y_train, "binary_crossentropy"),
                "that is scored on the training labels: the baseline is a validation loss.",
            ),
            (
                lambda y_train, y_val: 0.6931471805599453,
                "ln 2 = 0.693 is the baseline only "
                "when both classes are equally common; here they are not.",
            ),
        ),
        stands_for="baseline",
    ),
    "08.2": Task(
        check=check_binary_classifier,
        reference=lambda: classifier_builder(n_features=30, units=32),
        stands_for="build_classifier (32 ReLU units, 1 sigmoid unit, binary cross-entropy)",
    ),
    "08.3": Task(
        check=_check_early_stopping,
        reference=lambda: _early_stopping(),
        stands_for="callback (EarlyStopping on val_loss, patience 10, best weights restored)",
    ),
    "08.4": Choice(
        options={
            "A": "higher, because the validation set chose the epoch",
            "B": "it can land on either side of the validation loss",
            "C": "lower, because early stopping kept the best weights",
        },
        correct="B",
        explanation="choosing the epoch does flatter the validation loss, but near its lowest "
        "point this curve is flat, so only a little. Which rows happen to land in each set of "
        "114 matters more: over 30 different splits of this data, run exactly like this "
        "(tools/test_vs_validation.py), the test loss came out higher in 16 and lower in 14. "
        "The test score is honest because no choice looked at it, not because it is higher.",
        hints={
            "A": "the choice of epoch flatters the validation loss, but by how much, on a curve "
            "this flat? And how much does a loss on 114 rows change when other rows happen to "
            "land in the set?",
            "C": "the best weights were best on the validation rows. Why would they suit the "
            "test rows better?",
        },
    ),
    "08.5a": Task(check=_check_verdict_letter),
    "08.5b": Task(check=lambda answer, history: check_best_epoch(answer, history)),
    "08.5c": Number(
        name="the test accuracy",
        expected=lambda test_accuracy: test_accuracy,
        tolerance=0.005,
        hint="read the test accuracy printed in step 8, rounded to 2 decimals, such as 0.91.",
        mistakes=(
            (
                lambda test_accuracy: 1 - test_accuracy,
                "that is the error rate, the share of "
                "wrong answers: accuracy is the share of right ones.",
            ),
        ),
    ),
    "09.1": Choice(
        options={
            "A": "the lowest val_loss: the checkpoint kept the best epoch",
            "B": "the last epoch's val_loss",
            "C": "a value between the two",
        },
        correct="B",
        explanation="ModelCheckpoint writes the best epoch's model to its file and leaves the "
        "model in memory alone: that one trained to the last epoch, so it gives the last "
        "epoch's val_loss (validation is measured after the epoch's last update, in inference "
        "mode, exactly as evaluate does). Load the file to get the best model.",
        hints={
            "A": "where does ModelCheckpoint put the best model: into the model in memory, or "
            "somewhere else?",
            "C": "val_loss is measured after the epoch's last update, in inference mode, as "
            "evaluate measures it. Which weights does the model in memory hold now?",
        },
    ),
    "09.2": Number(
        name="the first epoch trained with the reduced learning rate",
        expected=lambda val_loss: _first_reduced_epoch(val_loss),
        tolerance=0,
        hint="count the epochs after the best one that do not beat it by more than "
        "min_delta=1e-4; the rate drops at the end of the epoch where that count reaches "
        "patience (3), so the next epoch is the first with the new rate.",
        mistakes=(
            (
                lambda val_loss: _first_reduced_epoch(val_loss) - 1,
                "that is the epoch at whose end the rate is reduced: it still trained with "
                "0.1. Which epoch is the first to use 0.01?",
            ),
            (
                lambda val_loss: _first_reduced_epoch(val_loss, min_delta=0),
                "0.64995 is lower than 0.65, but only by 0.00005: ReduceLROnPlateau counts an "
                "improvement only when it beats the best by more than min_delta=1e-4.",
            ),
        ),
    ),
    "09.3": Choice(
        options={
            "A": "the callback multiplies the schedule's values by `factor` from then on",
            "B": "nothing: the callback sees a schedule and stays out of the way",
            "C": "`fit` stops with an error: a schedule's learning rate cannot be set",
        },
        correct="C",
        explanation="ReduceLROnPlateau sets the optimizer's learning rate to a new number; a "
        "schedule's rate is computed from the update count and cannot be set, so fit stops "
        "with a TypeError the first time the callback tries. Use one or the other.",
        hints={
            "A": "the callback sets the learning rate to a new number. Can a number be set "
            "where the optimizer holds a schedule?",
            "B": "the callback does not check what the optimizer holds before it reduces.",
        },
    ),
    "09.4": Number(
        name="the lowest validation MSE in the target's units",
        expected=lambda history, target_std: min(history_dict(history)["val_loss"]) * target_std**2,
        tolerance=1.0,
        hint="the scaled target is (y - mean) / std, so every error is divided by std and "
        "every squared error by std squared. Take the lowest val_loss and undo that.",
        mistakes=(
            (
                lambda history, target_std: min(history_dict(history)["val_loss"]) * target_std,
                "an MSE is a mean of squared errors: multiply by the std squared, not by the std.",
            ),
            (
                lambda history, target_std: history_dict(history)["val_loss"][-1] * target_std**2,
                "that is the last epoch's validation loss: the question asks for the lowest.",
            ),
            (
                lambda history, target_std: min(history_dict(history)["val_loss"]) / target_std**2,
                "the scaled loss is the smaller number: going back to the target's units "
                "multiplies by the std squared.",
            ),
        ),
    ),
    "10.1": Choice(
        options={"A": "200 rows", "B": "400 rows", "C": "1,000 rows"},
        correct="B",
        explanation="the spread shrinks like 1/√rows, so half the spread needs √rows twice as "
        "large: four times the rows, 400. Quadrupling is the price of every halving: 1,600 rows "
        "for a quarter of the spread.",
        hints={
            "A": "twice the rows makes √rows only √2 ≈ 1.4 times as large. How many times the "
            "rows make √rows twice as large?",
            "C": "ten times the rows narrow the spread √10 ≈ 3.2-fold (the table: 100 to 1,000 "
            "rows), more than half. Which multiple of the rows doubles √rows?",
        },
    ),
    "10.2": Number(
        name="the number of epochs for the final model",
        expected=lambda fold_histories: _mean_best_epoch(fold_histories),
        tolerance=0,
        hint="for each fold, the best epoch is np.argmin of its val_loss plus 1 (epochs count "
        "from 1); take the mean of the five, then round() it to a whole number.",
        mistakes=(
            (
                lambda fold_histories: _mean_best_epoch(fold_histories) - 1,
                "one short: did you count the epochs from 0 (np.argmin without + 1), or cut "
                "the decimals off with int() instead of rounding with round()?",
            ),
            (
                lambda fold_histories: np.mean(_best_epochs(fold_histories)),
                "that is the mean itself: round it to a whole number with round(), since fit "
                "trains whole epochs.",
            ),
            (
                lambda fold_histories: max(_best_epochs(fold_histories)),
                "that is the latest of the best epochs; the rule takes their mean.",
            ),
            (
                lambda fold_histories: _best_epoch_of_best_fold(fold_histories),
                "that is the best epoch of the fold with the lowest val_loss: one fold, as "
                "noisy as a single split. Take the mean over all five folds.",
            ),
        ),
        stands_for="final_epochs (the rounded mean of the folds' best epochs)",
    ),
    "10.3": Choice(
        options={
            "A": "an honest estimate of the loss on new data",
            "B": "likely too optimistic: the test set chose the model",
            "C": "likely too pessimistic: five tries add noise",
        },
        correct="B",
        explanation="each of the five test losses is its model's loss plus the luck of 100 rows. "
        "Picking the lowest picks the luckiest draw as well as the best model, so the number "
        "flatters, exactly as a best validation loss does: the test set has become a validation "
        "set. An honest estimate now needs rows that took part in no choice.",
        hints={
            "A": "the test set was honest while no choice looked at it. Which of the five did "
            "you report, and why that one?",
            "C": "each single test loss is as likely too high as too low. You report the lowest "
            "of five: which way does taking the lowest push?",
        },
    ),
    "10.4": Number(
        name="the number of patients on both sides",
        expected=lambda patient, train_idx, val_idx: _shared_groups(patient, train_idx, val_idx),
        tolerance=0,
        hint="patient[shuffled_train_idx] and patient[shuffled_val_idx] are the patients of "
        "each side's rows; np.intersect1d(a, b) gives each patient found in both once: count "
        "them with .size.",
        mistakes=(
            (
                lambda patient, train_idx, val_idx: np.isin(
                    patient[val_idx], patient[train_idx]
                ).sum(),
                "that counts validation rows whose patient is also in training, one per visit. "
                "Count each patient once: np.intersect1d keeps each shared patient once.",
            ),
            (
                lambda patient, train_idx, val_idx: (
                    np.union1d(patient[train_idx], patient[val_idx]).size
                ),
                "that counts every patient on either side (np.union1d); the question asks for "
                "those on both sides (np.intersect1d).",
            ),
            (
                lambda patient, train_idx, val_idx: len(val_idx),
                "that is the number of validation rows, not of patients: look the rows' "
                "patients up in patient first.",
            ),
        ),
    ),
}


def _first(history, metric):
    return history_dict(history)[metric][0]


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
