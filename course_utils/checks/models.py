"""Checks for Keras objects a learner builds: a binary classifier, an ``EarlyStopping``."""

import inspect
import math
from dataclasses import dataclass

import keras
import numpy as np

from course_utils._validation import is_real, is_whole
from course_utils.checks._feedback import NotYet, require_finite, require_text, shown, verdict


def check_binary_classifier(
    model, *, builder=False, n_features=None, metrics=(), other_metrics=True, probabilities=False
):
    """Check a Keras model built and compiled for binary classification.

    ``model``: the model, or a function without arguments that builds it (such as
    ``build_classifier``).

    Passes for a last layer of 1 unit with a sigmoid, compiled with binary cross-entropy,
    or 1 linear unit with ``keras.losses.BinaryCrossentropy(from_logits=True)``. An accuracy
    metric must cut where the output means p = 0.5: at 0.5 for a sigmoid output
    (``metrics=["accuracy"]``), at 0 for logits (``keras.metrics.BinaryAccuracy(threshold=0.0)``).

    What the cells after an exercise do with the answer, checked when given: ``builder``, they
    call it to build a fresh model, so it must be that function and not a model;
    ``n_features``, they train it on rows of that many features; ``metrics``, they read these
    names in ``history.history`` (``"accuracy"`` and ``"val_accuracy"``), and with
    ``other_metrics=False`` they unpack ``model.evaluate`` into the loss and exactly these;
    ``probabilities``, they read ``model.predict`` as probabilities, so the output must be a
    sigmoid. ``metrics`` needs ``n_features``: the check evaluates the model on two rows of
    zeros to see what it reports.

    >>> import keras
    >>> from course_utils.reproducibility import seed_everything
    >>> seed_everything(0)
    >>> output = keras.layers.Dense(1, activation="sigmoid")
    >>> model = keras.Sequential([keras.Input(shape=(2,)), output])
    >>> model.compile(optimizer="adam", loss="binary_crossentropy")
    >>> check_binary_classifier(model)
    ✅ Correct: one sigmoid output unit (the probability of class 1) and binary cross-entropy.
    True
    >>> check_binary_classifier(model, n_features=3)  # doctest: +ELLIPSIS
    ❌ Not yet: the model takes rows of 2 numbers (keras.Input(shape=(2,))), but the cells ...
    False
    >>> model.compile(optimizer="adam", loss="mse")
    >>> check_binary_classifier(model)  # doctest: +ELLIPSIS
    ❌ Not yet: the model is compiled with mean_squared_error, a loss for regression. ...
    False
    """
    for name, flag in (
        ("builder", builder),
        ("other_metrics", other_metrics),
        ("probabilities", probabilities),
    ):
        if not isinstance(flag, bool):
            raise TypeError(f"{name} must be True or False, not {flag!r}.")
    if n_features is not None and (not is_whole(n_features) or n_features < 1):
        raise ValueError(
            f"n_features must be None or a whole number 1 or more, not {n_features!r}."
        )
    if isinstance(metrics, str) or not all(isinstance(m, str) and m for m in metrics):
        raise TypeError(
            f"metrics must be a tuple of metric names such as ('accuracy',), not {metrics!r}."
        )
    if (metrics or not other_metrics) and n_features is None:
        raise ValueError(
            "checking the metrics needs n_features: the width of the rows to evaluate on."
        )
    needs = _Needs(builder, n_features, tuple(metrics), other_metrics, probabilities)
    return verdict(_judge_binary_classifier, model, needs)


@dataclass(frozen=True)
class _Needs:
    """What the cells after an exercise need of its classifier (check_binary_classifier)."""

    builder: bool = False
    n_features: int | None = None
    metrics: tuple[str, ...] = ()
    other_metrics: bool = True
    probabilities: bool = False


def _judge_binary_classifier(model, needs):
    use_dense = "end the model with keras.layers.Dense(1, activation='sigmoid')."
    if needs.builder:
        model = _built_by(model)
    elif callable(model) and not isinstance(model, (keras.Model, type)):
        name = getattr(model, "__name__", "the function")
        try:
            model = model()
        except Exception as error:
            raise NotYet(
                f"{name}() raised {type(error).__name__}: {_one_line(error)}",
                "fix the line the error points to, then run the cell again.",
            ) from None
    if not isinstance(model, keras.Model):
        raise NotYet(
            f"{shown(model)} is not a Keras model.",
            "build one with keras.Sequential([keras.Input(shape=(n_features,)), ...]).",
        )
    if not model.built:
        raise NotYet(
            "the model has no input yet, so Keras does not know its shape.",
            "start the Sequential list with keras.Input(shape=(n_features,)).",
        )
    if needs.n_features is not None:
        _judge_input_width(model, needs.n_features)
    if len(model.outputs) != 1:
        raise NotYet(f"the model has {len(model.outputs)} outputs instead of one.", use_dense)
    units = model.outputs[0].shape[-1]
    if units != 1:
        raise NotYet(
            f"the last layer has {units} units. With sigmoid and binary cross-entropy, one "
            "unit is enough: it gives the probability of class 1.",
            use_dense,
        )
    last = model.layers[-1]
    if not hasattr(last, "activation"):
        raise NotYet(f"the last layer is a {type(last).__name__}, not Dense.", use_dense)
    activation = getattr(last.activation, "__name__", shown(last.activation))
    if activation == "softmax":
        raise NotYet(
            "the last layer uses softmax; over a single unit softmax always outputs 1.0.",
            use_dense,
        )
    if activation not in ("sigmoid", "linear"):
        raise NotYet(
            f"the last layer's activation is {activation}, which does not give a probability.",
            use_dense,
        )
    if not model.compiled:
        raise NotYet(
            "the model is not compiled yet.",
            "call model.compile(optimizer='adam', loss='binary_crossentropy').",
        )
    use_bce = "compile with loss='binary_crossentropy', the loss for two classes."
    if model.loss is None:
        raise NotYet("the model is compiled without a loss.", use_bce)
    loss = keras.losses.get(model.loss)
    loss_name = getattr(getattr(loss, "fn", loss), "__name__", type(loss).__name__)
    from_logits = bool(getattr(loss, "from_logits", False))
    if loss_name != "binary_crossentropy":
        raise NotYet(f"the model is compiled with {loss_name}, {_loss_kind(loss_name)}.", use_bce)
    if activation == "sigmoid" and from_logits:
        raise NotYet(
            "the last layer already applies a sigmoid, but from_logits=True tells the loss "
            "that it receives raw scores (logits). On TensorFlow, Keras notices, warns and "
            "still computes the right loss; on its JAX and PyTorch backends the sigmoid would "
            "be applied twice and the loss would be wrong.",
            "keep the sigmoid and use loss='binary_crossentropy' (from_logits=False), or drop "
            "the sigmoid and keep from_logits=True.",
        )
    if activation == "linear" and not from_logits:
        raise NotYet(
            "the last layer gives raw scores (no sigmoid), but the loss expects probabilities.",
            "add activation='sigmoid' to the last layer, or compile with "
            "keras.losses.BinaryCrossentropy(from_logits=True).",
        )
    if activation == "linear" and needs.probabilities:
        raise NotYet(
            "your model outputs logits (no sigmoid, from_logits=True). That trains the same, "
            "but the cells below read model.predict(...) as probabilities of class 1, and a "
            "logit is not one.",
            "end with Dense(1, activation='sigmoid') and compile with "
            "loss='binary_crossentropy', metrics=['accuracy'].",
        )
    _judge_accuracy_threshold(
        model, from_logits, "accuracy" if "accuracy" in needs.metrics else None
    )
    if needs.metrics or not needs.other_metrics:
        _judge_reported_metrics(model, needs, from_logits)
    if from_logits:
        return "one linear output unit and binary cross-entropy with from_logits=True."
    return "one sigmoid output unit (the probability of class 1) and binary cross-entropy."


def _built_by(builder):
    """The model ``builder()`` returns; NotYet unless ``builder`` is a function without
    arguments that returns a Keras model (the cells after the exercise call it so)."""
    pass_it = (
        "pass the function itself, without parentheses: build_classifier, not build_classifier()."
    )
    if isinstance(builder, keras.Model):
        raise NotYet(
            "you passed a model, not the function that builds one: the cells below call "
            "build_classifier() to build a fresh model for each run.",
            pass_it,
        )
    if isinstance(builder, type):
        raise NotYet(
            f"{builder.__name__} is a class, not a function that builds your model.",
            "define it with def build_classifier(): ..., ending with return model, and pass "
            "build_classifier.",
        )
    if not callable(builder):
        raise NotYet(
            f"{shown(builder)} is not a function that builds a model.",
            "define it with def build_classifier(): ..., ending with return model, and pass "
            "build_classifier.",
        )
    name = getattr(builder, "__name__", "the function")
    try:
        required = [
            parameter.name
            for parameter in inspect.signature(builder).parameters.values()
            if parameter.default is parameter.empty
            and parameter.kind in (parameter.POSITIONAL_ONLY, parameter.POSITIONAL_OR_KEYWORD)
        ]
    except (TypeError, ValueError):  # no signature to read: calling it will tell
        required = []
    if required:
        raise NotYet(
            f"{name} needs {', '.join(required)}, but the cells below call {name}() with no "
            "arguments.",
            "give each parameter a default value, or remove it.",
        )
    try:
        model = builder()
    except Exception as error:
        raise NotYet(
            f"{name}() raised {type(error).__name__}: {_one_line(error)}",
            "fix the line the error points to, then run the cell again.",
        ) from None
    if model is None:
        raise NotYet(
            f"{name}() returned None, not a model.",
            "end the function with return model, after model.compile(...).",
        )
    if not isinstance(model, keras.Model):
        raise NotYet(
            f"{name}() returned {shown(model)}, not a Keras model.",
            "build the model with keras.Sequential([...]), compile it and return it.",
        )
    return model


def _judge_input_width(model, n_features):
    inputs = getattr(model, "inputs", None) or []
    if len(inputs) != 1:
        raise NotYet(
            f"the model has {len(inputs)} inputs, but the cells below feed it one array.",
            f"start the Sequential list with keras.Input(shape=({n_features},)).",
        )
    shape = tuple(inputs[0].shape[1:])
    if shape != (n_features,):
        if len(shape) == 1:
            takes = f"rows of {shape[0]} number{'' if shape[0] == 1 else 's'}"
        else:
            takes = f"inputs of shape {shape}"
        raise NotYet(
            f"the model takes {takes} (keras.Input(shape={shape})), but the cells below train "
            f"it on rows of {n_features} features.",
            f"start with keras.Input(shape=({n_features},)): one number per feature, "
            "x_train.shape[1].",
        )


def _judge_reported_metrics(model, needs, from_logits):
    """NotYet unless the model reports the metrics the cells after the exercise read: found by
    evaluating it on two rows of zeros (its names are those fit will use in history)."""
    rows = np.zeros((2, needs.n_features), dtype="float32")
    try:
        reported = model.evaluate(rows, np.array([0, 1]), verbose=0, return_dict=True)
    except Exception as error:
        raise NotYet(
            f"evaluating your model on two rows of {needs.n_features} features raised "
            f"{type(error).__name__}: {_one_line(error)}",
            "fix what the error names (often a misspelt metric or loss name), then run the "
            "cell again.",
        ) from None
    names = [name for name in reported if name != "loss"]
    listed = ", ".join(repr(name) for name in names)
    for wanted in needs.metrics:
        if wanted in names:
            continue
        read = f"the cells below read history.history[{wanted!r}]"
        if not names:
            raise NotYet(
                f"the model reports no metric, but {read}.",
                f"compile with metrics=[{wanted!r}].",
            )
        named = (
            f"keras.metrics.BinaryAccuracy(threshold=0.0, name={wanted!r})"
            if from_logits
            else f"metrics=[{wanted!r}]"
        )
        raise NotYet(
            f"the model reports {listed} but no {wanted!r}, and {read}.",
            f"use the name the cells read: {named}.",
        )
    extra = [name for name in names if name not in needs.metrics]
    if extra and not needs.other_metrics:
        only = ", ".join(repr(name) for name in needs.metrics)
        raise NotYet(
            f"the model reports {', '.join(repr(name) for name in extra)} besides {only}, but "
            f"the cells below unpack model.evaluate(...) into the loss and {only} alone.",
            f"compile with metrics=[{only}] only.",
        )


def _one_line(error, limit=160):
    text = " ".join(str(error).split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _judge_accuracy_threshold(model, from_logits, name=None):
    """Raise NotYet if an accuracy metric cuts the output at the wrong place: at 0.5 on
    logits (that is p = 0.62), or at 0.0 on probabilities (every row would be class 1)."""
    compiled = getattr(model, "_compile_metrics", None)  # where Keras keeps compile()'s metrics
    given = [getattr(compiled, name, None) for name in ("_user_metrics", "_user_weighted_metrics")]
    for metric in keras.tree.flatten([metrics for metrics in given if metrics is not None]):
        threshold = _accuracy_threshold(metric)
        if threshold is None:
            continue
        named = (
            repr(metric) if isinstance(metric, str) else f"BinaryAccuracy(threshold={threshold:g})"
        )
        if from_logits and threshold == 0.5:
            raise NotYet(
                f"the model outputs logits, but the metric {named} counts a row as class 1 "
                "when the output is above 0.5. For a logit that means a probability above "
                "0.62, so the accuracy it reports is wrong.",
                "with logits, use metrics=[keras.metrics.BinaryAccuracy(threshold=0.0"
                + ("" if name is None else f", name={name!r}")
                + ")]: a logit above 0 is a probability above 0.5.",
            )
        if not from_logits and threshold == 0.0:
            raise NotYet(
                f"the last layer gives probabilities, but the metric {named} counts a row as "
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
    callback,
    *,
    monitor="val_loss",
    patience=None,
    restore_best_weights=None,
    min_delta=None,
    others_default=False,
):
    """Check a ``keras.callbacks.EarlyStopping`` set up as the exercise asks.

    ``monitor`` is always checked; ``patience``, ``restore_best_weights`` and ``min_delta``
    only when given. With ``others_default=True`` (the cells after the exercise train with the
    callback and expect it to stop where the lesson says), the settings that move the stop and
    are not asked for (``min_delta``, ``baseline``, ``start_from_epoch``) must keep their
    defaults.

    >>> import keras
    >>> callback = keras.callbacks.EarlyStopping(patience=5, restore_best_weights=True)
    >>> check_early_stopping(callback, patience=5, restore_best_weights=True)
    ✅ Correct: EarlyStopping watches 'val_loss', patience=5, restore_best_weights=True.
    True
    >>> check_early_stopping(callback, patience=10)  # doctest: +ELLIPSIS
    ❌ Not yet: patience is 5, but the exercise asks for 10. ...
    False
    """
    require_text(monitor, "monitor")
    if patience is not None and (not is_whole(patience) or patience < 0):
        raise ValueError(f"patience must be None or a whole number 0 or more, got {patience!r}.")
    if not isinstance(restore_best_weights, (bool, type(None))):
        raise TypeError(
            f"restore_best_weights must be None, True or False, not {restore_best_weights!r}."
        )
    if min_delta is not None:
        require_finite(min_delta, "min_delta")
        if min_delta < 0:
            raise ValueError(f"min_delta must be 0 or more, got {min_delta}.")
    if not isinstance(others_default, bool):
        raise TypeError(f"others_default must be True or False, not {others_default!r}.")
    asked = dict(patience=patience, restore_best_weights=restore_best_weights, min_delta=min_delta)
    wanted = {setting: value for setting, value in asked.items() if value is not None}
    defaults = {}
    if others_default:
        defaults = {
            setting: value
            for setting, value in _STOP_MOVING_DEFAULTS.items()
            if setting not in wanted
        }
    return verdict(_judge_early_stopping, callback, monitor, wanted, defaults)


# the settings that change when EarlyStopping stops, at their defaults
_STOP_MOVING_DEFAULTS = {"min_delta": 0, "baseline": None, "start_from_epoch": 0}


_WHAT_SETTINGS_DO = {
    "patience": "patience is how many epochs without improvement Keras waits before stopping",
    "restore_best_weights": "with restore_best_weights=True the model ends with its best "
    "epoch's weights, with False it keeps its last epoch's",
    "min_delta": "min_delta is the smallest drop that counts as an improvement",
}

_WHAT_CHANGES = {  # how a setting left away from its default moves the stop
    "min_delta": "a new value must then beat the best by more than {value} to count",
    "baseline": "training then stops unless the monitored value gets below {value}",
    "start_from_epoch": "the callback then ignores the first {value} epochs",
}


def _judge_early_stopping(callback, monitor, wanted, defaults):
    make_one = "create one with keras.callbacks.EarlyStopping(monitor=..., patience=...)."
    if isinstance(callback, type):
        raise NotYet(f"{callback.__name__} is a class, not a callback made from it.", make_one)
    if isinstance(callback, (list, tuple)):
        raise NotYet(
            "this is a list; the check wants the callback itself.",
            "pass the EarlyStopping object; the list is what goes to fit(callbacks=[...]).",
        )
    if not isinstance(callback, keras.callbacks.EarlyStopping):
        raise NotYet(f"{shown(callback)} is not an EarlyStopping callback.", make_one)
    if callback.monitor != monitor:
        raise NotYet(
            f"it monitors {callback.monitor!r}, but the exercise asks for {monitor!r}.",
            "the training loss keeps falling while a model overfits, so watch the validation "
            "loss: monitor='val_loss'."
            if (callback.monitor, monitor) == ("loss", "val_loss")
            else f"spell it exactly as in history.history: monitor={monitor!r}.",
        )
    if "loss" in monitor and callback.mode == "max":
        raise NotYet(
            "mode='max' counts a rising loss as an improvement.",
            "leave mode out (it defaults to 'auto'), or use mode='min' for a loss.",
        )
    for setting, value in wanted.items():
        actual = getattr(callback, setting)
        if setting == "min_delta" and is_real(actual):
            actual = abs(actual)  # Keras stores min_delta negated once fit starts minimising
        if (
            isinstance(value, bool)
            and isinstance(actual, str)
            and actual.strip() in ("True", "False")
        ):
            word = actual.strip()
            raise NotYet(
                f"{setting} is {actual!r}, and {actual!r} is text.",
                f"write {word} without quotes: EarlyStopping(..., {setting}={word}).",
            )
        if isinstance(actual, str):
            raise NotYet(
                f"{setting} is the text {actual!r}, not a number.",
                f"give it without quotes: EarlyStopping(..., {setting}={value}).",
            )
        if not _same_setting(actual, value):
            raise NotYet(
                f"{setting} is {actual}, but the exercise asks for {value}.",
                f"{_WHAT_SETTINGS_DO[setting]}: EarlyStopping(..., {setting}={value}).",
            )
    for setting, default in defaults.items():
        actual = getattr(callback, setting, default)
        if setting == "min_delta" and is_real(actual):
            actual = abs(actual)
        if actual is default or (default is not None and _same_setting(actual, default)):
            continue
        raise NotYet(
            f"{setting}={actual!r}: {_WHAT_CHANGES[setting].format(value=actual)}, so the "
            "training below would not stop where this lesson expects.",
            f"leave {setting} out; the exercise asks only for {', '.join(['monitor', *wanted])}.",
        )
    settings = "".join(f", {setting}={value}" for setting, value in wanted.items())
    return f"EarlyStopping watches {monitor!r}{settings}."


def _same_setting(actual, value):
    if isinstance(value, bool):
        return isinstance(actual, bool) and actual == value
    return is_real(actual) and math.isclose(actual, value, abs_tol=1e-12)
