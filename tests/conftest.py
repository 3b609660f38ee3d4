"""Fixtures shared by the test modules."""

import sys
from pathlib import Path

import pytest

# hub/course_hub.py (which tests/test_hub.py and benchmarks/classroom_load.py also import)
# holds the one port finder
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "hub"))

from course_hub import free_port as unused_port  # noqa: E402


@pytest.fixture(scope="session")
def free_port():
    """A function that returns a TCP port on 127.0.0.1 that nothing listens on right now."""
    return unused_port
