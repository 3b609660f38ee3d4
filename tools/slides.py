"""reveal.js slide decks of the notebooks, with their stored outputs (`make slides`).

Each cell's place in the deck comes from its slide metadata (metadata.slideshow.slide_type, set
in JupyterLab's property inspector). A cell without it gets one from the notebook's headings:

- a markdown cell that starts with "# " or "## " opens a new slide;
- one that starts with "### " (an exercise) opens a sub-slide, below the slide it belongs to;
- a solution cell (tag "solution") is skipped, so the projected deck gives no answer away;
- any other cell continues the slide before it (reveal.js scrolls a long slide).

    python tools/slides.py notebooks/01_regression_mse.ipynb [...]  # -> build/slides/*.slides.html

The decks load reveal.js from a CDN when opened; building them needs no network.
"""

import copy
import sys
from pathlib import Path

import nbformat
from nbconvert import SlidesExporter

from course_utils.notebook_tags import SOLUTION

ROOT = Path(__file__).resolve().parents[1]
DECK_DIR = ROOT / "build" / "slides"


def slide_type(cell):
    """The cell's slide type: its own metadata if it has one, else the heading rule above."""
    explicit = cell.metadata.get("slideshow", {}).get("slide_type")
    if explicit:
        return explicit
    if SOLUTION in cell.metadata.get("tags", []):
        return "skip"
    if cell.cell_type == "markdown" and cell.source.startswith(("# ", "## ")):
        return "slide"
    if cell.cell_type == "markdown" and cell.source.startswith("### "):
        return "subslide"
    return "-"


def with_slide_metadata(notebook):
    """A copy of ``notebook`` in which every cell carries its slide type."""
    notebook = copy.deepcopy(notebook)
    for cell in notebook.cells:
        cell.metadata.setdefault("slideshow", {})["slide_type"] = slide_type(cell)
    return notebook


def build_deck(notebook_path, deck_dir=DECK_DIR):
    """Write the deck of the notebook at ``notebook_path`` into ``deck_dir``; return its path."""
    notebook_path = Path(notebook_path)
    if notebook_path.suffix != ".ipynb" or not notebook_path.is_file():
        raise ValueError(
            f"notebook_path must be an existing .ipynb file, got {str(notebook_path)!r}"
        )
    notebook = with_slide_metadata(nbformat.read(notebook_path, as_version=4))
    exporter = SlidesExporter(reveal_scroll=True)
    html, _ = exporter.from_notebook_node(
        notebook, resources={"metadata": {"name": notebook_path.stem}}
    )
    deck_dir = Path(deck_dir)
    deck_dir.mkdir(parents=True, exist_ok=True)
    deck = deck_dir / f"{notebook_path.stem}.slides.html"
    deck.write_text(html, encoding="utf-8")
    return deck


def main(paths):
    if not paths:
        sys.exit("usage: python tools/slides.py NOTEBOOK.ipynb [...]")
    for path in paths:
        print(f"wrote {build_deck(path).relative_to(ROOT)}")


if __name__ == "__main__":
    main(sys.argv[1:])
