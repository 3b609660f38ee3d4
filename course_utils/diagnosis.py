"""Name what a pair of loss curves shows: ``diagnose``.

``diagnose(history, baseline)`` reads the training and validation loss that ``model.fit``
recorded and returns a ``Diagnosis``: underfitting, overfitting, a good fit, still improving,
or diverged (the training loss blew up), with the epochs and numbers behind the verdict. It
reads the history with ``course_utils.histories.curves``, as ``plot_history`` does. It reads
curves where lower is better (losses, errors such as mae); for accuracy, AUC, precision or
recall, diagnose the loss and look at the metric with ``plot_history``. A history with a NaN
or inf is refused with an error that says where the training diverged and what to do.

The thresholds were chosen on a labelled corpus of real Keras runs
(``tools/record_histories.py``); ``tools/corpus_agreement.py`` prints how often the
verdicts agree with the labels (``tests/data/corpus_agreement.md``).

Epochs are counted from 1, as Keras prints them ("Epoch 4/100").
"""

import math
import numbers
import textwrap
from dataclasses import dataclass

import numpy as np

from course_utils.histories import curves, history_dict, lower_is_better

# "diverged" comes last, so the first four keep their positions (lessons list them A to D)
VERDICTS = ("underfitting", "overfitting", "good fit", "still improving", "diverged")
MIN_EPOCHS = 5  # fewer epochs than this are too few to see a trend
RISE_LIMIT = 0.04  # overfitting: validation ends more than 4 % above its lowest level
FALL_LIMIT = 0.05  # still improving: the fall ahead is more than 5 % of the end level
NOISE_MARGIN = 3  # a rise or a fall must also exceed 3 standard errors of the noise
UNDERFIT_LIMIT = 0.8  # no better than a guess: validation ends at 80 % of the baseline or more
WELL_BELOW = 0.8  # memorising: training ends below 80 % of the validation loss
DIVERGE_LIMIT = 100  # diverged: training ends above its first epoch and 100x above its lowest
# What to do about a run that diverged: the "diverged" verdict and the NaN error both say it.
DIVERGED_FIX = (
    "lower the learning rate (say 10 times smaller), scale the features (a StandardScaler "
    "fitted on the training rows) and, for regression, the target, then fit again. "
    "keras.callbacks.TerminateOnNaN() in model.fit(callbacks=[...]) stops such a run as soon "
    "as its loss becomes NaN."
)


@dataclass(frozen=True)
class Diagnosis:
    """What ``diagnose`` found in the curves of one fit.

    verdict: "underfitting", "overfitting", "good fit", "still improving" or "diverged".
    best_epoch: the epoch (from 1) with the lowest validation value.
    overfitting_epoch: the first epoch after ``best_epoch`` when the run overfits (from
        there on, more training made the validation loss worse); None otherwise.
    gap: validation minus training value at the last epoch; positive when the model
        does worse on new data than on its training data.
    explanation: one paragraph in plain words, naming the numbers.
    metric: the curve that was read ("loss", or a penalty-free metric such as "mse").

    >>> print(Diagnosis("good fit", 7, None, 0.02, "Validation loss levelled off."))
    good fit (best epoch 7; validation - training loss at the end: 0.02)
    Validation loss levelled off.
    """

    verdict: str
    best_epoch: int
    overfitting_epoch: int | None
    gap: float
    explanation: str
    metric: str = "loss"

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
        headline += f"; validation - training {self.metric} at the end: {self.gap:.3g})"
        return headline + "\n" + textwrap.fill(self.explanation, width=88)


def diagnose(history, baseline=None, *, metric="loss"):
    """Read the curves of one fit and say whether it under- or overfits.

    ``history``: what ``model.fit`` returns, or its ``.history`` dict, with ``loss`` and
    ``val_loss`` (or ``metric`` and ``"val_" + metric``) for at least 5 epochs, none of
    them negative. A NaN or inf value is refused with a ``ValueError`` that says which curve
    became NaN or inf at which epoch: the training diverged there, and the message names
    the likely causes and the fix.
    ``baseline``: the validation loss of the best constant guess,
    ``course_utils.baseline_loss(y_train, y_val, loss)``. Optional, but only with it can
    a model that learned little be told apart from one that learned well.
    ``metric``: which curve to read. ``"loss"`` includes any L1/L2 penalty, which the
    baseline does not; for a model with a penalty, compile it with the plain loss as a
    metric (``metrics=["binary_crossentropy"]`` or ``["mse"]``) and pass that name here,
    so the run is judged, and compared with others, on what it predicts. A metric where
    higher is better (accuracy, AUC, precision, recall) is refused with a ``ValueError``.
    Read as a shortfall ``1 - value``, such metrics got wrong verdicts on real fits: on
    runs that learned nothing, validation accuracy drifts by a few rows while moving in
    steps of one row (often not at all), which reads as a rise with no noise, so they were
    called overfitting; near a perfect score, 1 - AUC going from 0.004 to 0.005 counted as
    a 25 % rise; and precision falls while recall rises as a model learns. Diagnose the
    loss instead, and look at the metric with ``plot_history``.

    What it measures first (every threshold is relative, so multiplying all the values
    and the baseline by the same positive number never changes the verdict):

    - the **noise**: how far the validation curve jumps around its own local trend, from
      the differences of its epoch-to-epoch changes (a straight trend cancels out there,
      so a steadily falling curve is not taken for noise);
    - the **lowest level**: the minimum of the validation curve smoothed with a centred
      moving average over about a fifth of the run;
    - the **end level** of each curve: the value at the last epoch of a straight line
      fitted through its last fifth (at least 5 epochs; fitted robustly, so one odd epoch
      does not tilt it). A rise at the end of the run is seen in full; an average would
      damp it.

    The verdict, by the first rule that holds:

    0. "diverged": the training loss at the last epoch is above its first epoch's value and
       more than 100 times (two orders of magnitude) its own lowest value: the updates
       overshoot, so the loss grows instead of falling, and the validation curve says
       nothing about under- or overfitting. The usual cause is a learning rate too high
       for this model and data, or unscaled inputs or targets; the explanation says so and
       gives the fix. Measured with plain SGD, 64 ReLU units and binary cross-entropy on
       the course's "classification" data (80 training rows, seeds 0-9, 5 to 30 epochs): at
       a learning rate of 10 the last value is 10^5 to 10^36 times the lowest; at 5 the
       loss first rises (up to 9 times its start) but then trains, and no run ending above
       its start is more than 6.3 times its lowest; at 0.5 every run ends at its lowest.
       No run in the labelled corpus ends above its first epoch's value.
    1. "overfitting": the validation end level is more than 4 % above the lowest level,
       and more than 3 standard errors of the noise, while the training end level is
       below the training level at that point; or the validation loss ends at 80 % of the
       baseline or more while the training loss ends below 80 % of the validation loss:
       the model memorises its training rows, and new rows gain nothing.
    2. "still improving": a straight line through the last third of the validation curve
       (at least 5 epochs) falls by more than 3 standard errors of the noise, and the fall
       it points to is more than 5 % of the end level: if the run went on twice as long
       again, each further third of the run falling by the last third's fall times the
       ratio of the last third's fall to the one before it (a curve that is levelling off
       slows down; one that is not keeps its pace).
    3. "underfitting": the validation loss ends at 80 % of the baseline or more, and so
       does the training loss: the model has learned little beyond the constant guess,
       even on its own training rows.
    4. "good fit" otherwise: the validation loss levelled off, below the baseline.

    Whether a "good fit" is the best these data allow cannot be read from one run's
    curves: a larger model or more rows may still do better. The explanation says where
    the curve levelled off (as a share of the baseline) and how far apart the curves are.

    >>> train = [1.1, 0.7, 0.5, 0.4, 0.3, 0.2, 0.15, 0.1, 0.08, 0.06]
    >>> val = [1.0, 0.7, 0.5, 0.45, 0.44, 0.5, 0.6, 0.7, 0.8, 0.9]
    >>> result = diagnose({"loss": train, "val_loss": val}, baseline=1.0)
    >>> result.verdict, result.best_epoch, result.overfitting_epoch, round(result.gap, 2)
    ('overfitting', 5, 6, 0.84)

    A training loss that grows by orders of magnitude has diverged:

    >>> train = [0.7, 250.0, 9e4, 5e6, 5e8, 2e10]
    >>> val = [3.0, 300.0, 1e5, 6e6, 6e8, 3e10]
    >>> result = diagnose({"loss": train, "val_loss": val}, baseline=0.69)
    >>> result.verdict, result.overfitting_epoch
    ('diverged', None)
    >>> "Fix: lower the learning rate (say 10 times smaller)" in result.explanation
    True
    """
    _refuse_non_finite(history, metric)
    train, val = curves(history, metric)
    if not lower_is_better(metric):
        raise ValueError(
            "diagnose reads curves where lower is better (a loss, or an error such as mae), "
            f"but a higher {metric} is better. Diagnose the loss instead, "
            "diagnose(history, baseline_loss(y_train, y_val, loss)), and look at the "
            f"{metric} curve with plot_history(history, {metric!r}), which marks its highest "
            "epoch."
        )
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
    smooth_val = moving_average(val, window)
    noise = _noise(val)
    best_epoch = int(np.argmin(val)) + 1
    lowest = int(np.argmin(smooth_val))
    end_span = max(MIN_EPOCHS, epochs // 5)
    val_end, train_end = _line(val[-end_span:])[1], _line(train[-end_span:])[1]
    val_end_error = _error_factors(end_span)[0]
    train_at_lowest = moving_average(train, window)[lowest]
    rise = val_end - smooth_val[lowest]
    tail = max(MIN_EPOCHS, epochs // 3)
    fall, fall_error = _fall(val[-tail:]), _error_factors(tail)[1]
    ahead = _fall_ahead(val, tail, fall)
    share = None if baseline is None else val_end / baseline
    no_better_than_guess = share is not None and share >= UNDERFIT_LIMIT
    memorises = no_better_than_guess and train_end < WELL_BELOW * val_end

    rises = (
        rise > max(RISE_LIMIT * smooth_val[lowest], NOISE_MARGIN * noise * val_end_error)
        and train_end < train_at_lowest
        and best_epoch < epochs
    )
    still_falling = ahead > FALL_LIMIT * val_end and fall > NOISE_MARGIN * noise * fall_error
    overfitting_epoch = None
    lowest_train = float(train.min())
    diverged = train[-1] > train[0] and train[-1] > DIVERGE_LIMIT * lowest_train
    if diverged:
        verdict = "diverged"
        reading = (
            f"The training {metric} grew instead of falling: from {train[0]:.3g} at epoch 1 "
            f"(lowest {lowest_train:.3g}, at epoch {int(np.argmin(train)) + 1}) to "
            f"{train[-1]:.3g} at the last epoch, {_times(train[-1], lowest_train)} its lowest "
            "value. The training diverged: each update overshoots, so the weights and the "
            f"{metric} grow instead of settling, and the validation curve says nothing about "
            "under- or overfitting. The usual cause is a learning rate too high for this "
            "model and data, or inputs (or a regression target) that are not scaled. Fix: "
            + DIVERGED_FIX
        )
    elif rises:
        verdict, overfitting_epoch = "overfitting", best_epoch + 1
        reading = (
            f"From epoch {overfitting_epoch} on, the validation {metric} rose again (from a "
            f"lowest level of {smooth_val[lowest]:.3g} to {val_end:.3g} at the end) while "
            f"the training {metric} kept falling: the model learns details of its training rows "
            f"that do not hold for new rows. Keep the weights of epoch {best_epoch} "
            "(EarlyStopping with restore_best_weights=True does this), or add data or "
            "regularisation, or use a smaller model."
        )
    elif memorises:
        verdict = "overfitting"
        reading = (
            f"The validation {metric} stays at {share:.0%} of the baseline {baseline:.3g} (the "
            f"loss of always predicting the same value), while the training {metric} fell to "
            f"{train_end:.3g}: the model memorises its training rows, noise included, and "
            "gains nothing on new rows. More capacity would make this worse: use more or "
            "cleaner data, regularisation or a smaller model."
        )
    elif still_falling:
        verdict = "still improving"
        reading = (
            f"Over the last {tail} epochs the validation {metric} was still falling (a "
            f"straight line through them drops by {fall:.3g}, more than its noise "
            f"explains), and it is not levelling off fast: at the pace it is slowing down, "
            f"a run twice as long again would lower it by {_share_of(ahead, val_end)}. It "
            "stopped before the curves levelled off. Train for more epochs, or with a larger "
            "learning rate, before you judge the fit."
        )
    elif no_better_than_guess:
        verdict = "underfitting"
        reading = (
            f"The validation {metric} levelled off at {share:.0%} of the baseline "
            f"{baseline:.3g} (the loss of always predicting the same value), and the "
            f"training {metric} is as high ({train_end:.3g}): the model learned little beyond "
            "that guess, even on its training rows. Give it more capacity (units, layers), "
            "less regularisation or a better learning rate. If a larger model does no "
            "better either, the features may carry little signal about the target."
        )
    elif baseline is None:
        verdict = "good fit"
        reading = (
            f"The validation {metric} has levelled off and does not rise again. Without a "
            "baseline it cannot tell how much the model learned: a curve that is flat "
            "because nothing more can be learned looks like one flat because the model is "
            "too small. Pass baseline=baseline_loss(y_train, y_val, loss) to find out."
        )
    else:
        verdict = "good fit"
        reading = (
            f"The validation {metric} levelled off at {share:.0%} of the baseline "
            f"{baseline:.3g} (the loss of always predicting the same value) and does not "
            f"rise again; the training {metric} ends {_relation(train_end, val_end)}. These "
            "curves cannot tell whether a larger model or more data would go lower: try "
            "one to find out."
        )
    summary = (
        f"Validation {metric} was lowest at epoch {best_epoch} ({val.min():.3g}) and is "
        f"{val[-1]:.3g} at the last epoch, {epochs}; training {metric} ends at {train[-1]:.3g}."
    )
    return Diagnosis(
        verdict=verdict,
        best_epoch=best_epoch,
        overfitting_epoch=overfitting_epoch,
        gap=float(val[-1] - train[-1]),
        explanation=f"{summary} {reading}",
        metric=metric,
    )


def _times(value, lowest):
    """``value`` as a multiple of ``lowest``, in words: "about 6,500 times", "about 10^16 times"."""
    if lowest <= 0:
        return "infinitely many times"
    ratio = value / lowest
    if ratio < 1e6:
        return f"about {ratio:,.0f} times"
    return f"about 10^{math.floor(math.log10(ratio))} times"


def _refuse_non_finite(history, metric):
    """Raise a ValueError naming the first NaN or inf in the curves of ``metric``, if any.

    A NaN or inf loss means the training diverged; the message says where, why it usually
    happens and what to do. Anything else wrong with the history is left to ``curves``.
    """
    history = history_dict(history)
    if not isinstance(metric, str):
        return
    found = []
    for key in (metric, "val_" + metric):
        try:
            values = np.asarray(history[key], dtype=float)
        except (KeyError, TypeError, ValueError):
            continue
        bad = np.flatnonzero(~np.isfinite(values)) if values.ndim == 1 else []
        if len(bad):
            found.append((int(bad[0]) + 1, key, float(values[bad[0]])))
    if not found:
        return
    (epoch, key, value), *others = sorted(found)
    also = "".join(f" (and history[{k!r}] from epoch {e})" for e, k, _ in others)
    raise ValueError(
        f"history[{key!r}] is {value} at epoch {epoch}{also}: the training diverged, so "
        "there are no curves to diagnose. Likely causes: a learning rate too high for this "
        "model and data (the updates overshoot until the weights grow out of range), inputs "
        "or targets that are not scaled, or a NaN in the data (likely when the loss is NaN "
        "from epoch 1). Fix: check the data (np.isnan(x_train).any()), " + DIVERGED_FIX
    )


def _share_of(part, whole):
    """``part`` as a share of ``whole`` in words: "about 12%", or "most of its value"."""
    share = part / whole if whole else 1.0
    return f"about {share:.0%}" if share < 0.9 else "most of its value"


def _relation(train_end, val_end):
    """How the training end level stands to the validation one, in words."""
    ratio = train_end / val_end if val_end else 1.0
    if abs(ratio - 1) <= 0.1:
        return f"close to it ({train_end:.3g})"
    return f"{'below' if ratio < 1 else 'above'} it ({train_end:.3g}, {ratio:.0%} of it)"


def _fall(values):
    """How far a straight line through ``values`` falls from the first epoch to the last."""
    return -_line(values)[0] * (len(values) - 1)


def _fall_ahead(values, tail, fall):
    """How much further ``values`` would fall in 2 more runs as long as this one.

    The last ``tail`` epochs fell by ``fall`` (``f``, a straight line through them); the epochs
    before them fell by ``g`` over as many epochs. A curve levelling off slows down by
    about ``r = f / g`` every ``tail`` epochs, so the next stretches of ``tail`` epochs
    fall by about ``f * (r + r**2 + ...)``. With ``r`` of 1 or more (not slowing down),
    or nothing before to compare with, the pace is kept: ``f`` per stretch.
    """
    if fall <= 0:
        return 0.0
    before = values[:-tail][-tail:]
    ratio = 1.0
    if len(before) >= 2:
        fall_before = -_line(before)[0] * (tail - 1)  # over as many epochs as the last
        ratio = min(fall / fall_before, 1.0) if fall_before > 0 else 1.0
    stretches = 2 * len(values) // tail
    return fall * (stretches if ratio >= 1 else sum(ratio**k for k in range(1, stretches + 1)))


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


def moving_average(values, window):
    """Centred moving average over ``window`` epochs (odd); fewer epochs at the two ends.

    ``diagnose`` smooths the validation curve with it; ``tools/record_histories.py`` labels
    the corpus's runs with the same smoothing.

    >>> moving_average(np.array([1.0, 2.0, 6.0, 3.0]), 3).tolist()
    [1.5, 3.0, 3.6666666666666665, 4.5]
    """
    kernel = np.ones(window)
    return np.convolve(values, kernel, "same") / np.convolve(np.ones_like(values), kernel, "same")


def _noise(values):
    """The standard deviation of ``values`` around their local trend.

    Second differences (the change of the epoch-to-epoch change) cancel any straight
    trend; for independent noise of standard deviation s they spread with s * sqrt(6).
    The median keeps a few spikes from counting as the typical noise.
    """
    second = np.diff(values, n=2)
    return float(np.median(np.abs(second)) / 0.6745 / math.sqrt(6))


def _line(values):
    """A straight line through ``values`` (one per epoch): (slope, value at the last epoch).

    Fitted robustly: the slope is the median of the slopes between every pair of epochs
    (Theil-Sen), so one odd epoch does not tilt it.
    """
    steps = np.arange(len(values))
    first, second = np.triu_indices(len(values), k=1)
    slope = float(np.median((values[second] - values[first]) / (second - first)))
    return slope, float(np.median(values - slope * steps)) + slope * steps[-1]


def _error_factors(count):
    """Standard errors, per unit of noise, of a line fitted through ``count`` epochs: of
    its value at the last epoch, and of its fall from the first epoch to the last."""
    half = (count - 1) / 2
    spread = count * (count**2 - 1) / 12  # the sum of squared distances from the centre
    return math.sqrt(1 / count + half**2 / spread), (count - 1) / math.sqrt(spread)
