"""The chat's own logging, configured into a buffer for a test."""

import io
import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager

from chat_app import logs


class CapturedLogs:
    """What the chat's log handler wrote during a test."""

    def __init__(self) -> None:
        """Start with an empty buffer."""
        self.buffer = io.StringIO()

    def configure(self, level: str = "INFO", fmt: logs.LogFormat = "json") -> None:
        """(Re)configure the chat's logging into the buffer.

        Args:
            level: The chat's log level.
            fmt: ``json`` or ``text``.
        """
        logs.configure(level, fmt, stream=self.buffer)

    def text(self) -> str:
        """Everything written so far."""
        return self.buffer.getvalue()

    def lines(self) -> list[dict]:
        """The JSON lines written so far, parsed."""
        return [json.loads(line) for line in self.text().splitlines()]


@contextmanager
def captured_logs(
    level: str = "INFO", fmt: logs.LogFormat = "json"
) -> Iterator[CapturedLogs]:
    """Configure the chat's logging into a buffer; restore logging afterwards.

    Args:
        level: The chat's log level.
        fmt: ``json`` or ``text``.

    Yields:
        The captured logs.
    """
    root, app = logging.getLogger(), logging.getLogger(logs.APP_LOGGER)
    handlers, root_level, app_level = list(root.handlers), root.level, app.level
    # A fresh handler of our own, whatever an imported app module installed.
    root.handlers[:] = [h for h in handlers if h.get_name() != logs.HANDLER_NAME]
    captured = CapturedLogs()
    captured.configure(level, fmt)
    try:
        yield captured
    finally:
        root.handlers[:] = handlers
        root.setLevel(root_level)
        app.setLevel(app_level)
