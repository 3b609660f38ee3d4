"""Sphinx configuration of the course website (`make site`; tools/build_site.py).

tools/build_site.py copies this folder into build/site-src/ with the lessons and generated
pages, then runs Sphinx on it. The notebooks are rendered from their stored outputs, never
executed, and nothing is fetched from the network, at build time or when a page is viewed.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent / "_ext"))

from course_site import settings  # noqa: E402  (site/_ext/course_site.py)

SETTINGS = settings()

project = "Training vs validation loss"
author = "the course's authors"
copyright = "the course's authors; lesson content CC BY 4.0, code MIT"
language = "en"

extensions = ["myst_nb", "course_site"]
exclude_patterns = ["_build", "_extra", "**.ipynb_checkpoints", "README.md"]

# ---- notebooks: the stored outputs, as they are --------------------------------------------
nb_execution_mode = "off"
nb_merge_streams = True
myst_enable_extensions = ["dollarmath", "colon_fence", "deflist"]
myst_heading_anchors = 3

# ---- maths without a CDN: drawn at build time (site/_ext/course_site.py) ------------------
html_math_renderer = "course_svg"

# ---- HTML ---------------------------------------------------------------------------------
html_theme = "sphinx_book_theme"
html_title = "Training vs validation loss"
templates_path = ["_templates"]
html_static_path = ["_static"]
html_css_files = ["course.css"]
html_js_files = ["file-search.js"]  # opened as a file: search without snippets, and a note
html_extra_path = ["_extra"]  # notebooks/ and learner/: the downloadable .ipynb files
html_copy_source = False  # the .ipynb downloads are the originals in notebooks/ and learner/
html_show_sourcelink = False
html_last_updated_fmt = None
html_context = {"default_mode": "light"}
html_theme_options = {
    "repository_url": SETTINGS["repository"],
    "repository_branch": SETTINGS["branch"],
    "use_repository_button": True,
    "use_download_button": False,  # replaced by the lesson and learner-copy downloads
    "use_fullscreen_button": False,
    "home_page_in_toc": True,
    "show_toc_level": 2,
    "navigation_with_keys": False,
}
html_favicon = "_static/favicon.svg"  # also spares the browser a failed /favicon.ico request
