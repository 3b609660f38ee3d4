"""A JupyterHub for the course on one machine: what the tests and the class benchmark start.

    .venv/bin/jupyterhub -f hub/jupyterhub_config.py      # then open http://127.0.0.1:8000

Every learner gets a Jupyter server running in this repository's `.venv` (the course's pinned
packages, the "Python 3 (loss course)" kernel, nbgitpuller), started as a local process with
its home under COURSE_HUB_HOMES. Learners open the course with the README's nbgitpuller link.

FOR TESTING AND MEASURING ONLY, as it stands: any user name logs in with any password
(DummyAuthenticator), and every learner's server runs as the same system user, so learners
can read each other's files (SimpleLocalProcessSpawner). For a real class on one server, use
The Littlest JupyterHub (hub/README.md): system users, a real authenticator, the same
settings for kernels and culling. On Kubernetes: hub/config.yaml.

Settings a hub admin changes are environment variables (defaults in brackets):

    COURSE_HUB_PORT             public port of the proxy, where learners connect [8000]
    COURSE_HUB_API_PORT         the hub's own port, behind the proxy [8081]
    COURSE_HUB_PROXY_API_PORT   the proxy's REST API port [8001]
    COURSE_HUB_STATE            the hub's database, cookie secret and pid file [hub/state]
    COURSE_HUB_HOMES            learners' homes, one folder each [hub/state/homes]
    COURSE_HUB_ADMIN_TOKEN      if set, an API token for the "classroom-load" service, which
                                may manage users and servers (benchmarks/classroom_load.py)
    COURSE_HUB_START_TIMEOUT    seconds a learner's server may take to start [120]
    COURSE_HUB_KERNEL_CULL      seconds after which an idle kernel is shut down [1800]
    COURSE_HUB_SERVER_CULL      seconds after which a server with no kernel and no activity
                                stops itself (frees its ~150 MB) [3600]

Everything listens on 127.0.0.1 only. Put a TLS-terminating proxy in front (or use TLJH)
before letting anyone else in.
"""

import os
import sys
from pathlib import Path

# The hub runs in the course's .venv (see above), where course_utils is installed.
from course_utils.course_kernel import KERNEL_NAME

c = get_config()  # noqa: F821 (JupyterHub defines get_config when it loads this file)

REPO = Path(__file__).resolve().parents[1]
VENV_BIN = Path(sys.executable).parent  # the hub runs from the course's .venv (see above)
STATE = Path(os.environ.get("COURSE_HUB_STATE", REPO / "hub" / "state")).resolve()
HOMES = Path(os.environ.get("COURSE_HUB_HOMES", STATE / "homes")).resolve()
STATE.mkdir(parents=True, exist_ok=True)
HOMES.mkdir(parents=True, exist_ok=True)


def _seconds(name, default):
    return int(os.environ.get(name, default))


# --- Network: loopback only --------------------------------------------------------------
c.JupyterHub.ip = "127.0.0.1"
c.JupyterHub.port = _seconds("COURSE_HUB_PORT", 8000)
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = _seconds("COURSE_HUB_API_PORT", 8081)
proxy_api_port = _seconds("COURSE_HUB_PROXY_API_PORT", 8001)
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{proxy_api_port}"
# configurable-http-proxy from package.json (`npm ci`; `make test` runs it).
c.ConfigurableHTTPProxy.command = [str(REPO / "node_modules" / ".bin" / "configurable-http-proxy")]

# --- The hub's own files -------------------------------------------------------------------
c.JupyterHub.db_url = f"sqlite:///{STATE / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(STATE / "jupyterhub_cookie_secret")
c.JupyterHub.pid_file = str(STATE / "jupyterhub.pid")
c.ConfigurableHTTPProxy.pid_file = str(STATE / "jupyterhub-proxy.pid")

# --- Who may log in: anyone, with any password (testing only) --------------------------------
c.JupyterHub.authenticator_class = "dummy"
c.Authenticator.allow_all = True

admin_token = os.environ.get("COURSE_HUB_ADMIN_TOKEN")
if admin_token:
    c.JupyterHub.services = [{"name": "classroom-load", "api_token": admin_token}]
    c.JupyterHub.load_roles = [
        {
            "name": "classroom-load",
            "scopes": ["admin:users", "admin:servers", "tokens", "list:users", "read:users"],
            "services": ["classroom-load"],
        }
    ]

# --- Each learner's server: a local process in the course's environment ------------------------
c.JupyterHub.spawner_class = "jupyterhub.spawner.SimpleLocalProcessSpawner"
c.SimpleLocalProcessSpawner.home_dir_template = str(HOMES / "{username}")
c.Spawner.ip = "127.0.0.1"
c.Spawner.cmd = [str(VENV_BIN / "jupyterhub-singleuser")]
c.Spawner.default_url = "/lab"
c.Spawner.start_timeout = _seconds("COURSE_HUB_START_TIMEOUT", 120)
c.Spawner.http_timeout = _seconds("COURSE_HUB_START_TIMEOUT", 120)
c.Spawner.environment = {
    # The course's scripts (git for nbgitpuller comes from the system PATH kept by the hub).
    "PATH": f"{VENV_BIN}{os.pathsep}{os.environ.get('PATH', '/usr/bin:/bin')}",
    # nbgitpuller's own default is a depth-1 clone; kept explicit for readers.
    "NBGITPULLER_DEPTH": "1",
    # Marks every process of this hub, so a test can find (and stop) all of them.
    "COURSE_HUB_STATE": str(STATE),
}
NO_NEWS = [
    "--LabApp.news_url=None",
    "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
]
# The course's kernel (and its fixed settings, course.env) is what notebooks open with.
kernel_cull = _seconds("COURSE_HUB_KERNEL_CULL", 1800)
c.Spawner.args = [
    f"--MappingKernelManager.default_kernel_name={KERNEL_NAME}",
    # A kernel idle for 30 minutes is shut down even if its tab is still open: learners move
    # to the next notebook and leave the last one's kernel behind (0.7 GB resident with
    # TensorFlow, 0.3 GB of it its own; benchmarks/README.md, "classroom_load.py").
    # Re-running a lesson takes under a minute. Busy kernels (a long fit) are never culled.
    f"--MappingKernelManager.cull_idle_timeout={kernel_cull}",
    "--MappingKernelManager.cull_interval=60",
    "--MappingKernelManager.cull_connected=True",
    # Then the server itself stops when nothing has happened for an hour (no extra package
    # needed, unlike jupyterhub-idle-culler); the learner's next click starts it again.
    f"--ServerApp.shutdown_no_activity_timeout={_seconds('COURSE_HUB_SERVER_CULL', 3600)}",
    # No "Would you like to get notified about official Jupyter news?" pop-up for every
    # learner, and no update check: JupyterLab fetches neither.
    *NO_NEWS,
]
if hasattr(os, "geteuid") and os.geteuid() == 0:
    # Containers and CI run as root, where Jupyter refuses to start without this.
    c.Spawner.args.append("--allow-root")

# Many learners log in within the same minute at the start of a class.
c.JupyterHub.concurrent_spawn_limit = 100
