"""Pictures for the profile tests: plain, hostile, and in disguise."""

import io
import struct
import zipfile
import zlib

from PIL import Image

RED, BLUE = (220, 30, 30), (30, 30, 220)
GPS_IFD = 0x8825
ORIENTATION = 0x0112


def halves(width: int, height: int, fmt: str = "PNG", **save) -> bytes:
    """A picture whose left half is red and right half blue.

    Args:
        width: Its width.
        height: Its height.
        fmt: Pillow's format name.
        **save: Options for Pillow's ``save`` (e.g. ``exif``).

    Returns:
        The encoded picture.
    """
    image = Image.new("RGB", (width, height), BLUE)
    image.paste(RED, (0, 0, width // 2, height))
    buffer = io.BytesIO()
    image.save(buffer, fmt, **save)
    return buffer.getvalue()


def photo_with_gps() -> bytes:
    """A landscape JPEG that says, in its EXIF, where it was taken and to turn it.

    Orientation 6 means "turn 90° clockwise to show": its red left half is then
    on top.

    Returns:
        The JPEG.
    """
    exif = Image.Exif()
    exif[ORIENTATION] = 6
    exif[0x010F] = "SecretCam"  # Make
    exif.get_ifd(GPS_IFD).update(
        {1: "S", 2: (23.0, 32.0, 51.0), 3: "W", 4: (46.0, 38.0, 10.0)}
    )
    return halves(400, 200, "JPEG", exif=exif.tobytes(), quality=95)


def png_declaring(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims a size its data never fills (a "bomb").

    Args:
        width: The width it declares.
        height: The height it declares.

    Returns:
        The PNG: a few dozen bytes.
    """

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )


HTML = b"<html><body><script>alert(document.cookie)</script></body></html>"


def png_with_html() -> bytes:
    """A real PNG followed by a web page (a polyglot).

    Returns:
        The bytes.
    """
    return halves(300, 200) + HTML


def zip_archive() -> bytes:
    """A small ZIP archive.

    Returns:
        The archive.
    """
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("payload.txt", "hidden")
    return buffer.getvalue()


def jpeg_with_zip() -> bytes:
    """A real JPEG followed by a ZIP archive (a polyglot both programs open).

    Returns:
        The bytes.
    """
    return halves(300, 200, "JPEG") + zip_archive()


def two_frame_gif() -> bytes:
    """An animated GIF: a red frame, then a blue one.

    Returns:
        The GIF.
    """
    frames = [Image.new("RGB", (64, 48), colour) for colour in (RED, BLUE)]
    buffer = io.BytesIO()
    frames[0].save(buffer, "GIF", save_all=True, append_images=frames[1:])
    return buffer.getvalue()


def translucent_png() -> bytes:
    """A PNG that is half transparent.

    Returns:
        The PNG.
    """
    image = Image.new("RGBA", (100, 100), (*RED, 255))
    image.paste((0, 0, 0, 0), (0, 0, 50, 100))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def close_to(pixel: object, colour: tuple, tolerance: int = 40) -> bool:
    """Whether a pixel is about a colour (lossy encodings move it a little).

    Args:
        pixel: The pixel read (``getpixel`` of an RGB or RGBA picture).
        colour: The colour expected (RGB).
        tolerance: The largest difference allowed per channel.

    Returns:
        True when close.
    """
    assert isinstance(pixel, tuple)
    return all(abs(a - b) <= tolerance for a, b in zip(pixel[:3], colour, strict=True))
