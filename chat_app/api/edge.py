"""The HTTP edge: stalled bodies, refusals that reach the client, socket origins.

One ASGI middleware around the whole app (Reflex's routes and the socket too):

- A request body that stops arriving for ``body_timeout_seconds`` is answered 408
  and the connection closed: granian has no read timeout of its own for bodies.
- A refused request (401, 413...) is answered while the client may still be
  sending its body. Closing then makes the client's kernel reset the connection,
  and some clients (httpx's async client) report that reset instead of the answer.
  So the unread rest of the body is read and thrown away, for at most
  ``refusal_drain_seconds`` and no more than an accepted upload could be.
- A websocket handshake from a page of another origin is refused (403). Reflex
  checks the origins it is given; with none configured in production it cannot
  say "only my own host", so this does.
"""

import asyncio
import logging
from urllib.parse import urlsplit

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from chat_app.api.web import ApiError
from chat_app.settings import get_settings
from chat_app.uploads.receive import ENVELOPE_BYTES

logger = logging.getLogger(__name__)

POLICY_VIOLATION = 1008  # a websocket closed before it is accepted answers 403


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
        body = Body(scope, receive, timeout=settings.body_timeout_seconds)
        await self.app(scope, body.receive, send)
        await body.drain(
            max_bytes=settings.max_upload_bytes + ENVELOPE_BYTES,
            seconds=settings.refusal_drain_seconds,
        )


class Body:
    """A request's receive channel with a read timeout, and what came through it."""

    def __init__(self, scope: Scope, receive: Receive, *, timeout: float) -> None:
        """Wrap the server's receive channel.

        Args:
            scope: The request's scope.
            receive: The server's receive channel.
            timeout: The longest wait for the next part of the body, in seconds.
        """
        self._receive = receive
        self.timeout = timeout
        self.received = 0
        self.stalled = False
        headers = dict(scope.get("headers", []))
        declared = headers.get(b"content-length", b"").decode("latin-1")
        self.declared = int(declared) if declared.isdigit() else None
        # A request without a length or chunked encoding has no body to wait for.
        self.complete = not self.declared and b"transfer-encoding" not in headers

    async def receive(self) -> Message:
        """The next message; waits at most ``timeout`` for a part of the body.

        Returns:
            The message.

        Raises:
            ApiError: 408 when the body stopped arriving.
        """
        if self.complete:  # only the disconnect is left, which may come much later
            return await self._receive()
        try:
            async with asyncio.timeout(self.timeout):
                message = await self._receive()
        except TimeoutError:
            self.stalled = True
            raise ApiError(
                408,
                "request_timeout",
                f"No part of the request arrived for {self.timeout:g} seconds.",
                headers={"Connection": "close"},
            ) from None
        if message["type"] == "http.request":
            self.received += len(message.get("body", b""))
            self.complete = not message.get("more_body", False)
        else:  # http.disconnect: nothing more will come
            self.complete = True
        return message

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
