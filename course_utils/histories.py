"""Read what ``model.fit`` recorded: ``history_dict``, ``curves``, ``named_curves`` and
``lower_is_better``.

``model.fit`` returns a ``keras.callbacks.History``; its ``.history`` dict maps each logged
name (``loss``, ``val_loss``, ``accuracy``, ...) to one value per epoch. ``plot_history``,
``describe``, ``diagnose`` and the self-checks all read histories through these functions, so
a history that cannot be read gets the same explanation everywhere, and a plot and its
description show the same numbers.
"""

from collections.abc import Mapping
from typing import NamedTuple

import keras
import numpy as np

# where a history keeps the learning rate: Keras 3 logs "learning_rate", Keras 2 logged "lr"
LEARNING_RATE_KEYS = ("learning_rate", "lr")
HISTORY_FORMS = (
    "history must be what model.fit returns (a keras.callbacks.History), its .history "
    "dict, or a dict of names to either, such as {'small': history_a, 'large': history_b}"
)


class RunCurves(NamedTuple):
    """One fit's curves of a metric: arrays with one value per epoch (epoch 1 first)."""

    training: np.ndarray
    validation: np.ndarray
    learning_rates: np.ndarray | None  # None when not logged, or the same every epoch


def history_dict(history):
    """The ``.history`` dict of what ``model.fit`` returned; a dict is returned as it is.

    >>> history = keras.callbacks.History()
    >>> history.history = {"loss": [0.9, 0.5]}
    >>> history_dict(history), history_dict({"loss": [0.4]})
    ({'loss': [0.9, 0.5]}, {'loss': [0.4]})
    >>> history_dict([0.9, 0.5])  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    TypeError: history must be what model.fit returns (a keras.callbacks.History) or ... got list.
    """
    if isinstance(history, keras.callbacks.History):
        return history.history
    if not isinstance(history, Mapping):
        raise TypeError(
            "history must be what model.fit returns (a keras.callbacks.History) or its "
            f".history dict, got {type(history).__name__}."
        )
    return history


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
    history = history_dict(history)
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


def named_curves(history, metric="loss"):
    """Each run's curves of ``metric``, as ``plot_history`` draws them: {name: ``RunCurves``}.

    ``history``: what ``model.fit`` returns, its ``.history`` dict, or a dict of names to
    either (several runs, kept in their order); a single history gets the name ``""``.
    Each run is read with ``curves``, and its learning rate (when logged and changing) too.

    >>> small = {"loss": [0.9, 0.5], "val_loss": [1.0, 0.7], "learning_rate": [0.1, 0.05]}
    >>> runs = named_curves({"small": small, "large": {"loss": [0.8], "val_loss": [0.9]}})
    >>> {name: run.validation.tolist() for name, run in runs.items()}
    {'small': [1.0, 0.7], 'large': [0.9]}
    >>> runs["small"].learning_rates.tolist(), runs["large"].learning_rates
    ([0.1, 0.05], None)
    """
    named = _named_histories(history)
    runs = {}
    for name, one in named.items():
        train, val = curves(one, metric)
        runs[name] = RunCurves(train, val, _changing_learning_rate(one, epochs=len(train)))
    return runs


def lower_is_better(metric):
    """Whether a lower ``metric`` is better (a loss, an error) or a higher one (accuracy, AUC).

    The rule of Keras's ``EarlyStopping(mode="auto")``, read from the name alone (a history
    holds no metric objects), with any ``val_`` prefix removed:

    - ``"loss"`` is minimised; so is any name ending in ``_loss`` (a multi-output model's
      losses, which Keras's rule does not cover);
    - any other name is looked up as a Keras built-in metric (``keras.metrics.get``, with
      ``"acc"`` read as ``"accuracy"``, as ``model.compile`` reads it), and its declared
      direction decides: higher is better for accuracy, AUC, precision, recall...; lower
      for mae, mse, the cross-entropies. Keras reads that same direction from the model's
      metric of this name, so the two agree while a metric keeps its Keras name.

    Any other name is an error: nothing says which way is better.

    >>> lower_is_better("loss"), lower_is_better("mae"), lower_is_better("val_auc")
    (True, True, False)
    >>> lower_is_better("sparse_categorical_accuracy")
    False
    """
    name = metric.removeprefix("val_")
    if name == "loss" or name.endswith("_loss"):
        return True
    try:
        direction = keras.metrics.get("accuracy" if name == "acc" else name)._direction
    except (ValueError, TypeError, AttributeError):  # unknown, or needs arguments, or no direction
        direction = None
    if direction not in ("up", "down"):
        raise ValueError(
            f"Cannot tell whether a higher or a lower {name!r} is better: it is neither a loss "
            "nor a Keras built-in metric with a direction, so its best epoch cannot be found. "
            "Use 'loss', or give the metric its Keras name (metrics=['accuracy'], "
            "keras.metrics.AUC(name='auc'))."
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


def _named_histories(history):
    """{name: history}: one history gets the name "" (no prefix in a legend)."""
    if isinstance(history, keras.callbacks.History):
        return {"": history}
    if not isinstance(history, Mapping):
        raise TypeError(f"{HISTORY_FORMS}; got {type(history).__name__}.")
    is_run = [isinstance(one, (keras.callbacks.History, Mapping)) for one in history.values()]
    if not any(is_run):
        return {"": history}  # a single .history dict of lists
    if not all(is_run):
        raise TypeError(f"{HISTORY_FORMS}; this dict mixes histories with other values.")
    for name in history:
        if not isinstance(name, str) or not name:
            raise TypeError(f"Each model needs a non-empty name (a string), got {name!r}.")
    return dict(history)


def _changing_learning_rate(history, epochs):
    """The learning rate of each epoch as an array, or None if not logged or constant."""
    logged = history_dict(history)
    key = next((key for key in LEARNING_RATE_KEYS if key in logged), None)
    if key is None:
        return None
    try:
        rates = np.asarray(logged[key], dtype=float)
    except (TypeError, ValueError):
        rates = None
    if rates is None or rates.shape != (epochs,) or not np.isfinite(rates).all():
        raise ValueError(
            f"history[{key!r}] must hold one learning rate per epoch ({epochs} numbers), "
            "from the same fit as the curves."
        )
    if (rates == rates[0]).all():
        return None  # a constant rate: nothing to draw or say
    return rates
