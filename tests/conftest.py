"""Fixtures shared by the test modules."""

import socket

import pytest


def _unused_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def free_port():
    """A function that returns a TCP port on 127.0.0.1 that nothing listens on right now."""
    return _unused_port
