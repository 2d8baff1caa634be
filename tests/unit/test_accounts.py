import asyncio
import sqlite3
import threading

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import text
from sqlalchemy.exc import OperationalError
from sqlmodel import Session, select

from chat_app import accounts, attempts, cpu, db, profiles, sessions
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
FORM: dict[str, object] = {
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


def outcome(session, settings, login, password, now=NOW, client="1.2.3.4"):
    """ "in", "failed", or the seconds a throttled attempt is told to wait."""
    try:
        log_in(session, settings, login, password, now=now, client=client)
    except ThrottledError as error:
        return error.retry_after
    except AuthError:
        return "failed"
    return "in"


def guess_ten_times(session, settings, now=NOW):
    """Ten failures on joao's account from ten addresses: from now on it is paced."""
    for attempt in range(10):
        assert_fails(session, settings, "joao", "wrong", now, f"203.0.113.{attempt}")


def test_ipv6_addresses_of_one_64_network_count_as_one_ipv4_ones_each_alone():
    key = attempts.address_key
    assert key("2001:db8:1:2::1") == key("2001:db8:1:2:ffff:ee:dd:cc")
    assert key("2001:db8:1:2::1") == "address:2001:db8:1:2::/64"
    assert key("2001:db8:1:2::1") != key("2001:db8:1:3::1")
    assert key("[2001:DB8:1:2::7]") == key("2001:db8:1:2::1")
    assert key("192.0.2.1") != key("192.0.2.2")
    assert key("::ffff:192.0.2.1") == key("192.0.2.1") == "address:192.0.2.1"
    assert key("unknown") == "address:unknown"


def test_addresses_of_one_ipv6_network_share_the_limit_of_one_address(
    session, settings
):
    sign_up(session, settings)
    for attempt in range(5):
        client = f"2001:db8:1:2::{attempt + 1}"
        assert_fails(session, settings, "joao", "wrong", NOW + attempt, client)
    assert assert_throttled(session, settings, "joao", "x", NOW + 5, "2001:db8:1:2::99")
    assert log_in(session, settings, "joao", "segredo123", NOW + 5, "2001:db8:1:3::1")


def test_fresh_addresses_take_turns_on_a_guessed_account_spaced_ever_wider(
    session, settings
):
    sign_up(session, settings)
    guess_ten_times(session, settings)
    # An address that never failed on the account waits too: a turn each,
    # 1 s after the latest failure, then 2 s after that turn, then 4 s...
    waits = [
        outcome(session, settings, "joao", "x", NOW, f"198.51.100.{index}")
        for index in range(9)
    ]
    assert waits == [1, 3, 7, 15, 31, 63, 123, 183, 243]
    # ...whether it types the username or the email: one account, one queue.
    assert outcome(session, settings, "JOAO@example.com", "x", NOW, "a") == 303
    # Asking again keeps the address's turn, and gives it no second one.
    assert outcome(session, settings, "joao", "x", NOW + 2, "198.51.100.1") == 1
    assert outcome(session, settings, "joao", "x", NOW + 100, "b") == 263


def test_an_address_that_waits_its_turn_gets_it_whatever_others_fail_meanwhile(
    session, settings
):
    sign_up(session, settings, client="192.0.2.80")
    guess_ten_times(session, settings)
    assert outcome(session, settings, "joao", "x", NOW, "198.51.100.1") == 1
    assert outcome(session, settings, "joao", "x", NOW, "198.51.100.2") == 3
    # The owner mistypes, from home, just before the turns come.
    assert_fails(session, settings, "joao", "typo", NOW + 0.5, "192.0.2.80")
    assert outcome(session, settings, "joao", "x", NOW + 1, "198.51.100.2") == 2
    assert outcome(session, settings, "joao", "x", NOW + 1, "198.51.100.1") == "failed"
    assert outcome(session, settings, "joao", "x", NOW + 3, "198.51.100.2") == "failed"
    # A turn is one attempt: the next waits for a turn of its own.
    assert outcome(session, settings, "joao", "x", NOW + 3, "198.51.100.1") == 8


def test_the_owner_gets_in_from_a_known_address_whatever_is_guessed_elsewhere(
    session, settings
):
    sign_up(session, settings)
    assert log_in(session, settings, "joao", "segredo123", NOW, "198.51.100.7")
    guess_ten_times(session, settings, NOW + 1)
    assert_fails(session, settings, "joao", "typo", NOW + 2, "198.51.100.7")
    # Guessed at from a fresh address every minute (throttled or not)...
    for minute in range(1, 10):
        outcome(session, settings, "joao", "x", NOW + 60 * minute, f"g{minute}")
    # ...the owner, at home after a typo, is held back by their own limit only.
    for address in ("198.51.100.7", "1.2.3.4"):  # logged in, registered there
        login_at = NOW + 60 * 9 + 1
        assert log_in(session, settings, "joao", "segredo123", login_at, address)
    # From an address it was never used at, it takes its turn like any other.
    assert isinstance(
        outcome(session, settings, "joao", "segredo123", NOW + 542, "x"), int
    )


def test_a_known_address_keeps_the_limit_of_its_pair(session, settings):
    sign_up(session, settings)
    for attempt in range(5):
        assert_fails(session, settings, "joao", "wrong", now=NOW + attempt)
    assert assert_throttled(session, settings, "joao", "segredo123", NOW + 5) == 895


def test_an_address_is_known_for_as_long_as_the_setting_after_a_login(
    session, settings
):
    settings = settings.model_copy(update={"login_known_address_seconds": 3600})
    sign_up(session, settings)
    guess_ten_times(session, settings, NOW + 1800)
    assert log_in(session, settings, "joao", "segredo123", NOW + 1800)
    guess_ten_times(session, settings, NOW + 1800 + 3601)
    assert assert_throttled(session, settings, "joao", "segredo123", NOW + 5401)


def test_a_right_password_clears_that_addresss_failures_for_the_account(
    session, settings
):
    sign_up(session, settings)
    for attempt in range(4):
        assert_fails(session, settings, "joao", "wrong", now=NOW + attempt)
    log_in(session, settings, "joao", "segredo123", now=NOW + 5)
    for attempt in range(4):
        assert_fails(session, settings, "joao", "wrong", now=NOW + 6 + attempt)


@pytest.mark.parametrize("typed", ["joao\x00", "jo\x00ao@example.com", "jo\x1bao"])
def test_a_login_with_a_control_character_is_a_counted_failure(
    session, settings, typed
):
    # PostgreSQL refused the NUL in the query: a DataError, not a failed login.
    sign_up(session, settings)
    for attempt in range(5):
        assert_fails(session, settings, typed, "segredo123", now=NOW + attempt)
    assert_throttled(session, settings, typed, "segredo123", now=NOW + 5)


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


@pytest.fixture
def configured(settings, monkeypatch):
    """The process's settings and engine on the test's database; the engine."""
    monkeypatch.setenv("CHAT_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("CHAT_JWT_SECRET", "t" * 32)
    chat_settings.get_settings.cache_clear()
    db.get_engine.cache_clear()
    upgrade(settings.database_url)
    yield db.get_engine()
    db.get_engine().dispose()
    db.get_engine.cache_clear()
    chat_settings.get_settings.cache_clear()


def test_a_storm_of_logins_leaves_the_database_to_the_chat(
    settings, configured, monkeypatch
):
    slots = cpu.cpu_slots()
    inside = threading.Semaphore(0)
    release = threading.Event()

    def held_bcrypt(_password: str, _hash: str) -> bool:
        inside.release()
        release.wait(timeout=60)
        return False

    monkeypatch.setattr(accounts, "verify_password", held_bcrypt)

    async def storm_then_ping() -> None:
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
            for index in range(slots + 8)
        ]
        try:
            for _ in range(slots):
                assert await asyncio.to_thread(inside.acquire, timeout=30)
            # Every bcrypt thread is busy, more logins queue behind them, and
            # none holds a transaction...
            assert writer_is_free(configured)
            # ...so the chat's database work goes through meanwhile.
            await asyncio.wait_for(db.run(db.ping), timeout=30)
        finally:
            release.set()
            await asyncio.gather(*storm, return_exceptions=True)

    asyncio.run(storm_then_ping())


class LostRace(Exception):
    """What psycopg raises when PostgreSQL gave up a transaction."""

    sqlstate = "40001"  # serialization_failure


def lose_a_race_once(monkeypatch, module, name: str) -> list[str]:
    """Make ``module.name`` fail as a transaction that lost a race, once."""
    real = getattr(module, name)
    lost: list[str] = []

    def once(*args, **kwargs):
        if not lost:
            lost.append(name)
            raise OperationalError("COMMIT", {}, LostRace())
        return real(*args, **kwargs)

    monkeypatch.setattr(module, name, once)
    return lost


def calls_of(monkeypatch, module, name: str) -> list[str]:
    """Count the calls of ``module.name``."""
    real = getattr(module, name)
    calls: list[str] = []

    def counted(*args, **kwargs):
        calls.append(name)
        return real(*args, **kwargs)

    monkeypatch.setattr(module, name, counted)
    return calls


def counted_keys(engine) -> list[str]:
    with Session(engine) as session:
        return sorted(failure.key for failure in session.exec(select(LoginFailure)))


def test_work_that_committed_is_never_run_again_when_it_then_loses_a_race(
    configured,
):
    runs: list[int] = []

    def count_then_lose(session: Session) -> None:
        runs.append(1)
        session.add(LoginFailure(key="address:x", at=NOW))
        session.commit()
        raise OperationalError("UPDATE", {}, LostRace())

    with pytest.raises(db.DatabaseUnavailableError):
        db.run_in_session(count_then_lose)
    assert (runs, counted_keys(configured)) == ([1], ["address:x"])


def test_a_login_that_loses_a_race_after_counting_is_counted_and_checked_once(
    settings, configured, monkeypatch
):
    with Session(configured) as session:
        sign_up(session, settings)
    checks = calls_of(monkeypatch, accounts, "verify_password")
    lost = lose_a_race_once(monkeypatch, attempts, "forgive_login")
    signed_in = db.run_in_session(
        accounts.log_in,
        "joao",
        "segredo123",
        client="1.2.3.4",
        settings=settings,
        now=NOW,
    )
    assert signed_in.token
    assert (lost, checks) == (["forgive_login"], ["verify_password"])
    # Nothing left of the attempt, once counted: only the registration and
    # the address the account is known at.
    assert counted_keys(configured) == [
        "known:account:1|address:1.2.3.4",
        "register:address:1.2.3.4",
    ]


def test_a_registration_that_loses_a_race_after_counting_is_counted_once(
    settings, configured, monkeypatch
):
    hashes = calls_of(monkeypatch, accounts, "hash_password")
    lost = lose_a_race_once(monkeypatch, accounts, "create_account")
    signed_in = db.run_in_session(
        accounts.sign_up, FORM, client="1.2.3.4", settings=settings, now=NOW
    )
    assert signed_in.profile["username"] == "Joao"
    assert (lost, hashes) == (["create_account"], ["hash_password"])
    assert counted_keys(configured) == [
        "known:account:1|address:1.2.3.4",
        "register:address:1.2.3.4",
    ]


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
    profile = profiles.profile_of(session, "JOAO")
    assert profile is not None
    assert profile["email"] == "joao@example.com"
    assert profiles.profile_of(session, "nobody") is None


def test_attempts_no_window_looks_back_to_are_forgotten(session, settings):
    session.add(LoginFailure(key="address:old", at=NOW - 7200))
    session.add(LoginFailure(key="address:new", at=NOW - 60))
    session.commit()
    assert attempts.forget_old(session, now=NOW, older_than=3600) == 1
    session.commit()
    keys = [failure.key for failure in session.exec(select(LoginFailure))]
    assert keys == ["address:new"]
