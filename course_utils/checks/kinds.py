"""The three kinds of exercise, each an answer key entry that judges an answer.

- ``Choice``: a letter; hints for every wrong letter. All of it is words, in the lesson's data
  file (``exercise_texts.py``).
- ``Number``: a number, compared with a value computed from the learner's own objects (passed
  to ``exercise`` by name) or a fixed one; each known mistake, a function giving the value it
  leads to, gets its own hint.
- ``Task``: anything else (a split, a model, a callback, a history), judged by one of the
  ``check_*`` functions with the settings the exercise asks for.

A ``Number`` or ``Task`` is written in ``answer_key.py`` with what Python computes; its words
(``text``) come from the data file, joined by ``exercise_texts.join``. ``hint_names`` says which
hints the data file must hold for it.
"""

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from course_utils._validation import is_real
from course_utils.checks.answers import check_choice, check_number

# an option as a prompt lists it, one per line: "- **A**: training loss far below validation loss"
OPTION = re.compile(r"^- \*\*([A-Z])\*\*: (.+)$", re.MULTILINE)


@dataclass(frozen=True)
class ExerciseText:
    """An exercise's words, as its lesson's data file holds them.

    ``prompt``: the markdown the learner reads, from the exercise's ``###`` heading to the end
    of its cell; ``correct`` and ``explanation``: a Choice's right letter and why; ``name`` and
    ``hint``: what a Number is and the general hint; ``hints``: by wrong letter (Choice), by
    mistake (Number), or the prose a Task's check quotes; ``answer``: the right answer as the
    instructor guide lists it, when it is not a letter; ``giveaways``: phrases that would give
    the answer away if the lesson showed them above the exercise (tests/test_spoilers.py).
    """

    prompt: str = ""
    correct: str = ""
    explanation: str = ""
    name: str = ""
    hint: str = ""
    hints: Mapping[str, str] = field(default_factory=dict)
    answer: str = ""
    giveaways: tuple[str, ...] = ()


def options_in(prompt):
    """{letter: option} as ``prompt`` lists them, in the words feedback uses (no ``$``, and
    ``-`` for the minus sign).

    >>> options_in("Which one?\\n\\n- **A**: $x$ below 0\\n- **B**: from −1 to 1")
    {'A': 'x below 0', 'B': 'from -1 to 1'}
    """
    return {
        letter: option.replace("$", "").replace("−", "-")
        for letter, option in OPTION.findall(prompt)
    }


@dataclass(frozen=True)
class Choice:
    """A multiple-choice exercise: the options its prompt lists, the ``correct`` letter, the
    explanation shown after a right answer, and a hint for every wrong letter."""

    text: ExerciseText

    @property
    def options(self):
        return options_in(self.text.prompt)

    def hint_names(self):
        return set(self.options) - {self.text.correct}

    def judge(self, answer):  # a Choice takes no context
        return check_choice(
            answer,
            self.text.correct,
            options=self.options,
            explanation=self.text.explanation,
            hints=self.text.hints,
        )


@dataclass(frozen=True)
class Number:
    """A number exercise. ``expected(**context)`` computes the right value from the objects
    the notebook passes (for a fixed value, take no arguments); ``mistakes`` names each known
    mistake and gives a function of the same context that computes the wrong value it leads to
    (its hint is ``text.hints[name]``). ``ordered=False`` for a number that names something
    (a class, a digit): a wrong one is then not "too high" or "too low", just not it.
    ``share=True`` for a share between 0 and 1 (an accuracy): an answer 100 times too large is
    then read as a percentage. (For any other number that would be a mistake, and saying so
    would give the answer away.)"""

    expected: Callable[..., float]
    tolerance: float
    mistakes: Mapping[str, Callable[..., float]] = field(default_factory=dict)
    stands_for: str = ""  # set when later cells use the number: the reference is ``expected``
    text: ExerciseText = ExerciseText()
    ordered: bool = True
    share: bool = False

    @property
    def reference(self):
        return self.expected if self.stands_for else None

    def hint_names(self):
        return set(self.mistakes)

    def judge(self, answer, **context):
        expected = float(self.expected(**context))
        problem, hint = self._feedback_for(answer, expected, context)
        if problem is None and not self.ordered and is_real(answer) and math.isfinite(answer):
            problem = f"{self.text.name} is not your {answer:.4g}."  # not "too high"
        return check_number(
            answer,
            expected,
            tolerance=self.tolerance,
            name=self.text.name,
            hint=hint,
            problem=problem,
        )

    def _feedback_for(self, answer, expected, context):
        """(what is wrong, or None for "too high" or "too low"; the hint) for a wrong answer."""
        if not is_real(answer) or not math.isfinite(answer):
            return None, self.text.hint
        for name, mistaken in self.mistakes.items():
            wrong = float(mistaken(**context))
            if self._matches(answer, wrong) and abs(wrong - expected) > self.tolerance:
                return None, self.text.hints[name]
        if (
            self.share
            and 0 < expected < 1 < answer <= 100
            and self._matches(answer / 100, expected)
        ):
            return (
                f"your {answer:.4g} looks like a percentage: {self.text.name} is a share "
                "between 0 and 1.",
                f"give the share, {answer / 100:.4g}, not the percentage.",
            )
        if self._matches(answer, expected):
            return (
                f"your {answer} is {self.text.name} rounded, as it was printed.",
                "compute it from the objects themselves, so that every digit is there.",
            )
        return None, self.text.hint

    def _matches(self, answer, value):
        """Whether ``answer`` is ``value``, within the tolerance or rounded as printed."""
        return abs(answer - value) <= max(self.tolerance, 1e-9) or any(
            abs(answer - round(value, places)) < 1e-12 for places in range(1, 5)
        )


@dataclass(frozen=True)
class Task:
    """An exercise judged by a check function: ``check(answer, **context)`` prints and
    returns True or False. ``reference(**context)``, when given, builds what later cells
    use while the answer does not pass yet; ``stands_for`` names it in the message. A check
    that quotes prose from the data file lists its names in ``quotes`` and is called with
    ``text=`` as well."""

    check: Callable[..., bool]
    reference: Callable[..., object] | None = None
    stands_for: str = ""
    quotes: tuple[str, ...] = ()
    text: ExerciseText = ExerciseText()

    def hint_names(self):
        return set(self.quotes)

    def judge(self, answer, **context):
        if self.quotes:
            return self.check(answer, text=self.text, **context)
        return self.check(answer, **context)
