"""The parts of instructors/GUIDE.md that tools write: each between a start and an end line.

tools/classroom.py writes the answer list, tools/session_plan.py the schedule.
"""

from pathlib import Path

GUIDE = Path("instructors", "GUIDE.md")  # below the course folder


def between_markers(text, start, end, inner, writer):
    r"""``text`` with ``inner`` between its ``start`` and ``end`` lines (each there once);
    ``writer`` names the tool in the error.

    >>> between_markers("a\n<s>\nold\n<e>\nb", "<s>", "<e>", "new\n", "this tool")
    'a\n<s>\nnew\n<e>\nb'
    """
    if text.count(start) != 1 or text.count(end) != 1:
        raise ValueError(
            f"{GUIDE} needs the lines {start!r} and {end!r} once each: {writer} writes "
            "between them."
        )
    before, rest = text.split(start)
    after = rest.split(end)[1]
    return f"{before}{start}\n{inner}{end}{after}"
