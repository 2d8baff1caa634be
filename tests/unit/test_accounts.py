import asyncio
import sqlite3
import time

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import text
from sqlmodel import Session, select

from chat_app import accounts, attempts, db, sessions
from chat_app import settings as chat_settings
from chat_app.accounts import (
    BAD_CREDENTIALS,
    DuplicateError,
    FieldError,
    RegistrationThrottledError,
    ThrottledError,
)
from chat_app.db import MIGRATIONS, make_engine, upgrade
from chat_app.models import LoginFailure, User
from chat_app.security import AuthError

NOW = 1_800_000_000.0
FORM = {
    "name": "  João   Silva ",
    "username": "Joao",
    "email": " Joao@Example.COM ",
    "password": "segredo123",
}


def sign_up(session, settings, client="1.2.3.4", now=NOW, **changes):
    signed_in = accounts.sign_up(
        session, {**FORM, **changes}, client=client, settings=settings, now=now
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


def test_a_taken_username_or_email_gets_one_answer_that_names_neither(
    session, settings
):
    sign_up(session, settings)
    with pytest.raises(DuplicateError) as by_username:
        sign_up(session, settings, username="JOAO", email="other@example.com")
    with pytest.raises(DuplicateError) as by_email:
        sign_up(session, settings, username="other", email="JOAO@example.com")
    assert str(by_username.value) == str(by_email.value)
    assert "taken" in str(by_email.value)
    assert by_username.value.field == by_email.value.field == ""
    assert len(session.exec(select(User)).all()) == 1


@pytest.mark.parametrize(
    ("first", "second"), [("al", "aI"), ("al", "a1"), ("bob", "B0B"), ("m", "rn")]
)
def test_lookalike_usernames_cannot_both_register(session, settings, first, second):
    sign_up(session, settings, username=first, email="first@example.com")
    with pytest.raises(DuplicateError):
        sign_up(session, settings, username=second, email="second@example.com")
    assert session.exec(select(User.username)).all() == [first]


def test_the_migration_keeps_existing_lookalikes_and_refuses_new_ones(settings):
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", settings.database_url)
    command.upgrade(config, "0006")
    engine = make_engine(settings.database_url)
    with engine.begin() as connection:
        for index, username in enumerate(("al", "aI", "Bob", "joao", "b0b")):
            connection.execute(
                text(
                    "INSERT INTO users (name, username, username_key, email,"
                    " password_hash, created_at) VALUES ('X', :username,"
                    " :key, :email, 'x', '2026-01-01 00:00:00')"
                ),
                {
                    "username": username,
                    "key": username.casefold(),
                    "email": f"{index}@example.com",
                },
            )
    upgrade(settings.database_url)
    with Session(engine, expire_on_commit=False) as session:
        rows = session.exec(select(User.username, User.username_skeleton)).all()
        skeletons = dict(rows)
        assert skeletons == {
            "al": "al",
            "aI": None,
            "Bob": "bob",
            "joao": "joao",
            "b0b": None,
        }
        for lookalike in ("a1", "BOB", "B0B"):
            with pytest.raises(DuplicateError):
                sign_up(session, settings, username=lookalike)
        sign_up(session, settings, username="ana")
    engine.dispose()


def test_an_email_with_letters_that_fold_differently_logs_in_by_email(
    session, settings
):
    sign_up(session, settings, email="Straße.Lima@Example.com")
    for login in ("straße.lima@example.com", " STRAẞE.LIMA@example.COM "):
        assert log_in(session, settings, login, "segredo123").profile["email"] == (
            "straße.lima@example.com"
        )


def test_a_password_with_nul_is_refused_at_registration_and_fails_at_login(
    session, settings
):
    with pytest.raises(FieldError) as raised:
        sign_up(session, settings, password="segredo\x00123")
    assert raised.value.field == "password"
    assert "NUL" in str(raised.value)
    sign_up(session, settings)
    assert_fails(session, settings, "joao", "segredo\x00123")


def log_in(session, settings, login, password, now=NOW, client="1.2.3.4"):
    try:
        return accounts.log_in(
            session, login, password, client=client, settings=settings, now=now
        )
    finally:
        session.commit()


def assert_fails(session, settings, login, password, now=NOW, client="1.2.3.4"):
    """A login that is checked and refused (not throttled)."""
    with pytest.raises(AuthError) as raised:
        log_in(session, settings, login, password, now=now, client=client)
    assert type(raised.value) is AuthError, raised.value


def assert_throttled(session, settings, login, password, now=NOW, client="1.2.3.4"):
    with pytest.raises(ThrottledError) as raised:
        log_in(session, settings, login, password, now=now, client=client)
    return raised.value.retry_after


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


def test_five_failures_for_an_account_from_one_address_throttle_that_pair(
    session, settings
):
    sign_up(session, settings)
    for attempt in range(5):
        assert_fails(session, settings, "joao", "wrong", now=NOW + attempt)
    retry_after = assert_throttled(session, settings, "joao", "segredo123", NOW + 10)
    assert retry_after == 890
    # By email it is the same account, so the same count.
    assert_throttled(session, settings, "JOAO@example.com", "segredo123", NOW + 10)
    signed_in = log_in(session, settings, "joao", "segredo123", now=NOW + 901)
    assert signed_in.token


def test_failures_of_others_behind_one_address_do_not_lock_out_a_right_password(
    session, settings
):
    sign_up(session, settings)
    for attempt in range(5):
        assert_fails(session, settings, f"nobody{attempt}", "x", now=NOW + attempt)
    assert_fails(session, settings, "someone@example.com", "x", now=NOW + 5)
    assert log_in(session, settings, "joao", "segredo123", now=NOW + 6).token


def test_an_address_failing_for_many_accounts_is_throttled_at_its_own_limit(
    session, settings
):
    settings = settings.model_copy(update={"login_address_max_failures": 8})
    sign_up(session, settings)
    for attempt in range(8):
        assert_fails(session, settings, f"nobody{attempt}", "x", now=NOW + attempt)
    assert_throttled(session, settings, "joao", "segredo123", now=NOW + 8)
    assert log_in(session, settings, "joao", "segredo123", NOW + 8, "9.9.9.9").token


def test_guesses_from_elsewhere_never_lock_the_owner_out_from_their_own_address(
    session, settings
):
    sign_up(session, settings)
    for attempt in range(30):
        address = f"203.0.113.{attempt}"
        assert_fails(session, settings, "joao", "wrong", now=NOW, client=address)
    assert log_in(session, settings, "joao", "segredo123", client="198.51.100.7")


def test_an_account_guessed_from_many_addresses_makes_them_wait_longer_each_time(
    session, settings
):
    sign_up(session, settings)
    for attempt in range(10):
        assert_fails(session, settings, "joao", "wrong", client=f"g{attempt}")
    # Ten failures on the account: an address that has failed on it waits 1 s,
    # then 2 s after the next failure, then 4 s...
    assert assert_throttled(session, settings, "joao", "wrong", client="g0") == 1
    assert_fails(session, settings, "joao", "wrong", now=NOW + 1, client="g0")
    assert assert_throttled(session, settings, "joao", "x", NOW + 1, "g1") == 2
    assert_fails(session, settings, "joao", "wrong", now=NOW + 3, client="g1")
    assert assert_throttled(session, settings, "joao", "x", NOW + 3, "g2") == 4
    # ...whether it types the username or the email: one account, one count.
    assert assert_throttled(session, settings, "joao@example.com", "x", NOW + 3, "g2")
    # The owner, from an address that never failed on the account, gets in.
    assert log_in(session, settings, "Joao", "segredo123", now=NOW + 3, client="home")


def test_a_right_password_clears_that_addresss_failures_for_the_account(
    session, settings
):
    sign_up(session, settings)
    for attempt in range(4):
        assert_fails(session, settings, "joao", "wrong", now=NOW + attempt)
    log_in(session, settings, "joao", "segredo123", now=NOW + 5)
    for attempt in range(4):
        assert_fails(session, settings, "joao", "wrong", now=NOW + 6 + attempt)


def test_a_login_too_long_for_any_column_is_a_counted_failure(session, settings):
    # PostgreSQL refused to store a failure keyed by a 400-character login.
    typed = "x" * 400
    for attempt in range(5):
        assert_fails(session, settings, typed, "wrong", now=NOW + attempt)
    assert_throttled(session, settings, typed, "wrong", now=NOW + 5)


def writer_is_free(engine) -> bool:
    """Whether no transaction holds the database (SQLite's write lock) right now."""
    if engine.dialect.name == "sqlite":
        probe = sqlite3.connect(engine.url.database, timeout=0, isolation_level=None)
        try:
            probe.execute("BEGIN IMMEDIATE")
            probe.execute("ROLLBACK")
            return True
        except sqlite3.OperationalError:
            return False
        finally:
            probe.close()
    with engine.connect() as probe:
        open_elsewhere = probe.execute(
            text(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = "
                "current_database() AND pid <> pg_backend_pid() "
                "AND state LIKE 'idle in transaction%'"
            )
        ).scalar_one()
    return open_elsewhere == 0


def test_bcrypt_runs_outside_every_transaction(session, settings, monkeypatch):
    engine = session.get_bind()
    checks: list[tuple[str, bool]] = []

    def watched(name, real):
        def run(*args, **kwargs):
            checks.append((name, writer_is_free(engine)))
            return real(*args, **kwargs)

        return run

    monkeypatch.setattr(
        accounts, "hash_password", watched("hash", accounts.hash_password)
    )
    monkeypatch.setattr(
        accounts, "verify_password", watched("verify", accounts.verify_password)
    )
    sign_up(session, settings)
    with pytest.raises(DuplicateError):
        sign_up(session, settings)
    log_in(session, settings, "joao", "segredo123")
    assert_fails(session, settings, "joao", "wrong")
    assert_fails(session, settings, "nobody", "wrong")
    assert checks == [("hash", True)] * 2 + [("verify", True)] * 3


def test_a_storm_of_logins_does_not_hold_up_the_chats_database_work(
    settings, monkeypatch
):
    monkeypatch.setenv("CHAT_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("CHAT_JWT_SECRET", "t" * 32)
    chat_settings.get_settings.cache_clear()
    db.get_engine.cache_clear()
    upgrade(settings.database_url)

    def slow_bcrypt(_password: str, _hash: str) -> bool:
        time.sleep(0.15)
        return False

    monkeypatch.setattr(accounts, "verify_password", slow_bcrypt)

    async def storm_then_ping() -> float:
        storm = [
            asyncio.create_task(
                db.run(
                    accounts.log_in,
                    f"user{index}",
                    "wrong",
                    client=f"10.0.0.{index}",
                    settings=settings,
                    now=NOW,
                )
            )
            for index in range(24)
        ]
        await asyncio.sleep(0.05)
        started = time.monotonic()
        await db.run(db.ping)
        waited = time.monotonic() - started
        await asyncio.gather(*storm, return_exceptions=True)
        return waited

    try:
        assert asyncio.run(storm_then_ping()) < 0.3
    finally:
        db.get_engine().dispose()
        db.get_engine.cache_clear()
        chat_settings.get_settings.cache_clear()


def test_registrations_from_one_address_are_throttled_duplicates_included(
    session, settings
):
    settings = settings.model_copy(update={"registration_max_per_address": 3})
    sign_up(session, settings, client="10.1.1.1")
    with pytest.raises(DuplicateError):
        sign_up(session, settings, client="10.1.1.1", now=NOW + 1)
    sign_up(session, settings, "10.1.1.1", NOW + 2, username="b", email="b@b.com")
    with pytest.raises(RegistrationThrottledError) as throttled:
        sign_up(session, settings, "10.1.1.1", NOW + 3, username="c", email="c@c.com")
    assert throttled.value.retry_after == settings.registration_window_seconds - 3
    assert "try again in" in str(throttled.value)
    sign_up(session, settings, "10.2.2.2", NOW + 3, username="c", email="c@c.com")
    later = NOW + settings.registration_window_seconds
    sign_up(session, settings, "10.1.1.1", later, username="d", email="d@d.com")


def test_profiles_are_found_by_username_in_any_case(session, settings):
    sign_up(session, settings)
    profile = accounts.profile_of(session, "JOAO")
    assert profile is not None
    assert profile["email"] == "joao@example.com"
    assert accounts.profile_of(session, "nobody") is None


def test_attempts_no_window_looks_back_to_are_forgotten(session, settings):
    session.add(LoginFailure(key="address:old", at=NOW - 7200))
    session.add(LoginFailure(key="address:new", at=NOW - 60))
    session.commit()
    assert attempts.forget_old(session, now=NOW, older_than=3600) == 1
    session.commit()
    keys = [failure.key for failure in session.exec(select(LoginFailure))]
    assert keys == ["address:new"]
