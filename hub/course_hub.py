"""Start the course's JupyterHub (hub/jupyterhub_config.py) and act as learners on it.

Shared by tests/test_hub.py and benchmarks/classroom_load.py. A learner here does what a
browser does: opens the README's nbgitpuller link, logs in on the hub's form, waits for the
server, runs nbgitpuller's pull, and then runs notebooks through Jupyter Server's REST API
and the kernel websocket, all through the hub's proxy, with an API token it asked the hub for.

    with CourseHub(tmp_dir) as hub:
        learner = Learner(hub, "ada")
        learner.open_link(hub.pull_link(upstream_repo))
        learner.pull(upstream_repo)
        result = learner.run_notebook("loss-course/learner/00_welcome.ipynb")
"""

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import psutil
import requests
import websocket

from course_utils.course_kernel import KERNEL_NAME

REPO = Path(__file__).resolve().parents[1]
CONFIG = REPO / "hub" / "jupyterhub_config.py"


def free_port():
    """A TCP port on 127.0.0.1 that nothing listens on right now (tests/conftest.py's
    ``free_port`` fixture hands out this function too)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def hub_processes(state_dir):
    """Every process started for the hub whose state folder is ``state_dir``: the hub, its
    proxy, learners' servers, their kernels (they all carry COURSE_HUB_STATE)."""
    found = []
    for process in psutil.process_iter(["pid"]):
        try:
            if process.environ().get("COURSE_HUB_STATE") == str(state_dir):
                found.append(process)
        except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
            continue
    return found


class CourseHub:
    """A hub on free loopback ports with its state and homes in ``base_dir``."""

    def __init__(self, base_dir, extra_env=None, admin_token=None, start_timeout=120):
        base_dir = Path(base_dir)
        self.state = (base_dir / "state").resolve()
        self.homes = (base_dir / "homes").resolve()
        self.log_path = base_dir / "jupyterhub.log"
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.admin_token = admin_token
        self.env = {
            **os.environ,
            "COURSE_HUB_PORT": str(self.port),
            "COURSE_HUB_API_PORT": str(free_port()),
            "COURSE_HUB_PROXY_API_PORT": str(free_port()),
            "COURSE_HUB_STATE": str(self.state),
            "COURSE_HUB_HOMES": str(self.homes),
            "COURSE_HUB_START_TIMEOUT": str(start_timeout),
            **({"COURSE_HUB_ADMIN_TOKEN": admin_token} if admin_token else {}),
            **(extra_env or {}),
        }
        self.process = None

    def start(self, timeout=90):
        self.state.mkdir(parents=True, exist_ok=True)
        log = open(self.log_path, "w")  # noqa: SIM115 (closed by stop)
        self._log = log
        self.process = subprocess.Popen(
            [str(Path(sys.executable).parent / "jupyterhub"), "-f", str(CONFIG)],
            cwd=self.state,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the hub exited:\n{self.log()}")
            try:
                if requests.get(f"{self.url}/hub/api", timeout=5).status_code == 200:
                    return self
            except requests.ConnectionError:
                pass
            time.sleep(0.5)
        raise RuntimeError(f"the hub did not answer within {timeout} s:\n{self.log()}")

    def log(self):
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def stop(self, timeout=60):
        """Stop the hub (which stops the servers it started and its proxy), then anything of
        this hub still running. Returns the processes that had to be killed."""
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)
        leftovers = hub_processes(self.state)
        for process in leftovers:
            try:
                process.kill()
            except psutil.NoSuchProcess:
                pass
        psutil.wait_procs(leftovers, timeout=10)
        if getattr(self, "_log", None):
            self._log.close()
        return leftovers

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    def pull_link(self, repo, branch="main", notebook="learner/00_welcome.ipynb"):
        """The README's nbgitpuller link for this hub and ``repo`` (a URL or file:// URL)."""
        folder = repo.rstrip("/").split("/")[-1].removesuffix(".git")
        query = urllib.parse.urlencode(
            {"repo": repo, "branch": branch, "urlpath": f"lab/tree/{folder}/{notebook}"}
        )
        return f"{self.url}/hub/user-redirect/git-pull?{query}"


@dataclass
class NotebookRun:
    path: str
    cells: list = field(default_factory=list)  # per code cell: dict(source, outputs, seconds)
    errors: list = field(default_factory=list)  # (cell index, ename, evalue) not expected
    first_plot_seconds: float | None = None
    kernel_start_seconds: float = 0.0
    seconds: float = 0.0
    kernel_pid: int | None = None
    cpu_seconds: float | None = None  # the kernel's user + system CPU time, at the end

    def text(self):
        """Every stream and text/plain output, in order: what a learner reads."""
        parts = []
        for cell in self.cells:
            for out in cell["outputs"]:
                if out.get("output_type") == "stream":
                    parts.append(out["text"])
                elif "data" in out and "text/plain" in out["data"]:
                    parts.append(out["data"]["text/plain"])
        return "\n".join(parts)


class Learner:
    """One learner with a browser-like session (cookies) and, once logged in, an API token."""

    def __init__(self, hub, name, password="any"):
        self.hub = hub
        self.name = name
        self.password = password
        self.session = requests.Session()
        self.token = None
        self.server_url = f"{hub.url}/user/{name}"

    # --- the link, the login form, the spawn ---------------------------------------------
    def open_link(self, link, timeout=300):
        """Open an nbgitpuller link as a browser would: log in, wait for the server; returns
        the final page (nbgitpuller's progress page)."""
        response = self.session.get(link, timeout=60)
        if "/hub/login" in response.url:
            xsrf = re.search(r'name="_xsrf" value="([^"]+)"', response.text)
            form = {"username": self.name, "password": self.password}
            if xsrf:
                form["_xsrf"] = xsrf.group(1)
            response = self.session.post(response.url, data=form, timeout=timeout)
        deadline = time.monotonic() + timeout
        while "/hub/spawn-pending/" in response.url or response.status_code == 424:
            if time.monotonic() > deadline:
                raise RuntimeError(f"{self.name}'s server did not start in {timeout} s")
            time.sleep(1)
            response = self.session.get(response.url, timeout=60)
        response.raise_for_status()
        return response

    def _xsrf_headers(self):
        token = self.session.cookies.get("_xsrf", path="/hub/") or self.session.cookies.get("_xsrf")
        return {"X-XSRFToken": token} if token else {}

    def request_token(self):
        """An API token for this learner, asked for with the login cookie (as JupyterLab's
        token page does)."""
        response = self.session.post(
            f"{self.hub.url}/hub/api/users/{self.name}/tokens",
            json={"note": "classroom", "expires_in": 3600},
            headers=self._xsrf_headers(),
            timeout=60,
        )
        response.raise_for_status()
        self.token = response.json()["token"]
        return self.token

    def api(self, method, path, **kwargs):
        headers = {"Authorization": f"token {self.token}"}
        response = requests.request(
            method, f"{self.server_url}/{path}", headers=headers, timeout=120, **kwargs
        )
        response.raise_for_status()
        return response.json() if response.content else None

    # --- nbgitpuller ---------------------------------------------------------------------
    def pull(self, repo, branch="main", timeout=300):
        """Run nbgitpuller's pull (the request its progress page makes); returns its output
        lines. Raises when nbgitpuller reports an error."""
        query = urllib.parse.urlencode({"repo": repo, "branch": branch})
        lines = []
        with self.session.get(
            f"{self.server_url}/git-pull/api?{query}", stream=True, timeout=timeout
        ) as response:
            response.raise_for_status()
            for raw in response.iter_lines(decode_unicode=True):
                if not raw or not raw.startswith("data:"):
                    continue
                event = json.loads(raw[len("data:") :])
                if "output" in event:
                    lines.append(event["output"].rstrip())
                if event.get("phase") == "error":
                    raise RuntimeError(f"nbgitpuller failed: {event.get('message')}\n{lines}")
                if event.get("phase") == "finished":
                    return lines
        raise RuntimeError(f"nbgitpuller's stream ended without finishing: {lines}")

    # --- notebooks through the kernel websocket ------------------------------------------
    def run_notebook(self, path, timeout=900, on_kernel=None):
        """Start a kernel for ``path`` (a session, as JupyterLab does), run every code cell
        in order over the websocket, shut the kernel down. Cells tagged raises-exception
        may fail; any other error is recorded in ``errors`` and stops the run."""
        notebook = self.api("GET", f"api/contents/{urllib.parse.quote(path)}")["content"]
        run = NotebookRun(path)
        started = time.monotonic()
        session = self.api(
            "POST",
            "api/sessions",
            json={"path": path, "name": path, "type": "notebook", "kernel": {"name": KERNEL_NAME}},
        )
        kernel_id = session["kernel"]["id"]
        try:
            ws_url = self.server_url.replace("http://", "ws://")
            ws = websocket.create_connection(
                f"{ws_url}/api/kernels/{kernel_id}/channels?session_id={uuid.uuid4().hex}",
                header=[f"Authorization: token {self.token}"],
                timeout=timeout,
            )
            try:
                self._request(ws, "kernel_info_request", {}, timeout)
                run.kernel_start_seconds = time.monotonic() - started
                run.kernel_pid = kernel_pid(kernel_id)
                if on_kernel:
                    on_kernel(run.kernel_pid)
                for index, cell in enumerate(notebook["cells"]):
                    if cell["cell_type"] != "code" or not cell["source"].strip():
                        continue
                    cell_start = time.monotonic()
                    outputs = []

                    def seen(message, outputs=outputs):
                        if (
                            run.first_plot_seconds is None
                            and message["msg_type"] in ("display_data", "execute_result")
                            and "image/png" in message["content"].get("data", {})
                        ):
                            run.first_plot_seconds = time.monotonic() - started
                        if message["msg_type"] in ("stream", "display_data", "execute_result"):
                            outputs.append(
                                {"output_type": message["msg_type"], **message["content"]}
                            )
                        if message["msg_type"] == "error":
                            outputs.append({"output_type": "error", **message["content"]})

                    reply = self._request(
                        ws,
                        "execute_request",
                        {
                            "code": cell["source"],
                            "silent": False,
                            "store_history": True,
                            "user_expressions": {},
                            "allow_stdin": False,
                            "stop_on_error": True,
                        },
                        timeout,
                        on_iopub=seen,
                    )
                    run.cells.append(
                        {
                            "index": index,
                            "source": cell["source"],
                            "outputs": outputs,
                            "seconds": time.monotonic() - cell_start,
                        }
                    )
                    tags = cell.get("metadata", {}).get("tags", [])
                    if reply["status"] != "ok" and "raises-exception" not in tags:
                        run.errors.append((index, reply.get("ename"), reply.get("evalue")))
                        break
            finally:
                ws.close()
            run.cpu_seconds = process_cpu_seconds(run.kernel_pid)
        finally:
            self.api("DELETE", f"api/sessions/{session['id']}")
        run.seconds = time.monotonic() - started
        return run

    def _request(self, ws, msg_type, content, timeout, on_iopub=None):
        """Send one shell request; return the reply's content once the kernel is idle again."""
        msg_id = uuid.uuid4().hex
        ws.send(
            json.dumps(
                {
                    "header": {
                        "msg_id": msg_id,
                        "msg_type": msg_type,
                        "username": self.name,
                        "session": uuid.uuid4().hex,
                        "version": "5.3",
                        "date": "",
                    },
                    "parent_header": {},
                    "metadata": {},
                    "content": content,
                    "channel": "shell",
                    "buffers": [],
                }
            )
        )
        reply = idle = None
        deadline = time.monotonic() + timeout
        while reply is None or not idle:
            if time.monotonic() > deadline:
                raise TimeoutError(f"{msg_type} got no reply in {timeout} s")
            message = json.loads(ws.recv())
            if message.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            message["msg_type"] = message["header"]["msg_type"]
            if message["channel"] == "shell":
                reply = message["content"]
            elif message["channel"] == "iopub":
                if message["msg_type"] == "status":
                    idle = message["content"]["execution_state"] == "idle"
                elif on_iopub:
                    on_iopub(message)
        return reply


def process_cpu_seconds(pid):
    """User + system CPU seconds of a process and its waited-for children (None if gone)."""
    try:
        times = psutil.Process(pid).cpu_times()
    except (psutil.NoSuchProcess, TypeError, ValueError):
        return None
    return times.user + times.system + times.children_user + times.children_system


def kernel_pid(kernel_id, attempts=20):
    """The pid of the kernel process with this id (its connection file names the id)."""
    for _ in range(attempts):
        for process in psutil.process_iter(["pid", "cmdline"]):
            cmdline = process.info["cmdline"] or []
            if any(f"kernel-{kernel_id}.json" in part for part in cmdline):
                return process.info["pid"]
        time.sleep(0.5)
    return None
