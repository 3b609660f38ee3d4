"""Each lesson is a pair: python_scripts/NN_name.py (the source to edit and review, jupytext's
py:percent format) and notebooks/NN_name.ipynb (the same cells with their outputs).

The pair must hold the same cells: a change made to one side alone fails here until
`make notebooks` (or `jupytext --sync`) carries it to the other.
"""

import shutil
import subprocess
import sys
from pathlib import Path

import jupytext
import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9]*.ipynb"))
JUPYTEXT = Path(sys.executable).with_name("jupytext")


def script_for(notebook):
    return notebook.parents[1] / "python_scripts" / f"{notebook.stem}.py"


def drift(notebook, script):
    """Why ``script`` is not ``notebook``'s paired script, or None when it is."""
    if not script.exists():
        return f"{script.name} is missing: run `make notebooks` to create it"
    expected = jupytext.writes(nbformat.read(notebook, as_version=4), fmt="py:percent")
    if script.read_text(encoding="utf-8") != expected:
        return (
            f"python_scripts/{script.name} and notebooks/{notebook.name} hold different cells: "
            "run `make notebooks` (it carries the newer one's cells to the other)"
        )
    return None


def test_every_lesson_is_paired():
    assert NOTEBOOKS
    scripts = {path.stem for path in (ROOT / "python_scripts").glob("*.py")}
    assert scripts == {notebook.stem for notebook in NOTEBOOKS}


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda path: path.stem)
def test_script_and_notebook_hold_the_same_cells(notebook):
    assert drift(notebook, script_for(notebook)) is None


def pair_in(tmp_path, notebook):
    """A copy of ``notebook`` and its script in tmp_path, under the course's jupytext.toml."""
    shutil.copy(ROOT / "jupytext.toml", tmp_path)
    for folder in ("notebooks", "python_scripts"):
        (tmp_path / folder).mkdir()
    copy = tmp_path / "notebooks" / notebook.name
    shutil.copy(notebook, copy)
    shutil.copy(script_for(notebook), script_for(copy))
    return copy, script_for(copy)


def test_a_cell_edited_on_one_side_alone_is_reported(tmp_path):
    notebook, script = pair_in(tmp_path, NOTEBOOKS[0])
    script.write_text(script.read_text(encoding="utf-8") + "\n# %%\nprint('new cell')\n")
    assert "hold different cells" in drift(notebook, script)


def test_an_edited_script_updates_its_notebook_and_keeps_the_outputs(tmp_path):
    """What `make notebooks` does first: the edited script's cells reach the notebook."""
    notebook, script = pair_in(tmp_path, NOTEBOOKS[1])
    before = nbformat.read(notebook, as_version=4)
    code = next(i for i, cell in enumerate(before.cells) if cell.get("outputs"))
    first_line = before.cells[code].source.splitlines()[0]
    script.write_text(
        script.read_text(encoding="utf-8").replace(first_line, first_line + "  # edited", 1)
    )
    subprocess.run(
        [JUPYTEXT, "--sync", "--quiet", notebook], cwd=tmp_path, check=True, capture_output=True
    )
    after = nbformat.read(notebook, as_version=4)
    assert after.cells[code].source.splitlines()[0] == first_line + "  # edited"
    assert after.cells[code].outputs == before.cells[code].outputs
    assert [cell.id for cell in after.cells] == [cell.id for cell in before.cells]
    assert drift(notebook, script) is None
