"""`python -m course_utils check`: OK lines when ready, FAIL lines with a fix otherwise."""

import re
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest

from course_utils import course_folder
from course_utils import environment_check as check
from course_utils.__main__ import main


def test_every_item_is_ok_in_the_course_environment(capsys):
    assert check.run_environment_check() is True
    lines = capsys.readouterr().out.splitlines()
    items = [line for line in lines if line.startswith(("OK", "FAIL"))]
    assert len(items) == len(check.CHECKS)
    assert all(line.startswith("OK") for line in items)
    assert lines[-1] == "All OK: you are ready for the course."


def test_each_ok_line_reports_what_it_found():
    import platform

    import tensorflow as tf

    from course_utils.datasets import dataset_names

    assert check.check_python().detail == platform.python_version()
    packages = check.check_packages().detail
    for requirement in check._required_packages():
        assert f"{requirement.name} {metadata.version(requirement.name)}" in packages
    devices = check.check_devices().detail
    for device in tf.config.list_physical_devices():
        assert device.name.removeprefix("/physical_device:") in devices
    assert check.check_kernel().detail.startswith(f"{check.KERNEL_NAME!r} (")
    assert check.check_data().detail == f"{len(dataset_names())} datasets, checksums match"


def test_the_keras_fit_reports_both_losses_going_down():
    result = check.check_keras_fit()
    numbers = re.fullmatch(r"5 epochs, loss (\S+) -> (\S+), val_loss (\S+) -> (\S+)", result.detail)
    assert result.ok and numbers, result.detail
    loss_first, loss_last, val_first, val_last = map(float, numbers.groups())
    assert loss_last < loss_first and val_last < val_first


def test_a_keras_fit_that_does_not_learn_fails_with_a_fix(monkeypatch):
    import keras

    real_sgd = keras.optimizers.SGD
    monkeypatch.setattr(keras.optimizers, "SGD", lambda learning_rate: real_sgd(0.0))
    result = check.check_keras_fit()
    assert not result.ok
    assert "losses did not go down" in result.detail and "make clean lab" in result.fix


def test_no_tensorflow_device_fails(monkeypatch):
    import tensorflow as tf

    monkeypatch.setattr(tf.config, "list_physical_devices", lambda: [])
    result = check.check_devices()
    assert not result.ok and result.detail == "none found" and "make lab" in result.fix


@pytest.mark.slow  # starts a kernel or a subprocess
def test_command_line_exit_status_is_zero_when_all_ok():
    result = subprocess.run(
        [sys.executable, "-m", "course_utils", "check"], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout
    assert "FAIL" not in result.stdout


def test_a_missing_package_fails_with_a_fix(monkeypatch):
    real_version = metadata.version

    def version_without_sklearn(name):
        if name == "scikit-learn":
            raise metadata.PackageNotFoundError(name)
        return real_version(name)

    monkeypatch.setattr(check.metadata, "version", version_without_sklearn)
    result = check.check_packages()
    assert not result.ok
    assert "scikit-learn is missing" in result.detail
    assert "make lab" in result.fix


def test_a_wrong_version_fails_and_names_the_needed_range(monkeypatch):
    real_version = metadata.version
    monkeypatch.setattr(
        check.metadata, "version", lambda name: "3.0.0" if name == "keras" else real_version(name)
    )
    result = check.check_packages()
    assert not result.ok
    assert "keras 3.0.0 (needs" in result.detail and "3.15" in result.detail


def test_a_missing_kernel_fails_with_the_command_that_registers_it(monkeypatch):
    monkeypatch.setattr(check, "KERNEL_NAME", "no-such-course-kernel")
    result = check.check_kernel()
    assert not result.ok
    assert "python -m course_utils install-kernel" in result.fix


def test_a_kernel_without_the_course_settings_fails(monkeypatch):
    monkeypatch.setattr(check, "kernel_env", lambda: {"PYTHONHASHSEED": "1"})
    result = check.check_kernel()
    assert not result.ok
    assert "course.env" in result.detail and "install-kernel" in result.fix


def test_the_kernel_finds_this_environments_tensorboard_command():
    """%tensorboard starts TENSORBOARD_BINARY; the kernel's PATH may lack the venv's scripts."""
    from course_utils.course_kernel import kernel_env, read_course_env

    env = kernel_env()
    assert Path(env.pop("TENSORBOARD_BINARY")).is_file()
    assert env == read_course_env()


def test_course_env_rejects_a_malformed_line(tmp_path):
    from course_utils.course_kernel import read_course_env

    settings = tmp_path / "course.env"
    settings.write_text("# comment\nA=1\nnot a setting\n")
    with pytest.raises(ValueError, match="line 3: expected KEY=VALUE"):
        read_course_env(settings)


def test_an_altered_data_file_fails_and_says_how_to_restore_it(monkeypatch, tmp_path):
    import shutil

    from course_utils import datasets

    copy = tmp_path / "data"
    shutil.copytree(datasets.DATA_DIR, copy)
    with open(copy / "noisy_line.csv", "a") as file:
        file.write("0.5,2.0\n")
    monkeypatch.setattr(datasets, "DATA_DIR", copy)
    result = check.check_data()
    assert not result.ok
    assert "noisy_line.csv" in result.detail
    assert "make_data.py" in result.detail or "git checkout" in result.detail


def test_old_python_fails(monkeypatch):
    monkeypatch.setattr(check, "MINIMUM_PYTHON", (99, 0))
    result = check.check_python()
    assert not result.ok and "99.0 or newer" in result.fix


def test_a_crashing_check_becomes_a_fail_line_and_a_nonzero_exit(monkeypatch, capsys):
    def broken():
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(check, "CHECKS", (check.check_python, broken))
    assert main(["check"]) == 1
    out = capsys.readouterr().out
    assert "OK    Python" in out
    assert "FAIL  broken: RuntimeError: disk on fire" in out
    assert "1 item(s) FAILED" in out


def test_a_missing_module_becomes_a_fail_line(monkeypatch, capsys):
    def needs_missing_module():
        import course_utils_no_such_module  # noqa: F401

    monkeypatch.setattr(check, "CHECKS", (needs_missing_module,))
    assert check.run_environment_check() is False
    assert "cannot import course_utils_no_such_module" in capsys.readouterr().out


def test_unknown_command_is_refused():
    with pytest.raises(SystemExit) as exit_info:
        main(["chek"])
    assert exit_info.value.code == 2


def test_installed_as_a_package_the_check_needs_no_course_kernel_nor_jupyterlab(
    monkeypatch, tmp_path, capsys
):
    """Colab, Kaggle, a pip install: no course folder, so no course.env to carry and no course
    kernel or JupyterLab to ask for; the check still checks the rest."""
    monkeypatch.setattr(course_folder, "COURSE_ENV_FILE", tmp_path / "course.env")
    kernel = check.check_kernel()
    assert kernel.ok and "installed as a package" in kernel.detail
    names = {requirement.name for requirement in check._required_packages()}
    assert {"keras", "scikit-learn"} <= names and "jupyterlab" not in names
    with pytest.raises(SystemExit):
        main(["install-kernel"])
    assert "install-kernel registers the kernel of a course folder" in capsys.readouterr().err


def test_in_a_course_folder_jupyterlab_is_required():
    assert "jupyterlab" in {requirement.name for requirement in check._required_packages()}
