"""A real browser runs the notebooks in JupyterLab, as a learner would.

JupyterLab serves copies of the notebooks from a temporary folder on localhost; headless
Chromium (Debian's `chromium` package) opens them, driven through the Chrome DevTools Protocol
over a WebSocket (websocket-client, already part of the course's environment). The test runs
notebook 01 up to its live-curve cell and checks the curve appears, then runs notebook 04 up to
its curve explorer and moves the "hidden layers" slider. Screenshots go to test-artifacts/ at the
repository root (gitignored), for a person to look at; a failing test leaves one too.

Without any Chromium binary the tests skip, except in CI (CI=true), where they fail instead.
"""

import base64
import contextlib
import itertools
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest
import websocket

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = next((path for path in map(shutil.which, ("chromium", "chromium-browser")) if path), None)
READING_CURVES = next(iter(sorted((ROOT / "notebooks").glob("04_*.ipynb"))), None)
CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--window-size=1400,1100", "--remote-debugging-port=0",
]

if CHROMIUM is None:
    if os.environ.get("CI") == "true":
        pytest.fail("CI needs Chromium for the browser test: .ci/run installs it (apt-get install chromium)",
                    pytrace=False)
    pytest.skip("no Chromium binary: install Debian's `chromium` package to run the browser test",
                allow_module_level=True)


def wait_until(condition, timeout, what):
    """Poll ``condition()`` until it returns something truthy; return that, or fail naming ``what``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.25)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


class Page:
    """One browser tab, driven through the Chrome DevTools Protocol."""

    def __init__(self, websocket_url):
        self._socket = websocket.create_connection(websocket_url, timeout=60, suppress_origin=True)
        self._ids = itertools.count(1)

    def send(self, method, **params):
        message_id = next(self._ids)
        self._socket.send(json.dumps({"id": message_id, "method": method, "params": params}))
        while True:  # skip events until the answer to this command arrives
            message = json.loads(self._socket.recv())
            if message.get("id") == message_id:
                if "error" in message:
                    raise AssertionError(f"{method} failed: {message['error']}")
                return message["result"]

    def evaluate(self, expression):
        """The value of a JavaScript expression (awaited if it is a promise)."""
        result = self.send("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in result:
            raise AssertionError(f"JavaScript failed: {result['exceptionDetails']}")
        return result["result"].get("value")

    def set_timeout(self, seconds):
        self._socket.settimeout(seconds)

    def press(self, key, code, key_code):
        for kind in ("keyDown", "keyUp"):
            self.send("Input.dispatchKeyEvent", type=kind, key=key, code=code, windowsVirtualKeyCode=key_code)

    def screenshot(self, name):
        ARTIFACTS.mkdir(exist_ok=True)
        path = ARTIFACTS / name
        path.write_bytes(base64.b64decode(self.send("Page.captureScreenshot", format="png")["data"]))
        return path

    def close(self):
        self._socket.close()


@pytest.fixture(scope="module")
def lab(tmp_path_factory, free_port):
    """(base URL, token) of a JupyterLab serving copies of the notebooks from a temporary folder."""
    folder = tmp_path_factory.mktemp("lab")
    notebooks = folder / "notebooks"
    shutil.copytree(ROOT / "notebooks", notebooks)  # the browser saves into the copies, never the repository
    settings = folder / "settings"
    (settings / "@jupyterlab" / "apputils-extension").mkdir(parents=True)
    (settings / "@jupyterlab" / "apputils-extension" / "notification.jupyterlab-settings").write_text(
        '{"fetchNews": "false"}')  # no "get news?" prompt over the screenshots
    port, token = free_port(), "browser-test-token"
    command = [
        str(Path(sys.executable).parent / "jupyter"), "lab", "--no-browser", f"--port={port}",
        "--ServerApp.ip=127.0.0.1", f"--ServerApp.root_dir={notebooks}", f"--IdentityProvider.token={token}",
        "--LabApp.expose_app_in_browser=True", "--LabApp.news_url=None",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        f"--LabApp.workspaces_dir={folder / 'workspaces'}", f"--LabApp.user_settings_dir={settings}",
    ] + (["--allow-root"] if os.getuid() == 0 else [])
    log = open(folder / "lab.log", "w")
    process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
                               env={**os.environ, "JUPYTER_RUNTIME_DIR": str(folder / "runtime"),
                                    "JUPYTER_CONFIG_DIR": str(folder / "config")})  # no personal config
    base = f"http://127.0.0.1:{port}"

    def answers():
        try:
            with urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=5) as response:
                return response.status == 200
        except OSError:
            return False

    try:
        wait_until(answers, 90, "JupyterLab to start (see its log in the temporary lab folder)")
        yield base, token
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
        log.close()


@pytest.fixture(scope="module")
def browser():
    """A headless Chromium with a fresh profile; yields its DevTools HTTP address."""
    profile = tempfile.mkdtemp(prefix="chromium-profile-")
    process = subprocess.Popen([CHROMIUM, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", "about:blank"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    port_file = Path(profile) / "DevToolsActivePort"
    try:
        wait_until(lambda: port_file.exists() and port_file.read_text().strip(), 60, "Chromium to start")
        yield f"http://127.0.0.1:{port_file.read_text().split()[0]}"
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
        shutil.rmtree(profile, ignore_errors=True)


def open_notebook(browser, lab, name):
    """A Page showing the notebook ``name`` in JupyterLab, its kernel started and idle."""
    base, token = lab
    request = urllib.request.Request(f"{browser}/json/new?about:blank", method="PUT")
    with urllib.request.urlopen(request, timeout=30) as response:
        page = Page(json.load(response)["webSocketDebuggerUrl"])
    workspace = Path(name).stem  # a fresh workspace per notebook: it opens that notebook alone
    page.send("Page.navigate", url=f"{base}/lab/workspaces/{workspace}/tree/{name}?reset&token={token}")
    wait_until(lambda: page.evaluate(
        "(() => { window.nb = window.jupyterapp && [...jupyterapp.shell.widgets('main')]"
        f".find(w => w.context && w.context.path === '{name}');"
        " const kernel = window.nb && nb.sessionContext.session && nb.sessionContext.session.kernel;"
        " return !!kernel && kernel.status === 'idle' && nb.content.widgets.length > 0; })()"), 90,
        f"{name} to open with an idle kernel")
    page.evaluate("jupyterapp.commands.execute('application:toggle-left-area')")  # more room for the lesson
    page.evaluate("jupyterapp.commands.execute('notebook:clear-all-cell-outputs')")  # every output is fresh
    assert page.evaluate("document.querySelectorAll('.jp-OutputArea-output').length") == 0
    return page


def run(page, command, timeout):
    """Run a notebook command ("notebook:run-all-cells"...); fail if a cell raised an error."""
    page.set_timeout(timeout)
    succeeded = page.evaluate(f"jupyterapp.commands.execute('{command}')")  # resolves when the cells are done
    page.set_timeout(60)
    errors = page.evaluate("[...document.querySelectorAll('.jp-OutputArea-output[data-mime-type=\"application/vnd.jupyter.stderr\"]')]"
                           ".map(e => e.innerText).filter(t => t.includes('Error'))")
    assert succeeded and not errors, f"{command}: a cell raised an error {errors}"


@contextlib.contextmanager
def screenshot_on_failure(page, name):
    """Close ``page`` at the end; if the block fails, first save what the browser showed."""
    try:
        yield
    except BaseException:
        page.screenshot(f"{name}-failure.png")
        raise
    finally:
        page.close()


def cell_node(index):
    return f"nb.content.widgets[{index}].node"


def scroll_to(page, index):
    page.evaluate(f"{cell_node(index)}.scrollIntoView({{block: 'start'}})")
    time.sleep(0.5)  # let the notebook render the cells now in view


def test_notebook_01_draws_the_live_training_curve(browser, lab):
    page = open_notebook(browser, lab, "01_regression_mse.ipynb")
    with screenshot_on_failure(page, "browser-01"):
        live_cell = page.evaluate(
            "nb.content.widgets.findIndex(c => c.model.sharedModel.getSource()"
            ".includes('callbacks=[LiveLossPlot()]'))")
        assert live_cell >= 0, "notebook 01 has a cell that trains with LiveLossPlot"
        page.evaluate(f"nb.content.activeCellIndex = {live_cell}")
        run(page, "notebook:run-all-above", 60)
        page.evaluate("window.liveCellRun = jupyterapp.commands.execute('notebook:run-cell'); true")
        scroll_to(page, live_cell)
        image = wait_until(lambda: page.evaluate(
            f"(() => {{ const img = {cell_node(live_cell)}.querySelector('.jp-OutputArea-output img');"
            " return img && img.complete && img.naturalWidth > 200 ? [img.naturalWidth, img.naturalHeight] : null; })()"),
            60, "the live training curve to appear under the training cell")
        page.set_timeout(60)
        assert page.evaluate("window.liveCellRun"), "the training cell ran without an error"
        scroll_to(page, live_cell)
        text = page.evaluate(f"{cell_node(live_cell)}.innerText")
        assert "epoch 100: loss" in text, "the cell printed its final losses under the curve"
        assert image[0] > 200 and image[1] > 100
        assert page.screenshot("browser-01-live-curve.png").stat().st_size > 10_000


@pytest.mark.skipif(READING_CURVES is None, reason="notebook 04 (reading curves) is not in this checkout yet")
def test_notebook_04_explorer_changes_plot_and_verdict(browser, lab):
    """One step right on the "hidden layers" slider (1 -> 2 layers) retrains: a new plot, and overfitting."""
    page = open_notebook(browser, lab, READING_CURVES.name)
    with screenshot_on_failure(page, "browser-04"):
        explorer = page.evaluate("nb.content.widgets.findIndex(c => /= *CurveExplorer\\(/.test(c.model.sharedModel.getSource()))")
        assert explorer >= 0, "notebook 04 has a cell that shows a CurveExplorer"
        page.evaluate(f"nb.content.activeCellIndex = {explorer}")
        run(page, "notebook:run-all-above", 90)
        run(page, "notebook:run-cell", 60)  # the explorer alone: later cells move its sliders from Python
        scroll_to(page, explorer)
        state = (f"(() => {{ const n = {cell_node(explorer)}; const img = n.querySelector('.widget-image');"
                 " const verdict = n.querySelector('.widget-html b');"
                 " return img && verdict ? [img.src, verdict.textContent] : null; })()")
        before = wait_until(lambda: page.evaluate(state), 60, "the explorer's first plot and verdict")
        page.screenshot("browser-04-explorer-before.png")
        focused = page.evaluate(
            f"(() => {{ const slider = [...{cell_node(explorer)}.querySelectorAll('.widget-slider')]"
            ".find(s => s.querySelector('.widget-label').textContent.trim() === 'hidden layers');"
            " slider.querySelector('.noUi-handle').focus();"
            " return document.activeElement.classList.contains('noUi-handle'); })()")
        assert focused, "the 'hidden layers' slider takes the keyboard focus"
        page.press("ArrowRight", "ArrowRight", 39)

        def redrawn():
            now = page.evaluate(state)
            return now if now and now[0] != before[0] and now[1] != before[1] else None

        after = wait_until(redrawn, 60, f"a new plot and a new verdict after the slider moved (before: {before[1]!r})")
        assert after[1] == "overfitting", "a second hidden layer gives the model the capacity to overfit"
        scroll_to(page, explorer)
        page.screenshot("browser-04-explorer-after.png")
