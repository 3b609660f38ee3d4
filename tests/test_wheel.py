"""course_utils runs anywhere: a regular (non-editable) install carries the data and the
solutions, and a learner notebook runs with it from a folder that is not the course folder.

The test does what a learner outside the course folder gets (Colab, Kaggle, their own
Python), as closely as this machine can:

1. builds the wheel from a copy of the repository's files (what `git clone` gives, the way
   `pip install git+https://...` builds it), with this environment's setuptools (offline);
2. creates a fresh virtual environment (`python -m venv`, no system site-packages) and installs
   only the packages the learner notebooks need, at the lock's exact versions: the lines of
   requirements.lock that are course_utils's runtime dependencies and theirs (no extras: no
   JupyterLab, no pytest). Their wheels are kept in build/wheelhouse/ (gitignored), so only
   the first run downloads them, from PyPI (about 410 MB); later runs install offline;
3. runs INSTALL_CELL, the first code cell the notebooks get, in that environment while
   course_utils is missing: it installs the wheel (--no-deps), as it installs the repository's
   URL in Colab;
4. copies learner/00_welcome.ipynb into an unrelated temporary folder and runs it there with
   nbclient on that environment's Python (a kernel spec in a temporary folder: nothing is
   registered in the user's Jupyter folders), INSTALL_CELL first, which must print nothing;
   an audit hook records every file the kernel opens, and none may be in the repository.

Measured on a 2-core machine: building the wheel 2-4 s; the environment 3 s and installing its 81
packages (2 GB installed) from build/wheelhouse/ 35 s when the machine is idle, 16 s and 200 s
under a load average of 19; the first download about 20 s more; the two notebook runs 50 s.
About 1.5 minutes in all when idle, 3 minutes loaded, on one xdist worker.
"""

import json
import os
import shutil
import subprocess
import sys
import tomllib
import zipfile
from importlib import metadata
from pathlib import Path

import nbformat
import publish  # tools/
import pytest
from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import KernelManager
from nbclient import NotebookClient
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from course_utils.course_kernel import read_course_env

pytestmark = pytest.mark.wheel  # pyproject.toml: the markers

ROOT = Path(__file__).resolve().parents[1]
WHEELHOUSE = ROOT / "build" / "wheelhouse"
LEARNER_NOTEBOOK = ROOT / "learner" / "00_welcome.ipynb"

# The first code cell of every notebook (tools/publish.py writes it from publish.toml). In the
# course's environment (make lab, Binder, a JupyterHub image) course_utils is importable, so
# the cell prints nothing and nbval's stored output stays empty. In Colab or Kaggle it installs
# course_utils from where the course is published, with --no-deps: the platform's own
# TensorFlow, Keras, NumPy... stay as they are (installing the course's pins there would put
# tensorflow-cpu next to the platform's tensorflow, and a new NumPy needs a restart); the
# environment check in lesson 00 says which versions differ.
INSTALL_CELL = publish.install_cell(publish.install_url(*publish.read_settings()))


def install_cell_problems(notebook):
    """What is wrong with a notebook's first code cell, as a list (empty when it is
    INSTALL_CELL, exactly, with no stored output). ``notebook``: a path or a NotebookNode."""
    if not isinstance(notebook, nbformat.NotebookNode):
        notebook = nbformat.read(notebook, as_version=4)
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    if not code:
        return ["no code cell"]
    first, problems = code[0], []
    if first.source != INSTALL_CELL:
        problems.append("the first code cell is not INSTALL_CELL (tests/test_wheel.py)")
    if first.get("outputs"):
        problems.append("the install cell has stored outputs (it prints nothing in the course)")
    return problems


def runtime_requirements():
    """The lines of requirements.lock that a learner notebook needs: course_utils's runtime
    dependencies (no extras) and, recursively, theirs, as this environment (built from the
    lock) records them. Each line keeps the lock's exact pin and marker."""
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    wanted, todo = set(), [Requirement(text) for text in pyproject["project"]["dependencies"]]
    while todo:
        requirement = todo.pop()
        if requirement.marker and not requirement.marker.evaluate({"extra": ""}):
            continue
        name = canonicalize_name(requirement.name)
        if name not in wanted:
            wanted.add(name)
            todo += [Requirement(text) for text in metadata.requires(requirement.name) or []]
    lines = [
        line.strip()
        for line in (ROOT / "requirements.lock").read_text(encoding="utf-8").splitlines()
        if line[:1].isalnum() and canonicalize_name(line.split("==")[0]) in wanted
    ]
    return lines


def _source_files():
    """The repository's files as a clone has them (tracked, plus new files not ignored)."""
    listing = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.decode()
    return [name for name in listing.split("\0") if name and (ROOT / name).is_file()]


def _run(command, **kwargs):
    result = subprocess.run(command, capture_output=True, text=True, **kwargs)
    assert result.returncode == 0, f"{command} failed:\n{result.stdout}\n{result.stderr}"
    return result


def _course_files(folder):
    """Copy the repository's files, as a clone has them, into ``folder``; return it."""
    for name in _source_files():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, folder / name)
    return folder


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    source = _course_files(tmp_path_factory.mktemp("clone"))
    dist = tmp_path_factory.mktemp("dist")
    _run([sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", dist, source])
    (built,) = dist.glob("course_utils-*.whl")
    return built


def fresh_environment(folder, requirement_lines):
    """A new virtual environment in ``folder`` holding ``requirement_lines`` (exact pins) and
    nothing else, installed from WHEELHOUSE; returns its Python."""
    _run([sys.executable, "-m", "venv", folder])
    python = folder / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    requirements = folder.parent / f"{folder.name}-requirements.txt"
    requirements.write_text("\n".join(requirement_lines) + "\n", encoding="utf-8")
    install = [python, "-m", "pip", "install", "-q", "--disable-pip-version-check"]
    offline = [*install, "--no-index", "--find-links", WHEELHOUSE, "-r", requirements]
    if subprocess.run(offline, capture_output=True).returncode != 0:
        # the first run, or the pins changed: fetch the missing wheels once, from PyPI
        download = [sys.executable, "-m", "pip", "download", "-q", "--no-deps"]
        _run([*download, "--only-binary=:all:", "-d", WHEELHOUSE, "-r", requirements])
        _run(offline)
    return python


@pytest.fixture(scope="module")
def venv(tmp_path_factory):
    """A fresh environment with the runtime lines of the lock, and nothing else."""
    return fresh_environment(tmp_path_factory.mktemp("venv") / "env", runtime_requirements())


def _execute(notebook, python, folder, timeout=600):
    """Run ``notebook`` in ``folder`` on a kernel started by ``python``; return it executed."""
    kernels = folder.parent / (folder.name + "-kernels")
    (kernels / "fresh").mkdir(parents=True)
    spec = {
        "argv": [str(python), "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "fresh environment",
        "language": "python",
        "env": read_course_env(),  # the settings the course kernel carries
    }
    (kernels / "fresh" / "kernel.json").write_text(json.dumps(spec), encoding="utf-8")
    manager = KernelManager(
        kernel_name="fresh", kernel_spec_manager=KernelSpecManager(kernel_dirs=[str(kernels)])
    )
    client = NotebookClient(
        notebook, km=manager, timeout=timeout, resources={"metadata": {"path": str(folder)}}
    )
    try:
        return client.execute()
    finally:  # nbclient leaves a kernel it was given running: stop it, leave no process behind
        if manager.has_kernel:
            manager.shutdown_kernel(now=True)


def _text(cell):
    return "".join(output.get("text", "") for output in cell.outputs)


@pytest.fixture(scope="module")
def installed(venv, wheel, tmp_path_factory):
    """``venv`` after INSTALL_CELL ran in it with course_utils missing (the wheel stands in
    for the repository's URL); returns the executed notebook."""
    folder = tmp_path_factory.mktemp("first-run")
    cell = publish.install_cell(wheel.as_uri())
    assert cell != INSTALL_CELL
    notebook = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_code_cell(
                "import importlib.util\nimportlib.util.find_spec('course_utils')"
            ),
            nbformat.v4.new_code_cell(cell),
            nbformat.v4.new_code_cell("import course_utils\nprint(course_utils.__file__)"),
        ]
    )
    return _execute(notebook, venv, folder), venv


def test_runtime_requirements_are_the_locks_pins_without_extras():
    lines = runtime_requirements()
    names = {canonicalize_name(line.split("==")[0]) for line in lines}
    assert {"keras", "numpy", "scikit-learn", "matplotlib", "ipykernel", "ipywidgets"} <= names
    assert not names & {"jupyterlab", "pytest", "nbval", "ruff", "sphinx", "jupyterhub", "build"}
    lock = (ROOT / "requirements.lock").read_text(encoding="utf-8").splitlines()
    assert all("==" in line and line in lock for line in lines)


def test_wheel_carries_the_data_the_solutions_and_the_exercise_texts(wheel):
    """The repository's data/ travels as course_utils/data/ (pyproject.toml's package-dir), and
    the self-checks' words (checks/texts/) and the lessons' shared set-ups go with the code."""
    data = ROOT / "data"
    manifest = json.loads((data / "manifest.json").read_text())
    wheel_zip = zipfile.ZipFile(wheel)
    names = set(wheel_zip.namelist())
    expected = {f"course_utils/data/{entry['file']}" for entry in manifest.values()}
    expected |= {"course_utils/data/manifest.json", "course_utils/data/README.md"}
    expected |= {"course_utils/checks/solutions.json", "course_utils/checks/answer_key.py"}
    expected |= {
        f"course_utils/checks/texts/{path.name}"
        for path in (ROOT / "course_utils" / "checks" / "texts").glob("*.toml")
    }
    expected |= {
        f"course_utils/lessons/{path.name}"
        for path in (ROOT / "course_utils" / "lessons").glob("*.py")
    }
    assert expected <= names, expected - names
    for path in data.iterdir():
        assert wheel_zip.read(f"course_utils/data/{path.name}") == path.read_bytes(), path.name
    assert not any(name.startswith(("data/", "tests/", "tools/", "notebooks/")) for name in names)


def test_fresh_environment_holds_only_the_locks_runtime_packages(venv):
    frozen = _run([venv, "-m", "pip", "list", "--format=json"]).stdout
    installed = {canonicalize_name(p["name"]): p["version"] for p in json.loads(frozen)}
    pins = {}
    for line in runtime_requirements():
        requirement = Requirement(line)  # some packages have a line per Python version
        if requirement.marker is None or requirement.marker.evaluate():
            pins[canonicalize_name(requirement.name)] = str(requirement.specifier).removeprefix(
                "=="
            )
    extra = {
        name: version
        for name, version in installed.items()
        if pins.get(name) != version and name not in ("pip", "course-utils")
    }
    assert extra == {}


def test_install_cell_installs_course_utils_when_it_is_missing(installed):
    notebook, python = installed
    missing, install, imported = notebook.cells
    assert missing.outputs == []  # find_spec returned None: course_utils was missing
    assert not any(output.output_type == "error" for output in install.outputs)
    location = Path(_text(imported).strip())
    assert location.is_relative_to(python.parents[1]), location
    assert "site-packages" in location.parts


def test_a_learner_notebook_runs_from_an_unrelated_folder(installed, tmp_path):
    _, python = installed
    folder = tmp_path / "elsewhere"
    folder.mkdir()
    assert not folder.is_relative_to(ROOT)
    shutil.copy(LEARNER_NOTEBOOK, folder / LEARNER_NOTEBOOK.name)
    notebook = nbformat.read(folder / LEARNER_NOTEBOOK.name, as_version=4)
    # every file the kernel opens from here on, recorded by an audit hook
    audit = nbformat.v4.new_code_cell(
        "import sys\n"
        "OPENED = []\n"
        "sys.addaudithook(lambda event, args: OPENED.append(str(args[0])) "
        "if event == 'open' and isinstance(args[0], str) else None)"
    )
    where = nbformat.v4.new_code_cell(
        "import json, sys\n"
        "import course_utils\n"
        "from course_utils import datasets\n"
        f"REPOSITORY = {str(ROOT)!r}\n"
        "print(json.dumps({'file': course_utils.__file__, 'data': str(datasets.DATA_DIR), "
        "'problems': datasets.verify_datasets(), "
        "'path': sys.path, 'opened': sorted({name for name in OPENED if name.startswith("
        "(REPOSITORY, str(datasets.DATA_DIR)))})}))"
    )
    notebook.cells = [audit, *notebook.cells, where]

    executed = _execute(notebook, python, folder)  # raises CellExecutionError on any error

    install = next(cell for cell in executed.cells if cell.source == INSTALL_CELL)
    assert install.outputs == []  # the lesson's install cell: course_utils is there, so silent
    found = json.loads(_text(executed.cells[-1]))
    environment = python.parents[1]
    assert Path(found["file"]).is_relative_to(environment), found["file"]
    assert Path(found["data"]).is_relative_to(environment), found["data"]
    assert found["problems"] == []  # every data file there, its checksum as in manifest.json
    assert not [entry for entry in found["path"] if entry and Path(entry).is_relative_to(ROOT)]
    from_repository = [name for name in found["opened"] if Path(name).is_relative_to(ROOT)]
    assert from_repository == []
    # the lesson read its data from the installed package
    assert str(Path(found["data"]) / "noisy_line.csv") in found["opened"]


def test_install_cell_problems_names_what_is_wrong():
    good = nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_markdown_cell("# 00"), nbformat.v4.new_code_cell(INSTALL_CELL)]
    )
    assert install_cell_problems(good) == []
    good.cells[1].outputs = [nbformat.v4.new_output("stream", name="stdout", text="hi\n")]
    assert install_cell_problems(good) == [
        "the install cell has stored outputs (it prints nothing in the course)"
    ]
    other = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("import keras")])
    assert install_cell_problems(other) == [
        "the first code cell is not INSTALL_CELL (tests/test_wheel.py)"
    ]


@pytest.mark.parametrize(
    "notebook",
    [
        path
        for folder in ("notebooks", "learner", "live-coding")
        for path in sorted((ROOT / folder).glob("[0-9]*.ipynb"))
    ],
    ids=lambda path: f"{path.parent.name}/{path.name}",
)
def test_every_notebook_starts_with_the_install_cell(notebook):
    """Opened in Colab or Kaggle, any lesson (and any copy of it) installs course_utils first."""
    assert install_cell_problems(notebook) == []
