"""Shared setup of the end-to-end tests: the flern-server binary under test."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import harness  # noqa: E402,F401

FLERN_SERVER = os.environ.get("FLERN_SERVER") or os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "..", "..", "build", "server", "flern-server")


def rows(result):
    """Data rows of `psql -A -t` output."""
    return [line.split("|") for line in result.stdout.splitlines() if line]
