"""Where course_utils runs from: a course folder (a clone of the repository) or an installed
package.

Installed editable from a clone (``make lab``, Binder, the local JupyterHub), the package sits
in the course folder, next to ``course.env`` and ``data/``. Installed from a wheel or the
repository's URL (Colab, Kaggle, ``pip install git+...``) it sits alone in site-packages and
carries the data inside itself, as ``course_utils/data/``. The kernel, the environment check
and the data loader all ask ``in_course_folder()``.
"""

from pathlib import Path

# the folder above the package: the course folder when installed editable from a clone,
# site-packages otherwise
COURSE_FOLDER = Path(__file__).resolve().parents[1]
COURSE_ENV_FILE = COURSE_FOLDER / "course.env"


def in_course_folder():
    """True when course_utils runs from a course folder (a clone, with its ``course.env``),
    False when it was installed as a package.

    >>> in_course_folder()
    True
    """
    return COURSE_ENV_FILE.is_file()
