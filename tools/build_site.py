"""Build the course website: `make site` -> build/site/ (open build/site/index.html).

Sphinx with MyST-NB and sphinx-book-theme renders the lessons from their stored outputs: no
notebook is executed and nothing is downloaded, at build time or when a page is viewed.
site/README.md says why this stack, and what the launch buttons need configured.

This script assembles a Sphinx source folder (build/site-src/ by default) from

- site/: conf.py, the home, setup and glossary pages, the extension (_ext/), CSS (_static/);
- notebooks/NN_*.ipynb (found by glob, so a new lesson appears by itself): a copy of each in
  lessons/, changed only on the copy: its solution cells folded under "Show the solution"
  (MyST-NB's hide-cell tag), a "Work on this lesson" panel after the first cell (launch links to
  the learner copy, downloads of both .ipynb files), and each glossary term linked from its
  first use in the lesson's text;
- notebooks/ and learner/ themselves, copied as they are for download (_extra/);
- README.md: the lesson table (home page) and the set-up routes (setup page);
- instructors/GUIDE.md: the instructor guide page;

then runs Sphinx with warnings as errors (-W --keep-going).

    python tools/build_site.py                        # build/site/
    python tools/build_site.py --out DIR --src DIR    # elsewhere (the tests build in a temp folder)

Launch links: SITE_REPOSITORY_URL, SITE_BRANCH, SITE_HUB_URL, SITE_BINDER_URL (see
site/_ext/course_site.py); without them the links carry clearly named placeholders.
"""

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import time
from html import escape
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SITE = ROOT / "site"
sys.path.insert(0, str(SITE / "_ext"))

from course_site import LEARNER, LESSONS, launch_links, settings  # noqa: E402
from publish import PLACEHOLDER, read_settings  # noqa: E402  (tools/, beside this script)

from course_utils.notebook_tags import SOLUTION  # noqa: E402

MARKER = re.compile(r"^% build_site: (?P<what>\w+)(?: \"(?P<arg>[^\"]+)\")?\s*$", re.M)

# Markdown that glossary links never go into: code, maths, links, HTML, headings, roles, URLs.
PROTECTED = re.compile(
    r"```.*?```|~~~.*?~~~|\$\$.*?\$\$|\$[^$\n]+\$|`[^`\n]*`|\{[\w:-]+\}`[^`]*`"
    r"|!?\[[^\]]*\]\([^)]*\)|<[^>\n]+>|^[ \t]*#[^\n]*$|https?://\S+",
    re.S | re.M,
)


# %tensorboard's output is an iframe on a TensorBoard server of the running kernel (port 6006):
# on a web page there is none, so the frame would stay empty, fail to load, and have no title.
TENSORBOARD_NOTE = (
    "<p><em>Here JupyterLab shows TensorBoard, served by the running notebook: run the lesson "
    "to see it (a web page has no TensorBoard server).</em></p>"
)


def lesson_notebooks():
    """The lessons, in order: notebooks/NN_name.ipynb."""
    return sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))


# ---- glossary links ------------------------------------------------------------------------


def glossary_entries(glossary_md):
    """The entries of the glossary page's {glossary} block, in page order: each a list of the
    terms that share one definition (the first, then its aliases)."""
    block = re.search(r"^```\{glossary\}[^\n]*\n(.*?)^```", glossary_md, re.S | re.M)
    if block is None:
        raise ValueError("site/glossary.md has no ```{glossary} block")
    entries, previous_was_term = [], False
    for line in block.group(1).splitlines():
        is_term = bool(line.strip()) and not line[0].isspace() and not line.startswith(":")
        if is_term and previous_was_term:
            entries[-1].append(line.strip())
        elif is_term:
            entries.append([line.strip()])
        previous_was_term = is_term
    return entries


def term_pattern(terms):
    """A regex for any of ``terms`` in running text: any case, singular or plural, a space, a
    hyphen or a line break between words; the longest term first."""
    alternatives = []
    for term in sorted(terms, key=len, reverse=True):
        words = [re.escape(word) for word in re.split(r"[\s-]+", term)]
        if re.search(r"[a-z]s$", words[-1], re.I) and not words[-1].lower().endswith("ss"):
            words[-1] = words[-1][:-1]  # "weights": also "weight"
        plural = r"(?:s|es)?" if term[-1].isalpha() else ""
        alternatives.append(r"(?:-|[ \t]*\n[ \t]*|[ \t]+)".join(words) + plural)
    return re.compile(rf"(?<![\w-])(?:{'|'.join(alternatives)})(?![\w-])", re.I)


def term_uses(text, pattern, longer=None):
    """The matches of ``pattern`` in ``text`` that count as uses of a glossary term, in order:
    none inside code, maths, links, HTML, headings, roles or URLs (``PROTECTED``), nor inside a
    match of ``longer`` (the longer terms, such as "validation loss" for "loss")."""
    skip = (
        PROTECTED
        if longer is None
        else re.compile(f"{PROTECTED.pattern}|{longer.pattern}", PROTECTED.flags | re.I)
    )
    position = 0
    for protected in [*skip.finditer(text), None]:
        end = protected.start() if protected else len(text)
        yield from pattern.finditer(text, position, end)
        if protected is None:
            break
        position = protected.end()


def link_first_use(text, term, pattern, longer=None):
    """``text`` with the first use of ``pattern`` (``term_uses``) made a link to the glossary's
    ``term``, and whether there was one."""
    match = next(term_uses(text, pattern, longer), None)
    if match is None:
        return text, False
    shown = " ".join(match.group(0).split())
    role = f"{{term}}`{shown} <{term}>`"
    return text[: match.start()] + role + text[match.end() :], True


def entry_patterns(entries):
    """(terms, pattern, longer) for each glossary entry, longer terms first: ``pattern`` finds
    any of the entry's ``terms`` (``term_pattern``), ``longer`` any longer term of the entries
    before (None if there is none), inside which a match of ``pattern`` is no use of the entry."""
    done = []
    for terms in sorted(entries, key=lambda terms: max(map(len, terms)), reverse=True):
        longer_terms = [term for term in done if len(term) > min(map(len, terms))]
        yield terms, term_pattern(terms), term_pattern(longer_terms) if longer_terms else None
        done.extend(terms)


def link_glossary(cells, entries):
    """Link each glossary entry from the first use of any of its terms in the markdown cells
    (in place); returns the entries linked, by first term. Entries with longer terms go first,
    and a shorter term never links inside a longer one: "validation loss" is one link (or
    none, after its first use), never "loss" inside it."""
    linked = []
    for terms, pattern, longer in entry_patterns(entries):
        for cell in cells:
            if cell["cell_type"] != "markdown":
                continue
            source, found = link_first_use(_text(cell["source"]), terms[0], pattern, longer)
            cell["source"] = source
            if found:
                linked.append(terms[0])
                break
    return linked


# ---- the lesson pages ----------------------------------------------------------------------


def _text(source):
    return "".join(source) if isinstance(source, list) else source


def lesson_panel(name, config):
    """The "Work on this lesson" panel (HTML) under a lesson's first cell."""
    links = " · ".join(
        f'<a href="{escape(url)}">{service}</a>' for service, url in launch_links(name, config)
    )
    learner = ROOT / LEARNER / name
    downloads = [f'<a href="../notebooks/{name}" download>the lesson</a> (outputs and solutions)']
    if learner.exists():
        downloads.insert(
            0,
            f'<a href="../{LEARNER}/{name}" download>the learner copy</a> '
            "(the copy to work in: no outputs, solutions replaced by an empty cell)",
        )
    note = ""
    if config["placeholders"]:
        note = (
            "<p><em>These launch links hold placeholders: this site was built without "
            + " and ".join(f"<code>{key}</code>" for key in config["placeholders"])
            + " (see the site's README).</em></p>"
        )
    return (
        '<div class="lesson-links" role="note" aria-label="Work on this lesson">\n'
        f"<p><strong>Work on this lesson.</strong> Open the learner copy on {links}. "
        f"Download {' or '.join(downloads)}.</p>\n{note}</div>\n"
    )


def figure_description(cell):
    """The alt text for the figure a code cell draws: the figure output's own description (its
    metadata's "alt", or a text/plain that is not matplotlib's "<Figure size ...>"), else a plain
    statement that it is a figure; None when the cell draws none. MyST-NB would otherwise use the
    image's file name. (The lessons draw at most one figure per cell.)"""
    for output in cell.get("outputs", []):
        data = output.get("data", {})
        for mime in ("image/png", "image/svg+xml", "image/jpeg"):
            if mime in data:
                alt = output.get("metadata", {}).get(mime, {}).get("alt")
                text = _text(data.get("text/plain", "")).strip()
                if not alt and text and not re.fullmatch(r"<(Figure|matplotlib)[^>]*>", text):
                    alt = text.strip("<>")
                return alt or "A figure drawn by the code above."
    return None


def lesson_page(path, entries, config):
    """The site's copy of a lesson: solutions folded, the panel, glossary links."""
    notebook = json.loads(path.read_text())
    cells = notebook["cells"]
    for cell in cells:
        metadata = cell.setdefault("metadata", {})
        if SOLUTION in metadata.get("tags", []):
            metadata["tags"] = [*metadata["tags"], "hide-cell"]
            metadata["mystnb"] = {
                "code_prompt_show": "Show the solution",
                "code_prompt_hide": "Hide the solution",
            }
        for output in cell.get("outputs", []):
            if "tensorboard-frame" in _text(output.get("data", {}).get("text/html", "")):
                output["data"] = {"text/html": TENSORBOARD_NOTE}
        alt = figure_description(cell)
        if alt:
            metadata.setdefault("mystnb", {})["image"] = {"alt": alt}
    panel = {
        "cell_type": "markdown",
        "id": "site-lesson-links",
        "metadata": {},
        "source": lesson_panel(path.name, config),
    }
    cells.insert(1, panel)
    link_glossary([cell for cell in cells if cell is not panel], entries)
    return notebook


def lesson_summary(path):
    """(title, time) from a lesson's first cell: its heading and its "**Time:**" line."""
    first = _text(json.loads(path.read_text())["cells"][0]["source"])
    title = re.search(r"^#\s+(.+)$", first, re.M)
    minutes = re.search(r"\*\*Time:\*\*\s*([^·\n]+)", first)
    return (
        title.group(1).strip() if title else path.stem,
        minutes.group(1).strip() if minutes else "",
    )


def lesson_objectives(path):
    """A lesson's objectives in one line, for a lesson the README's table does not list yet."""
    first = _text(json.loads(path.read_text())["cells"][0]["source"])
    block = re.search(r"\*\*Objectives\*\*\s*\n((?:[-*] .*\n?(?:  +.*\n?)*)+)", first)
    if block is None:
        return ""
    items = re.split(r"^[-*] ", block.group(1), flags=re.M)
    return "; ".join(" ".join(item.split()).rstrip(".") for item in items if item.strip())


def readme_lesson_rows(readme):
    """{notebook file name: what you learn} from the README's lesson table."""
    return dict(re.findall(r"^\| `(\d\d_\w+\.ipynb)` \| (.+?) \|\s*$", readme, re.M))


def curriculum(readme, lessons):
    rows = readme_lesson_rows(readme)
    lines = ["| lesson | time | what you learn |", "| --- | --- | --- |"]
    for path in lessons:
        title, minutes = lesson_summary(path)
        learn = rows.get(path.name) or lesson_objectives(path)
        lines.append(f"| [{title}]({LESSONS}/{path.name}) | {minutes} | {learn} |")
    return "\n".join(lines) + "\n"


# ---- README and guide sections -------------------------------------------------------------


def section(markdown, heading):
    """The section of ``markdown`` under the heading whose text is ``heading`` (subsections
    included), without its heading line."""
    match = re.search(rf"^(#+) {re.escape(heading)}\s*$", markdown, re.M)
    if match is None:
        raise ValueError(f"no section {heading!r} in the README")
    level = len(match.group(1))
    rest = markdown[match.end() :]
    end = re.search(rf"^#{{1,{level}}} ", rest, re.M)
    return rest[: end.start() if end else len(rest)].strip("\n") + "\n"


def for_the_site(markdown, config):
    """README or guide text as a site page: no remote images (badges), relative links to
    files of the repository pointed at the repository, the configured addresses in place of
    the README's repository (``publish.PLACEHOLDER`` until published) and HUB placeholders."""
    badge = r"^\[!\[[^\]]*\]\([^)]*\)\]\([^)]*\)\s*\n(\([^)]*\)\n)?"  # and its "(replace ...)" line
    markdown = re.sub(badge, "", markdown, flags=re.M)
    base = f"{config['repository']}/blob/{config['branch']}"
    markdown = re.sub(
        r"(?<!!)\[([^\]]+)\]\((?!https?:|#|mailto:)([^)\s]+)\)",
        lambda m: f"[{m.group(1)}]({base}/{m.group(2)})",
        markdown,
    )
    if "SITE_REPOSITORY_URL" not in config["placeholders"]:
        owner_repo = "/".join(config["repository"].split("/")[-2:])
        markdown = markdown.replace(PLACEHOLDER[0], owner_repo)
    if "SITE_HUB_URL" not in config["placeholders"]:
        markdown = markdown.replace("https://HUB/", config["hub"] + "/")
    return markdown


def fill_markers(page, readme, lessons, config):
    def replace(match):
        what, arg = match.group("what"), match.group("arg")
        if what == "curriculum":
            return curriculum(readme, lessons)
        if what == "readme":
            return for_the_site(section(readme, arg), config)
        raise ValueError(f"unknown marker {match.group(0)!r}")

    return MARKER.sub(replace, page)


# ---- assembling and building ---------------------------------------------------------------


def assemble(src, config=None):
    """Write the Sphinx source folder ``src`` (emptied first)."""
    config = settings() if config is None else config
    if src.exists():
        shutil.rmtree(src)
    shutil.copytree(SITE, src, ignore=shutil.ignore_patterns("__pycache__"))
    readme = (ROOT / "README.md").read_text()
    lessons = lesson_notebooks()
    for page in src.glob("*.md"):
        if page.name != "README.md":
            page.write_text(fill_markers(page.read_text(), readme, lessons, config))
    entries = glossary_entries((src / "glossary.md").read_text())
    (src / LESSONS).mkdir()
    for folder in ("notebooks", LEARNER):
        (src / "_extra" / folder).mkdir(parents=True)
    for path in lessons:
        notebook = lesson_page(path, entries, config)
        (src / LESSONS / path.name).write_text(json.dumps(notebook, indent=1, ensure_ascii=False))
        shutil.copy2(path, src / "_extra" / "notebooks" / path.name)
        learner = ROOT / LEARNER / path.name
        if learner.exists():
            shutil.copy2(learner, src / "_extra" / LEARNER / path.name)
    guide = for_the_site((ROOT / "instructors" / "GUIDE.md").read_text(), config)
    (src / "instructors.md").write_text(guide)
    return src


def build(src, out, quiet=True):
    """Run Sphinx (HTML, warnings as errors) on ``src`` into ``out``; returns its exit status."""
    command = [
        sys.executable,
        "-m",
        "sphinx",
        "-b",
        "html",
        "-W",
        "--keep-going",
        "-E",
        "-d",
        str(Path(str(out) + "-doctrees")),
        *(["-q"] if quiet else []),
        str(src),
        str(out),
    ]
    return subprocess.run(command, check=False).returncode


def published_place(environ=None):
    """The launch settings publish.toml gives (SITE_REPOSITORY_URL, SITE_BRANCH), for those
    the environment does not set; none while the course is not published."""
    environ = os.environ if environ is None else environ
    repository, ref = read_settings(ROOT)
    if not repository:
        return {}
    place = {"SITE_REPOSITORY_URL": f"https://github.com/{repository}", "SITE_BRANCH": ref}
    return {key: value for key, value in place.items() if not environ.get(key)}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--src", type=Path, default=ROOT / "build" / "site-src")
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "site")
    parser.add_argument("--verbose", action="store_true", help="Sphinx's progress messages")
    args = parser.parse_args(argv)
    start = time.monotonic()
    os.environ.update(published_place())
    assemble(args.src)
    status = build(args.src, args.out, quiet=not args.verbose)
    seconds = time.monotonic() - start
    if status == 0:
        print(f"site built in {seconds:.0f} s: {args.out / 'index.html'}")
        print(
            "serve it to read it (search needs a server): make serve-site, or "
            f"python -m http.server -d {args.out}, then open http://127.0.0.1:8000/"
        )
    else:
        print("site build failed (warnings are errors): see the messages above", file=sys.stderr)
    return status


if __name__ == "__main__":
    sys.exit(main())
