"""The access log: a request id for every HTTP request, and one line each.

It wraps the whole ASGI app, so Reflex's own routes are logged too.
"""

import logging
import re
import time
import uuid

from starlette.datastructures import MutableHeaders
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from chat_app import logs
from chat_app.api.web import client_address

logger = logging.getLogger(__name__)
access_logger = logging.getLogger("chat_app.access")

REQUEST_ID_HEADER = "X-Request-ID"
SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")
# Probes that would drown the access log: logged at DEBUG.
QUIET_PATHS = frozenset({"/api/health", "/ping"})


def request_id_of(scope: Scope) -> str:
    """The caller's ``X-Request-ID`` if it is a sane token, else a new id.

    Args:
        scope: The ASGI scope of an HTTP request.

    Returns:
        At most 64 characters of ``[A-Za-z0-9._-]``.
    """
    for name, value in scope.get("headers", []):
        if name == b"x-request-id":
            offered = value.decode("latin-1")
            if SANE_REQUEST_ID.fullmatch(offered):
                return offered
            break
    return uuid.uuid4().hex


class RequestLog:
    """ASGI middleware: a request id for every HTTP request, and one access line.

    The id is bound for the logs while the request runs and echoed in the
    response's ``X-Request-ID``. The access line never has the query string.
    """

    def __init__(self, app: ASGIApp) -> None:
        """Wrap an app.

        Args:
            app: The ASGI app.
        """
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Serve one connection; only HTTP requests are tagged and logged.

        Args:
            scope: The ASGI scope.
            receive: The ASGI receive channel.
            send: The ASGI send channel.
        """
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = request_id_of(scope)
        bound = logs.bind_request(request_id)
        started = time.perf_counter()
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message.setdefault("headers", [])
                MutableHeaders(scope=message)[REQUEST_ID_HEADER] = request_id
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        except Exception:
            logger.exception("The request failed.")
            raise
        finally:
            _log_access(scope, status, time.perf_counter() - started)
            logs.unbind(bound)


def _log_access(scope: Scope, status: int, seconds: float) -> None:
    path = scope["path"]
    access_logger.log(
        logging.DEBUG if path in QUIET_PATHS else logging.INFO,
        "HTTP request",
        extra={
            "method": scope["method"],
            "path": path,
            "status": status,
            "duration_ms": round(seconds * 1000, 1),
            "client": client_address(Request(scope)),
        },
    )
