"""The exercises' words: one data file per lesson, ``texts/NN_name.toml``, joined to the key.

Each exercise is a table named by its id, holding its ``ExerciseText`` (kinds.py)::

    ["00.1"]
    prompt = '''
    ### Exercise 1: predict the curves
    ...
    - **A**: training loss far below validation loss
    ...'''
    correct = "C"
    explanation = "a small model cannot memorise 80 points, ..."
    hints.A = "that happens when a model is big enough to memorise its training rows. ..."

A table with a ``correct`` letter is a Choice, complete in the data file. Any other is a
Number or a Task, whose computed half is in ``answer_key.py`` under the same id. ``join``
puts the two together and raises ValueError, naming the data file and the id, when they
disagree. ``make learner`` renders each prompt into its lesson (tools/classroom.py).
"""

import tomllib
from dataclasses import fields, replace
from pathlib import Path

from course_utils.checks.kinds import Choice, ExerciseText, Number, Task

TEXTS = Path(__file__).with_name("texts")
PROMPT_START = "### Exercise "

# the words each kind needs, and those it may have besides ("prompt" is optional for all: the
# later ids of an exercise cell that checks several, such as 08.5b, share the first one's)
_REQUIRED = {Choice: {"correct", "explanation"}, Number: {"name", "hint"}, Task: set()}
_OPTIONAL = {Choice: {"prompt", "hints"}, Number: {"prompt", "hints", "answer"}}
_OPTIONAL[Task] = {"prompt", "hints", "answer", "explanation"}
for _kind in _OPTIONAL:
    _OPTIONAL[_kind].add("giveaways")  # any exercise may name what would spoil it


def read_texts(folder=TEXTS):
    """{exercise id: (its ExerciseText, the data file's name)} from every ``*.toml`` in
    ``folder``, in course order.

    >>> texts = read_texts()
    >>> texts["00.1"][0].correct, texts["00.1"][1]
    ('C', '00_welcome.toml')
    """
    found = {}
    for path in sorted(Path(folder).glob("*.toml")):
        try:
            tables = tomllib.loads(path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as error:
            raise ValueError(f"{path.name} is not valid TOML: {error}") from None
        for exercise_id, table in tables.items():
            where = f"{path.name} [{exercise_id!r}]"
            if not exercise_id.startswith(path.name[:2] + "."):
                raise ValueError(f"{where}: an exercise of lesson {path.name[:2]} starts so.")
            if exercise_id in found:
                raise ValueError(f"{where}: {found[exercise_id][1]} has this id already.")
            found[exercise_id] = (_text(table, where), path.name)
    return found


def _text(table, where):
    known = sorted(name.name for name in fields(ExerciseText))
    if not isinstance(table, dict) or not set(table) <= set(known):
        raise ValueError(f"{where} must be a table of {known}, got {table!r}.")
    text = ExerciseText(**{**table, "giveaways": tuple(table.get("giveaways", ()))})
    if text.prompt and not text.prompt.startswith(PROMPT_START):
        raise ValueError(f"{where}: a prompt starts with its {PROMPT_START!r} heading.")
    return text


def join(texts, computed):
    """The answer key, {id: Choice, Number or Task}: each exercise of ``texts`` (from
    ``read_texts``), with its ``computed`` entry (answer_key.py) when it is no Choice."""
    for exercise_id in computed.keys() - texts.keys():
        raise ValueError(
            f"answer_key.py has {exercise_id!r}, which no data file in {TEXTS.name}/ has: add "
            f'its ["{exercise_id}"] table to texts/{exercise_id[:2]}_*.toml, or remove the entry.'
        )
    key = {}
    for exercise_id, (text, source) in texts.items():
        where = f"{source} [{exercise_id!r}]"
        if text.correct and exercise_id in computed:
            raise ValueError(
                f"{where} is a Choice (it has a correct letter), and answer_key.py has an entry "
                "for it too: keep one of the two."
            )
        if text.correct:
            key[exercise_id] = Choice(text)
        elif exercise_id in computed:
            key[exercise_id] = replace(computed[exercise_id], text=text)
        else:
            raise ValueError(
                f"{where} has no correct letter, and answer_key.py has no entry for it: a Choice "
                "needs `correct`, a Number or Task its entry in answer_key.py."
            )
        _check_words(key[exercise_id], where)
    return key


def _check_words(item, where):
    kind, text = type(item), item.text
    missing = sorted(name for name in _REQUIRED[kind] if not getattr(text, name))
    extra = sorted(
        name
        for name in (field.name for field in fields(text))
        if getattr(text, name) and name not in _REQUIRED[kind] | _OPTIONAL[kind]
    )
    if missing or extra:
        raise ValueError(
            f"{where} is a {kind.__name__}: it needs {sorted(_REQUIRED[kind])} and may have "
            f"{sorted(_OPTIONAL[kind])}; {missing or 'nothing'} missing, {extra or 'none'} extra."
        )
    if kind is Choice and (len(item.options) < 2 or text.correct not in item.options):
        raise ValueError(
            f"{where}: its prompt lists the options {sorted(item.options)} (as '- **A**: ...' "
            f"lines); a Choice needs two or more, its correct letter {text.correct!r} among them."
        )
    if set(text.hints) != item.hint_names():
        raise ValueError(
            f"{where} has hints for {sorted(text.hints)}; it needs one for each of "
            f"{sorted(item.hint_names())} (a Choice: every wrong letter; a Number: every "
            "mistake its answer_key.py entry names; a Task: every name its check quotes)."
        )
