"""The chat's logs: one stdout handler, JSON lines or readable text, with ids.

Every line says which HTTP request (``request_id``), socket connection
(``conn_id``) or background task (``task``) it belongs to: the id is bound in a
context variable where the work starts (the request middleware, the Reflex event
middleware, a background loop), and the formatters read it, so code that logs
never passes it along. Worker threads started with ``asyncio.to_thread`` inherit
it.

The formatters are also a safety net: values of keys named like passwords,
tokens, secrets, hashes or authorization headers are never written, and anything
in a line that looks like a JWT, a password hash or a bearer token is blanked.
Plain Python: no Reflex here.
"""

import json
import logging
import re
import sys
from contextvars import ContextVar, Token
from datetime import UTC, datetime
from typing import Any, Literal, TextIO

LogFormat = Literal["json", "text"]

HANDLER_NAME = "chat_app.stdout"
APP_LOGGER = "chat_app"
REDACTED = "[redacted]"

_BOUND: ContextVar[tuple[str, str] | None] = ContextVar("chat_log_id", default=None)

SENSITIVE_KEY = re.compile(
    r"pass(word|wd|phrase)?|token|secret|hash|authori[sz]ation|cookie|api_?key",
    re.IGNORECASE,
)
_SCRUBBERS = (
    # A JWT: three base64url segments, the first a JSON object ("eyJ").
    (re.compile(r"eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*"), "[jwt]"),
    # Modular-crypt password hashes: bcrypt ($2b$12$...), argon2, pbkdf2, sha-crypt.
    (
        re.compile(
            r"\$(?:2[abxy]?|argon2(?:id|i|d)|pbkdf2(?:-sha\d+)?|scrypt|[156])"
            r"\$[A-Za-z0-9./+=,$-]{8,}"
        ),
        "[hash]",
    ),
    (re.compile(r"\b(bearer)\s+[A-Za-z0-9._~+/=-]+", re.IGNORECASE), r"\1 [redacted]"),
)
# Attributes every LogRecord has; anything else on a record came from ``extra``.
_RECORD_ATTRIBUTES = frozenset(
    vars(logging.LogRecord("", 0, "", 0, "", None, None))
) | {"message", "asctime", "taskName"}
_CORE_KEYS = frozenset({"time", "level", "logger", "message", "exception"})
ID_KEYS = ("request_id", "conn_id", "task")


def _bind(kind: str, value: str) -> Token[tuple[str, str] | None]:
    return _BOUND.set((kind, value))


def bind_request(request_id: str) -> Token[tuple[str, str] | None]:
    """Mark what is logged from here on, in this context, as one HTTP request's.

    Args:
        request_id: The request's id.

    Returns:
        A token for :func:`unbind`.
    """
    return _bind("request_id", request_id)


def bind_connection(conn_id: str) -> Token[tuple[str, str] | None]:
    """Mark what is logged from here on, in this context, as one socket's.

    Args:
        conn_id: The connection's id (the socket's session id).

    Returns:
        A token for :func:`unbind`.
    """
    return _bind("conn_id", conn_id)


def bind_task(name: str) -> Token[tuple[str, str] | None]:
    """Mark what is logged from here on, in this context, as a background task's.

    Args:
        name: The task's name, e.g. ``presence-upkeep``.

    Returns:
        A token for :func:`unbind`.
    """
    return _bind("task", name)


def unbind(token: Token[tuple[str, str] | None]) -> None:
    """Restore the id that was bound before ``token``'s binding.

    Args:
        token: What a ``bind_*`` function returned.
    """
    _BOUND.reset(token)


def bound_id() -> tuple[str, str] | None:
    """The id lines logged now carry.

    Returns:
        ``(key, value)``, e.g. ``("request_id", "4f0c...")``, or None.
    """
    return _BOUND.get()


def scrub(text: str) -> str:
    """Blank what looks like a JWT, a password hash or a bearer token.

    Args:
        text: Any text bound for a log line.

    Returns:
        The text with those parts replaced.
    """
    for pattern, replacement in _SCRUBBERS:
        text = pattern.sub(replacement, text)
    return text


def clean(key: str, value: Any) -> Any:
    """A value fit for a log line: redacted under a sensitive key, else scrubbed.

    Args:
        key: The field's name.
        value: Its value; dicts and lists are cleaned item by item.

    Returns:
        A JSON-ready value.
    """
    if SENSITIVE_KEY.search(key):
        return REDACTED
    if isinstance(value, dict):
        return {str(k): clean(str(k), v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [clean(key, item) for item in value]
    if value is None or isinstance(value, bool | int | float):
        return value
    return scrub(str(value))


def _timestamp(record: logging.LogRecord) -> str:
    moment = datetime.fromtimestamp(record.created, UTC)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def record_fields(
    record: logging.LogRecord, formatter: logging.Formatter
) -> dict[str, Any]:
    """Everything a line says: time, level, logger, message, id, extras, exception.

    Args:
        record: The record.
        formatter: Renders the exception's traceback.

    Returns:
        The fields, cleaned, in that order.
    """
    fields: dict[str, Any] = {
        "time": _timestamp(record),
        "level": record.levelname,
        "logger": record.name,
        "message": scrub(record.getMessage()),
    }
    if (bound := bound_id()) is not None:
        fields[bound[0]] = bound[1]
    for key, value in vars(record).items():
        if key not in _RECORD_ATTRIBUTES and key not in _CORE_KEYS:
            fields[key] = clean(key, value)
    if record.exc_info:
        fields["exception"] = scrub(formatter.formatException(record.exc_info))
    elif record.exc_text:
        fields["exception"] = scrub(record.exc_text)
    return fields


class JsonFormatter(logging.Formatter):
    """One JSON object per line, for production log collectors."""

    def format(self, record: logging.LogRecord) -> str:
        """Render a record as one line of JSON.

        Args:
            record: The record.

        Returns:
            The line (newlines inside values are escaped).
        """
        return json.dumps(record_fields(record, self), ensure_ascii=False, default=str)


def _text_value(value: Any) -> str:
    if isinstance(value, str) and value and not re.search(r'[\s="]', value):
        return value
    return json.dumps(value, ensure_ascii=False, default=str)


class TextFormatter(logging.Formatter):
    """``time level logger [id] message key=value...``, for people in development."""

    def format(self, record: logging.LogRecord) -> str:
        """Render a record as a readable line (and its traceback below it).

        Args:
            record: The record.

        Returns:
            The text.
        """
        fields = record_fields(record, self)
        exception = fields.pop("exception", None)
        head = [fields.pop(key) for key in ("time", "level", "logger")]
        message = fields.pop("message")
        id_key = next((key for key in ID_KEYS if key in fields), None)
        tag = f"{id_key}={fields.pop(id_key)}" if id_key else "-"
        pairs = " ".join(f"{key}={_text_value(value)}" for key, value in fields.items())
        line = f"{head[0]} {head[1]:<7} {head[2]} [{tag}] {message}"
        line = f"{line} {pairs}" if pairs else line
        return f"{line}\n{exception}" if exception else line


def level_number(level: str | int) -> int:
    """A logging level as a number.

    Args:
        level: A name such as ``"INFO"`` (any case) or a number.

    Returns:
        The number.

    Raises:
        ValueError: If the name is not a logging level.
    """
    if isinstance(level, int):
        return level
    try:
        return logging.getLevelNamesMapping()[level.strip().upper()]
    except KeyError:
        raise ValueError(f"{level!r} is not a logging level.") from None


def configure(
    level: str | int, fmt: LogFormat, *, stream: TextIO | None = None
) -> logging.Handler:
    """Send logs to stdout as JSON lines or readable text; safe to call again.

    The chat's own loggers (``chat_app.*``) log at ``level``; other libraries'
    records reach the handler from WARNING up (or from ``level`` if it is higher).
    Reflex keeps its own console output: its logger does not propagate here.

    Args:
        level: The chat's log level, e.g. ``"INFO"``.
        fmt: ``"json"`` or ``"text"``.
        stream: Where lines go; stdout by default.

    Returns:
        The handler, installed once on the root logger.
    """
    number = level_number(level)
    root = logging.getLogger()
    handler = next((h for h in root.handlers if h.get_name() == HANDLER_NAME), None)
    if not isinstance(handler, logging.StreamHandler):
        handler = logging.StreamHandler(stream or sys.stdout)
        handler.set_name(HANDLER_NAME)
        root.addHandler(handler)
    elif stream is not None:
        handler.setStream(stream)
    handler.setFormatter(JsonFormatter() if fmt == "json" else TextFormatter())
    root.setLevel(max(number, logging.WARNING))
    logging.getLogger(APP_LOGGER).setLevel(number)
    return handler
