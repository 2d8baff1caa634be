"""The HTTP edge of a real production server (granian): refusals that reach the
client, bodies that stall, and which origins may call the API or open the socket."""

import asyncio
import secrets
import socket
import time

import aiohttp
import httpx
import pytest

from harness.servers import start_chat
from tests.support.accounts import create_account

OWN_ORIGIN = "https://chat.example"
EVIL_ORIGIN = "https://evil.example"
BODY_TIMEOUT = 2
BODY_GRACE = 1
# Low enough that the body which stalls below meets the idle timeout first.
BODY_MIN_RATE = 100
THIRTY_MB = 30 * 1024 * 1024


@pytest.fixture(scope="module")
def chat_server():
    """A production-mode server of this module's own, with one allowed origin.

    It replaces the shared server for this module, so the backend's log checked
    for errors after each test is this server's.
    """
    server = start_chat(
        "protocol-edge",
        {
            "CHAT_ENV": "production",
            "CHAT_JWT_SECRET": secrets.token_hex(32),
            "CHAT_ALLOWED_ORIGINS": OWN_ORIGIN,
            "CHAT_BODY_TIMEOUT_SECONDS": str(BODY_TIMEOUT),
            "CHAT_BODY_GRACE_SECONDS": str(BODY_GRACE),
            "CHAT_BODY_MIN_BYTES_PER_SECOND": str(BODY_MIN_RATE),
        },
    )
    yield server
    server.process.stop()


def base(server) -> str:
    return server.url.rstrip("/")


# httpx's async client is the one that saw ReadError instead of these answers
# (its sync client copes); the server's answer must reach both.
@pytest.mark.parametrize("client_class", [httpx.AsyncClient, httpx.Client])
async def test_an_upload_without_a_token_gets_its_401_while_still_sending(
    chat_server, client_class
):
    response = await post_big(chat_server, client_class, headers={})
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthorized"


@pytest.mark.parametrize("client_class", [httpx.AsyncClient, httpx.Client])
async def test_an_oversized_upload_gets_its_413_while_still_sending(
    chat_server, client_class
):
    account = create_account(chat_server.url, "big", language="en")
    response = await post_big(
        chat_server, client_class, {"Authorization": f"Bearer {account.token}"}
    )
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "file_too_large"


async def post_big(server, client_class, headers: dict[str, str]) -> httpx.Response:
    """POST a 30 MB file (over the 25 MB per file) with httpx's async or sync client.

    The same client's next request must be answered too.

    Returns:
        The answer to the upload.
    """
    files = [("files", ("big.bin", b"x" * THIRTY_MB))]
    if client_class is httpx.AsyncClient:
        async with httpx.AsyncClient(base_url=base(server), timeout=60) as http:
            response = await http.post("/api/upload", headers=headers, files=files)
            assert (await http.get("/api/health")).status_code == 200
            return response
    with httpx.Client(base_url=base(server), timeout=60) as http:
        response = http.post("/api/upload", headers=headers, files=files)
        assert http.get("/api/health").status_code == 200
        return response


def test_a_body_that_stalls_is_answered_408(chat_server):
    account = create_account(chat_server.url, "slow", language="en")
    body = (
        b'--b\r\nContent-Disposition: form-data; name="files"; filename="a.txt"'
        b"\r\n\r\n" + b"x" * 1000
    )
    head = (
        "POST /api/upload HTTP/1.1\r\n"
        f"Host: 127.0.0.1:{chat_server.port}\r\n"
        f"Authorization: Bearer {account.token}\r\n"
        "Accept-Language: en-US\r\n"
        "Content-Type: multipart/form-data; boundary=b\r\n"
        f"Content-Length: {len(body) * 2}\r\n\r\n"
    ).encode()
    with socket.create_connection(("127.0.0.1", chat_server.port), timeout=10) as sock:
        sock.sendall(head + body)  # then nothing: half the declared body
        started = time.monotonic()
        answer = sock.recv(4096).decode(errors="replace")
    assert answer.startswith("HTTP/1.1 408"), answer
    assert '"request_timeout"' in answer
    assert f"arrived for {BODY_TIMEOUT} seconds" in answer
    assert time.monotonic() - started < BODY_TIMEOUT + 3


def test_a_body_that_trickles_in_is_answered_408(chat_server):
    head = (
        "POST /api/auth/login HTTP/1.1\r\n"
        f"Host: 127.0.0.1:{chat_server.port}\r\n"
        "Content-Type: application/json\r\n"
        "Content-Length: 1000\r\n\r\n"
    ).encode()
    answer = b""
    with socket.create_connection(("127.0.0.1", chat_server.port), timeout=10) as sock:
        sock.sendall(head + b"{")
        started = time.monotonic()
        # A byte every half second: never silent for the idle timeout (2 s).
        sock.settimeout(0.5)
        while not answer and time.monotonic() - started < BODY_GRACE + 8:
            try:
                answer = sock.recv(4096)
            except TimeoutError:
                sock.sendall(b" ")
        elapsed = time.monotonic() - started
    text = answer.decode(errors="replace")
    assert text.startswith("HTTP/1.1 408"), text
    # No Accept-Language: the message is in the default language, pt-BR.
    assert "devagar demais" in text
    assert elapsed < BODY_GRACE + 3


@pytest.mark.parametrize(
    ("origin", "allowed"), [(OWN_ORIGIN, True), (EVIL_ORIGIN, False)]
)
def test_only_the_configured_origin_may_call_the_api(chat_server, origin, allowed):
    with httpx.Client(base_url=base(chat_server), timeout=30) as http:
        simple = http.get("/api/health", headers={"Origin": origin})
        preflight = http.options(
            "/api/upload",
            headers={
                "Origin": origin,
                "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": "authorization",
            },
        )
    for response in (simple, preflight):
        granted = response.headers.get("access-control-allow-origin")
        assert granted == (origin if allowed else None), response.headers


@pytest.mark.parametrize(
    ("origin", "allowed"), [(OWN_ORIGIN, True), (EVIL_ORIGIN, False)]
)
async def test_only_the_configured_origin_may_open_the_socket(
    chat_server, origin, allowed
):
    url = f"ws://127.0.0.1:{chat_server.port}/_event/?EIO=4&transport=websocket"
    async with aiohttp.ClientSession() as session:
        try:
            async with session.ws_connect(url, headers={"Origin": origin}) as ws:
                opened = await asyncio.wait_for(ws.receive_str(), 10)
        except aiohttp.WSServerHandshakeError as error:
            assert not allowed, f"the socket was refused: {error.status}"
            assert error.status == 403
            return
    assert allowed, "a socket from another origin was accepted"
    assert opened.startswith("0{")  # engine.io's open packet
