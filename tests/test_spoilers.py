"""No answer before its question (issue 24, point 2).

Each exercise's data (course_utils/checks/texts/NN_*.toml) names, in ``giveaways``, the phrases
that would give its answer away: a heading that states it, an objective, a legend, a printed
number. The tests here:

- every exercise names at least one giveaway;
- no giveaway appears above its exercise in the lesson (notebooks/NN, with the exercises'
  prompts rendered from their data files as `make learner` renders them) or in its copies
  (learner/NN, live-coding/NN, as stored): not in any cell above the exercise's prompt cell (the
  markdown cell holding its "### Exercise" heading, found as tools/classroom.py finds it, above
  the exercise cell or its one answer cell), nor in the prompt cell's own text before the
  heading. Each cell is read whole: its markdown or code source, and its text outputs (stream
  text, text/plain, text/markdown);
- every giveaway appears somewhere at or after its exercise in notebooks/NN (from the heading
  on), or in the exercise's own explanation, answer or hints: a phrase that matches nothing is
  a typo, and would guard nothing.

Phrases match case-insensitively, with runs of white space as one space, backticks dropped,
and runs of ``*`` or ``_`` dropped where they can mark emphasis (so ``**Both**`` reads "both",
while ``val_loss``, ``0.2**2`` and ``0.2 ** 2`` keep theirs), on the phrase and the text alike;
a phrase that starts or ends with a letter or digit matches whole words only ("epoch 2" is not
in "epoch 28").

Run this file as a script to write the current failures to a file (default
/work/spoiler_failures.txt): ``python tests/test_spoilers.py [path]``.
"""

import re
import sys
import time
from dataclasses import dataclass, replace
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))

import classroom  # noqa: E402

from course_utils.checks.exercise_texts import PROMPT_START, read_texts  # noqa: E402
from course_utils.notebook_tags import SOLUTION  # noqa: E402

LESSONS = ROOT / "notebooks"
COPIES = {"learner": ROOT / "learner", "live-coding": ROOT / "live-coding"}
TEXTS = {key: text for key, (text, _) in read_texts().items()}
NAMES = sorted(path.name for path in LESSONS.glob("[0-9][0-9]_*.ipynb"))
OUTPUT_TYPES = ("text/plain", "text/markdown")
# backticks, and each whole run of * or _ that can open emphasis (no letter or digit before it,
# something after it) or close it (something before it, no letter or digit after it): so
# `val_loss`, `0.2**2` and `0.2 ** 2` keep theirs
EMPHASIS = re.compile(r"`|(?<![*_])(?<![^\W_])[*_]++(?=\S)|(?<![*_])(?<=\S)[*_]++(?![^\W_])")


def normalised(text):
    """``text`` as phrases are matched in it: lower case, backticks and emphasis marks gone,
    white space runs one space.

    >>> normalised("**Both** are  *still*\\n going `val_loss` 0.2**2, 0.2 ** 2, _not_")
    'both are still going val_loss 0.2**2, 0.2 ** 2, not'
    """
    return " ".join(EMPHASIS.sub("", text).lower().split())


def phrase_pattern(phrase):
    """A regex for ``phrase`` in normalised text: whole words (or numbers) at its ends."""
    words = normalised(phrase)
    if not words:
        raise ValueError(f"the giveaway {phrase!r} has no words")
    start = r"(?<!\w)(?<!\d\.)" if re.match(r"\w", words) else ""
    end = r"(?!\w)(?!\.\d)" if re.search(r"\w$", words) else ""
    return re.compile(start + re.escape(words) + end)


def cell_texts(cell):
    """(part, text) for each text a reader sees in ``cell``: its source, its text outputs."""
    yield cell.cell_type, cell.source
    for output in cell.get("outputs", []):
        if output.get("output_type") == "stream":
            yield "output", output.get("text", "")
        for kind in OUTPUT_TYPES:
            text = output.get("data", {}).get(kind)
            if text:
                yield "output", "".join(text) if isinstance(text, list) else text


def prompt_cells(notebook):
    """{exercise id: index of its prompt cell}, for the exercise cells of ``notebook``."""
    found = {}
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type != "code" or SOLUTION in classroom._tags(cell):
            continue
        prompt = classroom._prompt_cell(notebook.cells[:index])
        for exercise_id in classroom.exercise_ids(cell):
            if prompt is not None:
                found.setdefault(
                    exercise_id, next(i for i, c in enumerate(notebook.cells) if c is prompt)
                )
    return found


def _split_prompt(source):
    """(the lesson's text before the exercise heading, the exercise's text from it on)."""
    at = source.find(PROMPT_START)
    return (source, "") if at < 0 else (source[:at], source[at:])


@dataclass(frozen=True)
class Spoiler:
    where: str  # the notebook, such as "learner/01_regression_mse.ipynb"
    exercise: str
    phrase: str
    cell: int
    part: str  # "markdown", "code" or "output"
    snippet: str

    def __str__(self):
        if self.cell < 0:
            return f"{self.where}: no exercise cell checks {self.exercise}"
        return (
            f"{self.where} cell {self.cell} ({self.part}), above exercise {self.exercise}: "
            f"{self.phrase!r} in ...{self.snippet}..."
        )


def _snippet(text, match, width=50):
    return text[max(0, match.start() - width) : match.end() + width]


def spoilers(notebook, giveaways, where="notebook"):
    """The giveaways that appear above their exercise in ``notebook``: a list of Spoiler.
    ``giveaways``: {exercise id: phrases}; an id the notebook has no exercise cell for is
    reported as a Spoiler with cell -1."""
    found = []
    prompts = prompt_cells(notebook)
    for exercise_id, phrases in giveaways.items():
        if exercise_id not in prompts:
            found.append(Spoiler(where, exercise_id, "", -1, "", "no exercise cell found"))
            continue
        at = prompts[exercise_id]
        for index, cell in enumerate(notebook.cells[: at + 1]):
            for part, text in cell_texts(cell):
                if index == at:
                    if part != "markdown":
                        continue
                    text = _split_prompt(text)[0]
                text = normalised(text)
                for phrase in phrases:
                    match = phrase_pattern(phrase).search(text)
                    if match:
                        spoiler = Spoiler(
                            where, exercise_id, phrase, index, part, _snippet(text, match)
                        )
                        found.append(spoiler)
    return found


def unmatched(notebook, texts):
    """(exercise id, phrase) for each giveaway of ``texts`` ({id: ExerciseText}) found nowhere
    at or after its exercise in ``notebook``, nor in its own explanation, answer or hints."""
    missing = []
    prompts = prompt_cells(notebook)
    for exercise_id, text in texts.items():
        if exercise_id not in prompts:
            continue  # spoilers() reports it
        at = prompts[exercise_id]
        seen = [text.explanation, text.answer, text.hint, *text.hints.values()]
        for index, cell in enumerate(notebook.cells[at:], start=at):
            for part, source in cell_texts(cell):
                seen.append(
                    _split_prompt(source)[1] if index == at and part == "markdown" else source
                )
        haystack = "\n".join(normalised(source) for source in seen)
        missing.extend(
            (exercise_id, phrase)
            for phrase in text.giveaways
            if not phrase_pattern(phrase).search(haystack)
        )
    return missing


# ---- the lessons and their copies -----------------------------------------------------------


def lesson_texts(name, texts=None):
    """{id: ExerciseText} of lesson ``name`` (such as "01_regression_mse.ipynb")."""
    texts = TEXTS if texts is None else texts
    return {key: text for key, text in texts.items() if key.startswith(name[:2] + ".")}


def lesson_and_copies(name, texts=None, lessons=LESSONS, copies=None):
    """[(where, notebook)]: the lesson with its prompts rendered from ``texts``, then each copy
    that exists."""
    texts = TEXTS if texts is None else texts
    copies = COPIES if copies is None else copies
    lesson = nbformat.read(Path(lessons) / name, as_version=4)
    found = [(f"notebooks/{name}", classroom.with_prompts(lesson, texts, name))]
    for kind, folder in copies.items():
        path = Path(folder) / name
        if path.exists():
            found.append((f"{kind}/{name}", nbformat.read(path, as_version=4)))
    return found


def lesson_spoilers(name, texts=None, lessons=LESSONS, copies=None):
    texts = lesson_texts(name, texts)
    giveaways = {key: text.giveaways for key, text in texts.items()}
    found = []
    for where, notebook in lesson_and_copies(name, texts, lessons, copies):
        found.extend(spoilers(notebook, giveaways, where))
    return found


# ---- the checks, on small made-up lessons ---------------------------------------------------


def made_up_lesson(*above, prompt="### Exercise 1: predict\n\nWhich?", answer_cell=False):
    """A lesson: ``above`` (markdown strings, or code cells), the prompt, the exercise cell."""
    cells = [new_markdown_cell(c) if isinstance(c, str) else c for c in above]
    cells.append(new_markdown_cell(prompt))
    if answer_cell:
        cells.append(new_code_cell("answer = None  # your letter"))
    cells.append(new_code_cell('checks.exercise("01.3", answer)'))
    cells.append(new_markdown_cell("Both are still going down: train longer."))
    return new_notebook(cells=cells)


def phrases_found(notebook, phrases=("still going down",)):
    return [(s.cell, s.part, s.phrase) for s in spoilers(notebook, {"01.3": phrases})]


def test_a_phrase_above_the_exercise_is_a_spoiler_and_one_below_is_not():
    assert phrases_found(made_up_lesson("Intro.")) == []
    assert phrases_found(made_up_lesson("## Flaw 2: **Both** are *still*\ngoing  down")) == [
        (0, "markdown", "still going down")
    ]


def test_code_outputs_and_the_prompt_cells_own_intro_are_read():
    code = new_code_cell("print(1)")
    code.outputs = [
        new_output("stream", name="stdout", text="best val_loss: epoch 28\n"),
        new_output("execute_result", data={"text/plain": "'Still going down'"}),
    ]
    assert phrases_found(made_up_lesson(code), ("epoch 28", "still going down")) == [
        (0, "output", "epoch 28"),
        (0, "output", "still going down"),
    ]
    assert phrases_found(made_up_lesson(new_code_cell("label = 'still going down'"))) == [
        (0, "code", "still going down")
    ]
    intro = "Still going down, as you saw.\n\n### Exercise 1: predict\n\nWhich?"
    assert phrases_found(made_up_lesson(prompt=intro)) == [(0, "markdown", "still going down")]
    # the prompt itself, from its heading on, is the exercise: no spoiler
    assert phrases_found(made_up_lesson(prompt="### Exercise 1: still going down?")) == []


def test_the_prompt_cell_is_found_above_an_answer_cell():
    lesson = made_up_lesson("Still going down.", answer_cell=True)
    assert prompt_cells(lesson) == {"01.3": 1}
    assert phrases_found(lesson) == [(0, "markdown", "still going down")]


def test_whole_words_and_numbers_only():
    assert phrases_found(made_up_lesson("epoch 280, epoch 2.8, 28.5"), ("epoch 28", "8.5")) == []
    assert phrases_found(made_up_lesson("At epoch 28."), ("epoch 28",)) == [
        (0, "markdown", "epoch 28")
    ]
    assert phrases_found(made_up_lesson("0.22 and 0.2 2"), ("0.2**2", "0.2 ** 2")) == []


def test_an_exercise_the_notebook_lacks_is_reported():
    assert [s.cell for s in spoilers(made_up_lesson(), {"01.9": ("x",)})] == [-1]


def test_a_giveaway_found_nowhere_after_its_exercise_is_a_typo():
    from course_utils.checks.kinds import ExerciseText

    text = ExerciseText(explanation="They are still falling.", giveaways=("still falling",))
    lesson = made_up_lesson()
    assert unmatched(lesson, {"01.3": text}) == []
    typo = ExerciseText(giveaways=("stil going down", "still going down"))
    assert unmatched(lesson, {"01.3": typo}) == [("01.3", "stil going down")]
    # above the exercise only does not count
    above = ExerciseText(giveaways=("intro words",))
    assert unmatched(made_up_lesson("Intro words."), {"01.3": above}) == [("01.3", "intro words")]


def test_a_spoiler_put_back_into_a_copy_of_a_real_lesson_is_caught(tmp_path):
    """Break check: "both are still going down" put back above 01.3, in a copy of notebooks/01
    and in its learner copy (made from it by tools/classroom.py), in a temporary folder."""
    name = next(n for n in NAMES if n.startswith("01_"))
    texts = {
        **lesson_texts(name),
        "01.3": replace(TEXTS["01.3"], giveaways=("both are still going down",)),
    }
    copies = {"learner": tmp_path / "learner"}

    def write(notebook):
        for folder in ("notebooks", "learner"):
            (tmp_path / folder).mkdir(exist_ok=True)
        nbformat.write(notebook, tmp_path / "notebooks" / name)
        rendered = classroom.with_prompts(notebook, texts, name)
        nbformat.write(classroom.learner_copy(rendered, name), tmp_path / "learner" / name)

    lesson = nbformat.read(LESSONS / name, as_version=4)
    write(lesson)
    clean = lesson_spoilers(name, texts, tmp_path / "notebooks", copies)
    assert not [s for s in clean if s.exercise == "01.3"], clean
    lesson.cells.insert(1, new_markdown_cell("## Flaw 2\n\n**Both** are still going down."))
    write(lesson)
    caught = lesson_spoilers(name, texts, tmp_path / "notebooks", copies)
    assert {(s.where.split("/")[0], s.exercise, s.cell) for s in caught} >= {
        ("notebooks", "01.3", 1),
        ("learner", "01.3", 1),
    }


# ---- the course -----------------------------------------------------------------------------


def test_every_exercise_names_its_giveaways():
    missing = sorted(key for key, text in TEXTS.items() if not text.giveaways)
    assert not missing, f"exercises without giveaways in their data file: {missing}"
    empty = [(key, p) for key, text in TEXTS.items() for p in text.giveaways if not normalised(p)]
    assert not empty, f"giveaways with no words: {empty}"


@pytest.mark.parametrize("name", NAMES)
def test_no_giveaway_above_its_exercise(name):
    found = lesson_spoilers(name)
    assert not found, "answers shown before their question:\n" + "\n".join(map(str, found))


@pytest.mark.parametrize("name", NAMES)
def test_every_giveaway_appears_at_or_after_its_exercise(name):
    texts = lesson_texts(name)
    lesson = classroom.with_prompts(nbformat.read(LESSONS / name, as_version=4), texts, name)
    missing = unmatched(lesson, texts)
    assert not missing, (
        f"giveaways found nowhere at or after their exercise in notebooks/{name}, nor in their "
        f"explanation, answer or hints (a typo?): {missing}"
    )


def report(path):
    """Write the course's current failures to ``path``; returns how many."""
    lines, count = [], 0
    missing = sorted(key for key, text in TEXTS.items() if not text.giveaways)
    if missing:
        lines += ["", f"Exercises with no giveaways yet ({len(missing)}): {', '.join(missing)}"]
    count += len(missing)
    for name in NAMES:
        try:
            found = lesson_spoilers(name)
            texts = lesson_texts(name)
            lesson = nbformat.read(LESSONS / name, as_version=4)
            typos = unmatched(classroom.with_prompts(lesson, texts, name), texts)
        except Exception as error:  # a lesson half-way through an edit: say so, go on
            lines += ["", f"{name}: could not be checked: {error!r}"]
            count += 1
            continue
        # a copy's spoiler that the lesson has too is one fix: list the lesson's, then the
        # copies' own (stale copies: `make learner` regenerates them)
        in_lesson = {(s.exercise, s.phrase) for s in found if s.where.startswith("notebooks/")}
        shown = [
            s
            for s in found
            if s.where.startswith("notebooks/") or (s.exercise, s.phrase) not in in_lesson
        ]
        if shown or typos:
            lines += ["", f"## {name}"]
            lines += [f"SPOILER {s}" for s in shown]
            lines += [
                f"NOT FOUND at or after {key}: {phrase!r} (typo? it guards nothing)"
                for key, phrase in typos
            ]
            count += len(shown) + len(typos)
    header = [
        "Giveaways (course_utils/checks/texts/NN_*.toml, `giveaways`) that tests/test_spoilers.py",
        "finds above their exercise, or nowhere after it. A phrase shown above the exercise: move",
        "the text after the exercise, or reword it. Copies' failures are listed only when the",
        "lesson (notebooks/, with the toml prompts rendered) does not have them too: then the",
        "stored copy predates the lesson's fix, and goes when the lead runs `make learner`.",
        f"{count} failures, at {time.strftime('%H:%M UTC', time.gmtime())}.",
    ]
    Path(path).write_text("\n".join(header + lines) + "\n", encoding="utf-8")
    return count


if __name__ == "__main__":
    target = sys.argv[1] if len(sys.argv) > 1 else "/work/spoiler_failures.txt"
    print(report(target), "failures written to", target)
