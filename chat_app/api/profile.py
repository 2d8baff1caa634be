"""Profile pictures over HTTP: upload one's own, serve anyone's current one.

The upload streams to disk within its limit like any other (``uploads.receive``),
is drawn anew by ``uploads.avatars`` in the CPU threads, and only that new
picture is kept and served; the bytes uploaded are deleted whatever happens.
"""

import asyncio
import functools
import logging
import time

from starlette.requests import ClientDisconnect, Request
from starlette.responses import FileResponse, JSONResponse, Response

from chat_app import attempts, db, profiles
from chat_app.api.web import ApiError, authenticated
from chat_app.cpu import cpu_threads
from chat_app.domain.files import is_stored_name, stored_version
from chat_app.domain.text import Text
from chat_app.domain.validation import USERNAME_MAX_LENGTH, USERNAME_PATTERN
from chat_app.settings import get_settings
from chat_app.uploads import avatars
from chat_app.uploads.receive import UploadError, discard_files, receive_files

logger = logging.getLogger(__name__)

AVATAR_PATH = "/api/profile/avatar"
FIELD = b"file"


def avatar_url(username: str, stored: str) -> str:
    """Where a person's picture is served, naming its version.

    The version changes with every new picture, so a page showing the new URL
    never shows the old picture from its cache.

    Args:
        username: Their username.
        stored: The picture's stored name.

    Returns:
        ``/api/avatars/<username>?v=<version>``.
    """
    return f"/api/avatars/{username}?v={stored_version(stored)}"


async def upload_avatar(request: Request) -> JSONResponse:
    """``POST /api/profile/avatar``: multipart ``file`` -> 200 {url}.

    401 without a session, 429 past ``avatar_uploads_per_hour`` (counted before
    the body is read), 413 over ``max_avatar_bytes``, 415 for a file that is
    no PNG, JPEG, WebP or GIF picture, 422 for one with too many pixels or that
    cannot be decoded. The picture it replaces is deleted.
    """
    user = await authenticated(request)
    assert user.id is not None
    settings = get_settings()
    limit = settings.avatar_uploads_per_hour
    wait = await db.run(
        attempts.count_avatar,
        user.id,
        limit=limit,
        window=attempts.AVATAR_WINDOW_SECONDS,
        now=time.time(),
    )
    if wait:
        message = Text(
            "At most {limit} pictures an hour: try again in {wait} s.",
            {"limit": limit, "wait": wait},
        )
        raise _refused(
            user.username, 429, "too_many_uploads", message, {"Retry-After": str(wait)}
        )
    directory = avatars.folder(settings.upload_dir)
    incoming = directory / avatars.INCOMING
    try:
        [received] = await receive_files(
            request,
            directory=incoming,
            max_file_bytes=settings.max_avatar_bytes,
            max_files=1,
            max_upload_bytes=settings.max_avatar_bytes,
            min_free_disk_bytes=settings.min_free_disk_bytes,
            field=FIELD,
        )
    except UploadError as error:
        refusal = _refused(user.username, error.status, error.code, error.message)
        raise refusal from error
    except ClientDisconnect as error:
        raise ApiError(400, "disconnected", "The upload was interrupted.") from error
    try:
        if received.type.kind != "image":  # its first bytes say so already
            raise avatars.not_a_picture()
        picture = await asyncio.get_running_loop().run_in_executor(
            cpu_threads(),
            functools.partial(
                avatars.render,
                incoming / received.stored_name,
                max_pixels=settings.max_avatar_pixels,
            ),
        )
    except avatars.AvatarError as error:
        raise _refused(user.username, error.status, error.code, error.text) from error
    finally:
        await discard_files(incoming, [received])
    stored = await asyncio.to_thread(avatars.store, picture, directory)
    try:
        replaced = await db.run(profiles.set_avatar, user.id, stored)
    except BaseException:
        await asyncio.to_thread(avatars.remove, directory, stored)
        raise
    await asyncio.to_thread(avatars.remove, directory, replaced)
    logger.info("Avatar changed.", extra={"username": user.username})
    return JSONResponse({"url": avatar_url(user.username, stored)})


def _refused(
    username: str,
    status: int,
    code: str,
    message: Text,
    headers: dict[str, str] | None = None,
) -> ApiError:
    """The answer to a refused picture (logged: a refusal is worth knowing of)."""
    logger.warning("Avatar refused.", extra={"username": username, "reason": code})
    return ApiError(status, code, message, headers=headers)


async def avatar(request: Request) -> Response:
    """``GET /api/avatars/<username>``: the person's current picture, or 404.

    Revalidated on every use (``no-cache`` with an ETag: a 304 when unchanged),
    so a new picture shows as soon as a page asks again.
    """
    username = request.path_params["username"]
    shaped = len(username) <= USERNAME_MAX_LENGTH and USERNAME_PATTERN.fullmatch(
        username
    )
    # Only a username's shape reaches the database (PostgreSQL refuses a NUL).
    stored = await db.run(profiles.avatar_of, username) if shaped else None
    path = avatars.folder(get_settings().upload_dir) / (stored or "")
    if not stored or not is_stored_name(stored) or not path.is_file():
        raise ApiError(404, "not_found", "No such file.")
    headers = {
        "ETag": f'"{stored_version(stored)}"',
        "Cache-Control": "no-cache",
        "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": "default-src 'none'; sandbox",
    }
    asked = request.headers.get("if-none-match", "")
    if headers["ETag"] in [tag.strip().removeprefix("W/") for tag in asked.split(",")]:
        return Response(status_code=304, headers=headers)
    return FileResponse(path, media_type=avatars.content_type(stored), headers=headers)
