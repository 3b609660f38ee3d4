"""Command line.

python -m course_utils check            # is this machine ready for the course?
python -m course_utils install-kernel   # register the course's Jupyter kernel
"""

import argparse
import os
import sys

from course_utils.course_folder import COURSE_ENV_FILE, in_course_folder
from course_utils.course_kernel import install_course_kernel, read_course_env
from course_utils.environment_check import run_environment_check


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m course_utils", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("check", help="check this machine is ready for the course")
    commands.add_parser(
        "install-kernel", help="register the course's Jupyter kernel in this environment"
    )
    command = parser.parse_args(argv).command
    if command == "install-kernel" and not in_course_folder():
        parser.error(
            f"install-kernel registers the kernel of a course folder, and there is none here "
            f"(no {COURSE_ENV_FILE}): course_utils is installed as a package. Run it in a "
            "clone of the course, or open the notebooks with the kernel you have."
        )
    # the course's settings, unless already set (an installed package has none)
    for key, value in (read_course_env() if in_course_folder() else {}).items():
        os.environ.setdefault(key, value)
    if command == "install-kernel":
        print(f"Installed the course kernel in {install_course_kernel()}")
        return 0
    return 0 if run_environment_check() else 1


if __name__ == "__main__":
    sys.exit(main())
