"""The room's events, checked on what each socket carries (M1-M10, I3, I7)."""

import asyncio
import json
import time
import uuid

from chat_app.realtime.views import live_key
from harness.protocol import CHAT, DIALOG, FIRST_ROOM, ChatClient


def unique(prefix: str) -> str:
    return f"{prefix}{uuid.uuid4().hex[:8]}"


def has_text(client: ChatClient, text: str) -> bool:
    return any(message["text"] == text for message in client.messages())


async def test_newcomer_receives_the_members_and_the_others_see_them_arrive(
    connect, account
):
    joao, pedro = account("joao"), account("pedro")
    first = await connect(joao)
    second = await connect(pedro)
    assert joao.username in second.members()
    await first.wait_for(lambda: pedro.username in first.members())
    assert second.room_slug() == "sala-1"


async def test_a_message_reaches_every_member_with_its_author(connect, account):
    people = [account(name) for name in ("ana", "bia", "caio")]
    tabs = [await connect(person) for person in people]
    text = unique("hello ")
    await tabs[0].send(f"  {text}  ")
    for tab in tabs:
        await tab.wait_for(lambda t=tab: has_text(t, text))
        message = next(m for m in tab.messages() if m["text"] == text)
        assert message["author"] == people[0].username
        assert message["sent_at_ms"] > 0


async def test_typing_starts_and_stops_for_the_others(connect, account):
    typist = account("t")
    writer, other = await connect(typist), await connect(account("r"))
    await writer.set_draft("hel")
    await other.wait_for(lambda: typist.username in other.typists())
    await writer.typing_stopped()
    await other.wait_for(lambda: typist.username not in other.typists())
    await writer.set_draft("hello")
    await other.wait_for(lambda: typist.username in other.typists())
    await writer.send("hello")
    await other.wait_for(lambda: typist.username not in other.typists())


async def test_leaving_removes_the_member_for_the_others(connect, account):
    goes = account("g")
    staying = await connect(account("s"))
    going = await connect(goes)
    await staying.wait_for(lambda: goes.username in staying.members())
    await going.leave_room()
    await staying.wait_for(lambda: goes.username not in staying.members())
    await going.wait_for(lambda: going.room_slug() == "")
    since_leaving = len(going.raw)
    text = unique("after-leaving-")
    await staying.send(text)
    await staying.wait_for(lambda: has_text(staying, text))
    assert text not in "".join(going.raw[since_leaving:])
    await going.enter_room(FIRST_ROOM)
    await staying.wait_for(lambda: goes.username in staying.members())


async def test_a_client_outside_the_room_is_refused_and_nobody_receives_its_text(
    connect, account
):
    member = await connect(account("m"))
    secret = unique("never-delivered-")

    left = await connect(account("l"))
    await left.leave_room()
    await left.wait_for(lambda: left.room_slug() == "")
    await left.send(secret)
    await left.wait_for(lambda: left.error() != "")
    assert "not in this room" in left.error()
    await left.set_draft("x")
    await left.leave_room()

    probe = unique("after-")
    await member.send(probe)
    await member.wait_for(lambda: has_text(member, probe))
    assert not member.carried(secret)
    # A tab in no room gets none of the room's messages; Sala 1's latest line
    # in its list of conversations (``live:sala-1``, a configured room anyone
    # signed in may enter) is all that may carry the text.
    await left.wait_for(lambda: left.carried(probe), 10)  # the next tick
    assert not has_text(left, probe)
    assert left.carriers(probe) == {live_key("sala-1")}


async def test_a_client_without_a_session_is_sent_no_room_data(connect, account):
    member = await connect(account("m"))
    await member.send(unique("visible-only-to-members-"))
    forged = "eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0."
    for token in ("", forged):
        stranger = ChatClient(member.base_url, token)
        await stranger.connect()
        await stranger.wait_for(lambda s=stranger: "/login" in s.redirected_to())
        secret = unique("secret-")
        await stranger.send(secret)
        await stranger.set_draft("x")
        await stranger.emit(f"{CHAT}.enter_room", {"slug": "sala-1"})
        await stranger.emit(f"{DIALOG}.show_profile", {"username": "anyone"})
        probe = unique("probe-")
        await member.send(probe)
        await member.wait_for(lambda p=probe: has_text(member, p))
        await stranger.wait_for(lambda s=stranger: len(s.redirected_to()) >= 5)
        assert stranger.members() == []
        assert stranger.messages() == []
        assert not stranger.carried(probe)
        assert not member.carried(secret)
        await stranger.close()


async def test_rooms_are_isolated(connect, account):
    one, two = account("one"), account("two")
    first = await connect(one)
    second = await connect(two)
    await second.enter_room("sala-2")
    await second.wait_for(lambda: second.room_slug() == "sala-2")
    await first.wait_for(lambda: two.username not in first.members())
    await second.wait_for(lambda: second.members() == [two.username])
    since_switch = len(second.raw)

    text_one, text_two = unique("one-"), unique("two-")
    await first.set_draft("typing in one")
    await first.send(text_one)
    await second.send(text_two)
    await first.wait_for(lambda: has_text(first, text_one))
    await second.wait_for(lambda: has_text(second, text_two))
    await first.leave_room()
    await first.wait_for(lambda: first.room_slug() == "")
    # Each room's messages stay in it; the other's latest line in the list of
    # conversations (``live:<slug>``: configured rooms are anyone's to enter)
    # is all that may carry a word of them.
    assert not has_text(first, text_two)
    assert first.carriers(text_two) <= {live_key("sala-2")}
    assert not has_text(second, text_one)
    for word in (text_one, one.username):
        assert second.carriers(word, since=since_switch) <= {live_key("sala-1")}


async def test_bad_input_gets_a_clear_error_and_changes_nothing(connect, account):
    tab = await connect(account("n"))
    await tab.send("x" * 4001)
    await tab.wait_for(lambda: "at most 4000" in tab.error())
    assert tab.var(CHAT, "draft") == "x" * 4001
    await tab.enter_room("no-such-room")
    await tab.wait_for(lambda: "was not found" in tab.error())
    assert tab.room_slug() == "sala-1"
    await tab.emit(f"{CHAT}.enter_room", {"slug": ["sala-2"]})
    await tab.emit(f"{DIALOG}.show_profile", {"username": "not-here"})
    await tab.wait_for(lambda: "not in this room" in tab.error())
    assert tab.room_slug() == "sala-1"


async def test_the_viewer_opens_only_pictures_this_server_stored(connect, account):
    tab = await connect(account("viewer"))
    for url in (42, "/etc/passwd", "/static/../chat.db", "https://evil.example/x.png"):
        await tab.emit(f"{DIALOG}.open_viewer", {"url": url, "name": "x"})
        await tab.wait_for(lambda: "cannot be shown" in tab.error())
        await tab.emit(f"{CHAT}.dismiss_error", {})
        await tab.wait_for(lambda: tab.error() == "")
    assert not tab.var(DIALOG, "viewer_url")


async def test_blank_messages_are_not_sent(connect, account):
    tab, other = await connect(account("b")), await connect(account("o"))
    await tab.send(" \n\t ")
    probe = unique("probe-")
    await tab.send(probe)
    await other.wait_for(lambda: has_text(other, probe))
    # Deleted messages and messages of files alone have no text; none else.
    blank = [
        m
        for m in other.messages()
        if not (m["text"].strip() or m["deleted"] or m["images"] or m["files"])
    ]
    assert blank == []
    assert tab.error() == ""


async def test_one_user_with_two_tabs_is_listed_once(connect, account):
    person = account("tabs")
    watcher = await connect(account("w"))
    first, second = await connect(person), await connect(person)
    await watcher.wait_for(lambda: person.username in watcher.members())
    assert watcher.members().count(person.username) == 1
    await first.leave_room()
    await first.wait_for(lambda: first.room_slug() == "")
    text = unique("still-here-")
    await second.send(text)
    await watcher.wait_for(lambda: has_text(watcher, text))
    assert person.username in watcher.members()
    await second.leave_room()
    await watcher.wait_for(lambda: person.username not in watcher.members())


async def test_the_profile_of_a_member_shows_name_and_email(connect, account):
    shown = account("perfil")
    viewer = await connect(account("v"))
    await connect(shown)
    await viewer.wait_for(lambda: shown.username in viewer.members())
    await viewer.emit(f"{DIALOG}.show_profile", {"username": shown.username})
    await viewer.wait_for(lambda: viewer.var(DIALOG, "profile_open") is True)
    assert viewer.var(DIALOG, "profile_name") == shown.name
    assert viewer.var(DIALOG, "profile_email") == shown.email
    assert "password" not in "".join(viewer.raw).lower().replace("password_", "")


async def test_typing_never_stopped_expires_on_the_server(connect, account):
    typist = account("esquece")
    writer, other = await connect(typist), await connect(account("ve"))
    await writer.set_draft("abandoned draft")
    await other.wait_for(lambda: typist.username in other.typists())
    started = time.monotonic()
    await other.wait_for(lambda: typist.username not in other.typists(), timeout=15)
    assert time.monotonic() - started >= 4


async def test_more_than_ten_messages_in_ten_seconds_get_slow_down(connect, account):
    sender, reader = await connect(account("rapido")), await connect(account("le"))
    texts = [unique(f"burst{number}-") for number in range(11)]
    for text in texts:
        await sender.send(text)
    await sender.wait_for(lambda: "Slow down" in sender.error())
    await reader.wait_for(lambda: has_text(reader, texts[9]))
    assert not reader.carried(texts[10])
    assert sender.var(CHAT, "draft") == texts[10]


async def test_a_closed_tab_leaves_within_15_seconds(connect, account):
    closing = account("fecha")
    watcher = await connect(account("olha"))
    tab = await connect(closing)
    await watcher.wait_for(lambda: closing.username in watcher.members())
    await tab.sio.disconnect()
    started = time.monotonic()
    await watcher.wait_for(lambda: closing.username not in watcher.members(), 20)
    assert time.monotonic() - started < 15


async def test_a_quick_reconnect_causes_no_leave_and_join(connect, account):
    person = account("volta")
    watcher = await connect(account("olha"))
    tab = await connect(person)
    await watcher.wait_for(lambda: person.username in watcher.members())
    since = len(watcher.raw)
    await tab.sio.disconnect()
    again = ChatClient(tab.base_url, person.token)
    again.token = tab.token  # the same browser tab, back on a new socket
    await again.connect()
    await again.wait_for(lambda: again.room_slug() == "sala-1")
    await asyncio.sleep(10)  # longer than the presence check's grace period
    assert person.username in watcher.members()
    for raw in watcher.raw[since:]:
        update = json.loads(raw)
        for values in (update.get("delta") or {}).values():
            members = values.get("members_rx_state_")
            assert members is None or person.username in members
    await again.close()
