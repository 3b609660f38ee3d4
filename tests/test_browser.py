"""A real browser runs the notebooks in JupyterLab, as a learner would.

JupyterLab serves copies of the notebooks from a temporary folder on localhost; Playwright drives
the system's headless Chromium (Debian's `chromium` package; `playwright install` is never
needed). The test runs notebook 01 up to its live-curve cell and checks the curve appears, then
runs notebook 06's curve explorer (after the imports it needs) and moves the "hidden layers"
slider. The third runs notebook 09's two logged fits and its `%tensorboard` cell, and checks that
the TensorBoard page the magic shows in the notebook lists the four runs (lr_0.003 and lr_0.03,
train and validation each) and draws their epoch_loss; the kernel is then shut down, and the
TensorBoard server it started must exit with it. Screenshots go to test-artifacts/ at the
repository root (gitignored), for a person to look at; a failing test leaves one too.

The tests share one JupyterLab and one Chromium, started side by side; JupyterLab runs without
the parts a learner's lesson does not touch (extension manager, news, terminals, language
servers, Jupytext and nbdime), and its kernels get a temporary folder of their own (TMPDIR), so
TensorBoard's record of running servers is theirs alone. The browser fetches nothing but
JupyterLab's own pages, and, in the third test, the pages of the TensorBoard its kernel started.

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
from browser_support import CHROMIUM, INSTALL_CHROMIUM, require, screenshot
from playwright.sync_api import expect, sync_playwright

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[1]
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

require("the JupyterLab browser test", {INSTALL_CHROMIUM: CHROMIUM})


def start_jupyterlab(folder, port):
    """Start JupyterLab on copies of the notebooks in ``folder``; returns the process at once.

    Its kernels get ``folder/tmp`` as their temporary folder (TMPDIR): the lessons' temporary
    files, and TensorBoard's record of the servers ``%tensorboard`` started
    (``.tensorboard-info``), belong to this JupyterLab alone and go with the test's folder.
    """
    notebooks = folder / "notebooks"
    shutil.copytree(
        ROOT / "notebooks", notebooks
    )  # the browser saves into the copies, never the repository
    config = folder / "config"  # no personal config: only this folder's
    (folder / "tmp").mkdir()
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
                "TMPDIR": str(folder / "tmp"),
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
    """(base URL of a JupyterLab, the system's headless Chromium, the JupyterLab's kernels'
    temporary folder), the first two started side by side."""
    folder, port = tmp_path_factory.mktemp("lab"), free_port()
    base = f"http://127.0.0.1:{port}"
    process = start_jupyterlab(folder, port)
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM, args=["--disable-gpu"]
            )  # while JupyterLab starts
            wait_until_serving(process, base, folder / "lab.log")
            yield base, browser, folder / "tmp"
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
def kernel_tmpdir(lab_and_browser):
    """The temporary folder (TMPDIR) of the JupyterLab's kernels, no other process's."""
    return lab_and_browser[2]


@pytest.fixture(scope="module")
def context(lab_and_browser):
    """One browser profile for the tests (JupyterLab's scripts load from its cache the second
    time), the size of a laptop screen; requests to anywhere but JupyterLab are refused."""
    base, browser, _ = lab_and_browser
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


def tensorboard_servers(tmpdir):
    """[(port, pid)] of the TensorBoard servers recorded in ``tmpdir``'s ``.tensorboard-info``:
    the record ``%tensorboard`` reads to reuse a server, and a started server writes."""
    servers = []
    for path in sorted((tmpdir / ".tensorboard-info").glob("pid-*.info")):
        with contextlib.suppress(OSError, ValueError, KeyError):
            info = json.loads(path.read_text())
            servers.append((info["port"], info["pid"]))
    return servers


def running(pid):
    """Whether process ``pid`` exists and is not a zombie (dead, not yet reaped)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    except OSError:  # no /proc
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        return True
    return stat.rpartition(")")[2].split()[0] != "Z"


def shut_down_kernel(lab, kernel_id):
    """Shut the kernel down through JupyterLab's REST API, as closing its notebook would."""
    request = urllib.request.Request(
        f"{lab}/api/kernels/{kernel_id}",
        method="DELETE",
        headers={"Authorization": f"token {TOKEN}"},
    )
    with contextlib.suppress(OSError), urllib.request.urlopen(request, timeout=30):
        pass


def pixels_near(png, colour, tolerance=40):
    """How many pixels of the PNG ``png`` (bytes) are within ``tolerance`` of RGB ``colour``."""
    from io import BytesIO

    import numpy as np
    from PIL import Image

    pixels = np.asarray(Image.open(BytesIO(png)).convert("RGB"), dtype=int)
    return int((abs(pixels - colour) <= tolerance).all(axis=-1).sum())


def test_notebook_09_starts_tensorboard_showing_the_runs_epoch_loss(page, lab, kernel_tmpdir):
    """``%tensorboard`` starts a TensorBoard on the runs lesson 09 logged; its page, in the
    notebook, lists the four runs (lr_0.003 and lr_0.03, train and validation each) and draws
    their ``epoch_loss``.

    Only the cells the logging needs run (imports, data and ``build_classifier``, the two logged
    fits), then the ``%tensorboard`` cell; the checkpoint and schedule cells between are skipped.
    The kernel's TMPDIR is this JupyterLab's own, so the magic finds no record of another
    TensorBoard to reuse, and the one it starts is the only one recorded there: the browser may
    load that server's origin, http://127.0.0.1:<its port> (6006 or the next free port), besides
    JupyterLab's, and nothing else. At the end the kernel is shut down, and the server must exit
    with it (ipykernel ends its children); one still running is killed, and fails the test.
    """
    open_notebook(page, lab, "09_training_toolbox.ipynb")
    kernel_id = page.evaluate("nb.sessionContext.session.kernel.id")
    refused, errors = [], []  # requests that did not load, TensorBoard's errors

    def tensorboard_origin():
        servers = tensorboard_servers(kernel_tmpdir)
        return f"http://127.0.0.1:{servers[0][0]}" if len(servers) == 1 else None

    def from_tensorboard(url):
        origin = tensorboard_origin()
        return origin is not None and url.startswith(f"{origin}/")

    page.route(from_tensorboard, lambda route: route.continue_())  # before the context's refusal
    page.on(
        "requestfailed",
        lambda request: (
            not request.url.startswith(f"{lab}/")
            and request.failure != "net::ERR_ABORTED"  # cancelled by the page: not needed
            and refused.append(f"{request.url} {request.failure}")
        ),
    )
    page.on(
        "response",
        lambda response: (
            response.status >= 400
            and not response.url.startswith(f"{lab}/")
            and errors.append(f"{response.url} {response.status}")
        ),
    )
    page.on(
        "console",
        lambda message: (
            message.type == "error"
            and from_tensorboard(message.location.get("url", ""))
            and errors.append(message.text)
        ),
    )
    try:
        with screenshot_on_failure(page, "browser-09"):
            for pattern, label, timeout in (
                (r"(^|\n)import keras\b", "imports", 60),
                (r"(^|\n)def build_classifier\(", "set-up", 60),
                (r"\n +keras\.callbacks\.TensorBoard\(log_dir=", "logging", 60),
                (r"(^|\n)%tensorboard --logdir", "tensorboard", 90),
            ):  # in the lesson's order; each cell found is the active one, which runs
                index, cell = find_cell(page, pattern, label)
                assert index >= 0, f"notebook 09 has its {label} cell"
                run(page, "notebook:run-cell", timeout)
            expect(cell.locator(".jp-OutputArea-output")).not_to_contain_text("ERROR")
            servers = tensorboard_servers(kernel_tmpdir)
            assert len(servers) == 1, f"one TensorBoard started and recorded: {servers}"
            origin = tensorboard_origin()
            iframe = cell.locator(".jp-OutputArea-output iframe")
            expect(iframe, "the magic shows the TensorBoard it started").to_have_attribute(
                "src", f"{origin}/"
            )
            cell.scroll_into_view_if_needed()
            tensorboard = cell.frame_locator(".jp-OutputArea-output iframe")
            runs = tensorboard.locator("runs-selector")
            for run_name in ("lr_0.003", "lr_0.03"):
                for subrun in ("train", "validation"):
                    expect(runs.get_by_text(f"{run_name}/{subrun}", exact=True)).to_be_visible(
                        timeout=30_000
                    )
            tags = tensorboard.get_by_role("combobox", name="Filter tags (regex)")
            tags.fill("^epoch_loss$")  # as a learner picks epoch_loss
            tags.press("Escape")  # the list of matching tags closes
            card = tensorboard.locator("scalar-card").filter(
                has=tensorboard.get_by_text("epoch_loss", exact=True)
            )
            expect(card, "one epoch_loss chart").to_have_count(1, timeout=30_000)
            expect(card.locator("canvas")).to_be_visible(timeout=30_000)
            for run_name in ("lr_0.003", "lr_0.03"):
                for subrun in ("train", "validation"):
                    expect(card, "the chart's table has every run").to_contain_text(
                        f"{run_name}/{subrun}", timeout=30_000
                    )
            expect(card).not_to_contain_text("No data")
            chart = card.locator("canvas").screenshot()
            colours = {  # TensorBoard's first four run colours: one per run
                "slate": (0x42, 0x50, 0x66),
                "cyan": (0x12, 0xB5, 0xCB),
                "pink": (0xE5, 0x25, 0x92),
                "orange": (0xF9, 0xAB, 0x00),
            }
            drawn = {name: pixels_near(chart, colour) for name, colour in colours.items()}
            assert all(count > 30 for count in drawn.values()), f"four curves drawn: {drawn}"
            assert not refused and not errors, (
                f"TensorBoard's page needs nothing the test refuses: {refused} {errors}"
            )
            cell.scroll_into_view_if_needed()
            assert len(screenshot(page, "browser-09-tensorboard.png")) > 10_000
    finally:
        servers = tensorboard_servers(kernel_tmpdir)
        shut_down_kernel(lab, kernel_id)
        deadline = time.monotonic() + 15
        while any(map(running, (pid for _, pid in servers))) and time.monotonic() < deadline:
            time.sleep(0.1)
        left = [pid for _, pid in servers if running(pid)]
        for pid in left:
            os.kill(pid, signal.SIGKILL)
    assert not left, f"TensorBoard {left} outlived its kernel (killed now)"
