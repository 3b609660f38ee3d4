"""How long does Run All take? Every lesson, in a fresh course kernel, as a learner runs it.

For each notebook: the wall time from starting the kernel to the last output (what a
learner waits for after *Restart Kernel and Run All Cells*), and its slowest cells, from
the execution timestamps Jupyter records. Each solution cell runs isolated, as `make
notebooks` and nbval run it (tools/lesson_run.py): the cells after it take the unsolved path,
the learner copy's. The course's targets on a 2-core machine: every notebook within 60 s,
and no cell but the first (the imports) over 10 s. A check, not a test: the script prints
every figure and exits with status 1 when a target is missed.

    .venv/bin/python benchmarks/notebook_times.py                 # every lesson, once
    .venv/bin/python benchmarks/notebook_times.py --repeats 2 notebooks/03_many_classes.ipynb
    .venv/bin/python benchmarks/notebook_times.py --repeats 2 --write   # on an idle machine

The notebooks keep their stored outputs. ``--write`` stores the measurement in
benchmarks/notebook_times.json (committed): per lesson the Run All seconds (the median of the
repeats), every code cell's seconds by cell id (the median), the date, the machine and its
load average before the run. A lesson measured again replaces its entry; the others stay.
tools/session_plan.py computes the instructor guide's schedule from that file, so measure on
an idle machine (the script warns when the load average says it is not).
"""

import argparse
import copy
import json
import os
import platform
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from course_utils.course_kernel import KERNEL_NAME

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
from lesson_run import as_run  # noqa: E402  (tools/: how make notebooks and nbval run a cell)

NOTEBOOK_LIMIT = 60.0  # seconds for Run All
CELL_LIMIT = 10.0  # seconds for any cell but the first code cell
TIMES_FILE = ROOT / "benchmarks" / "notebook_times.json"
IDLE_LOAD = 0.75  # a 1-minute load average per core above this: the machine is not idle
SETTLE_SECONDS = 120  # how long to wait for the load of the previous lesson's kernel to fall


def cell_seconds(cell):
    """Seconds between the cell's start and its reply, from Jupyter's timing metadata."""
    timing = cell.metadata.get("execution", {})
    start, end = timing.get("iopub.execute_input"), timing.get("shell.execute_reply")
    if not (start and end):
        return 0.0
    return (datetime.fromisoformat(end) - datetime.fromisoformat(start)).total_seconds()


def run_all(path):
    """(wall seconds, [(seconds, cell index, first line, cell id)]) for one Run All, code cells
    only, each counted from 0 among all the notebook's cells (as the instructor guide counts),
    each solution cell isolated."""
    notebook = nbformat.read(path, as_version=4)
    run = copy.deepcopy(notebook)
    run.cells = [as_run(cell) for cell in run.cells]
    client = NotebookClient(
        run,
        kernel_name=KERNEL_NAME,
        timeout=600,
        record_timing=True,
        resources={"metadata": {"path": str(path.parent)}},
    )
    start = time.perf_counter()
    client.execute()
    wall = time.perf_counter() - start
    cells = [
        (cell_seconds(ran), index, (cell.source.splitlines() or [""])[0][:60], cell.id)
        for index, (cell, ran) in enumerate(zip(notebook.cells, run.cells, strict=True))
        if cell.cell_type == "code"
    ]
    return wall, cells


def machine():
    """The CPU model, cores and system, in one line."""
    model = platform.processor() or platform.machine()
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return f"{model}, {os.cpu_count()} cores, {platform.system()}"


def load_average():
    """The 1-minute load average, or None where the system has none."""
    return round(os.getloadavg()[0], 2) if hasattr(os, "getloadavg") else None


def settled_load():
    """The load average once it is below the idle threshold, waiting up to SETTLE_SECONDS for
    the previous lesson's kernel to stop counting; None where the system has no load average."""
    deadline = time.monotonic() + SETTLE_SECONDS
    load = load_average()
    while load is not None and load > IDLE_LOAD * os.cpu_count() and time.monotonic() < deadline:
        time.sleep(5)
        load = load_average()
    return load


def lesson_entry(walls, per_cell, load):
    """What --write stores for one lesson (medians over the repeats)."""
    return {
        "date": datetime.now(UTC).strftime("%Y-%m-%d"),
        "machine": machine(),
        "load_average_before": load,
        "repeats": len(walls),
        "run_all_seconds": round(statistics.median(walls), 1),
        "cells": {
            cell_id: round(statistics.median(times), 2) for cell_id, times in per_cell.items()
        },
    }


def write_times(entries, path=TIMES_FILE):
    """Merge ``entries`` ({lesson stem: entry}) into the measurement file at ``path``."""
    data = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    data["about"] = (
        "Written by benchmarks/notebook_times.py --write: per lesson, Run All in a fresh course "
        "kernel (solution cells isolated) and each code cell's seconds by cell id, medians over "
        "the repeats. tools/session_plan.py computes the instructor guide's schedule from it."
    )
    lessons = data.get("lessons", {})
    lessons.update(entries)
    data["lessons"] = dict(sorted(lessons.items()))
    path.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=Path)
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument(
        "--write",
        action="store_true",
        help=f"store the measurement in {TIMES_FILE.relative_to(ROOT)} (or --times-file)",
    )
    parser.add_argument("--times-file", type=Path, default=TIMES_FILE, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    paths = args.notebooks or sorted((ROOT / "notebooks").glob("[0-9]*.ipynb"))
    missing = [str(path) for path in paths if path.suffix != ".ipynb" or not path.exists()]
    if missing:
        parser.error(f"not a notebook: {', '.join(missing)}")
    if args.write and args.times_file.suffix != ".json":
        parser.error("--times-file must name a .json file")
    missed, entries = [], {}
    print(f"{'notebook':<40} {'Run All (s)':>12}  slowest cells after the first (s)")
    for path in paths:
        load = settled_load() if args.write else load_average()
        if load is not None and load > IDLE_LOAD * os.cpu_count():
            print(f"warning: load average {load} before {path.name}: the machine is not idle")
        walls, slowest, per_cell = [], {}, {}
        for _ in range(args.repeats):
            wall, cells = run_all(path)
            walls.append(wall)
            for seconds, number, line, cell_id in cells:
                slowest[number] = (max(seconds, slowest.get(number, (0,))[0]), line)
                per_cell.setdefault(cell_id, []).append(seconds)
        entries[path.stem] = lesson_entry(walls, per_cell, load)
        wall = statistics.median(walls)
        later = sorted(
            (
                (seconds, number, line)
                for number, (seconds, line) in slowest.items()
                if number > min(slowest)  # the first code cell: installing or importing
            ),
            reverse=True,
        )
        shown = ", ".join(f"cell {number} {seconds:.1f}" for seconds, number, _ in later[:3])
        runs = " / ".join(f"{w:.1f}" for w in walls)
        print(f"{path.name:<40} {runs:>12}  {shown}")
        if wall > NOTEBOOK_LIMIT:
            missed.append(f"{path.name}: Run All {wall:.1f} s > {NOTEBOOK_LIMIT:.0f} s")
        missed += [
            f"{path.name}: cell {number} ({line!r}) {seconds:.1f} s > {CELL_LIMIT:.0f} s"
            for seconds, number, line in later
            if seconds > CELL_LIMIT
        ]
    if args.write:
        write_times(entries, args.times_file)
        print(f"wrote {len(entries)} lesson(s) to {args.times_file}")
    print("\n".join(["", *missed]) if missed else "\nevery target met")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
