import asyncio
import struct
import time
import zlib

import pytest
from starlette.testclient import TestClient

from chat_app import db
from chat_app.settings import get_settings
from chat_app.upkeep import clean_unsent_uploads
from chat_app.uploads import records


def png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x00\x00")
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", pixels)
        + (chunk(b"IEND", b""))
    )


@pytest.fixture
def auth(client):
    fields = {
        "name": "Up Loader",
        "username": "uploader",
        "email": "up@example.com",
        "password": "password-123",
    }
    client.post("/api/auth/register", json=fields)
    token = client.post(
        "/api/auth/login", json={"login": "uploader", "password": "password-123"}
    ).json()["access_token"]
    return {"Authorization": f"Bearer {token}"}


def stored_files():
    folder = get_settings().upload_dir
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def upload(client, auth, *files):
    return client.post(
        "/api/upload",
        headers=auth,
        files=[
            ("files", (name, data, "application/octet-stream")) for name, data in files
        ],
    )


def test_no_token_or_a_bad_token_answers_401_and_writes_nothing(client):
    for headers in ({}, {"Authorization": "Bearer forged.token.here"}):
        response = client.post(
            "/api/upload", headers=headers, files=[("files", ("a.png", png()))]
        )
        assert response.status_code == 401
    assert stored_files() == []


def test_one_image_is_stored_under_a_server_made_name_and_served_inline(client, auth):
    response = upload(client, auth, ("Foto de férias.PNG", png()))
    assert response.status_code == 201
    body = response.json()
    [link] = body["links"]
    [described] = body["files"]
    assert link.startswith("/static/") and link.endswith(".png")
    assert described["name"] == "Foto de férias.PNG"
    assert described["kind"] == "image"
    assert described["content_type"] == "image/png"
    assert described["size"] == len(png())
    served = client.get(link)
    assert served.status_code == 200
    assert served.content == png()
    assert served.headers["content-type"] == "image/png"
    assert served.headers["content-disposition"].startswith("inline")
    assert served.headers["x-content-type-options"] == "nosniff"


def test_ten_files_are_accepted_and_eleven_refused(client, auth):
    ten = [(f"f{n}.txt", b"hello %d" % n) for n in range(10)]
    response = upload(client, auth, *ten)
    assert response.status_code == 201
    assert len(response.json()["links"]) == 10
    before = stored_files()
    response = upload(client, auth, *ten, ("f10.txt", b"one too many"))
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "too_many_files"
    assert stored_files() == before


def test_an_oversized_file_is_refused_and_no_partial_file_stays(client, auth):
    big = b"x" * (256 * 1024 + 1)
    response = upload(client, auth, ("ok.txt", b"fine"), ("big.bin", big))
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "file_too_large"
    assert stored_files() == []


def test_an_empty_file_or_no_file_answers_400(client, auth):
    response = upload(client, auth, ("empty.txt", b""))
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "empty_file"
    response = client.post("/api/upload", headers=auth, data={"other": "x"}, files=[])
    assert response.status_code == 400
    assert stored_files() == []


@pytest.mark.parametrize(
    ("hostile", "shown"),
    [
        ("../../etc/passwd", "passwd"),
        ("%2e%2e%2fsecret.txt", "%2e%2e%2fsecret.txt"),
        # httpx percent-encodes a NUL in the header; display_name drops raw NULs
        # (tests/unit/test_files.py).
        ("nul\x00byte.txt", "nul%00byte.txt"),
        ("x" * 400 + ".txt", "x" * 255),
        ("отчёт 数据.txt", "отчёт 数据.txt"),
        ("..\\..\\windows.ini", "windows.ini"),
    ],
)
def test_hostile_names_are_only_shown_never_used(client, auth, hostile, shown):
    response = upload(client, auth, (hostile, b"content"))
    assert response.status_code == 201
    [described] = response.json()["files"]
    assert described["name"] == shown
    [stored] = stored_files()
    assert len(stored) <= 40 and "/" not in stored and ".." not in stored


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("page.html", b"<html><script>alert(document.cookie)</script></html>"),
        ("logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'),
        ("fake.png", b"<html>not a png</html>"),
    ],
)
def test_html_and_svg_are_served_as_sandboxed_downloads(client, auth, name, data):
    [link] = upload(client, auth, (name, data)).json()["links"]
    served = client.get(link)
    assert served.status_code == 200
    assert served.headers["content-type"] == "application/octet-stream"
    assert served.headers["content-disposition"].startswith("attachment")
    assert served.headers["x-content-type-options"] == "nosniff"
    assert served.headers["content-security-policy"] == "sandbox"


@pytest.mark.parametrize(
    "path",
    [
        "/static/../../etc/passwd",
        "/static/..%2f..%2fetc%2fpasswd",
        "/static/%2e%2e/%2e%2e/etc/passwd",
        "/static/0123456789abcdef0123456789abcdef.png",
        "/static/",
    ],
)
def test_static_paths_never_leave_the_folder(client, auth, path):
    response = client.get(path)
    assert response.status_code == 404
    assert b"root:" not in response.content


def test_a_request_over_the_total_limit_is_refused_up_front(client, auth, monkeypatch):
    monkeypatch.setattr(get_settings(), "max_upload_bytes", 1024)
    response = upload(client, auth, ("a.txt", b"a" * 40_000), ("b.txt", b"b" * 40_000))
    assert response.status_code == 413
    assert stored_files() == []


def test_a_body_that_is_not_multipart_answers_400(client, auth):
    response = client.post("/api/upload", headers=auth, json={"files": []})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "not_multipart"


def test_uploads_never_sent_are_removed_after_a_day_with_their_files(client, auth):
    response = upload(client, auth, ("a.png", png()), ("b.png", png()))
    assert response.status_code == 201, response.text
    assert len(stored_files()) == 2
    later = time.time() + get_settings().upload_ttl_seconds - 60
    assert asyncio.run(clean_unsent_uploads(now=later)) == 0
    assert len(stored_files()) == 2
    day_after = time.time() + get_settings().upload_ttl_seconds + 60
    assert asyncio.run(clean_unsent_uploads(now=day_after)) == 2
    assert stored_files() == []
    links = [entry["url"] for entry in response.json()["files"]]
    assert client.get(links[0]).status_code == 404


def raw_upload(client, auth, body: bytes, boundary: str = "b0undary"):
    return client.post(
        "/api/upload",
        headers={**auth, "Content-Type": f"multipart/form-data; boundary={boundary}"},
        content=body,
    )


def part(boundary: str, headers: list[str], data: bytes) -> bytes:
    head = "".join(f"{line}\r\n" for line in headers)
    return f"--{boundary}\r\n{head}\r\n".encode() + data + b"\r\n"


FILE_HEADER = 'Content-Disposition: form-data; name="files"; filename="a.txt"'


@pytest.mark.parametrize(
    ("boundary", "body"),
    [
        ("b0undary", part("b0undary", [FILE_HEADER, "X-Long: " + "h" * 5000], b"hi")),
        (
            "b0undary",
            part("b0undary", [FILE_HEADER] + [f"X-H{n}: v" for n in range(20)], b"hi"),
        ),
        ("q" * 300, part("q" * 300, [FILE_HEADER], b"hi") + b"--" + b"q" * 300 + b"--"),
        ("b0undary", b"\x00garbage\xff" * 100),
        # Every part complete, but the closing boundary never comes.
        ("b0undary", part("b0undary", [FILE_HEADER], b"hello")),
    ],
    ids=["long-header", "many-headers", "long-boundary", "garbage", "unclosed"],
)
def test_malformed_multipart_answers_400_and_stores_nothing(
    client, auth, boundary, body
):
    response = raw_upload(client, auth, body, boundary)
    assert response.status_code == 400, response.text
    assert response.json()["error"]["code"] == "malformed_multipart"
    assert stored_files() == []


def test_the_daily_quota_refuses_413_saying_what_is_left(client, auth, monkeypatch):
    monkeypatch.setattr(get_settings(), "upload_bytes_per_day", 100_000)
    assert upload(client, auth, ("a.bin", b"a" * 60_000)).status_code == 201
    before = stored_files()
    response = upload(client, auth, ("b.bin", b"b" * 60_000))
    assert response.status_code == 413
    error = response.json()["error"]
    assert error["code"] == "quota_exceeded"
    assert "39.1 KB left" in error["message"], error["message"]
    assert stored_files() == before
    assert upload(client, auth, ("c.bin", b"c" * 40_000)).status_code == 201


def test_the_quota_of_bytes_kept_counts_every_earlier_day(client, auth, monkeypatch):
    settings = get_settings()
    monkeypatch.setattr(settings, "upload_bytes_kept", 150_000)
    db.run_in_session(
        records.record_attachments,
        [("0" * 32 + ".bin", "old.bin", "file", "application/octet-stream", 100_000)],
        owner="uploader",
        now=time.time() - 30 * 24 * 3600,
    )
    response = upload(client, auth, ("new.bin", b"n" * 60_000))
    assert response.status_code == 413
    assert "48.8 KB left" in response.json()["error"]["message"]
    assert stored_files() == []


def test_a_declared_body_over_the_quota_is_refused_before_it_is_read(
    client, auth, monkeypatch
):
    monkeypatch.setattr(get_settings(), "upload_bytes_per_day", 100_000)
    events = call_upload(client.app, auth, body=b"x" * 300_000, chunk=10_000)
    status = next(e for e in events if isinstance(e, int))
    assert status == 413
    # The answer went out before a byte of the body was asked for.
    assert events.index(status) < events.index("receive")
    assert stored_files() == []


def test_too_many_uploads_a_minute_answer_429_with_retry_after(
    client, auth, monkeypatch
):
    monkeypatch.setattr(get_settings(), "uploads_per_minute", 2)
    for name in ("a.txt", "b.txt"):
        assert upload(client, auth, (name, b"hello")).status_code == 201
    response = upload(client, auth, ("c.txt", b"hello"))
    assert response.status_code == 429
    assert response.json()["error"]["code"] == "too_many_uploads"
    assert 1 <= int(response.headers["retry-after"]) <= 60
    assert len(stored_files()) == 2


def test_uploads_are_refused_507_when_the_disk_is_nearly_full(
    client, auth, monkeypatch
):
    monkeypatch.setattr(get_settings(), "min_free_disk_bytes", 10**18)
    response = upload(client, auth, ("a.txt", b"hello"))
    assert response.status_code == 507
    assert response.json()["error"]["code"] == "storage_full"
    assert stored_files() == []


def test_an_upload_the_client_abandons_leaves_nothing_and_no_error(
    client, auth, caplog
):
    head = (
        b'--b0undary\r\nContent-Disposition: form-data; name="files"; '
        b'filename="a.txt"\r\n\r\n'
    )
    body = head + b"x" * 50_000
    events = call_upload(client.app, auth, body=body, chunk=10_000, disconnect=True)
    assert 400 in events  # said to nobody, but said without a failure
    assert stored_files() == []
    assert not [r for r in caplog.records if r.levelname == "ERROR"]


def call_upload(
    app, auth, *, body: bytes, chunk: int, disconnect: bool = False
) -> list[object]:
    """Call the app's upload route directly, as a server would.

    With ``disconnect``, the client goes away after the chunks instead of ending
    the body.

    Returns:
        What happened, in order: "receive" for each body chunk asked for, and
        the response's status.
    """
    events: list[object] = []
    chunks = [body[i : i + chunk] for i in range(0, len(body), chunk)]
    scope = upload_scope(auth, len(body))

    async def receive():
        events.append("receive")
        if chunks:
            return {"type": "http.request", "body": chunks.pop(0), "more_body": True}
        if disconnect:
            return {"type": "http.disconnect"}
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message):
        if message["type"] == "http.response.start":
            events.append(message["status"])

    asyncio.run(app(scope, receive, send))
    return events


def upload_scope(auth, length: int) -> dict:
    """The scope of a multipart upload of ``length`` bytes from 10.0.0.1."""
    multipart = "multipart/form-data; boundary=b0undary"
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/api/upload",
        "raw_path": b"/api/upload",
        "query_string": b"",
        "root_path": "",
        "client": ("10.0.0.1", 5000),
        "server": ("testserver", 80),
        "headers": [
            (b"host", b"testserver"),
            (b"content-type", multipart.encode()),
            (b"content-length", str(length).encode()),
            *[(k.lower().encode(), v.encode()) for k, v in auth.items()],
        ],
    }


def multipart(name: str, data: bytes) -> bytes:
    header = f'Content-Disposition: form-data; name="files"; filename="{name}"'
    return part("b0undary", [header], data) + b"--b0undary--\r\n"


def test_an_upload_still_streaming_holds_its_bytes_of_the_quota(
    client, auth, monkeypatch
):
    settings = get_settings()
    monkeypatch.setattr(settings, "max_file_bytes", 1024 * 1024)
    monkeypatch.setattr(settings, "upload_bytes_per_day", 1_000_000)
    first = multipart("a.bin", b"a" * 600_000)
    second = multipart("b.bin", b"b" * 600_000)
    events: dict[str, list[object]] = {"first": [], "second": []}

    async def both() -> None:
        halfway, resume = asyncio.Event(), asyncio.Event()

        def channels(name: str, chunks: list[bytes], *, pause_at: int = -1):
            async def receive():
                events[name].append("receive")
                if len(chunks) == pause_at:
                    halfway.set()  # what came so far is on disk; the rest waits
                    await resume.wait()
                body = chunks.pop(0) if chunks else b""
                return {"type": "http.request", "body": body, "more_body": bool(chunks)}

            async def send(message):
                if message["type"] == "http.response.start":
                    events[name].append(message["status"])

            return receive, send

        streaming = asyncio.create_task(
            client.app(
                upload_scope(auth, len(first)),
                *channels("first", [first[:300_000], first[300_000:]], pause_at=1),
            )
        )
        await halfway.wait()
        await client.app(upload_scope(auth, len(second)), *channels("second", [second]))
        resume.set()
        await streaming

    asyncio.run(both())
    # The second was answered before a byte of it was read (then drained): the
    # first held the quota while it streamed. The first then completed.
    assert events["second"][0] == 413
    assert 201 in events["first"]
    assert len(stored_files()) == 1


def test_every_account_of_one_address_shares_its_daily_upload_quota(
    client, auth, monkeypatch
):
    monkeypatch.setattr(get_settings(), "upload_bytes_per_address_per_day", 100_000)
    assert upload(client, auth, ("a.bin", b"a" * 60_000)).status_code == 201
    fields = {
        "name": "Other One",
        "username": "other",
        "email": "other@example.com",
        "password": "password-123",
    }
    assert client.post("/api/auth/register", json=fields).status_code == 201
    token = client.post(
        "/api/auth/login", json={"login": "other", "password": "password-123"}
    ).json()["access_token"]
    other = {"Authorization": f"Bearer {token}"}
    before = stored_files()
    response = upload(client, other, ("b.bin", b"b" * 60_000))
    assert response.status_code == 413
    error = response.json()["error"]
    assert error["code"] == "quota_exceeded"
    assert "from your address" in error["message"], error["message"]
    assert "39.1 KB left" in error["message"], error["message"]
    assert stored_files() == before
    # The same account from another address is held only by its own quota.
    elsewhere = TestClient(client.app, client=("10.0.0.2", 5000))
    assert upload(elsewhere, other, ("c.bin", b"c" * 60_000)).status_code == 201
