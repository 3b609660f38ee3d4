"""No import cycles in course_utils: the import graph, read from the modules' source.

Every module of the package (``pkgutil.walk_packages``) is parsed with ``ast``; each
``import`` of another module of the package is an edge, whether it runs when the module is
imported or only inside a function (a function-local import hides a cycle, it does not remove
it). ``from package import name`` is an edge to ``package.name`` when that is a module, to
the module defining ``name`` when the package imports it on first use (``course_utils``'s
``__getattr__``), to ``package`` otherwise.

Run as a script, it prints the graph, one ``module -> imported modules`` line per module:

    python tests/test_imports.py
"""

import ast
import importlib
import importlib.util
import pkgutil
import sys
from pathlib import Path

PACKAGE = "course_utils"


def importable_names(package):
    """{dotted name: the module importing it runs}, for ``package``: each of its modules (itself),
    and each name a package makes on first use (a module ``__getattr__``, as ``course_utils``
    does: ``from course_utils import plot_history`` runs ``course_utils.plots``)."""
    root = importlib.import_module(package)
    walked = pkgutil.walk_packages(root.__path__, prefix=f"{package}.")
    modules = [package, *(module.name for module in walked)]
    names = {module: module for module in modules}
    for module in modules:
        loaded = sys.modules.get(module)  # walk_packages imported every package
        if loaded is not None and "__getattr__" in vars(loaded):
            for name in set(dir(loaded)) - set(vars(loaded)):
                defined_in = getattr(getattr(loaded, name), "__module__", None)
                if defined_in in modules:
                    names[f"{module}.{name}"] = defined_in
    return names


def imported_modules(module, source, names, is_package=False):
    """The modules that ``source``, the code of ``module``, imports, at module level or inside a
    function; ``names`` as ``importable_names`` gives them (any other import is left out).

    >>> names = {"pkg": "pkg", "pkg.a": "pkg.a", "pkg.b": "pkg.b", "pkg.c": "pkg.c"}
    >>> names["pkg.draw"] = "pkg.c"  # made on first use by pkg's __getattr__
    >>> source = "import os, pkg.b\\ndef f():\\n    from . import c\\n    from pkg import draw, x"
    >>> sorted(imported_modules("pkg.a", source, names))
    ['pkg', 'pkg.b', 'pkg.c']
    """
    package = module if is_package else module.rpartition(".")[0]
    imported = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            imported.update(names.get(alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = importlib.util.resolve_name("." * node.level + (node.module or ""), package)
            # from base import name: what base.name runs if it is known, else base itself
            imported.update(
                names.get(f"{base}.{alias.name}", names.get(base)) for alias in node.names
            )
    return imported - {None, module}


def import_graph(package=PACKAGE):
    """{module: the sorted modules of ``package`` it imports}, for every module of ``package``."""
    names = importable_names(package)
    graph = {}
    for module in sorted(set(names.values())):
        spec = importlib.util.find_spec(module)
        source = Path(spec.origin).read_text(encoding="utf-8")
        is_package = spec.submodule_search_locations is not None
        graph[module] = sorted(imported_modules(module, source, names, is_package))
    return graph


def find_cycles(graph):
    """Each import cycle of ``graph`` once, as [a, b, ..., a], starting at its smallest name.

    >>> find_cycles({"a": ["b"], "b": ["c"], "c": ["a"], "d": ["a"]})
    [['a', 'b', 'c', 'a']]
    """
    cycles = set()

    def visit(module, path):
        for imported in graph.get(module, ()):
            if imported in path:
                cycle = path[path.index(imported) :]
                start = cycle.index(min(cycle))
                cycles.add(tuple(cycle[start:] + cycle[:start]))
            else:
                visit(imported, [*path, imported])

    for module in graph:
        visit(module, [module])
    return [[*cycle, cycle[0]] for cycle in sorted(cycles)]


def test_course_utils_has_no_import_cycle():
    cycles = find_cycles(import_graph())
    assert not cycles, "import cycles: " + "; ".join(" -> ".join(cycle) for cycle in cycles)


def test_the_graph_holds_every_module_of_the_package_and_their_imports():
    graph = import_graph()
    root = Path(importlib.import_module(PACKAGE).__file__).parent
    files = [path.relative_to(root.parent).with_suffix("") for path in root.rglob("*.py")]
    on_disk = {".".join(path.parts).removesuffix(".__init__") for path in files}
    assert set(graph) == on_disk
    assert graph["course_utils.plots"] == ["course_utils.figure_text", "course_utils.histories"]


def test_a_cycle_through_a_function_local_import_is_found_and_named(tmp_path, monkeypatch):
    """words imports draw inside a function, through the package's names made on first use."""
    package = tmp_path / "scratch_cycle"
    package.mkdir()
    (package / "__init__.py").write_text(
        "import importlib\n\n"
        "def __getattr__(name):\n"
        "    if name != 'draw_all':\n"
        "        raise AttributeError(name)\n"
        "    return importlib.import_module('scratch_cycle.draw').draw_all\n\n"
        "def __dir__():\n"
        "    return [*globals(), 'draw_all']\n"
    )
    (package / "words.py").write_text("def say():\n    from scratch_cycle import draw_all\n")
    (package / "draw.py").write_text("from scratch_cycle.words import say\n\ndef draw_all(): ...\n")
    (package / "alone.py").write_text("import scratch_cycle.draw\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    graph = import_graph("scratch_cycle")
    assert graph == {
        "scratch_cycle": [],
        "scratch_cycle.alone": ["scratch_cycle.draw"],
        "scratch_cycle.draw": ["scratch_cycle.words"],
        "scratch_cycle.words": ["scratch_cycle.draw"],
    }
    assert find_cycles(graph) == [
        ["scratch_cycle.draw", "scratch_cycle.words", "scratch_cycle.draw"]
    ]


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # this checkout's package
    for module, imported in import_graph().items():
        print(f"{module} -> {', '.join(imported) or '(none)'}")
