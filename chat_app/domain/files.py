"""Rules for uploaded files: what they are, what they may be called, how stored.

The type comes from the file's first bytes, never from the browser's word; the
stored name is made by the server; the original name is only ever shown.
"""

import re
import unicodedata
import uuid
from dataclasses import dataclass

# Served inline as pictures; everything else is a download.
IMAGE_SIGNATURES: tuple[tuple[bytes, str, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "image/png", ".png"),
    (b"\xff\xd8\xff", "image/jpeg", ".jpg"),
    (b"GIF87a", "image/gif", ".gif"),
    (b"GIF89a", "image/gif", ".gif"),
)
FILE_SIGNATURES: tuple[tuple[bytes, str, str], ...] = (
    (b"%PDF-", "application/pdf", ".pdf"),
    (b"PK\x03\x04", "application/zip", ".zip"),
)
# Extensions kept for other files, by the original name; anything else is ".bin".
KEPT_EXTENSIONS = {
    ".txt", ".md", ".csv", ".json", ".log", ".html", ".htm", ".svg", ".xml",
    ".docx", ".xlsx", ".pptx", ".odt", ".ods", ".zip", ".pdf", ".mp3", ".mp4",
}  # fmt: skip
STORED_NAME = re.compile(r"[0-9a-f]{32}\.[a-z0-9]{1,5}")
NAME_LIMIT = 255


@dataclass(frozen=True)
class FileType:
    """What a file is.

    Attributes:
        kind: ``image`` (shown inline) or ``file`` (downloaded).
        content_type: The type sniffed from the content.
        extension: The extension of the stored name.
    """

    kind: str
    content_type: str
    extension: str


def sniff(head: bytes, original_name: str) -> FileType:
    """Tell a file's type from its first bytes.

    Args:
        head: At least the first 16 bytes (fewer if the file is shorter).
        original_name: The name the browser gave, used only for the extension of
            files that are not recognised.

    Returns:
        The type.
    """
    for signature, content_type, extension in IMAGE_SIGNATURES:
        if head.startswith(signature):
            return FileType("image", content_type, extension)
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return FileType("image", "image/webp", ".webp")
    for signature, content_type, extension in FILE_SIGNATURES:
        if head.startswith(signature):
            return FileType("file", content_type, extension)
    extension = ""
    if "." in original_name:
        extension = "." + original_name.rsplit(".", 1)[1].lower()
    if extension not in KEPT_EXTENSIONS:
        extension = ".bin"
    return FileType("file", "application/octet-stream", extension)


def display_name(raw: str) -> str:
    """A file name that is safe to show and to put in a download header.

    Path parts, control characters (NUL included) and surrounding dots and spaces
    go; the rest, non-Latin letters included, stays, cut to 255 characters.

    Args:
        raw: The name the browser sent.

    Returns:
        The name, or "file" if nothing is left.
    """
    base = re.split(r"[\\/]", raw)[-1]
    cleaned = "".join(
        char for char in base if not unicodedata.category(char).startswith("C")
    ).strip(" .")
    return cleaned[:NAME_LIMIT] or "file"


def stored_name(extension: str) -> str:
    """A fresh name for a stored file.

    Args:
        extension: Its extension, with the dot.

    Returns:
        32 random hex digits and the extension.
    """
    return f"{uuid.uuid4().hex}{extension}"


def stored_version(name: str) -> str:
    """What tells one stored file from every other: its random digits.

    Args:
        name: A stored name.

    Returns:
        The name without its extension.
    """
    return name.split(".", 1)[0]


def is_stored_name(name: str) -> bool:
    """Whether a name could be one the server made (so it cannot climb out).

    Args:
        name: The requested name.

    Returns:
        True for a well-formed stored name.
    """
    return bool(STORED_NAME.fullmatch(name))


def size_text(size: int) -> str:
    """A size for people: bytes, then KB, MB or GB (of 1024), one decimal at most.

    Args:
        size: Bytes (less than 0 counts as 0).

    Returns:
        E.g. ``512 bytes``, ``256 KB``, ``25 MB``, ``1.5 GB``.
    """
    if size < 1024:
        return f"{max(size, 0)} bytes"
    amount = size / 1024
    for unit in ("KB", "MB"):
        if amount < 1024:
            return f"{amount:.1f}".removesuffix(".0") + f" {unit}"
        amount /= 1024
    return f"{amount:.1f}".removesuffix(".0") + " GB"
