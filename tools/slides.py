"""reveal.js slide decks of the notebooks, with their stored outputs (`make slides`).

Each cell's place in the deck comes from its slide metadata (metadata.slideshow.slide_type, set
in JupyterLab's property inspector). A cell without it gets one from the notebook's headings:

- a markdown cell that starts with "# " or "## " opens a new slide;
- one that starts with "### " (an exercise) opens a sub-slide, below the slide it belongs to;
- a solution cell (tag "solution") is skipped, so the projected deck gives no answer away;
- any other cell continues the slide before it (a slide taller than the screen scrolls).

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

import copy
import re
import shutil
import sys
from pathlib import Path

import jinja2
import nbformat
from nbconvert import SlidesExporter

from course_utils.notebook_tags import SOLUTION

ROOT = Path(__file__).resolve().parents[1]
DECK_DIR = ROOT / "build" / "slides"
NODE_MODULES = ROOT / "node_modules"
ASSETS = "assets"  # the decks' folder of reveal.js and MathJax, next to them in DECK_DIR

EXERCISE_CHECK = re.compile(r"\bchecks\.exercise\(")

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
    if cell.cell_type == "markdown" and cell.source.startswith("### "):
        return "subslide"
    return "-"


def is_exercise_check(cell):
    """Whether ``cell`` is an exercise's self-check: code that calls ``checks.exercise(...)``."""
    return cell.cell_type == "code" and bool(EXERCISE_CHECK.search(cell.source))


def with_slide_metadata(notebook):
    """A copy of ``notebook`` in which every cell carries its slide type, and no exercise's
    self-check cell carries its stored output."""
    notebook = copy.deepcopy(notebook)
    for cell in notebook.cells:
        cell.metadata.setdefault("slideshow", {})["slide_type"] = slide_type(cell)
        if is_exercise_check(cell):
            cell.outputs = []
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
    """nbconvert's SlidesExporter, set up for decks that load everything from ./assets/."""
    return SlidesExporter(
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
