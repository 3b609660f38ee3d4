"""How the test suite runs a lesson: once, checking four things in that one execution.

nbval executes every code cell of a lesson in one kernel and compares each output with the
stored one. The root conftest.py changes three things about that run, with the functions here:

1. **Any order.** The cells run in a shuffled order (fixed seed) that keeps each cell after
   the last cell above it that defines each name it reads (``shuffled_order``). A cell that
   reads a name another cell rebinds (``model``, ``history``), or a training cell that keeps
   training a model another cell trained, then prints something else than the stored output,
   and nbval fails on it. An instructor scrolling back and re-running cells meets exactly that.
2. **The learner's path.** A solution cell (tag "solution") runs in a copy of the kernel's
   globals (``isolated``): it prints its ✅, but every name stays as the exercise cell above
   left it. The cells after it therefore see what a learner who solved nothing sees in the
   learner copy (learner/ holds the same code cells without the solutions: see
   tests/test_lesson_run.py), and their outputs must still be the stored ones.
3. **Again.** Every other cell runs twice in a row (``runs_twice``), and nbval compares both
   runs with the stored outputs: a learner who runs a cell again must see the stored numbers.
   A training cell that trains a model built in another cell (it trains it further), or an
   exercise cell that rebinds the learner's answer to the reference (it then checks the
   reference), prints something else the second time, and nbval fails on it.

``make notebooks`` (tools/execute_notebooks.py) stores outputs with solution cells isolated
the same way, in the lesson's own order, each cell run once: what a learner's Run All shows,
which the second run of each cell must then print again. tests/test_lesson_run.py tests this
module, tests/test_nbval_setup.py the nbval run it sets up.
"""

import ast
import copy
import random

from course_utils.notebook_tags import SOLUTION

SHUFFLE_SEED = 0


def names(source):
    """(names the cell defines, names it reads) at any depth; a magic line (``%pip``,
    ``!ls``) counts as ``pass``."""
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
    cell above it that defines that name. A solution cell defines nothing: it runs isolated,
    so what it binds does not survive it."""
    parsed = [names(cell.source) for cell in cells]  # (defined, read) per cell, parsed once
    kept = [SOLUTION not in cell.get("metadata", {}).get("tags", []) for cell in cells]
    needs = {}
    for index, (_, read) in enumerate(parsed):
        needs[index] = set()
        for name in read:
            definers = [i for i in range(index) if name in parsed[i][0] and kept[i]]
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


def runs_twice(cell):
    """Whether nbval runs ``cell`` twice in a row, comparing both runs with the stored outputs:
    every code cell but a solution cell.

    A learner may run any cell again, and the course promises that it prints the stored
    numbers: a training cell must rebuild (and reseed) what it trains, and an exercise cell must
    check the learner's answer again, not the reference it handed on the first time. Running
    every cell twice shows a cell that keeps training a model built in another cell, or an
    exercise cell that rebinds the answer the learner typed in the cell above it
    (``answer = checks.exercise(...)``). A solution cell is left out: it runs ``isolated``, so
    no name it binds survives it, and the learner copy does not hold it.

    >>> from nbformat.v4 import new_code_cell
    >>> training = new_code_cell("model = build_model()\\nhistory = model.fit(x, y)")
    >>> exercise = new_code_cell('checks.exercise("02.2", answer)')
    >>> solution = new_code_cell('answer = "A"', metadata={"tags": [SOLUTION]})
    >>> [runs_twice(training), runs_twice(exercise), runs_twice(solution)]
    [True, True, False]
    """
    return cell.cell_type == "code" and SOLUTION not in cell.metadata.get("tags", [])


def isolated(source):
    """Code that runs ``source`` in a copy of the kernel's globals: what it prints shows, and
    no name it binds survives it."""
    return f"exec(compile({source!r}, '<solution cell>', 'exec'), dict(globals()))"


def as_run(cell):
    """The code cell the kernel runs for ``cell``: a solution cell as an ``isolated`` copy,
    any other cell as it is."""
    if SOLUTION not in cell.metadata.get("tags", []):
        return cell
    run = copy.deepcopy(cell)
    run.source = isolated(cell.source)
    return run
