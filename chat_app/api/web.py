"""HTTP plumbing the API's routes share: errors, JSON bodies, who is calling.

Every error is ``{"error": {"code": ..., "message": ...}}`` with a fitting status;
malformed or oversized bodies get a 4xx, never a 500.
"""

import json
import time
from typing import Any

from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse

from chat_app import db, i18n, sessions
from chat_app.domain import addresses
from chat_app.domain.text import Text
from chat_app.models import User
from chat_app.security import AuthError
from chat_app.settings import get_settings


class ApiError(Exception):
    """An error answer: HTTP status, a stable code and a message for people."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str | Text,
        *,
        field: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        """Describe the error.

        Args:
            status: The HTTP status.
            code: A stable machine-readable code.
            message: What a person reads (English; translated when answered).
            field: The request field at fault, if one is.
            headers: Extra response headers (e.g. ``Retry-After``).
        """
        self.message = message if isinstance(message, Text) else Text(message)
        super().__init__(str(self.message))
        self.status, self.code = status, code
        self.field, self.headers = field, headers or {}

    def response(self, language: str = i18n.DEFAULT_LANGUAGE) -> JSONResponse:
        """The JSON answer, its message in a language.

        Args:
            language: One of ``i18n.LANGUAGES``.

        Returns:
            The response.
        """
        body: dict[str, Any] = {
            "code": self.code,
            "message": i18n.translate(self.message, language),
        }
        if self.field:
            body["field"] = self.field
        return JSONResponse({"error": body}, self.status, headers=self.headers)


def too_large(limit: int) -> Text:
    """Why a body too big is refused.

    Args:
        limit: The most bytes allowed.

    Returns:
        The message.
    """
    return Text("The body exceeds {limit} bytes.", {"limit": limit})


async def read_json(request: Request, limit: int) -> dict[str, Any]:
    """Read a JSON object body of at most ``limit`` bytes, streaming.

    Args:
        request: The request.
        limit: The most bytes read.

    Returns:
        The object.

    Raises:
        ApiError: 413 when too big, 400 when not JSON, 422 when not an object,
            400 when the client went away before the end of it.
    """
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise ApiError(413, "payload_too_large", too_large(limit))
    body = bytearray()
    try:
        async for chunk in request.stream():
            body.extend(chunk)
            if len(body) > limit:
                raise ApiError(413, "payload_too_large", too_large(limit))
    except ClientDisconnect as error:  # said to nobody, but not a failure
        raise ApiError(400, "disconnected", "The request was interrupted.") from error
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError) as error:
        raise ApiError(400, "invalid_json", "The body is not valid JSON.") from error
    except RecursionError as error:  # arrays or objects nested thousands deep
        raise ApiError(
            400, "invalid_json", "The body's JSON is nested too deeply."
        ) from error
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
            sessions.verify_session, token, settings=get_settings(), now=time.time()
        )
    except AuthError as error:
        raise ApiError(401, "unauthorized", error.text) from error
    return user


def language_of(request: Request) -> str:
    """The language a request's messages are written in (its ``Accept-Language``).

    Args:
        request: The request.

    Returns:
        One of ``i18n.LANGUAGES``.
    """
    return i18n.negotiate(request.headers.get("accept-language"))


async def api_error(request: Request, error: Exception) -> JSONResponse:
    """Render an :class:`ApiError` in the client's language."""
    assert isinstance(error, ApiError)
    return error.response(language_of(request))


async def database_unavailable(request: Request, error: Exception) -> JSONResponse:
    """Answer 503 while the database cannot be reached (nothing was written)."""
    assert isinstance(error, db.DatabaseUnavailableError)
    return ApiError(
        503, "unavailable", error.text, headers={"Retry-After": "5"}
    ).response(language_of(request))
