"""Exercises by id: ``exercise("01.3", answer)`` checks an answer, ``solution("01.3")`` shows one.

An exercise's id is its lesson and its number in that lesson ("01.3": lesson 01, exercise 3).
Its right answer, the explanation and the hints live in the answer key (``answer_key.py`` and
the lessons' data files in ``texts/``), not in the notebook, so the answer is not in plain
sight. The explanation shows only after a right answer; each wrong option, and each mistake
learners are known to make, gets its own hint. The kinds of exercise are in ``kinds.py``.

When the rest of a lesson uses an exercise's result (a model builder, a callback, a number),
``exercise`` returns what those cells should use: the learner's answer once it passes (a
number as a plain Python number, whatever array or tensor held it), the reference answer until
then, so a lesson runs to the end even when an exercise is left unsolved. It says so in one
line, and the reference says so again, in one line, in each cell that uses it: a builder
each time it builds, a callback each time a fit starts with it.
"""

import functools
import json
import re
from pathlib import Path

import keras
import numpy as np

from course_utils.checks._feedback import print_not_yet, shown
from course_utils.checks.answer_key import ANSWER_KEY
from course_utils.checks.kinds import Number

SOLUTIONS = Path(__file__).with_name("solutions.json")  # written by `make learner`
# how a notebook cell calls an exercise: checks.exercise("01.3", ...); the tools find ids with it
EXERCISE_CALL = re.compile(r"""checks\.exercise\(\s*["']([0-9]{2}\.[0-9]+[a-z]?)["']""")


def exercise(exercise_id, answer, **context):
    """Check ``answer`` to exercise ``exercise_id`` (such as "01.3") and print the verdict.

    ``context``: the notebook's objects the answer is judged against, by name (such as
    ``history=history``). Returns what the cells after the exercise use: the answer once it
    is right, the reference answer until then (it says so), or None when nothing later
    depends on it.

    >>> exercise("00.1", "a")  # doctest: +ELLIPSIS
    ❌ Not yet: A (training loss far below validation loss) is not the best answer. Hint: ...
    """
    exercise_id = _known_id(exercise_id)
    if exercise_id is None:
        return None
    item = ANSWER_KEY[exercise_id]
    passed = item.judge(answer, **context)
    reference = getattr(item, "reference", None)
    if reference is None:
        return None
    if passed:
        return np.asarray(answer).item() if isinstance(item, Number) else answer
    print(
        f"↪ Until yours passes, the cells below use the reference {item.stands_for}; "
        f"checks.solution({exercise_id!r}) shows it."
    )
    return _announced(reference(**context), exercise_id, item.stands_for.split()[0])


def _announced(reference, exercise_id, name):
    """``reference`` that prints, each time a cell uses it, that it stands in for the
    learner's answer: a function when called, a callback when a fit starts with it. A number
    is returned as it is (the exercise cell said so).

    >>> build = _announced(lambda: 3, "02.1", "build_classifier")
    >>> build()
    (02.1 not solved yet: this cell uses the course's build_classifier)
    3
    """
    note = f"({exercise_id} not solved yet: this cell uses the course's {name})"
    if isinstance(reference, keras.callbacks.Callback):
        starts = reference.on_train_begin

        def on_train_begin(logs=None):
            print(note)
            return starts(logs)

        reference.on_train_begin = on_train_begin
        return reference
    if callable(reference):

        @functools.wraps(reference)
        def announced(*args, **kwargs):
            print(note)
            return reference(*args, **kwargs)

        return announced
    return reference


def solution(exercise_id):
    """Print the reference solution of exercise ``exercise_id``, such as "02.1".

    >>> solution("00.2")  # doctest: +ELLIPSIS
    Exercise 00.2, a solution:
    <BLANKLINE>
    noise_floor = 0.2**2  ...
    """
    exercise_id = _known_id(exercise_id)
    if exercise_id is None:
        return
    solutions = json.loads(SOLUTIONS.read_text(encoding="utf-8"))
    print(f"Exercise {exercise_id}, a solution:\n\n{solutions[exercise_id]}")


def _known_id(exercise_id):
    """The answer key's id that ``exercise_id`` means ("1.3" and " 01.3" mean "01.3"), or None
    after printing what is wrong with it.

    >>> _known_id(" 1.3")
    '01.3'
    >>> _known_id("01.9")  # doctest: +ELLIPSIS
    ❌ Not yet: there is no exercise '01.9'. Hint: copy the id from the exercise's heading; ...
    """
    text = "".join(exercise_id.split()) if isinstance(exercise_id, str) else ""
    lesson, dot, number = text.partition(".")
    if lesson.isdigit() and dot:
        text = f"{int(lesson):02d}.{number.lower()}"
    if text in ANSWER_KEY:
        return text
    same_lesson = [known for known in ANSWER_KEY if known.startswith(text[:3])] if dot else []
    print_not_yet(
        f"there is no exercise {shown(exercise_id)}.",
        "copy the id from the exercise's heading; "
        + (
            f"lesson {text[:2]} has {', '.join(same_lesson)}."
            if same_lesson
            else "an id is the lesson's two digits, a dot and the exercise's number, "
            "such as '01.3'."
        ),
    )
    return None
