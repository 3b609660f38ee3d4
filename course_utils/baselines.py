"""The loss of the best constant guess: ``baseline_loss``.

A "model" that ignores its inputs and always predicts one number, chosen from the training
targets, already reaches some validation loss. A trained network whose validation loss is
not clearly below that baseline has learned nothing useful from the features. The best
constant depends on the loss: the mean for MSE, the median for MAE, and the fraction of
1s (the class prior) for binary cross-entropy. The loss itself is computed by Keras, so the
number is the one Keras would log for that constant prediction.
"""

import keras
import numpy as np

# loss name -> (best constant for these training targets, the Keras loss that scores it)
_LOSSES = {
    "mse": (np.mean, keras.losses.MeanSquaredError),
    "mae": (np.median, keras.losses.MeanAbsoluteError),
    "binary_crossentropy": (np.mean, keras.losses.BinaryCrossentropy),
}


def _targets(name, values):
    """``values`` as a 1-D float array; a single column (n, 1) is accepted too."""
    array = np.asarray(values)
    if array.dtype.kind not in "biuf":
        raise TypeError(f"{name} must hold numbers, got dtype {array.dtype}.")
    if array.ndim == 2 and array.shape[1] == 1:
        array = array[:, 0]
    if array.ndim != 1:
        raise ValueError(
            f"{name} must be 1-D (one target per row) or a single column, got shape {array.shape}."
        )
    if array.size == 0:
        raise ValueError(f"{name} is empty: it needs at least one target value.")
    if not np.isfinite(array).all():
        raise ValueError(f"{name} contains NaN or infinite values; remove or fill them first.")
    return array.astype(np.float64)


def baseline_loss(y_train, y_val, loss):
    """Validation loss of the best constant prediction fitted on ``y_train``.

    ``loss`` is ``"mse"`` (predicts the mean of ``y_train``), ``"mae"`` (the median) or
    ``"binary_crossentropy"`` (the fraction of 1s; labels must be 0 and 1, and Keras clips
    the probability to [1e-7, 1 - 1e-7]). Returns a Python float: the Keras loss of that
    constant on ``y_val``.

    >>> baseline_loss([1.0, 2.0, 3.0], [2.0, 4.0], "mse")  # always predicts 2.0
    2.0
    >>> baseline_loss([1.0, 2.0, 10.0], [2.0, 4.0], "mae")  # always predicts 2.0
    1.0
    >>> round(baseline_loss([0, 0, 0, 1], [0, 1], "binary_crossentropy"), 4)  # predicts 0.25
    0.837
    """
    if not isinstance(loss, str):
        raise TypeError(f"loss must be a loss name such as 'mse', got {type(loss).__name__}.")
    if loss not in _LOSSES:
        raise ValueError(f"loss {loss!r} is not supported. Known losses: {', '.join(_LOSSES)}.")
    y_train, y_val = _targets("y_train", y_train), _targets("y_val", y_val)
    if loss == "binary_crossentropy":
        for name, labels in (("y_train", y_train), ("y_val", y_val)):
            if not np.isin(labels, (0, 1)).all():
                raise ValueError(
                    f"binary_crossentropy needs labels 0 and 1, but {name} holds "
                    f"{np.unique(labels)[:10]}. Encode the two classes as 0 and 1."
                )
    best_constant, keras_loss = _LOSSES[loss]
    prediction = np.full((len(y_val), 1), best_constant(y_train))
    return float(keras_loss()(y_val.reshape(-1, 1), prediction))
