"""Checks that read a training history: the best epoch, a target reached, ``diagnose``'s verdict."""

import re

import numpy as np

from course_utils._validation import is_real, is_whole
from course_utils.checks._feedback import NotYet, require_finite, require_text, shown, verdict
from course_utils.diagnosis import VERDICTS, diagnose
from course_utils.histories import history_dict, lower_is_better


def check_best_epoch(answer, history, *, metric="val_loss"):
    """Check the epoch (counted from 1, as Keras prints it) where ``metric`` was best.

    Best is the lowest value for a loss or an error such as mae, the highest for accuracy,
    AUC, precision or recall (decided as ``EarlyStopping(mode="auto")`` does,
    ``course_utils.histories.lower_is_better``); on ties every tied epoch is right.
    ``history`` is what ``model.fit`` returned, or its ``.history`` dict.

    >>> history = {"loss": [0.9, 0.5, 0.3, 0.2], "val_loss": [0.8, 0.6, 0.5, 0.7]}
    >>> check_best_epoch(3, history)
    ✅ Correct: epoch 3 has the lowest val_loss, 0.5.
    True
    >>> check_best_epoch(2, history)  # doctest: +ELLIPSIS
    ❌ Not yet: epoch 2 is next to the best epoch. Hint: Keras stores epochs from 0 but ...
    False
    >>> scores = {"auc": [0.6, 0.8, 0.9, 0.95], "val_auc": [0.6, 0.8, 0.9, 0.85]}
    >>> check_best_epoch(1, scores, metric="val_auc")  # doctest: +ELLIPSIS
    ❌ Not yet: epoch 1 has the lowest val_auc, 0.6, but for val_auc higher is better. ...
    False
    """
    require_text(metric, "metric")
    lowest = lower_is_better(metric)  # an unknown metric is the author's error: raise
    return verdict(_judge_best_epoch, answer, history, metric, lowest)


def _judge_best_epoch(answer, history, metric, lowest):
    values = _metric_values(history, metric)
    extreme, opposite, better = (
        ("lowest", "highest", "lower") if lowest else ("highest", "lowest", "higher")
    )
    if isinstance(answer, np.ndarray) and answer.ndim == 0 and answer.dtype.kind in "iuf":
        answer = answer.item()  # np.array(28) is 28
    if isinstance(answer, str) and re.fullmatch(r"\s*[0-9]+(\.0*)?\s*", answer):
        raise NotYet(
            f"your {answer!r} is text: the quotes make it a string, not a number.",
            f"write numbers without quotes: {int(float(answer))}, not {answer!r}.",
        )
    if not is_whole(answer) and not (is_real(answer) and float(answer).is_integer()):
        raise NotYet(
            f"{shown(answer)} is not an epoch number.",
            "answer with a whole number such as 7, the epoch as Keras prints it ('Epoch 7/50').",
        )
    answer = int(answer)  # 28.0 is epoch 28
    if not 1 <= answer <= len(values):
        raise NotYet(
            f"there is no epoch {answer}: this history has {len(values)} epochs, numbered "
            f"from 1 to {len(values)} as Keras prints them.",
            "count epochs from 1, the way Keras prints them.",
        )
    if lowest:
        best_value, worst_value = values.min(), values.max()
    else:
        best_value, worst_value = values.max(), values.min()
    best_epochs = np.flatnonzero(values == best_value) + 1
    position = "argmin" if lowest else "argmax"
    if answer in best_epochs:
        return f"epoch {answer} has the {extreme} {metric}, {best_value:.4g}."
    if values[answer - 1] == worst_value:
        raise NotYet(
            f"epoch {answer} has the {opposite} {metric}, {worst_value:.4g}, but for {metric} "
            f"{better} is better.",
            f"look for the {extreme} value: int(np.{position}(history.history[{metric!r}])) + 1.",
        )
    if np.any(np.abs(best_epochs - answer) == 1):
        raise NotYet(
            f"epoch {answer} is next to the best epoch.",
            "Keras stores epochs from 0 but prints them from 1: which did you use? "
            "Answer with the printed number.",
        )
    raise NotYet(
        f"epoch {answer} has {metric} {values[answer - 1]:.4g}, but another epoch has a "
        f"{better} one.",
        f"the best epoch is int(np.{position}(history.history[{metric!r}])) + 1.",
    )


def check_history(history, *, metric, below=None, above=None, epoch="best"):
    """Check that a fit reached a target: ``metric`` went ``below`` (or ``above``) a value.

    Give exactly one of ``below`` and ``above``. ``epoch="best"`` judges the best epoch (a
    fit with ``EarlyStopping(restore_best_weights=True)`` keeps its weights), ``"last"`` the
    final one. ``history`` is what ``model.fit`` returned, or its ``.history`` dict.

    >>> history = {"loss": [0.9, 0.3, 0.1], "val_loss": [0.8, 0.4, 0.2]}
    >>> check_history(history, metric="val_loss", below=0.25)
    ✅ Correct: val_loss reached 0.2 at epoch 3, below 0.25.
    True
    >>> check_history({"loss": [0.2], "val_loss": [0.2, 0.3]}, metric="val_loss", below=0.25,
    ...               epoch="last")  # doctest: +ELLIPSIS
    ❌ Not yet: the final val_loss was 0.3 (epoch 2), not below 0.25; the best, 0.2 ...
    False
    >>> check_history({"loss": [0.9, 0.3]}, metric="val_loss", below=0.25)  # doctest: +ELLIPSIS
    ❌ Not yet: the history has no 'val_loss'... Hint: fit measures validation only when ...
    False
    """
    require_text(metric, "metric")
    if (below is None) == (above is None):
        raise ValueError("give exactly one of below=... (for a loss) or above=... (for accuracy).")
    target, goal = (below, "below") if below is not None else (above, "above")
    require_finite(target, goal)
    if epoch not in ("best", "last"):
        raise ValueError(f"epoch must be 'best' or 'last', got {epoch!r}.")
    judge = _judge_history if epoch == "best" else _judge_last_epoch
    return verdict(judge, history, metric, target, goal)


def _reached(value, target, goal):
    return value < target if goal == "below" else value > target


def _judge_last_epoch(history, metric, target, goal):
    values = _metric_values(history, metric)
    if _reached(values[-1], target, goal):
        return f"the final {metric} is {values[-1]:.4g}, {goal} {target}."
    summary = f"the final {metric} was {values[-1]:.4g} (epoch {len(values)}), not {goal} {target}"
    best = int(np.argmin(values) if goal == "below" else np.argmax(values))
    if _reached(values[best], target, goal):
        raise NotYet(
            f"{summary}; the best, {values[best]:.4g} at epoch {best + 1}, was, but the curve "
            "moved away from it by the end.",
            "the run jumps around its lowest point: a smaller learning rate settles it.",
        )
    _judge_history(history, metric, target, goal)


def _judge_history(history, metric, target, goal):
    values = _metric_values(history, metric)
    best = int(np.argmin(values) if goal == "below" else np.argmax(values))
    if _reached(values[best], target, goal):
        return f"{metric} reached {values[best]:.4g} at epoch {best + 1}, {goal} {target}."
    summary = (
        f"the best {metric} was {values[best]:.4g} (epoch {best + 1} of {len(values)}), "
        f"not {goal} {target}"
    )
    if best == len(values) - 1:
        raise NotYet(
            f"{summary}, and it was still improving at the last epoch.",
            "train for more epochs, or raise the learning rate a little.",
        )
    raise NotYet(
        f"{summary}; it stopped improving after that.",
        "try a bigger model or another learning rate; if the training loss kept improving "
        "meanwhile, the model overfits: add regularisation or more training data.",
    )


def _metric_values(history, metric):
    """The per-epoch values of ``metric`` in a History or its ``.history`` dict."""
    try:
        history = history_dict(history)
    except TypeError:
        raise NotYet(
            f"{shown(history)} is not a training history.",
            "pass what fit returned (history = model.fit(...)), or its dict history.history.",
        ) from None
    if metric not in history:
        if metric.startswith("val_") and "val_loss" not in history:
            hint = (
                "fit measures validation only when it gets validation data: "
                "model.fit(..., validation_data=(x_val, y_val)) or validation_split=0.2."
            )
        else:
            hint = f"ask for it in model.compile(..., metrics=[{metric.removeprefix('val_')!r}])."
        raise NotYet(f"the history has no {metric!r}; it has {list(history)}.", hint)
    values = np.asarray(history[metric], dtype=float)
    if values.ndim != 1 or values.size == 0:
        raise NotYet(
            f"history[{metric!r}] is not a list of one number per epoch.",
            "pass the history exactly as fit returned it.",
        )
    if not np.all(np.isfinite(values)):
        epoch = int(np.flatnonzero(~np.isfinite(values))[0]) + 1
        raise NotYet(
            f"{metric} became {values[epoch - 1]} at epoch {epoch}: training diverged.",
            "lower the learning rate, and check that the inputs are scaled.",
        )
    return values


# ---------------------------------------------------------------------------- verdict


def check_verdict(history, expected, *, baseline=None, metric="loss"):
    """Check that ``diagnose`` gives a fit the ``expected`` verdict, such as "good fit".

    ``history`` is what ``model.fit`` returned, or its ``.history`` dict (the learner's
    answer); ``baseline`` the loss of the best constant guess and ``metric`` the curve to
    read, as ``diagnose`` takes them.

    >>> history = {"loss": [0.9, 0.5, 0.3, 0.2, 0.1, 0.05],
    ...            "val_loss": [0.8, 0.6, 0.5, 0.6, 0.7, 0.9]}
    >>> check_verdict(history, "good fit", baseline=1.0)  # doctest: +ELLIPSIS
    ❌ Not yet: diagnose calls this run 'overfitting', not 'good fit'. Hint: ...
    False
    >>> check_verdict(history, "overfitting", baseline=1.0)  # doctest: +ELLIPSIS
    ✅ Correct: diagnose calls it 'overfitting' too: ...
    True
    """
    if expected not in VERDICTS:
        raise ValueError(f"expected must be one of {VERDICTS}, got {expected!r}.")
    if baseline is not None:
        require_finite(baseline, "baseline")
        if baseline <= 0:
            raise ValueError(f"baseline must be a positive loss, got {baseline}.")
    return verdict(_judge_verdict, history, expected, baseline, metric)


_VERDICT_HINTS = {
    "overfitting": "the training loss falls far below the validation loss: the model learns "
    "its training rows by heart. Read diagnose's explanation for what it saw, "
    "then try a smaller model, more training rows, or a penalty such as L2.",
    "underfitting": "both losses stay near the baseline: give the model more units or "
    "layers, less regularisation, or a better learning rate.",
    "still improving": "the validation loss was still falling at the end: train for more "
    "epochs, or with a larger learning rate.",
    "good fit": "the curves already level off well below the baseline: which lever did "
    "you mean to change?",
    "diverged": "the training loss grew by orders of magnitude instead of falling: lower the "
    "learning rate (say 10 times smaller) and scale the features (and a regression target).",
}


def _judge_verdict(history, expected, baseline, metric):
    try:
        found = diagnose(history, baseline, metric=metric)
    except (TypeError, ValueError) as error:
        diverged = "the training diverged" in str(error)
        raise NotYet(
            f"diagnose cannot read this history: {error}",
            "fit again as it says, then check the new history."
            if diverged
            else "pass the history of a fit with validation data, such as run.history.",
        ) from error
    if found.verdict != expected:
        raise NotYet(
            f"diagnose calls this run {found.verdict!r}, not {expected!r}.",
            _VERDICT_HINTS[found.verdict],
        )
    return f"diagnose calls it {expected!r} too: {found.explanation}"
