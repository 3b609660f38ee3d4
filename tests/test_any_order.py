"""Any order, same numbers: a lesson's cells give their stored outputs in any order that runs
each cell after the cells that define the names it uses.

An instructor scrolls back and re-runs a cell; a learner runs an exercise twice. If a cell
reads a name that another cell rebinds (``model``, ``history``), re-running it after that
other cell prints different numbers under prose that quotes the stored ones. This test runs
every lesson once, in a fresh kernel, in a shuffled order (fixed seed) that keeps each cell
after the last cell above it that defines each name it reads, so a cell that rebinds a shared
name may land in between, and compares each output with the stored one.
"""

import ast
import random
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient
from notebook_outputs import compared_text

from course_utils.course_kernel import KERNEL_NAME
from course_utils.notebook_tags import NBVAL_IGNORE_OUTPUT

ROOT = Path(__file__).resolve().parents[1]
SOURCES = sorted((ROOT / "notebooks").glob("[0-9]*.ipynb"))
SHUFFLE_SEED = 0


def names(source):
    """(names the cell defines, names it reads) at any depth; magics count as `pass` (the
    install cell runs `%pip` inside an `if`)."""
    code = "\n".join(
        line[: len(line) - len(line.lstrip())] + "pass"
        if line.lstrip().startswith(("%", "!"))
        else line
        for line in source.splitlines()
    )
    defined, read = set(), set()
    for node in ast.walk(ast.parse(code)):
        if isinstance(node, ast.Name):
            (defined if isinstance(node.ctx, ast.Store) else read).add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            defined.add(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            defined.update((alias.asname or alias.name).split(".")[0] for alias in node.names)
    return defined, read


def dependencies(cells):
    """{index: indices of the cells it must run after}: for each name a cell reads, the last
    cell above it that defines that name."""
    parsed = [names(cell.source) for cell in cells]  # (defined, read) per cell, parsed once
    needs = {}
    for index, (_, read) in enumerate(parsed):
        needs[index] = set()
        for name in read:
            definers = [i for i in range(index) if name in parsed[i][0]]
            if definers:
                needs[index].add(definers[-1])
    return needs


def shuffled_order(cells, seed=SHUFFLE_SEED):
    """A random order of the cells (fixed by ``seed``) that respects ``dependencies``."""
    needs, done, order = dependencies(cells), set(), []
    rng = random.Random(seed)
    while len(order) < len(cells):
        ready = sorted(i for i in needs if i not in done and needs[i] <= done)
        chosen = rng.choice(ready)
        order.append(chosen)
        done.add(chosen)
    return order


def test_the_order_keeps_each_cell_after_its_definers_and_can_put_a_rebinding_cell_between():
    cells = [
        nbformat.v4.new_code_cell(source)
        for source in ("model = 1", "print(model)", "model = 2", "other = 3")
    ]
    assert dependencies(cells) == {0: set(), 1: {0}, 2: set(), 3: set()}
    orders = [shuffled_order(cells, seed) for seed in range(40)]
    assert all(order.index(0) < order.index(1) for order in orders)
    assert any(order.index(0) < order.index(2) < order.index(1) for order in orders), (
        "the test must be able to catch a cell that reads a name another cell rebinds"
    )


@pytest.mark.parametrize("source", SOURCES, ids=lambda path: path.stem)
def test_the_lesson_gives_its_stored_outputs_in_a_shuffled_order(source):
    stored = nbformat.read(source, as_version=4)
    code = [cell for cell in stored.cells if cell.cell_type == "code"]
    order = shuffled_order(code)
    shuffled = nbformat.v4.new_notebook(
        cells=[nbformat.from_dict(code[i]) for i in order], metadata=stored.metadata
    )
    NotebookClient(
        shuffled,
        kernel_name=KERNEL_NAME,
        timeout=600,
        resources={"metadata": {"path": str(source.parent)}},
    ).execute()
    for run_as, (position, cell) in enumerate(zip(order, shuffled.cells, strict=True), start=1):
        if NBVAL_IGNORE_OUTPUT in cell.metadata.get("tags", []):
            continue
        assert compared_text(cell) == compared_text(code[position]), (
            f"code cell {position + 1} of {len(code)}, run as number {run_as}, prints something "
            f"else: {cell.source[:150]!r}"
        )
