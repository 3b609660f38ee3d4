"""Self-checks for the exercises: is the learner's answer right?

Every check prints one line, either ``✅ Correct: ...`` or ``❌ Not yet: ... Hint: ...``,
and returns True or False. A check never raises because of the answer it is given: a wrong
value, a wrong type, ``None``, or an object that breaks when looked at all become a hint.
Only a check set up wrongly by the notebook's author raises (TypeError or ValueError).

Epochs are counted from 1, as Keras prints them ("Epoch 4/100").
"""

import math
import numbers
from collections.abc import Mapping

import keras
import numpy as np

from course_utils.diagnosis import VERDICTS, diagnose
from course_utils.histories import history_dict, lower_is_better


class _NotYet(Exception):
    """A wrong answer: what went wrong (``problem``) and what to try (``hint``)."""

    def __init__(self, problem, hint):
        super().__init__(problem)
        self.problem = problem
        self.hint = hint


def _verdict(judge, *args):
    """Run ``judge(*args)`` and print its praise, or the problem and hint it raised."""
    try:
        praise = judge(*args)
    except _NotYet as not_yet:
        print(f"❌ Not yet: {not_yet.problem} Hint: {not_yet.hint}")
        return False
    except Exception as error:  # a bug in the learner's object becomes a hint, not a traceback
        print(
            f"❌ Not yet: looking at your answer raised {type(error).__name__}. "
            "Hint: run the cells that create it again, top to bottom, and check that each "
            "one finishes without an error."
        )
        return False
    print(f"✅ Correct: {praise}")
    return True


def _shown(value, limit=40):
    """A short, one-line description of ``value``, even if its repr is broken."""
    if isinstance(value, np.ndarray) and value.ndim > 0:
        return f"an array of shape {value.shape}"
    try:
        text = " ".join(repr(value).split())
    except Exception:
        text = f"a {type(value).__name__} object"
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _is_real(value):
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def _is_whole(value):
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def _require_text(value, name):
    if not isinstance(value, str) or not value.strip():
        raise TypeError(f"{name} must be a non-empty string, got {value!r}.")


def _require_finite(value, name):
    if not _is_real(value) or not math.isfinite(value):
        raise TypeError(f"{name} must be a finite number such as 0.05, got {value!r}.")


# ---------------------------------------------------------------------------- choice


def _letter(text):
    return text.strip().upper()


def _by_letter(mapping, name):
    """``mapping`` (letter -> text) with its letters stripped and upper-cased."""
    if not isinstance(mapping, Mapping):
        raise TypeError(f"{name} must be a dict mapping letters to text, got {mapping!r}.")
    for letter, text in mapping.items():
        _require_text(letter, f"each letter in {name}")
        _require_text(text, f"{name}[{letter!r}]")
    by_letter = {_letter(letter): text for letter, text in mapping.items()}
    if len(by_letter) != len(mapping):
        raise ValueError(f"{name} has a letter twice (ignoring case and spaces): {list(mapping)}.")
    return by_letter


def check_choice(answer, correct, *, options, explanation, hints=None):
    """Check a multiple-choice answer given as a letter ("b", " B " and "B" are the same).

    ``options`` maps each letter to its text, ``explanation`` says why ``correct`` is right,
    and ``hints`` (optional) maps a wrong letter to a hint for learners who picked it.

    >>> options = {"A": "Training loss", "B": "Validation loss"}
    >>> check_choice(" b", "B", options=options, explanation="It uses unseen data.")
    ✅ Correct: B (Validation loss). It uses unseen data.
    True
    >>> check_choice("C", "B", options=options, explanation="It uses unseen data.")
    ❌ Not yet: 'C' is not one of the options. Hint: answer with one of the letters A, B.
    False
    """
    options = _by_letter(options, "options")
    if len(options) < 2:
        raise ValueError(f"options must offer two or more letters, got {sorted(options)}.")
    _require_text(correct, "correct")
    correct = _letter(correct)
    if correct not in options:
        raise ValueError(f"correct={correct!r} is not one of the options {sorted(options)}.")
    _require_text(explanation, "explanation")
    hints = _by_letter({} if hints is None else hints, "hints")
    wrong_letters = set(options) - {correct}
    if not set(hints) <= wrong_letters:
        raise ValueError(
            f"hints has {sorted(set(hints) - wrong_letters)}; give hints only for the wrong "
            f"options {sorted(wrong_letters)}."
        )
    return _verdict(_judge_choice, answer, correct, options, explanation, hints)


def _judge_choice(answer, correct, options, explanation, hints):
    valid = ", ".join(sorted(options))
    if not isinstance(answer, str):
        raise _NotYet(
            f"{_shown(answer)} is not a letter.", "answer with a letter in quotes, such as 'A'."
        )
    chosen = _letter(answer)
    if chosen not in options:
        raise _NotYet(
            f"{_shown(answer)} is not one of the options.",
            f"answer with one of the letters {valid}.",
        )
    if chosen != correct:
        raise _NotYet(
            f"{chosen} ({options[chosen]}) is not the best answer.",
            hints.get(chosen, "read the other options again and pick the one that fits best."),
        )
    return f"{correct} ({options[correct]}). {explanation[:1].upper()}{explanation[1:]}"


# ---------------------------------------------------------------------------- number


def check_number(answer, expected, *, tolerance, name, hint):
    """Check that a number is within ``tolerance`` of ``expected``.

    ``name`` says what the number is in messages; ``hint`` is shown when it is wrong.
    The expected value is never printed, so the check does not give the answer away.

    >>> check_number(0.248, 0.25, tolerance=0.01, name="the final loss", hint="Re-run fit.")
    ✅ Correct: the final loss is 0.248.
    True
    >>> check_number(0.5, 0.25, tolerance=0.01, name="the final loss", hint="Re-run fit.")
    ❌ Not yet: the final loss is 0.5, which is too high. Hint: Re-run fit.
    False
    """
    _require_finite(expected, "expected")
    _require_finite(tolerance, "tolerance")
    if tolerance < 0:
        raise ValueError(f"tolerance must be 0 or more, got {tolerance}.")
    _require_text(name, "name")
    _require_text(hint, "hint")
    return _verdict(_judge_number, answer, expected, tolerance, name, hint)


def _judge_number(answer, expected, tolerance, name, hint):
    value = np.asarray(answer)
    if isinstance(answer, bool) or value.dtype.kind not in "iuf":
        raise _NotYet(
            f"{name} should be a number, not {_shown(answer)}.",
            "give the number itself, such as 0.25, without quotes.",
        )
    if value.ndim != 0:
        raise _NotYet(
            f"{name} should be a single number, but you gave an array of shape {value.shape}.",
            "pass the number inside the array (for example array[0]), not the whole array.",
        )
    value = float(value)
    if math.isnan(value):
        raise _NotYet(f"{name} is NaN (not a number).", hint)
    if abs(value - expected) > tolerance:
        direction = "high" if value > expected else "low"
        raise _NotYet(f"{name} is {value:.4g}, which is too {direction}.", hint)
    return f"{name} is {value:.4g}."


# ---------------------------------------------------------------------------- split


def check_split(x_train, x_val, y_train, y_val, *, x, y, val_fraction):
    """Check a shuffled train/validation split of ``x`` and ``y``.

    The validation part must hold about ``val_fraction`` of the rows, every row must be
    used exactly once and keep its label, and the split must be shuffled (not simply the
    last rows, which for sorted data are only the largest values).

    >>> import numpy as np
    >>> from sklearn.model_selection import train_test_split
    >>> x = np.linspace(0, 1, 10).reshape(-1, 1)
    >>> y = 2 * x
    >>> parts = train_test_split(x, y, test_size=0.2, random_state=0)
    >>> check_split(*parts, x=x, y=y, val_fraction=0.2)
    ✅ Correct: 8 training rows and 2 validation rows, shuffled, each row with its label.
    True
    >>> check_split(x[:8], x[8:], y[:8], y[8:], x=x, y=y, val_fraction=0.2)  # doctest: +ELLIPSIS
    ❌ Not yet: x_val is exactly the last 2 rows of x: the split was not shuffled. ...
    False
    """
    x, y = np.asarray(x), np.asarray(y)
    for name, array in (("x", x), ("y", y)):
        if array.dtype.kind not in "biuf" or array.ndim == 0:
            raise TypeError(f"{name} must be an array of numbers with one row per sample.")
    if len(x) != len(y):
        raise ValueError(f"x has {len(x)} rows but y has {len(y)}; give the unsplit data.")
    _require_finite(val_fraction, "val_fraction")
    if not 0 < val_fraction < 1:
        raise ValueError(f"val_fraction must be between 0 and 1, such as 0.2, not {val_fraction}.")
    val_sizes = {math.floor(len(x) * val_fraction), math.ceil(len(x) * val_fraction)}
    val_sizes = {size for size in val_sizes if 1 <= size < len(x)}
    if not val_sizes:
        raise ValueError(
            f"val_fraction={val_fraction} of {len(x)} rows leaves no row for one of the two "
            "parts; use more rows or a fraction nearer 0.5."
        )
    return _verdict(_judge_split, (x_train, x_val, y_train, y_val), x, y, sorted(val_sizes))


def _judge_split(parts, x, y, val_sizes):
    names = ("x_train", "x_val", "y_train", "y_val")
    x_train, x_val, y_train, y_val = map(_learner_array, parts, names)
    order_hint = "train_test_split(x, y) returns x_train, x_val, y_train, y_val, in that order."
    for name, part in zip(names, (x_train, x_val, y_train, y_val), strict=True):
        full = x if name.startswith("x") else y
        if part.shape[1:] != full.shape[1:]:
            raise _NotYet(
                f"the rows of {name} have shape {part.shape[1:]}, but the rows of "
                f"{name[0]} have shape {full.shape[1:]}.",
                order_hint,
            )
    for x_part, y_part, part in ((x_train, y_train, "train"), (x_val, y_val, "val")):
        if len(x_part) != len(y_part):
            raise _NotYet(
                f"x_{part} has {len(x_part)} rows but y_{part} has {len(y_part)}.",
                f"split x and y in the same call, so each row keeps its label. {order_hint}",
            )
    if len(x_val) not in val_sizes:
        raise _NotYet(
            f"x_val has {len(x_val)} rows, but the exercise asks for {val_sizes[-1]} of the "
            f"{len(x)} rows.",
            f"use the validation fraction asked for (test_size=...). {order_hint}",
        )
    if len(x_train) + len(x_val) != len(x):
        raise _NotYet(
            f"x_train and x_val have {len(x_train) + len(x_val)} rows together, but x has "
            f"{len(x)}.",
            "every row of x goes to exactly one part: split with train_test_split, not by hand.",
        )
    x_both, y_both = np.concatenate([x_train, x_val]), np.concatenate([y_train, y_val])
    # compare in the learner's precision: a float32 copy of the data is fine
    x, y = x.astype(x_both.dtype), y.astype(y_both.dtype)
    if not _same_rows(_table(x_both), _table(x)):
        raise _NotYet(
            "some rows of x are missing from the split, and others appear twice or were changed.",
            "make both parts from one split of the raw x and y (scale only afterwards).",
        )
    if not _same_rows(_table(x_both, y_both), _table(x, y)):
        raise _NotYet(
            "every row of x is there, but some rows now have the wrong label.",
            "shuffle x and y together: train_test_split(x, y, ...) keeps each row with its "
            "label, two separate shuffles do not.",
        )
    for end, block in (("last", x[-len(x_val) :]), ("first", x[: len(x_val)])):
        if _same_rows(_table(x_val), _table(block)):
            raise _NotYet(
                f"x_val is exactly the {end} {len(x_val)} rows of x: the split was not "
                "shuffled. When x is sorted (like np.linspace), validation then only sees "
                "one end of its range, which tests extrapolation.",
                "shuffle before splitting: train_test_split(x, y, test_size=..., "
                "random_state=0) shuffles by default.",
            )
    return (
        f"{len(x_train)} training rows and {len(x_val)} validation rows, shuffled, "
        "each row with its label."
    )


def _learner_array(value, name):
    array = np.asarray(value)
    if array.dtype.kind not in "biuf" or array.ndim == 0:
        raise _NotYet(
            f"{name} is not an array of numbers (got {_shown(value)}).",
            "a split gives four arrays: "
            "x_train, x_val, y_train, y_val = train_test_split(x, y, ...).",
        )
    return array


def _table(*columns):
    """The arrays side by side as one 2-D table with one row per sample."""
    return np.hstack([np.reshape(column, (len(column), -1)) for column in columns])


def _same_rows(table, other):
    """True when two tables hold the same rows, in any order."""
    if table.shape != other.shape:
        return False
    return np.array_equal(_sorted_rows(table), _sorted_rows(other))


def _sorted_rows(table):
    return table[np.lexsort(table.T[::-1])]


# ---------------------------------------------------------------------------- model


def check_binary_classifier(model):
    """Check a Keras model built and compiled for binary classification.

    Passes for a last layer of 1 unit with a sigmoid, compiled with binary cross-entropy,
    or 1 linear unit with ``keras.losses.BinaryCrossentropy(from_logits=True)``. An accuracy
    metric must cut where the output means p = 0.5: at 0.5 for a sigmoid output
    (``metrics=["accuracy"]``), at 0 for logits (``keras.metrics.BinaryAccuracy(threshold=0.0)``).

    >>> import keras
    >>> from course_utils.reproducibility import seed_everything
    >>> seed_everything(0)
    >>> output = keras.layers.Dense(1, activation="sigmoid")
    >>> model = keras.Sequential([keras.Input(shape=(2,)), output])
    >>> model.compile(optimizer="adam", loss="binary_crossentropy")
    >>> check_binary_classifier(model)
    ✅ Correct: one sigmoid output unit (the probability of class 1) and binary cross-entropy.
    True
    >>> model.compile(optimizer="adam", loss="mse")
    >>> check_binary_classifier(model)  # doctest: +ELLIPSIS
    ❌ Not yet: the model is compiled with mean_squared_error, a loss for regression. ...
    False
    """
    return _verdict(_judge_binary_classifier, model)


def _judge_binary_classifier(model):
    use_dense = "end the model with keras.layers.Dense(1, activation='sigmoid')."
    if not isinstance(model, keras.Model):
        raise _NotYet(
            f"{_shown(model)} is not a Keras model.",
            "build one with keras.Sequential([keras.Input(shape=(n_features,)), ...]).",
        )
    if not model.built:
        raise _NotYet(
            "the model has no input yet, so Keras does not know its shape.",
            "start the Sequential list with keras.Input(shape=(n_features,)).",
        )
    if len(model.outputs) != 1:
        raise _NotYet(f"the model has {len(model.outputs)} outputs instead of one.", use_dense)
    units = model.outputs[0].shape[-1]
    if units != 1:
        raise _NotYet(
            f"the last layer has {units} units. With sigmoid and binary cross-entropy, one "
            "unit is enough: it gives the probability of class 1.",
            use_dense,
        )
    last = model.layers[-1]
    if not hasattr(last, "activation"):
        raise _NotYet(f"the last layer is a {type(last).__name__}, not Dense.", use_dense)
    activation = getattr(last.activation, "__name__", _shown(last.activation))
    if activation == "softmax":
        raise _NotYet(
            "the last layer uses softmax; over a single unit softmax always outputs 1.0.",
            use_dense,
        )
    if activation not in ("sigmoid", "linear"):
        raise _NotYet(
            f"the last layer's activation is {activation}, which does not give a probability.",
            use_dense,
        )
    if not model.compiled:
        raise _NotYet(
            "the model is not compiled yet.",
            "call model.compile(optimizer='adam', loss='binary_crossentropy').",
        )
    use_bce = "compile with loss='binary_crossentropy', the loss for two classes."
    if model.loss is None:
        raise _NotYet("the model is compiled without a loss.", use_bce)
    loss = keras.losses.get(model.loss)
    loss_name = getattr(getattr(loss, "fn", loss), "__name__", type(loss).__name__)
    from_logits = bool(getattr(loss, "from_logits", False))
    if loss_name != "binary_crossentropy":
        raise _NotYet(f"the model is compiled with {loss_name}, {_loss_kind(loss_name)}.", use_bce)
    if activation == "sigmoid" and from_logits:
        raise _NotYet(
            "the last layer already applies a sigmoid, but from_logits=True tells the loss "
            "that it receives raw scores (logits). On TensorFlow, Keras notices, warns and "
            "still computes the right loss; on its JAX and PyTorch backends the sigmoid would "
            "be applied twice and the loss would be wrong.",
            "keep the sigmoid and use loss='binary_crossentropy' (from_logits=False), or drop "
            "the sigmoid and keep from_logits=True.",
        )
    if activation == "linear" and not from_logits:
        raise _NotYet(
            "the last layer gives raw scores (no sigmoid), but the loss expects probabilities.",
            "add activation='sigmoid' to the last layer, or compile with "
            "keras.losses.BinaryCrossentropy(from_logits=True).",
        )
    _judge_accuracy_threshold(model, from_logits)
    if from_logits:
        return "one linear output unit and binary cross-entropy with from_logits=True."
    return "one sigmoid output unit (the probability of class 1) and binary cross-entropy."


def _judge_accuracy_threshold(model, from_logits):
    """Raise _NotYet if an accuracy metric cuts the output at the wrong place: at 0.5 on
    logits (that is p = 0.62), or at 0.0 on probabilities (every row would be class 1)."""
    compiled = getattr(model, "_compile_metrics", None)  # where Keras keeps compile()'s metrics
    given = [getattr(compiled, name, None) for name in ("_user_metrics", "_user_weighted_metrics")]
    for metric in keras.tree.flatten([metrics for metrics in given if metrics is not None]):
        threshold = _accuracy_threshold(metric)
        if threshold is None:
            continue
        shown = (
            repr(metric) if isinstance(metric, str) else f"BinaryAccuracy(threshold={threshold:g})"
        )
        if from_logits and threshold == 0.5:
            raise _NotYet(
                f"the model outputs logits, but the metric {shown} counts a row as class 1 "
                "when the output is above 0.5. For a logit that means a probability above "
                "0.62, so the accuracy it reports is wrong.",
                "with logits, use metrics=[keras.metrics.BinaryAccuracy(threshold=0.0)]: a "
                "logit above 0 is a probability above 0.5.",
            )
        if not from_logits and threshold == 0.0:
            raise _NotYet(
                f"the last layer gives probabilities, but the metric {shown} counts a row as "
                "class 1 when its probability is above 0, which is almost every row.",
                "threshold=0.0 is for logits. With a sigmoid output, use metrics=['accuracy'] "
                "(it cuts at 0.5).",
            )


def _accuracy_threshold(metric):
    """Where a metric given to compile() cuts a one-unit output into classes 0 and 1, or
    None if it is not a binary accuracy."""
    if isinstance(metric, str):
        if metric.lower() in ("accuracy", "acc"):  # Keras picks BinaryAccuracy() for 1 unit
            return 0.5
        try:
            metric = keras.metrics.get(metric)
        except ValueError:  # an unknown name: fit will say so
            return None
    if metric is keras.metrics.binary_accuracy:
        return 0.5
    if isinstance(metric, keras.metrics.BinaryAccuracy):
        return float(metric.threshold)
    return None


def _loss_kind(loss_name):
    if "squared" in loss_name or "absolute" in loss_name:
        return "a loss for regression"
    if "categorical" in loss_name:
        return "a loss for three or more classes, with one output unit per class"
    return "not binary cross-entropy"


# ---------------------------------------------------------------------------- early stopping


def check_early_stopping(
    callback, *, monitor="val_loss", patience=None, restore_best_weights=None, min_delta=None
):
    """Check a ``keras.callbacks.EarlyStopping`` set up as the exercise asks.

    ``monitor`` is always checked; ``patience``, ``restore_best_weights`` and ``min_delta``
    only when given.

    >>> import keras
    >>> callback = keras.callbacks.EarlyStopping(patience=5, restore_best_weights=True)
    >>> check_early_stopping(callback, patience=5, restore_best_weights=True)
    ✅ Correct: EarlyStopping watches 'val_loss', patience=5, restore_best_weights=True.
    True
    >>> check_early_stopping(callback, patience=10)  # doctest: +ELLIPSIS
    ❌ Not yet: patience is 5, but the exercise asks for 10. ...
    False
    """
    _require_text(monitor, "monitor")
    if patience is not None and (not _is_whole(patience) or patience < 0):
        raise ValueError(f"patience must be None or a whole number 0 or more, got {patience!r}.")
    if not isinstance(restore_best_weights, (bool, type(None))):
        raise TypeError(
            f"restore_best_weights must be None, True or False, not {restore_best_weights!r}."
        )
    if min_delta is not None:
        _require_finite(min_delta, "min_delta")
        if min_delta < 0:
            raise ValueError(f"min_delta must be 0 or more, got {min_delta}.")
    asked = dict(patience=patience, restore_best_weights=restore_best_weights, min_delta=min_delta)
    wanted = {setting: value for setting, value in asked.items() if value is not None}
    return _verdict(_judge_early_stopping, callback, monitor, wanted)


_WHAT_SETTINGS_DO = {
    "patience": "patience is how many epochs without improvement Keras waits before stopping",
    "restore_best_weights": "with restore_best_weights=True the model ends with its best "
    "epoch's weights, with False it keeps its last epoch's",
    "min_delta": "min_delta is the smallest drop that counts as an improvement",
}


def _judge_early_stopping(callback, monitor, wanted):
    make_one = "create one with keras.callbacks.EarlyStopping(monitor=..., patience=...)."
    if isinstance(callback, type):
        raise _NotYet(f"{callback.__name__} is a class, not a callback made from it.", make_one)
    if isinstance(callback, (list, tuple)):
        raise _NotYet(
            "this is a list; the check wants the callback itself.",
            "pass the EarlyStopping object; the list is what goes to fit(callbacks=[...]).",
        )
    if not isinstance(callback, keras.callbacks.EarlyStopping):
        raise _NotYet(f"{_shown(callback)} is not an EarlyStopping callback.", make_one)
    if callback.monitor != monitor:
        raise _NotYet(
            f"it monitors {callback.monitor!r}, but the exercise asks for {monitor!r}.",
            "the training loss keeps falling while a model overfits, so watch the validation "
            "loss: monitor='val_loss'."
            if (callback.monitor, monitor) == ("loss", "val_loss")
            else f"spell it exactly as in history.history: monitor={monitor!r}.",
        )
    if "loss" in monitor and callback.mode == "max":
        raise _NotYet(
            "mode='max' counts a rising loss as an improvement.",
            "leave mode out (it defaults to 'auto'), or use mode='min' for a loss.",
        )
    for setting, value in wanted.items():
        actual = getattr(callback, setting)
        if setting == "min_delta" and _is_real(actual):
            actual = abs(actual)  # Keras stores min_delta negated once fit starts minimising
        if not _same_setting(actual, value):
            raise _NotYet(
                f"{setting} is {actual}, but the exercise asks for {value}.",
                f"{_WHAT_SETTINGS_DO[setting]}: EarlyStopping(..., {setting}={value}).",
            )
    settings = "".join(f", {setting}={value}" for setting, value in wanted.items())
    return f"EarlyStopping watches {monitor!r}{settings}."


def _same_setting(actual, value):
    if isinstance(value, bool):
        return isinstance(actual, bool) and actual == value
    return _is_real(actual) and math.isclose(actual, value, abs_tol=1e-12)


# ---------------------------------------------------------------------------- history


def check_best_epoch(answer, history, *, metric="val_loss"):
    """Check the epoch (counted from 1, as Keras prints it) where ``metric`` was best.

    Best is the lowest value for a loss, the highest for accuracy, AUC, precision or
    recall. ``history`` is what ``model.fit`` returned, or its ``.history`` dict.

    >>> history = {"loss": [0.9, 0.5, 0.3, 0.2], "val_loss": [0.8, 0.6, 0.5, 0.7]}
    >>> check_best_epoch(3, history)
    ✅ Correct: epoch 3 has the lowest val_loss, 0.5.
    True
    >>> check_best_epoch(2, history)  # doctest: +ELLIPSIS
    ❌ Not yet: epoch 2 is next to the best epoch. Hint: Keras stores epochs from 0 but ...
    False
    """
    _require_text(metric, "metric")
    return _verdict(_judge_best_epoch, answer, history, metric)


def _judge_best_epoch(answer, history, metric):
    values = _metric_values(history, metric)
    lowest = lower_is_better(metric)
    extreme = "lowest" if lowest else "highest"
    if not _is_whole(answer):
        raise _NotYet(
            f"{_shown(answer)} is not an epoch number.",
            "answer with a whole number such as 7, the epoch as Keras prints it ('Epoch 7/50').",
        )
    if not 1 <= answer <= len(values):
        raise _NotYet(
            f"there is no epoch {answer}: this history has {len(values)} epochs, numbered "
            f"from 1 to {len(values)} as Keras prints them.",
            "count epochs from 1, the way Keras prints them.",
        )
    best_value = values.min() if lowest else values.max()
    best_epochs = np.flatnonzero(values == best_value) + 1
    if answer in best_epochs:
        return f"epoch {answer} has the {extreme} {metric}, {best_value:.4g}."
    if np.any(np.abs(best_epochs - answer) == 1):
        raise _NotYet(
            f"epoch {answer} is next to the best epoch.",
            "Keras stores epochs from 0 but prints them from 1: which did you use? "
            "Answer with the printed number.",
        )
    position = "argmin" if lowest else "argmax"
    raise _NotYet(
        f"epoch {answer} has {metric} {values[answer - 1]:.4g}, but another epoch has a "
        f"{'lower' if lowest else 'higher'} one.",
        f"the best epoch is int(np.{position}(history.history[{metric!r}])) + 1.",
    )


def check_history(history, *, metric, below=None, above=None):
    """Check that a fit reached a target: ``metric`` went ``below`` (or ``above``) a value.

    Give exactly one of ``below`` and ``above``. The best epoch counts, so a fit with
    ``EarlyStopping(restore_best_weights=True)`` is judged by the weights it keeps.
    ``history`` is what ``model.fit`` returned, or its ``.history`` dict.

    >>> history = {"loss": [0.9, 0.3, 0.1], "val_loss": [0.8, 0.4, 0.2]}
    >>> check_history(history, metric="val_loss", below=0.25)
    ✅ Correct: val_loss reached 0.2 at epoch 3, below 0.25.
    True
    >>> check_history({"loss": [0.9, 0.3]}, metric="val_loss", below=0.25)  # doctest: +ELLIPSIS
    ❌ Not yet: the history has no 'val_loss'... Hint: fit measures validation only when ...
    False
    """
    _require_text(metric, "metric")
    if (below is None) == (above is None):
        raise ValueError("give exactly one of below=... (for a loss) or above=... (for accuracy).")
    target, goal = (below, "below") if below is not None else (above, "above")
    _require_finite(target, goal)
    return _verdict(_judge_history, history, metric, target, goal)


def _judge_history(history, metric, target, goal):
    values = _metric_values(history, metric)
    best = int(np.argmin(values) if goal == "below" else np.argmax(values))
    reached = values[best] < target if goal == "below" else values[best] > target
    if reached:
        return f"{metric} reached {values[best]:.4g} at epoch {best + 1}, {goal} {target}."
    summary = (
        f"the best {metric} was {values[best]:.4g} (epoch {best + 1} of {len(values)}), "
        f"not {goal} {target}"
    )
    if best == len(values) - 1:
        raise _NotYet(
            f"{summary}, and it was still improving at the last epoch.",
            "train for more epochs, or raise the learning rate a little.",
        )
    raise _NotYet(
        f"{summary}; it stopped improving after that.",
        "try a bigger model or another learning rate; if the training loss kept improving "
        "meanwhile, the model overfits: add regularisation or more training data.",
    )


def _metric_values(history, metric):
    """The per-epoch values of ``metric`` in a History or its ``.history`` dict."""
    try:
        history = history_dict(history)
    except TypeError:
        raise _NotYet(
            f"{_shown(history)} is not a training history.",
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
        raise _NotYet(f"the history has no {metric!r}; it has {list(history)}.", hint)
    values = np.asarray(history[metric], dtype=float)
    if values.ndim != 1 or values.size == 0:
        raise _NotYet(
            f"history[{metric!r}] is not a list of one number per epoch.",
            "pass the history exactly as fit returned it.",
        )
    if not np.all(np.isfinite(values)):
        epoch = int(np.flatnonzero(~np.isfinite(values))[0]) + 1
        raise _NotYet(
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
        _require_finite(baseline, "baseline")
        if baseline <= 0:
            raise ValueError(f"baseline must be a positive loss, got {baseline}.")
    return _verdict(_judge_verdict, history, expected, baseline, metric)


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
}


def _judge_verdict(history, expected, baseline, metric):
    try:
        found = diagnose(history, baseline, metric=metric)
    except (TypeError, ValueError) as error:
        raise _NotYet(
            f"diagnose cannot read this history: {error}",
            "pass the history of a fit with validation data, such as run.history.",
        ) from error
    if found.verdict != expected:
        raise _NotYet(
            f"diagnose calls this run {found.verdict!r}, not {expected!r}.",
            _VERDICT_HINTS[found.verdict],
        )
    return f"diagnose calls it {expected!r} too: {found.explanation}"
