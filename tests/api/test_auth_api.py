import json

import pytest

from chat_app import settings

ACCOUNT = {
    "name": "Maria Souza",
    "username": "maria",
    "email": "maria@example.com",
    "password": "senha-segura",
}


def register(client, **changes):
    return client.post("/api/auth/register", json={**ACCOUNT, **changes})


def login(client, login="maria", password="senha-segura"):
    return client.post("/api/auth/login", json={"login": login, "password": password})


def assert_error(response, status, code):
    assert response.status_code == status, response.text
    body = response.json()
    assert body["error"]["code"] == code
    assert body["error"]["message"]
    return body["error"]


def test_register_answers_201_with_the_public_profile(client):
    response = register(client)
    assert response.status_code == 201
    body = response.json()
    assert {k: body[k] for k in ("name", "username", "email")} == {
        "name": "Maria Souza",
        "username": "maria",
        "email": "maria@example.com",
    }
    assert "password" not in response.text
    assert "$2b$" not in response.text


def test_login_then_me(client):
    register(client)
    response = login(client, login="MARIA@example.com")
    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "bearer"
    assert body["expires_at"] > 0
    me = client.get(
        "/api/me", headers={"Authorization": f"Bearer {body['access_token']}"}
    )
    assert me.status_code == 200
    assert me.json()["username"] == "maria"
    assert "$2b$" not in me.text


def test_duplicates_answer_409_without_saying_whether_the_email_is_registered(
    client,
):
    register(client)
    by_username = assert_error(
        register(client, username="MARIA", email="x@example.com"), 409, "duplicate"
    )
    by_email = assert_error(
        register(client, username="other", email="Maria@Example.com"), 409, "duplicate"
    )
    assert by_username == by_email
    assert "field" not in by_email


def test_registrations_from_one_address_are_throttled_with_retry_after(
    client, monkeypatch
):
    monkeypatch.setenv("CHAT_REGISTRATION_MAX_PER_ADDRESS", "2")
    settings.get_settings.cache_clear()
    register(client)
    register(client)  # a duplicate counts too: it answers a question
    response = register(client, username="other", email="other@example.com")
    error = assert_error(response, 429, "throttled")
    assert "try again in" in error["message"]
    assert int(response.headers["retry-after"]) > 0


def test_a_password_with_nul_is_a_validation_error_and_a_failed_login(client):
    error = assert_error(
        register(client, password="senha\x00segura"), 422, "validation_error"
    )
    assert error["field"] == "password"
    assert "NUL" in error["message"]
    register(client)
    assert_error(login(client, password="senha\x00segura"), 401, "invalid_credentials")


def test_a_login_with_nul_is_a_counted_401_never_a_500(client):
    # PostgreSQL refused the NUL in the query: a DataError answered 500.
    register(client)
    for _ in range(5):
        assert_error(login(client, login="maria\x00"), 401, "invalid_credentials")
    assert_error(login(client, login="maria\x00"), 429, "throttled")


def post_raw_json(client, path, fields):
    # json.dumps keeps a lone surrogate as the escape "\\ud800", as a client may.
    return client.post(
        path,
        content=json.dumps(fields).encode(),
        headers={"content-type": "application/json"},
    )


def test_a_lone_surrogate_is_a_validation_error_or_a_failed_login(client):
    broken = "senha\ud800segura"
    error = assert_error(
        post_raw_json(client, "/api/auth/register", {**ACCOUNT, "password": broken}),
        422,
        "validation_error",
    )
    assert error["field"] == "password"
    register(client)
    for fields in ({"login": "maria", "password": broken}, {"login": broken}):
        response = post_raw_json(
            client, "/api/auth/login", {"password": "senha-segura", **fields}
        )
        assert_error(response, 401, "invalid_credentials")


def test_a_login_of_400_characters_is_a_failed_login_and_counts(client):
    for _ in range(5):
        assert_error(login(client, login="x" * 400), 401, "invalid_credentials")
    assert_error(login(client, login="x" * 400), 429, "throttled")


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("name", ""),
        ("username", "bad name"),
        ("email", "nope"),
        ("password", "short"),
        ("password", "é" * 37),
        ("password", 12345678),
    ],
)
def test_invalid_fields_answer_422_naming_the_field(client, field, value):
    error = assert_error(register(client, **{field: value}), 422, "validation_error")
    assert error["field"] == field


def test_malformed_bodies_answer_4xx_never_500(client):
    assert_error(
        client.post(
            "/api/auth/register",
            content=b"{not json",
            headers={"content-type": "application/json"},
        ),
        400,
        "invalid_json",
    )
    assert_error(
        client.post("/api/auth/register", json=["a", "list"]), 422, "validation_error"
    )
    assert_error(
        client.post("/api/auth/login", json={"login": 1, "password": None}),
        422,
        "validation_error",
    )
    assert_error(
        client.post("/api/auth/login", content=b"\xff\xfe"), 400, "invalid_json"
    )
    huge = {"name": "x" * 20_000, **{k: v for k, v in ACCOUNT.items() if k != "name"}}
    assert_error(client.post("/api/auth/register", json=huge), 413, "payload_too_large")


def test_an_oversized_body_without_a_length_is_cut_off(client):
    def chunks():
        for _ in range(100):
            yield b"x" * 1024

    assert_error(
        client.post("/api/auth/login", content=chunks()), 413, "payload_too_large"
    )


def test_wrong_password_and_unknown_user_answer_the_same_401(client):
    register(client)
    wrong = assert_error(
        login(client, password="wrong-password"), 401, "invalid_credentials"
    )
    unknown = assert_error(login(client, login="nobody"), 401, "invalid_credentials")
    assert wrong["message"] == unknown["message"]


def test_failures_of_others_behind_the_same_address_do_not_lock_out_an_account(
    client,
):
    register(client)
    for attempt in range(5):
        assert_error(
            login(client, login=f"nobody{attempt}"), 401, "invalid_credentials"
        )
    assert login(client).status_code == 200


def test_the_sixth_attempt_after_five_failures_answers_429(client):
    register(client)
    for _ in range(5):
        assert_error(
            login(client, password="wrong-password"), 401, "invalid_credentials"
        )
    response = login(client)
    error = assert_error(response, 429, "throttled")
    assert "try again in" in error["message"]
    assert int(response.headers["retry-after"]) > 0


@pytest.mark.parametrize(
    "header",
    [None, "Bearer", "Bearer garbage", "Basic bWFyaWE6c2VuaGE=", "Bearer a.b.c"],
)
def test_me_without_a_valid_token_answers_401(client, header):
    headers = {"Authorization": header} if header else {}
    assert_error(client.get("/api/me", headers=headers), 401, "unauthorized")


def test_logout_revokes_a_copied_token(client):
    register(client)
    token = login(client).json()["access_token"]
    auth = {"Authorization": f"Bearer {token}"}
    assert client.post("/api/auth/logout", headers=auth).status_code == 200
    error = assert_error(client.get("/api/me", headers=auth), 401, "unauthorized")
    assert "logged out" in error["message"]


def test_wrong_methods_are_refused(client):
    assert client.get("/api/auth/login").status_code == 405


def test_behind_a_trusted_proxy_throttling_counts_the_real_client(client, monkeypatch):
    monkeypatch.setenv("REFLEX_TRUSTED_PROXY_HOPS", "1")
    settings.get_settings.cache_clear()
    register(client)
    attacker = {"X-Forwarded-For": "203.0.113.66"}
    for _ in range(5):
        client.post(
            "/api/auth/login",
            json={"login": "maria", "password": "wrong-password"},
            headers=attacker,
        )
    refused = client.post(
        "/api/auth/login",
        json={"login": "maria", "password": "senha-segura"},
        headers=attacker,
    )
    assert refused.status_code == 429
    # Someone else behind the same proxy is not locked out with the attacker.
    other = client.post(
        "/api/auth/login",
        json={"login": "maria", "password": "senha-segura"},
        headers={"X-Forwarded-For": "6.6.6.6, 198.51.100.7"},
    )
    assert other.status_code == 200, other.text
