"""The paths made cheap for capacity (issue 13), attacked and checked on the wire.

Unread counts reach quiet rooms and roomless tabs without a broadcast per
message; typing and sending are verified without a database visit for identity,
their room checked in the same transaction as the write.
"""

import json

import httpx
from reflex_base.constants.state import FIELD_MARKER

from chat_app.realtime.views import live_key
from harness.protocol import ROOM, ChatClient
from tests.protocol.test_room_events import has_text, unique


def latest(tab: ChatClient, room: str) -> int:
    return tab.latest_in(room)


def typing_lists(tab: ChatClient) -> list[list[str]]:
    """Every list of typists the tab was ever sent."""
    key = f"typists{FIELD_MARKER}"
    frames = [json.loads(raw).get("delta", {}) for raw in tab.raw]
    return [delta[ROOM][key] for delta in frames if key in delta.get(ROOM, {})]


def newest_id(tab: ChatClient, text: str) -> int:
    return next(m["id"] for m in tab.messages() if m["text"] == text)


async def test_a_quiet_room_and_a_roomless_tab_hear_the_other_rooms_latest_only(
    connect, account
):
    writer = await connect(account("busy"))
    quiet = await connect(account("quiet"))
    await quiet.enter_room("sala-3")
    await quiet.wait_for(lambda: quiet.room_slug() == "sala-3")
    roomless = await connect(account("away"))
    await roomless.leave_room()
    await roomless.wait_for(lambda: roomless.room_slug() == "")
    texts = [unique("count-") for _ in range(3)]
    for text in texts:
        await writer.send(text)
    await writer.wait_for(lambda: has_text(writer, texts[-1]))
    number = newest_id(writer, texts[-1])
    for tab in (quiet, roomless):
        await tab.wait_for(lambda t=tab: latest(t, "sala-1") >= number, 10)
        # A latest message's preview (a configured room is everyone's), in its
        # one key: never the room's messages themselves.
        frames = [json.loads(raw) for raw in tab.raw]
        blocks = [
            value
            for frame in frames
            for key, value in frame.get("delta", {}).get(ROOM, {}).items()
            if key != "live:sala-1"
        ]
        assert not any(text in json.dumps(blocks) for text in texts)


async def test_typing_outside_any_room_is_refused_and_nobody_sees_it(connect, account):
    outsider, typist = account("outside"), account("typist")
    member = await connect(account("member"))
    tab = await connect(outsider)
    await tab.leave_room()
    await tab.wait_for(lambda: tab.room_slug() == "")
    await tab.set_draft("sneaky typing")
    await tab.wait_for(lambda: "not in this room" in tab.error())
    # A real typist afterwards: the room's next typing list is read from the
    # database, so it would name the outsider had their typing been recorded.
    writer = await connect(typist)
    await writer.set_draft("hello")
    await member.wait_for(lambda: typist.username in member.typists())
    assert all(outsider.username not in typists for typists in typing_lists(member))


async def test_a_tab_moved_by_the_server_sends_only_where_it_was_moved(
    connect, account
):
    person = account("moved")
    leader, hostile = await connect(person), await connect(person)
    left_behind = await connect(account("behind"))
    there = await connect(account("there"))
    await there.enter_room("sala-2")
    await there.wait_for(lambda: there.room_slug() == "sala-2")
    await leader.enter_room("sala-2")
    await left_behind.wait_for(lambda: person.username not in left_behind.members())
    # The hostile tab ignores the event telling it to follow and sends anyway.
    text = unique("from-the-moved-tab-")
    await hostile.send(text)
    await there.wait_for(lambda: has_text(there, text))
    probe = unique("sala-1-probe-")
    await left_behind.send(probe)
    await left_behind.wait_for(lambda: has_text(left_behind, probe))
    # Sala 2's latest line in the list of conversations may carry it; Sala 1
    # never shows it.
    assert not has_text(left_behind, text)
    assert left_behind.carriers(text) <= {live_key("sala-2")}


async def test_typing_and_sending_from_a_revoked_session_are_refused(connect, account):
    person = account("revoked")
    tab = await connect(person)
    other = await connect(account("sees"))
    response = httpx.post(
        tab.base_url + "/api/auth/logout",
        headers={"Authorization": f"Bearer {person.token}"},
        timeout=10,
    )
    assert response.status_code == 200
    await tab.set_draft("still here?")
    await tab.wait_for(lambda: tab.redirected_to().count("/login") == 1, 10)
    text = unique("after-logout-")
    await tab.send(text)
    await tab.wait_for(lambda: tab.redirected_to().count("/login") == 2, 10)
    probe = unique("probe-")
    await other.send(probe)
    await other.wait_for(lambda: has_text(other, probe))
    assert not other.carried(text)
    assert all(person.username not in typists for typists in typing_lists(other))
