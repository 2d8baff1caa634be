"""Profile pictures over HTTP: uploaded, drawn anew, served, refused (B17)."""

import io

import pytest
from PIL import Image

from chat_app.settings import get_settings
from chat_app.uploads import avatars
from tests.support import pictures

PNG = pictures.halves(300, 200)


def register(client, username: str) -> dict[str, str]:
    fields = {
        "name": username.title(),
        "username": username,
        "email": f"{username}@example.com",
        "password": "password-123",
    }
    assert client.post("/api/auth/register", json=fields).status_code == 201
    token = client.post(
        "/api/auth/login", json={"login": username, "password": "password-123"}
    ).json()["access_token"]
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def auth(client):
    return register(client, "ana")


def upload(client, headers, data: bytes, name: str = "eu.png", field: str = "file"):
    return client.post(
        "/api/profile/avatar",
        headers=headers,
        files=[(field, (name, data, "image/png"))],
    )


def kept() -> list[str]:
    """Every file under the pictures' folder (the incoming one included)."""
    folder = avatars.folder(get_settings().upload_dir)
    if not folder.exists():
        return []
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())


def test_without_a_valid_session_it_answers_401_and_keeps_nothing(client):
    for headers in ({}, {"Authorization": "Bearer forged.token.here"}):
        answer = upload(client, headers, PNG)
        assert answer.status_code == 401
        assert answer.json()["error"]["code"] == "unauthorized"
    assert kept() == []


def test_a_picture_is_drawn_anew_and_served_with_revalidation(client, auth):
    polyglot = pictures.png_with_html()
    answer = upload(client, auth, polyglot)
    assert answer.status_code == 200
    url = answer.json()["url"]
    [stored] = kept()
    assert url == f"/api/avatars/ana?v={stored.split('.')[0]}"
    served = client.get(url)
    assert served.status_code == 200
    assert served.headers["content-type"] == "image/webp"
    assert served.headers["x-content-type-options"] == "nosniff"
    assert served.headers["cache-control"] == "no-cache"
    assert served.content != polyglot and b"<html" not in served.content
    assert Image.open(io.BytesIO(served.content)).size == (256, 256)
    # Any case of the username; the version in the address does not matter.
    assert client.get("/api/avatars/ANA").content == served.content
    etag = served.headers["etag"]
    again = client.get("/api/avatars/ana", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""


def test_a_photo_s_exif_and_gps_never_come_back(client, auth):
    assert upload(client, auth, pictures.photo_with_gps(), "gps.jpg").status_code == 200
    served = client.get("/api/avatars/ana").content
    assert b"Exif" not in served and b"SecretCam" not in served
    assert not Image.open(io.BytesIO(served)).getexif()


def test_a_new_picture_replaces_the_old_file(client, auth):
    first = upload(client, auth, PNG).json()["url"]
    [old] = kept()
    second = upload(client, auth, pictures.two_frame_gif(), "anim.gif").json()["url"]
    [new] = kept()
    assert new != old and first != second
    assert second.endswith(new.split(".")[0])
    served = client.get("/api/avatars/ana")
    assert served.headers["etag"] == f'"{new.split(".")[0]}"'


def test_a_picture_over_the_limit_answers_413_and_keeps_nothing(client, auth):
    limit = get_settings().max_avatar_bytes
    answer = upload(client, auth, PNG + b"\x00" * (limit - len(PNG) + 1))
    assert answer.status_code == 413
    assert answer.json()["error"]["code"] == "file_too_large"
    assert kept() == []


@pytest.mark.parametrize(
    ("data", "status", "code"),
    [
        (b"<html><script>alert(1)</script></html>", 415, "not_an_image"),
        (pictures.zip_archive(), 415, "not_an_image"),
        (b"\x89PNG\r\n\x1a\n" + b"not really", 422, "unreadable_image"),
        (pictures.png_declaring(8000, 8000), 422, "image_too_large"),
        (pictures.png_declaring(50_000, 50_000), 422, "image_too_large"),
    ],
    ids=["html", "zip", "broken-png", "bomb", "huge-bomb"],
)
def test_what_is_no_usable_picture_is_refused_and_nothing_is_kept(
    client, auth, data, status, code
):
    upload(client, auth, PNG)
    [before] = kept()
    answer = upload(client, auth, data)
    assert answer.status_code == status
    assert answer.json()["error"]["code"] == code
    assert kept() == [before]  # the old picture stays, nothing else does
    assert client.get("/api/avatars/ana").headers["etag"] == (
        f'"{before.split(".")[0]}"'
    )


def test_the_picture_must_come_in_the_file_field(client, auth):
    answer = upload(client, auth, PNG, field="files")
    assert answer.status_code == 400
    assert answer.json()["error"]["code"] == "no_files"
    assert kept() == []


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        (
            "pt-BR",
            "Esse arquivo não é uma imagem: escolha uma imagem PNG, JPEG, WebP ou GIF.",
        ),
        ("en-US", "That file is not a picture: choose a PNG, JPEG, WebP or GIF image."),
    ],
)
def test_refusals_speak_the_client_s_language(client, auth, language, expected):
    answer = client.post(
        "/api/profile/avatar",
        headers={**auth, "Accept-Language": language},
        files=[("file", ("x.png", b"plain text", "image/png"))],
    )
    assert answer.status_code == 415
    assert answer.json()["error"] == {"code": "not_an_image", "message": expected}
    bomb = client.post(
        "/api/profile/avatar",
        headers={**auth, "Accept-Language": language},
        files=[("file", ("x.png", pictures.png_declaring(9000, 9000), "image/png"))],
    )
    assert bomb.status_code == 422
    assert "40 megapixels" in bomb.json()["error"]["message"]
    assert ("pixels demais" in bomb.json()["error"]["message"]) == (language == "pt-BR")


def test_only_a_current_picture_is_served(client, auth):
    register(client, "bia")
    assert client.get("/api/avatars/bia").status_code == 404  # none yet
    assert client.get("/api/avatars/nobody").status_code == 404
    for odd in ("a%00b", "..%2Fchat.db", "x" * 40, "ana%20"):
        assert client.get(f"/api/avatars/{odd}").status_code == 404
    upload(client, auth, PNG)
    [stored] = kept()
    # A picture is no attachment: the files route never serves it.
    assert client.get(f"/static/{stored}").status_code == 404
    assert client.get(f"/static/avatars/{stored}").status_code == 404


def test_pictures_past_the_hourly_limit_answer_429_before_the_body_is_read(
    client, auth, monkeypatch
):
    monkeypatch.setenv("CHAT_AVATAR_UPLOADS_PER_HOUR", "2")
    get_settings.cache_clear()
    assert upload(client, auth, b"not a picture").status_code == 415  # counts too
    assert upload(client, auth, PNG).status_code == 200
    [before] = kept()
    answer = upload(client, auth, PNG)
    assert answer.status_code == 429
    assert answer.json()["error"]["code"] == "too_many_uploads"
    assert 3500 <= int(answer.headers["retry-after"]) <= 3600
    assert kept() == [before]
    # Another person has a limit of their own.
    assert upload(client, register(client, "bia"), PNG).status_code == 200
