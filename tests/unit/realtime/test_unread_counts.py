"""Unread numbers: busy rooms get them with each message, quiet ones once a tick."""

import asyncio

import pytest

from chat_app.realtime import hub, sockets, views
from chat_app.realtime.views import var_key, view_delta
from chat_app.settings import Settings

LATEST = var_key("latest")
SALA_1, SALA_2, SALA_3 = (sockets.room_channel(f"sala-{n}") for n in (1, 2, 3))


class FakeServer:
    """This process's sockets, recording what each channel is sent."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, dict]] = []
        self.changed = asyncio.Event()

    async def emit(self, event, data, room, skip_sid, namespace):
        self.sent.append((room, data))
        self.changed.set()

    def latest_sent_to(self, channel: str) -> list[dict[str, int]]:
        return [
            values[LATEST]
            for room, data in self.sent
            if room == channel
            for values in data["delta"].values()
            if LATEST in values
        ]


@pytest.fixture
def server(monkeypatch):
    monkeypatch.setattr(hub, "_delivered", {})
    monkeypatch.setattr(hub, "_highest", {})
    monkeypatch.setattr(hub, "_growth", 0)
    monkeypatch.setattr(hub, "_counted", {})
    monkeypatch.setattr(hub, "_recent", set())
    fake = FakeServer()
    monkeypatch.setattr(hub, "socket_server", lambda: fake)
    fast = Settings(unread_interval_seconds=0.01)  # pyright: ignore[reportCallIssue]
    monkeypatch.setattr(views, "get_settings", lambda: fast)
    return fake


async def message_in(channel: str, **latest: int) -> None:
    await hub._emit_locally(
        channel,
        {
            "delta": view_delta(
                latest={k.replace("_", "-"): v for k, v in latest.items()}
            )
        },
        None,
        counters=[LATEST],
    )


async def test_a_room_told_before_another_room_grew_is_told_again(server):
    ticks = asyncio.create_task(views.pass_on_unread_counts())
    await asyncio.sleep(0)  # the task starts, as at the process's start
    # Two messages before its next tick (neither emit lets the loop run).
    await message_in(SALA_1, sala_1=10, sala_2=5, sala_3=0)
    await message_in(SALA_2, sala_1=10, sala_2=6, sala_3=0)
    numbers = {"sala-1": 10, "sala-2": 6, "sala-3": 0}

    def everyone_told() -> bool:
        return all(
            server.latest_sent_to(channel)[-1:] == [numbers]
            for channel in (SALA_1, SALA_3, sockets.WATCH_CHANNEL)
        )

    try:
        while not everyone_told():
            server.changed.clear()
            await asyncio.wait_for(server.changed.wait(), 5)
        watch = server.latest_sent_to(sockets.WATCH_CHANNEL)
    finally:
        ticks.cancel()
    # Sala 1's last message carried sala-2 at 5: the tick brings 6.
    assert server.latest_sent_to(SALA_1)[-1] == numbers
    assert server.latest_sent_to(SALA_3)[-1] == numbers
    assert watch[-1] == numbers
    # Sala 2's own message already carried every number as of now.
    assert server.latest_sent_to(SALA_2) == [numbers]


async def test_numbers_read_from_the_database_never_go_back(server):
    hub.note_counters(LATEST, {"sala-1": 12})  # shown to a tab from the database
    await message_in(SALA_2, sala_1=11, sala_2=3)  # published earlier elsewhere
    assert server.latest_sent_to(SALA_2) == [{"sala-1": 12, "sala-2": 3}]
