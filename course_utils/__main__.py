"""Command line.

python -m course_utils check            # is this machine ready for the course?
python -m course_utils install-kernel   # register the course's Jupyter kernel
"""

import argparse
import os
import sys

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
    for key, value in read_course_env().items():  # the course's settings, unless already set
        os.environ.setdefault(key, value)
    if command == "install-kernel":
        print(f"Installed the course kernel in {install_course_kernel()}")
        return 0
    return 0 if run_environment_check() else 1


if __name__ == "__main__":
    sys.exit(main())
