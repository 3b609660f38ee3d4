"""data/, tools/make_data.py and course_utils.datasets: files, checksums, the README, loader,
errors, and the package mapping that carries the files into a wheel as course_utils/data/."""

import hashlib
import importlib.util
import json
import re
import shutil
import tomllib
from fnmatch import fnmatch
from pathlib import Path

import numpy as np
import pytest
from sklearn.datasets import load_breast_cancer, load_diabetes, make_classification

from course_utils import course_folder, datasets
from course_utils.datasets import dataset_names, load_dataset, verify_datasets

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
EXPECTED_NAMES = [
    "noisy_line",
    "classification",
    "classification_large",
    "breast_cancer",
    "diabetes",
    "digits",
    "imbalanced",
]


def _import_make_data():
    spec = importlib.util.spec_from_file_location("make_data", ROOT / "tools" / "make_data.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def data_copy(tmp_path, monkeypatch):
    """A copy of data/ that the loader reads instead of the real one."""
    copy = tmp_path / "data"
    shutil.copytree(DATA, copy)
    monkeypatch.setattr(datasets, "DATA_DIR", copy)
    return copy


def _manifest():
    return json.loads((DATA / "manifest.json").read_text(encoding="utf-8"))


def readme_disagreements(readme, manifest):
    """Where data/README.md (its text ``readme``) and ``manifest`` disagree, as a list: the
    datasets it describes, and for each its file, rows, columns, SHA-256, how it was made,
    source and licence."""
    parts = re.split(r"^## `(\w+)`$", readme, flags=re.MULTILINE)
    names, texts = parts[1::2], parts[2::2]
    sections = {name: set(text.splitlines()) for name, text in zip(names, texts, strict=True)}
    problems = []
    if list(sections) != list(manifest):
        problems.append(f"README.md describes {list(sections)}, manifest.json {list(manifest)}")
    for name, entry in manifest.items():
        expected = {
            "file": f"- File: `{entry['file']}`",
            "rows": f"- Rows: {entry['rows']}",
            "columns": "- Columns: " + ", ".join(f"`{column}`" for column in entry["columns"]),
            "sha256": f"- SHA-256: `{entry['sha256']}`",
            "how it was made": "- Made by: `python tools/make_data.py` (it writes every file "
            "here at once)",
            "source": f"- Source: {entry['source']}",
            "licence": f"- Licence: {entry['licence']}",
        }
        lines = sections.get(name, set())
        problems += [f"{name}: {what}" for what, line in expected.items() if line not in lines]
    return problems


# --- the files in data/ ----------------------------------------------------------------------


def test_make_data_regenerates_every_file_byte_for_byte(tmp_path):
    _import_make_data().write_data(tmp_path)
    regenerated = sorted(path.name for path in tmp_path.iterdir())
    assert regenerated == sorted(path.name for path in DATA.iterdir())
    for name in regenerated:
        assert (tmp_path / name).read_bytes() == (DATA / name).read_bytes(), name


def test_manifest_hashes_match_the_files():
    for name, entry in _manifest().items():
        content = (DATA / entry["file"]).read_bytes()
        assert hashlib.sha256(content).hexdigest() == entry["sha256"], name


def test_readme_states_what_the_manifest_records():
    readme = (DATA / "README.md").read_text(encoding="utf-8")
    assert readme_disagreements(readme, _manifest()) == []


def test_readme_and_manifest_drifting_apart_is_caught():
    readme, manifest = (DATA / "README.md").read_text(encoding="utf-8"), _manifest()
    drifted = json.loads(json.dumps(manifest))
    drifted["digits"]["sha256"] = "0" * 64
    drifted["diabetes"]["rows"] = 443
    assert readme_disagreements(readme, drifted) == ["diabetes: rows", "digits: sha256"]
    edited = readme.replace("- Licence: CC BY 4.0", "- Licence: CC0", 1)
    assert readme_disagreements(edited, manifest) == ["breast_cancer: licence"]
    without_imbalanced = readme[: readme.index("## `imbalanced`")]
    assert readme_disagreements(without_imbalanced, manifest)[0].startswith("README.md describes")


def test_manifest_records_what_the_brief_asks_for():
    manifest = _manifest()
    assert list(manifest) == EXPECTED_NAMES
    for name, entry in manifest.items():
        assert entry["file"] == f"{name}.csv"
        assert entry["task"] in (
            "regression",
            "binary classification",
            "multi-class classification",
        )
        assert entry["columns"][-1] == "y"
        assert entry["source"] and entry["licence"]


def test_csv_files_have_a_header_and_unix_line_endings():
    for entry in _manifest().values():
        content = (DATA / entry["file"]).read_bytes()
        assert b"\r" not in content
        lines = content.decode("utf-8").split("\n")
        assert lines[-1] == ""  # the file ends with a newline
        assert lines[0].split(",") == entry["columns"]
        assert len(lines) - 2 == entry["rows"]


def test_data_stays_small():
    assert sum(path.stat().st_size for path in DATA.iterdir()) < 1_500_000  # 1.2 MB today


def test_package_data_carries_every_data_file():
    """pyproject.toml maps data/ onto the package course_utils.data and its package data names
    every file, so a wheel carries the whole folder (tests/test_wheel.py builds one and loads
    the data from it)."""
    setuptools = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"][
        "setuptools"
    ]
    assert "course_utils.data" in setuptools["packages"]
    assert setuptools["package-dir"] == {"course_utils.data": "data"}
    patterns = setuptools["package-data"]["course_utils.data"]
    for path in DATA.iterdir():
        assert any(fnmatch(path.name, pattern) for pattern in patterns), path.name


def test_in_the_course_folder_the_loader_reads_data():
    """An editable install (the course's .venv) reads the repository's data/ itself."""
    assert datasets.DATA_DIR == DATA


def test_real_datasets_are_sklearn_copies_unchanged():
    X, y = load_dataset("breast_cancer")
    bunch = load_breast_cancer()
    np.testing.assert_array_equal(X, bunch.data)
    np.testing.assert_array_equal(y, bunch.target)
    X, y = load_dataset("diabetes")
    bunch = load_diabetes(scaled=False)
    np.testing.assert_array_equal(X, bunch.data)
    np.testing.assert_array_equal(y, bunch.target)


@pytest.mark.parametrize(
    ("name", "n_samples"), [("classification", 100), ("classification_large", 2000)]
)
def test_classification_data_is_make_classification(name, n_samples):
    X, y = load_dataset(name)
    X_expected, y_expected = make_classification(
        n_samples=n_samples, n_features=10, n_informative=5, random_state=42
    )
    np.testing.assert_allclose(X, X_expected, rtol=1e-7, atol=0)  # written with 8 digits
    np.testing.assert_array_equal(y, y_expected)


def test_noisy_line_is_a_sorted_line_with_noise_sd_0_2():
    X, y = load_dataset("noisy_line")
    np.testing.assert_allclose(X[:, 0], np.linspace(-1, 1, 100), atol=1e-8)
    assert np.all(np.diff(X[:, 0]) > 0)
    noise = y - (2 * X[:, 0] + 1)
    assert abs(noise.mean()) < 0.06
    assert 0.15 < noise.std() < 0.25


# --- load_dataset, dataset_names, verify_datasets ------------------------------------------


@pytest.mark.parametrize("name", EXPECTED_NAMES)
def test_load_dataset_shapes_and_dtypes_follow_the_manifest(name):
    entry = _manifest()[name]
    X, y = load_dataset(name)
    assert X.shape == (entry["rows"], len(entry["columns"]) - 1)
    assert y.shape == (entry["rows"],)
    assert X.dtype == np.float64
    if entry["task"] == "binary classification":
        assert y.dtype == np.int64
        assert set(np.unique(y).tolist()) == {0, 1}
    elif entry["task"] == "multi-class classification":
        assert y.dtype == np.int64
        assert set(np.unique(y).tolist()) == set(range(int(y.max()) + 1))
    else:
        assert y.dtype == np.float64


def test_dataset_names_lists_the_manifest_in_order():
    assert dataset_names() == EXPECTED_NAMES


def test_verify_datasets_is_empty_when_everything_matches(data_copy):
    assert verify_datasets() == []


def test_changed_file_raises_a_helpful_error(data_copy):
    path = data_copy / "classification.csv"
    content = path.read_bytes()
    path.write_bytes(content.replace(b",0\n", b",1\n", 1))

    with pytest.raises(ValueError, match="classification.csv has been changed") as error:
        load_dataset("classification")
    assert "git checkout -- data/classification.csv" in str(error.value)
    assert "python tools/make_data.py" in str(error.value)

    problems = verify_datasets()
    assert len(problems) == 1
    assert str(path) in problems[0]
    assert "git checkout -- data/classification.csv" in problems[0]
    load_dataset("noisy_line")  # the other files still load


def test_missing_file_raises_file_not_found_and_is_reported(data_copy):
    (data_copy / "diabetes.csv").unlink()
    with pytest.raises(FileNotFoundError, match="diabetes.csv is missing") as error:
        load_dataset("diabetes")
    assert "git checkout -- data/diabetes.csv" in str(error.value)
    problems = verify_datasets()
    assert len(problems) == 1 and "diabetes.csv is missing" in problems[0]


def test_every_broken_file_is_reported_not_only_the_first(data_copy):
    (data_copy / "noisy_line.csv").unlink()
    with open(data_copy / "digits.csv", "a") as file:
        file.write("0\n")
    problems = verify_datasets()
    assert len(problems) == 2
    assert "noisy_line.csv is missing" in problems[0]
    assert "digits.csv has been changed" in problems[1]


def test_missing_manifest_is_reported(data_copy):
    (data_copy / "manifest.json").unlink()
    with pytest.raises(FileNotFoundError, match="manifest.json is missing"):
        load_dataset("noisy_line")
    problems = verify_datasets()
    assert len(problems) == 1 and "git checkout -- data/manifest.json" in problems[0]


def test_broken_manifest_is_reported(data_copy):
    (data_copy / "manifest.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(ValueError, match="manifest.json is not valid JSON"):
        dataset_names()
    problems = verify_datasets()
    assert len(problems) == 1 and "manifest.json is not valid JSON" in problems[0]
    assert "git checkout -- data/manifest.json" in problems[0]


def test_unknown_name_lists_the_known_names():
    with pytest.raises(ValueError, match="'noisy_lines' is not a course dataset") as error:
        load_dataset("noisy_lines")
    for name in EXPECTED_NAMES:
        assert name in str(error.value)


def test_name_must_be_a_string():
    with pytest.raises(TypeError, match="name must be a dataset name"):
        load_dataset(0)


def test_an_installed_package_says_to_reinstall_it(data_copy, monkeypatch, tmp_path):
    """Installed from a wheel or the repository's URL (no course folder around the package),
    the fix is a reinstall, not git."""
    monkeypatch.setattr(course_folder, "COURSE_ENV_FILE", tmp_path / "course.env")
    with open(data_copy / "noisy_line.csv", "a") as file:
        file.write("0.5,2.0\n")
    with pytest.raises(ValueError, match="noisy_line.csv has been changed") as error:
        load_dataset("noisy_line")
    message = str(error.value)
    assert "checksum" in message and str(data_copy / "noisy_line.csv") in message
    assert "--force-reinstall --no-deps" in message
    assert "git checkout" not in message
