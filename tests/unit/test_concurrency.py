"""Many backend processes write at once: the rules hold on SQLite and PostgreSQL.

Each worker thread stands for a backend process with its own connection.
"""

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import create_engine
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session, select

from chat_app import chatroom
from chat_app.chatroom import RateLimitedError
from chat_app.db import is_unavailable, make_engine, upgrade
from chat_app.models import Message, Presence, ReadMark
from tests.support.servers import free_port

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


def test_concurrent_senders_get_distinct_consecutive_numbers(in_parallel):
    run, engine = in_parallel

    def send(session: Session, index: int) -> int:
        posted = chatroom.post(
            session,
            room="sala-1",
            author=f"user{index}",
            text=f"message {index}",
            now_ms=NOW_MS,
        )
        return posted.message.id

    results = run(send, 40)
    assert sorted(results) == list(range(1, 41)), results  # type: ignore[type-var]
    with Session(engine) as session:
        seqs = session.exec(select(Message.seq).where(Message.room == "sala-1")).all()
    assert sorted(seqs) == list(range(1, 41))


def test_the_rate_limit_holds_for_simultaneous_messages(in_parallel):
    run, engine = in_parallel

    def send(session: Session, index: int) -> int:
        return chatroom.post(
            session, room="sala-1", author="ana", text="x", now_ms=NOW_MS
        ).message.id

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
            chatroom.enter(
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
            return chatroom.leave(session, tab=f"tab{index}", now=NOW_MS / 1000)
        return chatroom.sweep(
            session, live_sids=set(), now=NOW_MS / 1000, stale_after=7, typing_ttl=6
        )

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
