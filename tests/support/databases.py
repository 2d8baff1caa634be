"""Fixtures that run a test once on SQLite and once on PostgreSQL.

A test asking for ``database_url`` gets a fresh, empty database of each kind: an
SQLite file in its temporary folder, and a new database in a PostgreSQL cluster
that the test run starts once (Debian's server, on a loopback port).
"""

import itertools
from collections.abc import Iterator

import pytest

from harness.postgres import PostgresServer, start_postgres

_numbers = itertools.count(1)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    server = start_postgres()
    yield server
    server.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path) -> Iterator[str]:
    """The URL of a fresh, empty database (not yet migrated)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path}/chat.db"
        return
    server: PostgresServer = request.getfixturevalue("postgres_server")
    name = f"test_{next(_numbers)}"
    yield server.create_database(name)
    server.drop_database(name)
