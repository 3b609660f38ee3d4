"""`make lab` serves JupyterLab on localhost with token authentication, on the course kernel."""

import json
import os
import re
import signal
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # starts JupyterLab through make

ROOT = Path(__file__).resolve().parents[1]


def wait_for_url(process, timeout=90):
    deadline = time.monotonic() + timeout
    log = ""
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        log += line
        match = re.search(r"http://127\.0\.0\.1:\d+/lab\?token=\w+", line)
        if match:
            return match.group(0)
        if not line and process.poll() is not None:
            break
    raise AssertionError(f"make lab printed no URL:\n{log}")


def get(url, attempts=60):
    """(status, body) of a GET, retrying while the server is still starting to listen."""
    for _ in range(attempts):
        try:
            with urllib.request.urlopen(url, timeout=30) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as error:
            return error.code, b""
        except urllib.error.URLError:
            time.sleep(0.5)
    raise AssertionError(f"nothing answered at {url}")


def test_make_lab_serves_jupyterlab_with_token_auth(free_port):
    port = free_port()
    process = subprocess.Popen(
        ["make", "--no-print-directory", "lab", f"LAB_ARGS=--no-browser --port {port}"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
        env={
            **os.environ,
            "JUPYTER_RUNTIME_DIR": str(Path(os.environ.get("TMPDIR", "/tmp")) / f"lab-test-{port}"),
        },
    )
    try:
        url = wait_for_url(process)
        token = url.split("token=")[1]
        status, _ = get(url)
        assert status == 200
        status, _ = get(f"http://127.0.0.1:{port}/api/contents")
        assert status == 403, "the API answered without a token: token authentication must stay on"
        status, body = get(f"http://127.0.0.1:{port}/api/kernelspecs?token={token}")
        assert "loss-course" in json.loads(body)["kernelspecs"]
        status, body = get(f"http://127.0.0.1:{port}/api/contents?token={token}")
        assert "00_welcome.ipynb" in [item["name"] for item in json.loads(body)["content"]]
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)


def test_setup_is_not_repeated_while_the_lock_is_unchanged():
    """`make lab` and `make test` share one set-up step; once it has run (it has: this suite
    runs under `make test`), make considers it up to date and reinstalls nothing."""
    result = subprocess.run(
        ["make", "--question", "install"], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, "make would reinstall .venv although nothing changed"
