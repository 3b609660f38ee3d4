"""The instructor guide's schedule (tools/session_plan.py): computed from instructors/plan.toml
and the measured cell times (benchmarks/notebook_times.json), it must be what the guide shows,
hold every typed cell in its item's minutes, and fit each session.

The measurement is made on an idle machine with
`.venv/bin/python benchmarks/notebook_times.py --repeats 2 --write`, then
`python tools/session_plan.py` writes the guide; a lesson changed since (a new cell, a new typed
cell) makes these tests name what to re-measure.
"""

import importlib.util
import json
import re
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("session_plan", ROOT / "tools" / "session_plan.py")
session_plan = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(session_plan)

PLAN = session_plan.read_plan()
COURSE = [f"{number:02d}" for number in range(9)]  # 00 to 08: the lessons the sessions teach
IDLE_LOAD_PER_CORE = 0.75  # a measuring run's own kernel keeps about one core busy


@pytest.fixture(scope="module")
def times():
    return session_plan.read_times()


@pytest.fixture(scope="module")
def lessons(times):
    return session_plan.lesson_items(PLAN, times)


def test_the_guide_shows_the_schedule_the_plan_and_the_measurement_give():
    guide = (ROOT / session_plan.GUIDE).read_text(encoding="utf-8")
    expected = session_plan.with_schedule(guide, session_plan.schedule_text())
    assert guide == expected, (
        "instructors/GUIDE.md's schedule is out of date: run `python tools/session_plan.py` "
        "(after measuring on an idle machine if a lesson changed)"
    )


def test_no_typed_cell_takes_longer_than_its_item(lessons):
    rate = PLAN["typing_rate"]
    too_long = [
        f"{item.lesson} cell {index}: {characters / rate + item.run_seconds / 60:.2f} min typed "
        f"and run, in an item of {item.minutes}"
        for name in lessons.items
        for item in lessons[name]
        for index, characters, _ in item.typed
        if characters / rate + item.run_seconds / 60 > item.minutes
    ]
    assert not too_long


def test_each_session_adds_up_to_its_length(lessons):
    length = PLAN["session_minutes"]
    for entry in PLAN["plan"]:
        for title, rows, spare in session_plan.sessions(
            entry, lessons, PLAN["typing_rate"], length
        ):
            assert spare >= 0 and sum(row.minutes for row in rows) + spare == length, (
                entry["title"],
                title,
            )
            starts = [row.start for row in rows]
            assert starts == sorted(starts) and starts[0] == 0


def test_lessons_00_to_08_are_taught_in_full_in_a_plan_or_the_guide_says_what_is_cut(lessons):
    """The lessons' own times do not fit two sessions: a plan that cuts says what, and one
    plan teaches every lesson of 00 to 08 whole."""
    own = sum(lessons.estimates[name] for name in lessons.items if name[:2] in COURSE)
    guide = (ROOT / session_plan.GUIDE).read_text(encoding="utf-8")
    full_plans = []
    for entry in PLAN["plan"]:
        slots = [slot for session in entry["session"] for slot in session["slot"]]
        taught = {slot["lesson"] for slot in slots if "lesson" in slot}
        cut = [item for slot in slots for item in slot.get("cut", [])]
        missing = [name for name in lessons.items if name[:2] in COURSE and name not in taught]
        teaching = len(entry["session"]) * PLAN["session_minutes"]
        if not cut and not missing:
            full_plans.append(entry["title"])
        elif own > teaching or cut or missing:
            section = guide.split(f"### {entry['title']}")[1].split("###")[0]
            for name in missing:
                assert "Not in these sessions: " in section and name[:2] in section
            if cut:
                assert "Left out of" in section, f"{entry['title']} cuts {cut} without saying so"
    assert full_plans, "no plan teaches 00 to 08 in full"


def test_the_measurement_covers_every_lesson_and_comes_from_an_idle_machine(times):
    names = sorted(path.stem for path in (ROOT / "notebooks").glob("[0-9]*.ipynb"))
    assert sorted(times) == names, f"measure the missing lessons: {session_plan.MEASURE}"
    for name, entry in times.items():
        cores = int(re.search(r"(\d+) cores", entry["machine"]).group(1))
        load = entry["load_average_before"]
        assert load is None or load <= IDLE_LOAD_PER_CORE * cores, (
            f"{name} was measured with a load average of {load} on {cores} cores: re-measure it "
            f"on an idle machine ({session_plan.MEASURE})"
        )


def test_the_readme_run_all_promise_holds(times):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "runs top to bottom offline in under a minute" in readme
    slow = {name: entry["run_all_seconds"] for name, entry in times.items()}
    assert max(slow.values()) < 60, f"Run All over a minute: {slow}"


# The tool itself, on a tiny course.

TINY_PLAN = """
typing_rate = 100
session_minutes = 30
intro = "Times from the start."

[[plan]]
title = "One session"
intro = "All of it."

[[plan.session]]
title = "Session 1"
slot = [
  { lesson = "99_tiny", what = "the tiny lesson", cut = ["part2"] },
  { minutes = 5, what = "Break" },
]

[[plan]]
title = "Split"
intro = "The lesson in two."

[[plan.session]]
title = "Session 1"
slot = [{ lesson = "99_tiny", to = "part2", what = "its first part" }]

[[plan.session]]
title = "Session 2"
slot = [{ lesson = "99_tiny", from = "part2", what = "its second part" }]

[[lesson]]
notebook = "99_tiny"
title = "tiny"
setup_end = "part1"
item = [
  { start = "title", talk = 1, what = "The set-up" },
  { start = "part1", talk = 2, what = "Part 1" },
  { start = "part2", talk = 3, what = "Part 2" },
]
"""


def tiny_notebook():
    cells = [
        new_markdown_cell("# 99 · Tiny\n\n**Time:** 10 minutes"),
        new_code_cell("import math"),
        new_markdown_cell("## Part 1"),
        new_code_cell(
            "def area(radius):\n    return math.pi * radius**2", metadata={"tags": ["live"]}
        ),
        new_markdown_cell("## Part 2"),
        new_code_cell("print(area(2))", metadata={"tags": ["run"]}),
        new_code_cell("answer = 1", metadata={"tags": ["solution"]}),
    ]
    ids = ["title", "imports", "part1", "typed", "part2", "ran", "sol"]
    for cell, cell_id in zip(cells, ids, strict=True):
        cell.id = cell_id
    return new_notebook(cells=cells)


@pytest.fixture
def tiny(tmp_path):
    for folder in ("notebooks", "instructors", "benchmarks"):
        (tmp_path / folder).mkdir()
    nbformat.write(tiny_notebook(), tmp_path / "notebooks" / "99_tiny.ipynb")
    (tmp_path / session_plan.PLAN).write_text(TINY_PLAN, encoding="utf-8")
    measured = {"imports": 30.0, "typed": 0.0, "ran": 45.0, "sol": 600.0}
    entry = {
        "date": "2026-12-08",
        "machine": "a CPU, 2 cores, Linux",
        "load_average_before": 0.1,
        "repeats": 1,
        "run_all_seconds": 80.0,
        "cells": measured,
    }
    (tmp_path / session_plan.TIMES).write_text(
        json.dumps({"lessons": {"99_tiny": entry}}), encoding="utf-8"
    )
    (tmp_path / session_plan.GUIDE).write_text(
        f"# Guide\n\n{session_plan.SCHEDULE_START}\nold\n{session_plan.SCHEDULE_END}\n\nMore.\n",
        encoding="utf-8",
    )
    return tmp_path


def test_typed_characters_leave_out_indentation_and_line_breaks():
    assert session_plan.typed_characters("def f():\n    return 1\n") == len("def f():return 1")


def test_an_item_takes_its_talk_typing_and_running(tiny):
    plan = session_plan.read_plan(tiny)
    lessons = session_plan.lesson_items(plan, session_plan.read_times(tiny), tiny)
    setup, part1, part2 = lessons["99_tiny"]
    assert part1.typed == [(3, 43, 2)]  # "def area(radius):" and "return math.pi * radius**2"
    assert setup.run_seconds == 30.0 and part2.run_seconds == 45.0  # the solution is not run
    # exact ends 1.5, 3.93 and 7.68 minutes from the start: rounded 2, 4, 8
    assert [item.minutes for item in (setup, part1, part2)] == [2, 2, 4]
    assert lessons.setup_seconds["99_tiny"] == 30.0


def test_sessions_add_cuts_and_a_fresh_kernels_set_up(tiny):
    plan = session_plan.read_plan(tiny)
    lessons = session_plan.lesson_items(plan, session_plan.read_times(tiny), tiny)
    ((_, rows, spare),) = session_plan.sessions(plan["plan"][0], lessons, 100, 30)
    # the cut item's cell still runs (45 s): one minute; then the break
    assert [row.minutes for row in rows] == [2 + 2 + 1, 5] and spare == 30 - 10
    first, second = session_plan.sessions(plan["plan"][1], lessons, 100, 30)
    assert first[1][0].minutes == 4
    assert second[1][0].minutes == 4 + 1, "session 2 first runs the set-up cells (30 s)"
    (part,) = session_plan.mid_lesson_parts(plan, tiny)
    assert (part.setup, part.start, part.end) == (2, 4, None)


def test_a_session_that_runs_over_is_refused(tiny):
    plan = session_plan.read_plan(tiny)
    lessons = session_plan.lesson_items(plan, session_plan.read_times(tiny), tiny)
    with pytest.raises(session_plan.PlanError, match="takes 10 minutes, more than its 9"):
        session_plan.sessions(plan["plan"][0], lessons, 100, 9)


def test_check_fails_on_drift_and_writing_fixes_it(tiny, capsys):
    assert session_plan.main(["--check"], root=tiny) == 1
    assert "out of date: instructors/GUIDE.md" in capsys.readouterr().out
    assert session_plan.main([], root=tiny) == 0
    assert session_plan.main(["--check"], root=tiny) == 0
    guide = (tiny / session_plan.GUIDE).read_text(encoding="utf-8")
    assert guide.startswith("# Guide\n\n") and guide.endswith("\nMore.\n")
    assert "| 0:00 | 5 | **99** the tiny lesson |" in guide
    assert "Left out of session 1, for reading afterwards: 99 part 2 (4 min)." in guide
    assert "99 43 (43)" in guide and "| 99 | 80 s | cell 5: 45 s |" in guide
    # a typed cell grows: the schedule drifts
    notebook = nbformat.read(tiny / "notebooks" / "99_tiny.ipynb", as_version=4)
    notebook.cells[3].source += "\n# and a comment of some length, typed too"
    nbformat.write(notebook, tiny / "notebooks" / "99_tiny.ipynb")
    assert session_plan.main(["--check"], root=tiny) == 1


def test_a_cell_without_a_measurement_names_the_command(tiny, capsys):
    notebook = nbformat.read(tiny / "notebooks" / "99_tiny.ipynb", as_version=4)
    notebook.cells.insert(2, new_code_cell("new = 1"))
    nbformat.write(notebook, tiny / "notebooks" / "99_tiny.ipynb")
    assert session_plan.main(["--check"], root=tiny) == 1
    err = capsys.readouterr().err
    assert "no time for 1 code cell(s)" in err and session_plan.MEASURE in err


def test_an_item_at_a_missing_cell_is_refused(tiny, capsys):
    plan = tiny / session_plan.PLAN
    plan.write_text(plan.read_text().replace('"part2", talk', '"gone", talk'), encoding="utf-8")
    assert session_plan.main(["--check"], root=tiny) == 1
    assert "start at cells ['gone']" in capsys.readouterr().err
