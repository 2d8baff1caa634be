"""The API's messages follow Accept-Language; its error codes never change."""

import pytest
from sqlmodel import select

from chat_app import db
from chat_app.models import User

pytestmark = pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, "Usuário, e-mail ou senha incorretos."),  # no header: pt-BR
        ("en-US,en;q=0.9", "Wrong username, email or password."),
        ("pt-PT", "Usuário, e-mail ou senha incorretos."),
        ("fr-FR, en;q=0.5", "Wrong username, email or password."),
        ("de-DE", "Usuário, e-mail ou senha incorretos."),  # neither: pt-BR
        ("en;q=0, pt-BR;q=0.1", "Usuário, e-mail ou senha incorretos."),
        ("*;;q=x,,", "Usuário, e-mail ou senha incorretos."),  # garbled
    ],
)


def test_an_error_s_message_follows_accept_language(client, header, expected):
    headers = {"Accept-Language": header} if header else {"Accept-Language": ""}
    answer = client.post(
        "/api/auth/login",
        json={"login": "nobody", "password": "x" * 8},
        headers=headers,
    )
    assert answer.status_code == 401
    assert answer.json()["error"] == {
        "code": "invalid_credentials",
        "message": expected,
    }


def test_a_new_account_keeps_the_language_it_registered_in(client, header, expected):
    headers = {"Accept-Language": header} if header else {"Accept-Language": ""}
    answer = client.post(
        "/api/auth/register",
        json={
            "name": "Ana",
            "username": "ana",
            "email": "ana@example.com",
            "password": "password-1",
        },
        headers=headers,
    )
    assert answer.status_code == 201
    with db.session_scope() as session:
        user = session.exec(select(User)).one()
    assert user.language == ("en" if expected.startswith("Wrong") else "pt-BR")
