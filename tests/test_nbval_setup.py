"""nbval compares what carries the lesson and ignores what is volatile.

A tiny notebook (no TensorFlow, so it runs in seconds) is stored with outputs, edited, and
checked by nbval in a subprocess with the project's own conftest.py and sanitising file.
"""

import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook, new_output

ROOT = Path(__file__).resolve().parents[1]

SOURCE = (
    "import sys\n"
    'print("best epoch: 7, val_loss 0.123")\n'
    'print("3/3 - 0s - 12ms/step")\n'
    'print("noise", file=sys.stderr)'
)


def stored_notebook(stdout, stderr="noise\n"):
    cell = new_code_cell(SOURCE, execution_count=1)
    cell.outputs = [
        new_output("stream", name="stdout", text=stdout),
        new_output("stream", name="stderr", text=stderr),
    ]
    return new_notebook(cells=[cell])


def nbval_passes(tmp_path, notebook):
    shutil.copy(ROOT / "conftest.py", tmp_path / "conftest.py")
    nbformat.write(notebook, tmp_path / "lesson.ipynb")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-p",
            "no:cacheprovider",
            "--nbval",
            "--nbval-current-env",
            "--nbval-sanitize-with",
            str(ROOT / "tests" / "nbval_sanitize.cfg"),
            "lesson.ipynb",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )
    return result.returncode == 0


REFERENCE = "best epoch: 7, val_loss 0.123\n3/3 - 0s - 12ms/step\n"


def test_unchanged_outputs_pass(tmp_path):
    assert nbval_passes(tmp_path, stored_notebook(REFERENCE))


def test_a_changed_teaching_number_fails(tmp_path):
    assert not nbval_passes(tmp_path, stored_notebook(REFERENCE.replace("0.123", "0.124")))


def test_a_changed_best_epoch_fails(tmp_path):
    assert not nbval_passes(tmp_path, stored_notebook(REFERENCE.replace("epoch: 7", "epoch: 8")))


@pytest.mark.parametrize("volatile", ["1s - 450ms/step", "0s - 3us/step"])
def test_timings_are_sanitised(tmp_path, volatile):
    assert nbval_passes(tmp_path, stored_notebook(REFERENCE.replace("0s - 12ms/step", volatile)))


def test_stderr_is_not_compared(tmp_path):
    assert nbval_passes(tmp_path, stored_notebook(REFERENCE, stderr="a CUDA probe line\n"))
