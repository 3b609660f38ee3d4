"""The course website's own Sphinx extension: launch and download links, maths without a CDN.

Imported by site/conf.py (as an extension) and by tools/build_site.py (for the launch links
it writes into each lesson page), so both use one set of rules.

Launch links open the *learner copy* of a lesson (learner/NN_name.ipynb, the copy learners
work in; README, "Class-scale hosting") in:

- Binder: ``{SITE_BINDER_URL}/v2/gh/{owner}/{name}/BRANCH?urlpath=lab/tree/learner/NN.ipynb``
  (``/v2/git/<url-encoded repository URL>/BRANCH`` for a repository outside GitHub);
- a JupyterHub, through nbgitpuller:
  ``{SITE_HUB_URL}/hub/user-redirect/git-pull?repo=...&branch=...&urlpath=lab/tree/REPO/learner/NN.ipynb``
  (the clone lands in a folder named after the repository);
- Colab: ``https://colab.research.google.com/github/{owner}/{name}/blob/BRANCH/learner/NN.ipynb``
  (GitHub repositories only; there is no Colab link for any other host).

Configured by environment variables when the site is built (defaults: clearly named
placeholders, and the site then says so on every lesson page):

    SITE_REPOSITORY_URL  where the course is published (https://github.com/{owner}/{name})
    SITE_BRANCH          its branch or tag (main)

tools/build_site.py sets the first two from publish.toml when the course is published.
    SITE_HUB_URL         the JupyterHub's address (https://your-hub.example.org)
    SITE_BINDER_URL      the BinderHub (https://mybinder.org)

Maths: Sphinx's default renderer loads MathJax from a CDN when the page is viewed, and the site
must work offline. This renderer draws each formula at build time with matplotlib's mathtext
(already a course dependency) into an SVG image whose alt text is the formula's LaTeX source.
"""

import base64
import hashlib
import io
import os
import re
from html import escape
from pathlib import Path, PurePosixPath
from urllib.parse import quote, urlencode, urlsplit

from docutils import nodes
from sphinx.util import logging

LOGGER = logging.getLogger(__name__)

# unpublished (tools/publish.py's placeholder; spelt in two parts, so that a search for it finds
# only what `make publish` replaces)
PLACEHOLDER_REPOSITORY = "https://github.com/" + "/".join(("OWNER", "REPO"))
PLACEHOLDER_HUB = "https://your-hub.example.org"
COLAB = "https://colab.research.google.com"
LESSONS = "lessons"  # the lessons' folder in the site (pages lessons/NN_name.html)
LEARNER = "learner"  # the learner copies' folder, in the repository and in the site
LOGOS = {
    "Binder": "logo_binder.svg",
    "JupyterHub": "logo_jupyterhub.svg",
    "Colab": "logo_colab.png",
}


def settings(environ=None):
    """The launch settings: environment variables, or their placeholders."""
    environ = os.environ if environ is None else environ
    repository = (environ.get("SITE_REPOSITORY_URL") or PLACEHOLDER_REPOSITORY).rstrip("/")
    repository = re.sub(r"\.git$", "", repository)
    return {
        "repository": repository,
        "branch": environ.get("SITE_BRANCH") or "main",
        "hub": (environ.get("SITE_HUB_URL") or PLACEHOLDER_HUB).rstrip("/"),
        "binder": (environ.get("SITE_BINDER_URL") or "https://mybinder.org").rstrip("/"),
        "placeholders": [
            name
            for name, value in (
                ("SITE_REPOSITORY_URL", environ.get("SITE_REPOSITORY_URL")),
                ("SITE_HUB_URL", environ.get("SITE_HUB_URL")),
            )
            if not value
        ],
    }


def _github(repository):
    """(owner, name) of a GitHub repository URL, else None."""
    parts = urlsplit(repository)
    path = PurePosixPath(parts.path).parts[1:]
    if parts.netloc.lower() in ("github.com", "www.github.com") and len(path) == 2:
        return path[0], path[1]
    return None


def launch_links(notebook, config=None):
    """[(service, URL)] that open ``learner/<notebook>`` (a file name such as 01_x.ipynb)."""
    config = settings() if config is None else config
    repository, branch = config["repository"], config["branch"]
    path = f"{LEARNER}/{notebook}"
    github = _github(repository)
    if github:
        binder = f"{config['binder']}/v2/gh/{github[0]}/{github[1]}/{quote(branch, safe='')}"
    else:
        binder = f"{config['binder']}/v2/git/{quote(repository, safe='')}/{quote(branch, safe='')}"
    links = [("Binder", f"{binder}?urlpath={quote('lab/tree/' + path)}")]
    folder = PurePosixPath(urlsplit(repository).path).name  # where nbgitpuller clones it
    query = urlencode(
        {"repo": repository, "branch": branch, "urlpath": f"lab/tree/{folder}/{path}"}
    )
    links.append(("JupyterHub", f"{config['hub']}/hub/user-redirect/git-pull?{query}"))
    if github:
        links.append(
            ("Colab", f"{COLAB}/github/{github[0]}/{github[1]}/blob/{quote(branch)}/{path}")
        )
    return links


# ---- header buttons on the lesson pages ----------------------------------------------------


def _lesson_buttons(app, pagename, templatename, context, doctree):
    """Launch and download menus in the header of every lesson page (after the theme's own)."""
    if not pagename.startswith(LESSONS + "/") or "header_buttons" not in context:
        return
    notebook = PurePosixPath(pagename).name + ".ipynb"
    pathto = context["pathto"]
    launch = [
        {
            "type": "link",
            "text": service,
            "url": url,
            "tooltip": f"Open the learner copy on {service}",
            "icon": f"_static/images/{LOGOS[service]}",
            "label": f"launch-{service.lower()}-button",
        }
        for service, url in launch_links(notebook)
    ]
    learner_copy = Path(app.srcdir, "_extra", LEARNER, notebook).exists()
    downloads = [
        {
            "type": "link",
            "text": text,
            "url": pathto(f"{folder}/{notebook}", 1),
            "tooltip": tooltip,
            "icon": "fas fa-download",
            "label": f"download-{folder}-button",
        }
        for folder, text, tooltip in (
            ("notebooks", "Lesson (.ipynb)", "The lesson with its outputs and solutions"),
            (LEARNER, "Learner copy (.ipynb)", "The copy to work in: no outputs, no solutions"),
        )
        if folder != LEARNER or learner_copy
    ]
    context["header_buttons"][:0] = [
        {
            "type": "group",
            "tooltip": "Launch the learner copy",
            "icon": "fas fa-rocket",
            "buttons": launch,
            "label": "launch-buttons",
        },
        {
            "type": "group",
            "tooltip": "Download this lesson",
            "icon": "fas fa-download",
            "buttons": downloads,
            "label": "download-buttons",
        },
    ]


# ---- maths, drawn at build time -------------------------------------------------------------

# mathtext lacks a few sizing commands; they only change a bracket's height
_MATHTEXT_SUBSTITUTIONS = [(re.compile(r"\\[bB]ig{1,2}[lr]?(?![a-zA-Z])"), "")]
_SVG_CACHE = {}
_FONT_SIZE = 12.0  # points: the SVG's size in em is its size in points over this, times
_SCALE = 1.15  # (Computer Modern looks smaller than the theme's sans-serif at the same size)


def _svg(latex):
    """(data URL of the SVG, width em, height em, depth em) of ``latex``, or None."""
    if latex in _SVG_CACHE:
        return _SVG_CACHE[latex]
    import matplotlib

    matplotlib.use("agg")
    from matplotlib import mathtext
    from matplotlib.font_manager import FontProperties

    source = latex.strip()
    for pattern, replacement in _MATHTEXT_SUBSTITUTIONS:
        source = pattern.sub(replacement, source)
    buffer = io.BytesIO()
    try:
        with matplotlib.rc_context({"svg.hashsalt": "course-site", "mathtext.fontset": "cm"}):
            depth = mathtext.math_to_image(
                f"${source}$", buffer, prop=FontProperties(size=_FONT_SIZE), format="svg"
            )
    except Exception:  # mathtext's parse errors have no common class
        _SVG_CACHE[latex] = None
        return None
    svg = buffer.getvalue().decode()
    svg = re.sub(r"<metadata>.*?</metadata>", "", svg, flags=re.S)  # a date: builds differ
    width, height = (
        float(re.search(rf'{key}="([\d.]+)pt"', svg).group(1)) for key in ("width", "height")
    )
    url = "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()
    em = _SCALE / _FONT_SIZE
    result = (url, width * em, height * em, (depth or 0) * em)
    _SVG_CACHE[latex] = result
    return result


def _math_html(self, node, latex, block):
    drawn = _svg(latex)
    if drawn is None:
        LOGGER.warning(
            "matplotlib's mathtext cannot draw %r: simplify the formula, or add a substitution "
            "to _MATHTEXT_SUBSTITUTIONS in site/_ext/course_site.py",
            latex,
            location=node,
        )
        return f'<code class="math-source">{escape(latex)}</code>'
    url, width, height, depth = drawn
    style = f"width:{width:.3f}em;height:{height:.3f}em"
    if not block:
        style += f";vertical-align:{-depth:.3f}em"
    key = hashlib.sha1(latex.encode()).hexdigest()[:8]
    return (
        f'<img class="math{" math-block" if block else ""}" data-math="{key}" '
        f'src="{url}" alt="{escape(latex.strip())}" style="{style}">'
    )


def _visit_inline(self, node):
    self.body.append(_math_html(self, node, node.astext(), block=False))
    raise nodes.SkipNode


def _visit_block(self, node):
    self.body.append('<div class="math-wrapper">')
    self.body.append(_math_html(self, node, node.astext(), block=True))
    self.body.append("</div>")
    raise nodes.SkipNode


# ---- folded cells: MyST-NB's <details>, without a label that hides the visible text ----------


def _visit_folded(self, node):
    """MyST-NB's folded cell, whose <summary> carried aria-label="Toggle hidden content": that
    label replaced the visible "Show the solution" for screen readers (axe:
    label-content-name-mismatch). The summary's name is now its visible text."""
    classes = " ".join(node["classes"])
    self.body.append(f'<details class="admonition hide {classes}">\n<summary>\n')
    self.body.append(f'<p class="collapsed admonition-title">{escape(node["prompt_show"])}</p>\n')
    self.body.append(f'<p class="expanded admonition-title">{escape(node["prompt_hide"])}</p>\n')
    self.body.append("</summary>\n")


def _depart_folded(self, node):
    self.body.append("</details>\n")


def setup(app):
    from myst_nb.sphinx_ import HideCodeCellNode

    app.setup_extension("myst_nb")
    app.add_node(HideCodeCellNode, override=True, html=(_visit_folded, _depart_folded))
    app.add_html_math_renderer(
        "course_svg", inline_renderers=(_visit_inline, None), block_renderers=(_visit_block, None)
    )
    app.connect("html-page-context", _lesson_buttons, priority=502)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
