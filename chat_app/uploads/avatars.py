"""Profile pictures: an upload made into a new, plain square picture, or refused.

Pillow reads only PNG, JPEG, WebP and GIF (the first frame), and only after the
size the file declares is checked, so a "decompression bomb" (a small file
claiming billions of pixels) is refused before a pixel is decoded. What is kept
is drawn anew: turned upright by its EXIF orientation, cropped to a centred
square, resized to 256×256 and encoded again with no metadata at all (no EXIF,
GPS, colour profile or comment), under a fresh name. So the uploaded bytes, and
anything hidden in or after them (a page, an archive), are never served back.

Plain functions over files; the HTTP route and the account's record are the
callers' (``api.profile``, ``profiles``).
"""

import contextlib
import io
import os
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from PIL import Image, ImageOps, UnidentifiedImageError, features

from chat_app.domain.errors import ChatError
from chat_app.domain.files import is_stored_name, stored_name
from chat_app.domain.text import Text

SIZE = 256
# What Pillow may open: its other formats (EPS through Ghostscript, PSD, TIFF...)
# never get a look at an upload.
FORMATS = ("PNG", "JPEG", "WEBP", "GIF")
WEBP = features.check("webp")
CONTENT_TYPES = {".webp": "image/webp", ".png": "image/png"}
FOLDER = "avatars"
INCOMING = "incoming"


class AvatarError(ChatError):
    """An upload that cannot become a profile picture: its status and code."""

    def __init__(self, status: int, code: str, message: Text) -> None:
        """Say why.

        Args:
            status: The HTTP status (415 not a picture, 422 an unusable one).
            code: A stable code.
            message: What the sender reads.
        """
        super().__init__(message)
        self.status, self.code = status, code


@dataclass(frozen=True)
class Picture:
    """A profile picture, encoded and ready to store.

    Attributes:
        data: Its bytes.
        extension: ``.webp`` (or ``.png`` where Pillow has no WebP).
    """

    data: bytes
    extension: str


def folder(upload_dir: Path) -> Path:
    """Where profile pictures are kept.

    Args:
        upload_dir: The upload folder (``settings.upload_dir``).

    Returns:
        Its ``avatars`` folder.
    """
    return upload_dir / FOLDER


def not_a_picture() -> AvatarError:
    """The refusal of a file that is not a PNG, JPEG, WebP or GIF picture.

    Returns:
        The error (415).
    """
    return AvatarError(
        415,
        "not_an_image",
        Text("That file is not a picture: choose a PNG, JPEG, WebP or GIF image."),
    )


def _too_many_pixels(limit: int) -> AvatarError:
    return AvatarError(
        422,
        "image_too_large",
        Text(
            "That picture has too many pixels: at most {limit} megapixels.",
            {"limit": format(limit / 1_000_000, ".3g")},
        ),
    )


def render(source: Path | BinaryIO, *, max_pixels: int) -> Picture:
    """Make an uploaded picture into a profile picture.

    Args:
        source: The uploaded file (a path or an open binary file).
        max_pixels: The most pixels the file may declare (width times height).

    Returns:
        The 256×256 picture, without metadata.

    Raises:
        AvatarError: 415 when it is not a PNG, JPEG, WebP or GIF; 422 when it
            declares too many pixels, or cannot be decoded.
    """
    # Never above Pillow's own bomb threshold, so nothing accepted here is what
    # Pillow would only warn about.
    limit = min(max_pixels, Image.MAX_IMAGE_PIXELS or max_pixels)
    try:
        with Image.open(source, formats=FORMATS) as image:
            width, height = image.size
            # Before anything is decoded: the header's word is all there is yet.
            if width * height > limit:
                raise _too_many_pixels(limit)
            if min(width, height) < 1:
                raise _unreadable()
            # A large JPEG is decoded at an eighth, a quarter or half its size
            # when that still covers the square (the other formats ignore it).
            image.draft(None, (SIZE, SIZE))
            image.load()
            upright = ImageOps.exif_transpose(image)
            mode = "RGBA" if upright.has_transparency_data else "RGB"
            square = ImageOps.fit(
                upright.convert(mode), (SIZE, SIZE), Image.Resampling.LANCZOS
            )
    except AvatarError:
        raise
    except UnidentifiedImageError as error:  # no format of FORMATS recognised it
        raise not_a_picture() from error
    # Pillow's own check, made as it opens a file declaring over twice its
    # threshold (and its warning, wherever warnings are made errors).
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise _too_many_pixels(limit) from error
    # Pillow's decoders answer a damaged file with many kinds of error (OSError,
    # SyntaxError, ValueError, EOFError, struct.error, zlib.error...): each
    # means the same, this is no usable picture.
    except Exception as error:
        raise _unreadable() from error
    # Drawn again from its pixels alone: nothing of the upload's info (EXIF, ICC
    # profile, comments, XMP) can ride along into the encoder.
    clean = Image.frombytes(mode, (SIZE, SIZE), square.tobytes())
    buffer = io.BytesIO()
    if WEBP:
        clean.save(buffer, "WEBP", quality=85, method=4)
        return Picture(buffer.getvalue(), ".webp")
    clean.save(buffer, "PNG", optimize=True)
    return Picture(buffer.getvalue(), ".png")


def _unreadable() -> AvatarError:
    return AvatarError(
        422,
        "unreadable_image",
        Text("That picture could not be read: it may be damaged. Try another one."),
    )


def store(picture: Picture, directory: Path) -> str:
    """Write a picture under a fresh name: whole, or not at all.

    It is written under a temporary name and renamed once complete, so a
    failure (a full disk) leaves nothing behind and no one reads half a file.

    Args:
        picture: The picture.
        directory: The pictures' folder (see :func:`folder`).

    Returns:
        Its stored name.
    """
    directory.mkdir(parents=True, exist_ok=True)
    name = stored_name(picture.extension)
    temporary = directory / stored_name(".part")
    try:
        with temporary.open("xb") as file:
            file.write(picture.data)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, directory / name)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return name


def remove(directory: Path, name: str | None) -> None:
    """Delete a stored picture (a missing one, or no name, is fine).

    Args:
        directory: The pictures' folder.
        name: Its stored name; anything else is never taken for a path.
    """
    if name and is_stored_name(name):
        with contextlib.suppress(FileNotFoundError):
            (directory / name).unlink()


def content_type(name: str) -> str:
    """The type a stored picture is served as.

    Args:
        name: Its stored name.

    Returns:
        ``image/webp`` or ``image/png``.
    """
    return CONTENT_TYPES.get(Path(name).suffix, "application/octet-stream")
