"""The environment check learners run the day before a workshop.

``python -m course_utils check`` (or ``make check``) prints one line per item, OK or FAIL,
and for each FAIL how to fix it. It exits with status 0 only when everything is OK.

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
SETUP_FIX = "run `make lab` (or `make check`) in the course folder; it installs the exact versions"


@dataclass(frozen=True)
class CheckResult:
    """One line of the report: what was checked, whether it passed, and how to fix it."""

    item: str
    ok: bool
    detail: str
    fix: str = ""

    def __str__(self):
        line = f"{'OK  ' if self.ok else 'FAIL'}  {self.item}: {self.detail}"
        return line if self.ok else f"{line}\n      fix: {self.fix}"


def check_python():
    version = ".".join(map(str, sys.version_info[:3]))
    needed = ".".join(map(str, MINIMUM_PYTHON))
    if sys.version_info >= MINIMUM_PYTHON:
        return CheckResult("Python", True, version)
    return CheckResult(
        "Python",
        False,
        f"{version} is too old (the course needs {needed} or newer)",
        f"install Python {needed} or newer, then run `make lab` again",
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


def check_packages():
    try:
        requirements = _required_packages()
    except metadata.PackageNotFoundError:
        return CheckResult("packages", False, "course_utils is not installed", SETUP_FIX)
    problems = []
    for requirement in requirements:
        try:
            installed = metadata.version(requirement.name)
        except metadata.PackageNotFoundError:
            problems.append(f"{requirement.name} is missing (needs {requirement.specifier})")
            continue
        if not requirement.specifier.contains(installed, prereleases=True):
            problems.append(f"{requirement.name} {installed} (needs {requirement.specifier})")
    if problems:
        return CheckResult("packages", False, "; ".join(problems), SETUP_FIX)
    names = ", ".join(f"{r.name} {metadata.version(r.name)}" for r in requirements)
    return CheckResult("packages", True, names)


def check_devices():
    import tensorflow as tf

    devices = tf.config.list_physical_devices()
    names = ", ".join(d.name.replace("/physical_device:", "") for d in devices)
    if not devices:
        return CheckResult("TensorFlow devices", False, "none found", SETUP_FIX)
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
            "reinstall with `make clean lab`; if it persists, ask your instructor",
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
    if spec.env != kernel_env():
        return CheckResult(
            "Jupyter kernel",
            False,
            f"kernel {KERNEL_NAME!r} does not carry the settings of course.env",
            "register it again: python -m course_utils install-kernel",
        )
    return CheckResult("Jupyter kernel", True, f"{KERNEL_NAME!r} ({spec.display_name})")


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
            check.__name__.removeprefix("check_"), False, f"cannot import {error.name}", SETUP_FIX
        )
    except Exception as error:  # the report must reach its end whatever breaks
        return CheckResult(
            check.__name__.removeprefix("check_"),
            False,
            f"{type(error).__name__}: {error}",
            SETUP_FIX,
        )


def run_environment_check(print_line=print, checks=None):
    """Run every check (``checks``, default ``CHECKS``), print one line each, and return
    True when all are OK.

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
          fix: run `make lab` (or `make check`) in the course folder; ...
    2 item(s) FAILED: follow the fix lines above, then run the check again.
    False
    """
    results = [_run_one(check) for check in (CHECKS if checks is None else checks)]
    for result in results:
        print_line(str(result))
    failed = sum(not r.ok for r in results)
    print_line(
        "All OK: you are ready for the course."
        if not failed
        else f"{failed} item(s) FAILED: follow the fix lines above, then run the check again."
    )
    return failed == 0
