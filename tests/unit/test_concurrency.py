"""Many backend processes write at once: the rules hold on SQLite and PostgreSQL.

Each worker thread stands for a backend process with its own connection.
"""

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session, select

from chat_app import accounts, sessions
from chat_app.accounts import RegistrationThrottledError, ThrottledError
from chat_app.db import is_unavailable, make_engine, upgrade
from chat_app.models import Message, Presence, ReadMark, User
from chat_app.rooms import liveness, messages, presence
from chat_app.rooms.messages import RateLimitedError
from chat_app.security import AuthError
from chat_app.settings import Settings
from harness.servers import free_port, wait_until

NOW_MS = 1_800_000_000_000


@pytest.fixture
def in_parallel(settings):
    """Run a function of a session in many threads, each in its own transaction."""
    upgrade(settings.database_url)
    engine = make_engine(settings.database_url)

    def run(work: Callable[[Session, int], object], count: int) -> list[object]:
        def one(index: int) -> object:
            with Session(engine, expire_on_commit=False) as session:
                try:
                    result = work(session, index)
                    session.commit()
                    return result
                except Exception as error:  # collected and checked by the test
                    session.rollback()
                    return error

        with ThreadPoolExecutor(max_workers=8) as pool:
            return list(pool.map(one, range(count)))

    yield run, engine
    engine.dispose()


def post(session: Session, settings: Settings, author: str, text: str = "x"):
    return messages.post(
        session,
        room="sala-1",
        author=author,
        text=text,
        clock=lambda: NOW_MS / 1000,
        attachment_urls=[],
        settings=settings,
    )


def test_concurrent_senders_get_distinct_consecutive_numbers(settings, in_parallel):
    run, engine = in_parallel

    def send(session: Session, index: int) -> int:
        return post(session, settings, f"user{index}", f"message {index}").message.id

    results = run(send, 40)
    assert sorted(results) == list(range(1, 41)), results  # type: ignore[type-var]
    with Session(engine) as session:
        seqs = session.exec(select(Message.seq).where(Message.room == "sala-1")).all()
    assert sorted(seqs) == list(range(1, 41))


def test_the_rate_limit_holds_for_simultaneous_messages(settings, in_parallel):
    run, engine = in_parallel

    def send(session: Session, index: int) -> int:
        return post(session, settings, "ana").message.id

    results = run(send, 16)
    refused = [result for result in results if isinstance(result, RateLimitedError)]
    sent = [result for result in results if isinstance(result, int)]
    assert len(sent) == 10 and len(refused) == 6, results
    with Session(engine) as session:
        assert len(session.exec(select(Message)).all()) == 10


def test_sweeps_of_several_processes_and_leaving_tabs_do_not_collide(in_parallel):
    run, engine = in_parallel
    stale_at = NOW_MS / 1000 - 60
    with Session(engine) as session:
        for index in range(12):
            presence.enter(
                session,
                room="sala-1",
                username=f"user{index}",
                tab=f"tab{index}",
                sid=f"sid{index}",
                now=stale_at,
            )
            session.commit()

    def sweep_or_leave(session: Session, index: int) -> object:
        if index % 2:
            return presence.leave(session, tab=f"tab{index}", now=NOW_MS / 1000)
        return liveness.sweep(session, now=NOW_MS / 1000, stale_after=7, typing_ttl=6)

    results = run(sweep_or_leave, 12)
    assert not [result for result in results if isinstance(result, Exception)]
    with Session(engine) as session:
        assert session.exec(select(Presence)).all() == []
        marks = session.exec(select(ReadMark.username)).all()
    assert sorted(marks) == sorted(f"user{index}" for index in range(12))


def test_a_refused_connection_counts_as_unavailable():
    engine = create_engine(
        f"postgresql+psycopg://chat:x@127.0.0.1:{free_port()}/chat",
        connect_args={"connect_timeout": 2},
    )
    with pytest.raises(DBAPIError) as caught:
        engine.connect()
    assert is_unavailable(caught.value)


def test_a_bad_statement_is_not_unavailability(settings):
    engine = make_engine(settings.database_url)
    with Session(engine) as session, pytest.raises(DBAPIError) as caught:
        session.exec(select(Message)).all()  # not migrated: no such table
    assert not is_unavailable(caught.value)
    engine.dispose()


def test_numbers_continue_after_messages_written_without_the_counter(
    settings, in_parallel
):
    _run, engine = in_parallel
    with Session(engine) as session:
        # As an older version (during a rolling deploy) would have stored it.
        session.add(
            Message(room="sala-1", seq=1, author="old", text="x", sent_at_ms=NOW_MS)
        )
        session.commit()
        posted = post(session, settings, "ana", "y")
        session.commit()
    assert posted.message.id == 2


def test_parallel_wrong_passwords_get_only_the_allowed_attempts(settings, in_parallel):
    run, _engine = in_parallel

    def guess(session: Session, index: int) -> object:
        return accounts.log_in(
            session,
            "victim",
            f"guess-{index}",
            client="203.0.113.9",
            settings=settings,
            now=NOW_MS / 1000,
        )

    results = run(guess, 16)
    throttled = [result for result in results if isinstance(result, ThrottledError)]
    checked = [
        result
        for result in results
        if isinstance(result, AuthError) and not isinstance(result, ThrottledError)
    ]
    assert (len(checked), len(throttled)) == (settings.login_max_failures, 11)


def test_parallel_guesses_that_read_the_clock_before_their_turn_are_all_counted(
    settings, in_parallel
):
    run, _engine = in_parallel

    def guess(session: Session, index: int) -> object:
        # Each request read the clock on arrival, then waited for its turn: a
        # later turn may carry an earlier time than failures already counted.
        return accounts.log_in(
            session,
            "victim",
            f"guess-{index}",
            client="203.0.113.9",
            settings=settings,
            now=NOW_MS / 1000 - index * 0.01,
        )

    results = run(guess, 30)
    checked = [
        result
        for result in results
        if isinstance(result, AuthError) and not isinstance(result, ThrottledError)
    ]
    assert len(checked) == settings.login_max_failures, results


def test_parallel_fresh_addresses_on_a_guessed_account_get_a_turn_each(
    settings, in_parallel
):
    run, engine = in_parallel
    now = NOW_MS / 1000
    with Session(engine, expire_on_commit=False) as session:
        accounts.sign_up(
            session,
            {
                "name": "Ana",
                "username": "ana",
                "email": "ana@example.com",
                "password": "password-123",
            },
            client="192.0.2.1",
            settings=settings,
            now=now,
        )
        session.commit()

    def guess(session: Session, index: int) -> object:
        return accounts.log_in(
            session,
            "ana",
            "wrong",
            client=f"2001:db8:{index}::1",
            settings=settings,
            now=now,
        )

    assert all(type(result) is AuthError for result in run(guess, 10))
    results = run(lambda session, index: guess(session, 100 + index), 16)
    waits = [
        result.retry_after for result in results if isinstance(result, ThrottledError)
    ]
    # None slips through, and no two share a turn.
    assert len(waits) == 16 and len(set(waits)) == 16, results


def test_parallel_registrations_from_one_address_stop_at_the_limit(
    settings, in_parallel
):
    run, engine = in_parallel

    def register(session: Session, index: int) -> object:
        return accounts.sign_up(
            session,
            {
                "name": f"User {index}",
                "username": f"user{index}",
                "email": f"user{index}@example.com",
                "password": "password-123",
            },
            client="203.0.113.9",
            settings=settings,
            now=NOW_MS / 1000 - index * 0.01,
        )

    results = run(register, 30)
    limit = settings.registration_max_per_address
    throttled = [r for r in results if isinstance(r, RegistrationThrottledError)]
    assert len(throttled) == 30 - limit, results
    with Session(engine) as session:
        assert len(session.exec(select(User)).all()) == limit


def test_the_sweep_spares_a_tab_that_came_back_while_it_waited(settings, in_parallel):
    _run, engine = in_parallel
    stale_at = NOW_MS / 1000 - 60
    with Session(engine) as session:
        presence.enter(
            session, room="sala-1", username="ana", tab="t1", sid="s1", now=stale_at
        )
        session.commit()
    returning = Session(engine)
    # The tab reconnects: its user's turn is held until this commits.
    presence.enter(
        returning, room="sala-1", username="ana", tab="t1", sid="s2", now=NOW_MS / 1000
    )
    with ThreadPoolExecutor(max_workers=1) as pool:

        def sweep() -> liveness.Sweep:
            with Session(engine) as session:
                swept = liveness.sweep(
                    session, now=NOW_MS / 1000, stale_after=7, typing_ttl=6
                )
                session.commit()
                return swept

        pending = pool.submit(sweep)
        if engine.dialect.name == "postgresql":
            wait_until(lambda: waiting_for_locks(engine), 10, "the sweep to wait")
        returning.commit()
        returning.close()
        swept = pending.result(timeout=30)
    assert swept.member_rooms == set()
    with Session(engine) as session:
        assert session.get(Presence, "t1") is not None


def waiting_for_locks(engine) -> bool:
    """Whether some transaction waits for a lock (PostgreSQL)."""
    with engine.connect() as connection:
        waiting = connection.execute(
            text("SELECT count(*) FROM pg_locks WHERE NOT granted")
        ).scalar_one()
    return waiting > 0


def test_two_logouts_of_one_session_at_once_both_succeed(settings, in_parallel):
    run, _engine = in_parallel
    with Session(_engine) as session:
        signed_in = accounts.sign_up(
            session,
            {
                "name": "Ana",
                "username": "ana",
                "email": "ana@example.com",
                "password": "password-123",
            },
            client="203.0.113.9",
            settings=settings,
            now=NOW_MS / 1000,
        )
        session.commit()

    def log_out(session: Session, _index: int) -> object:
        return sessions.log_out(
            session, signed_in.token, settings=settings, now=NOW_MS / 1000
        )

    assert run(log_out, 4) == [None, None, None, None]
