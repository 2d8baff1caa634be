"""The database or Redis goes away: clear errors, nothing half-written, recovery.

One chat server on PostgreSQL and Redis (real servers on loopback ports); the tests
stop one dependency, check what users and the health endpoint see, start it again
and check that the chat works without a restart.
"""

import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass

import httpx
import psycopg
import pytest

from harness.postgres import PostgresServer, start_postgres
from harness.protocol import ChatClient
from harness.servers import (
    ChatServer,
    Process,
    chat_environment,
    migrate,
    start_chat,
    start_redis,
    wait_until,
)
from tests.support.accounts import Account, create_account

UNAVAILABLE = "cannot reach its database"


@dataclass
class Deployment:
    """The chat and the dependencies the tests stop and start."""

    chat: ChatServer
    postgres: PostgresServer
    redis: Process
    redis_port: int

    def health(self) -> httpx.Response:
        """Ask the health endpoint."""
        return httpx.get(self.chat.url + "api/health", timeout=10)

    def wait_healthy(self) -> None:
        """Wait until the health endpoint says every dependency is back."""
        wait_until(lambda: self.health().status_code == 200, 60, "a healthy chat again")

    def stored_texts(self) -> list[str]:
        """Every message text in the database."""
        with psycopg.connect(
            self.postgres.url("chat").replace("postgresql+psycopg", "postgresql")
        ) as connection:
            rows = connection.execute("SELECT text FROM messages").fetchall()
        return [row[0] for row in rows]


@pytest.fixture(scope="module")
def deployment() -> Iterator[Deployment]:
    redis, redis_url = start_redis("outage-redis")
    postgres = start_postgres("outage-postgres")
    env = chat_environment(
        "outage",
        {
            "REFLEX_REDIS_URL": redis_url,
            "CHAT_DATABASE_URL": postgres.create_database("chat"),
        },
    )
    migrate(env)
    chat = start_chat("outage", env=env)
    deployment = Deployment(
        chat=chat,
        postgres=postgres,
        redis=redis,
        redis_port=int(redis_url.rsplit(":", 1)[1].split("/")[0]),
    )
    yield deployment
    chat.process.stop()
    # The Redis test replaces the process with a new one on the same port.
    deployment.redis.stop()
    postgres.stop()


@pytest.fixture
async def tabs(deployment) -> AsyncIterator[list[ChatClient]]:
    """Two people in Sala 1 (closed after the test)."""
    people = [
        create_account(deployment.chat.url, name, language="en")
        for name in ("ana", "bia")
    ]
    opened = [await _open(deployment, person) for person in people]
    await opened[0].wait_for(lambda: people[1].username in opened[0].members())
    yield opened
    for tab in opened:
        if tab.sio.connected:
            await tab.close()


async def _open(deployment: Deployment, person: Account) -> ChatClient:
    tab = ChatClient(deployment.chat.url, person.token)
    await tab.connect()
    await tab.wait_for(lambda: person.username in tab.members())
    return tab


def _has(tab: ChatClient, text: str) -> bool:
    return any(message["text"] == text for message in tab.messages())


def _health_names(deployment: Deployment, down: str, up: str) -> None:
    health = deployment.health()
    assert health.status_code == 503
    assert health.json()[down].startswith("down")
    assert health.json()[up] == "ok"


async def test_a_database_outage_refuses_clearly_and_the_chat_recovers(
    deployment, tabs
):
    ana, bia = tabs
    deployment.postgres.halt()
    try:
        _health_names(deployment, down="database", up="redis")
        login = httpx.post(
            deployment.chat.url + "api/auth/login",
            json={"login": "someone", "password": "whatever-123"},
            timeout=10,
        )
        assert login.status_code == 503
        assert login.json()["error"]["code"] == "unavailable"

        lost = f"lost {uuid.uuid4().hex[:6]}"
        await ana.send(lost)
        await ana.wait_for(lambda: ana.carried(UNAVAILABLE), timeout=20)
        assert not ana.redirected_to(), "an outage must not log anyone out"
    finally:
        deployment.postgres.resume()
    deployment.wait_healthy()

    back = f"back {uuid.uuid4().hex[:6]}"
    await ana.send(back)
    await bia.wait_for(lambda: _has(bia, back), timeout=20)
    assert not bia.carried(lost)
    stored = deployment.stored_texts()
    assert back in stored and lost not in stored


async def test_a_redis_outage_refuses_clearly_and_the_chat_recovers(deployment, tabs):
    ana, bia = tabs
    deployment.redis.stop()
    try:
        _health_names(deployment, down="redis", up="database")

        during = f"during {uuid.uuid4().hex[:6]}"
        await ana.send(during)
        await ana.wait_for(lambda: ana.carried("Redis"), timeout=20)
    finally:
        # A fresh, empty Redis on the same port: the harder case, every tab's
        # state there is gone.
        deployment.redis, _ = start_redis("outage-redis", deployment.redis_port)
    deployment.wait_healthy()

    people = [
        create_account(deployment.chat.url, name, language="en")
        for name in ("cai", "duda")
    ]
    cai, duda = [await _open(deployment, person) for person in people]
    try:
        await cai.wait_for(lambda: people[1].username in cai.members())
        after = f"after {uuid.uuid4().hex[:6]}"
        await cai.send(after)
        await duda.wait_for(lambda: _has(duda, after), timeout=20)
        assert not bia.carried(during) and during not in deployment.stored_texts()
    finally:
        await cai.close()
        await duda.close()
