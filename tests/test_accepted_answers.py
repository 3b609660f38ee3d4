"""A ✅ guarantees the rest of the lesson runs (issue 24, point 1).

Some exercises hand their answer on: the cells after 02.1 build their models with the
learner's ``build_classifier``, those after 04.1 train with the learner's callback, and so on
(``exercise`` returns the answer once it passes, the answer key's reference until then). For
those, every answer the check accepts must let the rest of the lesson run, as the learner copy
runs it, to the end.

- The reference: CI's nbval run executes every lesson with its solution cells isolated, so
  the cells after an exercise run with the answer key's reference. The tests below show that
  this reference is the solution cell's code (a builder or a callback: the function the
  reference calls stands for the solution cell, and tests/test_lessons.py compares the two), or
  agrees with the solution's value within the check's tolerance (a number: the solution cell's
  stored output is a ✅, which nbval checks).
- The variants: each lesson with such exercises runs once, in the course kernel, as the
  learner copy with every such exercise answered by an accepted variant other than the
  solution (``VARIANTS``), one test per lesson, each in its own class so that
  ``pytest -n auto --dist loadscope`` spreads them over the workers.
- The near misses: ``BREAKING`` holds answers that look right but would break a later cell
  (a builder for rows of 1 feature, no accuracy metric, a model instead of its builder...).
  Their checks must reject them; if one is accepted, its lesson runs with it, and fails.
- Which exercises hand their answer on is read from the lessons: a cell after an exercise that
  reads its answer must read what checks.exercise returned, and the exercise must have a
  reference and a variant here.
"""

import ast
import inspect
import re
import resource
import textwrap
from pathlib import Path

import keras
import nbformat
import numpy as np
import pytest
from classroom import learner_copy  # tools/, on pytest's pythonpath
from lesson_run import names
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

from course_utils import checks
from course_utils.checks.answer_key import _N_FEATURES, ANSWER_KEY
from course_utils.checks.exercises import EXERCISE_CALL
from course_utils.checks.kinds import Number, Task
from course_utils.course_kernel import KERNEL_NAME
from course_utils.notebook_tags import PLACEHOLDER, SOLUTION

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"

# the exercises whose answer later cells use: those the answer key gives a reference
FLOWING = sorted(key for key, item in ANSWER_KEY.items() if getattr(item, "reference", None))
LESSONS = sorted({exercise_id[:2] for exercise_id in FLOWING})

# an accepted answer to each exercise of FLOWING, other than its solution: code that defines
# ANSWER, the name the exercise cell passes as the answer, put in place of the exercise cell's
# own code (its checks.exercise statement stays as the lesson has it)
VARIANTS = {
    "02.1": """
        def ANSWER():  # the functional API, an Activation layer, a named metric, AUC
            inputs = keras.Input(shape=(x_train.shape[1],))
            hidden = keras.layers.Dense(16, activation="relu")(inputs)
            outputs = keras.layers.Activation("sigmoid")(keras.layers.Dense(1)(hidden))
            model = keras.Model(inputs, outputs)
            model.compile(
                optimizer="adam",
                loss=keras.losses.BinaryCrossentropy(),
                metrics=[keras.metrics.BinaryAccuracy(name="accuracy"), "auc"],
            )
            return model
        """,
    "04.1": """
        ANSWER = keras.callbacks.EarlyStopping(
            patience=10, restore_best_weights=True, mode="min", verbose=0
        )
        """,
    # a 0-d array: the cells after it get a plain number
    "05.3": "ANSWER = np.array(thresholds[np.flatnonzero(recall[:-1] >= 0.8)[-1]])",
    # a TensorFlow tensor, computed by hand: the cells after it get a plain number
    "08.1": """
        share = y_train.mean()
        ANSWER = keras.ops.mean(
            -(y_val * keras.ops.log(share) + (1 - y_val) * keras.ops.log(1 - share))
        )
        """,
    "08.2": """
        def ANSWER():  # logits, with an accuracy cut at 0 and named as the cells read
            model = keras.Sequential(
                [
                    keras.Input(shape=(30,)),
                    keras.layers.Dense(8, activation="relu"),
                    keras.layers.Dense(1),
                ]
            )
            model.compile(
                optimizer=keras.optimizers.Adam(learning_rate=0.003),
                loss=keras.losses.BinaryCrossentropy(from_logits=True),
                metrics=[keras.metrics.BinaryAccuracy(threshold=0.0, name="accuracy")],
            )
            return model
        """,
    "08.3": """
        ANSWER = keras.callbacks.EarlyStopping("val_loss", patience=10, restore_best_weights=True)
        """,
    "10.2": """
        best_epochs = [np.argmin(h.history["val_loss"]) + 1 for h in fold_histories.values()]
        ANSWER = np.float64(np.round(np.mean(best_epochs)))  # 7.0, not 7
        """,
}


def _builder(*layers, compile_with="metrics=['accuracy']"):
    """Source of a builder with ``layers``, compiled for two classes."""
    return f"""
        def ANSWER():
            model = keras.Sequential([{", ".join(layers)}])
            model.compile(optimizer="adam", loss="binary_crossentropy", {compile_with})
            return model
        """


SIGMOID = 'keras.layers.Dense(1, activation="sigmoid")'
# answers that look right but break a cell after the exercise (what breaks, as measured on the
# lessons before their checks were taught to say so): each check must reject them
BREAKING = {
    "02.1 Input(shape=(1,))": ("02.1", _builder("keras.Input(shape=(1,))", SIGMOID)),  # ValueError
    "02.1 no metrics": ("02.1", _builder("keras.Input(shape=(10,))", SIGMOID, compile_with="")),
    "02.1 metrics=['acc']": (  # KeyError 'accuracy'
        "02.1",
        _builder("keras.Input(shape=(10,))", SIGMOID, compile_with="metrics=['acc']"),
    ),
    "02.1 the model, not its builder": (  # TypeError: build_classifier() is no call
        "02.1",
        _builder("keras.Input(shape=(10,))", SIGMOID) + "\nANSWER = ANSWER()",
    ),
    "08.2 Input(shape=(10,))": ("08.2", _builder("keras.Input(shape=(10,))", SIGMOID)),
    "08.2 accuracy and AUC": (  # model.evaluate gives three numbers to unpack into two
        "08.2",
        _builder("keras.Input(shape=(30,))", SIGMOID, compile_with="metrics=['accuracy', 'auc']"),
    ),
    "08.2 logits, BinaryAccuracy(threshold=0.0)": (  # KeyError 'val_accuracy'
        "08.2",
        """
        def ANSWER():
            model = keras.Sequential([keras.Input(shape=(30,)), keras.layers.Dense(1)])
            model.compile(
                optimizer="adam",
                loss=keras.losses.BinaryCrossentropy(from_logits=True),
                metrics=[keras.metrics.BinaryAccuracy(threshold=0.0)],
            )
            return model
        """,
    ),
    "08.2 the model, not its builder": (
        "08.2",
        _builder("keras.Input(shape=(30,))", SIGMOID) + "\nANSWER = ANSWER()",
    ),
    "04.1 in a list": (  # fit(callbacks=[[...]])
        "04.1",
        "ANSWER = [keras.callbacks.EarlyStopping(patience=10, restore_best_weights=True)]",
    ),
    "08.3 in a list": (
        "08.3",
        "ANSWER = [keras.callbacks.EarlyStopping(patience=10, restore_best_weights=True)]",
    ),
}


# ------------------------------------------------------------------ the lessons' cells


def lesson_path(lesson):
    (path,) = NOTEBOOKS.glob(f"{lesson}_*.ipynb")
    return path


def learner_notebook(lesson):
    """The learner copy of lesson ``lesson`` ("02"), built in memory as `make learner` does."""
    path = lesson_path(lesson)
    return learner_copy(nbformat.read(path, as_version=4), path.name)


def exercise_cell(notebook, exercise_id):
    """The cell of ``notebook`` that checks ``exercise_id`` (no solution, no placeholder)."""
    (cell,) = [
        cell
        for cell in notebook.cells
        if cell.cell_type == "code"
        and not {SOLUTION, PLACEHOLDER} & set(cell.metadata.get("tags", []))
        and exercise_id in EXERCISE_CALL.findall(cell.source)
    ]
    return cell


def check_statements(source, exercise_id):
    """(the statements of ``source`` that call checks.exercise(exercise_id, ...), as written;
    the name they pass as the answer)."""
    statements, passed = [], set()
    for statement in ast.parse(source).body:
        for call in ast.walk(statement):
            if (
                isinstance(call, ast.Call)
                and EXERCISE_CALL.findall(ast.unparse(call)) == [exercise_id]
                and ast.unparse(call.func) == "checks.exercise"
            ):
                statements.append(ast.get_source_segment(source, statement))
                passed.add(ast.unparse(call.args[1]))
    assert len(passed) == 1, f"{exercise_id}: one checks.exercise call, one name, in {source!r}"
    return "\n".join(statements), passed.pop()


def answered(source, exercise_id, answer):
    """``source`` of an exercise cell with its code replaced by ``answer`` (ANSWER in it: the
    name the cell passes as the answer), then the cell's own checks.exercise statement."""
    statements, name = check_statements(source, exercise_id)
    assert name.isidentifier(), f"{exercise_id} passes {name}, not a name"
    return textwrap.dedent(answer).strip().replace("ANSWER", name) + "\n\n" + statements


def run_learner_copy(lesson, answers):
    """Execute lesson ``lesson``'s learner copy in the course kernel, from the notebooks
    folder, with the exercise cells of ``answers`` ({id: code}) answered so; the executed
    notebook, or a test failure naming the cell that raised."""
    notebook = learner_notebook(lesson)
    for exercise_id, answer in answers.items():
        cell = exercise_cell(notebook, exercise_id)
        cell.source = answered(cell.source, exercise_id, answer)
    kernels_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    client = NotebookClient(
        notebook,
        kernel_name=KERNEL_NAME,
        timeout=600,
        resources={"metadata": {"path": str(NOTEBOOKS)}},
    )
    try:
        client.execute()
    except CellExecutionError as error:
        lines = [ANSI.sub("", line) for line in str(error).splitlines() if line.strip()]
        raised = [line for line in lines if RAISED.match(line)] or lines
        pytest.fail(f"lesson {lesson} with {sorted(answers)} answered so: {raised[-1]}")
    kernels_after = resource.getrusage(resource.RUSAGE_CHILDREN)
    seconds = sum(getattr(kernels_after, f) - getattr(kernels_before, f) for f in CPU)
    print(f"lesson {lesson}: the kernel used {seconds:.1f} CPU seconds")
    return notebook


CPU = ("ru_utime", "ru_stime")
ANSI = re.compile(r"\x1b\[[0-9;]*m")  # the colours of a traceback
RAISED = re.compile(r"[A-Za-z_.]*(Error|Exception)\b: ")  # "ValueError: ..." in a traceback


def printed(cell):
    return "".join(
        output.get("text", "")
        for output in cell.get("outputs", [])
        if output.get("output_type") == "stream" and output.get("name") == "stdout"
    )


# ------------------------------------------------------------------ the reference is the solution


def solution_cell(notebook, exercise_id):
    (cell,) = [
        cell
        for cell in notebook.cells
        if SOLUTION in cell.metadata.get("tags", [])
        and exercise_id in EXERCISE_CALL.findall(cell.source)
    ]
    return cell


@pytest.mark.parametrize("exercise_id", FLOWING)
def test_the_reference_the_unsolved_path_uses_is_the_solution(exercise_id):
    """What the cells after an unsolved exercise use is what its solution cell makes."""
    item = ANSWER_KEY[exercise_id]
    notebook = nbformat.read(lesson_path(exercise_id[:2]), as_version=4)
    solution = solution_cell(notebook, exercise_id)
    if isinstance(item, Task):  # a builder, or a function that makes the callback
        made = item.reference()
        function = made if inspect.isfunction(made) else item.reference
        assert f"Stands for cell ``{solution.id}``" in inspect.getdoc(function), (
            f"{exercise_id}: the reference {function.__qualname__} must stand for the solution "
            f"cell {solution.id} (tests/test_lessons.py then compares their code)"
        )
    else:  # a number: the solution passes the check, so it is the reference within tolerance
        assert isinstance(item, Number) and item.stands_for
        assert printed(solution).startswith("✅ Correct: "), (
            f"{exercise_id}: the solution cell's stored output is no ✅"
        )


def test_the_builders_input_width_is_the_references():
    for reference, width in _N_FEATURES.items():
        assert reference().inputs[0].shape[1:] == (width,), reference.__module__


# ------------------------------------------------------------------ answers that flow on


def answer_names(cell_source):
    """{exercise id: the names a cell passes as the answer or binds to what exercise returns}."""
    found = {}
    if not EXERCISE_CALL.search(cell_source):
        return found
    for node in ast.walk(ast.parse(cell_source)):
        targets, call = [], node
        if isinstance(node, ast.Assign):
            targets, call = node.targets, node.value
        if isinstance(call, ast.Call) and ast.unparse(call.func) == "checks.exercise":
            (exercise_id,) = EXERCISE_CALL.findall(ast.unparse(call))
            given = list(ast.walk(call.args[1])) if len(call.args) > 1 else []
            bound = [name for target in targets for name in ast.walk(target)]
            found.setdefault(exercise_id, set()).update(
                name.id for name in [*given, *bound] if isinstance(name, ast.Name)
            )
    return found


@pytest.mark.parametrize(
    "lesson", [path.name[:2] for path in sorted(NOTEBOOKS.glob("[0-9]*.ipynb"))]
)
def test_a_later_cell_reads_an_answer_only_through_what_exercise_returns(lesson):
    """When a cell after an exercise reads its answer, the exercise has a reference (so an
    unsolved exercise breaks nothing), and the cell reads it from the exercise cell (what
    checks.exercise returned), never from the answer cell above it (the raw answer)."""
    cells = [
        cell
        for cell in learner_notebook(lesson).cells
        if cell.cell_type == "code" and PLACEHOLDER not in cell.metadata.get("tags", [])
    ]
    parsed = [names(cell.source) for cell in cells]
    exercise_at = {i: answer_names(cell.source) for i, cell in enumerate(cells)}
    for later, (_, read) in enumerate(parsed):
        if exercise_at[later]:
            continue  # an exercise cell reads answers to check them
        for name in read:
            definers = [i for i in range(later) if name in parsed[i][0]]
            if not definers:
                continue
            definer = definers[-1]
            by_exercise = [key for key, bound in exercise_at[definer].items() if name in bound]
            following = exercise_at.get(definer + 1, {})
            raw = [key for key, bound in following.items() if name in bound]
            assert not raw or exercise_at[definer], (
                f"lesson {lesson}: a cell reads {name!r} from the answer cell of {raw}; read "
                "what checks.exercise returns instead"
            )
            for exercise_id in by_exercise:
                assert exercise_id in FLOWING, (
                    f"lesson {lesson}: a cell after {exercise_id} reads {name!r}: give "
                    f"{exercise_id} a reference in answer_key.py and a variant in VARIANTS"
                )


# ------------------------------------------------------------------ the variants run


def test_every_exercise_that_hands_its_answer_on_has_a_variant():
    assert sorted(VARIANTS) == FLOWING


class _LessonWithVariants:
    """Lesson ``lesson``'s learner copy, every exercise of FLOWING answered by its variant,
    runs to the end; each variant gets its ✅, and no cell says it used a reference."""

    lesson = ""

    @pytest.mark.notebooks
    def test_runs_to_the_end_with_accepted_variants(self):
        answers = {key: VARIANTS[key] for key in FLOWING if key.startswith(self.lesson)}
        notebook = run_learner_copy(self.lesson, answers)
        for exercise_id in answers:
            out = printed(exercise_cell(notebook, exercise_id))
            assert "✅ Correct: " in out and "❌" not in out, f"{exercise_id}: {out!r}"
        everything = "".join(printed(cell) for cell in notebook.cells)
        for exercise_id in answers:
            assert f"({exercise_id} not solved yet" not in everything


for _lesson in LESSONS:  # one class per lesson: xdist's loadscope runs each on its own
    globals()[f"TestLesson{_lesson}"] = type(
        f"TestLesson{_lesson}", (_LessonWithVariants,), {"lesson": _lesson}
    )


# ------------------------------------------------------------------ near misses are rejected


@pytest.mark.parametrize("case", BREAKING)
def test_an_answer_that_would_break_a_later_cell_is_rejected(case, capsys):
    """Each near miss gets a ❌; one that a check accepts must run its lesson to the end."""
    exercise_id, answer = BREAKING[case]
    cell = exercise_cell(learner_notebook(exercise_id[:2]), exercise_id)
    source = answered(cell.source, exercise_id, answer)
    exec(source, {"keras": keras, "np": np, "checks": checks})  # only keras is needed
    verdict = capsys.readouterr().out.splitlines()[0]
    if verdict.startswith("✅"):  # accepted: then the lesson must run with it
        run_learner_copy(exercise_id[:2], {exercise_id: answer})
        pytest.fail(
            f"{case}: accepted, and its lesson ran: it is no near miss, move it to VARIANTS"
        )
    assert verdict.startswith("❌ Not yet: ") and " Hint: " in verdict, verdict
