"""The upload routes: ``POST /api/upload`` and ``GET /static/<stored name>``."""

import logging
import time

from starlette.requests import ClientDisconnect, Request
from starlette.responses import FileResponse, JSONResponse, Response

from chat_app import db
from chat_app.api.web import ApiError, authenticated, client_address
from chat_app.domain.files import is_stored_name
from chat_app.settings import Settings, get_settings
from chat_app.uploads import quotas, records
from chat_app.uploads.receive import (
    ENVELOPE_BYTES,
    UploadError,
    discard_files,
    receive_files,
)

logger = logging.getLogger(__name__)


async def upload(request: Request) -> JSONResponse:
    """``POST /api/upload``: multipart ``files`` -> 201 {links, files}.

    The session, the sender's and the address's quotas and rate and the free
    disk space are checked before a byte of the body is read, and the bytes it
    declares are reserved, so the other uploads of the sender and of its address
    count them while it streams. The quota is checked again while it streams,
    and once more, taking the sender's and the address's turns, when the files
    are recorded.
    """
    user = await authenticated(request)
    settings = get_settings()
    quota = upload_quota(settings)
    address = client_address(request)
    declared = request.headers.get("content-length", "")
    size = int(declared) if declared.isdigit() else settings.max_upload_bytes
    now = time.time()
    try:
        held = await db.run(
            quotas.reserve_upload,
            owner=user.username,
            address=address,
            size=size,
            now=now,
            expires_at=now + reservation_seconds(size, settings),
            quota=quota,
        )
    except quotas.QuotaError as error:
        raise _refused(user.username, error) from error
    try:
        return await _receive_and_record(request, user.username, address, held)
    except BaseException:
        try:
            await db.run(quotas.release_upload, held.id)
        except Exception:  # the reservation then expires by itself
            logger.warning(
                "An upload's reservation was left to expire.",
                extra={"username": user.username},
            )
        raise


async def _receive_and_record(
    request: Request, username: str, address: str, held: quotas.Reservation
) -> JSONResponse:
    """Stream the files to disk within what is held, then record them."""
    settings = get_settings()
    quota = upload_quota(settings)
    try:
        received = await receive_files(
            request,
            directory=settings.upload_dir,
            max_file_bytes=settings.max_file_bytes,
            max_files=settings.max_files,
            max_upload_bytes=settings.max_upload_bytes,
            max_stored_bytes=held.size,
            min_free_disk_bytes=settings.min_free_disk_bytes,
        )
    except UploadError as error:
        refusal = (  # which quota, as the final check would say
            quotas.over_quota(held.message) if error.code == "quota_exceeded" else error
        )
        raise _refused(username, refusal) from error
    except ClientDisconnect as error:  # nobody is left to answer
        logger.info("Upload abandoned by the client.", extra={"username": username})
        raise ApiError(400, "disconnected", "The upload was interrupted.") from error
    try:
        described = await db.run(
            quotas.record_within_quota,
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
            owner=username,
            address=address,
            now=time.time(),
            quota=quota,
            reservation=held.id,
        )
    except quotas.QuotaError as error:
        await discard_files(settings.upload_dir, received)
        raise _refused(username, error) from error
    except BaseException:
        await discard_files(settings.upload_dir, received)
        raise
    logger.info(
        "Upload accepted.",
        extra={
            "username": username,
            "count": len(received),
            "bytes": sum(f.size for f in received),
        },
    )
    return JSONResponse(
        {"links": [item["url"] for item in described], "files": described}, 201
    )


def upload_quota(settings: Settings) -> quotas.UploadQuota:
    """The upload limits, per user and per address, the settings give.

    Args:
        settings: The settings.

    Returns:
        The quota.
    """
    return quotas.UploadQuota(
        bytes_per_day=settings.upload_bytes_per_day,
        bytes_kept=settings.upload_bytes_kept,
        uploads_per_minute=settings.uploads_per_minute,
        bytes_per_address_per_day=settings.upload_bytes_per_address_per_day,
    )


def reservation_seconds(size: int, settings: Settings) -> float:
    """How long a reservation of ``size`` bytes lasts if never given back.

    Only when its process died mid-upload. The body cannot take longer than the
    grace plus a second per ``body_min_bytes_per_second`` bytes of waiting for
    the client (``api.edge``); twice that, and a minute for the recording,
    leave room for the server's own time.

    Args:
        size: The bytes held.
        settings: The settings.

    Returns:
        The seconds.
    """
    body = min(size, settings.max_upload_bytes) + ENVELOPE_BYTES
    longest = settings.body_grace_seconds + body / settings.body_min_bytes_per_second
    return 2 * longest + 60


def _refused(username: str, error: UploadError | quotas.QuotaError) -> ApiError:
    """The answer to a refused upload (logged: a refusal is worth knowing of)."""
    if isinstance(error, UploadError):
        status, code, headers = error.status, error.code, {}
    elif error.retry_after:
        status, code = 429, "too_many_uploads"
        headers = {"Retry-After": str(error.retry_after)}
    else:
        status, code, headers = 413, "quota_exceeded", {}
    logger.warning("Upload refused.", extra={"username": username, "reason": code})
    message = error.message if isinstance(error, UploadError) else error.text
    return ApiError(status, code, message, headers=headers)


async def static_file(request: Request) -> Response:
    """``GET /static/<stored name>``: images inline, everything else a download.

    Nothing but a name the server made can match, so no path leaves the folder.
    Downloads are sandboxed and never sniffed, so an uploaded page cannot run in
    this origin.
    """
    name = request.path_params["name"]
    row = await db.run(records.attachment, name) if is_stored_name(name) else None
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
