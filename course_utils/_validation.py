"""Argument checks shared by the course's modules; each error names the argument and the fix.

Predicates (``is_whole``, ``is_real``) answer yes or no; ``check_*`` functions raise
``TypeError`` for a value of the wrong kind and ``ValueError`` for one out of range.
``bool`` is never a number here, although Python counts ``True`` as 1.
"""

import math
import numbers


def is_whole(value):
    """True for a whole number (``int``, NumPy integers), False for anything else, bools too.

    >>> is_whole(3), is_whole(3.0), is_whole(True)
    (True, False, False)
    """
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def is_real(value):
    """True for a real number (whole or not, NumPy's too), False for anything else, bools too.

    >>> is_real(0.5), is_real(2), is_real("0.5"), is_real(False)
    (True, True, False, False)
    """
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def check_whole(name, value, minimum, *, example=None, fix=""):
    """Raise unless ``value`` is a whole number, ``minimum`` or more.

    ``example`` is shown in the type error ("such as 0 or 42"); ``fix`` is a sentence
    added to the range error.

    >>> check_whole("width", 16, minimum=1)
    >>> check_whole("width", 0, minimum=1)
    Traceback (most recent call last):
    ...
    ValueError: width must be 1 or more, got 0.
    >>> check_whole("width", 2.0, minimum=1)
    Traceback (most recent call last):
    ...
    TypeError: width must be a whole number, got float 2.0.
    """
    if not is_whole(value):
        such = "" if example is None else f" such as {example}"
        raise TypeError(
            f"{name} must be a whole number{such}, got {type(value).__name__} {value!r}."
        )
    if value < minimum:
        raise ValueError(f"{name} must be {minimum} or more, got {value}.{fix}")


def check_seed(seed):
    """Raise unless ``seed`` is a whole number, 0 or more (what every seed in the course is).

    >>> check_seed(42)
    >>> check_seed(-1)
    Traceback (most recent call last):
    ...
    ValueError: seed must be 0 or more, got -1. Use a non-negative seed such as 0.
    """
    check_whole(
        "seed", seed, minimum=0, example="0 or 42", fix=" Use a non-negative seed such as 0."
    )


def check_non_negative(name, value, example):
    """Raise unless ``value`` is a finite number, 0 or more; ``example`` shows a good value.

    >>> check_non_negative("l2", 0.01, example=0.001)
    >>> check_non_negative("l2", -0.01, example=0.001)
    Traceback (most recent call last):
    ...
    ValueError: l2 must be a finite number, 0 or more (such as 0.001), got -0.01.
    """
    if not is_real(value):
        raise TypeError(
            f"{name} must be a number such as {example}, got {type(value).__name__} {value!r}."
        )
    if not (math.isfinite(value) and value >= 0):
        raise ValueError(
            f"{name} must be a finite number, 0 or more (such as {example}), got {value}."
        )


def check_fraction(name, value, top, example, top_allowed):
    """Raise unless ``value`` is a number from 0 to ``top`` (``top`` itself if ``top_allowed``).

    >>> check_fraction("dropout", 0.2, top=1, example=0.2, top_allowed=False)
    >>> check_fraction("dropout", 1.0, top=1, example=0.2, top_allowed=False)
    Traceback (most recent call last):
    ...
    ValueError: dropout must be at least 0 and below 1 (such as 0.2), got 1.0.
    """
    check_non_negative(name, value, example)
    if value > top or (value == top and not top_allowed):
        limit = f"at most {top}" if top_allowed else f"below {top}"
        raise ValueError(f"{name} must be at least 0 and {limit} (such as {example}), got {value}.")
