"""Checks for answers a learner types: a letter (``check_choice``) or a number."""

import math
import re
from collections.abc import Mapping

import numpy as np

from course_utils.checks._feedback import NotYet, require_finite, require_text, shown, verdict

# a letter as learners type it: "C", "c)", "(c)", "c." or "Answer: C"
ANSWERED_LETTER = re.compile(r"(?:answer\s*:?\s*)?\(?\s*([a-z])\s*[).:]?", re.IGNORECASE)


def _letter(text):
    return text.strip().upper()


def _chosen_letter(answer):
    """The letter a learner's ``answer`` names, upper-cased ("(c)" is C), or the answer as typed."""
    typed = ANSWERED_LETTER.fullmatch(answer.strip())
    return _letter(typed.group(1) if typed else answer)


def _by_letter(mapping, name):
    """``mapping`` (letter -> text) with its letters stripped and upper-cased."""
    if not isinstance(mapping, Mapping):
        raise TypeError(f"{name} must be a dict mapping letters to text, got {mapping!r}.")
    for letter, text in mapping.items():
        require_text(letter, f"each letter in {name}")
        require_text(text, f"{name}[{letter!r}]")
    by_letter = {_letter(letter): text for letter, text in mapping.items()}
    if len(by_letter) != len(mapping):
        raise ValueError(f"{name} has a letter twice (ignoring case and spaces): {list(mapping)}.")
    return by_letter


def check_choice(answer, correct, *, options, explanation, hints=None):
    """Check a multiple-choice answer given as a letter ("b", " B ", "(b)" and "Answer: B" are
    the same).

    ``options`` maps each letter to its text, ``explanation`` says why ``correct`` is right,
    and ``hints`` (optional) maps a wrong letter to a hint for learners who picked it.

    >>> options = {"A": "Training loss", "B": "Validation loss"}
    >>> check_choice(" b", "B", options=options, explanation="It uses unseen data.")
    ✅ Correct: B (Validation loss). It uses unseen data.
    True
    >>> check_choice("C", "B", options=options, explanation="It uses unseen data.")
    ❌ Not yet: 'C' is not one of the options. Hint: answer with one of the letters A, B.
    False
    """
    options = _by_letter(options, "options")
    if len(options) < 2:
        raise ValueError(f"options must offer two or more letters, got {sorted(options)}.")
    require_text(correct, "correct")
    correct = _letter(correct)
    if correct not in options:
        raise ValueError(f"correct={correct!r} is not one of the options {sorted(options)}.")
    require_text(explanation, "explanation")
    hints = _by_letter({} if hints is None else hints, "hints")
    wrong_letters = set(options) - {correct}
    if not set(hints) <= wrong_letters:
        raise ValueError(
            f"hints has {sorted(set(hints) - wrong_letters)}; give hints only for the wrong "
            f"options {sorted(wrong_letters)}."
        )
    return verdict(_judge_choice, answer, correct, options, explanation, hints)


def _judge_choice(answer, correct, options, explanation, hints):
    valid = ", ".join(sorted(options))
    if not isinstance(answer, str):
        raise NotYet(
            f"{shown(answer)} is not a letter.", "answer with a letter in quotes, such as 'A'."
        )
    chosen = _chosen_letter(answer)
    if chosen not in options:
        raise NotYet(
            f"{shown(answer)} is not one of the options.",
            f"answer with one of the letters {valid}.",
        )
    if chosen != correct:
        raise NotYet(
            f"{chosen} ({options[chosen]}) is not the best answer.",
            hints.get(chosen, "read the other options again and pick the one that fits best."),
        )
    return f"{correct} ({options[correct]}). {explanation[:1].upper()}{explanation[1:]}"


# ---------------------------------------------------------------------------- number


def check_number(answer, expected, *, tolerance, name, hint, problem=None):
    """Check that a number is within ``tolerance`` of ``expected``.

    ``name`` says what the number is in messages; ``hint`` is shown when it is wrong, after
    ``problem`` (what is wrong with it) when given, else after "too high" or "too low".
    The expected value is never printed, so the check does not give the answer away.

    >>> check_number(0.248, 0.25, tolerance=0.01, name="the final loss", hint="Re-run fit.")
    ✅ Correct: the final loss is 0.248.
    True
    >>> check_number(0.5, 0.25, tolerance=0.01, name="the final loss", hint="Re-run fit.")
    ❌ Not yet: your 0.5 is too high for the final loss. Hint: Re-run fit.
    False
    """
    require_finite(expected, "expected")
    require_finite(tolerance, "tolerance")
    if tolerance < 0:
        raise ValueError(f"tolerance must be 0 or more, got {tolerance}.")
    require_text(name, "name")
    require_text(hint, "hint")
    return verdict(_judge_number, answer, expected, tolerance, name, hint, problem)


# a number typed in quotes: "0.25", " 28 ", "86%"
NUMBER_IN_QUOTES = re.compile(
    r"\s*([-+]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:e[-+]?[0-9]+)?)\s*(%?)\s*", re.IGNORECASE
)


def _judge_number(answer, expected, tolerance, name, hint, problem):
    value = np.asarray(answer)
    typed = NUMBER_IN_QUOTES.fullmatch(answer) if isinstance(answer, str) else None
    if typed and typed.group(2):
        raise NotYet(
            f"your {answer!r} is text, a percentage in quotes.",
            f"write it as a number, without quotes or %: {float(typed.group(1)) / 100:g}, "
            f"not {answer!r}.",
        )
    if typed:
        raise NotYet(
            f"your {answer!r} is text: the quotes make it a string, not a number.",
            f"write numbers without quotes: {typed.group(1)}, not {answer!r}.",
        )
    if isinstance(answer, bool) or value.dtype.kind not in "iuf":
        raise NotYet(
            f"{name} should be a number, not {shown(answer)}.",
            "give the number itself, such as 0.25, without quotes.",
        )
    if value.ndim != 0:
        raise NotYet(
            f"{name} should be a single number, but you gave an array of shape {value.shape}.",
            "pass the number inside the array (for example array[0]), not the whole array.",
        )
    value = float(value)
    if math.isnan(value):
        raise NotYet(f"{name} is NaN (not a number).", hint)
    if abs(value - expected) > tolerance:
        direction = "high" if value > expected else "low"
        raise NotYet(problem or f"your {value:.4g} is too {direction} for {name}.", hint)
    return f"{name} is {value:.4g}."
