"""How long does Run All take? Every lesson, in a fresh course kernel, as a learner runs it.

For each notebook: the wall time from starting the kernel to the last output (what a
learner waits for after *Restart Kernel and Run All Cells*), and its slowest cells, from
the execution timestamps Jupyter records. The course's targets on a 2-core machine: every
notebook within 60 s, and no cell but the first (the imports) over 10 s. A check, not a
test: the script prints every figure and exits with status 1 when a target is missed.

    .venv/bin/python benchmarks/notebook_times.py                 # every lesson, once
    .venv/bin/python benchmarks/notebook_times.py --repeats 2 notebooks/03_early_stopping.ipynb

Nothing is written back: the notebooks keep their stored outputs.
"""

import argparse
import statistics
import sys
import time
from datetime import datetime
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from course_utils.course_kernel import KERNEL_NAME

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK_LIMIT = 60.0  # seconds for Run All
CELL_LIMIT = 10.0  # seconds for any cell but the first code cell


def cell_seconds(cell):
    """Seconds between the cell's start and its reply, from Jupyter's timing metadata."""
    timing = cell.metadata.get("execution", {})
    start, end = timing.get("iopub.execute_input"), timing.get("shell.execute_reply")
    if not (start and end):
        return 0.0
    return (datetime.fromisoformat(end) - datetime.fromisoformat(start)).total_seconds()


def run_all(path):
    """(wall seconds, [(seconds, code cell number, first line)]) for one Run All."""
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(
        notebook,
        kernel_name=KERNEL_NAME,
        timeout=600,
        record_timing=True,
        resources={"metadata": {"path": str(path.parent)}},
    )
    start = time.perf_counter()
    client.execute()
    wall = time.perf_counter() - start
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    cells = [
        (cell_seconds(cell), number, (cell.source.splitlines() or [""])[0][:60])
        for number, cell in enumerate(code, start=1)
    ]
    return wall, cells


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=Path)
    parser.add_argument("--repeats", type=int, default=1)
    args = parser.parse_args(argv)
    paths = args.notebooks or sorted((ROOT / "notebooks").glob("[0-9]*.ipynb"))
    missed = []
    print(f"{'notebook':<40} {'Run All (s)':>12}  slowest cells after the first (s)")
    for path in paths:
        walls, slowest = [], {}
        for _ in range(args.repeats):
            wall, cells = run_all(path)
            walls.append(wall)
            for seconds, number, line in cells:
                slowest[number] = (max(seconds, slowest.get(number, (0,))[0]), line)
        wall = statistics.median(walls)
        later = sorted(
            ((seconds, number, line) for number, (seconds, line) in slowest.items() if number > 1),
            reverse=True,
        )
        shown = ", ".join(f"#{number} {seconds:.1f}" for seconds, number, _ in later[:3])
        runs = " / ".join(f"{w:.1f}" for w in walls)
        print(f"{path.name:<40} {runs:>12}  {shown}")
        if wall > NOTEBOOK_LIMIT:
            missed.append(f"{path.name}: Run All {wall:.1f} s > {NOTEBOOK_LIMIT:.0f} s")
        missed += [
            f"{path.name}: cell #{number} ({line!r}) {seconds:.1f} s > {CELL_LIMIT:.0f} s"
            for seconds, number, line in later
            if seconds > CELL_LIMIT
        ]
    print("\n".join(["", *missed]) if missed else "\nevery target met")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
