"""The upload routes: ``POST /api/upload`` and ``GET /static/<stored name>``."""

import logging
import time

from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response

from chat_app import db
from chat_app.api.web import ApiError, authenticated
from chat_app.domain.files import is_stored_name
from chat_app.settings import get_settings
from chat_app.uploads import records
from chat_app.uploads.receive import UploadError, discard_files, receive_files

logger = logging.getLogger(__name__)


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
            records.record_attachments,
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
