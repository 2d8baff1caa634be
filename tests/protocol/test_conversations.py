"""Conversations over the real socket, against a hostile client.

A hostile client calls any handler with any arguments and runs none of the
events the server sends. Someone else's direct conversation, a private room one
is not in and an archived room one was never in are "not found" every way in;
the owner's actions are "not allowed" to anyone else; and each test checks
that nothing of the conversation reached the hostile socket (its messages, its
``live:`` key, its members' names) and that nothing changed in the database.
"""

import sqlite3
import uuid
from contextlib import closing
from typing import Any

import pytest

from chat_app.domain.rooms import slugify
from chat_app.realtime.notices import NoticeState
from chat_app.settings import get_settings
from chat_app.states.conversations import ConversationsState
from harness.protocol import CHAT, HISTORY, ChatClient
from harness.servers import ARTIFACTS
from tests.support.accounts import Account

CONVERSATIONS = ConversationsState.get_full_name()
NOTICE = NoticeState.get_full_name()
DATABASE = ARTIFACTS / "data-protocol" / "chat.db"
NOT_FOUND = "That conversation was not found."
NO_ADDRESS = "There is no room at that address."
OWNER_ONLY = "Only the room's owner can do that."
NOT_HERE = "That message is not in this room."
IN_NO_ROOM = "You are not in this room any more: enter a room to chat."
STAYS = "Everyone stays in this conversation."
NOT_UNDERSTOOD = "That request was not understood."
NO_ONE = "No one has that username."
TAKEN = "There is already a room with that name."


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def rows(query: str, *arguments: object) -> list[tuple[Any, ...]]:
    with closing(sqlite3.connect(DATABASE)) as database:
        return database.execute(query, arguments).fetchall()


def stored(slug: str) -> tuple:
    """All the database holds of a conversation, to compare before and after."""
    return (
        rows("SELECT * FROM conversations WHERE slug = ?", slug),
        rows("SELECT username FROM memberships WHERE room = ? ORDER BY 1", slug),
        rows("SELECT seq, author, text FROM messages WHERE room = ? ORDER BY 1", slug),
        rows("SELECT seq, username, emoji FROM reactions WHERE room = ?", slug),
        rows("SELECT username FROM mentions WHERE room = ? ORDER BY 1", slug),
        rows("SELECT username FROM read_marks WHERE room = ? ORDER BY 1", slug),
        rows("SELECT username FROM presence WHERE room = ? ORDER BY 1", slug),
    )


def apart_from_messages(state: tuple) -> tuple:
    """A conversation's ``stored`` state but its messages (someone may write)."""
    return state[:2] + state[3:]


def archived_at(slug: str) -> object:
    return rows("SELECT archived_at_ms FROM conversations WHERE slug = ?", slug)[0][0]


def owned_by(username: str) -> list[tuple[Any, ...]]:
    return rows("SELECT slug, private FROM conversations WHERE owner = ?", username)


def leaks(tab: ChatClient, *secrets: str, since: int = 0) -> list[str]:
    """Which secrets appear anywhere in what the server sent a tab (from a frame)."""
    sent = "".join(tab.raw[since:])
    return [secret for secret in secrets if secret in sent]


def live(slug: str) -> str:
    return f'"live:{slug}"'


async def refused(tab: ChatClient, expected: str) -> None:
    """Wait for a refusal in the tab's error banner, then clear it."""
    await tab.wait_for(lambda: expected in tab.error())
    await tab.emit(f"{CHAT}.dismiss_error", {})
    await tab.wait_for(lambda: tab.error() == "")


async def settled(tab: ChatClient) -> None:
    """Wait until the server handled everything the tab sent before."""
    for shown in (True, False):
        await tab.emit(f"{CHAT}.toggle_sidebar", {})
        await tab.wait_for(lambda s=shown: tab.var(CHAT, "sidebar_open") is s)


async def manage(tab: ChatClient, handler: str, **arguments: object) -> None:
    await tab.emit(f"{CONVERSATIONS}.{handler}", arguments)


async def new_room(tab: ChatClient, private: bool = True) -> tuple[str, str]:
    """Create a room as a well-behaved tab does; the tab goes into it."""
    name = unique("Segredo" if private else "Praça")
    form = {"name": name, "topic": "só nós", **({"private": "on"} if private else {})}
    await manage(tab, "create_room", form_data=form)
    slug = slugify(name)
    await tab.wait_for(lambda: tab.room_slug() == slug)
    return slug, name


async def direct(tab: ChatClient, other: Account) -> str:
    """Open the direct conversation with someone; the tab goes into it."""
    await manage(tab, "open_direct", username=other.username)
    await tab.wait_for(lambda: tab.room_slug().startswith("dm-"))
    return tab.room_slug()


async def invite(owner: ChatClient, username: str) -> None:
    await manage(owner, "invite", form_data={"username": username})
    await owner.wait_for(
        lambda: username in (owner.var(CONVERSATIONS, "members") or [])
    )


async def said(tab: ChatClient, *readers: ChatClient, text: str = "") -> int:
    """Send a message (unique text by default); its number once all have it."""
    text = text or unique("secret")
    await tab.send(text)
    for reader in (tab, *readers):
        await reader.wait_for(
            lambda r=reader: any(text in m["text"] for m in r.messages())
        )
    return next(m["id"] for m in tab.messages() if text in m["text"])


async def knocks_everywhere(hostile: ChatClient, slug: str) -> None:
    """Try every way into a conversation: each refused, the tab where it was."""
    home = hostile.room_slug()
    for asked in (slug, slug.upper(), f" {slug}", [slug], {"slug": slug}):
        await hostile.enter_room(asked)  # type: ignore[arg-type]
        await refused(hostile, NOT_FOUND)
    for path in (f"/rooms/{slug}", f"/rooms/{slug}/1", f"/rooms/{slug}/999"):
        await hostile.navigate(path)
        await hostile.wait_for(lambda: hostile.path == f"/rooms/{home}")
        await refused(hostile, NO_ADDRESS)
    assert hostile.room_slug() == home


async def test_someone_elses_direct_conversation_is_not_found_and_tells_nothing(
    connect, account
):
    ana, bia, eve = account("ana"), account("bia"), account("eve")
    writer, peer = await connect(ana), await connect(bia)
    slug = await direct(writer, bia)
    await said(writer)  # before the hostile tab opened
    hostile = await connect(eve)
    before = stored(slug)
    await knocks_everywhere(hostile, slug)
    # The peer stays in Sala 1: the conversation's news reaches her own
    # channel, while the hostile tab in the same room hears nothing of it.
    secret = unique("secret")
    await writer.send(secret)
    await writer.set_draft("still typing")
    await peer.wait_for(lambda: peer.carried(live(slug)) and peer.carried(secret))
    await settled(hostile)
    assert leaks(hostile, secret, live(slug), ana.username) == []
    assert apart_from_messages(stored(slug)) == apart_from_messages(before)
    assert all(eve.username not in str(row) for row in stored(slug))


@pytest.mark.parametrize("kind", ["private", "archived"])
async def test_a_room_one_may_not_see_is_not_found_and_tells_nothing(
    connect, account, kind
):
    ana, eve = account("ana"), account("eve")
    carol = account("carol")  # a member who never opens the chat
    owner = await connect(ana)
    slug, name = await new_room(owner, private=kind == "private")
    await invite(owner, carol.username)
    secret = unique("secret")
    await said(owner, text=secret)
    if kind == "archived":
        await manage(owner, "archive_room")
        await owner.wait_for(lambda: archived_at(slug) is not None)
    hostile = await connect(eve)
    before = stored(slug)
    await knocks_everywhere(hostile, slug)
    # Neither among the public rooms one may join, nor a member list to read.
    await manage(hostile, "set_new_room_open", is_open=True)
    await hostile.wait_for(lambda: hostile.var(CONVERSATIONS, "new_room_open"))
    await manage(hostile, "set_settings_open", is_open=True)
    await hostile.wait_for(lambda: hostile.var(CONVERSATIONS, "settings_open"))
    await owner.send(unique("more"))  # refused in an archived room
    await settled(owner)
    await settled(hostile)
    assert leaks(hostile, secret, name, live(slug), carol.username) == []
    assert leaks(hostile, ana.username) == []
    assert apart_from_messages(stored(slug)) == apart_from_messages(before)
    if kind == "archived":  # read-only, even for its owner
        assert stored(slug) == before


async def test_history_jumps_reactions_quotes_and_receipts_stay_in_ones_own_room(
    connect, account
):
    ana, eve = account("ana"), account("eve")
    owner = await connect(ana)
    slug, _ = await new_room(owner)
    secrets = [unique("secret") for _ in range(3)]
    numbers = [await said(owner, text=secret) for secret in secrets]
    await owner.read_to(numbers[-1])
    hostile = await connect(eve)
    own, _ = await new_room(hostile)  # empty: none of those numbers is in it
    before = stored(slug)

    async def every_way_at(number: int, expected: str) -> None:
        await hostile.show_message(number)
        await refused(hostile, expected)
        await hostile.react(number, "👍")
        await refused(hostile, expected)
        await hostile.act("start_reply", number=number)
        await refused(hostile, expected)
        await hostile.show_seen_by(number)
        await refused(hostile, expected)

    for number in numbers:
        await every_way_at(number, NOT_HERE)
        await hostile.load_older()
        await hostile.navigate(f"/rooms/{own}/{number}")
        await refused(hostile, NOT_HERE)
    await hostile.read_to(numbers[-1], True)  # of its own room, clamped there
    mine = await said(hostile)  # no quote was kept for it
    assert [m["reply_to"] for m in hostile.messages() if m["id"] == mine] == [0]
    await hostile.leave_room()
    await hostile.wait_for(lambda: hostile.room_slug() == "")
    for number in numbers:
        await every_way_at(number, IN_NO_ROOM)
        await hostile.load_older()
        await refused(hostile, IN_NO_ROOM)
    await hostile.read_to(numbers[-1])
    await refused(hostile, IN_NO_ROOM)
    await hostile.emit(f"{HISTORY}.show_message", {"number": numbers[0], "room": slug})
    await refused(hostile, NOT_UNDERSTOOD)
    await settled(hostile)
    assert leaks(hostile, *secrets, live(slug), ana.username) == []
    assert stored(slug) == before
    assert rows("SELECT room FROM reactions WHERE username = ?", eve.username) == []


async def test_nobody_but_the_owner_manages_a_room_wherever_they_ask_from(
    connect, account
):
    ana, eve, carol = account("ana"), account("eve"), account("carol")
    owner = await connect(ana)
    hidden, _ = await new_room(owner)
    public, _ = await new_room(owner, private=False)
    await invite(owner, carol.username)
    hostile = await connect(eve)
    watched = [hidden, public, "sala-1"]
    before = [stored(slug) for slug in watched]

    async def every_owners_action(expected: str, leave: str | None) -> None:
        for handler, arguments in [
            ("invite", {"form_data": {"username": eve.username}}),
            ("invite", {"form_data": {"username": eve.username, "room": hidden}}),
            ("invite", {"form_data": {"username": eve.username, "slug": hidden}}),
            ("remove_member", {"username": carol.username}),
            ("remove_member", {"username": ana.username}),
            ("change_room", {"form_data": {"name": "Tomada", "topic": "minha"}}),
            ("archive_room", {}),
        ]:
            await manage(hostile, handler, **arguments)
            await refused(hostile, expected)
        if leave is not None:  # a plain member may leave a public room
            await manage(hostile, "leave_membership")
            await refused(hostile, leave)

    # In a configured room.
    await every_owners_action(OWNER_ONLY, STAYS)
    # The room is the tab's, never an argument.
    for extra in ({"slug": hidden}, {"room": hidden}):
        await manage(hostile, "invite", form_data={"username": eve.username}, **extra)
        await refused(hostile, NOT_UNDERSTOOD)
        await manage(hostile, "archive_room", **extra)
        await refused(hostile, NOT_UNDERSTOOD)
    # As a plain member of a public room, in it.
    await hostile.enter_room(public)
    await hostile.wait_for(lambda: hostile.room_slug() == public)
    joined = stored(public)
    await every_owners_action(OWNER_ONLY, None)
    # In a direct conversation with the owner: nobody's to manage or leave.
    dm = await direct(hostile, ana)
    await every_owners_action(OWNER_ONLY, STAYS)
    # In no room at all.
    await hostile.leave_room()
    await hostile.wait_for(lambda: hostile.room_slug() == "")
    await every_owners_action(IN_NO_ROOM, IN_NO_ROOM)
    await settled(hostile)
    assert stored(hidden) == before[0]
    assert stored(public)[:2] == joined[:2]
    assert stored("sala-1")[:2] == before[2][:2]
    assert [r[0] for r in stored(dm)[1]] == sorted([ana.username, eve.username])
    assert leaks(hostile, carol.username) == []


@pytest.mark.parametrize(
    ("form_data", "expected"),
    [
        (None, "Give the room a name."),
        ([{"name": "Lista"}], "Give the room a name."),
        ("name=Texto", "Give the room a name."),
        ({"name": ["Lista"]}, "Give the room a name."),
        ({"name": "   "}, "Give the room a name."),
        ({"name": "x" * 100_000}, "A room's name has at most 50 characters."),
        ({"name": "!!! ??? ..."}, "A room's name needs letters or digits."),
        ({"name": "\u200b\u200b"}, "A room's name needs letters or digits."),
        ({"name": "DM 1 2"}, TAKEN),
        ({"name": "dm-9-10"}, TAKEN),
        ({"name": "Sala 1"}, TAKEN),
        ({"name": "SALA-1 "}, TAKEN),
        ({"name": "Tópico", "topic": "t" * 10_000}, "at most 300 characters"),
        ({"name": "Tópico", "topic": {"a": 1}}, "A room's topic must be text."),
    ],
    ids=lambda value: repr(value)[:20],
)
async def test_a_bad_new_room_is_refused_and_nothing_is_created(
    connect, account, form_data, expected
):
    eve = account("eve")
    hostile = await connect(eve)
    await manage(hostile, "create_room", form_data=form_data)
    await refused(hostile, expected)
    assert owned_by(eve.username) == []
    assert hostile.room_slug() == "sala-1"


async def test_only_a_checked_box_makes_a_room_private(connect, account):
    eve = account("eve")
    hostile = await connect(eve)
    made = {}
    for value in ("yes", ["on"], {"on": True}, "false", "on", True):
        name = unique("Caixa")
        form = {"name": name, "private": value}
        await manage(hostile, "create_room", form_data=form)
        await hostile.wait_for(lambda n=name: hostile.room_slug() == slugify(n))
        made[slugify(name)] = value
    private = {slug: bool(flag) for slug, flag in owned_by(eve.username)}
    assert private == {slug: value in ("on", True) for slug, value in made.items()}


async def test_a_bad_direct_conversation_is_refused_and_nothing_is_created(
    connect, account
):
    eve = account("eve")
    hostile = await connect(eve)
    before = rows("SELECT COUNT(*) FROM conversations")
    for other, expected in [
        (eve.username, "You cannot start a conversation with yourself."),
        (eve.username.upper(), "You cannot start a conversation with yourself."),
        (unique("ninguem"), NO_ONE),
        ("", NO_ONE),
        (None, NO_ONE),
        (7, NO_ONE),
        ([eve.username], NO_ONE),
        ({"username": "ana"}, NO_ONE),
        ("x" * 100_000, NO_ONE),
    ]:
        await manage(hostile, "open_direct", username=other)
        await refused(hostile, expected)
    await manage(hostile, "open_direct", username="ana", user_id=1)
    await refused(hostile, NOT_UNDERSTOOD)
    await manage(hostile, "open_direct")
    await refused(hostile, NOT_UNDERSTOOD)
    assert rows("SELECT COUNT(*) FROM conversations") == before
    assert rows("SELECT room FROM memberships WHERE username = ?", eve.username) == []
    assert hostile.room_slug() == "sala-1"


async def test_a_burst_of_new_rooms_is_slowed_down_on_a_working_socket(
    connect, account
):
    eve = account("eve")
    hostile = await connect(eve)
    prefix = unique("Rajada")
    for index in range(200):
        form = {"name": f"{prefix} {index}", "private": "on"}
        await manage(hostile, "create_room", form_data=form)
    await hostile.wait_for(lambda: hostile.carried("Slow down"), timeout=60)
    await settled(hostile)
    made = owned_by(eve.username)
    # At most the shared limit per window (a slow machine may see two windows).
    assert 1 <= len(made) <= 2 * get_settings().message_rate_limit
    assert hostile.sio.connected


async def test_a_mention_of_someone_outside_a_private_conversation_tells_them_nothing(
    connect, account
):
    ana, bia, carol = account("ana"), account("bia"), account("carol")
    outsider = await connect(carol)
    writer, peer = await connect(ana), await connect(bia)
    dm = await direct(writer, bia)
    secrets = [unique("secret")]
    await said(writer, text=f"@{carol.username} @{bia.username} {secrets[0]}")
    await peer.wait_for(lambda: secrets[0] in str(peer.var(NOTICE, "mention")))
    hidden, _ = await new_room(writer)
    await invite(writer, bia.username)
    secrets.append(unique("secret"))
    await said(writer, text=f"@{carol.username} @{bia.username} {secrets[1]}")
    await peer.wait_for(lambda: secrets[1] in str(peer.var(NOTICE, "mention")))
    await peer.wait_for(lambda: peer.carried(live(hidden)))
    await settled(outsider)
    assert not outsider.var(NOTICE, "mention")
    assert leaks(outsider, *secrets, live(dm), live(hidden), dm, hidden) == []
    for slug in (dm, hidden):
        assert stored(slug)[4] == [(bia.username,)]


async def test_a_removed_member_hears_nothing_more_even_ignoring_the_recheck(
    connect, account
):
    ana, bia = account("ana"), account("bia")
    owner, member = await connect(ana), await connect(bia)
    slug, _ = await new_room(owner)
    await invite(owner, bia.username)
    await member.enter_room(slug)
    await member.wait_for(lambda: member.room_slug() == slug)
    await said(owner, member)
    await manage(owner, "remove_member", username=bia.username)
    await owner.wait_for(
        lambda: bia.username not in (owner.var(CONVERSATIONS, "members") or [])
    )
    recheck = f"{CONVERSATIONS}.recheck"
    await member.wait_for(lambda: recheck in member.asked)  # and never runs it
    start, before = len(member.raw), stored(slug)
    secret = unique("secret")
    await said(owner, text=secret)
    await owner.set_draft("typing after the removal")
    # What the removed tab still tries is refused, and reaches no one.
    await member.send("still here?")
    await refused(member, IN_NO_ROOM)
    await member.load_older()
    await refused(member, IN_NO_ROOM)
    await member.set_draft("me too")
    await member.enter_room(slug)
    await refused(member, NOT_FOUND)
    await said(owner)
    await settled(member)
    assert leaks(member, secret, live(slug), since=start) == []
    assert bia.username not in owner.typists()
    after = stored(slug)
    assert [row for row in after[2] if row[1] == bia.username] == [
        row for row in before[2] if row[1] == bia.username
    ]
    assert (bia.username,) not in after[1] and (bia.username,) not in after[6]
    # Running the recheck at last takes the tab to the first room, saying why.
    await member.emit(recheck, {})
    await member.wait_for(lambda: member.room_slug() == "sala-1")
    await member.wait_for(lambda: "no longer a member" in member.error())


async def test_leaving_a_private_room_takes_ones_tabs_out_of_it(connect, account):
    """Leaving is no way to keep reading a private room (a redirect ignored)."""
    ana, bia = account("ana"), account("bia")
    owner, member = await connect(ana), await connect(bia)
    slug, _ = await new_room(owner)
    await invite(owner, bia.username)
    await member.enter_room(slug)
    await member.wait_for(lambda: member.room_slug() == slug)
    member.follows_redirects = False
    await manage(member, "leave_membership")
    await owner.wait_for(lambda: (bia.username,) not in stored(slug)[1])
    # The server took the tab to the first room before the membership ended.
    await member.wait_for(lambda: member.room_slug() == "sala-1")
    secret = unique("secret")
    await said(owner, text=secret)
    await member.send("still reading?")  # said in the first room, where it is
    await said(owner)
    await settled(member)
    assert leaks(member, secret) == []
    assert (bia.username,) not in stored(slug)[6]
    assert all(author != bia.username for _, author, _ in stored(slug)[2])
    await member.close()


async def test_a_private_rooms_news_reach_its_members_elsewhere_and_no_one_else(
    connect, account
):
    ana, bia, eve = account("ana"), account("bia"), account("eve")
    owner, member = await connect(ana), await connect(bia)
    slug, _ = await new_room(owner)
    await invite(owner, bia.username)
    hostile = await connect(eve)  # in Sala 1, like the member
    secret = unique("secret")
    await owner.send(secret)
    await member.wait_for(lambda: member.carried(live(slug)))
    assert member.carried(secret)
    # A message in Sala 1 after that tick: the hostile tab got later news.
    marker = await said(member, hostile)
    await settled(hostile)
    assert marker and leaks(hostile, secret, live(slug)) == []
    assert not [m for m in hostile.messages() if secret in m["text"]]
