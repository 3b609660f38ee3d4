"""Self-checks for the exercises: is the learner's answer right?

A lesson's exercise cell calls ``exercise("01.3", answer)``: the answer key (``answer_key.py``
and the lessons' data files in ``texts/``) knows the right answer, the explanation and a hint
for each known mistake, so the notebook does not show them. ``solution("01.3")`` prints a worked
solution for a learner who is stuck.

Every check prints one line, either ``✅ Correct: ...`` or ``❌ Not yet: ... Hint: ...``.
A check never raises because of the answer it is given: a wrong value, a wrong type,
``None``, or an object that breaks when looked at all become a hint. Only a check set up
wrongly by the notebook's author raises (TypeError or ValueError).

The ``check_*`` functions behind the exercises can be used on their own, for new exercises:
``check_choice``, ``check_number`` (answers.py), ``check_split`` (splits.py),
``check_binary_classifier``, ``check_early_stopping`` (models.py), ``check_best_epoch``,
``check_history``, ``check_verdict`` (curves.py); each returns True or False.

Epochs are counted from 1, as Keras prints them ("Epoch 4/100").
"""

from course_utils.checks.answers import check_choice, check_number
from course_utils.checks.curves import check_best_epoch, check_history, check_verdict
from course_utils.checks.exercises import exercise, solution
from course_utils.checks.models import check_binary_classifier, check_early_stopping
from course_utils.checks.splits import check_split

__all__ = [
    "check_best_epoch",
    "check_binary_classifier",
    "check_choice",
    "check_early_stopping",
    "check_history",
    "check_number",
    "check_split",
    "check_verdict",
    "exercise",
    "solution",
]
