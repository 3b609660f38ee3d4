"""Each shared lesson set-up (course_utils/lessons/) is the notebook cell it stands for.

Every function and class there names its cell in its docstring ("Stands for cell ``bc0569e9``")
and must say what that cell says: the test parses both with ``ast`` (so comments, docstrings
and layout do not count) and compares them. A ``def`` or ``class`` the cell defines under the
same name must be that definition; any other function must be a run of the cell's statements.
The function's extra parameters are read as the package docstring says: without a default,
a variable the cell reads by that name; keyword-only with a default, the literal the cell
writes there (the default is put in its place before comparing).
"""

import ast
import copy
import importlib
import inspect
import pkgutil
import re
import textwrap
from pathlib import Path

import nbformat
import numpy as np
import pytest
import record_histories

import course_utils.lessons
from course_utils import seed_everything
from course_utils.lessons import lesson01, lesson02, lesson04, lesson08

ROOT = Path(__file__).resolve().parents[1]
STANDS_FOR = re.compile(r"Stands for cell ``([0-9a-f]+)``")


def shared_objects():
    """(lesson module, name) of every function and class the lesson modules define."""
    found = []
    for info in pkgutil.iter_modules(course_utils.lessons.__path__):
        module = importlib.import_module(f"course_utils.lessons.{info.name}")
        for name, value in vars(module).items():
            if inspect.isfunction(value) or inspect.isclass(value):
                if value.__module__ == module.__name__:
                    found.append((module, name))
    return found


def cell_source(module, notebooks=ROOT / "notebooks"):
    """{cell id: source} of the notebook a lesson module stands for (lesson05: 05_*.ipynb)."""
    number = module.__name__.rsplit("lesson", 1)[1]
    (path,) = notebooks.glob(f"{number}_*.ipynb")
    notebook = nbformat.read(path, as_version=4)
    return {cell.id: cell.source for cell in notebook.cells if cell.cell_type == "code"}


def without_docstrings(node):
    """A copy of ``node`` with the docstring of every function, class and module removed."""
    node = copy.deepcopy(node)
    for inner in ast.walk(node):
        body = getattr(inner, "body", None)
        if (
            isinstance(inner, (ast.Module, ast.FunctionDef, ast.ClassDef))
            and body
            and isinstance(body[0], ast.Expr)
            and isinstance(body[0].value, ast.Constant)
            and isinstance(body[0].value.value, str)
        ):
            inner.body = body[1:] or [ast.Pass()]
    return node


class _PutLiterals(ast.NodeTransformer):
    """Replace each read of a name in ``literals`` with its value's expression."""

    def __init__(self, literals):
        self.literals = literals

    def visit_Name(self, node):
        if isinstance(node.ctx, ast.Load) and node.id in self.literals:
            return copy.deepcopy(self.literals[node.id])
        return node


def parameters(function):
    """[(name, default expression or None, keyword-only)] of an ``ast.FunctionDef``."""
    args = function.args
    positional = args.posonlyargs + args.args
    defaults = [None] * (len(positional) - len(args.defaults)) + args.defaults
    return [(a.arg, d, False) for a, d in zip(positional, defaults, strict=True)] + [
        (a.arg, d, True) for a, d in zip(args.kwonlyargs, args.kw_defaults, strict=True)
    ]


def literals_and_own(function, own_names):
    """The function's keyword-only defaults to put in its body ({name: expression}), and its
    parameters that are the cell's own (those in ``own_names``), as comparable text."""
    literals, own = {}, []
    for name, default, keyword_only in parameters(function):
        if name in own_names:
            own.append((name, None if default is None else ast.dump(default), keyword_only))
        elif default is not None and not keyword_only:
            raise AssertionError(
                f"{function.name}: parameter {name!r} has a default but is not the cell's own: "
                "make it keyword-only (after *) if it stands for a literal of the cell."
            )
        elif default is not None:
            literals[name] = default
    return literals, own


def _is_names(node):
    """True for a ``return`` that only hands back variables: ``return a`` or ``return a, b``."""
    items = node.elts if isinstance(node, ast.Tuple) else [node]
    return all(isinstance(item, ast.Name) for item in items)


def _blocks(tree):
    """Every list of statements in ``tree``: the cell's top level and each loop's, if's... body."""
    for node in ast.walk(tree):
        for field in ("body", "orelse", "finalbody"):
            block = getattr(node, field, None)
            if isinstance(block, list) and block and isinstance(block[0], ast.stmt):
                yield block


def _runs_in(statements, returned, tree):
    """True when ``statements`` stand in a block of ``tree``, one after the other, and a
    ``returned`` expression (unless it only names variables) is what the next statement
    assigns or evaluates."""
    wanted = [ast.dump(statement) for statement in statements]
    for block in _blocks(tree):
        found = [ast.dump(statement) for statement in block]
        for start in range(len(found) - len(wanted) + 1):
            if found[start : start + len(wanted)] != wanted:
                continue
            end = start + len(wanted)
            if returned is None or _is_names(returned):
                return True
            follows = block[end] if end < len(block) else None
            if isinstance(follows, (ast.Assign, ast.Expr)) and ast.dump(follows.value) == ast.dump(
                returned
            ):
                return True
    return False


def difference(shared, source):
    """Why ``shared`` (the source of a lesson module's function or class) is not the cell
    ``source``, or None when it is."""
    definition = without_docstrings(ast.parse(textwrap.dedent(shared)).body[0])
    cell = without_docstrings(ast.parse(source))
    named = [node for node in cell.body if getattr(node, "name", None) == definition.name]
    if isinstance(definition, ast.ClassDef):
        same = named and ast.dump(named[0]) == ast.dump(definition)
        return None if same else f"the cell's class {definition.name} differs"
    if named:  # the cell defines it: the same parameters and the same body
        cell_definition = named[0]
        own_names = [name for name, _, _ in parameters(cell_definition)]
        literals, own = literals_and_own(definition, own_names)
        _, cell_own = literals_and_own(cell_definition, own_names)
        if own != cell_own:
            return f"parameters {[p[0] for p in own]} differ from the cell's {own_names}"
        body = [_PutLiterals(literals).visit(statement) for statement in definition.body]
        if [ast.dump(s) for s in body] != [ast.dump(s) for s in cell_definition.body]:
            return f"the body of {definition.name} differs from the cell's"
        return None
    literals, _ = literals_and_own(definition, ())
    body = [_PutLiterals(literals).visit(statement) for statement in definition.body]
    returned = body.pop().value if isinstance(body[-1], ast.Return) else None
    if _runs_in(body, returned, cell):
        return None
    return "its statements do not stand in the cell, one after the other"


@pytest.mark.parametrize(
    ("module", "name"),
    shared_objects(),
    ids=[f"{module.__name__.rsplit('.', 1)[1]}.{name}" for module, name in shared_objects()],
)
def test_each_shared_set_up_is_the_lesson_cell_it_stands_for(module, name):
    shared = getattr(module, name)
    named = STANDS_FOR.findall(shared.__doc__ or "")
    assert len(named) == 1, f"{name}'s docstring must name its cell once: Stands for cell ``id``."
    cells = cell_source(module)
    assert named[0] in cells, f"{name}: the notebook has no code cell {named[0]}"
    problem = difference(inspect.getsource(shared), cells[named[0]])
    assert problem is None, (
        f"{module.__name__}.{name} no longer stands for cell {named[0]}: {problem}.\n"
        f"--- the cell:\n{cells[named[0]]}\n--- the shared code:\n{inspect.getsource(shared)}"
    )


def test_there_are_shared_set_ups_for_the_tools_and_the_answer_key():
    assert {module.__name__.rsplit(".", 1)[1] for module, _ in shared_objects()} >= {
        "lesson02",
        "lesson04",
        "lesson05",
        "lesson08",
        "lesson09",
    }


# ---- the comparison catches a change on either side ---------------------------------------


def _changed(module, cell_id, old, new, tmp_path):
    """A copy of ``module``'s notebook in ``tmp_path`` with ``old`` replaced by ``new`` in one
    cell; its {cell id: source}."""
    number = module.__name__.rsplit("lesson", 1)[1]
    (path,) = (ROOT / "notebooks").glob(f"{number}_*.ipynb")
    notebook = nbformat.read(path, as_version=4)
    (cell,) = [cell for cell in notebook.cells if cell.get("id") == cell_id]
    assert old in cell.source
    cell.source = cell.source.replace(old, new)
    nbformat.write(notebook, tmp_path / path.name)
    return cell_source(module, notebooks=tmp_path)


@pytest.mark.parametrize(
    ("module", "name", "cell_id", "old", "new"),
    [
        (lesson02, "build_classifier", "bc0569e9", "Dense(64", "Dense(65"),  # a def
        (lesson04, "early_stopping", "62402207", "patience=10", "patience=9"),  # a return
        (lesson08, "early_stopping", "7fcd3425", "patience=10", "patience=11"),
        (lesson02, "split", "8a9f05b8", "random_state=2", "random_state=3"),  # a literal
        (lesson02, "fit_classifier", "7d4edcc0", "epochs=150", "epochs=100"),
        (lesson01, "split", "87a0f08f", "test_size=0.2", "test_size=0.25"),
    ],
)
def test_a_changed_lesson_cell_no_longer_matches(module, name, cell_id, old, new, tmp_path):
    shared = inspect.getsource(getattr(module, name))
    assert difference(shared, cell_source(module)[cell_id]) is None
    assert difference(shared, _changed(module, cell_id, old, new, tmp_path)[cell_id]) is not None


@pytest.mark.parametrize(
    ("module", "name", "cell_id", "old", "new"),
    [
        (lesson04, "early_stopping", "62402207", "patience=10", "patience=5"),
        (lesson08, "build_classifier", "35f48c47", "Dense(32", "Dense(16"),
        (lesson02, "split", "8a9f05b8", "*, random_state=2", "*, random_state=0"),
        (lesson02, "fit_classifier", "7d4edcc0", "batch_size=32", "batch_size=16"),
        (lesson04, "final_run", "ea070cb0", "patience=10", "patience=20"),
    ],
)
def test_a_changed_shared_function_no_longer_matches(module, name, cell_id, old, new):
    shared = inspect.getsource(getattr(module, name))
    assert old in shared
    assert difference(shared, cell_source(module)[cell_id]) is None
    assert difference(shared.replace(old, new), cell_source(module)[cell_id]) is not None


# ---- the corpus records the lessons' runs with the lessons' models --------------------------


@pytest.mark.parametrize(
    ("case_name", "build"),
    [
        ("nb01_lr_0001", lambda: lesson01.build_line_model(learning_rate=0.001)),
        ("nb01_lr_001", lambda: lesson01.build_line_model(learning_rate=0.01)),
        ("nb02_64_units", lesson02.build_classifier),
        ("nb08_capstone", lesson08.build_classifier),
    ],
)
def test_the_corpus_fits_each_lesson_run_with_the_lessons_model(case_name, build):
    """record_histories describes a lesson's run by its Case (the settings it stores); the
    model that Case builds must be the lesson's: the same layers, starting weights, optimizer
    and loss (it logs the plain loss as its metric, where the lesson logs its own)."""
    (case,) = [case for case in record_histories.CASES if case.name == case_name]
    seed_everything(0)
    lesson_model = build()
    seed_everything(0)
    corpus_model = record_histories.build_model(case, lesson_model.inputs[0].shape[-1])
    assert [layer.get_config() | {"name": ""} for layer in corpus_model.layers] == [
        layer.get_config() | {"name": ""} for layer in lesson_model.layers
    ]
    for corpus_weights, lesson_weights in zip(
        corpus_model.get_weights(), lesson_model.get_weights(), strict=True
    ):
        np.testing.assert_array_equal(corpus_weights, lesson_weights)
    assert type(corpus_model.optimizer) is type(lesson_model.optimizer)
    assert float(corpus_model.optimizer.learning_rate) == float(
        lesson_model.optimizer.learning_rate
    )
    assert corpus_model.loss == lesson_model.loss


def test_the_capstone_case_stops_as_the_lesson_does():
    (case,) = [case for case in record_histories.CASES if case.lesson == "08_capstone"]
    assert case.patience == lesson08.early_stopping().patience
