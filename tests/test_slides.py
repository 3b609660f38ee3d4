"""Every notebook builds into a reveal.js deck (tools/slides.py) that carries its key points,
gives no solution or exercise output away, works offline, and whose every slide fits in a
screen and a half at 1280x720.

The browser test opens a deck from a file:// URL in the system's headless Chromium (Debian's
`chromium` package, as tests/test_browser.py does; `playwright install` is never needed) with every
request that is not a local file refused, as with the network off. It saves
test-artifacts/slides-offline.png (gitignored), a slide with rendered maths, for a person to look
at. Without any Chromium binary it skips, except in CI (CI=true), where it fails instead.
"""

import html
import importlib.util
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import nbformat
import pytest
from browser_support import CHROMIUM, INSTALL_CHROMIUM, require, screenshot
from nbformat.v4 import new_code_cell, new_markdown_cell, new_output
from playwright.sync_api import sync_playwright

from course_utils.notebook_tags import SOLUTION

pytestmark = pytest.mark.browser  # builds the decks, then Chromium

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("slides", ROOT / "tools" / "slides.py")
slides = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(slides)

NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9]*.ipynb"))
WITH_MATHS = ROOT / "notebooks" / "01_regression_mse.ipynb"  # the deck the browser opens
ASSETS_BUDGET = 3_000_000  # bytes: reveal.js and the parts of MathJax 2 (73 MB whole) the decks use


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


class References(HTMLParser):
    """What a page loads: the URLs of its scripts, style sheets, images and frames, and the
    text of its inline scripts and style elements."""

    LOADS = {"script": "src", "link": "href", "img": "src", "iframe": "src", "source": "src"}

    def __init__(self, page):
        super().__init__()
        self.urls, self.scripts, self.styles, self._inside = [], [], [], None
        self.feed(page)

    def handle_starttag(self, tag, attrs):
        url = dict(attrs).get(self.LOADS.get(tag, ""))
        if url and not url.startswith("data:"):
            self.urls.append(url)
        self._inside = tag if tag in ("script", "style") else None

    def handle_endtag(self, tag):
        self._inside = None

    def handle_data(self, data):
        if self._inside == "script":
            self.scripts.append(data)
        elif self._inside == "style":
            self.styles.append(data)


def css_urls(css):
    """The URLs a style sheet loads (url(...) and @import), comments left out."""
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.DOTALL)
    urls = re.findall(r"""url\(\s*['"]?([^'")]+)""", css)
    urls += re.findall(r"""@import\s+['"]([^'"]+)""", css)
    return [url for url in urls if not url.startswith("data:")]


def exercise_outputs(notebook):
    """The stored output text of the notebook's unsolved exercises' self-check cells."""
    return [
        output.get("text", "")
        for cell in notebook.cells
        if slides.is_exercise_check(cell) and SOLUTION not in cell.metadata.get("tags", [])
        for output in cell.outputs
    ]


@pytest.fixture(scope="module")
def deck_dir(tmp_path_factory):
    """A folder with the deck of every notebook, as `make slides` writes build/slides/."""
    deck_dir = tmp_path_factory.mktemp("slides")
    for path in NOTEBOOKS:
        slides.build_deck(path, deck_dir)
    return deck_dir


@pytest.fixture(scope="module")
def decks(deck_dir):
    return {
        path: (deck_dir / f"{path.stem}.slides.html").read_text(encoding="utf-8")
        for path in NOTEBOOKS
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


@pytest.mark.parametrize("notebook_path", NOTEBOOKS, ids=lambda path: path.stem)
def test_deck_shows_no_exercise_output(decks, notebook_path):
    """An exercise's self-check cell is on the slide; its stored "❌ Not yet" output is not."""
    notebook = nbformat.read(notebook_path, as_version=4)
    deck, text = decks[notebook_path], plain(decks[notebook_path])
    assert "Not yet" not in deck
    checks = [cell for cell in notebook.cells if slides.is_exercise_check(cell)]
    assert checks, "the lesson has exercises that check themselves"
    for output in exercise_outputs(notebook):
        assert plain(output) not in text
    shown = [cell for cell in checks if SOLUTION not in cell.metadata.get("tags", [])]
    for cell in shown:
        assert plain(html.escape(cell.source.splitlines()[-1])) in text, "the exercise's code stays"


@pytest.mark.parametrize("notebook_path", NOTEBOOKS, ids=lambda path: path.stem)
def test_deck_loads_nothing_from_the_network(deck_dir, decks, notebook_path):
    """Every script, style sheet, font and image the deck loads is a file in its folder."""
    page = References(decks[notebook_path])
    urls = page.urls + [url for css in page.styles for url in css_urls(css)]
    assert any("reveal.js" in url for url in urls) and any("MathJax.js" in url for url in urls)
    for url in urls:
        assert not urlsplit(url).scheme and not url.startswith("//"), (
            f"loads {url} from the network"
        )
        assert (deck_dir / unquote(urlsplit(url).path)).is_file(), f"{url} is not in {deck_dir}"
    for script in page.scripts:
        assert not re.search(r"https?://", script), "an inline script names a URL"


def test_bundled_assets_are_small_and_load_nothing_from_the_network(deck_dir):
    files = [path for path in (deck_dir / slides.ASSETS).rglob("*") if path.is_file()]
    size = sum(path.stat().st_size for path in files)
    assert size < ASSETS_BUDGET, f"the decks' assets take {size:,} bytes"
    for css in (path for path in files if path.suffix == ".css"):
        for url in css_urls(css.read_text(encoding="utf-8")):
            assert not urlsplit(url).scheme, f"{css.name} loads {url} from the network"
            target = css.parent / urlsplit(url).path
            if target.suffix in (".eot", ".ttf"):  # old browsers' fallbacks for a .woff font
                target = target.with_suffix(".woff")
            assert target.is_file(), f"{css.name}: {url} is missing"


def test_with_slide_metadata_drops_only_the_exercise_checks_outputs():
    check = new_code_cell(
        'answer = None\nchecks.exercise("01.1", answer)',
        outputs=[new_output("stream", name="stdout", text="❌ Not yet: None is not a letter.\n")],
    )
    other = new_code_cell("print(1)", outputs=[new_output("stream", name="stdout", text="1\n")])
    notebook = nbformat.v4.new_notebook(cells=[check, other])
    result = slides.with_slide_metadata(notebook)
    assert result.cells[0].outputs == [] and result.cells[0].source == check.source
    assert result.cells[1].outputs == other.outputs
    assert check.outputs, "the notebook itself is left as it was"


def test_markdown_is_cut_at_every_heading_and_a_long_section_at_its_paragraphs():
    long_section = "### Exercise 2\n\n" + "\n\n".join(["A paragraph of prose. " * 12] * 12)
    cell = new_markdown_cell(
        "## A section\n\nIntro.\n\n" + long_section + "\n\n#### Aside\n\nMore."
    )
    cells = slides.with_slide_metadata(nbformat.v4.new_notebook(cells=[cell])).cells
    kinds = [piece.metadata["slideshow"]["slide_type"] for piece in cells]
    assert kinds[0] == "slide" and cells[0].source == "## A section\n\nIntro."
    assert kinds[1] == "subslide" and cells[1].source.startswith("### Exercise 2")
    assert kinds[-1] == "subslide" and cells[-1].source == "#### Aside\n\nMore."
    assert len(cells) > 3, "the long exercise section is cut into screens"
    assert "subslide" in kinds[2:-1], "a piece that would overflow the screen opens a sub-slide"
    assert all(slides.estimated_height(piece) <= slides.SCREEN for piece in cells)
    assert len({piece.id for piece in cells}) == len(cells), "ids stay unique"
    assert "\n\n".join(piece.source for piece in cells) == cell.source, "no word is lost"


def test_figure_descriptions_stay_off_the_slides():
    cell = new_code_cell(
        'fig, ax = plt.subplots()\nset_description(\n    fig, "a line"\n)\nplt.show()'
    )
    (piece,) = slides.with_slide_metadata(nbformat.v4.new_notebook(cells=[cell])).cells
    assert piece.source == "fig, ax = plt.subplots()\nplt.show()"


def test_a_code_cell_taller_than_a_screen_shows_its_code_then_its_output():
    text = new_output("stream", name="stdout", text="line\n" * 30)
    cell = new_code_cell("\n".join(f"x{i} = {i}" for i in range(20)), outputs=[text])
    code, shown = slides.with_slide_metadata(nbformat.v4.new_notebook(cells=[cell])).cells
    assert code.source == cell.source and code.outputs == []
    assert shown.outputs == [text] and slides.OUTPUT_ONLY in shown.metadata["tags"]
    assert shown.metadata["slideshow"]["slide_type"] == "subslide"


def test_copy_assets_says_how_to_get_node_modules(tmp_path, monkeypatch):
    monkeypatch.setattr(slides, "NODE_MODULES", tmp_path / "node_modules")
    with pytest.raises(FileNotFoundError, match=r"run `make slides`"):
        slides.copy_assets(tmp_path / "slides")


@pytest.fixture(scope="module")
def chromium():
    """The system's headless Chromium; skips without one, except in CI (CI=true): fails there."""
    require("the offline-slides browser test", {INSTALL_CHROMIUM: CHROMIUM})
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--disable-gpu"])
        yield browser
        browser.close()


def test_deck_works_offline_with_rendered_maths_and_code_that_fits(deck_dir, chromium):
    """With the network off, the deck of lesson 01 starts reveal.js, MathJax renders its maths,
    no exercise output shows, and no code block or slide is wider than the 1280x720 screen."""
    context = chromium.new_context(viewport={"width": 1280, "height": 720})
    refused, failed, errors = [], [], []
    context.route(
        lambda url: not url.startswith("file://"),
        lambda route: (refused.append(route.request.url), route.abort("internetdisconnected")),
    )
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.on("requestfailed", lambda request: failed.append(f"{request.url} {request.failure}"))
    page.on("console", lambda m: errors.append(m.text) if m.type in ("error", "warning") else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        page.goto((deck_dir / f"{WITH_MATHS.stem}.slides.html").as_uri())
        page.wait_for_function("window.Reveal && Reveal.isReady()")
        page.evaluate("new Promise(done => MathJax.Hub.Queue(done))")  # the first typeset is done
        assert page.evaluate("Reveal.getTotalSlides()") >= 5
        rendered = page.locator(".reveal .slides .MathJax_CHTML")
        assert rendered.count() > 0, "MathJax rendered the lesson's maths"
        markdown = page.evaluate(
            "[...document.querySelectorAll('.jp-MarkdownOutput')].map(e => e.textContent)"
        )
        raw = [m for text in markdown for m in re.findall(r"\$[^$\n]+\$", text)]
        assert not raw, f"maths left as raw TeX: {raw[:3]}"
        assert page.locator(".MathJax_Error, .reveal merror").count() == 0
        assert "Not yet" not in page.content()

        overflowing = page.evaluate(
            """() => {
                Reveal.configure({viewDistance: 1000, transition: 'none'});  // lay out every slide
                const wide = e => e.scrollWidth > e.clientWidth + 1;
                const leaves = '.reveal .slides section:not(.stack)';
                return [...document.querySelectorAll(`${leaves}, ${leaves} pre`)]
                    .filter(wide).map(e => `${e.tagName} ${e.textContent.trim().slice(0, 60)}`);
            }"""
        )
        assert not overflowing, f"cut off at 1280x720: {overflowing}"

        slide = page.evaluate(
            "Reveal.getIndices(document.querySelector('.MathJax_CHTML').closest('section'))"
        )
        page.evaluate("([h, v]) => Reveal.slide(h, v)", [slide["h"], slide["v"]])
        page.wait_for_function("Reveal.getCurrentSlide().querySelector('.MathJax_CHTML')")
        assert len(screenshot(page, "slides-offline.png")) > 10_000
        assert not refused, f"the deck asked the network for {refused}"
        assert not failed and not errors, f"failed requests {failed}, console {errors}"
    except BaseException:
        screenshot(page, "slides-offline-failure.png")
        raise
    finally:
        context.close()


@pytest.mark.parametrize("notebook_path", NOTEBOOKS, ids=lambda path: path.stem)
def test_every_slide_fits_in_a_screen_and_a_half(deck_dir, chromium, notebook_path):
    """At 1280x720, no slide of the deck is taller than 1.5 screens (1,080 px): a projected
    slide that scrolls loses the room."""
    context = chromium.new_context(viewport={"width": 1280, "height": 720})
    context.route(lambda url: not url.startswith("file://"), lambda route: route.abort())
    page = context.new_page()
    try:
        page.goto((deck_dir / f"{notebook_path.stem}.slides.html").as_uri())
        page.wait_for_function("window.Reveal && Reveal.isReady()")
        heights = page.evaluate(
            """() => {
                Reveal.configure({viewDistance: 1000, transition: 'none'});  // lay out all
                return [...document.querySelectorAll('.reveal .slides section:not(.stack)')]
                    .map(section => {
                        section.style.height = 'auto';  // undo the deck's scrolling frame
                        section.style.overflowY = 'visible';
                        return [section.scrollHeight, section.textContent.trim().slice(0, 60)];
                    });
            }"""
        )
        tall = [(height, text) for height, text in heights if height > 1.5 * 720]
        assert heights and not tall, f"slides taller than 1.5 screens: {tall}"
    finally:
        context.close()
