"""The HTTP API: JSON routes for scripts, load tests and uploads.

Every error is ``{"error": {"code": ..., "message": ...}}`` with a fitting status;
malformed or oversized bodies get a 4xx, never a 500. Every HTTP request served
by the process (Reflex's too) gets a request id and one access log line.
"""

import json
import logging
import re
import time
import uuid
from typing import Any

from starlette.applications import Starlette
from starlette.datastructures import MutableHeaders
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from chat_app import accounts, chatroom, db, logs
from chat_app.accounts import DuplicateError, FieldError, ThrottledError
from chat_app.domain import addresses
from chat_app.domain.files import is_stored_name
from chat_app.models import User
from chat_app.security import AuthError
from chat_app.settings import get_settings
from chat_app.uploads import UploadError, discard_files, receive_files

logger = logging.getLogger(__name__)
access_logger = logging.getLogger("chat_app.access")

REQUEST_ID_HEADER = "X-Request-ID"
SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")
# Probes that would drown the access log: logged at DEBUG.
QUIET_PATHS = frozenset({"/api/health", "/ping"})


class ApiError(Exception):
    """An error answer: HTTP status, a stable code and a message for people."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        *,
        field: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        """Describe the error.

        Args:
            status: The HTTP status.
            code: A stable machine-readable code.
            message: What a person reads.
            field: The request field at fault, if one is.
            headers: Extra response headers (e.g. ``Retry-After``).
        """
        super().__init__(message)
        self.status, self.code, self.message = status, code, message
        self.field, self.headers = field, headers or {}

    def response(self) -> JSONResponse:
        """The JSON answer.

        Returns:
            The response.
        """
        body: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.field:
            body["field"] = self.field
        return JSONResponse({"error": body}, self.status, headers=self.headers)


async def read_json(request: Request, limit: int) -> dict[str, Any]:
    """Read a JSON object body of at most ``limit`` bytes, streaming.

    Args:
        request: The request.
        limit: The most bytes read.

    Returns:
        The object.

    Raises:
        ApiError: 413 when too big, 400 when not JSON, 422 when not an object.
    """
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise ApiError(413, "payload_too_large", f"The body exceeds {limit} bytes.")
    body = bytearray()
    async for chunk in request.stream():
        body.extend(chunk)
        if len(body) > limit:
            raise ApiError(413, "payload_too_large", f"The body exceeds {limit} bytes.")
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError) as error:
        raise ApiError(400, "invalid_json", "The body is not valid JSON.") from error
    if not isinstance(data, dict):
        raise ApiError(422, "validation_error", "The body must be a JSON object.")
    return data


def bearer_token(request: Request) -> str:
    """The token of an ``Authorization: Bearer`` header.

    Args:
        request: The request.

    Returns:
        The token.

    Raises:
        ApiError: 401 when the header is missing or not a bearer token.
    """
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise ApiError(401, "unauthorized", "Send Authorization: Bearer <token>.")
    return token.strip()


def client_address(request: Request) -> str:
    """The client's address (through trusted proxies), for login throttling.

    Args:
        request: The request.

    Returns:
        The address, or "unknown".
    """
    return addresses.client_address(
        request.client.host if request.client else "unknown",
        # Every X-Forwarded-For line, joined: a proxy may append its own line.
        ", ".join(request.headers.getlist("x-forwarded-for")),
        get_settings().trusted_proxy_hops,
    )


async def register(request: Request) -> JSONResponse:
    """``POST /api/auth/register`` {name, username, email, password} -> 201 profile."""
    settings = get_settings()
    fields = await read_json(request, settings.max_json_body_bytes)
    try:
        signed_in = await db.run(
            accounts.sign_up, fields, settings=settings, now=time.time()
        )
    except DuplicateError as error:
        raise ApiError(409, "duplicate", str(error), field=error.field) from error
    except FieldError as error:
        raise ApiError(
            422, "validation_error", str(error), field=error.field
        ) from error
    return JSONResponse(signed_in.profile, 201)


async def login(request: Request) -> JSONResponse:
    """``POST /api/auth/login`` {login, password} -> 200 {access_token, ...}."""
    settings = get_settings()
    fields = await read_json(request, settings.max_json_body_bytes)
    login_name, password = fields.get("login"), fields.get("password")
    if not isinstance(login_name, str) or not isinstance(password, str):
        raise ApiError(422, "validation_error", "Send login and password as strings.")
    try:
        signed_in = await db.run(
            accounts.log_in,
            login_name,
            password,
            client=client_address(request),
            settings=settings,
            now=time.time(),
        )
    except ThrottledError as error:
        raise ApiError(
            429,
            "throttled",
            str(error),
            headers={"Retry-After": str(error.retry_after)},
        ) from error
    except AuthError as error:
        raise ApiError(401, "invalid_credentials", str(error)) from error
    return JSONResponse(
        {
            "access_token": signed_in.token,
            "token_type": "bearer",
            "expires_at": signed_in.expires_at,
        }
    )


async def authenticated(request: Request) -> User:
    """The account behind the request's bearer token.

    Args:
        request: The request.

    Returns:
        The user.

    Raises:
        ApiError: 401 without a valid session token.
    """
    token = bearer_token(request)
    try:
        user, _ = await db.run(
            accounts.verify_session, token, settings=get_settings(), now=time.time()
        )
    except AuthError as error:
        raise ApiError(401, "unauthorized", str(error)) from error
    return user


async def me(request: Request) -> JSONResponse:
    """``GET /api/me`` with a bearer token -> the public profile."""
    return JSONResponse((await authenticated(request)).public())


async def upload(request: Request) -> JSONResponse:
    """``POST /api/upload``: multipart ``files`` -> 201 {links, files}.

    The session is checked before a byte of the body is read.
    """
    user = await authenticated(request)
    settings = get_settings()
    try:
        received = await receive_files(
            request,
            directory=settings.upload_dir,
            max_file_bytes=settings.max_file_bytes,
            max_files=settings.max_files,
            max_upload_bytes=settings.max_upload_bytes,
        )
    except UploadError as error:
        logger.warning(
            "Upload refused.",
            extra={"username": user.username, "reason": error.code},
        )
        raise ApiError(error.status, error.code, error.message) from error
    try:
        described = await db.run(
            chatroom.record_attachments,
            [
                (
                    f.stored_name,
                    f.original_name,
                    f.type.kind,
                    f.type.content_type,
                    f.size,
                )
                for f in received
            ],
            owner=user.username,
            now=time.time(),
        )
    except BaseException:
        await discard_files(settings.upload_dir, received)
        raise
    logger.info(
        "Upload accepted.",
        extra={
            "username": user.username,
            "count": len(received),
            "bytes": sum(f.size for f in received),
        },
    )
    return JSONResponse(
        {"links": [item["url"] for item in described], "files": described}, 201
    )


async def static_file(request: Request) -> Response:
    """``GET /static/<stored name>``: images inline, everything else a download.

    Nothing but a name the server made can match, so no path leaves the folder.
    Downloads are sandboxed and never sniffed, so an uploaded page cannot run in
    this origin.
    """
    name = request.path_params["name"]
    row = await db.run(chatroom.attachment, name) if is_stored_name(name) else None
    path = get_settings().upload_dir / name
    if row is None or not path.is_file():
        raise ApiError(404, "not_found", "No such file.")
    headers = {"X-Content-Type-Options": "nosniff", "Cache-Control": "private"}
    if row.kind == "image":
        return FileResponse(
            path,
            media_type=row.content_type,
            headers=headers,
            filename=row.original_name,
            content_disposition_type="inline",
        )
    headers["Content-Security-Policy"] = "sandbox"
    return FileResponse(
        path,
        media_type="application/octet-stream",
        headers=headers,
        filename=row.original_name,
        content_disposition_type="attachment",
    )


async def logout(request: Request) -> JSONResponse:
    """``POST /api/auth/logout`` with a bearer token: the token stops working."""
    token = bearer_token(request)
    await db.run(accounts.log_out, token, settings=get_settings(), now=time.time())
    return JSONResponse({"ok": True})


async def _redis_status(url: str) -> str:
    import redis.asyncio as redis

    client = redis.from_url(url, socket_connect_timeout=2, socket_timeout=2)
    try:
        await client.ping()  # pyright: ignore[reportGeneralTypeIssues]
        return "ok"
    except Exception as error:  # any failure means "down" to a load balancer
        return f"down: {type(error).__name__}"
    finally:
        await client.aclose()


async def health(_request: Request) -> JSONResponse:
    """``GET /api/health``: 200 when the database (and Redis, if set) answer, else 503.

    For load balancers and orchestrators; says which dependency is down.
    """
    checks: dict[str, str] = {}
    try:
        await db.run(db.ping)
        checks["database"] = "ok"
    except Exception as error:  # reported, not raised: the check is the answer
        checks["database"] = f"down: {type(error).__name__}"
    url = get_settings().redis_url
    checks["redis"] = await _redis_status(url) if url else "not configured"
    healthy = all(value in ("ok", "not configured") for value in checks.values())
    return JSONResponse(
        {"status": "ok" if healthy else "degraded", **checks}, 200 if healthy else 503
    )


async def api_error(_request: Request, error: Exception) -> JSONResponse:
    """Render an :class:`ApiError`."""
    assert isinstance(error, ApiError)
    return error.response()


async def database_unavailable(_request: Request, error: Exception) -> JSONResponse:
    """Answer 503 while the database cannot be reached (nothing was written)."""
    return ApiError(
        503, "unavailable", str(error), headers={"Retry-After": "5"}
    ).response()


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


def create_api() -> Starlette:
    """The Starlette app Reflex mounts its own routes under.

    Returns:
        The app.
    """
    return Starlette(
        routes=[
            Route("/api/auth/register", register, methods=["POST"]),
            Route("/api/auth/login", login, methods=["POST"]),
            Route("/api/auth/logout", logout, methods=["POST"]),
            Route("/api/me", me, methods=["GET"]),
            Route("/api/health", health, methods=["GET"]),
            Route("/api/upload", upload, methods=["POST"]),
            Route("/static/{name:path}", static_file, methods=["GET", "HEAD"]),
        ],
        exception_handlers={
            ApiError: api_error,
            db.DatabaseUnavailableError: database_unavailable,
        },
        middleware=[Middleware(RequestLog)],
    )
