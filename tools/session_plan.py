"""The instructor guide's schedule, computed from the plan and the measured cell times.

instructors/plan.toml says what happens in a workshop: each lesson as a list of items (each
starts at a cell of the lesson and runs to the next item's first cell, with the minutes of
talk and exercise it needs), and one or more plans that put lessons, parts of lessons (from
one item to another), breaks and other slots into sessions. This script adds to each item
the time its cells take in front of the room:

- typing: the characters of its "live" cells (the cells the instructor types), counted
  without indentation and without line breaks (JupyterLab indents after Enter), at the
  plan's typing rate (100 characters a minute);
- running: the seconds of every code cell in it but the solution cells (the live-coding copy
  holds an empty cell there), from benchmarks/notebook_times.json, which
  `benchmarks/notebook_times.py --write` measures on an idle machine.

An item takes its talk minutes plus its typing and running time, in whole minutes: each item
ends at its exact time from the lesson's start, rounded (``planned_minutes``). A session's
slots start one after the other. A slot may cut items (not taught: their cells still run, as
later cells may need them, so their running time stays), and a slot that starts in the middle
of a lesson first runs the lesson's set-up cells in its fresh kernel (tests/test_live_coding.py
executes exactly that). What is left of a session's length is shown as spare time, and a plan
whose sessions run over is refused. The schedule tables, the items of each lesson, the typed
characters and the measured Run All times are written into instructors/GUIDE.md between its
"schedule" markers; tests/test_session_plan.py checks the guide against this script.

    python tools/session_plan.py           # write the schedule into the guide
    python tools/session_plan.py --check   # exit 1 when the guide's schedule is out of date
"""

import argparse
import json
import math
import re
import sys
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from guide_parts import GUIDE, between_markers

from course_utils.notebook_tags import LIVE, RUN, SOLUTION

ROOT = Path(__file__).resolve().parents[1]
PLAN = Path("instructors", "plan.toml")  # below ROOT
TIMES = Path("benchmarks", "notebook_times.json")  # below ROOT
NOTEBOOKS = Path("notebooks")  # below ROOT
SCHEDULE_START = (
    "<!-- schedule: written by `python tools/session_plan.py` from instructors/plan.toml and "
    "benchmarks/notebook_times.json; edit those -->"
)
SCHEDULE_END = "<!-- end of schedule -->"
MEASURE = ".venv/bin/python benchmarks/notebook_times.py --repeats 2 --write"
ESTIMATE = re.compile(r"\*\*Time:\*\* (\d+) minutes")  # a lesson's own estimate, in its first cell


class PlanError(ValueError):
    """The plan, the measurement or a notebook lacks what the schedule is computed from."""


def typed_characters(source):
    """The characters an instructor types for ``source``: every line without its indentation
    and trailing spaces; line breaks not counted.

    >>> typed_characters("def f():\\n    return 1\\n")
    16
    """
    return sum(len(line.strip()) for line in source.splitlines())


def _tags(cell):
    return cell.get("metadata", {}).get("tags", [])


@dataclass
class Item:
    """One step of a lesson in front of the room: its cells, from ``start`` to the next item."""

    lesson: str
    start: str
    what: str
    talk: int
    cells: list = field(default_factory=list)  # (index in the notebook, cell)
    seconds: dict = field(default_factory=dict)  # cell id: measured seconds
    minutes: int = 0  # whole minutes in the plan (planned_minutes)

    @property
    def typed(self):
        """[(cell index, characters, lines)] of the live cells, in order."""
        return [
            (index, typed_characters(cell.source), len(cell.source.splitlines()))
            for index, cell in self.cells
            if LIVE in _tags(cell)
        ]

    @property
    def run_seconds(self):
        return sum(
            self.seconds[cell.id]
            for _, cell in self.cells
            if cell.cell_type == "code" and SOLUTION not in _tags(cell)
        )

    def typing_minutes(self, rate):
        return sum(characters for _, characters, _ in self.typed) / rate

    def exact_minutes(self, rate):
        """Talk, typing and running, in minutes (not rounded)."""
        return self.talk + self.typing_minutes(rate) + self.run_seconds / 60


def _round(minutes):
    return math.floor(minutes + 0.5)


def planned_minutes(items, rate):
    """Whole minutes for each of a lesson's ``items``: each item ends at its exact end time
    from the lesson's start, rounded to the nearest minute, so the lesson's total is its exact
    time rounded, and each item is within a minute of its exact time (rounding does not add up
    over a lesson's many short items, as rounding each item up would).

    >>> planned_minutes([Item("99", "a", "", 1), Item("99", "b", "", 2)], rate=100)
    [1, 2]
    """
    ends, clock = [], 0.0
    for item in items:
        clock += item.exact_minutes(rate)
        ends.append(_round(clock))
    return [end - start for start, end in zip([0, *ends[:-1]], ends, strict=True)]


def read_plan(root=ROOT):
    try:
        return tomllib.loads((root / PLAN).read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise PlanError(f"{PLAN}: {error}") from error


@dataclass
class Part:
    """A session's part of a lesson that starts in the middle of it, in a fresh kernel: the
    lesson's set-up cells (``setup``), then its cells from ``start`` to ``end`` (None: the
    lesson's end)."""

    plan: str
    session: str
    lesson: str
    setup: int  # the number of set-up cells at the top
    start: int  # the index of the part's first cell
    end: int | None


def mid_lesson_parts(plan, root=ROOT):
    """Every slot of every plan that starts a lesson in the middle, as a ``Part``."""
    lessons = {lesson["notebook"]: lesson for lesson in plan["lesson"]}
    parts = []
    for entry in plan["plan"]:
        for session in entry["session"]:
            for slot in session["slot"]:
                lesson = lessons.get(slot.get("lesson"))
                if lesson is None or "from" not in slot:
                    continue
                cells = nbformat.read(
                    root / NOTEBOOKS / f"{lesson['notebook']}.ipynb", as_version=4
                ).cells
                index_of = {cell.id: index for index, cell in enumerate(cells)}
                setup_end = lesson.get("setup_end", cells[0].id)
                for cell_id in (slot["from"], slot.get("to", slot["from"]), setup_end):
                    if cell_id not in index_of:
                        raise PlanError(f"{PLAN}: {lesson['notebook']} has no cell {cell_id!r}")
                end = index_of[slot["to"]] if "to" in slot else None
                parts.append(
                    Part(
                        entry["title"],
                        session["title"],
                        lesson["notebook"],
                        index_of[setup_end],
                        index_of[slot["from"]],
                        end,
                    )
                )
    return parts


def read_times(root=ROOT):
    path = root / TIMES
    if not path.exists():
        raise PlanError(f"{TIMES} is missing: measure on an idle machine with `{MEASURE}`.")
    return json.loads(path.read_text(encoding="utf-8"))["lessons"]


def lesson_items(plan, times, root=ROOT):
    rate = plan["typing_rate"]
    """{lesson: [Item]}, each item with its cells and their measured seconds."""
    items, unmeasured, estimates, setups, setup_seconds = {}, [], {}, {}, {}
    for lesson in plan["lesson"]:
        name = lesson["notebook"]
        path = root / NOTEBOOKS / f"{name}.ipynb"
        if not path.exists():
            raise PlanError(f"{PLAN}: lesson {name!r} has no notebook {path.relative_to(root)}")
        cells = nbformat.read(path, as_version=4).cells
        index_of = {cell.id: index for index, cell in enumerate(cells)}
        steps = lesson["item"]
        missing = [step["start"] for step in steps if step["start"] not in index_of]
        if missing:
            raise PlanError(
                f"{PLAN}: the items of {name} start at cells {missing}, which are not in "
                f"{path.relative_to(root)}: give each item the id of its first cell."
            )
        starts = [index_of[step["start"]] for step in steps]
        if starts[0] != 0 or starts != sorted(set(starts)):
            order = ", ".join(
                f"{step['start']} (cell {at})" for step, at in zip(steps, starts, strict=True)
            )
            raise PlanError(
                f"{PLAN}: the items of {name} must start at its first cell and follow the "
                f"lesson's order, each at a different cell; they start at {order}."
            )
        estimate = ESTIMATE.search(cells[0].source)
        if not estimate:
            raise PlanError(f"{name}: its first cell states no '**Time:** N minutes'")
        estimates[name] = int(estimate.group(1))
        setup_end = lesson.get("setup_end", steps[0]["start"])
        if setup_end not in index_of:
            raise PlanError(f"{PLAN}: {name}'s setup_end {setup_end!r} is not a cell of it")
        setups[name] = cells[: index_of[setup_end]]
        measured = times.get(name, {}).get("cells", {})
        items[name] = []
        for step, first, end in zip(steps, starts, [*starts[1:], len(cells)], strict=True):
            item = Item(name, step["start"], step["what"], step["talk"])
            item.cells = list(enumerate(cells))[first:end]
            for _, cell in item.cells:
                if cell.cell_type == "code" and SOLUTION not in _tags(cell):
                    if cell.id in measured:
                        item.seconds[cell.id] = measured[cell.id]
                    else:
                        unmeasured.append(f"{name} {cell.id}")
            items[name].append(item)
        setup_seconds[name] = sum(
            measured.get(cell.id, 0.0) for cell in setups[name] if cell.cell_type == "code"
        )
    if unmeasured:
        lessons = sorted({entry.split()[0] for entry in unmeasured})
        raise PlanError(
            f"{TIMES} has no time for {len(unmeasured)} code cell(s) ({', '.join(unmeasured[:5])}"
            f"{', ...' if len(unmeasured) > 5 else ''}): measure {', '.join(lessons)} on an idle "
            f"machine with `{MEASURE}`."
        )
    for lesson in items.values():
        for item, minutes in zip(lesson, planned_minutes(lesson, rate), strict=True):
            item.minutes = minutes
    return Lessons(items, estimates, setups, setup_seconds)


@dataclass
class Lessons:
    """Every lesson's items, its own time estimate, its set-up cells and their seconds."""

    items: dict  # lesson: [Item]
    estimates: dict  # lesson: minutes its first cell states
    setups: dict  # lesson: the set-up cells (before its setup_end)
    setup_seconds: dict  # lesson: seconds its set-up cells take

    def __getitem__(self, name):
        return self.items[name]

    def get(self, name):
        return self.items.get(name)


@dataclass
class Row:
    """One row of a session's table."""

    start: int
    minutes: int
    what: str
    items: list = field(default_factory=list)  # the lesson items it runs
    cut: list = field(default_factory=list)  # the lesson items it leaves out


def _slot_items(slot, items):
    """(items the slot runs, items it cuts) for a slot that names a lesson."""
    lesson = items.get(slot["lesson"])
    if lesson is None:
        raise PlanError(f"{PLAN}: a slot names {slot['lesson']!r}, which has no [[lesson]]")
    starts = [item.start for item in lesson]
    named = [slot[key] for key in ("from", "to") if key in slot] + slot.get("cut", [])
    unknown = [cell for cell in named if cell not in starts]
    if unknown:
        raise PlanError(
            f"{PLAN}: {slot['lesson']} has no item starting at {unknown} (a slot's from, to "
            "and cut name items' start cells)."
        )
    first = starts.index(slot["from"]) if "from" in slot else 0
    end = starts.index(slot["to"]) if "to" in slot else len(lesson)
    part = lesson[first:end]
    cut = set(slot.get("cut", []))
    return [item for item in part if item.start not in cut], [
        item for item in part if item.start in cut
    ]


def sessions(plan_entry, items, rate, length):
    """[(session title, [Row], spare minutes)] for one plan."""
    result = []
    for session in plan_entry["session"]:
        rows, clock = [], 0
        for slot in session["slot"]:
            if "lesson" in slot:
                run, cut = _slot_items(slot, items)
                # a cut item is not taught, but its cells still run (later cells may need them),
                # and a part that starts mid-lesson first runs the set-up in its fresh kernel
                silent = sum(item.run_seconds for item in cut)
                if run and run[0] is not items[slot["lesson"]][0]:
                    silent += items.setup_seconds[slot["lesson"]]
                minutes = sum(item.minutes for item in run) + math.ceil(round(silent / 60, 6))
                what = f"**{slot['lesson'][:2]}** {slot['what']}"
            else:
                run, cut, minutes, what = [], [], slot["minutes"], slot["what"]
            rows.append(Row(clock, minutes, what, run, cut))
            clock += minutes
        if clock > length:
            raise PlanError(
                f"{PLAN}: {plan_entry['title']}, {session['title']} takes {clock} minutes, "
                f"more than its {length}: cut an item (a slot's cut list) or move a lesson."
            )
        result.append((session["title"], rows, length - clock))
    return result


def _clock(minutes):
    return f"{minutes // 60}:{minutes % 60:02d}"


def _number(value):
    return f"{value:,}"


def _seconds(value):
    return f"{value:.0f} s" if value >= 10 else f"{value:.1f} s"


def _item_text(item, rate):
    """How the guide lists one item: its words, what is typed and run, and its minutes."""
    typed = item.typed
    details = []
    if typed:
        characters = " + ".join(_number(characters) for _, characters, _ in typed)
        details.append(f"typed: {characters} characters")
    to_run = sum(RUN in _tags(cell) for _, cell in item.cells)
    if to_run:
        details.append(f"{to_run} cell{'s' if to_run > 1 else ''} to run, not type")
    if item.run_seconds >= 1:
        details.append(f"cells run {_seconds(item.run_seconds)}")
    detail = f" ({'; '.join(details)})" if details else ""
    return f"{item.what}: {item.minutes} min{detail}."


def render(plan, items, times):
    """The guide's text between the schedule markers."""
    rate, length = plan["typing_rate"], plan["session_minutes"]
    total = {name: sum(item.minutes for item in items[name]) for name in items.items}
    by_lesson = ", ".join(f"{name[:2]} {minutes}" for name, minutes in total.items())
    lines = [
        plan["intro"].strip(),
        "",
        f"In front of the room, with typing and running, the lessons take (minutes) {by_lesson}: "
        f"{sum(total.values())} in all, against {sum(items.estimates.values())} by the lessons' "
        "own estimates (a learner working alone runs the cells an instructor types).",
        "",
    ]
    for entry in plan["plan"]:
        lines += [f"### {entry['title']}", "", entry["intro"].strip(), ""]
        for title, rows, spare in sessions(entry, items, rate, length):
            lines += [f"**{title}**", "", "| start | minutes | what |", "| --- | --- | --- |"]
            lines += [f"| {_clock(row.start)} | {row.minutes} | {row.what} |" for row in rows]
            if spare:
                start = length - spare
                lines.append(
                    f"| {_clock(start)} | {spare} | spare: questions, a cell that misbehaves |"
                )
            lines.append("")
            cuts = [(row, item) for row in rows for item in row.cut]
            if cuts:
                listed = "; ".join(
                    f"{item.lesson[:2]} {item.what[0].lower()}{item.what[1:]} ({item.minutes} min)"
                    for _, item in cuts
                )
                lines += [f"Left out of {title.lower()}, for reading afterwards: {listed}.", ""]
        taught = {
            slot["lesson"]
            for session in entry["session"]
            for slot in session["slot"]
            if "lesson" in slot
        }
        left = [lesson for lesson in plan["lesson"] if lesson["notebook"] not in taught]
        if left:
            listed = ", ".join(
                f"{lesson['notebook'][:2]} {lesson['title']} "
                f"({sum(item.minutes for item in items[lesson['notebook']])} min)"
                for lesson in left
            )
            lines += [f"Not in these sessions: {listed}.", ""]
    lines += ["### Per notebook and per item", ""]
    lines.append(
        f"Each item's minutes are its talk and exercise time, plus the characters typed into "
        f"its live cells at {rate} a minute (indentation and line breaks not counted: JupyterLab "
        f"indents after Enter), plus the seconds its cells take to run (measured). Each item ends "
        f"at its exact time from the lesson's start rounded to the minute, so a lesson's total is "
        f"its exact time, rounded."
    )
    lines.append("")
    for lesson in plan["lesson"]:
        name = lesson["notebook"]
        total = sum(item.minutes for item in items[name])
        steps = " ".join(_item_text(item, rate) for item in items[name])
        note = f" {' '.join(lesson['note'].split())}" if lesson.get("note") else ""
        lines += [
            f"**{name[:2]} {lesson['title']} ({total} min; the lesson's own estimate "
            f"{items.estimates[name]}).** {steps}{note}",
            "",
        ]
    lines += _typed_summary(plan, items, rate)
    lines += _run_all_table(plan, items, times)
    return "\n".join(lines).rstrip() + "\n"


def _typed_summary(plan, items, rate):
    per_lesson = []
    longest = None
    for lesson in plan["lesson"]:
        name = lesson["notebook"]
        cells = [typed for item in items[name] for typed in item.typed]
        if not cells:
            continue
        total = sum(characters for _, characters, _ in cells)
        each = ", ".join(_number(characters) for _, characters, _ in cells)
        per_lesson.append(f"{name[:2]} {_number(total)} ({each})")
        for index, characters, lines in cells:
            if longest is None or characters > longest[2]:
                longest = (name, index, characters, lines)
    text = [
        "Characters typed per notebook, live cell by live cell (indentation and line breaks not "
        f"counted): {'; '.join(per_lesson)}."
    ]
    if longest:
        name, index, characters, lines = longest
        text.append(
            f"The longest typed cell is {name[:2]} cell {index} (counted from 0): {lines} lines, "
            f"{_number(characters)} characters, {characters / rate:.1f} minutes of typing."
        )
    return [" ".join(text), ""]


def _run_all_table(plan, items, times):
    lines = [
        "Run All in a fresh kernel (`benchmarks/notebook_times.py`; solution cells isolated, so "
        "the cells after them take the learner copy's path), and each lesson's slowest cell after "
        "its set-up cells (installing, importing, loading the data):",
        "",
        "| notebook | Run All | slowest cell after the set-up | measured |",
        "| --- | --- | --- | --- |",
    ]
    machines = set()
    for lesson in plan["lesson"]:
        name = lesson["notebook"]
        entry = times[name]
        setup = {cell.id for cell in items.setups[name]}
        later = [
            (item.seconds[cell.id], index)
            for item in items[name]
            for index, cell in item.cells
            if cell.id in item.seconds and cell.id not in setup  # solution cells: not in copies
        ]
        slowest, index = max(later) if later else (0.0, "-")
        lines.append(
            f"| {name[:2]} | {_seconds(entry['run_all_seconds'])} | cell {index}: "
            f"{_seconds(slowest)} | {entry['date']}, load average "
            f"{entry['load_average_before']} |"
        )
        machines.add(entry["machine"])
    lines += ["", f"Measured on: {'; '.join(sorted(machines))}. Cells are counted from 0.", ""]
    return lines


def schedule_text(root=ROOT):
    plan = read_plan(root)
    times = read_times(root)
    return render(plan, lesson_items(plan, times, root), times)


def with_schedule(guide, text):
    """``guide`` with ``text`` between its schedule markers."""
    try:
        return between_markers(guide, SCHEDULE_START, SCHEDULE_END, text, "this tool")
    except ValueError as error:
        raise PlanError(str(error)) from None


def main(argv=None, root=ROOT):
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--check", action="store_true", help="exit 1 if the guide is out of date")
    args = parser.parse_args(argv)
    guide_path = root / GUIDE
    try:
        guide = guide_path.read_text(encoding="utf-8")
        expected = with_schedule(guide, schedule_text(root))
    except PlanError as error:
        print(error, file=sys.stderr)
        return 1
    if expected == guide:
        return 0
    if args.check:
        print(f"out of date: {GUIDE}. Run `python tools/session_plan.py` and commit it.")
        return 1
    guide_path.write_text(expected, encoding="utf-8")
    print(f"wrote {GUIDE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
