"""reveal.js slide decks of the notebooks, with their stored outputs (`make slides`).

A slide holds about one screen (1280x720). The deck is made from a copy of the notebook in
which each markdown cell is cut at every heading inside it, and a markdown cell still taller
than a screen at its paragraphs. Each piece's place in the deck comes from its slide metadata
(metadata.slideshow.slide_type, set in JupyterLab's property inspector); a piece without it gets
one from the headings and from its estimated height:

- a piece that starts with "# " or "## " opens a new slide (the key points among them);
- one that starts with "### " or "#### " (an exercise, a sub-section) opens a sub-slide, below
  the slide it belongs to;
- a solution cell (tag "solution") is skipped, so the projected deck gives no answer away;
- any other piece continues the slide before it, unless the slide would then be taller than a
  screen: then it opens a sub-slide (``estimated_height`` measures cells as the deck draws
  them; tests/test_slides.py checks every slide in a browser).

Code that only describes a figure for screen readers (``set_description(...)``) is left off the
slides: the picture is there.

An exercise's self-check cell (one that calls ``checks.exercise(...)``) keeps its code but loses
its stored output: the "❌ Not yet" and hint of the unsolved exercise belong in the learner's
notebook, not on the projector.

    python tools/slides.py notebooks/01_regression_mse.ipynb [...]  # -> build/slides/*.slides.html

The decks work offline: reveal.js and MathJax 2 come from node_modules/ (`npm ci`, which
`make slides` runs first) and are copied next to the decks, into build/slides/assets/ (about
2 MB: only the files the decks load). A deck loads nothing from the network: no CDN, no web
font; jQuery, RequireJS and Mermaid, which nbconvert's reveal template fetches from CDNs, are
left out. Copy build/slides/ whole (the .slides.html files and assets/) to present elsewhere.
Code wraps instead of running off the slide (16:9, 1280x720).
"""

import ast
import base64
import copy
import math
import re
import shutil
import struct
import sys
from pathlib import Path

import jinja2
import nbformat
from nbconvert import SlidesExporter
from traitlets.config import Config

from course_utils.notebook_tags import SOLUTION

ROOT = Path(__file__).resolve().parents[1]
DECK_DIR = ROOT / "build" / "slides"
NODE_MODULES = ROOT / "node_modules"
ASSETS = "assets"  # the decks' folder of reveal.js and MathJax, next to them in DECK_DIR

EXERCISE_CHECK = re.compile(r"\bchecks\.exercise\(")
HEADING = re.compile(r"^(?=#{1,4} )", flags=re.MULTILINE)  # where a heading line starts
SCREEN = 720  # the deck's height in pixels (reveal_height below); a slide fills about one
OUTPUT_ONLY = "deck-output-only"  # a code cell taller than a screen: its outputs, on their own

# What the decks load, from node_modules/: (package, [files or folders inside it]).
# MathJax 2 is 73 MB whole; the decks need its loader, the one combined configuration nbconvert
# asks for (TeX-AMS_CHTML-full, plus Safe), the CommonHTML output and its TeX web fonts (woff),
# and the small extensions it loads on demand (menu, zoom, TeX macros such as \cancel).
ASSET_FILES = (
    (
        "reveal.js",
        [
            "LICENSE",
            "dist/reveal.js",
            "dist/reveal.css",
            "dist/theme/white.css",
            "dist/theme/fonts/source-sans-pro/source-sans-pro.css",
            *(
                f"dist/theme/fonts/source-sans-pro/source-sans-pro-{face}.woff"
                for face in ("regular", "italic", "semibold", "semibolditalic")
            ),
            "plugin/notes/notes.js",
        ],
    ),
    (
        "mathjax",
        [
            "LICENSE",
            "MathJax.js",
            "config/TeX-AMS_CHTML-full.js",
            "config/Safe.js",
            "extensions/Safe.js",
            "extensions/MathEvents.js",
            "extensions/MathMenu.js",
            "extensions/MathZoom.js",
            "extensions/HelpDialog.js",
            "extensions/AssistiveMML.js",
            "extensions/toMathML.js",
            "extensions/TeX",
            "jax/element/mml",
            "jax/input/TeX",
            "jax/output/CommonHTML",
            "jax/output/PreviewHTML",
            "fonts/HTML-CSS/TeX/woff",
        ],
    ),
)
MATHJAX_URL = f"{ASSETS}/mathjax/MathJax.js?config=TeX-AMS_CHTML-full,Safe"
REVEAL_URL_PREFIX = f"{ASSETS}/reveal.js"

# nbconvert's reveal template, minus everything it fetches from a CDN: jQuery and RequireJS
# (reveal.js and its notes plugin load with plain script tags instead), Mermaid (no lesson
# draws a Mermaid diagram) and the Jupyter widgets manager (no lesson stores widget state).
OFFLINE_TEMPLATE = r"""
{%- extends 'index.html.j2' -%}

{%- block html_head_js -%}{%- endblock html_head_js -%}
{%- block jupyter_widgets -%}{%- endblock jupyter_widgets -%}

{%- block html_head_css -%}
<style type="text/css">
/* Headings as the lesson writes them (the white theme capitalises them). */
.reveal .slides h1, .reveal .slides h2, .reveal .slides h3, .reveal .slides h4 {
    text-transform: none;
}
/* Code that fits the slide: a 100-character line fits at this size, and any longer line
   (a wide printed table, a long log line) wraps instead of running off the slide. */
:root { --jp-code-font-size: 16px; --jp-cell-prompt-width: 80px; }
.reveal pre, .reveal .jp-RenderedText pre, .reveal .highlight pre {
    white-space: pre-wrap;
    overflow-wrap: anywhere;
}
.reveal .jp-OutputArea-output img { max-width: 100%; height: auto; }
</style>
{%- endblock html_head_css -%}

{% block footer_js %}
<script src="{{ reveal_url_prefix }}/dist/reveal.js"></script>
<script src="{{ reveal_url_prefix }}/plugin/notes/notes.js"></script>
<script>
Reveal.initialize({
    controls: true,
    progress: true,
    history: true,
    transition: "{{ reveal_transition }}",
    slideNumber: "{{ reveal_number }}",
    plugins: [RevealNotes],
    width: {{ reveal_width }},
    height: {{ reveal_height }},
});

// MathJax typesets slides that were hidden while it ran: render the shown slide again.
Reveal.on('slidechanged', function () {
    if (window.MathJax && MathJax.Hub.getAllJax(Reveal.getCurrentSlide()).length) {
        MathJax.Hub.Rerender(Reveal.getCurrentSlide());
    }
});

// A slide taller than the screen scrolls (nbconvert's reveal_scroll, without jQuery).
function setScrollingSlide() {
    if ({{ reveal_scroll }} !== true) {
        return;
    }
    var limit = document.querySelector('.reveal').offsetHeight * 0.95;
    document.querySelectorAll('section.present section').forEach(function (section) {
        if (section.offsetHeight > limit) {
            section.style.height = 'calc(95vh)';
            section.style.overflowY = 'scroll';
            section.style.marginTop = '20px';
        }
    });
}
Reveal.on('ready', setScrollingSlide);
Reveal.on('slidechanged', setScrollingSlide);
</script>
{% endblock footer_js %}
"""


def slide_type(cell):
    """The cell's slide type: its own metadata if it has one, else the heading rule above."""
    explicit = cell.metadata.get("slideshow", {}).get("slide_type")
    if explicit:
        return explicit
    if SOLUTION in cell.metadata.get("tags", []):
        return "skip"
    if cell.cell_type == "markdown" and cell.source.startswith(("# ", "## ")):
        return "slide"
    if cell.cell_type == "markdown" and cell.source.startswith(("### ", "#### ")):
        return "subslide"
    return "-"


def estimated_height(cell):
    """The height in pixels the deck draws ``cell`` at, from its text and its outputs (fitted
    to the decks of the lessons as Chromium draws them at 1280x720: about 0.28 px a character
    and 47 a paragraph of markdown, 19 a line of code or printed text, a figure at its own
    size up to the slide's width).

    >>> from nbformat.v4 import new_code_cell, new_markdown_cell
    >>> estimated_height(new_markdown_cell("One paragraph.")), estimated_height(new_code_cell("x"))
    (51, 39)
    """
    if cell.cell_type == "markdown":
        paragraphs = [part for part in cell.source.split("\n\n") if part.strip()]
        return round(0.28 * len(cell.source) + 47 * len(paragraphs))
    shows_code = OUTPUT_ONLY not in cell.metadata.get("tags", [])
    height = 19 * cell.source.count("\n") + 39 if shows_code else 0
    for output in cell.get("outputs", []):
        data = output.get("data", {})
        frame = re.search(r'<iframe[^>]*height="(\d+)"', data.get("text/html", ""))
        if frame:  # %tensorboard's frame
            height += int(frame[1]) + 20
        elif "image/png" in data:
            width, tall = struct.unpack(">II", base64.b64decode(data["image/png"])[16:24])
            height += math.ceil(tall * min(1.0, 1150 / width)) + 55
        else:
            text = output.get("text") or data.get("text/plain") or ""
            height += 19 * (text.count("\n") + 1) + 20
    return height


def _pieces(cell):
    """``cell`` as the deck shows it: a markdown cell cut at each heading it holds, then at its
    paragraphs while a piece is taller than a screen; a code cell without its figure
    descriptions."""
    if cell.cell_type == "code":
        cell = _without_descriptions(cell)
        if estimated_height(cell) <= SCREEN:
            return [cell]
        code = copy.deepcopy(cell)
        code.outputs = []
        pieces = [_piece(text, code) for text in _screens(cell.source.split("\n\n"), code)]
        if cell.get("outputs"):  # what it shows, on its own
            shown = copy.deepcopy(cell)
            shown.metadata.setdefault("tags", []).append(OUTPUT_ONLY)
            pieces.append(shown)
        return _numbered(pieces)
    if "slideshow" in cell.metadata:
        return [cell]
    sections = [part for part in HEADING.split(cell.source) if part.strip()]
    return _numbered(
        [
            _piece(text, cell)
            for section in sections
            for text in _screens(section.split("\n\n"), cell)
        ]
    )


def _screens(parts, cell):
    """The texts of ``parts`` (paragraphs, or blocks of code between blank lines) joined into
    as few pieces as keep each within a screen, as ``cell`` would show them."""
    texts, chunk = [], []
    for part in parts:
        if chunk and estimated_height(_piece("\n\n".join([*chunk, part]), cell)) > SCREEN:
            texts.append("\n\n".join(chunk))
            chunk = []
        chunk.append(part)
    return [*texts, "\n\n".join(chunk)]


def _piece(text, cell):
    """A copy of ``cell`` holding ``text``."""
    piece = copy.deepcopy(cell)
    piece.source = text.strip("\n")
    return piece


def _numbered(pieces):
    """``pieces`` of one cell, each but the first with the cell's id and its number (ids stay
    unique in the deck's notebook)."""
    for number, piece in enumerate(pieces[1:], start=2):
        piece.id = f"{piece.id}-{number}"
    return pieces


def _without_descriptions(cell):
    """A copy of the code ``cell`` without its ``set_description(...)`` statements."""
    cell = copy.deepcopy(cell)
    try:
        statements = ast.parse(cell.source).body
    except SyntaxError:  # IPython syntax (%magic): leave the cell as it is
        return cell
    dropped = set()
    for statement in statements:
        call = statement.value if isinstance(statement, ast.Expr) else None
        if isinstance(call, ast.Call) and getattr(call.func, "id", "") == "set_description":
            dropped.update(range(statement.lineno, statement.end_lineno + 1))
    lines = cell.source.splitlines()
    cell.source = "\n".join(line for number, line in enumerate(lines, 1) if number not in dropped)
    return cell


def is_exercise_check(cell):
    """Whether ``cell`` is an exercise's self-check: code that calls ``checks.exercise(...)``."""
    return cell.cell_type == "code" and bool(EXERCISE_CHECK.search(cell.source))


def with_slide_metadata(notebook):
    """A copy of ``notebook`` cut into slide-sized pieces (``_pieces``), each carrying its
    slide type, and no exercise's self-check cell carrying its stored output."""
    notebook = copy.deepcopy(notebook)
    cells, height = [], 0
    for cell in notebook.cells:
        for piece in _pieces(cell):
            if is_exercise_check(piece):
                piece.outputs = []
            kind = slide_type(piece)
            if kind == "-" and height and height + estimated_height(piece) > SCREEN:
                kind = "subslide"
            if kind in ("slide", "subslide", "-"):
                height = (0 if kind != "-" else height) + estimated_height(piece)
            piece.metadata.setdefault("slideshow", {})["slide_type"] = kind
            cells.append(piece)
    notebook.cells = cells
    return notebook


def asset_files():
    """[(source in node_modules/, path relative to the deck folder)] of every file a deck loads."""
    pairs = []
    for package, entries in ASSET_FILES:
        for entry in entries:
            source = NODE_MODULES / package / entry
            if not source.exists():
                raise FileNotFoundError(
                    f"node_modules/{package}/{entry} is missing: the decks bundle reveal.js and "
                    "MathJax from node_modules/; run `make slides` (it runs `npm ci` first)"
                )
            sources = (
                sorted(p for p in source.rglob("*") if p.is_file()) if source.is_dir() else [source]
            )
            pairs += [
                (path, Path(ASSETS) / package / path.relative_to(NODE_MODULES / package))
                for path in sources
            ]
    return pairs


def copy_assets(deck_dir=DECK_DIR):
    """Copy reveal.js and MathJax (the files the decks load) into ``deck_dir``/assets/."""
    deck_dir = Path(deck_dir)
    for source, relative in asset_files():
        target = deck_dir / relative
        if target.is_file() and target.stat().st_size == source.stat().st_size:
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
    return deck_dir / ASSETS


def exporter():
    """nbconvert's SlidesExporter, set up for decks that load everything from ./assets/; a cell
    tagged OUTPUT_ONLY shows its outputs without its code."""
    config = Config()
    config.TagRemovePreprocessor.enabled = True
    config.TagRemovePreprocessor.remove_input_tags = {OUTPUT_ONLY}
    return SlidesExporter(
        config=config,
        extra_loaders=[jinja2.DictLoader({"offline_slides.html.j2": OFFLINE_TEMPLATE})],
        template_file="offline_slides.html.j2",
        reveal_url_prefix=REVEAL_URL_PREFIX,
        reveal_theme="white",
        reveal_scroll=True,
        reveal_width="1280",
        reveal_height="720",
        mathjax_url=MATHJAX_URL,
    )


def build_deck(notebook_path, deck_dir=DECK_DIR):
    """Write the deck of the notebook at ``notebook_path`` into ``deck_dir``, with the assets it
    loads; return its path."""
    notebook_path = Path(notebook_path)
    if notebook_path.suffix != ".ipynb" or not notebook_path.is_file():
        raise ValueError(
            f"notebook_path must be an existing .ipynb file, got {str(notebook_path)!r}"
        )
    deck_dir = Path(deck_dir)
    copy_assets(deck_dir)
    notebook = with_slide_metadata(nbformat.read(notebook_path, as_version=4))
    html, _ = exporter().from_notebook_node(
        notebook, resources={"metadata": {"name": notebook_path.stem}}
    )
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
