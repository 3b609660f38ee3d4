"""hub/config.yaml, the Zero to JupyterHub values for the course, without a cluster.

No Kubernetes cluster runs here, so the file is checked for what can go wrong on paper: it
parses; every key is one the chart hands on to a program this environment installs, and its
value is one that program accepts, loaded as the chart passes it on: the single-user keys as
traitlets configuration of the chart's spawner, KubeSpawner (JupyterHub's Spawner traits and
KubeSpawner's own: image, storage), and the culling keys as command-line options of the
chart's idle culler, jupyterhub-idle-culler (its own option parser); ``hub.config`` names real
classes and traits. One key is checked against a type typed from the chart's documentation
(its values.schema.yaml), because only the chart's template reads it: ``cull.enabled``, a
boolean. The key names themselves come from the chart's hub configuration file (below); a
key not listed there is reported. Last, the per-learner memory and CPU are the ones measured
on the course's local hub (hub/measurements.json, written by
`benchmarks/classroom_load.py --write`), by the sizing rule the benchmark prints.
"""

import copy
import json
import re
import sys
from pathlib import Path
from unittest import mock

import jupyterhub_idle_culler
import pytest
import yaml
from jupyter_server.services.kernels.kernelmanager import MappingKernelManager
from jupyterhub.spawner import Spawner
from jupyterlab.labapp import LabApp
from kubespawner import KubeSpawner
from tornado.options import Error as OptionError
from tornado.options import OptionParser
from traitlets import TraitError
from traitlets.config import Config

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

from classroom_load import recommend  # noqa: E402

CONFIG = ROOT / "hub" / "config.yaml"
MEASUREMENTS = ROOT / "hub" / "measurements.json"

# How the chart hands its values on: its hub configuration file,
# jupyterhub/files/hub/jupyterhub_config.py in github.com/jupyterhub/zero-to-jupyterhub-k8s
# (chart 4.4), sets each of these traits of its KubeSpawner from the key beside it (storage:
# with singleuser.storage.type "dynamic", the chart's default). Add a key only after looking
# it up there.
SPAWNER_TRAIT_OF_KEY = {
    "singleuser.defaultUrl": "default_url",
    "singleuser.startTimeout": "start_timeout",
    "singleuser.memory.guarantee": "mem_guarantee",
    "singleuser.memory.limit": "mem_limit",
    "singleuser.cpu.guarantee": "cpu_guarantee",
    "singleuser.cpu.limit": "cpu_limit",
    "singleuser.extraEnv": "environment",
    "singleuser.cmd": "cmd",
    "singleuser.storage.capacity": "storage_capacity",
}
# The same file joins these two into KubeSpawner.image, as "name:tag". It formats them as
# text, so a part YAML did not read as text (an unquoted tag: 1.10 is the number 1.1) would
# reach the image changed: each part is also checked on its own as a value of that trait.
IMAGE_PARTS = ("singleuser.image.name", "singleuser.image.tag")
# ... and starts jupyterhub-idle-culler with `--<option>=<value>` for each of these keys.
CULLER_OPTION_OF_KEY = {
    "cull.timeout": "timeout",
    "cull.every": "cull-every",
    "cull.concurrency": "concurrency",
    "cull.maxAge": "max-age",
}
# Read by the chart's template only (`if get_config("cull.enabled")`): its schema's type.
CHART_ONLY_KEY_TYPES = {"cull.enabled": bool}
HUB_CONFIG_CLASSES = {"KubeSpawner"}  # hub.config: traitlets configuration of these classes
FREE_FORM = {"singleuser.extraEnv", "hub.config"}  # maps whose keys are not chart keys


class ConfiguredKubeSpawner(KubeSpawner):
    """KubeSpawner that loads its configuration but does not connect to Kubernetes: it runs
    JupyterHub's Spawner set-up (which validates every trait), not KubeSpawner's own."""

    def __init__(self, **kwargs):
        Spawner.__init__(self, **kwargs)


class _Parsed(Exception):
    """Stops the idle culler's main() once it has parsed its command line."""


def culler_refusal(argument):
    """Why jupyterhub-idle-culler's own command line refuses ``argument``, or None.

    The culler defines its options inside ``main()``; they are defined here on a parser of
    their own, and ``main()`` stops right after parsing (it would connect to the hub next).
    """
    parser = OptionParser()

    def parse_then_stop():
        parser.parse_command_line(["jupyterhub_idle_culler", argument])
        raise _Parsed

    culler = {"define": parser.define, "options": parser, "parse_command_line": parse_then_stop}
    with mock.patch.multiple(jupyterhub_idle_culler, **culler):
        try:
            jupyterhub_idle_culler.main()
        except _Parsed:
            return None
        except (OptionError, ValueError) as error:
            return f"{argument} ({error})"
    raise AssertionError("the idle culler's main() did not parse its command line")


def key_paths(node, prefix=""):
    for key, value in node.items():
        path = f"{prefix}.{key}" if prefix else key
        if isinstance(value, dict) and path not in FREE_FORM:
            yield from key_paths(value, path)
        else:
            yield path, value


def trait_problems(section, where):
    """Why ``section`` (KubeSpawner's traitlets configuration) is not valid: unknown trait
    names, or values the traits refuse when loaded as configuration."""
    unknown = sorted(set(section) - set(KubeSpawner.class_trait_names(config=True)))
    if unknown:
        return [f"{where}: KubeSpawner has no configurable trait {unknown}"]
    try:
        ConfiguredKubeSpawner(config=Config({"KubeSpawner": copy.deepcopy(section)}))
    except TraitError as error:
        return [f"{where}: {error}"]
    return []


def config_problems(values):
    """Every problem of a Zero to JupyterHub values mapping, as readable lines."""
    problems, image = [], {}
    for path, value in key_paths(values):
        if path in SPAWNER_TRAIT_OF_KEY:
            problems += trait_problems({SPAWNER_TRAIT_OF_KEY[path]: value}, path)
        elif path in IMAGE_PARTS:
            image[path] = value
            problems += trait_problems({"image": value}, path)
        elif path in CULLER_OPTION_OF_KEY:
            refusal = culler_refusal(f"--{CULLER_OPTION_OF_KEY[path]}={value}")
            if refusal:
                problems.append(f"{path}: jupyterhub-idle-culler refuses {refusal}")
        elif path in CHART_ONLY_KEY_TYPES:
            expected = CHART_ONLY_KEY_TYPES[path]
            # bool is an int in Python; the chart's schema tells them apart
            if type(value) is not expected:
                problems.append(f"{path}: {value!r} is not of type {expected.__name__}")
        elif path == "hub.config":
            for name, section in value.items():
                if name not in HUB_CONFIG_CLASSES:
                    problems.append(f"hub.config.{name}: not a class this test can check")
                else:
                    problems += trait_problems(section, f"hub.config.{name}")
        else:
            problems.append(f"{path}: not a key of the chart (misspelled, or not looked up)")
    name, tag = (image.get(part) for part in IMAGE_PARTS)
    if name:  # joined as the chart joins them
        problems += trait_problems({"image": f"{name}:{tag}" if tag else name}, "singleuser.image")
    return problems


@pytest.fixture(scope="module")
def config():
    return yaml.safe_load(CONFIG.read_text())


@pytest.fixture(scope="module")
def measured():
    return json.loads(MEASUREMENTS.read_text())


def test_config_sets_only_known_keys_with_valid_values(config):
    assert isinstance(config, dict)
    assert config_problems(config) == []


def test_every_mapped_trait_is_a_kubespawner_trait_and_every_option_a_culler_option():
    traits = set(KubeSpawner.class_trait_names(config=True))
    assert {*SPAWNER_TRAIT_OF_KEY.values(), "image"} <= traits
    for option in CULLER_OPTION_OF_KEY.values():  # all four take a number of seconds or requests
        assert culler_refusal(f"--{option}=60") is None, option
    assert culler_refusal("--cull-evry=60").startswith("--cull-evry=60 (Unrecognized")


def with_value(values, path, value):
    """A deep copy of ``values`` with ``path`` (dotted) set to ``value``."""
    changed = copy.deepcopy(values)
    *parents, last = path.split(".")
    node = changed
    for key in parents:
        node = node.setdefault(key, {})
    node[last] = value
    return changed


def without_key(values, path):
    changed = copy.deepcopy(values)
    *parents, last = path.split(".")
    node = changed
    for key in parents:
        node = node[key]
    node[last + "_"] = node.pop(last)
    return changed


@pytest.mark.parametrize(
    "path",
    [
        "singleuser.memory.limit",
        "singleuser.startTimeout",
        "singleuser.image.name",
        "singleuser.storage.capacity",
        "cull.timeout",
        "cull.every",
        "cull.enabled",
    ],
)
def test_a_misspelled_key_is_reported(config, path):
    problems = config_problems(without_key(config, path))
    assert any(problem.startswith(path + "_") for problem in problems), problems


@pytest.mark.parametrize(
    ("path", "value"),
    [
        ("singleuser.memory.limit", "two gigabytes"),
        ("singleuser.cpu.guarantee", "0.25"),
        ("singleuser.startTimeout", "300s"),
        ("singleuser.defaultUrl", 3),
        ("singleuser.image.name", ["REGISTRY/loss-course"]),
        ("singleuser.image.tag", 1.1),  # what YAML makes of an unquoted tag: 1.10
        ("singleuser.storage.capacity", 1),
        ("singleuser.storage.capacity", ["1Gi"]),
        ("cull.timeout", "1h"),
        ("cull.timeout", True),
        ("cull.every", 2.5),
        ("cull.enabled", "true"),
        ("hub.config.KubeSpawner.start_timeout", "five minutes"),
    ],
)
def test_a_value_of_the_wrong_type_is_reported(config, path, value):
    problems = config_problems(with_value(config, path, value))
    assert problems, f"{path}={value!r} passed"
    # each problem names the key (or the hub.config class) that holds the wrong value
    assert all(path.startswith(problem.split(": ")[0]) for problem in problems), problems


def test_a_misspelled_hub_config_trait_or_class_is_reported(config):
    assert config_problems(with_value(config, "hub.config.KubeSpawner.argz", ["--x"]))
    renamed = copy.deepcopy(config)
    renamed["hub"]["config"]["KubeSpawnr"] = renamed["hub"]["config"].pop("KubeSpawner")
    assert config_problems(renamed)


SERVER_CLASSES = {"MappingKernelManager": MappingKernelManager, "LabApp": LabApp}


def test_server_arguments_name_real_settings(config):
    """KubeSpawner's ``args`` go to each learner's Jupyter Server: each must name a
    configurable trait of the kernel manager or of JupyterLab, with a value it accepts."""
    hub_config = config["hub"]["config"]
    for argument in hub_config["KubeSpawner"]["args"]:
        match = re.fullmatch(r"--(\w+)\.(\w+)=(\S+)", argument)
        assert match and match.group(1) in SERVER_CLASSES, argument
        traits = SERVER_CLASSES[match.group(1)].class_traits(config=True)
        assert match.group(2) in traits, argument
        traits[match.group(2)].from_string(match.group(3))  # raises on a value it refuses


def test_no_learner_gets_jupyterlabs_news_pop_up_on_either_hub(config):
    """Both hubs start JupyterLab with news and update checks off, parsed as Jupyter does."""
    local = (ROOT / "hub" / "jupyterhub_config.py").read_text()
    args = config["hub"]["config"]["KubeSpawner"]["args"]
    for argument in ("--LabApp.news_url=None", "--LabApp.check_for_updates_class="):
        assert any(a.startswith(argument) for a in args), argument
        assert f'"{argument}' in local, argument
    traits = LabApp.class_traits(config=True)
    assert traits["news_url"].from_string("None") is None
    app = LabApp(check_for_updates_class="jupyterlab.NeverCheckForUpdate")
    assert app.check_for_updates_class.__name__ == "NeverCheckForUpdate"


def test_memory_and_cpu_are_the_measured_ones(config, measured):
    recommended = measured["recommended"]
    assert recommended == recommend(
        measured["server_peak_rss_mib"], measured["kernel_peak_rss_mib"]
    ), "hub/measurements.json's recommendation does not follow from its measurements"
    singleuser = config["singleuser"]
    # parsed as KubeSpawner parses them ("896M" is 896 * 1024**2 bytes)
    from_config = ConfiguredKubeSpawner(
        mem_guarantee=singleuser["memory"]["guarantee"], mem_limit=singleuser["memory"]["limit"]
    )
    from_measurements = ConfiguredKubeSpawner(
        mem_guarantee=recommended["memory_guarantee"], mem_limit=recommended["memory_limit"]
    )
    assert from_config.mem_guarantee == from_measurements.mem_guarantee
    assert from_config.mem_limit == from_measurements.mem_limit
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
