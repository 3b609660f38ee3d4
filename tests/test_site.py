"""The course website (`make site`) in a real browser, as a reader meets it.

The site is built once for the module, into a temporary folder, with Sphinx's warnings as
errors and launch settings that name a made-up repository and hub (so the links can be checked
against them), then served on 127.0.0.1 by a small HTTP server. Playwright drives the system's
headless Chromium (Debian's `chromium`; `playwright install` is never needed); the browser may
request nothing but that server, so a page that needs the network fails. The checks:

- every page loads with no console error, and fetches nothing from elsewhere;
- an axe-core scan (node_modules/axe-core, installed by `make test` from package-lock.json)
  finds no serious or critical accessibility violation on any page;
- Sphinx's search finds "patience" and lists the early-stopping lesson, served and opened as a
  file (there without snippets, with a note naming `make serve-site`, and no console error);
- long output lines wrap inside their box;
- a solution is folded until its summary is clicked;
- every lesson has Binder, nbgitpuller and Colab links to its learner copy, built from the
  configured repository, branch and hub, and downloads of the lesson and the learner copy;
- every local link, stylesheet, script and image of every page exists, anchors included.

Screenshots go to test-artifacts/site-*.png (gitignored). Without Chromium or axe-core the
module skips, except in CI (CI=true), where it fails and says how to install them.
"""

import functools
import http.server
import json
import os
import re
import subprocess
import sys
import threading
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qs, unquote, urljoin, urlsplit

import browser_support
import pytest
from browser_support import CHROMIUM, INSTALL_CHROMIUM, require
from playwright.sync_api import expect, sync_playwright

pytestmark = pytest.mark.browser  # builds the site, then Chromium

ROOT = Path(__file__).resolve().parents[1]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
LESSONS = sorted(path.stem for path in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
REPOSITORY, BRANCH, HUB = (
    "https://github.com/example-org/loss-course",
    "main",
    "https://hub.example.edu",
)

require(
    "the website test",
    {
        INSTALL_CHROMIUM: CHROMIUM,
        "axe-core (npm ci, which `make test` runs, installs node_modules/axe-core)": AXE.exists(),
    },
)


# ---- the site, built and served --------------------------------------------------------------


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The built site's folder (Sphinx -W: any warning fails the build)."""
    folder = tmp_path_factory.mktemp("site")
    env = {
        **os.environ,
        "SITE_REPOSITORY_URL": REPOSITORY,
        "SITE_BRANCH": BRANCH,
        "SITE_HUB_URL": HUB,
    }
    result = subprocess.run(
        [sys.executable, "tools/build_site.py", "--src", folder / "src", "--out", folder / "html"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, f"make site failed:\n{result.stdout}\n{result.stderr}"
    assert "WARNING" not in result.stderr, result.stderr
    return folder / "html"


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def server(site):
    """The base URL of a small HTTP server on 127.0.0.1 serving the site."""
    handler = functools.partial(_QuietHandler, directory=str(site))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="module")
def browser():
    """The system's headless Chromium, unable to resolve any host name: nothing but the site's
    server on 127.0.0.1 can answer it (cheaper than intercepting every request)."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--disable-gpu", "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"],
        )
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def elsewhere():
    """The requests the browser tried to send anywhere but the site's server."""
    return []


@pytest.fixture(scope="module")
def context(browser, server, elsewhere):
    """A laptop-sized browser profile; every request that is not for the site is recorded."""
    context = browser.new_context(viewport={"width": 1300, "height": 1000})
    context.on(
        "request",
        lambda request: (
            None
            if request.url.startswith((server + "/", "data:", "blob:"))
            else elsewhere.append(request.url)
        ),
    )
    yield context
    context.close()


@pytest.fixture
def page(context):
    page = context.new_page()
    page.set_default_timeout(30_000)
    yield page
    page.close()


def screenshot(page, name, **options):
    return browser_support.screenshot(page, f"site-{name}.png", **options)


def serious_violations(page, selector=None):
    """axe-core's serious and critical violations on the page (or the elements ``selector``
    matches), one line each."""
    page.add_script_tag(path=str(AXE))
    return page.evaluate(
        """async selector => {
            const result = await axe.run(selector || document, {resultTypes: ['violations']});
            return result.violations
                .filter(v => v.impact === 'serious' || v.impact === 'critical')
                .map(v => `${v.impact} ${v.id}: ${v.help} (${v.nodes.length}x, e.g. `
                          + `${v.nodes[0].target.join(' ')})`);
        }""",
        selector,
    )


def html_pages(site):
    """The site's pages (not the theme's HTML fragments in _static/)."""
    return sorted(
        path.relative_to(site).as_posix()
        for path in site.rglob("*.html")
        if not path.relative_to(site).parts[0].startswith("_")
    )


# ---- the tests ---------------------------------------------------------------------------------


def test_the_site_has_every_lesson_and_the_course_pages(site):
    pages = set(html_pages(site))
    expected = {"index.html", "setup.html", "glossary.html", "instructors.html", "search.html"}
    assert expected <= pages, f"missing pages: {expected - pages}"
    assert {f"lessons/{name}.html" for name in LESSONS} <= pages
    for name in LESSONS:
        assert (site / "notebooks" / f"{name}.ipynb").read_bytes() == (
            ROOT / "notebooks" / f"{name}.ipynb"
        ).read_bytes(), "the lesson download is the stored notebook, unchanged"
        assert (site / "learner" / f"{name}.ipynb").exists(), (
            f"learner/{name}.ipynb is missing: run `make learner` (the site links and offers it)"
        )


def test_every_page_loads_without_console_errors_or_accessibility_violations(
    site, server, page, elsewhere
):
    """Each page in turn: console errors and uncaught exceptions, then axe-core's scan."""
    errors, problems = [], {}
    page.on("console", lambda m: m.type == "error" and errors.append(f"{m.text} {m.location}"))
    page.on("pageerror", lambda exception: errors.append(str(exception)))
    for name in html_pages(site):
        errors.clear()
        page.goto(f"{server}/{name}", wait_until="load")
        violations = serious_violations(page)
        if errors or violations:
            problems[name] = [*errors, *violations]
    page.goto(f"{server}/index.html")
    screenshot(page, "home")
    page.goto(f"{server}/glossary.html")
    screenshot(page, "glossary")
    assert not problems, "pages with console errors or serious accessibility violations:\n" + (
        json.dumps(problems, indent=1, ensure_ascii=False)
    )
    assert not elsewhere, f"the site asked for something outside it (offline?): {elsewhere}"


def test_search_finds_patience(server, page):
    page.goto(f"{server}/search.html?q=patience")
    results = page.locator("#search-results ul.search li")
    expect(results.first).to_be_visible(timeout=20_000)
    assert results.count() >= 1
    expect(results.locator("a").filter(has_text="Early stopping").first).to_be_visible()
    screenshot(page, "search-patience")


def test_opened_as_a_file_search_lists_pages_and_says_to_serve_the_site(site, server, browser):
    """The README's first way to look at the site is to open it: there the browser refuses
    the snippet requests, so the search must not fail but list the pages and name the server
    command; served, the note is absent."""
    context = browser.new_context(viewport={"width": 1300, "height": 1000})
    page = context.new_page()
    errors = []
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    page.on("pageerror", lambda exception: errors.append(str(exception)))
    page.goto((site / "search.html").as_uri() + "?q=patience")
    results = page.locator("#search-results ul.search li")
    expect(results.first).to_be_visible(timeout=20_000)
    expect(results.locator("a").filter(has_text="Early stopping").first).to_be_visible()
    expect(page.locator(".file-search-note")).to_contain_text("make serve-site")
    screenshot(page, "search-as-a-file")
    context.close()
    assert not errors, f"console errors opened as a file: {errors}"
    served = browser.new_context().new_page()
    served.goto(f"{server}/search.html?q=patience")
    expect(served.locator("#search-results ul.search li").first).to_be_visible(timeout=20_000)
    assert served.locator(".file-search-note").count() == 0
    served.context.close()


def test_a_long_output_line_stays_inside_its_box(server, page):
    """Output text wraps inside the output area instead of running past it."""
    page.goto(f"{server}/lessons/{next(n for n in LESSONS if n.startswith('09_'))}.html")
    overflowing = page.evaluate(
        """() => [...document.querySelectorAll('div.cell_output pre')]
            .filter(pre => pre.scrollWidth > pre.clientWidth + 1).length"""
    )
    assert overflowing == 0, f"{overflowing} output blocks run past their box"


def test_a_solution_is_folded_until_clicked(server, page):
    page.goto(f"{server}/lessons/{next(n for n in LESSONS if n.startswith('04_'))}.html")
    solution = page.locator(".tag_solution > details").first
    code = solution.locator("div.cell_input")
    summary = solution.locator("summary")
    expect(summary).to_contain_text("Show the solution")
    expect(code).to_be_hidden()
    solution.scroll_into_view_if_needed()
    screenshot(page, "solution-folded")
    summary.click()
    expect(code).to_be_visible()
    expect(code).to_contain_text("# Solution (try the exercise first)")
    expect(summary).to_contain_text("Hide the solution")
    screenshot(page, "solution-open")
    assert serious_violations(page, ".tag_solution") == [], "an open solution is accessible"


def test_every_lesson_has_launch_and_download_links(server, page):
    owner, name = urlsplit(REPOSITORY).path.strip("/").split("/")
    for lesson in LESSONS:
        page.goto(f"{server}/lessons/{lesson}.html", wait_until="domcontentloaded")
        if lesson.startswith("04_"):
            page.locator(".dropdown-launch-buttons button").click()
            screenshot(page, "lesson-launch-menu")
        hrefs = page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)")
        learner = f"learner/{lesson}.ipynb"
        assert (ROOT / learner).exists(), f"{learner} is missing: run `make learner`"

        binder = [url for url in hrefs if url.startswith("https://mybinder.org/")]
        hub = [url for url in hrefs if url.startswith(HUB + "/")]
        colab = [url for url in hrefs if url.startswith("https://colab.research.google.com/")]
        assert binder and hub and colab, f"{lesson}: launch links {binder} {hub} {colab}"
        for url in binder:
            parts = urlsplit(url)
            assert parts.path == f"/v2/gh/{owner}/{name}/{BRANCH}", url
            assert parse_qs(parts.query) == {"urlpath": [f"lab/tree/{learner}"]}, url
        for url in hub:
            parts = urlsplit(url)
            assert parts.path == "/hub/user-redirect/git-pull", url
            assert parse_qs(parts.query) == {
                "repo": [REPOSITORY],
                "branch": [BRANCH],
                "urlpath": [f"lab/tree/{name}/{learner}"],
            }, url
        for url in colab:
            assert url == (
                f"https://colab.research.google.com/github/{owner}/{name}/blob/{BRANCH}/{learner}"
            )
        downloads = page.eval_on_selector_all(
            "a[download]", "links => links.map(a => a.getAttribute('href'))"
        )
        assert set(downloads) == {f"../notebooks/{lesson}.ipynb", f"../{learner}"}, downloads
    page.goto(f"{server}/lessons/{LESSONS[-1]}.html")
    screenshot(page, "lesson-last", full_page=False)


class _Links(HTMLParser):
    """The ids and the local references (href, src) of one HTML page."""

    def __init__(self):
        super().__init__()
        self.ids, self.references, self.remote_assets = set(), [], []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        asset = attrs.get("src") or (attrs.get("href") if tag == "link" else None)
        if asset and re.match(r"^(https?:)?//", asset):
            self.remote_assets.append(f"<{tag}> {asset}")
        for key in ("id", "name") if tag == "a" else ("id",):
            if attrs.get(key):
                self.ids.add(attrs[key])
        for key in ("href", "src"):
            value = attrs.get(key)
            if value and not re.match(r"^([a-z][a-z0-9+.-]*:|//)", value, re.I):
                self.references.append(value)


def test_every_local_link_resolves(site):
    parsed = {}
    for name in html_pages(site):
        links = _Links()
        links.feed((site / name).read_text())
        parsed[name] = links
    broken = []
    for name, links in parsed.items():
        for reference in links.references:
            target = urlsplit(urljoin(f"http://site/{name}", reference))
            path = unquote(target.path).lstrip("/") or "index.html"
            if path.endswith("/"):
                path += "index.html"
            if not (site / path).is_file():
                broken.append(f"{name}: {reference} (no file {path})")
            elif target.fragment and path.endswith(".html"):
                if unquote(target.fragment) not in parsed[path].ids:
                    broken.append(f"{name}: {reference} (no anchor #{target.fragment})")
    assert not broken, "broken local links:\n" + "\n".join(broken)
    remote = {f"{name}: {asset}" for name, links in parsed.items() for asset in links.remote_assets}
    assert not remote, "assets from the network (the site must work offline):\n" + "\n".join(
        sorted(remote)
    )
    for lesson in LESSONS:
        linked = parsed[f"lessons/{lesson}.html"].references
        assert any("glossary.html#term-" in r for r in linked), f"{lesson} links glossary terms"


def test_maths_is_drawn_at_build_time(site):
    """No MathJax (a CDN at view time): each formula is an SVG image with its LaTeX as alt."""
    pages = {name: (site / name).read_text() for name in html_pages(site)}
    formulas = [
        (name, alt)
        for name, text in pages.items()
        for alt in re.findall(r'<img class="math[^"]*"[^>]* alt="([^"]*)"', text)
    ]
    assert formulas, "the lessons' formulas appear as images"
    assert not [n for n, text in pages.items() if re.search(r"<script[^>]*mathjax", text, re.I)]
    assert not [name for name, text in pages.items() if 'class="math-source"' in text], (
        "a formula mathtext could not draw"
    )
