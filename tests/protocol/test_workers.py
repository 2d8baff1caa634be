"""Two backend workers sharing Redis: what one decides reaches the other's sockets.

Moving a user's other tabs, evicting the tabs of a session that ended, the
order of room deliveries, and a private room's news and removals, each with
the people involved on different workers.
"""

import asyncio
import json
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest

from chat_app.realtime.views import live_key
from harness.protocol import CHAT, ROOM, ChatClient
from harness.servers import (
    ChatServer,
    chat_environment,
    migrate,
    start_chat,
    start_redis,
)
from tests.protocol.test_conversations import (
    CONVERSATIONS,
    invite,
    leaks,
    live,
    manage,
    new_room,
)
from tests.protocol.test_room_events import has_text, unique
from tests.support.accounts import Account, create_account


@pytest.fixture(scope="module")
def workers() -> Iterator[list[ChatServer]]:
    redis, redis_url = start_redis("workers-redis")
    env = chat_environment(
        "workers", {"REFLEX_REDIS_URL": redis_url, "GRANIAN_WORKERS": "1"}
    )
    migrate(env)
    servers: list[ChatServer] = []
    try:
        # The browser suite's names: the same frontend build serves both.
        for name in ("browser-redis-a", "browser-redis-b"):
            servers.append(start_chat(name, env=env))
        yield servers
    finally:
        for server in servers:
            server.process.stop()
        redis.stop()


@pytest.fixture(autouse=True)
def no_worker_errors(workers):
    for server in workers:
        server.process.mark_log()
    yield
    bad = [line for server in workers for line in server.process.new_bad_lines()]
    assert not bad, "A worker logged errors:\n" + "\n".join(bad)


@pytest.fixture
async def tab(workers) -> AsyncIterator:
    """Open a logged-in tab on worker 0 or 1; all are closed after the test."""
    clients: list[ChatClient] = []

    async def open_tab(account: Account, worker: int) -> ChatClient:
        client = ChatClient(workers[worker].url, account.token)
        clients.append(client)
        await client.connect()
        await client.wait_for(lambda: account.username in client.members())
        return client

    yield open_tab
    for client in clients:
        if client.sio.connected:
            await client.close()


def account(workers: list[ChatServer], prefix: str) -> Account:
    return create_account(workers[0].url, prefix, language="en")


async def test_a_logout_on_one_worker_evicts_tabs_on_the_other(workers, tab):
    victim = account(workers, "victim")
    watcher = await tab(account(workers, "watcher"), 0)
    elsewhere = await tab(victim, 1)
    httpx.post(
        workers[0].url + "api/auth/logout",
        headers={"Authorization": f"Bearer {victim.token}"},
        timeout=10,
    ).raise_for_status()
    await watcher.wait_for(lambda: victim.username not in watcher.members(), 15)
    await elsewhere.wait_for(lambda: f"{CHAT}.open_chat" in elsewhere.asked, 15)
    probe = unique("after-logout-")
    witness = await tab(account(workers, "witness"), 1)
    await watcher.send(probe)
    await witness.wait_for(lambda: has_text(witness, probe))
    assert not elsewhere.carried(probe)


async def test_a_tab_on_another_worker_follows_its_user_on_the_server(workers, tab):
    person = account(workers, "mover")
    leader, lurker = await tab(person, 0), await tab(person, 1)
    stays = await tab(account(workers, "stays"), 1)
    await leader.enter_room("sala-3")
    await leader.wait_for(lambda: leader.room_slug() == "sala-3")
    there = await tab(account(workers, "there"), 0)
    await there.enter_room("sala-3")
    await there.wait_for(lambda: person.username in there.members())
    await stays.wait_for(lambda: person.username not in stays.members())
    old_room, new_room = unique("old-room-"), unique("new-room-")
    await stays.send(old_room)
    await there.send(new_room)
    await lurker.wait_for(lambda: has_text(lurker, new_room))
    await stays.wait_for(lambda: has_text(stays, old_room))
    # The old room's latest line in the list of conversations at most.
    assert not has_text(lurker, old_room)
    assert lurker.carriers(old_room) <= {live_key("sala-1")}


async def test_room_deliveries_never_go_backwards_across_workers(workers, tab):
    receivers = [await tab(account(workers, f"r{worker}"), worker) for worker in (0, 1)]
    senders = [
        await tab(account(workers, f"s{index}"), index % 2) for index in range(6)
    ]
    for client in [*receivers, *senders]:
        await client.enter_room("sala-2")
    for client in [*receivers, *senders]:
        await client.wait_for(lambda c=client: c.room_slug() == "sala-2")
    start = [len(receiver.raw) for receiver in receivers]

    async def send_eight(sender: ChatClient) -> None:
        for number in range(8):
            await sender.send(f"ordered-{number}-{unique('')}")

    await asyncio.gather(*(send_eight(sender) for sender in senders))
    for receiver in receivers:
        await receiver.wait_for(lambda r=receiver: len(r.messages()) >= 48, 30)
        assert [m["id"] for m in receiver.messages()] == list(range(1, 49))
    for receiver, first in zip(receivers, start, strict=True):
        newest_in_slot: dict[str, int] = {}
        newest_head = 0
        for raw in receiver.raw[first:]:
            values = (json.loads(raw).get("delta") or {}).get(ROOM, {})
            for name, value in values.items():
                if name.startswith("block_") and value:
                    newest = max(message["id"] for message in value)
                    assert newest >= newest_in_slot.get(name, 0), "a block went back"
                    newest_in_slot[name] = newest
            # 48 messages fill 6 blocks: the ring never wraps, so the head only
            # moves forward.
            if "head_rx_state_" in values:
                head = values["head_rx_state_"]
                assert head >= newest_head, "the head went back"
                newest_head = head


async def test_a_change_reaches_tabs_on_the_other_worker_ring_and_older_pages(
    workers, tab
):
    """An edit on worker 0 reaches worker 1's tab, in its window and its older page."""
    author = await tab(account(workers, "author"), 0)
    reader = await tab(account(workers, "reader"), 1)
    for client in (author, reader):
        await client.enter_room("sala-3")
        await client.wait_for(lambda c=client: c.room_slug() == "sala-3")
    first = unique("edited-later")
    await author.send(first)
    await reader.wait_for(lambda: has_text(reader, first))
    number = next(m["id"] for m in reader.history() if m["text"] == first)
    await author.edit(number, first + " (fixed)")
    await reader.wait_for(
        lambda: any(m["text"] == first + " (fixed)" for m in reader.history())
    )
    fillers = [
        await tab(account(workers, f"f{index}"), index % 2) for index in range(13)
    ]
    for filler in fillers:
        await filler.enter_room("sala-3")
        await filler.wait_for(lambda f=filler: f.room_slug() == "sala-3")

    async def send_ten(sender: ChatClient) -> None:
        for index in range(10):
            await sender.send(unique(f"filler-{index}"))

    await asyncio.gather(*(send_ten(filler) for filler in fillers))
    await reader.wait_for(
        lambda: max(m["id"] for m in reader.messages()) >= number + 130, 30
    )
    for _ in range(10):
        if any(m["id"] == number for m in reader.history()):
            break
        shown = len(reader.history())
        await reader.load_older()
        await reader.wait_for(lambda s=shown: len(reader.history()) > s, 10)
    await author.react(number, "🎉")
    await reader.wait_for(
        lambda: any(
            m["id"] == number and [c["emoji"] for c in m["reactions"]] == ["🎉"]
            for m in reader.history()
        )
    )


async def test_a_private_rooms_news_and_removal_reach_the_other_worker_only_so(
    workers, tab
):
    ana, bia, carol = (account(workers, name) for name in ("ana", "bia", "carol"))
    owner = await tab(ana, 0)
    member, witness = await tab(bia, 1), await tab(carol, 1)
    outsider = await tab(account(workers, "eve"), 1)  # in Sala 1, like the member
    slug, _ = await new_room(owner)
    await invite(owner, bia.username)
    await invite(owner, carol.username)
    secret = unique("secret-")
    await owner.send(secret)
    await member.wait_for(lambda: member.carried(live(slug)), 15)
    await witness.enter_room(slug)
    await member.enter_room(slug)
    await member.wait_for(lambda: member.room_slug() == slug, 15)
    await witness.wait_for(lambda: witness.room_slug() == slug, 15)
    # Removed by the owner on worker 0; the tab on worker 1 never rechecks.
    await manage(owner, "remove_member", username=bia.username)
    await member.wait_for(lambda: f"{CONVERSATIONS}.recheck" in member.asked, 15)
    start = len(member.raw)
    after = unique("after-removal-")
    await owner.send(after)
    await witness.wait_for(lambda: has_text(witness, after), 15)
    probe = unique("probe-")
    await outsider.send(probe)
    await outsider.wait_for(lambda: has_text(outsider, probe), 15)
    assert leaks(member, after, live(slug), since=start) == []
    assert leaks(outsider, secret, after, live(slug)) == []
