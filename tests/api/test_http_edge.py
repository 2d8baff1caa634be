"""The HTTP edge at the ASGI level: bodies that stall or nest too deep, refused
bodies drained, sockets from other origins refused (``chat_app.api.edge``).

The real server's side of the same (granian) is in
``tests/protocol/test_http_refusals.py``.
"""

import asyncio
import time

from starlette.types import Message

from chat_app.api.edge import Edge
from chat_app.settings import get_settings


def scope_of(path: str, body_length: int | None, **headers: str) -> dict:
    listed = [
        (k.lower().replace("_", "-").encode(), v.encode()) for k, v in headers.items()
    ]
    if body_length is not None:
        listed.append((b"content-length", str(body_length).encode()))
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "client": ("10.0.0.1", 5000),
        "server": ("testserver", 80),
        "headers": [(b"host", b"testserver"), (b"accept-language", b"en"), *listed],
    }


class Client:
    """A client as the server shows it to the app: chunks, then maybe silence."""

    def __init__(self, chunks: list[bytes], *, then_stall: bool = False) -> None:
        self.chunks = list(chunks)
        self.then_stall = then_stall
        self.asked = 0
        self.sent: list[dict] = []

    async def receive(self) -> dict:
        self.asked += 1
        if self.chunks:
            body = self.chunks.pop(0)
            more = bool(self.chunks) or self.then_stall
            return {"type": "http.request", "body": body, "more_body": more}
        if self.then_stall:
            await asyncio.sleep(3600)
        return {"type": "http.disconnect"}

    async def send(self, message: dict) -> None:
        self.sent.append(message)

    def status(self) -> int:
        return next(
            m["status"] for m in self.sent if m["type"] == "http.response.start"
        )

    def body(self) -> bytes:
        return b"".join(m.get("body", b"") for m in self.sent if "body" in m)


def serve(app, scope: dict, client: Client, limit: float = 10) -> None:
    asyncio.run(asyncio.wait_for(app(scope, client.receive, client.send), limit))


def test_json_nested_thousands_deep_answers_400(client):
    deep = "[" * 5000 + "]" * 5000
    response = client.post(
        "/api/auth/login",
        content=deep,
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_json"
    assert "nested too deeply" in response.json()["error"]["message"]


def test_a_body_that_stops_arriving_is_answered_408(client, monkeypatch):
    monkeypatch.setattr(get_settings(), "body_timeout_seconds", 0.2)
    stalled = Client([b'{"login": "ana", '], then_stall=True)
    serve(client.app, scope_of("/api/auth/login", 100), stalled)
    assert stalled.status() == 408
    assert b'"request_timeout"' in stalled.body()


def test_a_slow_but_steady_body_is_not_cut(client, monkeypatch):
    monkeypatch.setattr(get_settings(), "body_timeout_seconds", 0.5)
    body = b'{"login": "ana", "password": "wrong-password"}'

    class Slow(Client):
        async def receive(self) -> dict:
            await asyncio.sleep(0.2)  # every chunk well within the timeout
            return await super().receive()

    slow = Slow([body[i : i + 8] for i in range(0, len(body), 8)])
    serve(client.app, scope_of("/api/auth/login", len(body)), slow)
    assert slow.status() == 401  # read whole: a wrong password, not a timeout


def test_a_json_body_the_client_abandons_is_answered_400_not_failed(client, caplog):
    class Leaving(Client):
        async def receive(self) -> dict:
            if self.asked:
                return {"type": "http.disconnect"}
            self.asked += 1
            return {"type": "http.request", "body": b'{"login": ', "more_body": True}

    sender = Leaving([])
    serve(client.app, scope_of("/api/auth/login", 100), sender)
    assert sender.status() == 400  # said to nobody, but said without a failure
    assert b'"disconnected"' in sender.body()
    assert not [r for r in caplog.records if r.levelname == "ERROR"]


class ByteByByte(Client):
    """A client sending one byte at a time, each well within the idle timeout."""

    def __init__(self, pause: float) -> None:
        super().__init__([])
        self.pause = pause

    async def receive(self) -> dict:
        self.asked += 1
        await asyncio.sleep(self.pause)
        return {"type": "http.request", "body": b"x", "more_body": True}


def test_a_body_trickling_in_below_the_minimum_rate_is_answered_408(
    client, monkeypatch
):
    settings = get_settings()
    monkeypatch.setattr(settings, "body_timeout_seconds", 1)
    monkeypatch.setattr(settings, "body_grace_seconds", 0.3)
    monkeypatch.setattr(settings, "body_min_bytes_per_second", 1000)
    # A byte every 0.1 s never waits out the idle timeout: only a rate stops it.
    sender = ByteByByte(0.1)
    scope = scope_of("/api/auth/login", 10_000, content_type="application/json")
    started = time.monotonic()
    serve(client.app, scope, sender, limit=5)
    assert sender.status() == 408
    assert b'"request_timeout"' in sender.body()
    assert b"too slowly" in sender.body()
    assert time.monotonic() - started < 2


def test_a_body_above_the_minimum_rate_outlasts_the_grace(client, monkeypatch):
    settings = get_settings()
    monkeypatch.setattr(settings, "body_grace_seconds", 0.5)
    monkeypatch.setattr(settings, "body_min_bytes_per_second", 1000)
    body = b'{"login": "ana", "password": "wrong", "pad": "' + b"p" * 2000 + b'"}'

    class Steady(Client):
        async def receive(self) -> dict:
            await asyncio.sleep(0.05)  # 100 bytes each: 2000 B/s for over 1 s
            return await super().receive()

    steady = Steady([body[i : i + 100] for i in range(0, len(body), 100)])
    serve(client.app, scope_of("/api/auth/login", len(body)), steady)
    assert steady.status() == 401  # read whole: a wrong password, not a timeout


def test_a_refused_upload_is_answered_then_its_body_drained(client):
    chunks = [b"x" * 65536] * 40
    sender = Client(chunks)
    scope = scope_of(
        "/api/upload", 65536 * 40, content_type="multipart/form-data; boundary=b"
    )
    serve(client.app, scope, sender)
    assert sender.status() == 401
    # Read to its end, so the client, still sending, is not reset.
    assert sender.chunks == []


def test_a_refused_body_beyond_any_upload_is_not_drained(client):
    limit = get_settings().max_upload_bytes
    sender = Client([b"x" * 65536] * 5)
    scope = scope_of(
        "/api/upload", limit * 2, content_type="multipart/form-data; boundary=b"
    )
    serve(client.app, scope, sender)
    assert sender.status() == 401
    assert sender.asked == 0  # closed unread: it would never be over


def test_a_refused_body_elsewhere_is_drained_only_up_to_a_json_body(client):
    # 1 MB, far under an upload's limit but far over a JSON body's.
    for path in ("/api/auth/login", "/nowhere"):
        sender = Client([b"x" * 65536] * 16)
        scope = scope_of(path, 65536 * 16, content_type="application/json")
        serve(client.app, scope, sender)
        assert sender.status() in (404, 413)
        assert sender.asked == 0, path  # closed unread


def test_a_refused_body_of_no_declared_length_is_drained_up_to_its_route_limit(
    client,
):
    sender = Client([b"x" * 4096] * 256)  # 1 MB in chunks, no Content-Length
    scope = scope_of("/nowhere", None, transfer_encoding="chunked")
    serve(client.app, scope, sender)
    assert sender.status() == 404
    limit = get_settings().max_json_body_bytes
    assert sender.asked <= limit // 4096 + 2  # then closed: no more was read


def test_draining_stops_after_its_time(client, monkeypatch):
    monkeypatch.setattr(get_settings(), "refusal_drain_seconds", 0.3)

    class Trickle(Client):
        async def receive(self) -> dict:
            await asyncio.sleep(0.05)
            return {"type": "http.request", "body": b"x", "more_body": True}

    sender = Trickle([])
    scope = scope_of("/api/upload", 10_000, content_type="multipart/form-data; b=1")
    serve(client.app, scope, sender, limit=3)
    assert sender.status() == 401
    assert sender.asked < 20


def websocket_scope(origin: str | None, host: str = "chat.example:8000") -> dict:
    headers = [(b"host", host.encode())]
    if origin is not None:
        headers.append((b"origin", origin.encode()))
    return {"type": "websocket", "path": "/_event/", "headers": headers}


def opened(scope: dict) -> bool:
    """Whether the socket's handshake reached the app behind the edge."""
    reached: list[bool] = []

    async def app(_scope, _receive, _send) -> None:
        reached.append(True)

    sent: list[Message] = []

    async def send(message: Message) -> None:
        sent.append(message)

    async def receive() -> Message:
        return {"type": "websocket.connect"}

    asyncio.run(Edge(app)(scope, receive, send))
    assert reached or sent == [{"type": "websocket.close", "code": 1008}]
    return bool(reached)


def test_in_production_without_origins_the_socket_takes_only_its_own_host(
    monkeypatch,
):
    monkeypatch.setenv("CHAT_ENV", "production")
    monkeypatch.delenv("CHAT_ALLOWED_ORIGINS", raising=False)
    monkeypatch.delenv("REFLEX_CORS_ALLOWED_ORIGINS", raising=False)
    get_settings.cache_clear()
    try:
        assert opened(websocket_scope("https://chat.example"))
        assert not opened(websocket_scope("https://evil.example"))
        assert not opened(websocket_scope("null"))
        assert opened(websocket_scope(None))  # not a browser: no page to trust
    finally:
        get_settings.cache_clear()


def test_configured_origins_alone_may_open_the_socket(monkeypatch):
    monkeypatch.setenv("CHAT_ENV", "production")
    monkeypatch.setenv("CHAT_ALLOWED_ORIGINS", "https://chat.example.com/")
    get_settings.cache_clear()
    try:
        assert opened(websocket_scope("https://chat.example.com"))
        assert not opened(websocket_scope("https://chat.example.com.evil.example"))
        assert not opened(websocket_scope("http://evil.example"))
    finally:
        get_settings.cache_clear()


def test_in_development_any_origin_may_open_the_socket(monkeypatch):
    monkeypatch.setenv("CHAT_ENV", "development")
    monkeypatch.delenv("CHAT_ALLOWED_ORIGINS", raising=False)
    monkeypatch.delenv("REFLEX_CORS_ALLOWED_ORIGINS", raising=False)
    get_settings.cache_clear()
    try:
        assert opened(websocket_scope("http://localhost:3000"))
    finally:
        get_settings.cache_clear()
