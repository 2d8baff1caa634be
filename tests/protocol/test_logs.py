"""Production logs of a real server: JSON lines with ids, and no secrets (B14)."""

import json
import secrets
import sqlite3
import uuid

import httpx
import pytest

from chat_app.logs import ID_KEYS
from harness.servers import ARTIFACTS, start_chat, wait_until
from tests.protocol.test_room_events import has_text, unique
from tests.support.accounts import Account

NAME = "protocol-logs"


@pytest.fixture(scope="module")
def chat_server():
    """This module's own server (the conftest's fixtures use it here)."""
    (ARTIFACTS / f"{NAME}.log").unlink(missing_ok=True)
    server = start_chat(
        NAME,
        env={
            "CHAT_ENV": "production",
            "CHAT_JWT_SECRET": secrets.token_hex(32),
            "CHAT_LOG_LEVEL": "DEBUG",
            "CHAT_UPLOAD_DIR": str(ARTIFACTS / f"data-{NAME}" / "uploads"),
        },
    )
    yield server
    server.process.stop()


def our_lines(text: str) -> list[dict]:
    """The chat's own JSON lines among everything the server printed."""
    lines = []
    for raw in text.splitlines():
        if not raw.startswith("{"):
            continue
        line = json.loads(raw)
        if line.get("logger", "").startswith("chat_app"):
            lines.append(line)
    return lines


def stored_hash(server, username: str) -> str:
    path = server.process.extra_env["CHAT_DATABASE_URL"].removeprefix("sqlite:///")
    with sqlite3.connect(path) as connection:
        (password_hash,) = connection.execute(
            "SELECT password_hash FROM users WHERE username = ?", (username,)
        ).fetchone()
    return password_hash


async def test_logs_are_json_with_ids_and_never_carry_secrets(chat_server, connect):
    server = chat_server
    username, password = unique("logs-"), f"pw-{uuid.uuid4().hex}"
    fields = {
        "name": "Log Tester",
        "username": username,
        "email": f"{username}@example.com",
        "password": password,
    }
    login_id = f"test-login-{uuid.uuid4().hex[:8]}"
    async with httpx.AsyncClient(base_url=server.url.rstrip("/"), timeout=30) as http:
        registered = await http.post("/api/auth/register", json=fields)
        assert registered.status_code == 201
        response = await http.post(
            "/api/auth/login",
            json={"login": username, "password": password},
            headers={"X-Request-ID": login_id},
        )
    assert response.headers["X-Request-ID"] == login_id
    token = response.json()["access_token"]
    tab = await connect(Account(**fields, token=token))
    text = unique("a message that is never logged ")
    await tab.send(text)
    await tab.wait_for(lambda: has_text(tab, text))
    await tab.leave_room()
    await tab.wait_for(lambda: tab.room_slug() == "")
    await tab.send(text)  # refused: the tab is in no room
    await tab.wait_for(lambda: tab.error() != "")

    def log_text() -> str:
        return server.process.log_path.read_text(errors="replace")

    wait_until(lambda: '"Event refused."' in log_text(), 10, "the refusal's log line")
    logged = log_text()
    for secret in (password, token, token.split(".")[2], stored_hash(server, username)):
        assert secret not in logged
    assert text not in logged

    lines = our_lines(logged)
    without_id = [line for line in lines if not set(ID_KEYS) & set(line)]
    assert not without_id, without_id
    assert any(
        line["logger"] == "chat_app.access"
        and line["path"] == "/api/auth/login"
        and line["status"] == 200
        and line["request_id"] == login_id
        for line in lines
    )
    logged_in = next(line for line in lines if line["message"] == "Logged in.")
    assert (logged_in["username"], logged_in["request_id"]) == (username, login_id)
    sent = next(line for line in lines if line["message"] == "Message sent.")
    assert (sent["username"], sent["room"], sent["length"]) == (
        username,
        "sala-1",
        len(text),
    )
    tab_lines = {line["message"]: line for line in lines if "conn_id" in line}
    assert {"Entered a room.", "Left a room.", "Event refused."} <= set(tab_lines)
    assert {line["conn_id"] for line in tab_lines.values()} == {sent["conn_id"]}
    assert tab_lines["Event refused."]["level"] == "WARNING"
