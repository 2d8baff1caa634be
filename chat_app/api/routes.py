"""The JSON routes: accounts and sessions, health, and the app that mounts them.

Every error is ``{"error": {"code": ..., "message": ...}}`` (see ``web``).
"""

import logging
import time

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from chat_app import accounts, db, sessions
from chat_app.accounts import (
    DuplicateError,
    FieldError,
    RegistrationThrottledError,
    ThrottledError,
)
from chat_app.api.access_log import RequestLog
from chat_app.api.edge import Edge
from chat_app.api.profile import AVATAR_PATH, avatar, upload_avatar
from chat_app.api.uploads import static_file, upload
from chat_app.api.web import (
    ApiError,
    api_error,
    authenticated,
    bearer_token,
    client_address,
    database_unavailable,
    language_of,
    read_json,
)
from chat_app.domain.text import Text
from chat_app.security import AuthError
from chat_app.settings import get_settings

logger = logging.getLogger(__name__)


async def sign_up(request: Request) -> JSONResponse:
    """``POST /api/auth/register`` {name, username, email, password} -> 201 profile."""
    settings = get_settings()
    fields = await read_json(request, settings.max_json_body_bytes)
    # The account's language: the one asked for, else the client's.
    fields.setdefault("language", language_of(request))
    try:
        signed_in = await db.run(
            accounts.sign_up,
            fields,
            client=client_address(request),
            settings=settings,
            now=time.time(),
        )
    except RegistrationThrottledError as error:
        raise _throttled(error.retry_after, error.text) from error
    except DuplicateError as error:
        raise ApiError(409, "duplicate", error.text, field=error.field) from error
    except FieldError as error:
        raise ApiError(
            422, "validation_error", error.text, field=error.field
        ) from error
    return JSONResponse(signed_in.profile, 201)


def _throttled(retry_after: int, message: Text) -> ApiError:
    return ApiError(
        429, "throttled", message, headers={"Retry-After": str(retry_after)}
    )


async def log_in(request: Request) -> JSONResponse:
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
        raise _throttled(error.retry_after, error.text) from error
    except AuthError as error:
        raise ApiError(401, "invalid_credentials", error.text) from error
    return JSONResponse(
        {
            "access_token": signed_in.token,
            "token_type": "bearer",
            "expires_at": signed_in.expires_at,
        }
    )


async def me(request: Request) -> JSONResponse:
    """``GET /api/me`` with a bearer token -> the public profile."""
    return JSONResponse((await authenticated(request)).public())


async def log_out(request: Request) -> JSONResponse:
    """``POST /api/auth/logout`` with a bearer token: the token stops working."""
    token = bearer_token(request)
    await db.run(sessions.log_out, token, settings=get_settings(), now=time.time())
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


def create_api() -> Starlette:
    """The Starlette app Reflex mounts its own routes under.

    Returns:
        The app.
    """
    return Starlette(
        routes=[
            Route("/api/auth/register", sign_up, methods=["POST"]),
            Route("/api/auth/login", log_in, methods=["POST"]),
            Route("/api/auth/logout", log_out, methods=["POST"]),
            Route("/api/me", me, methods=["GET"]),
            Route("/api/health", health, methods=["GET"]),
            Route("/api/upload", upload, methods=["POST"]),
            Route("/static/{name:path}", static_file, methods=["GET", "HEAD"]),
            Route(AVATAR_PATH, upload_avatar, methods=["POST"]),
            Route("/api/avatars/{username}", avatar, methods=["GET", "HEAD"]),
        ],
        exception_handlers={
            ApiError: api_error,
            db.DatabaseUnavailableError: database_unavailable,
        },
        middleware=[Middleware(Edge), Middleware(RequestLog)],
    )
