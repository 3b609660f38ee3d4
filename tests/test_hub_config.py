"""hub/config.yaml, the Zero to JupyterHub values for the course, without a cluster.

No Kubernetes cluster runs here, so the file is checked for what can go wrong on paper: it
parses, every key it sets is documented in Zero to JupyterHub's configuration reference, and
its per-learner memory and CPU are the ones measured on the course's local hub
(hub/measurements.json, written by `benchmarks/classroom_load.py --write`), by the sizing
rule the benchmark prints.
"""

import json
import re
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

from classroom_load import recommend  # noqa: E402

CONFIG = ROOT / "hub" / "config.yaml"
MEASUREMENTS = ROOT / "hub" / "measurements.json"

# Key paths documented in the Zero to JupyterHub configuration reference,
# https://z2jh.jupyter.org/en/stable/resources/reference.html (chart 4.x; the page is generated
# from the chart's jupyterhub/values.schema.yaml). Only the ones this course's config.yaml may
# use are listed; each was looked up there.
DOCUMENTED = {
    "singleuser.image.name",
    "singleuser.image.tag",
    "singleuser.image.pullPolicy",
    "singleuser.defaultUrl",
    "singleuser.memory.guarantee",
    "singleuser.memory.limit",
    "singleuser.cpu.guarantee",
    "singleuser.cpu.limit",
    "singleuser.extraEnv",
    "singleuser.storage.capacity",
    "singleuser.startTimeout",
    "singleuser.cmd",
    "cull.enabled",
    "cull.timeout",
    "cull.every",
    "cull.users",
    "cull.maxAge",
    "hub.config",
    "prePuller.hook.enabled",
    "prePuller.continuous.enabled",
    "scheduling.userScheduler.enabled",
}
# Values under these keys are free-form: a map of environment variables, and traitlets
# configuration of the hub's classes (checked against the classes below).
FREE_FORM = {"singleuser.extraEnv", "hub.config"}

BYTES = {"K": 1024, "M": 1024**2, "G": 1024**3, "T": 1024**4}  # KubeSpawner's suffixes


def key_paths(node, prefix=""):
    for key, value in node.items():
        path = f"{prefix}.{key}" if prefix else key
        if isinstance(value, dict) and path not in FREE_FORM:
            yield from key_paths(value, path)
        else:
            yield path


@pytest.fixture(scope="module")
def config():
    return yaml.safe_load(CONFIG.read_text())


@pytest.fixture(scope="module")
def measured():
    return json.loads(MEASUREMENTS.read_text())


def test_config_parses_and_uses_only_documented_keys(config):
    assert isinstance(config, dict)
    undocumented = sorted(set(key_paths(config)) - DOCUMENTED)
    assert not undocumented, f"not in Zero to JupyterHub's configuration reference: {undocumented}"


def test_hub_config_sets_real_traits():
    """hub.config passes traitlets configuration to the hub: KubeSpawner inherits ``args`` from
    JupyterHub's Spawner, and each argument names a Jupyter Server kernel-manager setting."""
    from jupyter_server.services.kernels.kernelmanager import MappingKernelManager
    from jupyterhub.spawner import Spawner

    hub_config = yaml.safe_load(CONFIG.read_text())["hub"]["config"]
    assert set(hub_config) == {"KubeSpawner"}
    assert set(hub_config["KubeSpawner"]) <= set(Spawner.class_trait_names(config=True))
    for argument in hub_config["KubeSpawner"]["args"]:
        match = re.fullmatch(r"--MappingKernelManager\.(\w+)=(\S+)", argument)
        assert match, argument
        assert match.group(1) in MappingKernelManager.class_trait_names(config=True), argument


def to_bytes(text):
    return int(float(text[:-1]) * BYTES[text[-1]])


def test_memory_and_cpu_are_the_measured_ones(config, measured):
    recommended = measured["recommended"]
    assert recommended == recommend(
        measured["server_peak_rss_mib"], measured["kernel_peak_rss_mib"]
    ), "hub/measurements.json's recommendation does not follow from its measurements"
    singleuser = config["singleuser"]
    assert to_bytes(str(singleuser["memory"]["guarantee"])) == to_bytes(
        recommended["memory_guarantee"]
    )
    assert to_bytes(str(singleuser["memory"]["limit"])) == to_bytes(recommended["memory_limit"])
    assert singleuser["cpu"]["guarantee"] == recommended["cpu_guarantee"]
    assert singleuser["cpu"]["limit"] == recommended["cpu_limit"]
    assert measured["failures"] == 0, "the measurements come from a run where learners failed"


def test_culling_agrees_with_the_local_hub(config):
    """The local hub (hub/jupyterhub_config.py) was measured with these settings."""
    local = (ROOT / "hub" / "jupyterhub_config.py").read_text()
    kernel_cull = re.search(r'"COURSE_HUB_KERNEL_CULL", (\d+)', local).group(1)
    server_cull = re.search(r"'COURSE_HUB_SERVER_CULL', (\d+)", local).group(1)
    args = config["hub"]["config"]["KubeSpawner"]["args"]
    assert f"--MappingKernelManager.cull_idle_timeout={kernel_cull}" in args
    assert config["cull"]["enabled"] is True
    assert config["cull"]["timeout"] == int(server_cull)
