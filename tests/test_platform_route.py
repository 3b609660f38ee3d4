"""The Colab and Kaggle route, as close as this machine gets: a platform's own TensorFlow and
Keras, the course installed by the lessons' install cell from a git URL of this repository.

A fresh virtual environment gets the lessons' runtime packages from the lock, except TensorFlow,
TensorBoard and Keras at the minor release before the lock's (``PLATFORM``: what a platform that
has not caught up yet has; the newest compatible minor is the lock's own, which tests/test_wheel.py
runs). A scratch git repository of the course, published (tools/publish.py) and tagged, is what
the install cell installs from, by a ``git+file://`` URL at the published ref, as Colab installs
from GitHub. Then learner/00 and learner/02 run top to bottom from an unrelated folder: no error,
and lesson 00's environment check says WARN for the other versions and is ready.

The wheels are kept in build/wheelhouse/ with tests/test_wheel.py's: only the first run
downloads (about 250 MB more, TensorFlow's other release).
"""

import nbformat
import publish  # tools/
import pytest
from test_wheel import (
    ROOT,
    _course_files,
    _execute,
    _run,
    fresh_environment,
    runtime_requirements,
)

pytestmark = pytest.mark.wheel  # a fresh environment, like tests/test_wheel.py

PLATFORM = {"tensorflow-cpu": "2.20.0", "tensorboard": "2.20.0", "keras": "3.14.1"}
LESSONS = ("00_welcome.ipynb", "02_classification_cross_entropy.ipynb")
REF = "v0"


def _platform_requirements():
    lines = []
    for line in runtime_requirements():
        name = line.split("==")[0].strip().lower()
        if name in PLATFORM:
            marker = line.split(";", 1)[1] if ";" in line else ""
            line = f"{name}=={PLATFORM[name]}" + (f"; {marker.strip()}" if marker else "")
        lines.append(line)
    return lines


@pytest.fixture(scope="module")
def platform_python(tmp_path_factory):
    folder = tmp_path_factory.mktemp("platform") / "env"
    return fresh_environment(folder, _platform_requirements())


@pytest.fixture(scope="module")
def published_course(tmp_path_factory):
    """A git repository of the course, published as example/course at REF and tagged so."""
    folder = tmp_path_factory.mktemp("published") / "course"
    _course_files(folder)
    git = ["git", "-c", "user.name=Course", "-c", "user.email=course@example.org"]
    _run([*git, "init", "-q", "-b", "main"], cwd=folder)
    publish.publish("example/course", REF, root=folder)
    _run([*git, "add", "-A"], cwd=folder)
    _run([*git, "commit", "-q", "-m", "course"], cwd=folder)
    _run([*git, "tag", REF], cwd=folder)
    return folder


def test_a_platforms_own_keras_runs_the_lessons_installed_from_the_published_ref(
    platform_python, published_course, tmp_path
):
    versions = _run(
        [
            platform_python,
            "-c",
            "import keras, tensorflow; print(keras.__version__, tensorflow.__version__)",
        ]
    ).stdout.split()
    assert versions == [PLATFORM["keras"], PLATFORM["tensorflow-cpu"]]
    url = f"git+{published_course.as_uri()}@{REF}"
    for name in LESSONS:
        folder = tmp_path / f"elsewhere-{name[:2]}"  # an unrelated folder, one per lesson
        folder.mkdir()
        assert not folder.is_relative_to(ROOT)
        notebook = nbformat.read(ROOT / "learner" / name, as_version=4)
        first = next(cell for cell in notebook.cells if cell.cell_type == "code")
        first.source = publish.install_cell(url)  # the published cell, with a reachable URL
        executed = _execute(notebook, platform_python, folder)  # raises on any cell's error
        if name.startswith("00"):
            text = "".join(
                output.get("text", "")
                for cell in executed.cells
                for output in cell.get("outputs", [])
            )
            assert "WARN  packages: " in text and f"keras {PLATFORM['keras']}" in text, text
            assert "Ready for the course, with 1 warning(s)" in text, text
    installed = _run([platform_python, "-m", "pip", "show", "-f", "course-utils"]).stdout
    assert "course_utils/data/manifest.json" in installed
