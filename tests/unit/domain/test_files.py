import pytest

from chat_app.domain.files import display_name, is_stored_name, sniff, stored_name


@pytest.mark.parametrize(
    ("head", "name", "kind", "content_type", "extension"),
    [
        (b"\x89PNG\r\n\x1a\n....", "x.txt", "image", "image/png", ".png"),
        (b"\xff\xd8\xff\xe0", "x", "image", "image/jpeg", ".jpg"),
        (b"GIF89a", "x", "image", "image/gif", ".gif"),
        (b"RIFF\x00\x00\x00\x00WEBPVP8 ", "x", "image", "image/webp", ".webp"),
        (b"%PDF-1.7", "x", "file", "application/pdf", ".pdf"),
        (b"PK\x03\x04", "x.docx", "file", "application/zip", ".zip"),
        (b"<svg>", "logo.SVG", "file", "application/octet-stream", ".svg"),
        (b"<html>", "fake.png", "file", "application/octet-stream", ".bin"),
        (b"MZ\x90\x00", "run.exe", "file", "application/octet-stream", ".bin"),
    ],
)
def test_the_type_comes_from_the_content(head, name, kind, content_type, extension):
    file_type = sniff(head, name)
    assert (file_type.kind, file_type.content_type, file_type.extension) == (
        kind,
        content_type,
        extension,
    )


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("../../etc/passwd", "passwd"),
        ("C:\\\\Users\\\\x\\\\report.pdf", "report.pdf"),
        ("nul\x00byte\x07.txt", "nulbyte.txt"),
        ("  ..  ", "file"),
        ("", "file"),
        ("ação 数据.txt", "ação 数据.txt"),
        ("y" * 300, "y" * 255),
    ],
)
def test_display_names_are_safe_to_show(raw, shown):
    assert display_name(raw) == shown


def test_stored_names_are_random_and_recognisable():
    first, second = stored_name(".png"), stored_name(".png")
    assert first != second
    assert is_stored_name(first)
    for hostile in ("../x.png", "a.png", first + "/..", first.upper(), "x" * 32):
        assert not is_stored_name(hostile)
