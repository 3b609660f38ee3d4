"""The learner and live-coding copies (tools/classroom.py) match their source notebooks, and the
lessons' prompts and the instructor guide's answers match the exercises' data files.

CI runs this file, so a source notebook or a data file changed without `make learner` fails the
suite.
"""

import importlib.util
import re
import subprocess
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import jupytext
import nbformat
import publish  # tools/
import pytest
import yaml
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from course_utils.checks.kinds import ExerciseText

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("classroom", ROOT / "tools" / "classroom.py")
classroom = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(classroom)

SOURCES = classroom.source_notebooks()


def read(path):
    return nbformat.read(path, as_version=4)


def read_copy(kind, source):
    path = classroom.COPY_DIRS[kind] / source.name
    assert path.exists(), f"{path.relative_to(ROOT)} is missing: run `make learner` and commit it"
    return read(path)


def cleared_cells(notebook):
    """(type, source, metadata) of every cell: what nbval runs, without the stored outputs."""
    return [(cell.cell_type, cell.source, cell.metadata) for cell in notebook.cells]


TINY_PLACEHOLDER = classroom.PLACEHOLDER_SOURCE.format(exercise_id="'99.1'")


def tiny_notebook():
    solution = new_code_cell(
        'answer = 2\nchecks.exercise("99.1", answer)',
        metadata={"tags": ["solution"], "jupyter": {"source_hidden": True}},
    )
    live = new_code_cell("model = 'typed in front of the room'", metadata={"tags": ["live"]})
    live.outputs = [nbformat.v4.new_output("stream", text="trained\n")]
    return new_notebook(
        cells=[
            new_markdown_cell("# Title"),
            new_code_cell("import math"),
            live,
            new_code_cell('answer = None\nchecks.exercise("99.1", answer)'),
            solution,
        ]
    )


def test_every_committed_copy_prompt_and_answer_is_up_to_date():
    stale = classroom.stale_files()
    assert not stale, f"out of date: {stale}. Run `make learner` and commit what it writes."


def test_there_is_a_copy_of_each_kind_for_every_source():
    assert SOURCES, "no source notebooks found"
    for folder in classroom.COPY_DIRS.values():
        assert sorted(path.name for path in folder.glob("*.ipynb")) == [
            path.name for path in SOURCES
        ]


@pytest.mark.parametrize("source", SOURCES, ids=lambda path: path.stem)
def test_learner_copy_with_solutions_put_back_is_the_source(source):
    """Same cells, sources and metadata as the source: nbval checks both alike; no drift."""
    learner = read_copy("learner", source)
    restored = classroom.restore_solutions(learner, read(source))
    assert cleared_cells(restored) == cleared_cells(read(source))


@pytest.mark.parametrize("source", SOURCES, ids=lambda path: path.stem)
def test_learner_copy_shows_no_solution_and_no_output(source):
    learner = read_copy("learner", source)
    solutions = [
        cell.source
        for cell in read(source).cells
        if classroom.SOLUTION in cell.metadata.get("tags", [])
    ]
    assert solutions, "every lesson has at least one exercise with a solution"
    assert not [
        solution for solution in solutions for cell in learner.cells if solution in cell.source
    ]
    assert not [
        cell for cell in learner.cells if classroom.SOLUTION in cell.metadata.get("tags", [])
    ]
    assert all(not cell.outputs for cell in learner.cells if cell.cell_type == "code")
    checks_in_source = sum(
        "checks.exercise(" in cell.source
        for cell in read(source).cells
        if classroom.SOLUTION not in cell.metadata.get("tags", [])
    )
    assert sum("checks.exercise(" in cell.source for cell in learner.cells) == checks_in_source, (
        "self-checks are kept"
    )


@pytest.mark.parametrize("source", SOURCES, ids=lambda path: path.stem)
def test_live_coding_copy_empties_exactly_the_live_cells(source):
    original = read(source)
    live = read_copy("live-coding", source)
    assert len(live.cells) == len(original.cells)
    live_cells = 0
    for before, after in zip(original.cells, live.cells, strict=True):
        tags = before.metadata.get("tags", [])
        if classroom.LIVE in tags:
            live_cells += 1
            assert after.source == ""
        elif classroom.SOLUTION in tags:
            exercise_id = repr(classroom.exercise_ids(before)[0])
            assert after.source == classroom.PLACEHOLDER_SOURCE.format(exercise_id=exercise_id)
        else:
            kept = before.metadata.get(classroom.LEARNER_SOURCE, before.source)
            assert after.source == kept, "markdown and set-up cells are kept as they are"
    assert live_cells, f"{source.name} marks no cell with the 'live' tag"


def test_learner_copy_of_a_tiny_notebook():
    notebook = tiny_notebook()
    learner = classroom.learner_copy(notebook, "99_tiny.ipynb")
    assert [cell.source for cell in learner.cells] == [
        "# Title",
        "import math",
        "model = 'typed in front of the room'",
        'answer = None\nchecks.exercise("99.1", answer)',
        TINY_PLACEHOLDER,
    ]
    assert learner.cells[4].id == notebook.cells[4].id
    assert learner.cells[4].metadata == {"tags": ["solution-placeholder"]}
    assert learner.cells[2].outputs == []
    assert learner.metadata["course_copy"]["source"] == "notebooks/99_tiny.ipynb"
    assert notebook.cells[2].outputs, "the source notebook itself is left untouched"


def test_live_coding_copy_of_a_tiny_notebook():
    live = classroom.live_coding_copy(tiny_notebook(), "99_tiny.ipynb")
    assert [cell.source for cell in live.cells] == [
        "# Title",
        "import math",
        "",
        'answer = None\nchecks.exercise("99.1", answer)',
        TINY_PLACEHOLDER,
    ]
    assert live.metadata["course_copy"]["kind"] == "live-coding"


def test_live_coding_copy_keeps_a_run_cell_filled_and_empties_a_live_cell():
    """The instructor runs a "run" cell (a long comparison, a rebuild) and types a "live" one."""
    notebook = tiny_notebook()
    notebook.cells.insert(3, new_code_cell("compare(model)", metadata={"tags": ["run"]}))
    live = classroom.live_coding_copy(notebook, "99_tiny.ipynb")
    run_cell, typed_cell = live.cells[3], live.cells[2]
    assert run_cell.source == "compare(model)" and run_cell.metadata["tags"] == ["run"]
    assert typed_cell.source == "" and typed_cell.metadata["tags"] == ["live"]
    assert run_cell.outputs == [], "outputs are cleared, as in the learner copy"


def test_a_cell_tagged_both_run_and_live_is_refused():
    notebook = tiny_notebook()
    notebook.cells[2].metadata["tags"] = ["live", "run"]
    with pytest.raises(ValueError, match="typed \\('live'\\), run \\('run'\\).*never two"):
        classroom.live_coding_copy(notebook, "99_tiny.ipynb")


def test_a_notebook_without_solution_or_live_cells_is_refused_with_how_to_fix():
    plain = new_notebook(cells=[new_code_cell("x = 1")])
    with pytest.raises(ValueError, match="no cell tagged 'solution'"):
        classroom.learner_copy(plain, "99_plain.ipynb")
    plain.cells.append(new_code_cell("x = 2", metadata={"tags": ["solution"]}))
    with pytest.raises(ValueError, match="no cell tagged 'live'.*code cells the instructor types"):
        classroom.live_coding_copy(plain, "99_plain.ipynb")


def test_restore_refuses_a_placeholder_whose_solution_is_gone():
    learner = classroom.learner_copy(tiny_notebook(), "99_tiny.ipynb")
    with pytest.raises(ValueError, match="no solution cell with that id"):
        classroom.restore_solutions(learner, new_notebook(cells=[]))


TINY = "99_tiny.ipynb"
TINY_PROMPT = "### Exercise 1: two\n\nWhat is 1 + 1?"
TINY_TEXTS = f"""["99.1"]\nprompt = '''\n{TINY_PROMPT}'''\nanswer = "2"\n"""


def tiny_course_notebook():
    """The tiny notebook with lesson text and its exercise's prompt above the exercise cell."""
    notebook = tiny_notebook()
    notebook.cells.insert(3, new_markdown_cell(f"Lesson text.\n\n{TINY_PROMPT}"))
    return notebook


@pytest.fixture
def course_copy(tmp_path, monkeypatch):
    """A course with one tiny notebook, its data file, a guide and the files the tool writes
    from them, in tmp_path, for the tool to use."""
    for folder in ("notebooks", classroom.TEXTS, classroom.GUIDE.parent):
        (tmp_path / folder).mkdir(parents=True)
    nbformat.write(tiny_course_notebook(), tmp_path / "notebooks" / TINY)
    (tmp_path / classroom.TEXTS / "99_tiny.toml").write_text(TINY_TEXTS, encoding="utf-8")
    (tmp_path / classroom.GUIDE).write_text(
        f"# Guide\n\n{classroom.ANSWERS_START}\nold\n{classroom.ANSWERS_END}\n\nMore.\n",
        encoding="utf-8",
    )
    monkeypatch.setattr(classroom, "ROOT", tmp_path)
    monkeypatch.setattr(classroom, "SOURCE_DIR", tmp_path / "notebooks")
    monkeypatch.setattr(
        classroom, "COPY_DIRS", {kind: tmp_path / kind for kind in classroom.COPY_DIRS}
    )
    classroom.write_files()
    return tmp_path


def test_check_fails_when_a_source_changes_without_its_copies(course_copy, capsys):
    assert classroom.main(["--check"]) == 0
    source = course_copy / "notebooks" / TINY
    notebook = read(source)
    notebook.cells[0].source += "\nOne more sentence."
    nbformat.write(notebook, source)
    assert classroom.main(["--check"]) == 1
    out = capsys.readouterr().out
    assert (
        f"out of date: learner/{source.name}" in out
        and f"out of date: live-coding/{source.name}" in out
    )
    assert "make learner" in out
    jupytext.write(notebook, course_copy / "python_scripts" / "99_tiny.py", fmt="py:percent")
    classroom.main([])
    assert classroom.main(["--check"]) == 0, "regenerating makes the copies current again"


def test_check_fails_on_a_hand_edited_copy_and_on_an_orphan(course_copy):
    edited = course_copy / "learner" / TINY
    edited.write_text(edited.read_text(encoding="utf-8").replace("✅", "OK"), encoding="utf-8")
    (course_copy / "live-coding" / "99_gone.ipynb").write_text("{}", encoding="utf-8")
    assert classroom.stale_files() == [f"learner/{TINY}", "live-coding/99_gone.ipynb"]
    classroom.write_files()
    assert classroom.stale_files() == []
    assert not (course_copy / "live-coding" / "99_gone.ipynb").exists()


def test_regenerating_twice_gives_the_same_bytes(course_copy):
    before = {path: path.read_bytes() for path in course_copy.glob("**/*.*")}
    assert classroom.write_files() == []
    assert {path: path.read_bytes() for path in course_copy.glob("**/*.*")} == before


def test_a_changed_prompt_reaches_the_lesson_its_script_and_both_copies(course_copy, capsys):
    script = course_copy / "python_scripts" / "99_tiny.py"
    assert "# Lesson text.\n#\n# ### Exercise 1: two" in script.read_text(encoding="utf-8")
    data = course_copy / classroom.TEXTS / "99_tiny.toml"
    data.write_text(data.read_text().replace("1 + 1", "one plus one"), encoding="utf-8")
    assert classroom.main(["--check"]) == 1
    assert capsys.readouterr().out.splitlines()[:4] == [
        f"out of date: learner/{TINY}",
        f"out of date: live-coding/{TINY}",
        f"out of date: notebooks/{TINY}",
        "out of date: python_scripts/99_tiny.py",
    ]
    classroom.main([])
    assert classroom.main(["--check"]) == 0
    for path in (f"notebooks/{TINY}", f"learner/{TINY}", f"live-coding/{TINY}"):
        prompt_cell = read(course_copy / path).cells[3]
        assert prompt_cell.source == "Lesson text.\n\n### Exercise 1: two\n\nWhat is one plus one?"
    assert "# What is one plus one?" in script.read_text(encoding="utf-8")
    assert "1 + 1" not in script.read_text(encoding="utf-8")


def test_the_guide_lists_the_answers_of_the_data_files(course_copy, capsys):
    guide = course_copy / classroom.GUIDE
    assert guide.read_text(encoding="utf-8") == (
        f"# Guide\n\n{classroom.ANSWERS_START}\nRight answers, by exercise: 99.1 2. The others "
        "are code, or read from the learner's own run: their\nsolutions are the folded cells in "
        f"`notebooks/`.\n{classroom.ANSWERS_END}\n\nMore.\n"
    )
    data = course_copy / classroom.TEXTS / "99_tiny.toml"
    data.write_text(data.read_text().replace('answer = "2"', 'answer = "two"'), encoding="utf-8")
    assert classroom.stale_files() == ["instructors/GUIDE.md"]
    classroom.write_files()
    assert "99.1 two." in guide.read_text(encoding="utf-8")
    guide.write_text("# Guide without markers\n", encoding="utf-8")
    assert classroom.main(["--check"]) == 1
    assert "needs the lines" in capsys.readouterr().err


def test_make_learner_refuses_to_overwrite_a_script_edit_not_yet_synced(course_copy):
    script = course_copy / "python_scripts" / "99_tiny.py"
    script.write_text(script.read_text(encoding="utf-8") + "\n# %%\nnew = 1\n", encoding="utf-8")
    with pytest.raises(
        ValueError, match="99_tiny.py differ from their notebooks: run `make notebooks`"
    ):
        classroom.write_files()
    assert script.read_text(encoding="utf-8").endswith("new = 1\n"), "the edit is kept"


def test_an_exercise_cell_without_its_prompt_above_is_refused():
    texts = {"99.1": ExerciseText(prompt=TINY_PROMPT)}
    notebook = tiny_course_notebook()
    assert classroom.with_prompts(notebook, texts, TINY).cells[3].source.endswith(TINY_PROMPT)
    with pytest.raises(ValueError, match=r"exercise cell of \['99.1'\] needs a markdown cell"):
        classroom.with_prompts(tiny_notebook(), texts, TINY)  # no prompt cell above
    with pytest.raises(ValueError, match="found 0"):
        classroom.with_prompts(notebook, {}, TINY)


# Class-scale hosting: the Binder files and the links the README gives.


def test_postbuild_is_an_executable_bash_script_that_installs_the_package_and_the_kernel():
    post_build = ROOT / "postBuild"
    assert post_build.stat().st_mode & 0o111, (
        "repo2docker runs postBuild only if it is executable: chmod +x postBuild"
    )
    assert subprocess.run(["bash", "-n", str(post_build)], capture_output=True).returncode == 0
    commands = [
        line.strip()
        for line in post_build.read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    assert "pip install --no-deps -e ." in commands, (
        "installs course_utils without changing the pinned packages"
    )
    assert "python -m course_utils install-kernel" in commands


def test_binder_reads_environment_yml_alone():
    """repo2docker uses the first configuration it finds; another one would hide environment.yml."""
    environment = yaml.safe_load((ROOT / "environment.yml").read_text())
    assert environment["channels"] == ["conda-forge"]
    pip = next(item["pip"] for item in environment["dependencies"] if isinstance(item, dict))
    assert any(line.startswith("jupyterlab==") for line in pip), (
        "Binder serves JupyterLab from this environment"
    )
    for hidden_by in ("binder", ".binder", "Dockerfile", "requirements.txt", "Pipfile", "setup.py"):
        assert not (ROOT / hidden_by).exists(), f"{hidden_by} would change what Binder builds"


PUBLISHED = publish.read_settings()
REPOSITORY = PUBLISHED[0] or publish.PLACEHOLDER[0]  # what the README names
REF = PUBLISHED[1] if PUBLISHED[0] else publish.PLACEHOLDER[1]


def readme_links(prefix):
    return re.findall(re.escape(prefix) + r"\S+", (ROOT / "README.md").read_text())


def test_readme_binder_link_opens_a_folder_that_exists():
    links = readme_links(f"https://mybinder.org/v2/gh/{REPOSITORY}/{REF}?urlpath=lab/tree/")
    assert links
    for link in links:
        folder = link.split("lab/tree/", 1)[1].rstrip(")")
        assert (ROOT / folder).is_dir(), (
            f"the Binder link opens {folder}, which is not in the repository"
        )


def test_readme_nbgitpuller_link_has_the_documented_format():
    (link,) = readme_links("https://HUB/hub/user-redirect/git-pull?")
    query = parse_qs(urlsplit(link).query)
    assert query["repo"] == [f"https://github.com/{REPOSITORY}"] and query["branch"] == [REF]
    (urlpath,) = query["urlpath"]
    assert urlpath.startswith("lab/tree/REPO/")
    assert (ROOT / urlpath.removeprefix("lab/tree/REPO/")).is_file(), (
        f"{urlpath} is not a file of the repository"
    )


def test_main_explains_a_source_without_live_cells_instead_of_a_traceback(course_copy, capsys):
    source = course_copy / "notebooks" / TINY
    notebook = read(source)
    for cell in notebook.cells:
        cell.metadata["tags"] = [tag for tag in cell.metadata.get("tags", []) if tag != "live"]
    nbformat.write(notebook, source)
    assert classroom.main(["--check"]) == 1
    assert "has no cell tagged 'live'" in capsys.readouterr().err


def test_a_cell_with_a_learner_source_shows_it_in_both_copies_and_is_restored():
    notebook = tiny_notebook()
    notebook.cells[0].metadata[classroom.LEARNER_SOURCE] = "# Title, for learners"
    for make in (classroom.learner_copy, classroom.live_coding_copy):
        cell = make(notebook, "99_tiny.ipynb").cells[0]
        assert cell.source == "# Title, for learners"
        assert classroom.LEARNER_SOURCE not in cell.metadata
    learner = classroom.learner_copy(notebook, "99_tiny.ipynb")
    assert classroom.restore_solutions(learner, notebook).cells[0].source == "# Title"


def test_the_solutions_file_maps_each_exercise_id_to_its_solution_cell():
    solutions = classroom.solutions([tiny_notebook()])
    assert solutions == {"99.1": 'answer = 2\nchecks.exercise("99.1", answer)'}
