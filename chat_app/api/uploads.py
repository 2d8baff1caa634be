"""The upload routes: ``POST /api/upload`` and ``GET /static/<stored name>``."""

import logging
import time

from starlette.requests import ClientDisconnect, Request
from starlette.responses import FileResponse, JSONResponse, Response

from chat_app import db
from chat_app.api.web import ApiError, authenticated
from chat_app.domain.files import is_stored_name
from chat_app.settings import Settings, get_settings
from chat_app.uploads import records
from chat_app.uploads.receive import UploadError, discard_files, receive_files

logger = logging.getLogger(__name__)


async def upload(request: Request) -> JSONResponse:
    """``POST /api/upload``: multipart ``files`` -> 201 {links, files}.

    The session, the sender's quota and rate and the free disk space are checked
    before a byte of the body is read; the quota again while it streams, and
    once more, taking the sender's turn, when the files are recorded.
    """
    user = await authenticated(request)
    settings = get_settings()
    quota = upload_quota(settings)
    allowance = await db.run(
        records.upload_allowance, owner=user.username, now=time.time(), quota=quota
    )
    try:
        records.check_allowance(allowance, 0, quota)
        received = await receive_files(
            request,
            directory=settings.upload_dir,
            max_file_bytes=settings.max_file_bytes,
            max_files=settings.max_files,
            max_upload_bytes=settings.max_upload_bytes,
            max_stored_bytes=allowance.bytes_left,
            min_free_disk_bytes=settings.min_free_disk_bytes,
        )
    except (UploadError, records.QuotaError) as error:
        raise _refused(user.username, error) from error
    except ClientDisconnect as error:  # nobody is left to answer
        logger.info(
            "Upload abandoned by the client.", extra={"username": user.username}
        )
        raise ApiError(400, "disconnected", "The upload was interrupted.") from error
    try:
        described = await db.run(
            records.record_within_quota,
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
            quota=quota,
        )
    except records.QuotaError as error:
        await discard_files(settings.upload_dir, received)
        raise _refused(user.username, error) from error
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


def upload_quota(settings: Settings) -> records.UploadQuota:
    """The per-user upload limits the settings give.

    Args:
        settings: The settings.

    Returns:
        The quota.
    """
    return records.UploadQuota(
        bytes_per_day=settings.upload_bytes_per_day,
        bytes_kept=settings.upload_bytes_kept,
        uploads_per_minute=settings.uploads_per_minute,
    )


def _refused(username: str, error: UploadError | records.QuotaError) -> ApiError:
    """The answer to a refused upload (logged: a refusal is worth knowing of)."""
    if isinstance(error, UploadError):
        status, code, headers = error.status, error.code, {}
    elif error.retry_after:
        status, code = 429, "too_many_uploads"
        headers = {"Retry-After": str(error.retry_after)}
    else:
        status, code, headers = 413, "quota_exceeded", {}
    logger.warning("Upload refused.", extra={"username": username, "reason": code})
    return ApiError(status, code, str(error), headers=headers)


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
