"""``check_split``: is a train/validation split shuffled, complete and row-aligned?"""

import math

import numpy as np

from course_utils.checks._feedback import NotYet, require_finite, shown, verdict


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
    require_finite(val_fraction, "val_fraction")
    if not 0 < val_fraction < 1:
        raise ValueError(f"val_fraction must be between 0 and 1, such as 0.2, not {val_fraction}.")
    val_sizes = {math.floor(len(x) * val_fraction), math.ceil(len(x) * val_fraction)}
    val_sizes = {size for size in val_sizes if 1 <= size < len(x)}
    if not val_sizes:
        raise ValueError(
            f"val_fraction={val_fraction} of {len(x)} rows leaves no row for one of the two "
            "parts; use more rows or a fraction nearer 0.5."
        )
    return verdict(_judge_split, (x_train, x_val, y_train, y_val), x, y, sorted(val_sizes))


def _judge_split(parts, x, y, val_sizes):
    names = ("x_train", "x_val", "y_train", "y_val")
    x_train, x_val, y_train, y_val = map(_learner_array, parts, names)
    order_hint = "train_test_split(x, y) returns x_train, x_val, y_train, y_val, in that order."
    for name, part in zip(names, (x_train, x_val, y_train, y_val), strict=True):
        full = x if name.startswith("x") else y
        if part.shape[1:] != full.shape[1:]:
            raise NotYet(
                f"the rows of {name} have shape {part.shape[1:]}, but the rows of "
                f"{name[0]} have shape {full.shape[1:]}.",
                order_hint,
            )
    for x_part, y_part, part in ((x_train, y_train, "train"), (x_val, y_val, "val")):
        if len(x_part) != len(y_part):
            raise NotYet(
                f"x_{part} has {len(x_part)} rows but y_{part} has {len(y_part)}.",
                f"split x and y in the same call, so each row keeps its label. {order_hint}",
            )
    if len(x_val) not in val_sizes:
        raise NotYet(
            f"x_val has {len(x_val)} rows, but the exercise asks for {val_sizes[-1]} of the "
            f"{len(x)} rows.",
            f"use the validation fraction asked for (test_size=...). {order_hint}",
        )
    if len(x_train) + len(x_val) != len(x):
        raise NotYet(
            f"x_train and x_val have {len(x_train) + len(x_val)} rows together, but x has "
            f"{len(x)}.",
            "every row of x goes to exactly one part: split with train_test_split, not by hand.",
        )
    x_both, y_both = np.concatenate([x_train, x_val]), np.concatenate([y_train, y_val])
    # compare in the learner's precision: a float32 copy of the data is fine
    x, y = x.astype(x_both.dtype), y.astype(y_both.dtype)
    if not _same_rows(_table(x_both), _table(x)):
        scaled = any(np.allclose(part.mean(axis=0), 0, atol=1e-6) for part in (x_train, x_both))
        if scaled and not np.allclose(x.mean(axis=0), 0, atol=1e-6):
            raise NotYet(
                "x_train has a mean of 0: these rows were scaled (split_data scales them), so "
                "they are no longer the rows of x.",
                "split the raw rows: train_test_split(x, y, test_size=..., random_state=0).",
            )
        raise NotYet(
            "some rows of x are missing from the split, and others appear twice or were changed.",
            "make both parts from one split of the raw x and y (scale only afterwards).",
        )
    if not _same_rows(_table(x_both, y_both), _table(x, y)):
        raise NotYet(
            "every row of x is there, but some rows now have the wrong label.",
            "shuffle x and y together: train_test_split(x, y, ...) keeps each row with its "
            "label, two separate shuffles do not.",
        )
    for end, block in (("last", x[-len(x_val) :]), ("first", x[: len(x_val)])):
        if _same_rows(_table(x_val), _table(block)):
            raise NotYet(
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
        raise NotYet(
            f"{name} is not an array of numbers (got {shown(value)}).",
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
