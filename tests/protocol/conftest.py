"""Protocol tests: real chat servers, clients speaking Reflex's socket protocol."""

import pytest

from harness.protocol import ChatClient
from harness.servers import start_chat
from tests.support.accounts import Account, create_account


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
def account(chat_server):
    """Register fresh accounts through the HTTP API."""

    def make(prefix: str = "user") -> Account:
        return create_account(chat_server.url, prefix, language="en")

    return make


@pytest.fixture
async def connect(chat_server):
    """Open simulated tabs of the chat page; all are closed after the test.

    ``connect(account)`` opens a logged-in tab, which enters Sala 1 by itself;
    ``connect()`` one without a session.
    """
    clients: list[ChatClient] = []

    async def open_tab(account: Account | None = None) -> ChatClient:
        client = ChatClient(chat_server.url, account.token if account else "")
        clients.append(client)
        await client.connect()
        if account is not None:
            await client.wait_for(lambda: account.username in client.members())
        return client

    yield open_tab
    for client in clients:
        if not client.sio.connected:
            continue
        if client.room_slug():
            await client.leave_room()
            await client.wait_for(lambda c=client: c.room_slug() == "")
        await client.close()
