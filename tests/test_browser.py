"""A real browser runs the notebooks in JupyterLab, as a learner would.

JupyterLab serves copies of the notebooks from a temporary folder on localhost; Playwright drives
the system's headless Chromium (Debian's `chromium` package; `playwright install` is never
needed). The test runs notebook 01 up to its live-curve cell and checks the curve appears, then
runs notebook 06's curve explorer (after the imports it needs) and moves the "hidden layers"
slider. Screenshots go to test-artifacts/ at the repository root (gitignored), for a person to
look at; a failing test leaves one too.

Both tests share one JupyterLab and one Chromium, started side by side; JupyterLab runs without
the parts a learner's lesson does not touch (extension manager, news, terminals, language
servers, Jupytext and nbdime), and the browser fetches nothing but JupyterLab's own pages.

Without any Chromium binary the tests skip, except in CI (CI=true), where they fail instead.
"""

import contextlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = next(
    (path for path in map(shutil.which, ("chromium", "chromium-browser")) if path), None
)
READING_CURVES = next(iter(sorted((ROOT / "notebooks").glob("06_*.ipynb"))), None)
ERRORS = '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]'
TOKEN = "browser-test-token"

# Server extensions and front-end plugins the two lessons never use: off, JupyterLab starts and
# loads sooner. The notebook, its widgets (@jupyter-widgets) and the rest of the UI stay on.
SERVER_EXTENSIONS_OFF = ("jupyter_lsp", "jupyter_server_terminals", "jupyterlab_jupytext", "nbdime")
PLUGINS_OFF = (
    "@jupyterlab/apputils-extension:announcements",  # news: no prompt over the screenshots
    "@jupyterlab/extensionmanager-extension",
    "@jupyterlab/lsp-extension",
    "@jupyterlab/terminal-extension",
    "jupyterlab-jupytext",
    "nbdime-jupyterlab",
)

if CHROMIUM is None:
    if os.environ.get("CI") == "true":
        pytest.fail(
            "CI needs Chromium for the browser test: "
            ".ci/run installs it (apt-get install chromium)",
            pytrace=False,
        )
    pytest.skip(
        "no Chromium binary: install Debian's `chromium` package to run the browser test",
        allow_module_level=True,
    )


def start_jupyterlab(folder, port):
    """Start JupyterLab on copies of the notebooks in ``folder``; returns the process at once."""
    notebooks = folder / "notebooks"
    shutil.copytree(
        ROOT / "notebooks", notebooks
    )  # the browser saves into the copies, never the repository
    config = folder / "config"  # no personal config: only this folder's
    (config / "labconfig").mkdir(parents=True)
    (config / "labconfig" / "page_config.json").write_text(
        json.dumps(
            {
                "disabledExtensions": dict.fromkeys(PLUGINS_OFF, True),
                "buildAvailable": False,  # no check whether JupyterLab needs a rebuild
                "buildCheck": False,
            }
        )
    )
    command = [
        str(Path(sys.executable).parent / "jupyter"),
        "lab",
        "--no-browser",
        f"--port={port}",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.root_dir={notebooks}",
        f"--IdentityProvider.token={TOKEN}",
        "--ServerApp.terminals_enabled=False",
        *(f"--ServerApp.jpserver_extensions={name}=False" for name in SERVER_EXTENSIONS_OFF),
        "--LabApp.expose_app_in_browser=True",
        "--LabApp.news_url=None",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        "--LabApp.extension_manager=readonly",
        "--KernelManager.shutdown_wait_time=1",  # at the end, kernels have nothing to save
        f"--LabApp.workspaces_dir={folder / 'workspaces'}",
        f"--LabApp.user_settings_dir={folder / 'settings'}",
    ] + (["--allow-root"] if os.getuid() == 0 else [])
    with open(folder / "lab.log", "w") as log:
        return subprocess.Popen(
            command,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            env={
                **os.environ,
                "JUPYTER_RUNTIME_DIR": str(folder / "runtime"),
                "JUPYTER_CONFIG_DIR": str(config),
            },
        )


def wait_until_serving(process, base, log):
    """Return once JupyterLab answers on ``base``; fail fast if it exits, or after 90 s."""
    deadline = time.monotonic() + 90
    while True:
        try:
            with urllib.request.urlopen(f"{base}/api/status?token={TOKEN}", timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        assert process.poll() is None, f"JupyterLab exited: see {log}"
        assert time.monotonic() < deadline, f"JupyterLab did not start in 90 s: see {log}"
        time.sleep(0.1)


@pytest.fixture(scope="module")
def lab_and_browser(tmp_path_factory, free_port):
    """(base URL of a JupyterLab, the system's headless Chromium), both started side by side."""
    folder, port = tmp_path_factory.mktemp("lab"), free_port()
    base = f"http://127.0.0.1:{port}"
    process = start_jupyterlab(folder, port)
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM, args=["--disable-gpu"]
            )  # while JupyterLab starts
            wait_until_serving(process, base, folder / "lab.log")
            yield base, browser
            browser.close()
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
            raise


@pytest.fixture(scope="module")
def lab(lab_and_browser):
    """The base URL of a JupyterLab serving copies of the notebooks from a temporary folder."""
    return lab_and_browser[0]


@pytest.fixture(scope="module")
def context(lab_and_browser):
    """One browser profile for both tests (JupyterLab's scripts load from its cache the second
    time), the size of a laptop screen; requests to anywhere but JupyterLab are refused."""
    base, browser = lab_and_browser
    context = browser.new_context(viewport={"width": 1400, "height": 1100})
    context.route(
        re.compile(rf"^(?!{re.escape(base)}/)"), lambda route: route.abort("blockedbyclient")
    )
    yield context
    context.close()


@pytest.fixture
def page(context):
    """A fresh tab."""
    page = context.new_page()
    page.set_default_timeout(60_000)
    yield page
    page.close()


@contextlib.contextmanager
def screenshot_on_failure(page, name):
    """If the block fails, save what the browser showed before the failure propagates."""
    try:
        yield
    except BaseException:
        screenshot(page, f"{name}-failure.png")
        raise


def screenshot(page, name):
    ARTIFACTS.mkdir(exist_ok=True)
    return page.screenshot(path=ARTIFACTS / name)


def open_notebook(page, lab, name):
    """Show notebook ``name`` in JupyterLab, its kernel started and idle, its outputs cleared."""
    workspace = Path(name).stem  # a fresh workspace per notebook: it opens that notebook alone
    page.goto(f"{lab}/lab/workspaces/{workspace}/tree/{name}?reset&token={TOKEN}")
    page.wait_for_function(
        """name => {
            window.nb = window.jupyterapp && [...jupyterapp.shell.widgets('main')]
                .find(w => w.context && w.context.path === name);
            const session = window.nb && nb.sessionContext.session;
            const kernel = session && session.kernel;
            return !!kernel && kernel.status === 'idle' && nb.content.widgets.length > 0;
        }""",
        arg=name,
        timeout=90_000,
    )
    page.evaluate(
        "jupyterapp.commands.execute('application:toggle-left-area')"
    )  # more room for the lesson
    page.evaluate(
        "jupyterapp.commands.execute('notebook:clear-all-cell-outputs')"
    )  # every output is fresh
    expect(page.locator(".jp-OutputArea-output")).to_have_count(0)


def find_cell(page, pattern, label):
    """(index, locator) of the first cell whose source matches the JavaScript regex ``pattern``.

    The cell becomes the active one and is tagged ``data-browser-test=label`` for the locator.
    """
    index = page.evaluate(
        """([pattern, label]) => {
            const cells = nb.content.widgets;
            const matches = c => new RegExp(pattern).test(c.model.sharedModel.getSource());
            const index = cells.findIndex(matches);
            if (index >= 0) {
                cells[index].node.dataset.browserTest = label;
                nb.content.activeCellIndex = index;
            }
            return index;
        }""",
        [pattern, label],
    )
    return index, page.locator(f'.jp-Cell[data-browser-test="{label}"]')


def start(page, command):
    """Start a notebook command ("notebook:run-cell"...) without waiting for it."""
    page.evaluate(
        """command => {
            window.commandResult = undefined;
            jupyterapp.commands.execute(command).then(
                ok => { window.commandResult = {ok}; },
                error => { window.commandResult = {ok: false, error: String(error)}; });
        }""",
        command,
    )


def finish(page, command, timeout):
    """Wait until the started command is done (its cells ran); fail if a cell raised an error."""
    result = page.wait_for_function("window.commandResult", timeout=timeout * 1000).json_value()
    errors = page.locator(ERRORS).filter(has_text="Error").all_text_contents()
    assert result["ok"] and not errors, f"{command}: a cell raised an error {result} {errors}"


def run(page, command, timeout):
    start(page, command)
    finish(page, command, timeout)


def test_notebook_01_draws_the_live_training_curve(page, lab):
    open_notebook(page, lab, "01_regression_mse.ipynb")
    with screenshot_on_failure(page, "browser-01"):
        index, cell = find_cell(page, r"callbacks=\[LiveLossPlot\(\)\]", "live")
        assert index >= 0, "notebook 01 has a cell that trains with LiveLossPlot"
        run(page, "notebook:run-all-above", 60)
        start(page, "notebook:run-cell")
        cell.scroll_into_view_if_needed()
        width, height = page.wait_for_function(
            """() => {
                const img = document.querySelector(
                    '[data-browser-test="live"] .jp-OutputArea-output img');
                return img && img.complete && img.naturalWidth > 200
                    && [img.naturalWidth, img.naturalHeight];
            }""",
            timeout=60_000,
        ).json_value()  # while it trains: the curve is live
        finish(page, "notebook:run-cell", 60)
        expect(
            cell.locator(".jp-OutputArea-output img"),
            "the figure was redrawn in place while it trained: one figure, not one per redraw",
        ).to_have_count(1)
        assert width > 200 and height > 100
        cell.scroll_into_view_if_needed()
        assert len(screenshot(page, "browser-01-live-curve.png")) > 10_000


@pytest.mark.skipif(
    READING_CURVES is None, reason="notebook 06 (reading curves) is not in this checkout yet"
)
def test_notebook_06_explorer_changes_plot_and_verdict(page, lab):
    """One step right on "hidden layers" (1 -> 2 layers) retrains: a new plot, and overfitting.

    Only the cell that imports CurveExplorer runs before the explorer's: the cells between them
    train a dozen other models the explorer does not use.
    """
    open_notebook(page, lab, READING_CURVES.name)
    with screenshot_on_failure(page, "browser-04"):
        index, explorer = find_cell(page, r"= *CurveExplorer\(", "explorer")
        assert index >= 0, "notebook 06 has a cell that shows a CurveExplorer"
        imports, _ = find_cell(page, r"(^|\n)(from|import) [\s\S]*\bCurveExplorer\b", "imports")
        assert 0 <= imports < index, "notebook 06 imports CurveExplorer before it shows one"
        run(page, "notebook:run-cell", 60)  # the imports cell, the active one
        page.evaluate("index => { nb.content.activeCellIndex = index; }", index)
        run(
            page, "notebook:run-cell", 60
        )  # the explorer alone: later cells move its sliders from Python
        image, verdict = explorer.locator(".widget-image"), explorer.locator(".widget-html b")
        slider = explorer.locator(".widget-slider").filter(
            has=page.get_by_text("hidden layers", exact=True)
        )
        explorer.scroll_into_view_if_needed()
        expect(image, "the explorer's first plot").to_have_attribute(
            "src", re.compile(r"^(blob|data):")
        )
        expect(verdict, "the explorer's first verdict").to_have_count(1)
        before_plot, before_verdict = image.get_attribute("src"), verdict.text_content()
        assert before_verdict != "overfitting", (
            "the default model (one hidden layer) does not overfit"
        )
        expect(slider.locator(".widget-readout")).to_have_text("1")
        screenshot(page, "browser-04-explorer-before.png")

        handle = slider.locator(".noUi-handle")
        handle.focus()
        expect(handle, "the 'hidden layers' slider takes the keyboard focus").to_be_focused()
        page.keyboard.press("ArrowRight")
        expect(slider.locator(".widget-readout")).to_have_text("2")

        expect(
            verdict, "a second hidden layer gives the model the capacity to overfit"
        ).to_have_text("overfitting", timeout=60_000)
        expect(image, "a new plot after the slider moved").not_to_have_attribute("src", before_plot)
        explorer.scroll_into_view_if_needed()
        screenshot(page, "browser-04-explorer-after.png")
