"""Where the course is published, written everywhere it is needed (`make publish`).

publish.toml holds the one answer: the GitHub repository (owner/name) and the tag or branch
learners install from. This script writes it

- into the first code cell of every lesson (notebooks/ and python_scripts/; `make learner` then
  carries it into learner/ and live-coding/): the cell that installs course_utils on Colab,
  Kaggle or any Python where it is missing. Until the course is published that cell installs
  nothing: it stops the notebook with one message saying so. A failed install stops it too,
  with pip's error and what to do, instead of errors two cells later;
- into the documents that name the repository: every placeholder repository (``PLACEHOLDER``,
  and the ``main`` next to it in a link or install line) in the files of ``DOCUMENTS`` becomes
  the published place;
- the site's launch links (tools/build_site.py) and the tests read publish.toml.

    python tools/publish.py --repo example-org/loss-course --ref v1.0  # or: make publish REPO=...
    python tools/publish.py                                            # again, from publish.toml
"""

import argparse
import re
import sys
import tomllib
from pathlib import Path

import jupytext
import nbformat

ROOT = Path(__file__).resolve().parents[1]
SETTINGS = "publish.toml"  # below ROOT
# what the documents say until the course is published (spelt in two parts here so that a
# search for the placeholder finds only what publishing replaces)
PLACEHOLDER = ("/".join(("OWNER", "REPO")), "main")
DOCUMENTS = (
    "README.md",
    "CONTRIBUTING.md",
    "hub/README.md",
    "hub/config.yaml",
)
INSTALL_FIRST_LINE = "# Colab, Kaggle or your own Python: install course_utils"
REPOSITORY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]*/[A-Za-z0-9._-]+$")
REF = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/-]*$")

INSTALL_CELL = """\
# Colab, Kaggle or your own Python: install course_utils, the course's small library, when it
# is missing. In the course's environment it is installed already, and this cell does nothing.
import importlib.util
import subprocess
import sys

COURSE = "{url}"  # where course_utils comes from: written by `make publish`

if importlib.util.find_spec("course_utils") is None:
    if not COURSE:
        raise RuntimeError(
            "This copy of the course is not published yet, so there is nowhere to install "
            "course_utils from. Open the lessons in the course folder (make lab), or ask your "
            "instructor for the course's published link."
        )
    pip = subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "--no-deps", COURSE],
        capture_output=True,
        text=True,
    )
    if pip.returncode:
        raise RuntimeError(
            f"Installing course_utils from {{COURSE}} failed; pip said:\\n{{pip.stderr[-800:]}}\\n"
            "Check that this notebook may use the internet (Kaggle: Settings, Internet on), "
            "then run this cell again."
        )"""


def read_settings(root=ROOT):
    """(repository, ref) from publish.toml; repository is "" until the course is published.

    >>> read_settings()[1]
    'main'
    """
    settings = tomllib.loads((Path(root) / SETTINGS).read_text(encoding="utf-8"))
    return settings.get("repository", ""), settings.get("ref", "") or "main"


def install_url(repository, ref):
    """The pip URL learners install course_utils from ("" until published).

    >>> install_url("example-org/loss-course", "v1.0")
    'git+https://github.com/example-org/loss-course@v1.0'
    >>> install_url("", "main")
    ''
    """
    return f"git+https://github.com/{repository}@{ref}" if repository else ""


def install_cell(url):
    """The source of every lesson's first code cell, installing course_utils from ``url``."""
    return INSTALL_CELL.format(url=url)


def _checked(repository, ref):
    if not REPOSITORY.match(repository):
        raise ValueError(
            f"REPO must be a GitHub repository as owner/name (e.g. example-org/loss-course), "
            f"got {repository!r}."
        )
    if not REF.match(ref):
        raise ValueError(f"REF must be a tag or branch name (e.g. v1.0 or main), got {ref!r}.")


def _with_install_cell(cells, url, where):
    code = [cell for cell in cells if cell.cell_type == "code"]
    if not code or not code[0].source.startswith(INSTALL_FIRST_LINE):
        raise ValueError(f"{where}: its first code cell is not the install cell.")
    code[0].source = install_cell(url)


def write_install_cells(url, root=ROOT):
    """Put ``install_cell(url)`` into every lesson and its paired script; return the paths
    written. Refuses (ValueError) while a script holds edits its notebook lacks."""
    root, written = Path(root), []
    for path in sorted((root / "notebooks").glob("[0-9][0-9]_*.ipynb")):
        notebook = nbformat.read(path, as_version=4)
        script = root / "python_scripts" / f"{path.stem}.py"
        if script.exists() and script.read_text(encoding="utf-8") != jupytext.writes(
            notebook, fmt="py:percent"
        ):
            raise ValueError(
                f"{script.relative_to(root)} differs from its notebook: run `make notebooks` "
                "(jupytext --sync) first, then publish."
            )
        before = nbformat.writes(notebook)
        _with_install_cell(notebook.cells, url, path.name)
        if nbformat.writes(notebook) == before:
            continue
        nbformat.write(notebook, path)
        written.append(path)
        if script.exists():
            script.write_text(jupytext.writes(notebook, fmt="py:percent"), encoding="utf-8")
            written.append(script)
    return written


def write_documents(old, new, root=ROOT):
    """Replace the published place ``old`` (repository, ref) by ``new`` in ``DOCUMENTS``."""
    (old_repository, old_ref), (repository, ref) = old, new
    written = []
    for name in DOCUMENTS:
        path = Path(root) / name
        text = path.read_text(encoding="utf-8")
        old_name, name = old_repository.split("/")[1], repository.split("/")[1]
        changed = (
            text.replace(f"{old_repository}/{old_ref}", f"{repository}/{ref}")
            .replace(f"{old_repository}@{old_ref}", f"{repository}@{ref}")
            .replace(f"branch={old_ref}&", f"branch={ref}&")  # nbgitpuller links, URL-encoded
            .replace(old_repository.replace("/", "%2F"), repository.replace("/", "%2F"))
            .replace(f"tree%2F{old_name}%2F", f"tree%2F{name}%2F")
            .replace(old_repository, repository)
        )
        if changed != text:
            path.write_text(changed, encoding="utf-8")
            written.append(path)
    return written


def publish(repository=None, ref=None, root=ROOT):
    """Record where the course is published (or keep publish.toml's) and write it everywhere;
    return the paths written. Afterwards run `make learner` for the classroom copies."""
    root = Path(root)
    current = read_settings(root)
    repository = current[0] if repository is None else repository
    ref = (ref or current[1]) if repository else "main"
    if repository:
        _checked(repository, ref)
    old = (current[0] or PLACEHOLDER[0], current[1] if current[0] else PLACEHOLDER[1])
    written = write_install_cells(install_url(repository, ref), root)
    if repository and (repository, ref) != old:
        written += write_documents(old, (repository, ref), root)
    settings = root / SETTINGS
    text = settings.read_text(encoding="utf-8")
    updated = re.sub(r'(?m)^repository = ".*"', f'repository = "{repository}"', text)
    updated = re.sub(r'(?m)^ref = ".*"', f'ref = "{ref}"', updated)
    if updated != text:
        settings.write_text(updated, encoding="utf-8")
        written.append(settings)
    return written


def main(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repo", help="the GitHub repository, owner/name")
    parser.add_argument("--ref", help="the tag or branch learners install (default: main)")
    args = parser.parse_args(argv)
    try:
        written = publish(args.repo, args.ref)
    except ValueError as error:
        print(error, file=sys.stderr)
        return 2
    for path in written:
        print(f"wrote {path.relative_to(ROOT)}")
    print("Now run `make learner` (the classroom copies) and commit what both wrote.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
