"""The course on a real JupyterHub (hub/jupyterhub_config.py), as two learners reach it.

The hub runs on free loopback ports with its state and the learners' homes in a temporary
folder; the upstream repository is a local git clone of this one. Each learner opens the
README's nbgitpuller link, logs in on the hub's form, gets a server, pulls the course, and runs
learner/00_welcome.ipynb through the kernel websocket; a second pull after an upstream commit
merges without touching a learner's edit. Every process the hub started is gone afterwards.
"""

import json
import re
import subprocess
import sys
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psutil
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "hub"))

from course_hub import CourseHub, Learner, hub_processes  # noqa: E402

PROXY = ROOT / "node_modules" / ".bin" / "configurable-http-proxy"
NOTEBOOK = "learner/00_welcome.ipynb"

pytestmark = [
    pytest.mark.hub,
    pytest.mark.skipif(
        not PROXY.exists(),
        reason="configurable-http-proxy is missing: run `npm ci` (make test does)",
    ),
]


def git(*args, cwd):
    subprocess.run(
        ["git", "-c", "user.name=Course", "-c", "user.email=course@example.org", *args],
        cwd=cwd,
        check=True,
        capture_output=True,
    )


@pytest.fixture(scope="module")
def upstream(tmp_path_factory):
    """A local clone of this repository on branch main, as the course's published repo."""
    folder = tmp_path_factory.mktemp("upstream") / "loss-course"
    git("clone", "--quiet", "--no-hardlinks", str(ROOT), str(folder), cwd=ROOT)
    git("checkout", "--quiet", "-B", "main", cwd=folder)
    return folder


@pytest.fixture(scope="module")
def hub(tmp_path_factory):
    before = {p.pid for p in psutil.Process().children(recursive=True)}
    course_hub = CourseHub(tmp_path_factory.mktemp("hub"))
    course_hub.start()
    yield course_hub
    killed = course_hub.stop()
    assert not killed, f"the hub left processes running: {killed}"
    assert not hub_processes(course_hub.state)
    assert course_hub.process.poll() is not None
    left = [p for p in psutil.Process().children(recursive=True) if p.pid not in before]
    assert not left, f"processes started by this test are still running: {left}"


def stored_outputs(notebook_path):
    """source -> the stored text a learner sees, for the lesson's untagged printing cells."""
    stored = {}
    for cell in json.loads((ROOT / notebook_path).read_text())["cells"]:
        if cell["cell_type"] != "code" or cell["metadata"].get("tags"):
            continue
        texts = ["".join(o["text"]) for o in cell["outputs"] if o.get("name") == "stdout"]
        if texts and len(texts) == len(cell["outputs"]):
            stored["".join(cell["source"])] = "".join(texts)
    return stored


def learner_route(hub, name, repo_url):
    learner = Learner(hub, name)
    page = learner.open_link(hub.pull_link(repo_url))
    pull_output = learner.pull(repo_url)
    learner.request_token()
    lab = learner.session.get(f"{learner.server_url}/lab/tree/loss-course/{NOTEBOOK}", timeout=60)
    run = learner.run_notebook(f"loss-course/{NOTEBOOK}")
    return learner, page, pull_output, lab, run


def test_two_learners_pull_the_course_and_run_the_welcome_notebook(hub, upstream):
    repo_url = upstream.as_uri()
    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(lambda n: learner_route(hub, n, repo_url), ["ada", "grace"]))
    lesson = stored_outputs(f"notebooks/{Path(NOTEBOOK).name}")
    for learner, page, pull_output, lab, run in results:
        assert f"/user/{learner.name}/git-pull?" in page.url, page.url
        assert "nbgitpuller" in page.text.lower()
        assert any("git clone" in line for line in pull_output), pull_output
        home = hub.homes / learner.name / "loss-course"
        assert (home / NOTEBOOK).is_file()
        assert lab.status_code == 200
        page_config = re.search(r'id="jupyter-config-data"[^>]*>(.*?)</script>', lab.text, re.S)
        assert json.loads(page_config.group(1))["news"] == {"disabled": True}, "news pop-up"
        assert not run.errors, f"{learner.name}: {run.errors}\n{run.text()}\n{hub.log()[-3000:]}"
        text = run.text()
        assert "OK    Jupyter kernel: 'loss-course'" in text, text
        assert "OK    Keras fit" in text, text
        assert run.first_plot_seconds is not None, "no figure reached the learner"
        compared = 0
        for cell in run.cells:
            if cell["source"] in lesson:
                got = "".join(o["text"] for o in cell["outputs"] if o.get("name") == "stdout")
                assert got == lesson[cell["source"]], f"{learner.name}, cell {cell['index']}"
                compared += 1
        assert compared >= 3, "too few of the lesson's printed numbers were compared"


def test_second_pull_merges_upstream_changes_and_keeps_the_learners_edit(hub, upstream):
    learner = Learner(hub, "linus")
    repo_url = upstream.as_uri()
    learner.open_link(hub.pull_link(repo_url))
    learner.pull(repo_url)
    learner.request_token()
    home = hub.homes / "linus" / "loss-course"

    # The learner answers exercise 00.1 and saves, through the contents API as JupyterLab does.
    path = urllib.parse.quote(f"loss-course/{NOTEBOOK}")
    model = learner.api("GET", f"api/contents/{path}")
    cells = model["content"]["cells"]
    check = next(i for i, c in enumerate(cells) if 'checks.exercise("00.1"' in c["source"])
    answer_cell = cells[check - 1]  # the answer cell, right above the check
    assert answer_cell["source"].startswith("answer = None")
    answer_cell["source"] = answer_cell["source"].replace("answer = None", 'answer = "B"')
    learner.api(
        "PUT",
        f"api/contents/{path}",
        json={"type": "notebook", "format": "json", "content": model["content"]},
    )
    assert 'answer = \\"B\\"' in (home / NOTEBOOK).read_text()

    # Upstream, the course changes: the learner README gains a line, a new file appears.
    readme = upstream / "learner" / "README.md"
    readme.write_text(readme.read_text() + "\nUpdated for the next session.\n")
    (upstream / "learner" / "errata.md").write_text("Nothing yet.\n")
    git("add", "learner/README.md", "learner/errata.md", cwd=upstream)
    git("commit", "--quiet", "-m", "Course update", cwd=upstream)

    # The same link again: it opens (the server is running) and the pull merges.
    page = learner.open_link(hub.pull_link(repo_url))
    assert "/user/linus/git-pull?" in page.url
    output = learner.pull(repo_url)
    assert any("git fetch" in line or "git merge" in line for line in output), output
    assert "Updated for the next session." in (home / "learner" / "README.md").read_text()
    assert (home / "learner" / "errata.md").read_text() == "Nothing yet.\n"
    assert 'answer = \\"B\\"' in (home / NOTEBOOK).read_text(), "the learner's edit was lost"
