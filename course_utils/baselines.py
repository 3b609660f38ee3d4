"""The loss of the best constant guess: ``baseline_loss``.

A "model" that ignores its inputs and always predicts one thing, chosen from the training
targets, already reaches some validation loss. A trained network whose validation loss is
not clearly below that baseline has learned nothing useful from the features. The best
constant depends on the loss: the mean for MSE, the median for MAE, the fraction of 1s
(the class prior) for binary cross-entropy, and the share of each class in the training
labels for the categorical cross-entropies (whose baseline is the entropy of those shares:
log K for K balanced classes). The loss itself is computed by Keras, so the number is the
one Keras would log for that constant prediction.
"""

import keras
import numpy as np

# loss name -> the Keras loss that scores the constant guess
_KERAS_LOSSES = {
    "mse": keras.losses.MeanSquaredError,
    "mae": keras.losses.MeanAbsoluteError,
    "binary_crossentropy": keras.losses.BinaryCrossentropy,
    "sparse_categorical_crossentropy": keras.losses.SparseCategoricalCrossentropy,
    "categorical_crossentropy": keras.losses.CategoricalCrossentropy,
}


def baseline_loss(y_train, y_val, loss):
    """Validation loss of the best constant prediction fitted on ``y_train``.

    ``loss`` and the constant it predicts for every row:

    - ``"mse"``: the mean of ``y_train``; ``"mae"``: its median;
    - ``"binary_crossentropy"``: the fraction of 1s (labels 0 and 1);
    - ``"sparse_categorical_crossentropy"`` (class numbers 0 to K - 1, one per row) and
      ``"categorical_crossentropy"`` (one-hot rows, one column per class): the share of
      each class in ``y_train``. K is the number of columns, or the largest class number
      in ``y_train`` and ``y_val`` plus 1.

    Returns a Python float: the Keras loss of that constant on ``y_val``. Keras clips
    probabilities to [1e-7, 1 - 1e-7], so a class missing from ``y_train`` gives a large
    but finite loss.

    >>> baseline_loss([1.0, 2.0, 3.0], [2.0, 4.0], "mse")  # always predicts 2.0
    2.0
    >>> baseline_loss([1.0, 2.0, 10.0], [2.0, 4.0], "mae")  # always predicts 2.0
    1.0
    >>> round(baseline_loss([0, 0, 0, 1], [0, 1], "binary_crossentropy"), 4)  # predicts 0.25
    0.837
    >>> labels = [0, 1, 2, 0, 1, 2]  # three balanced classes: log(3)
    >>> round(baseline_loss(labels, labels, "sparse_categorical_crossentropy"), 4)
    1.0986
    """
    if not isinstance(loss, str):
        raise TypeError(f"loss must be a loss name such as 'mse', got {type(loss).__name__}.")
    if loss not in _KERAS_LOSSES:
        known = ", ".join(_KERAS_LOSSES)
        raise ValueError(f"loss {loss!r} is not supported. Known losses: {known}.")
    if loss == "sparse_categorical_crossentropy":
        y_train, y_val = _class_numbers("y_train", y_train), _class_numbers("y_val", y_val)
        classes = int(max(y_train.max(), y_val.max())) + 1
        guess = np.bincount(y_train, minlength=classes) / len(y_train)
    elif loss == "categorical_crossentropy":
        y_train, y_val = _one_hot("y_train", y_train), _one_hot("y_val", y_val)
        if y_train.shape[1] != y_val.shape[1]:
            raise ValueError(
                f"y_train has {y_train.shape[1]} columns but y_val has {y_val.shape[1]}: both "
                "need one column per class, the same classes in the same order. Encode both "
                "with keras.utils.to_categorical(y, num_classes=K)."
            )
        guess = y_train.mean(axis=0)
    else:
        y_train, y_val = _targets("y_train", y_train), _targets("y_val", y_val)
        if loss == "binary_crossentropy":
            for name, labels in (("y_train", y_train), ("y_val", y_val)):
                if not np.isin(labels, (0, 1)).all():
                    raise ValueError(
                        f"binary_crossentropy needs labels 0 and 1, but {name} holds "
                        f"{np.unique(labels)[:10]}. Encode the two classes as 0 and 1."
                    )
        guess = np.median(y_train) if loss == "mae" else np.mean(y_train)
        y_val = y_val.reshape(-1, 1)
    prediction = np.tile(guess, (len(y_val), 1))  # the same row for every validation row
    return float(_KERAS_LOSSES[loss]()(y_val, prediction))


def _numbers(name, values):
    """``values`` as a non-empty float array of finite numbers, any shape."""
    array = np.asarray(values)
    if array.dtype.kind not in "biuf":
        raise TypeError(f"{name} must hold numbers, got dtype {array.dtype}.")
    if array.size == 0:
        raise ValueError(f"{name} is empty: it needs at least one target value.")
    if not np.isfinite(array).all():
        raise ValueError(f"{name} contains NaN or infinite values; remove or fill them first.")
    return array.astype(np.float64)


def _targets(name, values):
    """``values`` as a 1-D float array; a single column (n, 1) is accepted too."""
    array = _numbers(name, values)
    if array.ndim == 2 and array.shape[1] == 1:
        array = array[:, 0]
    if array.ndim != 1:
        raise ValueError(
            f"{name} must be 1-D (one target per row) or a single column, got shape {array.shape}."
        )
    return array


def _class_numbers(name, values):
    """Labels for sparse_categorical_crossentropy: whole numbers from 0, as a 1-D int array."""
    array = _numbers(name, values)
    if array.ndim == 2 and array.shape[1] > 1:
        raise ValueError(
            f"{name} has shape {array.shape}: {array.shape[1]} values per row, such as one-hot "
            "labels, but sparse_categorical_crossentropy takes one class number per row. Use "
            f"loss='categorical_crossentropy' for one-hot rows, or {name}.argmax(axis=1)."
        )
    array = _targets(name, array)
    fractional = array[array != np.round(array)]
    if fractional.size:
        raise ValueError(
            f"{name} holds {fractional[0]}, but class labels are whole numbers 0, 1, ..., K - 1. "
            "Encode the classes as 0 to K - 1 (sklearn.preprocessing.LabelEncoder does this)."
        )
    if array.min() < 0:
        raise ValueError(
            f"{name} holds {array.min():.0f}, but class labels start at 0. Encode the "
            "classes as 0 to K - 1 (sklearn.preprocessing.LabelEncoder does this)."
        )
    return array.astype(np.int64)


def _one_hot(name, values):
    """Labels for categorical_crossentropy: rows of K class probabilities (one-hot), K >= 2."""
    array = _numbers(name, values)
    if array.ndim != 2 or array.shape[1] < 2:
        raise ValueError(
            f"{name} has shape {array.shape}, but categorical_crossentropy takes one-hot rows, "
            "one column per class. For class numbers 0 to K - 1, one per row, use "
            f"loss='sparse_categorical_crossentropy', or one-hot encode them with "
            f"keras.utils.to_categorical({name})."
        )
    sums = array.sum(axis=1)
    bad = np.flatnonzero((array < 0).any(axis=1) | ~np.isclose(sums, 1.0))
    if bad.size:
        raise ValueError(
            f"{name} row {bad[0]} is {array[bad[0]].tolist()[:10]}, which sums to "
            f"{sums[bad[0]]:.4g}: each one-hot row has a single 1 and 0s elsewhere (or class "
            "probabilities, 0 or more, that sum to 1). Encode class numbers with "
            f"keras.utils.to_categorical({name})."
        )
    return array
