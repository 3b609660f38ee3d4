"""The course's datasets: ``load_dataset(name)`` reads one CSV file from the course's data.

In the course folder (an editable install) the files are the repository's ``data/``; a regular
install (a wheel, or ``pip install`` from the repository's URL, as in Colab or Kaggle) carries
the same files inside the package, as ``course_utils/data/`` (``pyproject.toml`` maps the one
onto the other). ``manifest.json`` there records every file's SHA-256 checksum. Each file is
checked against it before it is read, so a lesson never runs on a file that was edited by
accident. ``verify_datasets()`` checks every file at once (the environment check uses it), and
``dataset_names()`` lists what there is. ``data/README.md`` says where each dataset comes from.
"""

import hashlib
import io
import json
from pathlib import Path

import numpy as np

from course_utils.course_folder import COURSE_FOLDER, in_course_folder

DATA_DIR = (
    COURSE_FOLDER / "data" if in_course_folder() else Path(__file__).resolve().parent / "data"
)

CLASSIFICATION_TASKS = ("binary classification", "multi-class classification")


def _how_to_restore(file):
    if in_course_folder():
        return (
            f"To restore it, run `git checkout -- data/{file}` in the course folder, or "
            "regenerate every data file with `python tools/make_data.py`."
        )
    return (
        "course_utils was installed as a package (with pip, e.g. by a notebook's first cell "
        "in Colab or Kaggle): to restore its data, run the same `pip install` command again "
        "with `--force-reinstall --no-deps` added."
    )


def _manifest():
    path = DATA_DIR / "manifest.json"
    if not path.is_file():
        raise FileNotFoundError(
            f"The datasets' manifest.json is missing (looked for {path}). "
            + _how_to_restore("manifest.json")
        )
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ValueError(
            f"The datasets' manifest.json is not valid JSON ({path}: {error}). "
            + _how_to_restore("manifest.json")
        ) from None


def _verified_text(entry):
    """The text of a dataset's file, once its SHA-256 checksum matches the manifest."""
    file = entry["file"]
    path = DATA_DIR / file
    if not path.is_file():
        raise FileNotFoundError(
            f"The data file {file} is missing (looked for {path}). " + _how_to_restore(file)
        )
    content = path.read_bytes()
    if hashlib.sha256(content).hexdigest() != entry["sha256"]:
        raise ValueError(
            f"The data file {file} has been changed ({path}): its SHA-256 checksum does not "
            "match the one in manifest.json. " + _how_to_restore(file)
        )
    return content.decode("utf-8")


def dataset_names():
    """The names ``load_dataset`` accepts, in the order of ``manifest.json``.

    >>> dataset_names()  # doctest: +NORMALIZE_WHITESPACE
    ['noisy_line', 'classification', 'classification_large', 'breast_cancer', 'diabetes',
     'digits', 'imbalanced']
    """
    return list(_manifest())


def load_dataset(name):
    """Load a course dataset as ``(X, y)`` after checking its file's checksum.

    ``X`` is a 2-D float64 array (rows, features). ``y`` is 1-D: float64 for regression,
    int64 for classification (0 or 1; 0 to K - 1 for K classes). ``dataset_names()`` lists
    the names.

    >>> X, y = load_dataset("noisy_line")
    >>> X.shape, y.shape, y.dtype.name
    ((100, 1), (100,), 'float64')
    >>> print(X[0, 0], X[-1, 0])  # sorted, from -1 to 1
    -1.0 1.0
    >>> X, y = load_dataset("classification")
    >>> X.shape, sorted(set(y.tolist())), y.dtype.name
    ((100, 10), [0, 1], 'int64')
    """
    if not isinstance(name, str):
        raise TypeError(
            f"name must be a dataset name such as 'noisy_line', got {type(name).__name__} "
            f"{name!r}. Known names: {', '.join(dataset_names())}."
        )
    manifest = _manifest()
    if name not in manifest:
        raise ValueError(
            f"name {name!r} is not a course dataset. Known names: {', '.join(manifest)}."
        )
    entry = manifest[name]
    table = np.loadtxt(io.StringIO(_verified_text(entry)), delimiter=",", skiprows=1, ndmin=2)
    X, y = table[:, :-1], table[:, -1]
    if entry["task"] in CLASSIFICATION_TASKS:
        y = y.astype(np.int64)
    return X, y


def verify_datasets():
    """Check every data file against ``manifest.json``; return the problems found.

    The list is empty when every file is present and unchanged. Each problem names the
    file and says how to restore it.

    >>> verify_datasets()
    []
    """
    try:
        manifest = _manifest()
    except (FileNotFoundError, ValueError) as error:
        return [str(error)]
    problems = []
    for entry in manifest.values():
        try:
            _verified_text(entry)
        except (FileNotFoundError, ValueError) as error:
            problems.append(str(error))
    return problems
