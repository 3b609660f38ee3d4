"""The exercises: answers out of sight, a hint for each known mistake, solutions that match their
exercises, and lessons that run to the end when no exercise is solved.

The answer key is course_utils/checks/answer_key.py (what is computed) joined to the lessons'
data files, course_utils/checks/texts/NN_*.toml (the words); the exercise cells call
``checks.exercise("NN.k", answer, ...)``.
"""

import ast
import re
from pathlib import Path

import keras
import nbformat
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as npst

from course_utils import checks
from course_utils.checks.answer_key import ANSWER_KEY
from course_utils.checks.exercise_texts import join, read_texts
from course_utils.checks.exercises import EXERCISE_CALL
from course_utils.checks.kinds import Choice, ExerciseText, Number, Task
from course_utils.notebook_tags import SOLUTION, SOLUTION_HEADER

ROOT = Path(__file__).resolve().parents[1]
SOURCES = sorted((ROOT / "notebooks").glob("[0-9]*.ipynb"))
COPIES = [ROOT / folder / path.name for folder in ("learner", "live-coding") for path in SOURCES]


def read(path):
    return nbformat.read(path, as_version=4)


def tags(cell):
    return cell.metadata.get("tags", [])


def exercise_cells(notebook):
    """(cell, its exercise ids) for every cell that calls checks.exercise and is no solution."""
    return [
        (cell, EXERCISE_CALL.findall(cell.source))
        for cell in notebook.cells
        if cell.cell_type == "code"
        and EXERCISE_CALL.search(cell.source)
        and SOLUTION not in tags(cell)
    ]


def answer_cell(notebook, cell):
    """The answer cell right above exercise cell ``cell`` (a code cell, no solution, no
    exercise call, where the learner sets what the exercise cell checks), or None."""
    index = notebook.cells.index(cell)
    above = notebook.cells[index - 1] if index else None
    if (
        above is not None
        and above.cell_type == "code"
        and SOLUTION not in tags(above)
        and not EXERCISE_CALL.search(above.source)
    ):
        return above
    return None


def prompt_cell(notebook, cell):
    """The cell that holds the prompt of exercise cell ``cell``: the one right above it, or
    above its answer cell."""
    above = answer_cell(notebook, cell) or cell
    return notebook.cells[notebook.cells.index(above) - 1]


def pairs(notebook):
    """(exercise cell, solution cell) for every exercise of a lesson."""
    found = []
    for index, cell in enumerate(notebook.cells):
        if SOLUTION in tags(cell):
            exercise = notebook.cells[index - 1]
            found.append((exercise, cell))
    return found


def run(exercise_id, answer, capsys, **context):
    """What exercise() prints for ``answer``."""
    checks.exercise(exercise_id, answer, **context)
    return capsys.readouterr().out


# ------------------------------------------------------------------ the key and the lessons


def test_every_exercise_in_the_lessons_is_in_the_key_and_back():
    in_lessons = {
        exercise_id
        for path in SOURCES
        for _, ids in exercise_cells(read(path))
        for exercise_id in ids
    }
    assert in_lessons == set(ANSWER_KEY)


def test_each_exercise_cell_has_its_prompt_right_above_it():
    """The markdown above an exercise cell (or above its answer cell) ends with its first id's
    prompt, options and all (`make learner` renders it from the data file), and no later id has
    a prompt of its own."""
    for path in SOURCES:
        notebook = read(path)
        for cell, ids in exercise_cells(notebook):
            above = prompt_cell(notebook, cell)
            first, *others = (ANSWER_KEY[exercise_id].text.prompt for exercise_id in ids)
            assert first and above.source.endswith(first), f"{path.name} {ids}: run make learner"
            assert not any(others), f"{path.name} {ids}: only {ids[0]} has a prompt"


def test_a_choices_options_are_the_ones_its_prompt_lists_in_feedback_words():
    options = ANSWER_KEY["07.4"].options
    assert options["C"] == "the 20 rows with the smallest x, from -1 to about -0.6"
    assert "- **C**: the 20 rows with the smallest $x$, from −1 to about −0.6" in (
        ANSWER_KEY["07.4"].text.prompt
    )
    assert all(len(item.options) >= 2 for item in ANSWER_KEY.values() if isinstance(item, Choice))


def test_the_right_letters_are_spread_over_the_options():
    letters = [item.text.correct for item in ANSWER_KEY.values() if isinstance(item, Choice)]
    for letter in set(letters):
        assert letters.count(letter) <= len(letters) / 2, f"{letter} is right too often: {letters}"


PROMPT = "### Exercise 1: pick one\n\n- **A**: one\n- **B**: two\n- **C**: three"
FIXED = Number(expected=lambda: 0.04, tolerance=0.001, mistakes={"doubled": lambda: 0.4})


def _joined(text, computed=None):
    """The key ``join`` builds for one exercise, 99.1, from 99_test.toml."""
    return join({"99.1": (text, "99_test.toml")}, {} if computed is None else computed)


@pytest.mark.parametrize(
    ("text", "computed", "problem"),
    [
        (  # a Choice without a hint for each wrong letter
            ExerciseText(prompt=PROMPT, correct="A", explanation="x", hints={"B": "b"}),
            None,
            r"hints for \['B'\]; it needs one for each of \['B', 'C'\]",
        ),
        (  # a right letter its prompt does not list
            ExerciseText(prompt=PROMPT, correct="D", explanation="x", hints={}),
            None,
            "its correct letter 'D' among them",
        ),
        (  # a Choice computed in Python too
            ExerciseText(prompt=PROMPT, correct="A", explanation="x", hints={"B": "", "C": ""}),
            {"99.1": FIXED},
            "keep one of the two",
        ),
        (ExerciseText(prompt=PROMPT), None, "answer_key.py has no entry for it"),
        (  # a Number whose mistakes and hints differ
            ExerciseText(name="n", hint="h", hints={"halved": "h"}),
            {"99.1": FIXED},
            r"hints for \['halved'\]; it needs one for each of \['doubled'\]",
        ),
        (ExerciseText(hints={"doubled": "h"}), {"99.1": FIXED}, r"\['hint', 'name'\] missing"),
        (  # a Task whose check quotes a hint the data file lacks
            ExerciseText(),
            {"99.1": Task(check=print, quotes=("wrong",))},
            r"it needs one for each of \['wrong'\]",
        ),
        (ExerciseText(correct="A", explanation="x"), None, "lists the options \\[\\]"),
    ],
)
def test_join_names_the_file_and_the_id_when_the_data_and_the_key_disagree(text, computed, problem):
    with pytest.raises(ValueError, match=problem) as raised:
        _joined(text, computed)
    assert "99_test.toml ['99.1']" in str(raised.value)


def test_an_id_computed_but_in_no_data_file_is_refused():
    with pytest.raises(ValueError, match="answer_key.py has '99.2', which no data file"):
        join({}, {"99.2": FIXED})


@pytest.mark.parametrize(
    ("toml", "problem"),
    [
        ('["99.1"]\nprompt = "Which one?"', "a prompt starts with its '### Exercise ' heading"),
        ('["99.1"]\ncorect = "A"', "99_test.toml \\['99.1'\\] must be a table of"),
        ('["98.1"]\ncorrect = "A"', "an exercise of lesson 99 starts so"),
        ('["99.1"\n', "99_test.toml is not valid TOML"),
    ],
)
def test_a_data_file_that_cannot_be_read_names_the_problem(tmp_path, toml, problem):
    (tmp_path / "99_test.toml").write_text(toml, encoding="utf-8")
    with pytest.raises(ValueError, match=problem):
        read_texts(tmp_path)


def test_the_data_files_give_every_exercise_its_words():
    texts = read_texts()
    assert list(texts) == list(ANSWER_KEY)
    assert {source for _, source in texts.values()} == {f"{path.stem}.toml" for path in SOURCES}


def test_an_unknown_exercise_id_names_the_fix(capsys):
    assert checks.exercise("01.9", "A") is None
    assert capsys.readouterr().out == (
        "❌ Not yet: there is no exercise '01.9'. Hint: copy the id from the exercise's "
        "heading; lesson 01 has 01.1, 01.2, 01.3, 01.4.\n"
    )
    checks.solution(3)
    assert capsys.readouterr().out == (
        "❌ Not yet: there is no exercise 3. Hint: copy the id from the exercise's heading; an "
        "id is the lesson's two digits, a dot and the exercise's number, such as '01.3'.\n"
    )


def test_an_id_without_its_leading_zero_or_with_spaces_is_read(capsys):
    checks.solution("01.3 ")
    expected = capsys.readouterr().out
    checks.solution("1.3")
    assert capsys.readouterr().out == expected and expected.startswith("Exercise 01.3,")
    assert run(" 1.3", "D", capsys).startswith("✅")


@pytest.mark.parametrize(("parts", "given"), [(None, "None"), ((1, 2, 3), "3 parts")])
def test_a_split_that_is_not_four_parts_names_them(parts, given, capsys):
    assert run("01.2", parts, capsys, x=np.zeros((5, 1)), y=np.zeros(5)) == (
        f"❌ Not yet: you gave {given}, not the four parts of a split. Hint: pass the four "
        "parts in the order train_test_split returns them: (x_train, x_val, y_train, y_val).\n"
    )


def test_a_percentage_for_a_share_is_told_so(capsys):
    assert run("08.5c", 97, capsys, test_accuracy=0.9712) == (
        "❌ Not yet: your 97 looks like a percentage: the test accuracy is a share between 0 "
        "and 1. Hint: give the share, 0.97, not the percentage.\n"
    )


def test_a_number_in_quotes_is_told_it_is_text(capsys):
    assert run("00.2", " 0.04", capsys) == (
        "❌ Not yet: your ' 0.04' is text: the quotes make it a string, not a number. Hint: "
        "write numbers without quotes: 0.04, not ' 0.04'.\n"
    )
    assert run("08.5c", "96%", capsys, test_accuracy=0.9561) == (
        "❌ Not yet: your '96%' is text, a percentage in quotes. Hint: write it as a "
        "number, without quotes or %: 0.96, not '96%'.\n"
    )


def test_only_a_share_reads_a_hundredfold_answer_as_a_percentage(capsys):
    """For a number that is no share, 100 times the answer is a mistake: telling the learner
    to divide by 100 would give the answer away."""
    assert run("00.2", 4, capsys).startswith("❌ Not yet: your 4 is too high for the noise")
    assert "looks like a percentage" in run("07.6", 86.01, capsys)


def test_a_float_epoch_with_no_fraction_is_an_epoch(capsys):
    assert run("02.3", 3.0, capsys, history=HISTORY).startswith("✅ Correct: epoch 3 ")


def test_a_known_mistake_rounded_as_printed_gets_its_hint(capsys):
    printed = run("08.1", 0.693, capsys, **LABELS)
    hint = ANSWER_KEY["08.1"].text.hints["balanced-baseline"]
    assert printed.startswith(f"❌ Not yet: your 0.693 is too low for the baseline. Hint: {hint}")


@pytest.mark.parametrize("typed", ["C)", "(c)", "c.", "Answer: C"])
def test_a_letter_typed_with_brackets_or_a_label_is_read(typed, capsys):
    assert ANSWER_KEY["00.1"].text.correct == "C"
    assert run("00.1", typed, capsys).startswith("✅ Correct: C (")


def test_true_in_quotes_is_told_it_is_text(capsys):
    callback = keras.callbacks.EarlyStopping(patience=10, restore_best_weights="True")
    assert run("08.3", callback, capsys).startswith(
        "❌ Not yet: restore_best_weights is 'True', and 'True' is text. Hint: write True "
        "without quotes: EarlyStopping(..., restore_best_weights=True).\n"
    )


# ------------------------------------------------------------------ feedback that fits


@pytest.mark.parametrize(
    "exercise_id", [key for key, item in ANSWER_KEY.items() if isinstance(item, Choice)]
)
def test_each_wrong_letter_gets_its_own_hint_and_the_right_one_passes(exercise_id, capsys):
    item = ANSWER_KEY[exercise_id]
    for letter, hint in item.text.hints.items():
        printed = run(exercise_id, letter.lower(), capsys)
        assert printed.startswith("❌") and hint in printed
        assert item.text.explanation not in printed  # the explanation waits for a right answer
    assert run(exercise_id, item.text.correct, capsys).startswith("✅")


HISTORY = {"loss": [0.9, 0.5, 0.4, 0.3], "val_loss": [0.8, 0.6, 0.5, 0.7]}
STOP_CURVE = {"loss": [1.0] * 30, "val_loss": [1.0 - 0.01 * e for e in range(8)] + [0.95] * 22}
L2 = {"loss": [0.5], "mse": [0.3], "val_loss": [0.45], "val_mse": [0.41234567]}
VAL_LOSSES = {
    "all 1,000 rows": [0.5, 0.4, 0.3, 0.2],
    "rows 0-19": [0.5, 0.3, 0.4, 0.6],
    "rows 20-39": [0.5, 0.4, 0.3, 0.6],
}
LABELS = {"y_train": np.array([1, 1, 1, 0]), "y_val": np.array([1, 0, 0, 0, 0])}
SCORES = {  # 05.3: 10 validation rows, 5 of them 1s, each score different
    "y_val": np.array([0, 1, 0, 1, 1, 0, 1, 0, 0, 1]),
    "p_val": np.array([0.05, 0.9, 0.3, 0.2, 0.7, 0.6, 0.45, 0.1, 0.15, 0.35], dtype="float32"),
}
DIGITS = {"y_train": np.arange(10).repeat(3), "y_val": np.arange(10)}
PER_CLASS = {  # 03.4: best epoch 2 (index 1); each mistake points at another class
    "per_class_loss": [
        [0.9, 0.9, 0.9, 0.9],
        [0.1, 0.5, 0.2, 0.3],
        [0.0, 0.9, 0.8, 0.3],
        [0.2, 0.9, 0.8, 0.2],
    ],
    "history": {"loss": [0.9, 0.5, 0.4, 0.3], "val_loss": [0.5, 0.2, 0.3, 0.4]},
}


def _val_loss_best_at(epoch, lowest, epochs=10):
    """A made-up val_loss curve with its lowest value ``lowest`` at ``epoch`` (from 1)."""
    return [lowest if e == epoch else lowest + 0.1 + 0.01 * e for e in range(1, epochs + 1)]


FOLD_HISTORIES = {  # 10.2: best epochs 2, 3, 5, 4, 9: mean 4.6, rounded 5; lowest: fold 2
    f"fold {fold}": {"loss": [0.5] * 10, "val_loss": _val_loss_best_at(epoch, lowest)}
    for fold, (epoch, lowest) in enumerate(
        [(2, 0.40), (3, 0.30), (5, 0.45), (4, 0.50), (9, 0.35)], start=1
    )
}
PATIENTS = {  # 10.4: training patients 0, 1, 3; validation 0, 0, 1, 2, 2: 2 shared
    "patient": np.array([0, 0, 0, 1, 1, 2, 2, 3]),
    "train_idx": np.array([0, 3, 7]),
    "val_idx": np.array([1, 2, 4, 5, 6]),
}
NUMBER_CASES = {  # exercise: (context, right answer)
    "00.2": ({}, 0.04),
    "03.1": (DIGITS, None),
    "03.4": (PER_CLASS, 2),
    "04.2": ({"history": STOP_CURVE}, 18),
    "04.3": ({"val_loss": [1.00, 0.80, 0.79, 0.785, 0.83, 0.84]}, 2),
    "07.2": ({"history": L2}, 0.45 - 0.41234567),
    "07.3": ({"val_losses": VAL_LOSSES}, 1),
    "07.6": ({}, 0.99**15),
    "05.3": (SCORES, None),
    "08.1": (LABELS, None),
    "08.5c": ({"test_accuracy": 0.9561}, 0.96),
    "09.2": ({"val_loss": [0.90, 0.70, 0.65, 0.66, 0.64995, 0.67, 0.66, 0.68, 0.60]}, 7),
    "09.4": ({"history": {"val_loss": [0.5, 0.3, 0.4]}, "target_std": 60.0}, 0.3 * 3600),
    "10.2": ({"fold_histories": FOLD_HISTORIES}, 5),
    "10.4": (PATIENTS, 2),
}


@pytest.mark.parametrize("exercise_id", sorted(NUMBER_CASES))
def test_each_known_mistake_with_a_number_gets_its_own_hint(exercise_id, capsys):
    item = ANSWER_KEY[exercise_id]
    assert isinstance(item, Number)
    context, right = NUMBER_CASES[exercise_id]
    right = item.expected(**context) if right is None else right
    for name, mistaken in item.mistakes.items():
        printed = run(exercise_id, float(mistaken(**context)), capsys, **context)
        assert printed.startswith("❌") and item.text.hints[name] in printed, printed
    assert run(exercise_id, right, capsys, **context).startswith("✅")


def test_the_final_epochs_fall_back_to_a_whole_number_the_next_cell_can_train_with(capsys):
    for unsolved in (None, ..., "5", 4.6):
        final_epochs = checks.exercise("10.2", unsolved, fold_histories=FOLD_HISTORIES)
        printed = capsys.readouterr().out
        assert printed.startswith("❌") and "Until yours passes" in printed
        assert "looking at your answer raised" not in printed  # the judge's own hint
        assert final_epochs == 5 and isinstance(final_epochs, int)
    assert checks.exercise("10.2", 5, fold_histories=FOLD_HISTORIES) == 5


def test_a_digit_is_not_too_high_or_too_low(capsys):
    for wrong in (1, 3):  # a known mistake's digit, and another
        assert run("03.4", wrong, capsys, **PER_CLASS).startswith(
            f"❌ Not yet: the digit is not your {wrong}. Hint: "
        )


@pytest.mark.parametrize("exercise_id", ["02.3", "08.5b"])
def test_an_epoch_in_quotes_is_told_it_is_text(exercise_id, capsys):
    assert run(exercise_id, " 3 ", capsys, history=HISTORY) == (
        "❌ Not yet: your ' 3 ' is text: the quotes make it a string, not a number. Hint: write "
        "numbers without quotes: 3, not ' 3 '.\n"
    )
    assert run(exercise_id, np.array(3), capsys, history=HISTORY).startswith("✅")


def test_a_number_the_later_cells_use_comes_back_plain(capsys):
    import tensorflow as tf

    right = ANSWER_KEY["08.1"].expected(**LABELS)
    for typed in (tf.constant(right, dtype="float64"), np.array(right), np.float32(right)):
        given = checks.exercise("08.1", typed, **LABELS)
        assert capsys.readouterr().out.startswith("✅")
        assert type(given) is float and abs(given - right) < 1e-6
    assert type(checks.exercise("10.2", np.int64(5), fold_histories=FOLD_HISTORIES)) is int


def test_an_unsolved_builder_says_so_in_each_cell_that_builds_with_it(capsys):
    build_classifier = checks.exercise("02.1", None)
    assert "↪ Until yours passes" in capsys.readouterr().out
    for _ in range(2):  # once per use
        model = build_classifier()
        assert capsys.readouterr().out == (
            "(02.1 not solved yet: this cell uses the course's build_classifier)\n"
        )
    assert model.layers[0].units == 64 and build_classifier.__name__ == "build_classifier"


def test_an_unsolved_callback_says_so_each_time_a_fit_starts_with_it(capsys):
    from course_utils.reproducibility import seed_everything

    early_stopping = checks.exercise("08.3", None)
    assert "↪ Until yours passes" in capsys.readouterr().out
    assert isinstance(early_stopping, keras.callbacks.EarlyStopping)
    seed_everything(0)
    model = keras.Sequential([keras.Input(shape=(1,)), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    x = np.zeros((4, 1))
    for _ in range(2):
        model.fit(x, x, validation_data=(x, x), epochs=2, callbacks=[early_stopping], verbose=0)
        assert capsys.readouterr().out == (
            "(08.3 not solved yet: this cell uses the course's callback)\n"
        )
    assert early_stopping.patience == 10 and early_stopping.restore_best_weights


def test_a_rounded_copy_of_a_printed_number_is_told_so(capsys):
    printed = run("07.2", round(0.45 - 0.41234567, 3), capsys, history=L2)
    assert printed == (
        "❌ Not yet: your 0.038 is the penalty in the first val_loss rounded, as it was "
        "printed. Hint: compute it from the objects themselves, so that every digit is there.\n"
    )


def test_a_split_of_scaled_rows_is_told_so(capsys):
    from sklearn.model_selection import train_test_split
    from sklearn.preprocessing import StandardScaler

    x = np.linspace(-1, 1, 50).reshape(-1, 1) + 3
    y = 2 * x
    scaled = train_test_split(StandardScaler().fit_transform(x), y, test_size=0.2, random_state=0)
    printed = run("01.2", tuple(scaled), capsys, x=x, y=y)
    assert printed.startswith("❌") and "were scaled" in printed
    right = tuple(train_test_split(x, y, test_size=0.2, random_state=0))
    assert run("01.2", right, capsys, x=x, y=y).startswith("✅")


def test_the_final_loss_is_judged_not_the_best(capsys):
    jumpy = {"loss": [0.5, 0.04, 0.08], "val_loss": [0.5, 0.04, 0.076]}
    printed = run("01.4", jumpy, capsys)
    assert printed.startswith("❌") and "moved away from it" in printed
    assert run("01.4", {"loss": [0.5, 0.04], "val_loss": [0.5, 0.04]}, capsys).startswith("✅")


def test_patience_given_as_text_is_told_so(capsys):
    callback = keras.callbacks.EarlyStopping(patience="10", restore_best_weights=True)
    printed = run("04.1", callback, capsys)
    assert "the text '10', not a number" in printed


def test_a_builder_with_two_softmax_units_gets_the_one_unit_hint(capsys):
    def build_classifier():
        model = keras.Sequential(
            [keras.Input(shape=(10,)), keras.layers.Dense(2, activation="softmax")]
        )
        model.compile(optimizer="adam", loss="mse")
        return model

    printed = run("02.1", build_classifier, capsys)
    assert printed.startswith("❌") and "the last layer has 2 units" in printed


def test_a_builder_that_raises_gets_its_error_as_a_hint(capsys):
    def build_classifier():
        return keras.layers.Dense(1, activation="sigmoid", units=2)

    printed = run("02.1", build_classifier, capsys)
    assert printed.startswith("❌") and "build_classifier() raised TypeError" in printed


def test_off_by_one_best_epoch_and_a_wrong_verdict_letter(capsys):
    printed = run("02.3", 2, capsys, history=HISTORY)
    assert "next to the best epoch" in printed

    class Diagnosis:
        verdict = "good fit"

    printed = run("08.5a", "B", capsys, diagnosis=Diagnosis())
    assert printed.startswith("❌") and "read the first line diagnose printed" in printed
    assert run("08.5a", "c", capsys, diagnosis=Diagnosis()).startswith("✅")


def test_one_lever_that_does_not_fix_the_run_gets_that_levers_hint(capsys):
    from course_utils.checks.answer_key import OVERFITTING_RUN
    from course_utils.explorer import Settings, run_experiment

    printed = run("06.2", run_experiment(Settings(**OVERFITTING_RUN, dropout=0.5)), capsys)
    assert printed.startswith("❌") and ANSWER_KEY["06.2"].text.hints["dropout"] in printed
    printed = run("06.2", run_experiment(Settings(**{**OVERFITTING_RUN, "width": 4})), capsys)
    assert printed.startswith("✅")


# ------------------------------------------------------------------ nothing a learner types raises


class Diagnosis:
    verdict = "overfitting"


CONTEXTS = {  # exercise: a small stand-in for the objects its lesson passes by name
    **{exercise_id: context for exercise_id, (context, _) in NUMBER_CASES.items()},
    "01.2": {"x": np.linspace(0, 1, 10).reshape(-1, 1), "y": np.linspace(0, 1, 10)},
    "02.3": {"history": HISTORY},
    "08.5a": {"diagnosis": Diagnosis()},
    "08.5b": {"history": HISTORY},
}


def test_the_stand_in_contexts_name_what_the_lessons_pass():
    """Each exercise call in the lessons passes, by name, exactly what CONTEXTS gives it."""
    passed = {}
    for path in SOURCES:
        for cell, _ in exercise_cells(read(path)):
            for node in ast.walk(ast.parse(cell.source)):
                if isinstance(node, ast.Call) and ast.unparse(node.func) == "checks.exercise":
                    names = {keyword.arg for keyword in node.keywords}
                    passed[node.args[0].value] = names
    assert passed == {exercise_id: set(CONTEXTS.get(exercise_id, {})) for exercise_id in passed}


class Broken:
    """A learner's object with a bug: it raises whenever it is looked at."""

    def _boom(self, *args, **kwargs):
        raise RuntimeError("boom")

    __getattr__ = __len__ = __array__ = __iter__ = __repr__ = __str__ = _boom
    __eq__ = __hash__ = __bool__ = __float__ = __index__ = __getitem__ = _boom


def _classifier(width, metrics=("accuracy",)):
    """A build_classifier for rows of ``width`` features, compiled for two classes."""

    def build_classifier():
        model = keras.Sequential(
            [keras.Input(shape=(width,)), keras.layers.Dense(1, activation="sigmoid")]
        )
        model.compile(optimizer="adam", loss="binary_crossentropy", metrics=list(metrics))
        return model

    return build_classifier


def _raises():
    raise RuntimeError("a bug in the learner's function")


# what a learner passes where code is expected: nothing, a model instead of its builder, a
# builder that raises or returns nothing, a name in quotes, builders for the wrong rows or
# without the metric, a class, a list of callbacks, another callback
HOSTILE_CODE = {
    "None": None,
    "a model, not its builder": _classifier(10)(),
    "a function that raises": _raises,
    "a lambda returning None": lambda: None,
    "a builder that takes arguments": lambda units: None,
    "a string": "build_classifier",
    "a builder for rows of 1 feature": _classifier(1),
    "a builder with no metric": _classifier(10, metrics=()),
    "a builder for rows of 30 features, two metrics": _classifier(30, ("accuracy", "auc")),
    "a class": keras.callbacks.EarlyStopping,
    "a list of callbacks": [keras.callbacks.EarlyStopping(patience=10)],
    "another callback": keras.callbacks.History(),
}

HOSTILE = st.one_of(
    st.sampled_from(list(HOSTILE_CODE.values())),
    st.none(),
    st.booleans(),
    st.integers(-(10**30), 10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
    st.sampled_from(["C)", "(c)", "Answer: C", "True", "28", "0.5", "", "..."]),
    st.lists(st.floats(-10, 10), max_size=5),
    st.tuples(st.integers(0, 3), st.text(max_size=3)),
    st.dictionaries(st.text(max_size=4), st.integers(), max_size=3),
    npst.arrays(np.float64, npst.array_shapes(min_dims=0, max_dims=2, max_side=4)),
    st.just(...),
)


@pytest.mark.parametrize("exercise_id", list(ANSWER_KEY))
@settings(
    database=None,
    deadline=None,
    max_examples=15,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(answer=HOSTILE)
def test_any_answer_gets_one_verdict_line_and_no_traceback(exercise_id, answer, capsys):
    assert_one_verdict(exercise_id, answer, capsys)


@pytest.mark.parametrize("exercise_id", list(ANSWER_KEY))
def test_an_answer_that_raises_when_looked_at_gets_one_verdict_line(exercise_id, capsys):
    assert_one_verdict(exercise_id, Broken(), capsys)


@pytest.mark.parametrize("exercise_id", list(ANSWER_KEY))
def test_any_code_answer_gets_one_verdict_line_and_no_traceback(exercise_id, capsys):
    """Every exercise, given each of HOSTILE_CODE: one verdict line, no traceback."""
    for answer in HOSTILE_CODE.values():
        assert_one_verdict(exercise_id, answer, capsys)


CODE_HINTS = {  # 02.1: each mistaken code answer gets its own hint
    "None": "None is not a function that builds a model",
    "a model, not its builder": "you passed a model, not the function that builds one",
    "a function that raises": "_raises() raised RuntimeError: a bug in the learner's function",
    "a lambda returning None": "<lambda>() returned None, not a model",
    "a builder that takes arguments": "<lambda> needs units, but the cells below call",
    "a string": "'build_classifier' is not a function that builds a model",
    "a builder for rows of 1 feature": "the model takes rows of 1 number (keras.Input(shape=(1,)))",
    "a builder with no metric": "the model reports no metric, but the cells below read",
    "a builder for rows of 30 features, two metrics": "but the cells below train it on rows of 10",
    "a class": "EarlyStopping is a class, not a function that builds your model",
    "a list of callbacks": "is not a function that builds a model",
    "another callback": "is not a function that builds a model",
}


@pytest.mark.parametrize("name", CODE_HINTS)
def test_each_mistaken_builder_gets_its_own_hint(name, capsys):
    printed = run("02.1", HOSTILE_CODE[name], capsys)
    assert printed.startswith("❌ Not yet: ") and CODE_HINTS[name] in printed, printed


def assert_one_verdict(exercise_id, answer, capsys):
    """exercise() prints one ✅ or ❌ line for ``answer``, and at most the fallback's line."""
    checks.exercise(exercise_id, answer, **CONTEXTS.get(exercise_id, {}))
    first, *rest = capsys.readouterr().out.splitlines()
    assert first.startswith("✅ Correct: ") or (
        first.startswith("❌ Not yet: ") and " Hint: " in first
    ), first
    assert rest == [] or (len(rest) == 1 and rest[0].startswith("↪ Until yours passes")), rest


# ------------------------------------------------------------------ answers out of sight


def _literals(tree):
    return [node.value for node in ast.walk(tree) if isinstance(node, ast.Constant)]


@pytest.mark.parametrize(
    "path", SOURCES + COPIES, ids=lambda path: f"{path.parent.name}/{path.stem}"
)
def test_no_exercise_cell_shows_its_answer(path):
    for cell, ids in exercise_cells(read(path)):
        tree = ast.parse(cell.source)
        for node in ast.walk(tree):
            if isinstance(node, ast.Name) and node.id.startswith("check_"):
                pytest.fail(f"{path.name}: an exercise cell calls {node.id}: use checks.exercise")
            if isinstance(node, ast.Call) and EXERCISE_CALL.search(ast.unparse(node)):
                given = [*node.args[1:], *(keyword.value for keyword in node.keywords)]
                for argument in given:  # the learner's objects, by name: no formula, no value
                    names = argument.elts if isinstance(argument, ast.Tuple) else [argument]
                    assert all(isinstance(n, (ast.Name, ast.Attribute)) for n in names), (
                        f"{path.name} {ids}: pass objects by name, not {ast.unparse(argument)}"
                    )
        letters = [v for v in _literals(tree) if isinstance(v, str) and re.fullmatch("[A-E]", v)]
        assert not letters, f"{path.name} {ids}: the exercise cell holds the letter {letters}"
        for exercise_id in ids:
            item = ANSWER_KEY[exercise_id]
            if isinstance(item, Number) and item.expected.__code__.co_argcount == 0:
                numbers = [v for v in _literals(tree) if isinstance(v, (int, float))]
                assert not any(abs(v - item.expected()) <= item.tolerance for v in numbers), (
                    f"{path.name} {exercise_id}: the exercise cell holds the answer"
                )


# ------------------------------------------------------------------ the learner's answer survives

# exercises whose answer is code the learner writes in the exercise cell itself (a split, a
# history, a builder, a callback, a run): they keep one cell
CODE_EXERCISES = {"01.2", "01.4", "02.1", "04.1", "06.2", "08.2", "08.3"}


def _bound(node):
    """The names a statement binds: assignment, augmented or annotated assignment, for, with,
    def and class, at any depth."""
    bound = set()
    for inner in ast.walk(node):
        targets = []
        if isinstance(inner, ast.Assign):
            targets = inner.targets
        elif isinstance(inner, (ast.AugAssign, ast.AnnAssign, ast.For)):
            targets = [inner.target]
        elif isinstance(inner, ast.withitem) and inner.optional_vars is not None:
            targets = [inner.optional_vars]
        elif isinstance(inner, (ast.FunctionDef, ast.ClassDef)):
            bound.add(inner.name)
        for target in targets:
            bound |= {n.id for n in ast.walk(target) if isinstance(n, ast.Name)}
    return bound


def test_the_code_exercises_are_tasks():
    assert all(isinstance(ANSWER_KEY[exercise_id], Task) for exercise_id in CODE_EXERCISES)


@pytest.mark.parametrize(
    "path", SOURCES + COPIES, ids=lambda path: f"{path.parent.name}/{path.stem}"
)
def test_no_exercise_cell_resets_the_answer_it_checks(path):
    """A learner who sets ``answer = "C"`` in the answer cell and runs the exercise cell gets
    "C" checked: the exercise cell never assigns the name it passes as the answer (but for
    the name it binds to what checks.exercise returns). Code exercises are written in their
    exercise cell, and are exempt."""
    for cell, _ in exercise_cells(read(path)):
        tree = ast.parse(cell.source)
        reset = set()  # what the cell's statements bind, but to what checks.exercise returns
        for statement in tree.body:
            returns = isinstance(statement, ast.Assign) and _is_exercise_call(statement.value)
            reset |= set() if returns else _bound(statement)
        for call in (node for node in ast.walk(tree) if _is_exercise_call(node)):
            (exercise_id,) = EXERCISE_CALL.findall(ast.unparse(call))
            given = {n.id for n in ast.walk(call.args[1]) if isinstance(n, ast.Name)}
            assert exercise_id in CODE_EXERCISES or not reset & given, (
                f"{path.parent.name}/{path.name} {exercise_id}: the exercise cell sets "
                f"{sorted(reset & given)}, which resets the learner's answer: move that line "
                "to an answer cell right above it"
            )


def _is_exercise_call(node):
    return (
        isinstance(node, ast.Call)
        and ast.unparse(node.func) == "checks.exercise"
        and len(node.args) >= 2
    )


# ------------------------------------------------------------------ solutions


def code_lines(source):
    """The lines of ``source`` without comments and blank lines, stripped."""
    lines = (line.split("  #")[0].strip() for line in source.splitlines())
    return [line for line in lines if line and not line.startswith("#")]


@pytest.mark.parametrize("path", SOURCES, ids=lambda path: path.stem)
def test_each_solution_matches_its_exercise_outside_the_blanks(path):
    """Every line of the exercise cell not marked ``# TODO`` stands in its solution, in order;
    the blanks are marked in the exercise cell or in its answer cell."""
    notebook = read(path)
    for exercise, solution in pairs(notebook):
        answer = answer_cell(notebook, exercise)
        lines = exercise.source.splitlines()
        kept = code_lines("\n".join(line for line in lines if "# TODO" not in line))
        remaining = iter(code_lines(solution.source))
        missing = [line for line in kept if line not in remaining]
        assert not missing, (
            f"{path.name}: the solution of {EXERCISE_CALL.findall(exercise.source)} lacks {missing}"
        )
        blanks = exercise.source + ("" if answer is None else answer.source)
        assert "# TODO" in blanks, f"{path.name}: mark the learner's blanks with # TODO"


@pytest.mark.parametrize("path", SOURCES, ids=lambda path: path.stem)
def test_solutions_stay_folded_with_their_output(path):
    for _, solution in pairs(read(path)):
        assert solution.metadata.get("jupyter") == {"source_hidden": True, "outputs_hidden": True}
        assert solution.source.startswith(SOLUTION_HEADER), "the folded cell shows its first line"


def test_solution_prints_the_lessons_solution_for_every_exercise(capsys):
    from_lessons = {
        exercise_id: solution.source.removeprefix(SOLUTION_HEADER)
        for path in SOURCES
        for _, solution in pairs(read(path))
        for exercise_id in EXERCISE_CALL.findall(solution.source)
    }
    assert set(from_lessons) == set(ANSWER_KEY)
    for exercise_id, source in from_lessons.items():
        checks.solution(exercise_id)
        assert source in capsys.readouterr().out


def test_the_instructor_guides_answer_letters_are_the_keys():
    guide = (ROOT / "instructors" / "GUIDE.md").read_text(encoding="utf-8")
    answers = guide.split("Right answers, by exercise:")[1].split("\n\n")[0]
    listed = dict(re.findall(r"\b(\d\d\.\d) ([A-D])\b", answers))
    key = {k: item.text.correct for k, item in ANSWER_KEY.items() if isinstance(item, Choice)}
    assert listed == key
