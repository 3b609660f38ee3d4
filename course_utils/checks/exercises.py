"""Exercises by id: ``exercise("01.3", answer)`` checks an answer, ``solution("01.3")`` shows one.

An exercise's id is its lesson and its number in that lesson ("01.3": lesson 01, exercise 3).
Its right answer, the explanation and the hints live in ``answer_key.py``, not in the
notebook, so the answer is not in plain sight. The explanation shows only after a right
answer; each wrong option, and each mistake learners are known to make, gets its own hint.

When the rest of a lesson uses an exercise's result (a split, a model builder, a callback),
``exercise`` returns what those cells should use: the learner's answer once it passes, the
reference answer until then (it says so in one line), so a lesson runs to the end even when
an exercise is left unsolved.

Three kinds of exercise:

- ``Choice``: a letter; hints for every wrong letter.
- ``Number``: a number, compared with a value the answer key computes from the learner's own
  objects (passed to ``exercise`` by name) or stores; a known wrong value gets its own hint.
- ``Task``: anything else (a split, a model, a callback, a history), judged by one of the
  ``check_*`` functions with the settings the exercise asks for.
"""

import json
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from course_utils._validation import is_real
from course_utils.checks.answers import check_choice, check_number
from course_utils.histories import history_dict

SOLUTIONS = Path(__file__).with_name("solutions.json")  # written by `make learner`
# how a notebook cell calls an exercise: checks.exercise("01.3", ...); the tools find ids with it
EXERCISE_CALL = re.compile(r"""checks\.exercise\(\s*["']([0-9]{2}\.[0-9]+[a-z]?)["']""")


@dataclass(frozen=True)
class Choice:
    """A multiple-choice exercise: the ``options``, the ``correct`` letter, the
    ``explanation`` shown after a right answer, and a hint for every wrong letter."""

    options: Mapping[str, str]
    correct: str
    explanation: str
    hints: Mapping[str, str]

    def __post_init__(self):
        wrong = set(self.options) - {self.correct}
        if self.correct not in self.options or set(self.hints) != wrong:
            raise ValueError(
                f"a Choice needs its correct letter among the options {sorted(self.options)} "
                f"and a hint for each wrong letter {sorted(wrong)}, got {sorted(self.hints)}."
            )

    def check(self, answer):  # a Choice takes no context
        return check_choice(
            answer,
            self.correct,
            options=self.options,
            explanation=self.explanation,
            hints=self.hints,
        )


@dataclass(frozen=True)
class Number:
    """A number exercise. ``expected(**context)`` computes the right value from the objects
    the notebook passes (for a fixed value, take no arguments); ``mistakes`` pairs a function
    of the same context that gives a known wrong value with the hint for it."""

    name: str
    expected: Callable[..., float]
    tolerance: float
    hint: str
    mistakes: tuple[tuple[Callable[..., float], str], ...] = ()
    stands_for: str = ""  # set when later cells use the number: the reference is ``expected``

    @property
    def reference(self):
        return self.expected if self.stands_for else None

    def check(self, answer, **context):
        expected = float(self.expected(**context))
        return check_number(
            answer,
            expected,
            tolerance=self.tolerance,
            name=self.name,
            hint=self._hint_for(answer, expected, context),
        )

    def _hint_for(self, answer, expected, context):
        if not is_real(answer) or not math.isfinite(answer):
            return self.hint
        close = max(self.tolerance, 1e-9)
        for mistaken, hint in self.mistakes:
            wrong = float(mistaken(**context))
            if abs(answer - wrong) <= close and abs(wrong - expected) > self.tolerance:
                return hint
        if any(abs(answer - round(expected, places)) < 1e-12 for places in range(1, 5)):
            return (
                f"{answer} is the value rounded, as it was printed. Compute it from the "
                "objects themselves, so that every digit is there."
            )
        return self.hint


@dataclass(frozen=True)
class Task:
    """An exercise judged by a check function: ``check(answer, **context)`` prints and
    returns True or False. ``reference(**context)``, when given, builds what later cells
    use while the answer does not pass yet; ``stands_for`` names it in the message."""

    check: Callable[..., bool]
    reference: Callable[..., object] | None = None
    stands_for: str = ""


def exercise(exercise_id, answer, **context):
    """Check ``answer`` to exercise ``exercise_id`` (such as "01.3") and print the verdict.

    ``context``: the notebook's objects the answer is judged against, by name (such as
    ``history=history``). Returns what the cells after the exercise use: the answer once it
    is right, the reference answer until then (it says so), or None when nothing later
    depends on it.

    >>> exercise("00.1", "a")  # doctest: +ELLIPSIS
    ❌ Not yet: A (training loss far below validation loss) is not the best answer. Hint: ...
    """
    item = _lookup(exercise_id)
    passed = item.check(answer, **context)
    reference = getattr(item, "reference", None)
    if reference is None:
        return None
    if passed:
        return answer
    print(
        f"↪ Until yours passes, the cells below use the reference {item.stands_for}; "
        f"checks.solution({exercise_id!r}) shows it."
    )
    return reference(**context)


def solution(exercise_id):
    """Print the reference solution of exercise ``exercise_id``, such as "02.1".

    >>> solution("00.2")  # doctest: +ELLIPSIS
    Exercise 00.2, a solution:
    <BLANKLINE>
    noise_floor = 0.2**2  ...
    """
    _lookup(exercise_id)
    solutions = json.loads(SOLUTIONS.read_text(encoding="utf-8"))
    print(f"Exercise {exercise_id}, a solution:\n\n{solutions[exercise_id]}")


def _lookup(exercise_id):
    from course_utils.checks.answer_key import ANSWER_KEY  # the key imports this module

    if exercise_id not in ANSWER_KEY:
        lesson = str(exercise_id)[:2]
        same_lesson = [known for known in ANSWER_KEY if known.startswith(lesson)]
        raise ValueError(
            f"there is no exercise {exercise_id!r}: copy the id from the exercise's heading, "
            f"such as {(same_lesson or list(ANSWER_KEY))[0]!r} (known: {', '.join(ANSWER_KEY)})."
        )
    return ANSWER_KEY[exercise_id]


def best_epoch(history, metric="val_loss"):
    """The epoch (from 1, as Keras prints it) with the lowest ``metric``; for answer keys.

    >>> best_epoch({"val_loss": [0.5, 0.3, 0.4]})
    2
    """
    return int(np.argmin(history_dict(history)[metric])) + 1
