"""The database engine, sessions and migrations.

Run ``python -m chat_app.db`` to bring the schema to the latest migration; ``make
run``, the container and the test fixtures do so before starting the app.
"""

import asyncio
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Concatenate, ParamSpec, TypeVar

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, event, literal
from sqlmodel import Session, create_engine, select

from chat_app.settings import get_settings

MIGRATIONS = Path(__file__).parent / "migrations"
P = ParamSpec("P")
T = TypeVar("T")


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
            # With WAL, NORMAL never corrupts the file; it may lose the last
            # commits on a power cut (not on a crash of the app).
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _begin_immediate(connection) -> None:
            # A deferred transaction that reads, then writes, fails at once with
            # "database is locked" when another writer got in between; taking the
            # write lock up front makes concurrent writers wait their turn instead.
            connection.exec_driver_sql("BEGIN IMMEDIATE")

        return engine
    return create_engine(url, pool_pre_ping=True)


@lru_cache(maxsize=1)
def get_engine() -> Engine:
    """The process-wide engine for the configured database.

    Returns:
        The engine.
    """
    return make_engine(get_settings().database_url)


@contextmanager
def session_scope(engine: Engine | None = None) -> Iterator[Session]:
    """A session that commits on success and rolls back on error.

    Args:
        engine: The engine; the configured one by default.

    Yields:
        The session.
    """
    with Session(engine or get_engine(), expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


def ping(session: Session) -> None:
    """Ask the database for a trivial answer (raises if it cannot give one).

    Args:
        session: The database session.
    """
    session.exec(select(literal(1))).one()


async def run(
    work: Callable[Concatenate[Session, P], T],
    *args: P.args,
    **kwargs: P.kwargs,
) -> T:
    """Run blocking database work (and bcrypt) in a worker thread, in one session.

    The session commits when ``work`` returns and rolls back when it raises, so
    nothing is half-written.

    Args:
        work: A function taking the session first.
        *args: Its other positional arguments.
        **kwargs: Its keyword arguments.

    Returns:
        What ``work`` returned.
    """

    def in_session() -> T:
        with session_scope() as session:
            return work(session, *args, **kwargs)

    return await asyncio.to_thread(in_session)


def upgrade(url: str | None = None) -> None:
    """Apply every migration not yet applied.

    Args:
        url: The database URL; the configured one by default.
    """
    target = url or get_settings().database_url
    make_engine(target).dispose()  # creates the SQLite folder if needed
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", target.replace("%", "%%"))
    command.upgrade(config, "head")


if __name__ == "__main__":
    upgrade()
