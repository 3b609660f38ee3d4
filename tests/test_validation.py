"""course_utils._validation: shared argument checks; each error names the argument and the fix."""

import numpy as np
import pytest

from course_utils._validation import (
    check_fraction,
    check_non_negative,
    check_seed,
    check_whole,
    is_real,
    is_whole,
)


@pytest.mark.parametrize(
    ("value", "whole", "real"),
    [
        (3, True, True),
        (np.int64(3), True, True),
        (3.0, False, True),
        (np.float32(0.5), False, True),
        (True, False, False),
        ("3", False, False),
        (None, False, False),
    ],
)
def test_predicates_take_numpy_numbers_and_refuse_bools(value, whole, real):
    assert (is_whole(value), is_real(value)) == (whole, real)


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda: check_whole("width", 0, minimum=1), ValueError, "width must be 1 or more, got 0."),
        (
            lambda: check_whole("width", True, minimum=1),
            TypeError,
            "width must be a whole number, got bool True.",
        ),
        (
            lambda: check_seed("0"),
            TypeError,
            "seed must be a whole number such as 0 or 42, got str '0'.",
        ),
        (
            lambda: check_seed(-1),
            ValueError,
            "seed must be 0 or more, got -1. Use a non-negative seed such as 0.",
        ),
        (
            lambda: check_non_negative("l2", float("inf"), example=0.001),
            ValueError,
            "l2 must be a finite number, 0 or more (such as 0.001), got inf.",
        ),
        (
            lambda: check_non_negative("l2", None, example=0.001),
            TypeError,
            "l2 must be a number such as 0.001, got NoneType None.",
        ),
        (
            lambda: check_non_negative("l2", -0.01, example=0.001),
            ValueError,
            "l2 must be a finite number, 0 or more (such as 0.001), got -0.01.",
        ),
        (
            lambda: check_fraction("label_noise", 0.6, top=0.5, example=0.1, top_allowed=True),
            ValueError,
            "label_noise must be at least 0 and at most 0.5 (such as 0.1), got 0.6.",
        ),
        (
            lambda: check_fraction("dropout", 1.0, top=1, example=0.2, top_allowed=False),
            ValueError,
            "dropout must be at least 0 and below 1 (such as 0.2), got 1.0.",
        ),
        (
            lambda: check_fraction("dropout", -0.1, top=1, example=0.2, top_allowed=False),
            ValueError,
            "dropout must be a finite number, 0 or more (such as 0.2), got -0.1.",
        ),
    ],
)
def test_errors_name_the_argument_and_the_fix(call, error, message):
    with pytest.raises(error) as raised:
        call()
    assert str(raised.value) == message


def test_good_values_pass_silently():
    """Each check returns None for a good value; the edge values (the minimum, 0, an allowed
    top) are good values too."""
    check_whole("batch_size", np.int64(32), minimum=1)
    check_whole("width", 1, minimum=1)
    check_non_negative("l2", 0, example=0.001)
    check_seed(np.uint8(7))
    check_fraction("label_noise", 0.5, top=0.5, example=0.1, top_allowed=True)
    check_fraction("dropout", 0, top=1, example=0.2, top_allowed=False)
