"""pytest set-up shared by the unit tests and nbval.

Each lesson executes once per test run: nbval runs its cells in a shuffled order that keeps
every cell after the cells defining the names it reads, with each solution cell isolated and
every other cell run twice in a row, both runs compared with the stored outputs. That one
execution checks the stored outputs, that the cells give them in any order, that running a
cell again prints them again (a training cell rebuilds what it trains; an exercise cell checks
the learner's answer, not the reference it handed on), and that the cells after an unsolved
exercise run as they do in the learner copy (tools/lesson_run.py).

Hypothesis keeps its cache in a temporary folder, so the suite writes nothing into the
repository.

nbval compares every stream a cell prints, stderr included. TensorFlow and Keras write
platform-dependent notices to stderr, and a learner's lesson never lives there, so this
hook drops stderr streams from both the stored and the fresh outputs before nbval compares
them. Everything else (stdout, results, figure reprs) is still compared.
"""

import copy
import tempfile

from hypothesis.configuration import set_hypothesis_home_dir
from lesson_run import as_run, runs_twice, shuffled_order  # tools/, on pytest's pythonpath
from nbval.plugin import IPyNbCell

set_hypothesis_home_dir(tempfile.mkdtemp(prefix="hypothesis-"))

_compare_outputs = IPyNbCell.compare_outputs


def _without_stderr(outputs):
    return [out for out in outputs if out.get("name") != "stderr"]


def _compare_outputs_without_stderr(self, test, ref, skip_compare=None):
    return _compare_outputs(self, _without_stderr(test), _without_stderr(ref), skip_compare)


IPyNbCell.compare_outputs = _compare_outputs_without_stderr


def rerun(item):
    """``(item's cell run again,)`` right after it when it ``runs_twice``, else ``()``: a second
    nbval item for the same cell, whose outputs nbval compares with the stored ones too."""
    if not isinstance(item, IPyNbCell) or item.options["skip"] or not runs_twice(item.cell):
        return ()
    again = IPyNbCell.from_parent(
        item.parent,
        name=f"{item.name} run again",
        cell_num=item.cell_num,
        cell=copy.deepcopy(item.cell),  # nbval coalesces the stored streams in place
        options=item.options,
    )
    return (again,)


SLOW = ("notebooks", "browser", "hub", "wheel")  # markers that imply "slow" (pyproject.toml)


def pytest_collection_modifyitems(items):
    """Every lesson's cells in ``shuffled_order``, each cell that ``runs_twice`` followed by
    its ``rerun``, each solution cell run ``isolated``; the markers of the notebook cells and
    of every slow test."""
    positions = {}  # notebook -> positions of its cells in ``items``, in the lesson's order
    for position, item in enumerate(items):
        if isinstance(item, IPyNbCell):
            positions.setdefault(item.parent, []).append(position)
    for places in positions.values():
        cells = [items[place] for place in places]
        order = shuffled_order([cell.cell for cell in cells])
        for place, index in zip(places, order, strict=True):
            items[place] = cells[index]
    items[:] = [run for item in items for run in (item, *rerun(item))]
    for item in items:
        if isinstance(item, IPyNbCell):
            item.add_marker("notebooks")
            item.cell = as_run(item.cell)
        if any(item.get_closest_marker(name) for name in SLOW):
            item.add_marker("slow")
