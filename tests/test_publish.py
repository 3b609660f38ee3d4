"""Publishing is one step (tools/publish.py, `make publish`): publish.toml holds where the course
is published; every install cell, classroom copy and document follows it, and until it is set
the install cell says so instead of running pip on a placeholder."""

import importlib.util
import subprocess
import sys
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import nbformat
import publish  # tools/
import pytest
from test_wheel import _course_files

ROOT = Path(__file__).resolve().parents[1]


def run_install_cell(url, monkeypatch, course_utils_missing=True):
    """Execute the install cell for ``url`` as a kernel would, with course_utils missing."""
    if course_utils_missing:
        real_find_spec = importlib.util.find_spec
        monkeypatch.setattr(
            importlib.util,
            "find_spec",
            lambda name, *args: None if name == "course_utils" else real_find_spec(name, *args),
        )
    exec(compile(publish.install_cell(url), "install cell", "exec"), {})


def test_unpublished_the_install_cell_stops_with_one_message(monkeypatch):
    def no_pip(*args, **kwargs):
        raise AssertionError("pip must not run on a course that is not published")

    monkeypatch.setattr(subprocess, "run", no_pip)
    with pytest.raises(RuntimeError, match="not published yet") as raised:
        run_install_cell("", monkeypatch)
    assert "make lab" in str(raised.value) and "published link" in str(raised.value)


def test_a_failed_install_stops_at_the_install_cell_with_pips_error_and_the_fix(monkeypatch):
    url = "git+file:///no/such/course-repository@v0"
    with pytest.raises(RuntimeError) as raised:
        run_install_cell(url, monkeypatch)
    message = str(raised.value)
    assert message.startswith(f"Installing course_utils from {url} failed; pip said:")
    assert "internet" in message and "run this cell again" in message


def test_in_the_course_environment_the_install_cell_does_nothing(monkeypatch):
    def no_pip(*args, **kwargs):
        raise AssertionError("course_utils is installed: nothing to do")

    monkeypatch.setattr(subprocess, "run", no_pip)
    run_install_cell("", monkeypatch, course_utils_missing=False)
    run_install_cell("git+https://github.com/example/course@v0", monkeypatch, False)


@pytest.mark.parametrize(
    "repository, ref, argument",
    [("example", "v0", "REPO"), ("https://github.com/a/b", "v0", "REPO"), ("a/b", "v 1", "REF")],
)
def test_publish_refuses_a_malformed_place_and_names_the_argument(
    tmp_path, repository, ref, argument
):
    (tmp_path / publish.SETTINGS).write_text((ROOT / publish.SETTINGS).read_text())
    with pytest.raises(ValueError, match=f"^{argument} must be"):
        publish.publish(repository, ref, root=tmp_path)


def _publish(folder, repository, ref):
    for command in (
        [sys.executable, "tools/publish.py", "--repo", repository, "--ref", ref],
        [sys.executable, "tools/classroom.py"],
    ):
        result = subprocess.run(command, cwd=folder, capture_output=True, text=True)
        assert result.returncode == 0, f"{command}:\n{result.stdout}\n{result.stderr}"


def _files_naming(folder, text):
    return sorted(
        str(path.relative_to(folder))
        for path in folder.rglob("*")
        if path.is_file() and text.encode() in path.read_bytes()
    )


@pytest.mark.slow  # copies the repository and renders the classroom copies, twice
def test_publishing_leaves_no_placeholder_and_can_move_the_course(tmp_path):
    folder = _course_files(tmp_path / "course")
    first = "/".join(("first-place", "course"))  # built here: no file holds it, this one neither
    _publish(folder, first, "v0")
    assert _files_naming(folder, publish.PLACEHOLDER[0]) == []
    assert publish.read_settings(folder) == (first, "v0")
    url = f"git+https://github.com/{first}@v0"
    for copy in ("notebooks", "learner", "live-coding"):
        for path in sorted((folder / copy).glob("[0-9][0-9]_*.ipynb")):
            notebook = nbformat.read(path, as_version=4)
            install = next(cell for cell in notebook.cells if cell.cell_type == "code")
            assert install.source == publish.install_cell(url), path
    readme = (folder / "README.md").read_text()
    assert f"https://mybinder.org/v2/gh/{first}/v0?urlpath=lab/tree/learner" in readme
    (puller,) = [word for word in readme.split() if "git-pull?" in word]
    query = parse_qs(urlsplit(puller).query)
    assert query["repo"] == [f"https://github.com/{first}"] and query["branch"] == ["v0"]
    assert query["urlpath"][0].startswith("lab/tree/course/learner/")
    _publish(folder, "other-org/loss-course", "v1.1")  # moved: nothing of the old place is left
    assert _files_naming(folder, first) == []
    assert "lab%2Ftree%2Floss-course%2Flearner" in (folder / "README.md").read_text()
