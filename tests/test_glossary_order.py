"""Words before their use (issue 24, point 4): a glossary term is defined where a lesson first
uses it.

For each entry of the course glossary (site/glossary.md, read by tools/build_site.py), take the
first lesson in course order (notebooks/00 to 10) whose markdown uses any of the entry's terms,
the exercises' prompts included (rendered from course_utils/checks/texts/ as `make learner`
renders them). In that lesson the first use must be either

- **bold**: the term inside a ``**...**`` span, in the sentence that defines it; or
- a markdown link to the glossary, ``[callback](...glossary...)``, whose text is the term (or
  whose target's anchor names it, such as ``#term-callback``).

A use is found by the website's own matcher (build_site.term_uses), so a use here is what the
site links: whole words, any case, singular or plural, a hyphen, space or line break between
words; never inside code, maths, links, HTML, headings or URLs; and never inside a longer term
("loss" inside "validation loss" is a use of "validation loss" only).

One exception: a lesson's opening cell (its title, its questions and its objectives) announces
what the lesson will teach, such as "read a pair of curves as one of four verdicts
(underfitting, overfitting, ...)", and is no place for definitions. A use there makes the lesson
the one that must define the term, but the use that must be bold or linked is the first one
after the opening cell (a term the opening names and the lesson never uses again is a
violation). No other exception: every term in the glossary is there because a lesson uses it
with a precise meaning, so a learner meets its meaning where they meet the word.

Run this file as a script to write the current violations to a file (default
/work/glossary_failures.txt): ``python tests/test_glossary_order.py [path]``.
"""

import re
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import nbformat
from nbformat.v4 import new_markdown_cell, new_notebook

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))

import build_site  # noqa: E402
import classroom  # noqa: E402

from course_utils.checks.exercise_texts import read_texts  # noqa: E402

GLOSSARY = ROOT / "site" / "glossary.md"
# a markdown link whose target is the glossary: [text](...glossary...#anchor)
GLOSSARY_LINK = re.compile(r"\[(?P<text>[^\]]*)\]\((?P<url>[^)\s]*glossary[^)\s]*)\)", re.I)
# a lesson's opening cell (its title, questions and objectives) names what the lesson teaches:
# the first use after it is the one that must define the term
OPENING = 1
BOLD = re.compile(r"\*\*(?=\S).+?(?<=\S)\*\*|__(?=\S).+?(?<=\S)__", re.S)


@dataclass(frozen=True)
class Violation:
    lesson: str
    cell: int  # the cell's index in the lesson's notebook
    term: str  # the entry's first term
    snippet: str

    def __str__(self):
        return (
            f"{self.lesson} cell {self.cell}: first use of the glossary term {self.term!r} is "
            f"neither **bold** (its definition) nor a link to the glossary: ...{self.snippet}..."
        )


def _slug(text):
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _snippet(text, start, end, width=50):
    shown = text[max(0, start - width) : start] + "[" + text[start:end] + "]" + text[end:][:width]
    return " ".join(shown.split())


def first_use(text, terms, pattern, longer):
    """The first use of a glossary entry in one markdown ``text``, or None: (start, end, how)
    with ``how`` one of "link" (a link to the glossary), "bold" or "plain"."""
    uses = []
    for match in build_site.term_uses(text, pattern, longer):
        bold = any(
            b.start() <= match.start() and match.end() <= b.end() for b in BOLD.finditer(text)
        )
        uses.append((match.start(), match.end(), "bold" if bold else "plain"))
    anchors = {_slug(f"term {term}") for term in terms}
    for link in GLOSSARY_LINK.finditer(text):
        names_it = next(build_site.term_uses(link["text"], pattern, longer), None) is not None
        if names_it or _slug(link["url"].rpartition("#")[2]) in anchors:
            uses.append((link.start(), link.end(), "link"))
    return min(uses, default=None)


def defining_uses(lessons, entries):
    """For each glossary entry that the course uses: (its terms, the lesson, the cell index,
    the cell's text, (start, end, how)) of the use that must define it, or of the opening
    cell's use when the lesson never uses it after its opening cell (then ``how`` is
    "opening only").

    ``lessons``: (name, notebook) pairs in course order; ``entries``: the glossary's entries
    (build_site.glossary_entries), each a list of terms. The first lesson that uses an entry is
    the one whose markdown uses it first, its opening cell included; the use that must define
    it is the first one after the opening cell (``OPENING``)."""
    for terms, pattern, longer in build_site.entry_patterns(entries):
        for lesson, notebook in lessons:
            uses = [
                (index, cell.source, first_use(cell.source, terms, pattern, longer))
                for index, cell in enumerate(notebook.cells)
                if cell.cell_type == "markdown"
            ]
            uses = [use for use in uses if use[2]]
            if not uses:
                continue
            defining = [use for use in uses if use[0] >= OPENING]
            if defining:
                yield (terms, lesson, *defining[0])
            else:
                index, source, (start, end, _) = uses[0]
                yield terms, lesson, index, source, (start, end, "opening only")
            break


def violations(lessons, entries):
    """The glossary entries whose first use in the course is neither bold nor a glossary link
    (``defining_uses``), as a sorted list of Violation."""
    found = []
    for terms, lesson, index, source, (start, end, how) in defining_uses(lessons, entries):
        if how in ("plain", "opening only"):
            snippet = _snippet(source, start, end)
            if how == "opening only":
                snippet += " (and never after the opening cell)"
            found.append(Violation(lesson, index, terms[0], snippet))
    return sorted(found, key=lambda v: (v.lesson, v.cell, v.term))


def course_lessons(texts=None, notes=None):
    """(name, notebook) for each lesson, in course order, with its exercises' prompts rendered
    from their data files as `make learner` renders them. With a list ``notes``, a lesson whose
    prompts cannot be rendered (half-way through an edit) is read as stored, and the reason
    appended to ``notes``; without it, the error is raised."""
    texts = {key: text for key, (text, _) in (texts or read_texts()).items()}
    lessons = []
    for path in build_site.lesson_notebooks():
        notebook = nbformat.read(path, as_version=4)
        try:
            notebook = classroom.with_prompts(notebook, texts, path.name)
        except ValueError as error:
            if notes is None:
                raise
            notes.append(f"{path.name}: prompts not rendered ({error}); read as stored")
        lessons.append((path.stem, notebook))
    return lessons


def course_entries():
    return build_site.glossary_entries(GLOSSARY.read_text(encoding="utf-8"))


# ---- the rule, on small made-up lessons -----------------------------------------------------

ENTRIES = [["Callback"], ["Loss"], ["Validation loss"], ["Overfitting", "Overfit"]]


def lesson(*markdown, opening="# A lesson"):
    """A made-up lesson: its opening cell (index 0), then ``markdown``'s cells (1, 2, ...)."""
    return new_notebook(cells=[new_markdown_cell(text) for text in [opening, *markdown]])


def check(*lessons):
    named = [(f"{n:02d}_lesson", notebook) for n, notebook in enumerate(lessons)]
    return [(v.lesson, v.cell, v.term) for v in violations(named, ENTRIES)]


def test_a_term_first_used_in_plain_text_is_a_violation():
    assert check(lesson("Add a callback.", "A **callback** is ...")) == [
        ("00_lesson", 1, "Callback")
    ]


def test_a_bold_definition_or_a_glossary_link_first_is_fine():
    assert check(lesson("A **callback** is called by `fit`. Add a callback.")) == []
    assert check(lesson("Add a [callback](../site/glossary.md#term-Callback).", "a callback")) == []
    assert check(lesson("Add [one](glossary.html#term-callback), then a callback.")) == []


def test_only_the_first_lesson_that_uses_a_term_counts():
    first = lesson("A **callback** is ...")
    assert check(first, lesson("a callback again")) == []
    assert check(lesson("no such word"), lesson("a callback"), first) == [
        ("01_lesson", 1, "Callback")
    ]


def test_the_opening_cell_may_name_a_term_the_lesson_then_defines():
    opening = "# Callbacks\n\n**Objectives**\n- Add a callback to `fit`."
    assert check(lesson("A **callback** is ...", opening=opening)) == []
    assert check(lesson("Add a callback.", opening=opening)) == [("00_lesson", 1, "Callback")]
    # named in the opening, never used again: nothing defines it
    assert check(lesson("Nothing more.", opening=opening)) == [("00_lesson", 0, "Callback")]
    # the opening's lesson is the one that must define it, not a later one
    assert check(lesson(opening=opening), lesson("A **callback** is ...")) == [
        ("00_lesson", 0, "Callback")
    ]


def test_code_maths_headings_and_links_elsewhere_are_no_use():
    quiet = (
        "## Callbacks\n\n`callback` $callback$ [a callback](https://keras.io) ```\ncallback\n```"
    )
    assert check(lesson(quiet, "then a **callback**")) == []


def test_plurals_aliases_and_longer_terms_as_the_site_matches_them():
    assert check(lesson("Two callbacks.")) == [("00_lesson", 1, "Callback")]
    assert check(lesson("Models overfit.")) == [("00_lesson", 1, "Overfitting")]
    # "loss" inside "validation loss" is no use of "loss"; the longer term is defined in bold
    assert check(lesson("The **validation loss**.", "The **loss** is ...")) == []
    assert check(lesson("The **validation loss**, a loss.")) == [("00_lesson", 1, "Loss")]


def test_a_bold_span_counts_only_around_the_term():
    assert check(lesson("**Note**: a callback. A **callback** is ...")) == [
        ("00_lesson", 1, "Callback")
    ]


def test_a_definition_taken_out_is_caught_in_a_real_lesson():
    """Break check: un-bold the first definition that the course gives in bold."""
    lessons = course_lessons()
    entries = course_entries()
    bold = next(use for use in defining_uses(lessons, entries) if use[4][2] == "bold")
    terms, name, index, source, (start, end, _) = bold
    assert terms[0] not in {v.term for v in violations(lessons, entries)}
    span = next(b for b in BOLD.finditer(source) if b.start() <= start and end <= b.end())
    cell = dict(lessons)[name].cells[index]
    cell.source = source[: span.start()] + span[0].strip("*_") + source[span.end() :]
    assert (name, index, terms[0]) in {
        (v.lesson, v.cell, v.term) for v in violations(lessons, entries)
    }


# ---- the course ------------------------------------------------------------------------------


def test_the_glossary_has_the_terms_the_lessons_need():
    terms = {term.lower() for entry in course_entries() for term in entry}
    needed = {
        "callback",
        "inference mode",
        "training mode",
        "dropout",
        "entropy",
        "traced model",
        "underfitting",
        "overfitting",
        "good fit",
    }
    assert needed <= terms, f"site/glossary.md lacks {sorted(needed - terms)}"


def test_every_glossary_term_is_defined_or_linked_where_the_course_first_uses_it():
    found = violations(course_lessons(), course_entries())
    assert not found, f"{len(found)} glossary terms used before their definition:\n" + "\n".join(
        map(str, found)
    )


def report(path):
    """Write the course's current violations to ``path``; returns how many."""
    notes = []
    found = violations(course_lessons(notes=notes), course_entries())
    lines = [
        "Glossary terms used in a lesson before their definition (tests/test_glossary_order.py).",
        "Fix: make the first use in that lesson (after its opening cell) **bold** in the sentence",
        "that defines it, or a markdown link to the glossary, [term](...glossary...). The first",
        "lesson (00..10) that uses the term must define it; code, maths, links and headings",
        "don't count. The rule and its matcher: see the docstring of tests/test_glossary_order.py.",
        "Prefer bold: the website build (tools/build_site.py) links each term's first use to the",
        "glossary by itself, and does not rewrite a markdown link to site/glossary.md. A word",
        "used in another sense than the glossary's: reword it, or define it there (the glossary",
        "entry may be widened: say so in your report).",
        f"{len(found)} violations, at {time.strftime('%H:%M UTC', time.gmtime())}:",
        "",
        *map(str, found),
        *(["", *notes] if notes else []),
    ]
    Path(path).write_text("\n".join(lines) + "\n", encoding="utf-8")
    return len(found)


if __name__ == "__main__":
    target = sys.argv[1] if len(sys.argv) > 1 else "/work/glossary_failures.txt"
    print(report(target), "violations written to", target)
