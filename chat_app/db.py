"""The database engine, sessions and migrations.

Run ``python -m chat_app.db`` to bring the schema to the latest migration; ``make
run``, the container and the test fixtures do so before starting the app.
"""

import asyncio
import contextvars
import functools
import hashlib
import sqlite3
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Concatenate, ParamSpec, TypeVar

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, event, func, literal
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session, create_engine, select

from chat_app.cpu import CPU_BOUND, cpu_threads
from chat_app.domain.errors import ChatError
from chat_app.settings import get_settings

MIGRATIONS = Path(__file__).parent / "migrations"
P = ParamSpec("P")
T = TypeVar("T")
# PostgreSQL's "serialization_failure" and "deadlock_detected": the transaction
# lost a race and can simply be run again.
RETRYABLE_STATES = frozenset({"40001", "40P01"})
ATTEMPTS = 3
# Fail within seconds, never hang a request, when PostgreSQL is unreachable: a
# refused or silent connect, a connection that died without a word (keepalives,
# TCP user timeout), a stuck statement, lock wait or forgotten transaction.
POSTGRES_CONNECT_ARGS = {
    "connect_timeout": 5,
    "keepalives": 1,
    "keepalives_idle": 30,
    "keepalives_interval": 10,
    "keepalives_count": 3,
    "tcp_user_timeout": 30_000,
    "options": (
        "-c statement_timeout=15000 -c lock_timeout=10000 "
        "-c idle_in_transaction_session_timeout=60000"
    ),
}
SQLITE_UNAVAILABLE = ("locked", "unable to open", "disk i/o", "disk is full")


class DatabaseUnavailableError(ChatError):
    """The database cannot be reached; nothing was written."""

    def __init__(self) -> None:
        """Say so in words a user understands."""
        super().__init__(
            "The chat cannot reach its database right now; nothing was saved. "
            "Try again in a moment."
        )


def _sqlstate(error: DBAPIError) -> str | None:
    return getattr(error.orig, "sqlstate", None)


def is_unavailable(error: BaseException) -> bool:
    """Whether an error means the database is unreachable (not a bad statement).

    Args:
        error: The error raised by database work.

    Returns:
        True for lost or refused connections.
    """
    if not isinstance(error, DBAPIError):
        return False
    if error.connection_invalidated:
        return True
    if isinstance(error.orig, sqlite3.Error):
        # SQLite reports a missing table as an OperationalError too: only a
        # file that stays locked or cannot be opened or written means "down".
        text = str(error.orig).lower()
        return any(sign in text for sign in SQLITE_UNAVAILABLE)
    state = _sqlstate(error) or ""
    # Class 08: connection exceptions; 57P0x: the server is shutting down. A
    # refused connection has no state at all.
    if state.startswith(("08", "57P0")):
        return True
    return isinstance(error, OperationalError) and state not in RETRYABLE_STATES


def make_engine(url: str) -> Engine:
    """Create an engine; SQLite gets a folder, WAL and a busy timeout.

    Args:
        url: A SQLAlchemy database URL.

    Returns:
        The engine.
    """
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(connection, _record) -> None:
            # SQLAlchemy, not the sqlite3 module, starts transactions (see below).
            connection.isolation_level = None
            cursor = connection.cursor()
            # First, so that the statements below wait for a busy file too.
            cursor.execute("PRAGMA busy_timeout=10000")
            cursor.execute("PRAGMA journal_mode=WAL")
            # A message acknowledged to its sender survives a power cut: every
            # commit reaches the disk (NORMAL could lose the last ones).
            cursor.execute("PRAGMA synchronous=FULL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _begin(connection) -> None:
            if connection.get_execution_options().get(READ_ONLY):
                # Work marked as reading (see ``reads``) runs beside the writer
                # (WAL), never waiting for the write lock; a write slipped into
                # it fails loudly instead of taking the lock late.
                connection.exec_driver_sql("PRAGMA query_only=ON")
                connection.exec_driver_sql("BEGIN")
                return
            connection.exec_driver_sql("PRAGMA query_only=OFF")
            # A deferred transaction that reads, then writes, fails at once with
            # "database is locked" when another writer got in between; taking the
            # write lock up front makes concurrent writers wait their turn instead.
            connection.exec_driver_sql("BEGIN IMMEDIATE")

        return engine
    # pre_ping replaces connections the server dropped (a restart, a failover),
    # so the app recovers by itself once the database is back.
    return create_engine(
        url,
        pool_pre_ping=True,
        # 10 connections per process at most: 3 replicas x 2 workers stay well
        # under PostgreSQL's default max_connections (100).
        pool_size=5,
        max_overflow=5,
        pool_timeout=10,
        connect_args=POSTGRES_CONNECT_ARGS if url.startswith("postgresql") else {},
    )


@lru_cache(maxsize=1)
def get_engine() -> Engine:
    """The process-wide engine for the configured database.

    Returns:
        The engine.
    """
    return make_engine(get_settings().database_address())


READ_ONLY = "chat_read_only"


def reads(work: Callable[P, T]) -> Callable[P, T]:
    """Mark database work that only reads, for :func:`run`.

    On SQLite it then runs beside the one writer instead of queueing for the
    write lock (and may not write: the database refuses).

    Args:
        work: The function.

    Returns:
        The same function, marked.
    """
    setattr(work, READ_ONLY, True)
    return work


@lru_cache(maxsize=8)
def _reading(engine: Engine) -> Engine:
    """The same engine and pool, for transactions that only read."""
    return engine.execution_options(**{READ_ONLY: True})


@contextmanager
def session_scope(
    engine: Engine | None = None, *, read_only: bool = False
) -> Iterator[Session]:
    """A session that commits on success and rolls back on error.

    Args:
        engine: The engine; the configured one by default.
        read_only: Whether the work only reads (see :func:`reads`).

    Yields:
        The session.
    """
    bind = engine or get_engine()
    if read_only:
        bind = _reading(bind)
    with Session(bind, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


@reads
def ping(session: Session) -> None:
    """Ask the database for a trivial answer (raises if it cannot give one).

    Args:
        session: The database session.
    """
    session.exec(select(literal(1))).one()


def take_turn(session: Session, key: str) -> None:
    """Wait until no other transaction holds ``key``, then hold it until commit.

    SQLite already runs one writer at a time (``BEGIN IMMEDIATE``), so this only
    matters on PostgreSQL, where it takes a transaction-scoped advisory lock:
    work on one user's tabs, or one sweep of the presence table, takes turns
    across every backend process.

    Args:
        session: The database session.
        key: What to take turns on, e.g. ``"user:joao"``.
    """
    if session.get_bind().dialect.name != "postgresql":
        return
    digest = hashlib.blake2b(key.encode(), digest_size=8).digest()
    number = int.from_bytes(digest, "big", signed=True)
    session.exec(select(func.pg_advisory_xact_lock(number))).one()


def _lost_a_race(error: BaseException) -> bool:
    """Whether work failed only because a concurrent transaction got in first.

    A row it updated was deleted meanwhile (``StaleDataError``), or PostgreSQL
    gave up on it (serialization failure, deadlock): run again, it may succeed.
    """
    if isinstance(error, StaleDataError):
        return True
    return isinstance(error, DBAPIError) and _sqlstate(error) in RETRYABLE_STATES


def commit_alone(
    session: Session,
    step: Callable[Concatenate[Session, P], T],
    *args: P.args,
    **kwargs: P.kwargs,
) -> T:
    """Run one transaction's work and commit it, running it again if it lost a race.

    For work that commits more than once (counting an attempt, then bcrypt,
    then the rest): each of its transactions is retried alone, since
    :func:`run_in_session` never runs work again once it has committed.

    Args:
        session: The database session; what it holds uncommitted is part of
            the step's transaction.
        step: The transaction's work, taking the session first, with no side
            effect outside it (it may run more than once).
        *args: Its other positional arguments.
        **kwargs: Its keyword arguments.

    Returns:
        What ``step`` returned.

    Raises:
        DatabaseUnavailableError: If it lost every race.
    """
    for attempt in range(1, ATTEMPTS + 1):
        try:
            result = step(session, *args, **kwargs)
            session.commit()
        except Exception as error:
            if not _lost_a_race(error):
                raise
            session.rollback()
            if attempt == ATTEMPTS:  # too busy to answer now
                raise DatabaseUnavailableError() from error
            continue
        return result
    raise AssertionError("unreachable")  # the loop returns or raises


def run_in_session(
    work: Callable[Concatenate[Session, P], T],
    *args: P.args,
    **kwargs: P.kwargs,
) -> T:
    """Run database work in one transaction, retrying it when it lost a race.

    Work is run again only if it committed nothing: once part of it is
    committed (a login attempt counted), repeating it would do that part twice.
    Such work retries each of its transactions alone (:func:`commit_alone`).

    Args:
        work: A function taking the session first; it may run more than once
            if it never commits by itself.
        *args: Its other positional arguments.
        **kwargs: Its keyword arguments.

    Returns:
        What ``work`` returned.

    Raises:
        DatabaseUnavailableError: If the database cannot be reached, or the
            work lost a race after committing part of itself.
    """
    for attempt in range(1, ATTEMPTS + 1):
        committed: list[Session] = []
        try:
            with session_scope(read_only=getattr(work, READ_ONLY, False)) as session:
                event.listen(session, "after_commit", committed.append)
                return work(session, *args, **kwargs)
        except PoolTimeoutError as error:  # every connection is busy or stuck
            raise DatabaseUnavailableError() from error
        except (StaleDataError, DBAPIError) as error:
            if _lost_a_race(error):
                if attempt < ATTEMPTS and not committed:
                    continue
                if isinstance(error, StaleDataError):
                    raise
                raise DatabaseUnavailableError() from error
            if is_unavailable(error):
                raise DatabaseUnavailableError() from error
            raise
    raise AssertionError("unreachable")  # the loop returns or raises


@lru_cache(maxsize=1)
def _sqlite_writer() -> ThreadPoolExecutor:
    """The one thread that writes to an SQLite database.

    SQLite lets one transaction write at a time; writers that find it busy sleep
    in its busy handler, up to 100 ms at a time, however soon the lock is free.
    Queued on one thread instead, each write starts the moment the previous one
    committed, and the other threads stay free for reads (which run beside it).
    """
    return ThreadPoolExecutor(max_workers=1, thread_name_prefix="sqlite-writer")


def _threads_for(work: Callable[..., object]) -> ThreadPoolExecutor | None:
    """Where work runs: bcrypt apart, SQLite's writes on one thread, else the pool."""
    if getattr(work, CPU_BOUND, False):
        return cpu_threads()
    if get_engine().dialect.name == "sqlite" and not getattr(work, READ_ONLY, False):
        return _sqlite_writer()
    return None  # the event loop's default pool


async def run(
    work: Callable[Concatenate[Session, P], T],
    *args: P.args,
    **kwargs: P.kwargs,
) -> T:
    """Run blocking database work (and bcrypt) in a worker thread, in one session.

    The session commits when ``work`` returns and rolls back when it raises, so
    nothing is half-written; see :func:`run_in_session`. Work marked
    ``cpu.cpu_bound`` runs in threads of its own, one per core but one; on
    SQLite, other work that writes runs on one thread, one transaction after
    another (logins, rarer, write from their bcrypt threads and may wait in
    SQLite's busy handler).

    Args:
        work: A function taking the session first.
        *args: Its other positional arguments.
        **kwargs: Its keyword arguments.

    Returns:
        What ``work`` returned.
    """
    # As asyncio.to_thread does: the context carries the log's request id.
    call = functools.partial(
        contextvars.copy_context().run, run_in_session, work, *args, **kwargs
    )
    return await asyncio.get_running_loop().run_in_executor(_threads_for(work), call)


def upgrade(url: str | None = None) -> None:
    """Apply every migration not yet applied.

    Args:
        url: The database URL; the configured one by default.
    """
    target = url or get_settings().database_address()
    make_engine(target).dispose()  # creates the SQLite folder if needed
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", target.replace("%", "%%"))
    command.upgrade(config, "head")


if __name__ == "__main__":
    upgrade()
