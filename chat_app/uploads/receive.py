"""Receiving uploads: multipart bodies streamed to disk in chunks, with limits.

A file is never held whole in memory: each chunk the socket delivers is parsed and
written with aiofiles before the next is read, so a slow upload only ever waits on
its own connection. Files are written under a temporary name and renamed when
complete; anything refused (too big, too many, empty) leaves nothing behind.
"""

import asyncio
import contextlib
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import aiofiles
import aiofiles.os
from python_multipart.exceptions import FormParserError
from python_multipart.multipart import (
    MultipartParser,
    MultipartState,
    parse_options_header,
)
from starlette.requests import Request

from chat_app.domain.files import (
    FileType,
    display_name,
    is_stored_name,
    size_text,
    sniff,
    stored_name,
)
from chat_app.domain.text import Text

FILE_FIELD = b"files"
HEAD_BYTES = 16
# Room for the multipart boundaries and headers around the files themselves.
ENVELOPE_BYTES = 64 * 1024
# How often, in bytes written, the free disk space is looked at again.
DISK_CHECK_BYTES = 4 * 1024 * 1024


class UploadError(Exception):
    """An upload was refused: ``status`` and a message for the sender."""

    def __init__(self, status: int, code: str, message: str | Text) -> None:
        """Describe the refusal.

        Args:
            status: The HTTP status.
            code: A stable code.
            message: What the sender reads (English; translated when answered).
        """
        self.message = message if isinstance(message, Text) else Text(message)
        super().__init__(str(self.message))
        self.status, self.code = status, code


@dataclass(frozen=True)
class ReceivedFile:
    """A file written to the upload folder."""

    stored_name: str
    original_name: str
    type: FileType
    size: int


@dataclass
class _Part:
    """A file part being received."""

    original_name: str
    temp_path: Path
    handle: object
    size: int = 0
    head: bytes = b""


@dataclass
class _Parse:
    """What the parser's callbacks saw since the last chunk."""

    events: list[tuple[str, bytes]] = field(default_factory=list)
    header_field: bytes = b""
    headers: dict[bytes, bytes] = field(default_factory=dict)


def _parser(boundary: bytes, parse: _Parse) -> MultipartParser:
    def on(name: str):
        def callback(data: bytes | None = None, start: int = 0, end: int = 0) -> None:
            parse.events.append((name, bytes(data[start:end]) if data else b""))

        return callback

    return MultipartParser(
        boundary,
        {
            "on_part_begin": on("begin"),
            "on_part_data": on("data"),
            "on_part_end": on("end"),
            "on_header_field": on("field"),
            "on_header_value": on("value"),
            "on_header_end": on("header_end"),
            "on_headers_finished": on("headers"),
        },  # pyright: ignore[reportArgumentType]
    )


async def receive_files(
    request: Request,
    *,
    directory: Path,
    max_file_bytes: int,
    max_files: int,
    max_upload_bytes: int,
    max_stored_bytes: int | None = None,
    min_free_disk_bytes: int = 0,
    field: bytes = FILE_FIELD,
) -> list[ReceivedFile]:
    """Stream the file parts of a multipart request into ``directory``.

    Args:
        request: The request.
        directory: The upload folder.
        max_file_bytes: The largest file accepted.
        max_files: The most files accepted.
        max_upload_bytes: The largest request accepted.
        max_stored_bytes: The most bytes of files the sender's quota has left
            (None: no quota).
        min_free_disk_bytes: The free space the upload folder's disk keeps.
        field: The name of the form field the files come in (others are not
            read).

    Returns:
        The files, in the order sent.

    Raises:
        UploadError: 413 over a limit or the quota, 507 when the disk is nearly
            full, 400 for no file, an empty file or a body that is not
            well-formed multipart; nothing stays on disk then.
    """
    content_type, options = parse_options_header(request.headers.get("content-type"))
    boundary = options.get(b"boundary")
    if content_type != b"multipart/form-data" or not boundary:
        raise UploadError(
            400, "not_multipart", "Send the files as multipart/form-data."
        )
    declared = request.headers.get("content-length", "")
    size = int(declared) if declared.isdigit() else 0
    limit = max_upload_bytes + ENVELOPE_BYTES
    if size > limit:
        raise UploadError(
            413,
            "upload_too_large",
            Text(
                "An upload has at most {limit}.", {"limit": size_text(max_upload_bytes)}
            ),
        )
    if max_stored_bytes is not None and size > max_stored_bytes + ENVELOPE_BYTES:
        raise _over_quota(max_stored_bytes)
    await aiofiles.os.makedirs(directory, exist_ok=True)
    await _check_disk(directory, size, min_free_disk_bytes)
    parse = _Parse()
    try:
        parser = _parser(boundary, parse)
    except FormParserError as error:
        raise _malformed(error) from error
    parts: list[_Part] = []
    current: _Part | None = None
    received = stored = checked = 0
    try:
        async for chunk in request.stream():
            received += len(chunk)
            if received > limit:
                raise UploadError(
                    413,
                    "upload_too_large",
                    Text(
                        "An upload has at most {limit}.",
                        {"limit": size_text(max_upload_bytes)},
                    ),
                )
            try:
                parser.write(chunk)
            except FormParserError as error:
                raise _malformed(error) from error
            for event, data in parse.events:
                current = await _handle(
                    event, data, parse, parts, current, directory, max_files, field
                )
                if current is not None and current.size > max_file_bytes:
                    raise UploadError(
                        413,
                        "file_too_large",
                        Text(
                            "{name} is larger than {limit}.",
                            {
                                "name": current.original_name,
                                "limit": size_text(max_file_bytes),
                            },
                        ),
                    )
            parse.events.clear()
            stored = sum(part.size for part in parts)
            if max_stored_bytes is not None and stored > max_stored_bytes:
                raise _over_quota(max_stored_bytes)
            if stored - checked >= DISK_CHECK_BYTES:
                await _check_disk(directory, 0, min_free_disk_bytes)
                checked = stored
        parser.finalize()
        # python-multipart's finalize() does not check the end; a body cut short
        # would otherwise be stored as if complete.
        if parser.state != MultipartState.END:
            raise UploadError(
                400,
                "malformed_multipart",
                "The upload ended before its closing boundary: it was cut short.",
            )
        if not parts:
            raise UploadError(400, "no_files", "Choose at least one file.")
        for part in parts:
            if part.size == 0:
                raise UploadError(
                    400,
                    "empty_file",
                    Text("{name} is empty.", {"name": part.original_name}),
                )
        return [await _keep(part, directory) for part in parts]
    except BaseException:
        await _discard(parts)
        raise


def _malformed(error: FormParserError) -> UploadError:
    return UploadError(
        400,
        "malformed_multipart",
        Text("The upload is not well-formed multipart: {reason}.", {"reason": error}),
    )


def _over_quota(left: int) -> UploadError:
    return UploadError(
        413,
        "quota_exceeded",
        Text(
            "This upload is over your upload quota, which has {left} left.",
            {"left": size_text(left)},
        ),
    )


async def _check_disk(directory: Path, incoming: int, min_free: int) -> None:
    """Refuse (507) when writing ``incoming`` more bytes leaves under ``min_free``."""
    if not min_free:
        return
    # A network disk (EFS) may answer slowly: never on the event loop.
    free = (await asyncio.to_thread(shutil.disk_usage, directory)).free
    if free - incoming < min_free:
        raise UploadError(
            507,
            "storage_full",
            "The server's storage is nearly full, so it takes no uploads now. "
            "Try again later.",
        )


async def _handle(
    event: str,
    data: bytes,
    parse: _Parse,
    parts: list[_Part],
    current: _Part | None,
    directory: Path,
    max_files: int,
    field: bytes,
) -> _Part | None:
    """Apply one parser event; returns the file part now being written, if any."""
    if event == "begin":
        parse.headers, parse.header_field = {}, b""
        return None
    if event == "field":
        parse.header_field += data
        return current
    if event == "value":
        name = parse.header_field.lower()
        parse.headers[name] = parse.headers.get(name, b"") + data
        return current
    if event == "header_end":
        parse.header_field = b""
        return current
    if event == "headers":
        _, options = parse_options_header(parse.headers.get(b"content-disposition"))
        if options.get(b"name") != field or b"filename" not in options:
            return None  # other fields are not read
        if len(parts) >= max_files:
            raise UploadError(
                413,
                "too_many_files",
                Text("At most {limit} files at once.", {"limit": max_files}),
            )
        original = display_name(options[b"filename"].decode("utf-8", "replace"))
        temp_path = directory / f"{stored_name('.part')}"
        part = _Part(
            original_name=original,
            temp_path=temp_path,
            handle=await aiofiles.open(temp_path, "wb"),
        )
        parts.append(part)
        return part
    if event == "data" and current is not None:
        await current.handle.write(data)  # pyright: ignore[reportAttributeAccessIssue]
        current.size += len(data)
        if len(current.head) < HEAD_BYTES:
            current.head = (current.head + data)[:HEAD_BYTES]
        return current
    if event == "end" and current is not None:
        await current.handle.close()  # pyright: ignore[reportAttributeAccessIssue]
        return None
    return current


async def _keep(part: _Part, directory: Path) -> ReceivedFile:
    """Give a complete part its final name."""
    file_type = sniff(part.head, part.original_name)
    name = stored_name(file_type.extension)
    await aiofiles.os.rename(part.temp_path, directory / name)
    part.temp_path = directory / name
    return ReceivedFile(
        stored_name=name,
        original_name=part.original_name,
        type=file_type,
        size=part.size,
    )


async def _discard(parts: list[_Part]) -> None:
    """Close and delete whatever this request wrote."""
    for part in parts:
        with contextlib.suppress(Exception):
            await part.handle.close()  # pyright: ignore[reportAttributeAccessIssue]
        with contextlib.suppress(FileNotFoundError):
            await aiofiles.os.remove(part.temp_path)


async def discard_files(directory: Path, files: list[ReceivedFile]) -> None:
    """Delete files that were received but could not be recorded.

    Args:
        directory: The upload folder.
        files: The files.
    """
    for received in files:
        with contextlib.suppress(FileNotFoundError):
            await aiofiles.os.remove(directory / received.stored_name)


async def remove_stored(directory: Path, names: list[str]) -> None:
    """Delete stored uploads by their server-made names (missing ones are fine).

    Args:
        directory: The upload folder.
        names: Stored names, as :func:`chat_app.domain.files.stored_name` makes.
    """
    for name in names:
        if is_stored_name(name):  # never a path: names come from the database
            with contextlib.suppress(FileNotFoundError):
                await aiofiles.os.remove(directory / name)
