"""What every check shares: a wrong answer (``NotYet``), the printed verdict, argument checks."""

import math

import numpy as np

from course_utils._validation import is_real


class NotYet(Exception):
    """A wrong answer: what went wrong (``problem``) and what to try (``hint``)."""

    def __init__(self, problem, hint):
        super().__init__(problem)
        self.problem = problem
        self.hint = hint


def verdict(judge, *args):
    """Run ``judge(*args)`` and print its praise, or the problem and hint it raised."""
    try:
        praise = judge(*args)
    except NotYet as not_yet:
        print_not_yet(not_yet.problem, not_yet.hint)
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


def print_not_yet(problem, hint):
    """Print the one line a wrong answer gets: what went wrong, and what to try."""
    print(f"❌ Not yet: {problem} Hint: {hint}")


def shown(value, limit=40):
    """A short, one-line description of ``value``, even if its repr is broken."""
    if isinstance(value, np.ndarray) and value.ndim > 0:
        return f"an array of shape {value.shape}"
    try:
        text = " ".join(repr(value).split())
    except Exception:
        text = f"a {type(value).__name__} object"
    return text if len(text) <= limit else text[: limit - 3] + "..."


def require_text(value, name):
    if not isinstance(value, str) or not value.strip():
        raise TypeError(f"{name} must be a non-empty string, got {value!r}.")


def require_finite(value, name):
    if not is_real(value) or not math.isfinite(value):
        raise TypeError(f"{name} must be a finite number such as 0.05, got {value!r}.")
