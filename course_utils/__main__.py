"""Command line: ``python -m course_utils check``."""

import argparse
import sys

from course_utils.environment_check import run_environment_check


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m course_utils", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("check", help="check this machine is ready for the course")
    parser.parse_args(argv)
    return 0 if run_environment_check() else 1


if __name__ == "__main__":
    sys.exit(main())
