"""Re-execute notebooks in place so their stored outputs are fresh (`make notebooks`).

Runs each notebook top to bottom in a new kernel of the course (``KERNEL_NAME``), in the
fixed execution environment the Makefile exports, and writes it back without timing
metadata, so running it twice leaves no difference in any compared output. Each solution cell
runs isolated (tools/lesson_run.py): the cells after it store what a learner who left the
exercise unsolved sees, which is what the test suite's nbval run checks. Each cell runs once,
as in a learner's Run All; the nbval run runs each cell twice in a row and compares both runs
with these outputs, so a cell that prints something else when run again fails there (it is
fixed in the lesson, not stored from its second run).

    python tools/execute_notebooks.py notebooks/00_welcome.ipynb
"""

import copy
import sys
import time
from pathlib import Path

import nbformat
from lesson_run import as_run
from nbclient import NotebookClient

from course_utils.course_kernel import KERNEL_NAME

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def drop_widget_views(notebook):
    """Remove live widget state: it is per session (random ids), not lesson content.

    A stored widget output keeps its text fallback, which is what a saved notebook shows.
    """
    notebook.metadata.pop("widgets", None)
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            output.get("data", {}).pop(WIDGET_VIEW, None)


def execute_in_place(path: Path) -> float:
    """Execute the notebook at ``path``, save it, and return the seconds it took."""
    notebook = nbformat.read(path, as_version=4)
    run = copy.deepcopy(notebook)  # what the kernel runs: each solution cell isolated
    run.cells = [as_run(cell) for cell in run.cells]
    client = NotebookClient(
        run,
        kernel_name=KERNEL_NAME,
        timeout=600,
        record_timing=False,
        resources={"metadata": {"path": str(path.parent)}},
    )
    start = time.perf_counter()
    client.execute()
    seconds = time.perf_counter() - start
    for cell, ran in zip(notebook.cells, run.cells, strict=True):
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = ran.outputs, ran.execution_count
    drop_widget_views(notebook)
    nbformat.write(notebook, path)
    return seconds


def main(paths):
    if not paths:
        sys.exit("usage: python tools/execute_notebooks.py NOTEBOOK.ipynb [...]")
    for name in paths:
        seconds = execute_in_place(Path(name))
        print(f"{name}: executed in {seconds:.1f} s")


if __name__ == "__main__":
    main(sys.argv[1:])
