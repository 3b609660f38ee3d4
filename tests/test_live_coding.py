"""The live-coding copy, walked as the instructor walks it: session by session, each session in
a fresh kernel, the typed ("live") cells typed in from the lesson, the "run" cells run as they
are in the copy.

A session that teaches a whole lesson, or its beginning, runs the lesson's cells from the top.
With its typed cells filled in, the live-coding copy has exactly the learner copy's code cells
(checked here for every lesson), and nbval executes those in every test run (solution cells
isolated: the learner copy's path, tools/lesson_run.py), so that run is the session's run. What
nbval does not cover is a session that starts in the middle of a lesson (07 in session 2): its
fresh kernel runs the lesson's set-up cells, then the cells from the session's start on, and a
cell there that needs a name only an earlier session made fails. Those parts are executed here,
from the plan in instructors/plan.toml (tools/session_plan.py).
"""

import copy
import importlib.util
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from course_utils.course_kernel import KERNEL_NAME
from course_utils.notebook_tags import LIVE, RUN

ROOT = Path(__file__).resolve().parents[1]


def _load(name):
    spec = importlib.util.spec_from_file_location(name, ROOT / "tools" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


classroom = _load("classroom")
session_plan = _load("session_plan")
SOURCES = classroom.source_notebooks()
PARTS = session_plan.mid_lesson_parts(session_plan.read_plan())


def _tags(cell):
    return cell.metadata.get("tags", [])


def typed_in(live_copy, source):
    """``live_copy`` with each empty "live" cell holding what the instructor types: the source
    lesson's cell of the same id."""
    typed = {cell.id: cell.source for cell in source.cells if LIVE in _tags(cell)}
    result = copy.deepcopy(live_copy)
    for cell in result.cells:
        if LIVE in _tags(cell):
            cell.source = typed[cell.id]
    return result


def code_cells(notebook):
    return [(cell.id, cell.source) for cell in notebook.cells if cell.cell_type == "code"]


def copies(source_path):
    source = nbformat.read(source_path, as_version=4)
    return (
        source,
        classroom.live_coding_copy(source, source_path.name),
        classroom.learner_copy(source, source_path.name),
    )


@pytest.mark.parametrize("source_path", SOURCES, ids=lambda path: path.stem)
def test_typed_in_live_coding_copy_is_the_learner_copy(source_path):
    """So nbval's run of the lesson is the run of a session that teaches it from the top."""
    source, live, learner = copies(source_path)
    assert code_cells(typed_in(live, source)) == code_cells(learner)


@pytest.mark.parametrize("source_path", SOURCES, ids=lambda path: path.stem)
def test_run_cells_are_filled_and_live_cells_empty_in_the_live_coding_copy(source_path):
    source, live, _ = copies(source_path)
    by_id = {cell.id: cell for cell in source.cells}
    for cell in live.cells:
        if RUN in _tags(cell):
            assert cell.source == by_id[cell.id].source and cell.source.strip(), cell.id
        if LIVE in _tags(cell):
            assert cell.source == "", cell.id


def session_notebook(part, root=ROOT):
    """The cells a fresh kernel runs for ``part``: the live-coding copy's set-up cells, then its
    cells from the part's start to its end, typed cells filled in."""
    path = root / "notebooks" / f"{part.lesson}.ipynb"
    source = nbformat.read(path, as_version=4)
    live = typed_in(classroom.live_coding_copy(source, path.name), source)
    result = copy.deepcopy(live)
    result.cells = live.cells[: part.setup] + live.cells[part.start : part.end]
    return result


def execute(notebook):
    """Run ``notebook`` in a fresh course kernel, in notebooks/ (where the lessons run)."""
    client = NotebookClient(
        notebook,
        kernel_name=KERNEL_NAME,
        timeout=600,
        resources={"metadata": {"path": str(ROOT / "notebooks")}},
    )
    client.execute()
    return notebook


def test_the_plan_has_a_part_that_starts_mid_lesson():
    """07 is split: surprise 1 in session 1, the rest in session 2, which starts fresh."""
    assert any(part.lesson == "07_surprises" for part in PARTS)


@pytest.mark.notebooks
@pytest.mark.parametrize(
    "part",
    # each distinct part once: two plans may start the same lesson at the same cell
    list({(part.lesson, part.setup, part.start, part.end): part for part in PARTS}.values()),
    ids=lambda part: f"{part.lesson}-from-cell-{part.start}",
)
def test_a_session_that_starts_mid_lesson_runs_in_a_fresh_kernel(part):
    notebook = session_notebook(part)
    try:
        execute(notebook)
    except CellExecutionError as error:
        pytest.fail(
            f"{part.plan}, {part.session}: {part.lesson} from cell {part.start}, in a fresh "
            f"kernel after its {part.setup} set-up cells, fails: a cell needs what an earlier "
            "session made. Rebuild it in a cell tagged 'run' at the session's start.\n"
            f"{error}"
        )


@pytest.mark.notebooks
def test_a_name_made_only_in_an_earlier_session_fails_the_session_run():
    """The check above catches the defect it is for, on a tiny notebook: no course kernel
    needed beyond a fresh one."""
    notebook = new_notebook(
        cells=[
            new_code_cell("import math"),
            new_markdown_cell("## Surprise 1"),
            new_code_cell("plain = 1", metadata={"tags": ["live"]}),
            new_markdown_cell("## Surprise 2"),
            new_code_cell("print(plain + math.pi)", metadata={"tags": ["run"]}),
        ]
    )
    session_two = copy.deepcopy(notebook)
    session_two.cells = notebook.cells[:1] + notebook.cells[3:]
    with pytest.raises(CellExecutionError, match="NameError"):
        execute(session_two)
    session_two.cells.insert(2, new_code_cell("plain = 1", metadata={"tags": ["run"]}))
    assert "4.14" in execute(session_two).cells[-1].outputs[0]["text"]


def test_an_emptied_run_cell_fails_the_copy_check(monkeypatch):
    """A "run" cell emptied like a typed one: the instructor would have to type it."""
    source = SOURCES[[path.stem for path in SOURCES].index("07_surprises")]
    original = classroom.live_coding_copy

    def empties_run_cells(notebook, name):
        live = original(notebook, name)
        for cell in live.cells:
            if RUN in _tags(cell):
                cell.source = ""
        return live

    monkeypatch.setattr(classroom, "live_coding_copy", empties_run_cells)
    with pytest.raises(AssertionError):
        test_run_cells_are_filled_and_live_cells_empty_in_the_live_coding_copy(source)
