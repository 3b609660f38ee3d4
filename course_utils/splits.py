"""Training, validation and test parts, scaled on the training part: ``split_data``.

Rows are shuffled with a seed, never cut from the end of the arrays: Keras's
``validation_split`` takes the last rows, which for sorted data is a biased validation set.
Class labels are stratified, so every part keeps the class proportions. The scaler is
fitted on the training part only and then applied to every part; fitting it on all rows
would leak information about the validation and test rows into training.
"""

import math
from typing import NamedTuple

import numpy as np
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

from course_utils._validation import check_seed


class Split(NamedTuple):
    """What ``split_data`` returns. The test parts are None without a test set, and
    ``scaler`` is None when nothing was scaled.

    >>> import numpy as np
    >>> parts = split_data(np.arange(20.0).reshape(10, 2), np.arange(10.0), val_size=0.3)
    >>> parts.x_train.shape, parts.x_val.shape, parts.x_test
    ((7, 2), (3, 2), None)
    """

    x_train: np.ndarray
    y_train: np.ndarray
    x_val: np.ndarray
    y_val: np.ndarray
    x_test: np.ndarray | None
    y_test: np.ndarray | None
    scaler: StandardScaler | None


def _row_count(name, size, n_rows, allow_zero):
    """How many rows ``size`` means: a fraction of ``n_rows`` (rounded up) or a count."""
    if isinstance(size, bool) or not isinstance(size, (int, float, np.integer, np.floating)):
        raise TypeError(
            f"{name} must be a fraction such as 0.2 or a number of rows such as 20, "
            f"got {type(size).__name__} {size!r}."
        )
    if allow_zero and size == 0:
        return 0
    if isinstance(size, (float, np.floating)):
        if not 0 < size < 1:
            raise ValueError(
                f"{name} as a fraction must be between 0 and 1 (such as 0.2), got {size}. "
                f"For a number of rows pass a whole number such as {name}=20."
            )
        return math.ceil(size * n_rows)  # rounded up, like scikit-learn's test_size
    if size < 1:
        smallest = "0 (no test set) or more" if allow_zero else "at least 1"
        raise ValueError(f"{name} as a number of rows must be {smallest}, got {size}.")
    return int(size)


def _split_off(rows, count, y, stratify, seed):
    """Shuffle ``rows`` and split off ``count`` of them: returns (kept, split_off)."""
    try:
        return train_test_split(
            rows, test_size=count, random_state=seed, stratify=y[rows] if stratify else None
        )
    except ValueError as error:
        if not stratify:
            raise
        raise ValueError(
            f"Cannot keep the class proportions in every part (stratify): {error} "
            "Use more rows, a larger val_size or test_size, or stratify=False."
        ) from None


def split_data(X, y, *, val_size=0.2, test_size=0.0, seed=0, stratify=None, scale=True):
    """Shuffle and split ``X, y`` into training, validation and (optionally) test parts.

    Sizes are fractions of all rows (rounded up, like scikit-learn) or numbers of rows.
    ``stratify=None`` stratifies automatically when ``y`` holds integer or bool class
    labels; ``True`` or ``False`` force it on or off. With ``scale=True`` a
    ``StandardScaler`` is fitted on the training features only and applied to every part.
    The same ``seed`` gives the same split. Returns a ``Split`` named tuple:
    ``(x_train, y_train, x_val, y_val, x_test, y_test, scaler)``.

    >>> import numpy as np
    >>> X, y = np.arange(200.0).reshape(100, 2), np.arange(100) % 2
    >>> parts = split_data(X, y, val_size=0.2, test_size=0.1, seed=0)
    >>> len(parts.y_train), len(parts.y_val), len(parts.y_test)
    (70, 20, 10)
    >>> print(parts.y_val.mean())  # stratified: half of each part is class 1
    0.5
    >>> np.allclose(parts.x_train.mean(axis=0), 0), np.allclose(parts.x_train.std(axis=0), 1)
    (True, True)
    """
    X, y = np.asarray(X), np.asarray(y)
    if X.ndim != 2:
        raise ValueError(
            f"X must be 2-D (rows, features), got shape {X.shape}. "
            "For a single feature use X.reshape(-1, 1)."
        )
    if y.ndim != 1:
        raise ValueError(
            f"y must be 1-D (one target per row), got shape {y.shape}. "
            "For a single target column use y.ravel()."
        )
    if X.dtype.kind not in "biuf" or y.dtype.kind not in "biuf":
        raise TypeError(
            f"X and y must hold numbers, got dtypes X: {X.dtype}, y: {y.dtype}. "
            "Convert them with np.asarray(..., dtype=float) or encode labels as integers."
        )
    if len(X) != len(y):
        raise ValueError(
            f"X and y must have one row per example, got {len(X)} rows in X and {len(y)} in y."
        )
    if stratify is not None and not isinstance(stratify, bool):
        raise TypeError(f"stratify must be None (automatic), True or False, got {stratify!r}.")
    if not isinstance(scale, bool):
        raise TypeError(f"scale must be True or False, got {scale!r}.")
    check_seed(seed)
    n_rows = len(y)
    n_val = _row_count("val_size", val_size, n_rows, allow_zero=False)
    n_test = _row_count("test_size", test_size, n_rows, allow_zero=True)
    if n_val + n_test >= n_rows:
        raise ValueError(
            f"val_size={val_size!r} and test_size={test_size!r} take {n_val} + {n_test} of "
            f"the {n_rows} rows, leaving no training rows. Use smaller sizes or more rows."
        )
    if stratify is None:
        stratify = y.dtype.kind in "biu"

    rows, test_rows = np.arange(n_rows), None
    if n_test:
        rows, test_rows = _split_off(rows, n_test, y, stratify, seed)
    train_rows, val_rows = _split_off(rows, n_val, y, stratify, seed)

    scaler = StandardScaler().fit(X[train_rows]) if scale else None

    def features(part_rows):
        return X[part_rows] if scaler is None else scaler.transform(X[part_rows])

    return Split(
        x_train=features(train_rows),
        y_train=y[train_rows],
        x_val=features(val_rows),
        y_val=y[val_rows],
        x_test=None if test_rows is None else features(test_rows),
        y_test=None if test_rows is None else y[test_rows],
        scaler=scaler,
    )
