"""Profile pictures: drawn anew as plain 256×256 squares, or refused (B17)."""

import io
import os
import time
import zipfile

import pytest
from PIL import Image, ImageFile

from chat_app import profiles
from chat_app.accounts import create_account, validate_registration
from chat_app.domain.files import is_stored_name
from chat_app.uploads import avatars
from tests.support import pictures

LIMIT = 40_000_000


def render(data: bytes, max_pixels: int = LIMIT) -> avatars.Picture:
    return avatars.render(io.BytesIO(data), max_pixels=max_pixels)


def opened(picture: avatars.Picture) -> Image.Image:
    image = Image.open(io.BytesIO(picture.data))
    image.load()
    return image


def refusal(data: bytes, max_pixels: int = LIMIT) -> avatars.AvatarError:
    with pytest.raises(avatars.AvatarError) as caught:
        render(data, max_pixels)
    return caught.value


def test_a_huge_declared_size_is_refused_before_a_pixel_is_decoded(monkeypatch):
    bomb = pictures.png_declaring(8000, 8000)  # 64 megapixels in ~80 bytes
    assert len(bomb) < 200

    def decoded(*_args, **_kwargs):
        raise AssertionError("the bomb was decoded")

    monkeypatch.setattr(ImageFile.ImageFile, "load", decoded)
    started = time.monotonic()
    error = refusal(bomb)
    assert time.monotonic() - started < 1
    assert (error.status, error.code) == (422, "image_too_large")
    assert str(error) == "That picture has too many pixels: at most 40 megapixels."


def test_pillow_s_own_bomb_check_is_a_clear_refusal_too():
    # Set far above Pillow's threshold: Pillow's limit holds, and says so.
    for size in (10_000, 20_000):  # over its warning's size, over its error's
        error = refusal(pictures.png_declaring(size, size), max_pixels=10**12)
        assert (error.status, error.code) == (422, "image_too_large")
        assert "89.5 megapixels" in str(error)


def test_a_png_carrying_a_web_page_comes_back_a_plain_square():
    polyglot = pictures.png_with_html()
    assert pictures.HTML in polyglot and Image.open(io.BytesIO(polyglot)).size
    picture = render(polyglot)
    assert b"<html" not in picture.data and b"script" not in picture.data
    image = opened(picture)
    assert image.size == (avatars.SIZE, avatars.SIZE) == (256, 256)
    assert image.format == "WEBP" and picture.extension == ".webp"
    assert picture.data != polyglot


def test_a_jpeg_carrying_a_zip_comes_back_without_the_archive():
    polyglot = pictures.jpeg_with_zip()
    assert zipfile.is_zipfile(io.BytesIO(polyglot))
    picture = render(polyglot)
    assert b"PK\x03\x04" not in picture.data
    assert not zipfile.is_zipfile(io.BytesIO(picture.data))
    assert opened(picture).size == (256, 256)


def test_exif_is_obeyed_then_dropped_gps_and_all():
    photo = pictures.photo_with_gps()
    assert Image.open(io.BytesIO(photo)).getexif().get_ifd(pictures.GPS_IFD)
    picture = render(photo)
    image = opened(picture)
    assert not image.getexif() and "exif" not in image.info
    assert "icc_profile" not in image.info and "xmp" not in image.info
    for secret in (b"Exif", b"SecretCam", b"GPS"):
        assert secret not in picture.data
    # Turned upright (red on top), then cropped to the centred square.
    assert image.size == (256, 256)
    rgb = image.convert("RGB")
    assert pictures.close_to(rgb.getpixel((128, 20)), pictures.RED)
    assert pictures.close_to(rgb.getpixel((128, 235)), pictures.BLUE)


def test_a_landscape_picture_is_cropped_to_its_centre():
    image = opened(render(pictures.halves(600, 200)))
    rgb = image.convert("RGB")
    # The middle third of 600 px: red on its left, blue on its right.
    assert pictures.close_to(rgb.getpixel((20, 128)), pictures.RED)
    assert pictures.close_to(rgb.getpixel((235, 128)), pictures.BLUE)


def test_an_animated_gif_gives_its_first_frame():
    rgb = opened(render(pictures.two_frame_gif())).convert("RGB")
    assert pictures.close_to(rgb.getpixel((128, 128)), pictures.RED)


def test_transparency_is_kept():
    image = opened(render(pictures.translucent_png()))
    assert image.mode == "RGBA"
    clear, solid = image.getpixel((10, 128)), image.getpixel((245, 128))
    assert isinstance(clear, tuple) and isinstance(solid, tuple)
    assert clear[3] < 20 and solid[3] > 235


@pytest.mark.parametrize(
    "data",
    [
        b"just some text",
        pictures.HTML,
        b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        pictures.zip_archive(),
        b"%PDF-1.7\n",
        pictures.halves(40, 40, "TIFF"),  # a picture, but not of the four kinds
        pictures.halves(40, 40, "BMP"),
        b"",
    ],
    ids=["text", "html", "svg", "zip", "pdf", "tiff", "bmp", "empty"],
)
def test_files_that_are_not_pictures_of_the_four_kinds_are_refused(data):
    error = refusal(data)
    assert (error.status, error.code) == (415, "not_an_image")


def test_a_damaged_picture_is_refused_as_unreadable():
    whole = pictures.halves(300, 300)
    error = refusal(whole[: len(whole) // 2])
    assert (error.status, error.code) == (422, "unreadable_image")


def test_a_picture_is_stored_whole_under_a_fresh_name(tmp_path):
    picture = render(pictures.halves(64, 64))
    first = avatars.store(picture, tmp_path)
    second = avatars.store(picture, tmp_path)
    assert first != second and is_stored_name(first) and first.endswith(".webp")
    assert (tmp_path / first).read_bytes() == picture.data
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([first, second])
    avatars.remove(tmp_path, first)
    avatars.remove(tmp_path, first)  # gone already: fine
    avatars.remove(tmp_path, None)
    avatars.remove(tmp_path, "../" + second)  # never a path
    assert [p.name for p in tmp_path.iterdir()] == [second]
    assert avatars.content_type(second) == "image/webp"


def test_a_failed_write_leaves_nothing_behind(tmp_path, monkeypatch):
    def disk_full(_fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", disk_full)
    with pytest.raises(OSError, match="No space"):
        avatars.store(render(pictures.halves(64, 64)), tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_a_new_avatar_names_the_one_it_replaced(session, settings):
    fields: dict[str, object] = {
        "name": "Ana",
        "username": "ana",
        "email": "ana@example.com",
        "password": "password-1",
    }
    user = create_account(
        session, validate_registration(fields), password_hash="x", now=1.0
    )
    session.commit()
    assert user.id is not None
    assert profiles.set_avatar(session, user.id, "a" * 32 + ".webp") is None
    session.commit()
    assert profiles.set_avatar(session, user.id, "b" * 32 + ".webp") == (
        "a" * 32 + ".webp"
    )
    session.commit()
    assert profiles.avatar_of(session, "ANA") == "b" * 32 + ".webp"
    assert profiles.rename(session, user.id, "Ana Maria") is True
    assert profiles.rename(session, user.id, "Ana Maria") is False
    session.commit()
    mine = profiles.own_profile(session, user.id)
    assert mine == profiles.OwnProfile(name="Ana Maria", avatar="b" * 32 + ".webp")
