"""Name what a pair of loss curves shows: ``diagnose``.

``diagnose(history, baseline)`` reads the training and validation loss that ``model.fit``
recorded and returns a ``Diagnosis``: underfitting, overfitting, a good fit, or still
improving, with the epochs and numbers behind the verdict. ``curves(history)`` is the
small reader it uses (``plot_history`` uses it too): it turns a history into two arrays
and explains what is missing when it cannot.

Epochs are counted from 1, as Keras prints them ("Epoch 4/100").
"""

import math
import numbers
import textwrap
from collections.abc import Mapping
from dataclasses import dataclass

import keras
import numpy as np

VERDICTS = ("underfitting", "overfitting", "good fit", "still improving")
MIN_EPOCHS = 5  # fewer epochs than this are too few to see a trend
RISE_LIMIT = 0.10  # overfitting: validation ends more than 10 % above its lowest point
FALL_LIMIT = 0.05  # still improving: validation still falls by more than 5 % at the end
UNDERFIT_LIMIT = 0.8  # underfitting: validation ends at 80 % of the baseline or above


def curves(history, metric="loss"):
    """Return the training and validation values of ``metric``, one per epoch, as arrays.

    ``history`` is what ``model.fit`` returns (a ``keras.callbacks.History``) or its
    ``.history`` dict. ``metric`` is a name without the ``val_`` prefix, such as
    ``"loss"``, ``"accuracy"`` or ``"mae"``; both ``metric`` and ``"val_" + metric``
    must be there, with the same number of finite values.

    >>> train, val = curves({"loss": [0.9, 0.5, 0.4], "val_loss": [1.0, 0.6, 0.7]})
    >>> train.tolist(), val.tolist()
    ([0.9, 0.5, 0.4], [1.0, 0.6, 0.7])
    """
    if isinstance(history, keras.callbacks.History):
        history = history.history
    if not isinstance(history, Mapping):
        raise TypeError(
            "history must be what model.fit returns (a keras.callbacks.History) or its "
            f".history dict, got {type(history).__name__}."
        )
    if not isinstance(metric, str):
        raise TypeError(f"metric must be a name such as 'loss', got {type(metric).__name__}.")
    if metric.startswith("val_"):
        raise ValueError(
            f"metric={metric!r}: give the name without 'val_' (metric={metric[4:]!r}); "
            "the training and the validation curve are both read."
        )
    if metric not in history:
        available = ", ".join(repr(key) for key in history if not key.startswith("val_"))
        raise ValueError(
            f"history has no {metric!r}. It has: {available or 'nothing (did model.fit run?)'}. "
            "Pass one of those, or add the metric to model.compile(metrics=[...])."
        )
    if "val_" + metric not in history:
        raise ValueError(
            f"history has no 'val_{metric}': it was fitted without validation data. "
            "model.fit needs validation_data=(x_val, y_val) or validation_split=0.2 "
            "to record the validation curve."
        )
    train, val = (_values(history, key) for key in (metric, "val_" + metric))
    if len(train) != len(val):
        raise ValueError(
            f"history[{metric!r}] has {len(train)} values but history['val_{metric}'] has "
            f"{len(val)}: both need one value per epoch, from the same fit."
        )
    return train, val


def lower_is_better(metric):
    """Whether a lower ``metric`` is better, decided as Keras's EarlyStopping(mode="auto").

    >>> lower_is_better("loss"), lower_is_better("mae"), lower_is_better("val_accuracy")
    (True, True, False)
    """
    metric = metric.removeprefix("val_")
    if metric == "loss" or metric.endswith("_loss"):
        return True
    try:
        direction = getattr(keras.metrics.get(metric), "_direction", None)
    except ValueError:  # not a name Keras knows
        direction = None
    if direction is None:
        raise ValueError(
            f"Cannot tell whether a higher or a lower {metric!r} is better (it is neither a "
            "loss nor a Keras built-in metric), so its best epoch cannot be found. Use "
            "'loss' or a built-in metric such as 'accuracy' or 'mae'."
        )
    return direction == "down"


def _values(history, key):
    """history[key] as a 1-D float array of finite numbers, or an error that says why not."""
    try:
        values = np.asarray(history[key], dtype=float)
    except (TypeError, ValueError):
        raise TypeError(f"history[{key!r}] must be a list of numbers, one per epoch.") from None
    if values.ndim != 1 or len(values) == 0:
        raise ValueError(f"history[{key!r}] must be a non-empty list of numbers, one per epoch.")
    bad = np.flatnonzero(~np.isfinite(values))
    if len(bad):
        raise ValueError(
            f"history[{key!r}] is {values[bad[0]]} at epoch {bad[0] + 1}: the training "
            "diverged. Lower the learning rate (or scale the inputs) and fit again."
        )
    return values


@dataclass(frozen=True)
class Diagnosis:
    """What ``diagnose`` found in the loss curves of one fit.

    verdict: "underfitting", "overfitting", "good fit" or "still improving".
    best_epoch: the epoch (from 1) with the lowest validation loss.
    overfitting_epoch: the first epoch after ``best_epoch`` when the run overfits (from
        there on, more training made the validation loss worse); None otherwise.
    gap: validation loss minus training loss at the last epoch; positive when the model
        does worse on new data than on its training data.
    explanation: one paragraph in plain words, naming the numbers.

    >>> print(Diagnosis("good fit", 7, None, 0.02, "Validation loss levelled off."))
    good fit (best epoch 7; validation - training loss at the end: 0.02)
    Validation loss levelled off.
    """

    verdict: str
    best_epoch: int
    overfitting_epoch: int | None
    gap: float
    explanation: str

    def __post_init__(self):
        if self.verdict not in VERDICTS:
            raise ValueError(f"verdict must be one of {VERDICTS}, got {self.verdict!r}.")
        for name in ("best_epoch", "overfitting_epoch"):
            epoch = getattr(self, name)
            if name == "overfitting_epoch" and epoch is None:
                continue
            if isinstance(epoch, bool) or not isinstance(epoch, int) or epoch < 1:
                raise ValueError(f"{name} must be an epoch counted from 1, got {epoch!r}.")

    def __str__(self):
        headline = f"{self.verdict} (best epoch {self.best_epoch}"
        if self.overfitting_epoch is not None:
            headline += f", overfitting from epoch {self.overfitting_epoch}"
        headline += f"; validation - training loss at the end: {self.gap:.3g})"
        return headline + "\n" + textwrap.fill(self.explanation, width=88)


def diagnose(history, baseline=None):
    """Read the loss curves of one fit and say whether it under- or overfits.

    ``history``: what ``model.fit`` returns, or its ``.history`` dict, with ``loss`` and
    ``val_loss`` for at least 5 epochs, none of them NaN or negative.
    ``baseline``: the validation loss of the best constant guess,
    ``course_utils.baseline_loss(y_train, y_val, loss)``. Optional, but only with it can
    underfitting be told apart from a good fit.

    The rules, in this order. Every threshold is relative, so multiplying all the losses
    and the baseline by the same positive number never changes the verdict.

    1. Smoothing: a small validation set gives a jumpy curve, so both curves are smoothed
       with a centred moving average over about a fifth of the run (at least 3 epochs;
       fewer at the two ends). The jitter is the typical (median) jump of the raw
       validation loss from one epoch to the next. ``best_epoch`` and ``gap`` come from
       the raw curves, as you read them on the plot.
    2. "overfitting": the smoothed validation loss ends more than 10 % above its lowest
       point, and by more than the jitter (so noise alone cannot explain the rise), while
       the smoothed training loss ends lower than it was at that point and below the
       validation loss, and the last epoch is not the best one.
    3. "still improving": a straight line fitted (least squares) through the validation
       loss of the last third of the run (at least 3 epochs) falls by more than 5 % of
       their mean, and by more than the jitter, from its first epoch to its last.
    4. "underfitting": the smoothed validation loss ends at 80 % of the baseline or more:
       the model does little better than always predicting the same value.
    5. "good fit" otherwise: the validation loss has levelled off well below the baseline.

    Without a baseline, rule 4 cannot run: a flat curve at the noise floor (nothing more
    to learn) and a flat curve high above it (a model too small to learn more) look the
    same. The verdict is then "good fit", and the explanation asks for the baseline.

    >>> train = [1.1, 0.7, 0.5, 0.4, 0.3, 0.2, 0.15, 0.1, 0.08, 0.06]
    >>> val = [1.0, 0.7, 0.5, 0.45, 0.44, 0.5, 0.6, 0.7, 0.8, 0.9]
    >>> result = diagnose({"loss": train, "val_loss": val}, baseline=1.0)
    >>> result.verdict, result.best_epoch, result.overfitting_epoch, round(result.gap, 2)
    ('overfitting', 5, 6, 0.84)
    """
    train, val = curves(history, "loss")
    if len(val) < MIN_EPOCHS:
        raise ValueError(
            f"history has {len(val)} epochs; diagnose needs at least {MIN_EPOCHS} to see "
            "a trend. Fit for more epochs."
        )
    if (train < 0).any() or (val < 0).any():
        raise ValueError(
            "history has negative losses; diagnose reads losses that are 0 or more, such "
            "as mean squared error or cross-entropy."
        )
    if baseline is not None:
        _check_baseline(baseline)

    epochs = len(val)
    window = max(3, epochs // 5) | 1  # odd, so that the average is centred
    smooth_train, smooth_val = _moving_average(train, window), _moving_average(val, window)
    jitter = np.median(np.abs(np.diff(val)))
    best_epoch = int(np.argmin(val)) + 1
    lowest = int(np.argmin(smooth_val))
    end = smooth_val[-1]
    rise = end - smooth_val[lowest]
    tail = max(3, epochs // 3)
    fall = -_slope(val[-tail:]) * (tail - 1)

    overfits = (
        rise > max(RISE_LIMIT * smooth_val[lowest], jitter)
        and smooth_train[-1] < min(smooth_train[lowest], end)
        and best_epoch < epochs
    )
    still_falling = fall > max(FALL_LIMIT * val[-tail:].mean(), jitter)

    overfitting_epoch = None
    if overfits:
        verdict, overfitting_epoch = "overfitting", best_epoch + 1
        reading = (
            f"From epoch {overfitting_epoch} on, the validation loss rose again (smoothed, "
            f"from {smooth_val[lowest]:.3g} to {end:.3g}) while the training loss kept "
            "falling: the model learns details of its training data that do not hold for "
            f"new data. Keep the weights of epoch {best_epoch} (EarlyStopping with "
            "restore_best_weights=True does this), or add data or regularisation."
        )
    elif still_falling:
        verdict = "still improving"
        reading = (
            f"Over the last {tail} epochs the validation loss was still falling (a straight "
            f"line through them drops by {fall:.3g}): the run stopped before the curves "
            "levelled off. Train for more epochs, or with a larger learning rate, before "
            "you judge the fit."
        )
    elif baseline is None:
        verdict = "good fit"
        reading = (
            "The validation loss has levelled off and does not rise again. Without a "
            "baseline this cannot tell the noise floor (a good fit) from a model too small "
            "to learn more (underfitting): pass baseline=baseline_loss(y_train, y_val, loss) "
            "to find out."
        )
    elif end >= UNDERFIT_LIMIT * baseline:
        verdict = "underfitting"
        reading = (
            f"The validation loss levelled off at {end / baseline:.0%} of the baseline "
            f"{baseline:.3g}, the loss of always predicting the same value: the model has "
            "learned little beyond that guess. Give it more capacity (units, layers) or "
            "better features, or check the learning rate."
        )
    else:
        verdict = "good fit"
        reading = (
            f"The validation loss levelled off at {end / baseline:.0%} of the baseline "
            f"{baseline:.3g} (the loss of always predicting the same value) and does not "
            "rise again: the model learned what the data can teach; what is left is most "
            "likely noise."
        )
    summary = (
        f"Validation loss was lowest at epoch {best_epoch} ({val.min():.3g}) and is "
        f"{val[-1]:.3g} at the last epoch, {epochs}; training loss ends at {train[-1]:.3g}."
    )
    return Diagnosis(
        verdict=verdict,
        best_epoch=best_epoch,
        overfitting_epoch=overfitting_epoch,
        gap=float(val[-1] - train[-1]),
        explanation=f"{summary} {reading}",
    )


def _check_baseline(baseline):
    if isinstance(baseline, bool) or not isinstance(baseline, numbers.Real):
        raise TypeError(
            "baseline must be a number: the loss of the best constant guess, from "
            f"course_utils.baseline_loss(y_train, y_val, loss); got {type(baseline).__name__}."
        )
    if not (math.isfinite(baseline) and baseline > 0):
        raise ValueError(
            f"baseline must be a positive, finite loss, got {baseline}. Compute it with "
            "course_utils.baseline_loss(y_train, y_val, loss), or leave it out."
        )


def _moving_average(values, window):
    """Centred moving average over ``window`` epochs; fewer epochs at the two ends."""
    kernel = np.ones(window)
    return np.convolve(values, kernel, "same") / np.convolve(np.ones_like(values), kernel, "same")


def _slope(values):
    """Least-squares slope of ``values`` against 0, 1, 2, ... (change per epoch)."""
    steps = np.arange(len(values)) - (len(values) - 1) / 2
    return float(np.sum(steps * (values - values.mean())) / np.sum(steps**2))
