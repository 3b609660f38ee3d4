"""Every notebook builds into a reveal.js deck (tools/slides.py) that carries its key points."""

import html
import importlib.util
import re
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell

from course_utils.notebook_tags import SOLUTION

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("slides", ROOT / "tools" / "slides.py")
slides = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(slides)

NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9]*.ipynb"))


def key_points(notebook):
    """The bullets of the notebook's "## Key points" section, as plain text."""
    heading = re.compile(r"^## Key points$", flags=re.MULTILINE)
    text = next((cell.source for cell in notebook.cells if heading.search(cell.source)), "")
    section = heading.split(text, 1)[-1].split("\n## ", 1)[0] if text else ""
    bullets = re.split(r"^- ", section, flags=re.MULTILINE)[1:]
    return [plain(bullet) for bullet in bullets]


def plain(markdown_or_html):
    """Text with markup, entities and line breaks removed, to compare a notebook with its deck."""
    text = re.sub(r"<[^>]+>", "", markdown_or_html)
    text = html.unescape(text).replace("`", "").replace("**", "")
    return " ".join(text.split())


@pytest.fixture(scope="module")
def decks(tmp_path_factory):
    deck_dir = tmp_path_factory.mktemp("slides")
    return {
        path: slides.build_deck(path, deck_dir).read_text(encoding="utf-8") for path in NOTEBOOKS
    }


@pytest.mark.parametrize("notebook_path", NOTEBOOKS, ids=lambda path: path.stem)
def test_deck_builds_as_reveal_slides_with_the_key_points(decks, notebook_path):
    deck = decks[notebook_path]
    notebook = nbformat.read(notebook_path, as_version=4)
    assert "reveal.js" in deck and "Reveal.initialize" in deck
    headings = sum(
        1
        for cell in notebook.cells
        if cell.cell_type == "markdown" and cell.source.startswith(("# ", "## "))
    )
    assert deck.count("<section") >= headings, "each # and ## heading opens a slide"
    points = key_points(notebook)
    assert points, "the lesson states its key points"
    text = plain(deck)
    for point in points:
        assert point in text, f"key point missing from the deck: {point!r}"


@pytest.mark.parametrize("notebook_path", NOTEBOOKS, ids=lambda path: path.stem)
def test_deck_gives_no_solution_away(decks, notebook_path):
    notebook = nbformat.read(notebook_path, as_version=4)
    text = plain(decks[notebook_path])
    for cell in notebook.cells:
        if SOLUTION in cell.metadata.get("tags", []):
            assert plain(cell.source) not in text


@pytest.mark.parametrize(
    "cell, expected",
    [
        (new_markdown_cell("# 01 · Title"), "slide"),
        (new_markdown_cell("## A section"), "slide"),
        (new_markdown_cell("### Exercise 1"), "subslide"),
        (new_markdown_cell("Some prose with a # in it"), "-"),
        (new_code_cell("x = 1"), "-"),
        (new_code_cell("answer = 1", metadata={"tags": ["solution"]}), "skip"),
        (
            new_markdown_cell("## Shown as notes", metadata={"slideshow": {"slide_type": "notes"}}),
            "notes",
        ),
    ],
)
def test_slide_type_follows_headings_unless_the_cell_says_otherwise(cell, expected):
    assert slides.slide_type(cell) == expected


def test_build_deck_refuses_a_path_that_is_not_a_notebook(tmp_path):
    with pytest.raises(ValueError, match="notebook_path must be an existing .ipynb file"):
        slides.build_deck(tmp_path / "missing.ipynb", tmp_path)
