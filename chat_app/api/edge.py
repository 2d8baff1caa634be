"""The HTTP edge: stalled bodies, refusals that reach the client, socket origins.

One ASGI middleware around the whole app (Reflex's routes and the socket too):

- A request body that stops arriving for ``body_timeout_seconds``, or that
  arrives too slowly, is answered 408 and the connection closed: granian has no
  read timeout of its own for bodies. Too slowly: past ``body_grace_seconds``
  of waiting, each byte buys ``1 / body_min_bytes_per_second`` seconds more, so
  a body trickling in a byte at a time cannot hold a connection for ever, while
  100 MB at 16 KB/s (a slow but real link) still gets through.
- A refused request (401, 413...) is answered while the client may still be
  sending its body. Closing then makes the client's kernel reset the connection,
  and some clients (httpx's async client) report that reset instead of the answer.
  So the unread rest of the body is read and thrown away, for at most
  ``refusal_drain_seconds`` and no more than the route accepts: an upload's
  limit on ``/api/upload``, a picture's on ``/api/profile/avatar``, a JSON
  body's anywhere else. A body declared bigger is closed unread.
- A websocket handshake from a page of another origin is refused (403). Reflex
  checks the origins it is given; with none configured in production it cannot
  say "only my own host", so this does.
"""

import asyncio
import logging
import time
from urllib.parse import urlsplit

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from chat_app.api.profile import AVATAR_PATH
from chat_app.api.web import ApiError
from chat_app.domain.text import Text
from chat_app.settings import Settings, get_settings
from chat_app.uploads.receive import ENVELOPE_BYTES

logger = logging.getLogger(__name__)

POLICY_VIOLATION = 1008  # a websocket closed before it is accepted answers 403
UPLOAD_PATH = "/api/upload"


class Edge:
    """ASGI middleware: body timeouts, drained refusals, socket origins."""

    def __init__(self, app: ASGIApp) -> None:
        """Wrap an app.

        Args:
            app: The ASGI app.
        """
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Serve one connection.

        Args:
            scope: The ASGI scope.
            receive: The ASGI receive channel.
            send: The ASGI send channel.
        """
        settings = get_settings()
        if scope["type"] == "websocket":
            origin, host = _header(scope, b"origin"), _header(scope, b"host")
            if not origin_allowed(origin, host, settings.cors_allowed_origins()):
                logger.warning(
                    "Socket refused: its page is of another origin.",
                    extra={"origin": origin[:200]},
                )
                await send({"type": "websocket.close", "code": POLICY_VIOLATION})
                return
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        body = Body(
            scope,
            receive,
            timeout=settings.body_timeout_seconds,
            grace=settings.body_grace_seconds,
            min_rate=settings.body_min_bytes_per_second,
        )
        await self.app(scope, body.receive, send)
        await body.drain(
            max_bytes=drain_limit(scope["path"], settings),
            seconds=settings.refusal_drain_seconds,
        )


def drain_limit(path: str, settings: Settings) -> int:
    """The largest refused body worth reading to its end: the route's own limit.

    Args:
        path: The request's path.
        settings: The settings.

    Returns:
        An upload's limit on the upload route, a picture's on the avatar
        route, a JSON body's anywhere else (every other route of the chat takes
        JSON or nothing).
    """
    if path.rstrip("/") == UPLOAD_PATH:
        return settings.max_upload_bytes + ENVELOPE_BYTES
    if path.rstrip("/") == AVATAR_PATH:
        return settings.max_avatar_bytes + ENVELOPE_BYTES
    return settings.max_json_body_bytes


class Body:
    """A request's receive channel with read timeouts, and what came through it."""

    def __init__(
        self,
        scope: Scope,
        receive: Receive,
        *,
        timeout: float,
        grace: float,
        min_rate: float,
    ) -> None:
        """Wrap the server's receive channel.

        Args:
            scope: The request's scope.
            receive: The server's receive channel.
            timeout: The longest wait for the next part of the body, in seconds.
            grace: The seconds of waiting the body may take at any pace...
            min_rate: ...beyond which each byte received buys ``1 / min_rate``
                seconds more.
        """
        self._receive = receive
        self.timeout = timeout
        self.grace, self.min_rate = grace, min_rate
        self.received = 0
        # Only the time spent waiting on the client counts, never the app's own.
        self.waited = 0.0
        self.stalled = False
        headers = dict(scope.get("headers", []))
        declared = headers.get(b"content-length", b"").decode("latin-1")
        self.declared = int(declared) if declared.isdigit() else None
        # A request without a length or chunked encoding has no body to wait for.
        self.complete = not self.declared and b"transfer-encoding" not in headers

    async def receive(self) -> Message:
        """The next message, waiting no longer than the timeout and the rate allow.

        Returns:
            The message.

        Raises:
            ApiError: 408 when the body stopped arriving or arrives too slowly.
        """
        if self.complete:  # only the disconnect is left, which may come much later
            return await self._receive()
        credit = self.grace + self.received / self.min_rate - self.waited
        if credit <= 0:
            raise self._timed_out(too_slow=True)
        started = time.monotonic()
        try:
            async with asyncio.timeout(min(self.timeout, credit)):
                message = await self._receive()
        except TimeoutError:
            raise self._timed_out(too_slow=credit < self.timeout) from None
        finally:
            self.waited += time.monotonic() - started
        if message["type"] == "http.request":
            self.received += len(message.get("body", b""))
            self.complete = not message.get("more_body", False)
        else:  # http.disconnect: nothing more will come
            self.complete = True
        return message

    def _timed_out(self, *, too_slow: bool) -> ApiError:
        """The 408 that closes the connection (the body is left unread)."""
        self.stalled = True
        if too_slow:
            message = Text(
                "The request's body arrived too slowly (under {rate} bytes a second).",
                {"rate": format(self.min_rate, "g")},
            )
        else:
            message = Text(
                "No part of the request arrived for {seconds} seconds.",
                {"seconds": format(self.timeout, "g")},
            )
        return ApiError(
            408, "request_timeout", message, headers={"Connection": "close"}
        )

    async def drain(self, *, max_bytes: int, seconds: float) -> None:
        """Read and drop what the app left unread of the body, within bounds.

        A body bigger than ``max_bytes`` in all, or one that would take longer
        than ``seconds``, is left: the connection is then closed unread.

        Args:
            max_bytes: The largest body worth reading to its end.
            seconds: The longest time spent on it.
        """
        if self.complete or self.stalled:
            return
        if self.declared is not None and self.declared > max_bytes:
            return
        try:
            async with asyncio.timeout(seconds):
                while not self.complete and self.received <= max_bytes:
                    await self.receive()
        except (TimeoutError, ApiError):
            return


def origin_allowed(origin: str, host: str, allowed: list[str]) -> bool:
    """Whether a page of ``origin`` may open the socket.

    Args:
        origin: The handshake's ``Origin`` ("" when it has none).
        host: The handshake's ``Host``.
        allowed: ``Settings.cors_allowed_origins()``: origins, ``*`` for any,
            or none for the page's own host only.

    Returns:
        True when allowed. A client that is not a browser sends no Origin, and
        is not this check's concern (the socket still needs a session).
    """
    if not origin or "*" in allowed:
        return True
    if allowed:
        return origin.rstrip("/").lower() in {o.lower() for o in allowed}
    # The page's own host, whatever the port: a proxy may pass Host without it.
    own = urlsplit(f"//{host}").hostname
    return own is not None and urlsplit(origin).hostname == own


def _header(scope: Scope, name: bytes) -> str:
    for key, value in scope.get("headers", []):
        if key == name:
            return value.decode("latin-1")
    return ""
