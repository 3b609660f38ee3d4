"""The three dependency files agree, and the suite runs in the fixed environment.

pyproject.toml holds ranges, requirements.lock exact pins for every platform, and
environment.yml the conda/Binder route: a package they share must have one version.
"""

import tomllib
from pathlib import Path

import pytest
import yaml
from packaging.markers import default_environment
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[1]

PLATFORMS = {
    "linux-x86_64": {"sys_platform": "linux", "platform_machine": "x86_64", "os_name": "posix"},
    "linux-aarch64": {"sys_platform": "linux", "platform_machine": "aarch64", "os_name": "posix"},
    "macos-arm64": {"sys_platform": "darwin", "platform_machine": "arm64", "os_name": "posix"},
    "windows": {"sys_platform": "win32", "platform_machine": "AMD64", "os_name": "nt"},
}


def _marker_environment(platform):
    environment = default_environment()
    environment.update(
        python_version="3.11", python_full_version="3.11.9", extra="", **PLATFORMS[platform]
    )
    return environment


def _pins(lines, platform):
    """name -> exact version of the requirement lines that apply on ``platform``."""
    environment = _marker_environment(platform)
    pins = {}
    for line in lines:
        line = line.strip()
        if not line or line.startswith(("#", "-")):
            continue
        requirement = Requirement(line)
        if requirement.marker is None or requirement.marker.evaluate(environment):
            (specifier,) = requirement.specifier
            assert specifier.operator == "==", f"{line!r} is not an exact pin"
            pins[requirement.name.lower()] = specifier.version
    return pins


def lock_pins(platform):
    return _pins((ROOT / "requirements.lock").read_text().splitlines(), platform)


def environment_yml_pins(platform):
    environment = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip_section = next(
        item["pip"] for item in environment["dependencies"] if isinstance(item, dict)
    )
    return _pins(pip_section, platform)


def disagreements(yml_pins, locked):
    """One message per package environment.yml pins at a version requirements.lock does not."""
    return [
        f"environment.yml pins {name}=={version} but requirements.lock has {locked.get(name)}"
        for name, version in yml_pins.items()
        if locked.get(name) != version
    ]


# Extras for maintainers' machines, not for the learners' environment (see pyproject.toml).
NOT_FOR_LEARNERS = {"hub", "site"}


def pyproject_requirements(platform):
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    texts = project["dependencies"] + [
        r
        for name, group in project["optional-dependencies"].items()
        if name not in NOT_FOR_LEARNERS
        for r in group
    ]
    environment = _marker_environment(platform)
    requirements = [Requirement(text) for text in texts]
    return [r for r in requirements if r.marker is None or r.marker.evaluate(environment)]


@pytest.mark.parametrize("platform", PLATFORMS)
def test_lock_satisfies_every_pyproject_range(platform):
    pins = lock_pins(platform)
    for requirement in pyproject_requirements(platform):
        name = requirement.name.lower()
        assert name in pins, (
            f"{name} is in pyproject.toml but not in requirements.lock: run `make lock`"
        )
        assert requirement.specifier.contains(pins[name]), (
            f"requirements.lock pins {name}=={pins[name]}, outside pyproject.toml's "
            f"{requirement.specifier}: run `make lock`"
        )


@pytest.mark.parametrize("platform", PLATFORMS)
def test_environment_yml_pins_match_the_lock(platform):
    assert not disagreements(environment_yml_pins(platform), lock_pins(platform))


@pytest.mark.parametrize("platform", PLATFORMS)
def test_environment_yml_lists_every_direct_dependency(platform):
    listed = environment_yml_pins(platform)
    missing = {r.name.lower() for r in pyproject_requirements(platform)} - set(listed)
    assert not missing, f"environment.yml lacks {sorted(missing)} that pyproject.toml requires"


def test_environment_yml_python_is_one_pyproject_allows():
    environment = yaml.safe_load((ROOT / "environment.yml").read_text())
    python = next(
        d for d in environment["dependencies"] if isinstance(d, str) and d.startswith("python=")
    )
    requires = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["requires-python"]
    assert Requirement(f"python{requires}").specifier.contains(python.split("=")[1] + ".0")


def test_the_pin_check_sees_a_disagreement():
    """Guards the guard: environment.yml with one version changed is reported."""
    environment = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip_section = next(
        item["pip"] for item in environment["dependencies"] if isinstance(item, dict)
    )
    changed = [
        "keras==9.9.9" if Requirement(line).name == "keras" else line for line in pip_section
    ]
    assert changed != pip_section, "environment.yml no longer pins keras: pick another package here"
    locked = lock_pins("linux-x86_64")
    assert disagreements(_pins(changed, "linux-x86_64"), locked) == [
        f"environment.yml pins keras==9.9.9 but requirements.lock has {locked['keras']}"
    ]


def test_the_pin_parser_reads_names_versions_and_platform_markers():
    linux_only = "tensorflow-cpu==2.21.0; sys_platform == 'linux' and platform_machine == 'x86_64'"
    lines = ["# via keras", "", "Keras==3.15.1", linux_only]
    assert _pins(lines, "linux-x86_64") == {"keras": "3.15.1", "tensorflow-cpu": "2.21.0"}
    assert _pins(lines, "windows") == {"keras": "3.15.1"}
    with pytest.raises(AssertionError, match="not an exact pin"):
        _pins(["keras>=3.15"], "linux-x86_64")


def test_the_test_run_uses_the_fixed_environment():
    """`make test` exports course.env, so nbval's kernels compute as the stored notebooks did."""
    import os

    from course_utils.course_kernel import read_course_env

    for key, value in read_course_env().items():
        assert os.environ.get(key) == value, (
            f"{key} is not exported: run the suite with `make test`"
        )
