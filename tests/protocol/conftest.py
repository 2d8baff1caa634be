"""Protocol tests: real chat servers, clients speaking Reflex's socket protocol."""

import pytest

from tests.support.protocol import ReflexClient
from tests.support.servers import start_chat


@pytest.fixture(scope="session")
def chat_server():
    server = start_chat("protocol")
    yield server
    server.process.stop()


@pytest.fixture(autouse=True)
def no_backend_errors(chat_server):
    """Fail the test during which the backend logged an ERROR or a traceback."""
    chat_server.process.mark_log()
    yield
    bad = chat_server.process.new_bad_lines()
    assert not bad, "The backend logged errors:\n" + "\n".join(bad)


@pytest.fixture
async def connect(chat_server):
    """Open simulated tabs; all are closed after the test."""
    clients: list[ReflexClient] = []

    async def open_tab() -> ReflexClient:
        client = await ReflexClient(chat_server.url).connect()
        clients.append(client)
        return client

    yield open_tab
    for client in clients:
        if client.room_slug():
            await client.leave()
            await client.wait_for(lambda c=client: c.room_slug() == "")
        await client.close()
