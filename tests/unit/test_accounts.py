import pytest
from sqlmodel import select

from chat_app import accounts, sessions
from chat_app.accounts import (
    BAD_CREDENTIALS,
    DuplicateError,
    FieldError,
    ThrottledError,
)
from chat_app.models import LoginFailure, User
from chat_app.security import AuthError

NOW = 1_800_000_000.0
FORM = {
    "name": "  João   Silva ",
    "username": "Joao",
    "email": " Joao@Example.COM ",
    "password": "segredo123",
}


def sign_up(session, settings, **changes):
    signed_in = accounts.sign_up(
        session, {**FORM, **changes}, settings=settings, now=NOW
    )
    session.commit()
    return signed_in


def test_registration_stores_normalised_fields_and_a_hash(session, settings):
    signed_in = sign_up(session, settings)
    user = session.exec(select(User)).one()
    assert (user.name, user.username, user.username_key, user.email) == (
        "João Silva",
        "Joao",
        "joao",
        "joao@example.com",
    )
    assert user.password_hash.startswith("$2b$04$")
    assert "segredo123" not in user.password_hash
    assert signed_in.profile == user.public()
    assert "password_hash" not in signed_in.profile


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("name", ""),
        ("name", "x" * 101),
        ("username", "joão"),
        ("username", ""),
        ("username", "a" * 33),
        ("email", "not-an-email"),
        ("email", ""),
        ("password", "short"),
        ("password", "x" * 73),
        ("password", None),
    ],
)
def test_every_field_is_validated(session, settings, field, value):
    with pytest.raises(FieldError) as raised:
        sign_up(session, settings, **{field: value})
    assert raised.value.field == field
    assert session.exec(select(User)).all() == []


def test_usernames_and_emails_are_unique_ignoring_case(session, settings):
    sign_up(session, settings)
    with pytest.raises(DuplicateError) as raised:
        sign_up(session, settings, username="JOAO", email="other@example.com")
    assert raised.value.field == "username"
    with pytest.raises(DuplicateError) as raised:
        sign_up(session, settings, username="other", email="JOAO@example.com")
    assert raised.value.field == "email"


def log_in(session, settings, login, password, now=NOW, client="1.2.3.4"):
    try:
        return accounts.log_in(
            session, login, password, client=client, settings=settings, now=now
        )
    finally:
        session.commit()


def test_login_by_username_or_email_in_any_case(session, settings):
    sign_up(session, settings)
    for login in ("Joao", "joao", "JOAO@example.com"):
        signed_in = log_in(session, settings, login, "segredo123")
        assert signed_in.profile["username"] == "Joao"
        user, claims = sessions.verify_session(
            session, signed_in.token, settings=settings, now=NOW
        )
        assert user.username == "Joao"
        assert claims.expires_at == int(NOW) + settings.token_ttl_seconds


def test_unknown_user_and_wrong_password_get_the_same_message(session, settings):
    sign_up(session, settings)
    with pytest.raises(AuthError) as wrong_password:
        log_in(session, settings, "joao", "wrong-password")
    with pytest.raises(AuthError) as unknown_user:
        log_in(session, settings, "nobody", "segredo123")
    assert str(wrong_password.value) == str(unknown_user.value) == BAD_CREDENTIALS


def test_five_failures_for_an_account_throttle_it_until_the_window_passes(
    session, settings
):
    sign_up(session, settings)
    for attempt in range(5):
        with pytest.raises(AuthError):
            log_in(
                session,
                settings,
                "joao",
                "wrong",
                now=NOW + attempt,
                client=f"c{attempt}",
            )
    with pytest.raises(ThrottledError) as throttled:
        log_in(session, settings, "joao", "segredo123", now=NOW + 10, client="c9")
    assert throttled.value.retry_after == 890
    assert "try again in 890 s" in str(throttled.value)
    signed_in = log_in(
        session, settings, "joao", "segredo123", now=NOW + 901, client="c9"
    )
    assert signed_in.token


def test_five_failures_from_one_address_throttle_it_for_any_account(session, settings):
    sign_up(session, settings)
    for attempt in range(5):
        with pytest.raises(AuthError):
            log_in(session, settings, f"nobody{attempt}", "x", now=NOW + attempt)
    with pytest.raises(ThrottledError):
        log_in(session, settings, "joao", "segredo123", now=NOW + 5)
    assert log_in(
        session, settings, "joao", "segredo123", now=NOW + 5, client="9.9.9.9"
    )


def test_a_successful_login_clears_the_account_failures(session, settings):
    sign_up(session, settings)
    for attempt in range(4):
        with pytest.raises(AuthError):
            log_in(
                session,
                settings,
                "joao",
                "wrong",
                now=NOW + attempt,
                client=f"c{attempt}",
            )
    log_in(session, settings, "joao", "segredo123", now=NOW + 5, client="ok")
    keys = {failure.key for failure in session.exec(select(LoginFailure))}
    assert "account:joao" not in keys


def test_profiles_are_found_by_username_in_any_case(session, settings):
    sign_up(session, settings)
    profile = accounts.profile_of(session, "JOAO")
    assert profile is not None
    assert profile["email"] == "joao@example.com"
    assert accounts.profile_of(session, "nobody") is None
