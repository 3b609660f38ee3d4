"""Regenerate every file in data/ byte for byte: the CSV files, manifest.json and README.md.
A wheel or a `pip install` from the repository's URL carries them as course_utils/data/
(pyproject.toml maps data/ onto that package).

    python tools/make_data.py            # rewrite data/
    python tools/make_data.py OUT_DIR    # write the same files into OUT_DIR instead

Every random draw has a fixed seed, every number is written with one fixed format
(FLOAT_FORMAT) and every line ends in "\\n", so running this twice gives identical files.
The tests regenerate into a temporary folder and compare byte for byte with data/.
"""

import csv
import hashlib
import io
import json
import sys
from pathlib import Path

import numpy as np
from sklearn.datasets import (
    load_breast_cancer,
    load_diabetes,
    load_digits,
    make_classification,
)

DATA_DIR = Path(__file__).resolve().parents[1] / "data"

# 8 significant digits: more than any lesson needs, and few enough that a last-bit
# difference in floating-point maths (another CPU, another BLAS) does not change the text.
# The two real datasets have at most 6 significant digits, so they are written unchanged.
FLOAT_FORMAT = ".8g"

SYNTHETIC_LICENCE = (
    "MIT, the licence of this repository (see LICENSE): synthetic data made by tools/make_data.py."
)


def noisy_line():
    x = np.linspace(-1, 1, 100)
    y = 2 * x + 1 + np.random.default_rng(0).normal(0, 0.2, size=100)
    return ["x"], x.reshape(-1, 1), y


def classification(n_samples):
    X, y = make_classification(n_samples=n_samples, n_features=10, n_informative=5, random_state=42)
    return [f"x{i}" for i in range(1, 11)], X, y


def breast_cancer():
    bunch = load_breast_cancer()
    return list(bunch.feature_names), bunch.data, bunch.target


def diabetes():
    bunch = load_diabetes(scaled=False)
    return list(bunch.feature_names), bunch.data, bunch.target


def digits():
    bunch = load_digits()
    return list(bunch.feature_names), bunch.data, bunch.target


def imbalanced():
    X, y = make_classification(
        n_samples=5000, n_features=10, n_informative=4, weights=[0.95], random_state=7
    )
    return [f"x{i}" for i in range(1, 11)], X, y


CLASSIFICATION_SOURCE = (
    "Synthetic: sklearn.datasets.make_classification(n_samples={n}, n_features=10, "
    "n_informative=5, random_state=42), every other argument at its default "
    "(n_redundant=2, n_classes=2, flip_y=0.01, class_sep=1.0, shuffle=True); "
    "columns x1..x10 are the generator's features in order, y its labels; numbers written "
    f"with format(value, {FLOAT_FORMAT!r})."
)

DATASETS = {
    "noisy_line": {
        "make": noisy_line,
        "task": "regression",
        "description": (
            "The seed article's line with noise: 100 points, x evenly spaced from -1 to 1 "
            "and kept sorted (lesson 01 shows why the last 20 % of a sorted range is a bad "
            "validation set), y = 2x + 1 + noise."
        ),
        "source": (
            "Synthetic: x = numpy.linspace(-1, 1, 100); "
            "y = 2 * x + 1 + numpy.random.default_rng(0).normal(0, 0.2, size=100); numbers "
            f"written with format(value, {FLOAT_FORMAT!r})."
        ),
        "licence": SYNTHETIC_LICENCE,
    },
    "classification": {
        "make": lambda: classification(100),
        "task": "binary classification",
        "description": (
            "The seed article's classification data: 100 rows, 10 features (5 informative), "
            "labels 0 and 1. Lesson 02 overfits a 64-unit network on its 80 training rows."
        ),
        "source": CLASSIFICATION_SOURCE.format(n=100),
        "licence": SYNTHETIC_LICENCE,
    },
    "classification_large": {
        "make": lambda: classification(2000),
        "task": "binary classification",
        "description": (
            'The same generator settings with 2,000 rows, for "more data" experiments. '
            "Its first 100 rows are not the rows of `classification`."
        ),
        "source": CLASSIFICATION_SOURCE.format(n=2000),
        "licence": SYNTHETIC_LICENCE,
    },
    "breast_cancer": {
        "make": breast_cancer,
        "task": "binary classification",
        "description": (
            "Breast Cancer Wisconsin (Diagnostic): 569 tumours, 30 measurements of cell "
            "nuclei from a fine-needle aspirate image. y: 0 = malignant (212 rows), "
            "1 = benign (357 rows), as scikit-learn codes it."
        ),
        "source": (
            "Real data, copied unchanged from the copy shipped inside scikit-learn "
            "(no download): sklearn.datasets.load_breast_cancer(); columns are its "
            "feature_names, y its target. Created by W. H. Wolberg, W. N. Street and "
            "O. L. Mangasarian, University of Wisconsin, November 1995; published in the UCI "
            'Machine Learning Repository as "Breast Cancer Wisconsin (Diagnostic)", '
            "https://archive.ics.uci.edu/dataset/17/breast+cancer+wisconsin+diagnostic . "
            'Cite: W. N. Street, W. H. Wolberg and O. L. Mangasarian, "Nuclear feature '
            'extraction for breast tumor diagnosis", IS&T/SPIE Electronic Imaging 1993, '
            "vol. 1905, pp. 861-870."
        ),
        "licence": (
            "CC BY 4.0, the licence of the UCI Machine Learning Repository's datasets "
            "(credit the creators, see source). The copy inside scikit-learn is "
            "redistributed under scikit-learn's BSD-3-Clause licence."
        ),
    },
    "diabetes": {
        "make": diabetes,
        "task": "regression",
        "description": (
            "Diabetes: 442 patients, 10 baseline measurements in their original units "
            "(age in years, sex coded 1/2, body-mass index, mean blood pressure, six blood "
            "serum measurements s1..s6). y: a measure of disease progression one year later "
            "(25 to 346)."
        ),
        "source": (
            "Real data, copied unchanged from the copy shipped inside scikit-learn "
            "(no download): sklearn.datasets.load_diabetes(scaled=False), i.e. without "
            "scikit-learn's default column scaling; columns are its feature_names, y its "
            'target. From B. Efron, T. Hastie, I. Johnstone and R. Tibshirani, "Least '
            'Angle Regression", Annals of Statistics 32(2), 2004, pp. 407-499; data page '
            "https://www4.stat.ncsu.edu/~boos/var.select/diabetes.html ."
        ),
        "licence": (
            "No licence is stated by the authors. Used as redistributed with scikit-learn "
            "under its BSD-3-Clause licence; cite Efron et al. (2004)."
        ),
    },
    "digits": {
        "make": digits,
        "task": "multi-class classification",
        "description": (
            "Handwritten digits: 1,797 images of 8 x 8 pixels, each pixel a count from 0 "
            "(white) to 16 (black), read row by row. y: the digit shown, 0 to 9 (about 180 "
            "of each)."
        ),
        "source": (
            "Real data, copied unchanged from the copy shipped inside scikit-learn "
            "(no download): sklearn.datasets.load_digits(); columns are its feature_names "
            "(pixel_<row>_<column>), y its target. The test set of the UCI Machine Learning "
            'Repository\'s "Optical Recognition of Handwritten Digits" by E. Alpaydin and '
            "C. Kaynak (1998), https://archive.ics.uci.edu/dataset/80 ."
        ),
        "licence": (
            "CC BY 4.0, the licence of the UCI Machine Learning Repository's datasets "
            "(credit the creators, see source). The copy inside scikit-learn is "
            "redistributed under scikit-learn's BSD-3-Clause licence."
        ),
    },
    "imbalanced": {
        "make": imbalanced,
        "task": "binary classification",
        "description": (
            "A rare class, as in fraud or disease screening: 5,000 rows, 10 features "
            "(4 informative), labels 0 and 1 with 5.5 % of 1s (275 rows)."
        ),
        "source": (
            "Synthetic: sklearn.datasets.make_classification(n_samples=5000, n_features=10, "
            "n_informative=4, weights=[0.95], random_state=7), every other argument at its "
            "default (n_redundant=2, flip_y=0.01, class_sep=1.0, shuffle=True); columns "
            "x1..x10 are the generator's features in order, y its labels; numbers written "
            f"with format(value, {FLOAT_FORMAT!r})."
        ),
        "licence": SYNTHETIC_LICENCE,
    },
}


def csv_text(columns, X, y):
    """The CSV file's text: a header row, then the features and the target column ``y``."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([*columns, "y"])
    for features, target in zip(X, y, strict=True):
        writer.writerow(format(value, FLOAT_FORMAT) for value in (*features, target))
    return buffer.getvalue()


def readme_text(manifest):
    """data/README.md, written from the manifest so the two always agree."""
    lines = [
        "# The course's datasets",
        "",
        "Generated by `python tools/make_data.py` (do not edit by hand: this file, the CSV",
        "files and `manifest.json` are all written by that script, byte for byte).",
        "",
        "Each CSV file has a header row, then one row per example: the feature columns,",
        f"then the target column `y`. Numbers are written with Python's `{FLOAT_FORMAT}` format",
        "and lines end in `\\n`. `manifest.json` records each file's rows, columns, task,",
        "SHA-256 checksum, source and licence; `course_utils.load_dataset(name)` checks the",
        "checksum before it reads a file. Generated with the NumPy and scikit-learn versions",
        "pinned in `requirements.lock`. Each dataset's *Made by* line is the command, and its",
        "*Source* line the exact call with its arguments.",
        "",
        "A wheel, or `pip install` from the repository's URL, carries these files inside the",
        "package as `course_utils/data/` (`pyproject.toml` maps `data/` onto it).",
        "",
        "If a file is missing or was changed, restore it in the course folder with",
        "`git checkout -- data/<file>` or regenerate every file with",
        "`python tools/make_data.py`. Where `course_utils` was installed with pip (a wheel, or",
        "the repository's URL, as in Colab or Kaggle), run the same `pip install` again with",
        "`--force-reinstall --no-deps`.",
        "",
        "| name | file | rows | features | task |",
        "| --- | --- | --- | --- | --- |",
    ]
    for name, entry in manifest.items():
        lines.append(
            f"| `{name}` | `{entry['file']}` | {entry['rows']} | "
            f"{len(entry['columns']) - 1} | {entry['task']} |"
        )
    for name, entry in manifest.items():
        lines += [
            "",
            f"## `{name}`",
            "",
            entry["description"],
            "",
            f"- File: `{entry['file']}`",
            f"- Rows: {entry['rows']}",
            f"- Columns: {', '.join(f'`{column}`' for column in entry['columns'])}",
            f"- SHA-256: `{entry['sha256']}`",
            "- Made by: `python tools/make_data.py` (it writes every file here at once)",
            f"- Source: {entry['source']}",
            f"- Licence: {entry['licence']}",
        ]
    return "\n".join(lines) + "\n"


def write_data(out_dir):
    """Write every CSV file, manifest.json and README.md into ``out_dir``."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    manifest = {}
    for name, spec in DATASETS.items():
        columns, X, y = spec["make"]()
        content = csv_text(columns, X, y).encode("utf-8")
        file = f"{name}.csv"
        (out_dir / file).write_bytes(content)
        manifest[name] = {
            "file": file,
            "rows": len(y),
            "columns": [*columns, "y"],
            "task": spec["task"],
            "sha256": hashlib.sha256(content).hexdigest(),
            "description": spec["description"],
            "source": spec["source"],
            "licence": spec["licence"],
        }
    manifest_text = json.dumps(manifest, indent=2, ensure_ascii=False) + "\n"
    (out_dir / "manifest.json").write_bytes(manifest_text.encode("utf-8"))
    (out_dir / "README.md").write_bytes(readme_text(manifest).encode("utf-8"))


def main(args):
    if len(args) > 1:
        sys.exit("usage: python tools/make_data.py [OUT_DIR]   (default: data/)")
    out_dir = Path(args[0]) if args else DATA_DIR
    write_data(out_dir)
    print(f"wrote {len(DATASETS)} datasets, manifest.json and README.md to {out_dir}")


if __name__ == "__main__":
    main(sys.argv[1:])
