"""The course's Jupyter kernel and its fixed execution environment.

``course.env`` at the repository root lists the settings (seeds, thread counts, log
level) that every run of the notebooks shares: the Makefile exports them to its commands,
and ``install_course_kernel`` writes them into the kernel JupyterLab starts, so a learner's
kernel, nbval in CI and ``make notebooks`` compute with the same settings. The kernel also
learns where this environment's ``tensorboard`` command is, for ``%tensorboard``.

    python -m course_utils install-kernel

Installed as a package (a wheel, ``pip install git+...``: Colab, Kaggle), course_utils has no
course folder and so no ``course.env``: notebooks run in the kernel they were opened with.
"""

import sys
import sysconfig
from pathlib import Path

from course_utils.course_folder import COURSE_ENV_FILE

# the one spelling of the kernel's name: tools/execute_notebooks.py and hub/ import it
KERNEL_NAME = "loss-course"
DISPLAY_NAME = "Python 3 (loss course)"


def read_course_env(path=COURSE_ENV_FILE):
    """Return the KEY=VALUE settings of ``course.env`` as a dict (comments skipped).

    >>> read_course_env()["PYTHONHASHSEED"]
    '0'
    """
    settings = {}
    for number, line in enumerate(Path(path).read_text().splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        key, equals, value = line.partition("=")
        if not equals or not key.isidentifier():
            raise ValueError(
                f"{path}, line {number}: expected KEY=VALUE, got {line!r}; fix that line."
            )
        settings[key] = value
    return settings


def kernel_env():
    """The kernel's environment: ``course.env``, plus ``TENSORBOARD_BINARY``, the
    ``tensorboard`` command of this environment. ``%tensorboard`` in a notebook starts that
    command, and a kernel's PATH need not include the environment's scripts folder.

    >>> Path(kernel_env()["TENSORBOARD_BINARY"]).name in ("tensorboard", "tensorboard.exe")
    True
    """
    command = "tensorboard.exe" if sys.platform == "win32" else "tensorboard"
    return {
        **read_course_env(),
        "TENSORBOARD_BINARY": str(Path(sysconfig.get_path("scripts")) / command),
    }


def install_course_kernel(prefix=sys.prefix):
    """Register the course's kernel for this Python, with ``kernel_env()`` as its environment.

    ``prefix`` is where the kernel spec goes (default: this environment, so the venv's
    JupyterLab finds it). Returns the directory the spec was written to.
    """
    from ipykernel.kernelspec import install

    return install(
        kernel_name=KERNEL_NAME, display_name=DISPLAY_NAME, prefix=prefix, env=kernel_env()
    )


def in_jupyter_kernel():
    """True when this code runs in a Jupyter kernel (JupyterLab, nbclient, nbval); False in a
    script, a terminal or a terminal IPython.

    >>> in_jupyter_kernel()  # doctests run outside any kernel
    False
    """
    ipython = sys.modules.get("IPython")  # every kernel has imported it: cheap to check
    shell = ipython.get_ipython() if ipython is not None else None
    return getattr(shell, "kernel", None) is not None
