"""The environment check learners run the day before a workshop.

``python -m course_utils check`` (or ``make check``) prints one line per item, OK, WARN or
FAIL: for each FAIL how to fix it, for each WARN what it means. It exits with status 0 when
nothing FAILs, that is when the lessons can run.

Where it runs matters. In a course folder (a clone, ``make lab``) the course installs the exact
versions of its lock, so any other version is a FAIL, fixed by ``make reinstall``. Installed as a
package (Colab, Kaggle, ``pip install``) the platform brings its own TensorFlow and Keras: a
version within the same major release is a WARN (the lessons run; their numbers may differ from
the stored ones in the later digits), a missing package or another major release a FAIL, fixed
by the ``%pip install`` line it prints.

Items: the Python version; every package the course needs, at the version it needs;
TensorFlow's devices; a small Keras fit that trains and validates; the course's Jupyter
kernel; the data files and their checksums.

Each item is a small function returning a ``CheckResult``, and none of them imports
TensorFlow or Keras at module level, so the check still runs (and says FAIL with a
remedy) when those packages are missing.
"""

import sys
from dataclasses import dataclass
from importlib import metadata

from course_utils.course_folder import in_course_folder
from course_utils.course_kernel import KERNEL_NAME, kernel_env

MINIMUM_PYTHON = (3, 11)
DISTRIBUTION = "course-utils"
# the "lab" extra (JupyterLab...) in a course folder; Colab or Kaggle bring their own Jupyter.
# The "test" extra is for contributors and CI.
EXTRAS_LEARNERS_NEED = {"lab"}
REINSTALL_FIX = "run `make reinstall` in the course folder: it installs the exact versions again"
PACKAGE_FIX = (
    "run the lesson's first cell (it installs course_utils) again, then restart the kernel"
)
# the two builds of TensorFlow: either one satisfies a requirement on the other
SAME_PACKAGE = {"tensorflow-cpu": "tensorflow", "tensorflow": "tensorflow-cpu"}


def setup_fix():
    """How to repair the installation, for where the course runs.

    >>> setup_fix()
    'run `make reinstall` in the course folder: it installs the exact versions again'
    """
    return REINSTALL_FIX if in_course_folder() else PACKAGE_FIX


@dataclass(frozen=True)
class CheckResult:
    """One line of the report: what was checked, whether the lessons can run with it (``ok``),
    and how to fix it (``fix``); ``warning``, for an ``ok`` item, says what is worth knowing.

    >>> print(CheckResult("packages", True, "keras 3.10.0 (the course pins 3.15)", warning="..."))
    WARN  packages: keras 3.10.0 (the course pins 3.15)
          note: ...
    """

    item: str
    ok: bool
    detail: str
    fix: str = ""
    warning: str = ""

    def __str__(self):
        if not self.ok:
            return f"FAIL  {self.item}: {self.detail}\n      fix: {self.fix}"
        if self.warning:
            return f"WARN  {self.item}: {self.detail}\n      note: {self.warning}"
        return f"OK    {self.item}: {self.detail}"


def check_python():
    version = ".".join(map(str, sys.version_info[:3]))
    needed = ".".join(map(str, MINIMUM_PYTHON))
    if sys.version_info >= MINIMUM_PYTHON:
        return CheckResult("Python", True, version)
    return CheckResult(
        "Python",
        False,
        f"{version} is too old (the course needs {needed} or newer)",
        f"install Python {needed} or newer, then in the course folder: "
        f"`make clean` and `make lab PYTHON=python{needed}` (or any newer python3.x)",
    )


def _required_packages():
    """The requirements course_utils declares, with the extras learners need."""
    from packaging.requirements import Requirement

    extras = ("", *(EXTRAS_LEARNERS_NEED if in_course_folder() else ()))
    wanted = []
    for text in metadata.requires(DISTRIBUTION) or []:
        requirement = Requirement(text)
        marker = requirement.marker  # platform markers, and "extra == 'lab'" for optional groups
        if marker is None or any(marker.evaluate({"extra": extra}) for extra in extras):
            wanted.append(requirement)
    return wanted


def installed_version(name):
    """The installed version of ``name`` (either build, for TensorFlow), or None.

    >>> installed_version("no-such-package-for-the-course") is None
    True
    """
    for candidate in (name, SAME_PACKAGE.get(name)):
        try:
            return metadata.version(candidate) if candidate else None
        except metadata.PackageNotFoundError:
            continue
    return None


def _same_major(version, specifier):
    """Whether ``version`` has the major release every version ``specifier`` allows has."""
    from packaging.version import Version

    floors = [Version(spec.version) for spec in specifier if spec.operator in (">=", "==", "~=")]
    return all(Version(version).major == floor.major for floor in floors)


def check_packages():
    try:
        requirements = _required_packages()
    except metadata.PackageNotFoundError:
        return CheckResult("packages", False, "course_utils is not installed", setup_fix())
    missing, other_major, other_minor, found = [], [], [], []
    for requirement in requirements:
        installed = installed_version(requirement.name)
        pin = f"{requirement.name}{requirement.specifier}"
        if installed is None:
            missing.append((f"{requirement.name} is missing (needs {requirement.specifier})", pin))
        elif requirement.specifier.contains(installed, prereleases=True):
            found.append(f"{requirement.name} {installed}")
        elif in_course_folder() or not _same_major(installed, requirement.specifier):
            other_major.append(
                (f"{requirement.name} {installed} (needs {requirement.specifier})", pin)
            )
        else:
            other_minor.append(
                f"{requirement.name} {installed} (the course pins {requirement.specifier})"
            )
    failures = missing + other_major
    if failures:
        fix = setup_fix()
        if not in_course_folder():
            pins = " ".join(f'"{pin}"' for _, pin in failures)
            fix = f"run `%pip install {pins}` in a notebook cell, then restart the kernel"
        return CheckResult("packages", False, "; ".join(text for text, _ in failures), fix)
    if other_minor:
        return CheckResult(
            "packages",
            True,
            "; ".join(other_minor),
            warning="the lessons run, but their numbers may differ from the stored lesson in "
            "the later digits (this platform brings its own versions)",
        )
    return CheckResult("packages", True, ", ".join(found))


def check_devices():
    import tensorflow as tf

    devices = tf.config.list_physical_devices()
    names = ", ".join(d.name.replace("/physical_device:", "") for d in devices)
    if not devices:
        return CheckResult("TensorFlow devices", False, "none found", setup_fix())
    has_gpu = any(d.device_type == "GPU" for d in devices)
    note = "" if has_gpu else " (no GPU: fine, every lesson runs on a CPU)"
    return CheckResult("TensorFlow devices", True, names + note)


def check_keras_fit():
    import keras
    import numpy as np

    keras.utils.set_random_seed(0)
    x = np.linspace(-1, 1, 40, dtype="float32").reshape(-1, 1)
    y = 2 * x + 1
    model = keras.Sequential([keras.Input(shape=(1,)), keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse")
    history = model.fit(x[::2], y[::2], validation_data=(x[1::2], y[1::2]), epochs=5, verbose=0)
    loss, val_loss = history.history["loss"], history.history["val_loss"]
    if not (
        np.all(np.isfinite(loss + val_loss)) and loss[-1] < loss[0] and val_loss[-1] < val_loss[0]
    ):
        return CheckResult(
            "Keras fit",
            False,
            f"losses did not go down (loss {loss}, val_loss {val_loss})",
            f"{setup_fix()}; if it persists, ask your instructor",
        )
    detail = (
        f"5 epochs, loss {loss[0]:.2f} -> {loss[-1]:.2f}, "
        f"val_loss {val_loss[0]:.2f} -> {val_loss[-1]:.2f}"
    )
    return CheckResult("Keras fit", True, detail)


def check_kernel():
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

    if not in_course_folder():
        return CheckResult(
            "Jupyter kernel", True, "not needed: course_utils is installed as a package here"
        )
    try:
        spec = KernelSpecManager().get_kernel_spec(KERNEL_NAME)
    except NoSuchKernel:
        return CheckResult(
            "Jupyter kernel",
            False,
            f"kernel {KERNEL_NAME!r} is not registered",
            "run `make lab` (it registers the kernel), or: python -m course_utils install-kernel",
        )
    differing = differing_settings(spec.env, kernel_env())
    if differing:
        return CheckResult(
            "Jupyter kernel",
            False,
            f"kernel {KERNEL_NAME!r} does not carry the settings of course.env: "
            + "; ".join(differing),
            "register it again: python -m course_utils install-kernel",
        )
    return CheckResult("Jupyter kernel", True, f"{KERNEL_NAME!r} ({spec.display_name})")


def differing_settings(registered, wanted):
    """What differs between a kernel's ``registered`` settings and the ``wanted`` ones, one
    phrase per key; paths are compared after resolving symbolic links.

    >>> differing_settings({"A": "1", "B": "2"}, {"A": "1", "B": "3", "C": "4"})
    ['B is 2, not 3', 'C is missing (should be 4)']
    >>> differing_settings({"P": "/tmp/../tmp/x"}, {"P": "/tmp/x"})
    []
    """
    from pathlib import Path

    def same(value, other):
        return value == other or (
            "/" in value and "/" in other and Path(value).resolve() == Path(other).resolve()
        )

    differing = []
    for key in sorted(registered.keys() | wanted.keys()):
        value, other = registered.get(key), wanted.get(key)
        if other is None:
            differing.append(f"{key} is set, and should not be")
        elif value is None:
            differing.append(f"{key} is missing (should be {other})")
        elif not same(value, other):
            differing.append(f"{key} is {value}, not {other}")
    return differing


def check_data():
    from course_utils.datasets import dataset_names, verify_datasets

    problems = verify_datasets()
    if problems:
        return CheckResult(
            "data files", False, "; ".join(problems), "restore them as each message says"
        )
    return CheckResult("data files", True, f"{len(dataset_names())} datasets, checksums match")


CHECKS = (check_python, check_packages, check_devices, check_keras_fit, check_kernel, check_data)


def _run_one(check):
    """Run one check; an unexpected error becomes a FAIL line instead of a traceback."""
    try:
        return check()
    except ImportError as error:
        return CheckResult(
            check.__name__.removeprefix("check_"),
            False,
            f"cannot import {error.name}",
            setup_fix(),
        )
    except Exception as error:  # the report must reach its end whatever breaks
        return CheckResult(
            check.__name__.removeprefix("check_"),
            False,
            f"{type(error).__name__}: {error}",
            setup_fix(),
        )


def run_environment_check(print_line=print, checks=None):
    """Run every check (``checks``, default ``CHECKS``), print one line each, and return
    True when the lessons can run: no item FAILs (a WARN is ready, with a note).

    >>> def python_ok():
    ...     return CheckResult("Python", True, "3.12.3")
    >>> def kernel_missing():
    ...     return CheckResult("Jupyter kernel", False, "not registered", "run `make lab`")
    >>> def crashes():
    ...     raise RuntimeError("disk on fire")
    >>> run_environment_check(checks=(python_ok,))
    OK    Python: 3.12.3
    All OK: you are ready for the course.
    True
    >>> run_environment_check(checks=(python_ok, kernel_missing, crashes))  # doctest: +ELLIPSIS
    OK    Python: 3.12.3
    FAIL  Jupyter kernel: not registered
          fix: run `make lab`
    FAIL  crashes: RuntimeError: disk on fire
          fix: run `make reinstall` in the course folder: ...
    2 item(s) FAILED: follow the fix lines above, then run the check again.
    False
    """
    results = [_run_one(check) for check in (CHECKS if checks is None else checks)]
    for result in results:
        print_line(str(result))
    failed = sum(not r.ok for r in results)
    warned = sum(r.ok and bool(r.warning) for r in results)
    if failed:
        print_line(
            f"{failed} item(s) FAILED: follow the fix lines above, then run the check again."
        )
    elif warned:
        print_line(f"Ready for the course, with {warned} warning(s): read the notes above.")
    else:
        print_line("All OK: you are ready for the course.")
    return failed == 0
