import re

import pytest
from sqlmodel import select

from chat_app import db
from chat_app.models import User
from tests.support.log_capture import captured_logs

ACCOUNT = {
    "name": "Lia Logs",
    "username": "lia",
    "email": "lia@example.com",
    "password": "a-password-to-hide",
}


@pytest.fixture
def logged():
    with captured_logs("INFO", "json") as captured:
        yield captured


def lines_of(logged, request_id: str) -> list[dict]:
    return [line for line in logged.lines() if line.get("request_id") == request_id]


def test_a_sane_request_id_is_kept_echoed_and_on_the_access_line(client, logged):
    response = client.get(
        "/api/me?secret=in-the-query", headers={"X-Request-ID": "a.B-1_"}
    )
    assert response.headers["X-Request-ID"] == "a.B-1_"
    (access,) = lines_of(logged, "a.B-1_")
    assert access["logger"] == "chat_app.access"
    assert access["method"] == "GET"
    assert access["path"] == "/api/me"
    assert access["status"] == 401
    assert access["client"] == "10.0.0.1"
    assert isinstance(access["duration_ms"], float)
    assert "in-the-query" not in logged.text()


@pytest.mark.parametrize("offered", ["x" * 65, "has space", "semi;colon", ""])
def test_an_odd_request_id_is_replaced_by_a_new_one(client, logged, offered):
    response = client.get("/api/me", headers={"X-Request-ID": offered})
    request_id = response.headers["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", request_id)
    assert lines_of(logged, request_id)


def test_account_events_are_logged_without_passwords_tokens_or_hashes(client, logged):
    client.post("/api/auth/register", json=ACCOUNT)
    ok = client.post(
        "/api/auth/login", json={"login": "lia", "password": ACCOUNT["password"]}
    )
    token = ok.json()["access_token"]
    client.post("/api/auth/logout", headers={"Authorization": f"Bearer {token}"})
    wrong = {"login": "lia", "password": "wrong-password"}
    for _ in range(5):
        client.post("/api/auth/login", json=wrong)
    refused = client.post("/api/auth/login", json=wrong)
    assert refused.status_code == 429
    with db.session_scope() as session:
        password_hash = session.exec(select(User.password_hash)).one()

    events = {
        line["message"]: line
        for line in logged.lines()
        if line["logger"] in ("chat_app.accounts", "chat_app.sessions")
    }
    assert events["Account registered."]["username"] == "lia"
    assert events["Logged in."]["address"] == "10.0.0.1"
    assert events["Logged in."]["request_id"] == ok.headers["X-Request-ID"]
    assert events["Logged out."]["username"] == "lia"
    assert events["Login failed."]["username"] == "lia"
    assert events["Login throttled."]["retry_after"] > 0
    assert events["Login throttled."]["request_id"] == refused.headers["X-Request-ID"]
    text = logged.text()
    for secret in (ACCOUNT["password"], "wrong-password", token, password_hash):
        assert secret not in text
    assert token.split(".")[2] not in text


def test_a_login_that_names_no_account_is_not_logged(client, logged):
    # People type their password into the login box: it must not reach the logs.
    typed = "my-secret-passphrase"
    response = client.post(
        "/api/auth/login", json={"login": typed, "password": "whatever-123"}
    )
    assert response.status_code == 401
    failed = [line for line in logged.lines() if line["message"] == "Login failed."]
    assert failed and failed[0]["username"] is None
    assert typed not in logged.text()


def test_uploads_accepted_and_refused_are_logged(client, logged):
    client.post("/api/auth/register", json=ACCOUNT)
    token = client.post(
        "/api/auth/login", json={"login": "lia", "password": ACCOUNT["password"]}
    ).json()["access_token"]
    auth = {"Authorization": f"Bearer {token}"}
    files = [("files", ("a.txt", b"hello", "text/plain"))] * 2
    accepted = client.post("/api/upload", headers=auth, files=files)
    refused = client.post("/api/upload", headers=auth, files=[])
    assert (accepted.status_code, refused.status_code) == (201, 400)

    (done,) = [
        line
        for line in lines_of(logged, accepted.headers["X-Request-ID"])
        if line["message"] == "Upload accepted."
    ]
    assert (done["username"], done["count"], done["bytes"]) == ("lia", 2, 10)
    (no,) = [
        line
        for line in lines_of(logged, refused.headers["X-Request-ID"])
        if line["message"] == "Upload refused."
    ]
    assert no["level"] == "WARNING"
    assert no["reason"]
