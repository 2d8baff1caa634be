"""Attacks a hostile client or a long-open tab made on rooms (issue 12).

Each test speaks the socket protocol the way the attack did; the harness's client
never runs the events the server sends it, as a hostile client would not.
"""

import asyncio
import json
import re
import sqlite3
import uuid

import httpx

from chat_app.realtime.views import live_key
from harness.protocol import CHAT, ROOM, ChatClient
from harness.servers import ARTIFACTS
from tests.protocol.test_room_events import has_text, unique

OPEN_CHAT = f"{CHAT}.open_chat"
OLDER_PAGE = re.compile(r"older_\d+_rx_state_")


async def test_a_logout_elsewhere_evicts_every_tab_of_that_session(connect, account):
    victim, other = account("victim"), account("other")
    watcher = await connect(other)
    first = await connect(victim)
    # A second tab of the same browser, and a thief's socket with the same token.
    second = await connect(victim)
    response = httpx.post(
        first.base_url + "/api/auth/logout",
        headers={"Authorization": f"Bearer {victim.token}"},
        timeout=10,
    )
    assert response.status_code == 200
    # Within seconds, without the tabs doing anything: gone from the room, told.
    await watcher.wait_for(lambda: victim.username not in watcher.members(), 15)
    for tab in (first, second):
        await tab.wait_for(lambda t=tab: OPEN_CHAT in t.asked, 15)
    probe = unique("after-logout-")
    witness = await connect(account("witness"))
    await watcher.send(probe)
    await witness.wait_for(lambda: has_text(witness, probe))
    await watcher.wait_for(lambda: has_text(watcher, probe))
    assert not first.carried(probe)
    assert not second.carried(probe)
    # What the tab does next is refused: it is sent to log in.
    await second.send(unique("too-late-"))
    await second.wait_for(lambda: "/login" in second.redirected_to())


async def test_a_tab_that_ignores_following_its_user_is_moved_anyway(connect, account):
    person = account("mover")
    leader, lurker = await connect(person), await connect(person)
    stays = await connect(account("stays"))
    await leader.enter_room("sala-2")
    await leader.wait_for(lambda: leader.room_slug() == "sala-2")
    there = await connect(account("there"))
    await there.enter_room("sala-2")
    await there.wait_for(lambda: person.username in there.members())
    await stays.wait_for(lambda: person.username not in stays.members())
    old_room, new_room = unique("old-room-"), unique("new-room-")
    await stays.send(old_room)
    await there.send(new_room)
    # The lurker ran nothing it was asked to, yet the server moved its socket.
    await lurker.wait_for(lambda: has_text(lurker, new_room))
    await stays.wait_for(lambda: has_text(stays, old_room))
    # The old room's latest line in the list of conversations at most.
    assert not has_text(lurker, old_room)
    assert lurker.carriers(old_room) <= {live_key("sala-1")}
    assert OPEN_CHAT in lurker.asked


async def test_a_socket_ends_up_where_the_database_puts_its_tab(connect, account):
    lurker = await connect(account("lost"))
    stays = await connect(account("stays"))
    there = await connect(account("there"))
    await there.enter_room("sala-3")
    await there.wait_for(lambda: there.room_slug() == "sala-3")
    # The move reached the database, but the message to the worker holding this
    # socket was lost (Redis restarted, or it raced the tab's own next move).
    sid = lurker.sio.get_sid("/_event")
    with sqlite3.connect(ARTIFACTS / "data-protocol" / "chat.db") as database:
        database.execute("UPDATE presence SET room = 'sala-3' WHERE sid = ?", (sid,))
    await lurker.wait_for(lambda: OPEN_CHAT in lurker.asked, 15)
    old_room, new_room = unique("old-room-"), unique("new-room-")
    await stays.send(old_room)
    await there.send(new_room)
    await lurker.wait_for(lambda: has_text(lurker, new_room))
    await stays.wait_for(lambda: has_text(stays, old_room))
    # The old room's latest line in the list of conversations at most.
    assert not has_text(lurker, old_room)
    assert lurker.carriers(old_room) <= {live_key("sala-1")}


async def test_typing_toggled_300_times_reaches_the_room_a_few_times(connect, account):
    person = account("toggler")
    typist, observer = await connect(person), await connect(account("obs"))
    before = len(observer.raw)
    for index in range(300):
        await typist.set_draft("x" if index % 2 == 0 else "")
    # Events of a tab run in order: once this one is done, all the toggles are.
    await typist.set_draft("done")
    await typist.wait_for(lambda: typist.var(CHAT, "draft") == "done", 60)
    await observer.wait_for(lambda: person.username in observer.typists(), 15)
    await typist.set_draft("")
    await typist.typing_stopped()  # the composer's idle stop, as a browser sends
    await observer.wait_for(lambda: observer.typists() == [], 15)
    typing_frames = [raw for raw in observer.raw[before:] if "typists_rx_state_" in raw]
    assert len(typing_frames) <= 20, len(typing_frames)


async def test_every_message_stays_reachable_in_a_tab_open_for_hours(connect, account):
    reader = await connect(account("reader"))
    await reader.enter_room("sala-3")
    await reader.wait_for(lambda: reader.room_slug() == "sala-3")
    before = max((m["id"] for m in reader.messages()), default=0)
    senders = [await connect(account(f"s{index}")) for index in range(16)]
    for sender in senders:
        await sender.enter_room("sala-3")
    await asyncio.gather(
        *(
            sender.wait_for(lambda s=sender: s.room_slug() == "sala-3")
            for sender in senders
        )
    )

    async def send_ten(sender: ChatClient) -> None:
        for number in range(10):
            await sender.send(f"long-open-{uuid.uuid4().hex[:6]}-{number}")

    await asyncio.gather(*(send_ten(sender) for sender in senders))
    newest = before + 160
    await reader.wait_for(lambda: any(m["id"] == newest for m in reader.messages()), 30)
    assert min(m["id"] for m in reader.messages()) > before + 1  # some scrolled away
    sent_pages: list[set[int]] = []
    while not set(range(before + 1, newest + 1)) <= {m["id"] for m in reader.history()}:
        frames = len(reader.raw)
        await reader.load_older()
        await reader.wait_for(
            lambda f=frames: older_page_in(reader.raw[f:]) is not None
        )
        page = older_page_in(reader.raw[frames:])
        assert page is not None
        sent_pages.append(page)
        assert len(sent_pages) < 20, "the missing messages never came"
    ids = [m["id"] for m in reader.history() if m["id"] > before]
    assert ids == list(range(before + 1, newest + 1))  # in order, none twice
    # Each load sent only its own page, never what was loaded before.
    for earlier, later in zip(sent_pages, sent_pages[1:], strict=False):
        assert not earlier & later


def older_page_in(frames: list[str]) -> set[int] | None:
    """The message numbers of the older page a load sent, if one arrived."""
    for raw in frames:
        for state, values in (json.loads(raw).get("delta") or {}).items():
            if state != ROOM:
                continue
            pages = [v for k, v in values.items() if OLDER_PAGE.fullmatch(k) and v]
            assert len(pages) <= 1, "a load sent more than its own page"
            if pages:
                return {message["id"] for message in pages[0]}
    return None


async def test_loading_older_pages_is_rate_limited(connect, account):
    reader = await connect(account("scroller"))
    for _ in range(12):
        await reader.load_older()
    await reader.wait_for(lambda: "Slow down" in reader.error())
