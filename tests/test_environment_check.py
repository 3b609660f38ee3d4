"""`python -m course_utils check`: OK lines when ready, WARN lines with a note where the lessons
run with other versions (installed as a package), FAIL lines with a fix otherwise."""

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
    assert "losses did not go down" in result.detail and "make reinstall" in result.fix


def test_no_tensorflow_device_fails(monkeypatch):
    import tensorflow as tf

    monkeypatch.setattr(tf.config, "list_physical_devices", lambda: [])
    result = check.check_devices()
    assert not result.ok and result.detail == "none found" and "make reinstall" in result.fix


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
    assert "make reinstall" in result.fix


def test_a_wrong_version_fails_and_names_the_needed_range(monkeypatch):
    real_version = metadata.version
    monkeypatch.setattr(
        check.metadata, "version", lambda name: "3.0.0" if name == "keras" else real_version(name)
    )
    result = check.check_packages()
    assert not result.ok
    assert "keras 3.0.0 (needs" in result.detail and "3.15" in result.detail
    assert "make reinstall" in result.fix


def test_make_reinstall_installs_again_whatever_the_stamp_says():
    """The fix the check names in a course folder must reinstall: `make install` alone does
    nothing while the stamp is newer than the lock."""
    root = Path(__file__).resolve().parents[1]
    recipe = subprocess.run(
        ["make", "-n", "--no-print-directory", "reinstall"],
        cwd=root,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    assert recipe[0] == "rm -f .venv/.installed", recipe
    assert recipe[1].endswith("install"), recipe


def _outside_a_course_folder(monkeypatch, tmp_path, versions):
    """Installed as a package, with ``versions`` ({name: version or None}) instead of this
    environment's."""
    monkeypatch.setattr(course_folder, "COURSE_ENV_FILE", tmp_path / "course.env")
    real_version = metadata.version

    def version(name):
        if name in versions:
            if versions[name] is None:
                raise metadata.PackageNotFoundError(name)
            return versions[name]
        return real_version(name)

    monkeypatch.setattr(check.metadata, "version", version)


def test_outside_a_course_folder_another_minor_version_is_a_warning_and_ready(
    monkeypatch, tmp_path, capsys
):
    """Colab's own Keras and TensorFlow will always differ from the lock: the lessons run."""
    _outside_a_course_folder(monkeypatch, tmp_path, {"keras": "3.10.0"})
    result = check.check_packages()
    assert result.ok and "keras 3.10.0 (the course pins" in result.detail
    assert "numbers may differ from the stored lesson in the later digits" in result.warning
    monkeypatch.setattr(check, "CHECKS", (check.check_python, check.check_packages))
    assert check.run_environment_check() is True
    out = capsys.readouterr().out
    assert "WARN  packages: keras 3.10.0" in out and "FAIL" not in out
    assert out.splitlines()[-1] == "Ready for the course, with 1 warning(s): read the notes above."


def test_outside_a_course_folder_a_missing_package_or_major_release_fails_with_a_pip_line(
    monkeypatch, tmp_path
):
    _outside_a_course_folder(monkeypatch, tmp_path, {"scikit-learn": None, "keras": "2.15.0"})
    result = check.check_packages()
    assert not result.ok
    assert "scikit-learn is missing" in result.detail and "keras 2.15.0 (needs" in result.detail
    assert result.fix.startswith('run `%pip install "scikit-learn<1.10,>=1.9" "keras<3.16,>=3.15"`')
    assert "restart the kernel" in result.fix and "make" not in result.fix


def test_either_tensorflow_build_satisfies_the_requirement(monkeypatch, tmp_path):
    """Colab has `tensorflow`, the lock `tensorflow-cpu` on Linux x86-64: the same library."""
    installed = metadata.version("tensorflow-cpu")
    _outside_a_course_folder(
        monkeypatch, tmp_path, {"tensorflow-cpu": None, "tensorflow": installed}
    )
    result = check.check_packages()
    assert result.ok and not result.warning, result


def test_a_missing_kernel_fails_with_the_command_that_registers_it(monkeypatch):
    monkeypatch.setattr(check, "KERNEL_NAME", "no-such-course-kernel")
    result = check.check_kernel()
    assert not result.ok
    assert "python -m course_utils install-kernel" in result.fix


def test_a_kernel_without_the_course_settings_fails_and_names_the_setting(monkeypatch):
    from course_utils.course_kernel import kernel_env

    wanted = {**kernel_env(), "PYTHONHASHSEED": "12345"}
    monkeypatch.setattr(check, "kernel_env", lambda: wanted)
    result = check.check_kernel()
    assert not result.ok
    assert "course.env" in result.detail and "install-kernel" in result.fix
    assert "PYTHONHASHSEED is " in result.detail and "not 12345" in result.detail


def test_a_kernel_reached_through_a_symlink_carries_the_same_settings(monkeypatch, tmp_path):
    """A venv reached through a symbolic link: the same command under another path is OK."""
    from course_utils.course_kernel import kernel_env

    real = Path(kernel_env()["TENSORBOARD_BINARY"])
    link = tmp_path / "linked-scripts"
    link.symlink_to(real.parent, target_is_directory=True)
    monkeypatch.setattr(
        check, "kernel_env", lambda: {**kernel_env(), "TENSORBOARD_BINARY": str(link / real.name)}
    )
    assert check.check_kernel().ok


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
