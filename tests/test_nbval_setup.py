"""nbval, as the project runs it, fails on what a lesson must not do and passes the rest.

Tiny notebooks (no TensorFlow, so they run in seconds), each stored with outputs, are checked
by ONE nbval run in a subprocess with the project's own conftest.py (shuffled order, isolated
solutions, every other cell run twice in a row: tools/lesson_run.py) and sanitising file; a
small plugin records each cell's outcome with its notebook's name.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from lesson_run import shuffled_order
from nbformat.v4 import new_code_cell, new_notebook, new_output

from course_utils.notebook_tags import SOLUTION

pytestmark = pytest.mark.slow  # a pytest subprocess running nbval

ROOT = Path(__file__).resolve().parents[1]

SOURCE = (
    "import sys\n"
    'print("best epoch: 7, val_loss 0.123")\n'
    'print("3/3 - 0s - 12ms/step")\n'
    'print("noise", file=sys.stderr)'
)
REFERENCE = "best epoch: 7, val_loss 0.123\n3/3 - 0s - 12ms/step\n"


def stored_cell(source, stdout="", stderr="", tags=(), more_stdout=""):
    """A code cell stored with what it printed: ``stdout``, then ``stderr``, then
    ``more_stdout`` (a stdout that a stderr in between split in two)."""
    cell = new_code_cell(source, execution_count=1, metadata={"tags": list(tags)})
    cell.outputs = [new_output("stream", name="stdout", text=stdout)] if stdout else []
    if stderr:
        cell.outputs.append(new_output("stream", name="stderr", text=stderr))
    if more_stdout:
        cell.outputs.append(new_output("stream", name="stdout", text=more_stdout))
    return cell


def lesson_output(stdout, stderr="noise\n"):
    return new_notebook(cells=[stored_cell(SOURCE, stdout, stderr)])


EXERCISE = (  # like checks.exercise: hands the reference on until the answer passes
    'def exercise(answer):\n    print("✅" if answer == "A" else "❌ Not yet")\n    return "A"'
)
FILLERS = [stored_cell(f"filler_{k} = {k}") for k in range(3)]  # give the shuffle some room

# Each notebook, stored with its outputs, and whether nbval must pass it.
CASES = {
    "unchanged outputs": (lesson_output(REFERENCE), True),
    "a changed teaching number": (lesson_output(REFERENCE.replace("0.123", "0.124")), False),
    "a changed best epoch": (lesson_output(REFERENCE.replace("epoch: 7", "epoch: 8")), False),
    "a Keras step timing": (
        lesson_output(REFERENCE.replace("0s - 12ms/step", "1s - 450ms/step")),
        True,
    ),
    "a microsecond timing": (
        lesson_output(REFERENCE.replace("0s - 12ms/step", "0s - 3us/step")),
        True,
    ),
    "another stderr": (lesson_output(REFERENCE, stderr="a CUDA probe line\n"), True),
    # the learner's path: a later cell that reads what only the solution binds
    "a cell reads the solution's answer": (
        new_notebook(
            cells=[
                stored_cell("answer = None  # the exercise, unsolved"),
                stored_cell('answer = "A"', tags=[SOLUTION]),
                stored_cell("print(answer)", "A\n"),
            ]
        ),
        False,
    ),
    "a cell reads what the exercise cell left": (
        new_notebook(
            cells=[
                stored_cell("answer = None  # the exercise, unsolved"),
                stored_cell(
                    'answer = "A"\nprint("checked", answer)', "checked A\n", tags=[SOLUTION]
                ),
                stored_cell("print(answer)", "None\n"),
            ]
        ),
        True,
    ),
    # any order: a cell reads a name that a later cell rebinds
    "a later cell rebinds a name": (
        new_notebook(
            cells=[
                stored_cell("model = 1"),
                stored_cell("print(model)", "1\n"),
                stored_cell("model = 2"),
                *FILLERS,
            ]
        ),
        False,
    ),
    # any order: a training cell that does not rebuild its model
    "a training cell keeps training": (
        new_notebook(
            cells=[
                stored_cell("model = []  # built"),
                stored_cell("model.append('epoch')  # trained\nprint(len(model))", "1\n"),
                stored_cell("model.append('epoch')  # trained again"),
                *FILLERS,
            ]
        ),
        False,
    ),
    # run twice in a row: a learner who runs a cell again gets the stored numbers
    "a training cell trains a model built in the cell above": (
        new_notebook(
            cells=[
                stored_cell("model = []  # built"),
                stored_cell("model.append('epoch')  # trained\nprint(len(model))", "1\n"),
            ]
        ),
        False,
    ),
    "a training cell rebuilds its model": (
        new_notebook(
            cells=[
                stored_cell("model = []  # built\nmodel.append('epoch')  # trained"),
                stored_cell(
                    "model = []  # built again\nmodel.append('epoch')  # trained\n"
                    "print(len(model))",
                    "1\n",
                ),
            ]
        ),
        True,
    ),
    "an exercise cell rebinds the answer it checks": (
        new_notebook(
            cells=[
                stored_cell(EXERCISE),
                stored_cell("answer = None  # TODO: your letter"),
                stored_cell("answer = exercise(answer)", "❌ Not yet\n"),
            ]
        ),
        False,
    ),
    "an exercise cell reads the answer it checks": (
        new_notebook(
            cells=[
                stored_cell(EXERCISE),
                stored_cell("answer = None  # TODO: your letter"),
                stored_cell("reference = exercise(answer)", "❌ Not yet\n"),
            ]
        ),
        True,
    ),
    # what a cell printed is stored as several streams when stderr came in between
    "a stored stdout split by stderr": (
        new_notebook(
            cells=[
                stored_cell(
                    'print("first")\nprint("second")',
                    "first\n",
                    "a warning\n",
                    more_stdout="second\n",
                ),
            ]
        ),
        True,
    ),
}


# loaded into the nbval run with -p: one line per cell, its notebook and whether it passed
RECORDER = """
def pytest_runtest_makereport(item, call):
    if call.when == "call" or call.excinfo is not None:
        with open("outcomes.txt", "a") as outcomes:
            outcomes.write(f"{item.path.name}\\t{item.name}\\t{call.excinfo is None}\\n")
"""


def test_the_shuffled_order_does_put_each_defect_in_the_order_that_shows_it():
    """Else the two any-order cases above would pass for the wrong reason."""
    for case in ("a later cell rebinds a name", "a training cell keeps training"):
        order = shuffled_order(CASES[case][0].cells)
        assert order.index(0) < order.index(2) < order.index(1), (case, order)


@pytest.fixture(scope="module")
def nbval_run(tmp_path_factory):
    """{case: [(nbval item's name, whether it passed)] in the order they ran}, from one nbval
    run."""
    folder = tmp_path_factory.mktemp("nbval")
    shutil.copy(ROOT / "conftest.py", folder / "conftest.py")
    (folder / "outcome_recorder.py").write_text(RECORDER)
    files = {}
    for number, (case, (notebook, _)) in enumerate(CASES.items()):
        files[f"case_{number}.ipynb"] = case
        nbformat.write(notebook, folder / f"case_{number}.ipynb")
    environment = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT / "tools")]))
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-p",
            "no:cacheprovider",
            "-p",
            "outcome_recorder",
            "--nbval",
            "--nbval-current-env",
            "--nbval-sanitize-with",
            str(ROOT / "tests" / "nbval_sanitize.cfg"),
            *files,
        ],
        cwd=folder,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
    )
    cells = {name: [] for name in files}  # notebook -> (item, whether it passed) in order
    for line in (folder / "outcomes.txt").read_text().splitlines():
        name, item, passed = line.split("\t")
        cells[name].append((item, passed == "True"))
    assert all(cells.values()), f"a notebook ran no cell: {cells}"
    return {case: cells[name] for name, case in files.items()}


@pytest.fixture(scope="module")
def nbval_results(nbval_run):
    """{case: True when nbval passed every cell of its notebook}."""
    return {case: all(passed for _, passed in items) for case, items in nbval_run.items()}


def test_each_cell_but_a_solution_runs_again_right_after_itself(nbval_run):
    case = "a cell reads what the exercise cell left"  # cell 1 is the solution
    ran = [item for item, _ in nbval_run[case]]
    firsts = [item for item in ran if not item.endswith(" run again")]
    assert sorted(firsts) == ["Cell 0", "Cell 1", "Cell 2"]
    expected = []
    for cell in firsts:  # in the shuffled order
        expected.append(cell)
        if cell != "Cell 1":  # the solution cell runs once
            expected.append(f"{cell} run again")
    assert ran == expected


@pytest.mark.parametrize("case", list(CASES))
def test_nbval_passes_or_fails_the_notebook(nbval_results, case):
    assert nbval_results[case] is CASES[case][1]
