"""Exercises by id: ``exercise("01.3", answer)`` checks an answer, ``solution("01.3")`` shows one.

An exercise's id is its lesson and its number in that lesson ("01.3": lesson 01, exercise 3).
Its right answer, the explanation and the hints live in the answer key (``answer_key.py`` and
the lessons' data files in ``texts/``), not in the notebook, so the answer is not in plain
sight. The explanation shows only after a right answer; each wrong option, and each mistake
learners are known to make, gets its own hint. The kinds of exercise are in ``kinds.py``.

When the rest of a lesson uses an exercise's result (a split, a model builder, a callback),
``exercise`` returns what those cells should use: the learner's answer once it passes, the
reference answer until then (it says so in one line), so a lesson runs to the end even when
an exercise is left unsolved.
"""

import json
import re
from pathlib import Path

from course_utils.checks._feedback import print_not_yet, shown
from course_utils.checks.answer_key import ANSWER_KEY

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
