"""Attachments in the browser (A5, A9, A10, B9, B10)."""

import io
import struct
import zipfile
import zlib

from playwright.sync_api import expect


def png_bytes() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    width = height = 40
    rows = b"".join(b"\x00" + b"\x00\x99\xcc" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def zip_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("leia-me.txt", "conteúdo")
    return buffer.getvalue()


def test_an_image_and_a_zip_with_text_reach_the_other_user(people):
    sender = people("anexa").enter()
    reader = people("recebe").enter()
    page = sender.page
    page.set_input_files(
        "#file-picker",
        files=[
            {"name": "praia.png", "mimeType": "image/png", "buffer": png_bytes()},
            {"name": "docs.zip", "mimeType": "application/zip", "buffer": zip_bytes()},
        ],
    )
    tray = page.locator("#attachment-tray .attachment-item")
    expect(tray).to_have_count(2)
    expect(page.locator("#attachment-tray [data-state='done']")).to_have_count(2)
    page.fill("#composer-input", "fotos da viagem")
    page.click("#send-button")
    expect(tray).to_have_count(0)

    bubble = reader.messages().filter(has_text="fotos da viagem")
    expect(bubble).to_have_count(1)
    thumbnail = bubble.locator(".attachment-image img")
    expect(thumbnail).to_have_attribute("loading", "lazy")
    expect(thumbnail).to_have_js_property("naturalWidth", 40)
    zip_link = bubble.locator("a.attachment-file")
    expect(zip_link).to_contain_text("docs.zip")
    thumbnail.click()
    viewer = reader.page.locator("#image-viewer")
    expect(viewer).to_be_visible()
    expect(viewer.locator("#image-viewer-image")).to_have_js_property(
        "naturalWidth", 40
    )
    reader.page.click("#image-viewer-close")
    expect(viewer).to_have_count(0)
    with reader.page.expect_download() as download:
        zip_link.click()
    path = download.value.path()
    assert zipfile.ZipFile(path).read("leia-me.txt").decode() == "conteúdo"
    assert download.value.suggested_filename == "docs.zip"


def test_a_message_of_attachments_only_and_a_refused_file(people):
    sender = people("so-anexo").enter()
    reader = people("ve-anexo").enter()
    page = sender.page
    page.set_input_files(
        "#file-picker",
        files=[{"name": "vazio.txt", "mimeType": "text/plain", "buffer": b""}],
    )
    expect(page.locator("#upload-error")).to_contain_text("está vazio")
    page.set_input_files(
        "#file-picker",
        files=[{"name": "nota.txt", "mimeType": "text/plain", "buffer": b"oi"}],
    )
    expect(page.locator("#attachment-tray [data-state='done']")).to_have_count(1)
    page.locator("#composer-input").press("Enter")
    entry = reader.page.locator(
        f'#message-list [data-author="{sender.name}"] a.attachment-file'
    )
    expect(entry).to_contain_text("nota.txt")
    expect(entry).to_contain_text("2 B")
