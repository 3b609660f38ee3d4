"""tools/lesson_run.py: the one execution of each lesson checks the learner's path and any order.

The nbval run itself is tested end to end in tests/test_nbval_setup.py (tiny notebooks whose
cells give other outputs in the shuffled order or when run again, or read a name only a
solution binds, fail it).
"""

import contextlib
import io
from pathlib import Path

import nbformat
import pytest
from lesson_run import as_run, dependencies, isolated, names, runs_twice, shuffled_order

from course_utils.notebook_tags import PLACEHOLDER, SOLUTION

ROOT = Path(__file__).resolve().parents[1]
SOURCES = sorted((ROOT / "notebooks").glob("[0-9]*.ipynb"))


def code_cells(*sources):
    return [nbformat.v4.new_code_cell(source) for source in sources]


def test_names_sees_definitions_and_reads_at_any_depth_and_magic_lines_as_pass():
    defined, read = names(
        "import numpy as np\nif ready:\n    %pip install x\n    model = np.zeros(2)\n"
        "def fit(m):\n    return m\n"
    )
    assert defined == {"np", "model", "fit"}
    assert read == {"ready", "np", "m"}  # a parameter counts as read: it only adds constraints


def test_the_order_keeps_each_cell_after_its_definers_and_can_put_a_rebinding_cell_between():
    cells = code_cells("model = 1", "print(model)", "model = 2", "other = 3")
    assert dependencies(cells) == {0: set(), 1: {0}, 2: set(), 3: set()}
    orders = [shuffled_order(cells, seed) for seed in range(40)]
    assert all(order.index(0) < order.index(1) for order in orders)
    assert any(order.index(0) < order.index(2) < order.index(1) for order in orders), (
        "the order must be able to catch a cell that reads a name another cell rebinds"
    )
    assert shuffled_order(cells) == shuffled_order(cells), "the order is fixed by its seed"


def test_an_isolated_cell_prints_but_binds_nothing_that_outlives_it():
    namespace = {"answer": None}
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec(isolated('answer = "A"\nnew_name = 1\nprint("checked", answer)'), namespace)
    assert printed.getvalue() == "checked A\n"
    assert namespace["answer"] is None
    assert "new_name" not in namespace


def test_an_isolated_cell_still_reads_the_names_above_it():
    namespace = {"history": [3, 1, 2]}
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec(isolated("print(min(history))"), namespace)
    assert printed.getvalue() == "1\n"


def test_only_a_solution_cell_runs_isolated_and_the_lesson_keeps_its_own_source():
    plain, solution = code_cells("model = 1", 'answer = "A"')
    solution.metadata["tags"] = [SOLUTION]
    assert as_run(plain) is plain
    run = as_run(solution)
    assert run.source == isolated('answer = "A"')
    assert solution.source == 'answer = "A"'


def test_every_code_cell_but_a_solution_runs_twice():
    training, exercise, solution = code_cells(
        "model = build_model()\nhistory = model.fit(x, y)",
        'build_classifier = checks.exercise("02.1", build_classifier)',
        'answer = "A"',
    )
    solution.metadata["tags"] = [SOLUTION]
    assert [runs_twice(cell) for cell in (training, exercise, solution)] == [True, True, False]
    assert not runs_twice(nbformat.v4.new_markdown_cell("model.fit(x, y)"))


@pytest.mark.parametrize("source", SOURCES, ids=lambda path: path.stem)
def test_the_learner_copy_runs_the_lessons_code_cells_without_the_solutions(source):
    """So the nbval run, which runs the lesson with every solution isolated, runs exactly what
    a learner's Run All of learner/NN runs with nothing solved: the same code cells, in the
    same order, the placeholders aside (comments only, nothing to run)."""
    lesson = nbformat.read(source, as_version=4)
    learner = nbformat.read(ROOT / "learner" / source.name, as_version=4)
    expected = [
        cell.source
        for cell in lesson.cells
        if cell.cell_type == "code" and SOLUTION not in cell.metadata.get("tags", [])
    ]
    ran = []
    for cell in learner.cells:
        if cell.cell_type != "code":
            continue
        if PLACEHOLDER in cell.metadata.get("tags", []):
            assert names(cell.source) == (set(), set()) and all(
                line.startswith("#") for line in cell.source.splitlines()
            ), f"a placeholder must hold comments only: {cell.source!r}"
            continue
        ran.append(cell.source)
    assert ran == expected


@pytest.mark.parametrize("source", SOURCES, ids=lambda path: path.stem)
def test_every_exercise_cell_stores_the_unsolved_verdict(source):
    """The exercise cells run unsolved in the lesson too (their solutions come after them), so
    nbval compares each with a stored "❌ Not yet": a learner who runs the cell as it stands
    gets a hint, not a traceback and not a ✅."""
    lesson = nbformat.read(source, as_version=4)
    exercise_cells = [
        cell
        for cell in lesson.cells
        if cell.cell_type == "code"
        and "checks.exercise(" in cell.source
        and SOLUTION not in cell.metadata.get("tags", [])
    ]
    assert exercise_cells, f"{source.name} has no exercise cell"
    for cell in exercise_cells:
        printed = "".join(output.get("text", "") for output in cell.outputs)
        assert "❌ Not yet" in printed, cell.source[:200]
