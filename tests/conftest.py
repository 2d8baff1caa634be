"""Checks for every test session: no process a test started is left running."""

import pytest

from harness.servers import RUNNING


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Stop what the tests left running, and fail the session if there was any.

    A fixture that forgets to stop a server (or replaces one and stops the
    wrong one) would otherwise leave it alive after ``make test``.
    """
    left = sorted(process.name for process in RUNNING if process.popen)
    for process in list(RUNNING):
        process.stop()
    if left:
        print(f"\nTests left these processes running: {', '.join(left)}")
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
