"""Conversations' latest messages reach their members elsewhere, and nobody else."""

import asyncio

import pytest

from chat_app.realtime import activity, hub, sockets
from chat_app.realtime.views import RoomViewState
from chat_app.settings import Settings

VIEW = RoomViewState.get_full_name()


class FakeServer:
    """This process's sockets, recording what each channel is sent."""

    def __init__(self, users: set[str]) -> None:
        self.sent: list[tuple[str, dict]] = []
        self.users = users
        self.changed = asyncio.Event()

    async def emit(self, event, data, room, skip_sid, namespace):
        self.sent.append((room, data["delta"][VIEW]))
        self.changed.set()

    def to(self, channel: str) -> list[dict]:
        return [delta for room, delta in self.sent if room == channel]


@pytest.fixture
def server(monkeypatch):
    monkeypatch.setattr(hub, "_delivered", {})
    monkeypatch.setattr(hub, "_activity", {})
    monkeypatch.setattr(hub, "_changed", set())
    fake = FakeServer({"ana", "bia", "caio"})
    monkeypatch.setattr(hub, "socket_server", lambda: fake)
    monkeypatch.setattr(sockets, "local_users", lambda: fake.users)
    fast = Settings(unread_interval_seconds=0.01)  # pyright: ignore[reportCallIssue]
    monkeypatch.setattr(activity, "get_settings", lambda: fast)

    async def members_by_room(work, **arguments):
        assert work.__name__ == "members_by_room"
        return {"projeto": ["ana", "bia", "dora"], "dm-1-2": ["ana", "caio"]}

    monkeypatch.setattr(activity.db, "run", members_by_room)
    return fake


async def tick_until(server: FakeServer, done) -> None:
    ticks = asyncio.create_task(activity.pass_on_activity())
    try:
        while not done():
            server.changed.clear()
            await asyncio.wait_for(server.changed.wait(), 5)
    finally:
        ticks.cancel()


async def test_each_member_elsewhere_hears_of_their_conversations_only(server):
    hub.note_activity(
        {
            "sala-1": {"n": 7, "at": 1, "by": "bia", "text": "oi"},
            "projeto": {"n": 3, "at": 2, "by": "ana", "text": "plano"},
            "dm-1-2": {"n": 9, "at": 3, "by": "caio", "text": "segredo"},
        }
    )
    await tick_until(server, lambda: len(server.sent) >= 4)
    # The configured room is everyone's: one update for every signed-in tab.
    assert server.to(sockets.EVERYONE_CHANNEL) == [
        {"live:sala-1": {"n": 7, "at": 1, "by": "bia", "text": "oi"}}
    ]
    assert set(server.to(sockets.user_channel("ana"))[0]) == {
        "live:projeto",
        "live:dm-1-2",
    }
    assert server.to(sockets.user_channel("bia")) == [
        {"live:projeto": {"n": 3, "at": 2, "by": "ana", "text": "plano"}}
    ]
    assert server.to(sockets.user_channel("caio")) == [
        {"live:dm-1-2": {"n": 9, "at": 3, "by": "caio", "text": "segredo"}}
    ]
    # Dora has no tab here; nobody else heard of the direct conversation.
    assert len(server.sent) == 4


async def test_a_quiet_tick_sends_nothing(server):
    hub.note_activity({"sala-1": {"n": 1, "at": 1, "by": "bia", "text": "oi"}})
    await tick_until(server, lambda: len(server.sent) >= 1)
    server.sent.clear()
    ticks = asyncio.create_task(activity.pass_on_activity())
    await asyncio.sleep(0.05)  # several ticks' worth: nothing new to tell
    ticks.cancel()
    assert server.sent == []
