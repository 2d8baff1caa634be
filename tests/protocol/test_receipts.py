"""Read receipts over the real socket: who saw a message reaches only its author.

Readers report how far they read; the author's tabs hear ✓✓ and "seen by" on
their own channel, nobody else does; a hostile client's reports and questions
are refused clearly and change nothing.
"""

import uuid

import pytest
from reflex_base.constants.state import FIELD_MARKER

from harness.protocol import CHAT, READING, ROOM, ChatClient

NOT_A_NUMBER = "How far a tab has read is a message number."
SEEN_KEY = f'"seen{FIELD_MARKER}"'
LAST_READ_KEY = f'"last_read{FIELD_MARKER}"'


async def sent(tab: ChatClient, *others: ChatClient) -> int:
    """Send a message with unique text; its number once every tab has it."""
    text = f"receipt-{uuid.uuid4().hex[:8]}"
    await tab.send(text)
    for reader in (tab, *others):
        await reader.wait_for(
            lambda r=reader: any(text in m["text"] for m in r.messages())
        )
    return next(m["id"] for m in tab.messages() if text in m["text"])


async def refused(tab: ChatClient, expected: str) -> None:
    """Wait for a refusal in the tab's error banner, then clear it."""
    await tab.wait_for(lambda: expected in tab.error())
    await tab.emit(f"{CHAT}.dismiss_error", {})
    await tab.wait_for(lambda: tab.error() == "")


def last_read(tab: ChatClient) -> int:
    """How far the tab's user has read Sala 1, as the tab was last told."""
    return (tab.var(ROOM, "last_read") or {}).get("sala-1", 0)


async def test_a_read_reaches_only_the_authors_tabs_and_the_readers_own(
    connect, account
):
    ana, bia, caio = account("ana"), account("bia"), account("caio")
    author, author_again = await connect(ana), await connect(ana)
    reader, reader_again = await connect(bia), await connect(bia)
    third = await connect(caio)
    number = await sent(author, author_again, reader, reader_again, third)
    assert author.seen().get("sala-1", 0) < number
    start = len(third.raw)
    await reader.read_to(number)
    for tab in (author, author_again):
        await tab.wait_for(lambda t=tab: t.seen().get("sala-1", 0) >= number)
    # The reader's other tab follows (its unread counts); the third user hears
    # nothing of it: no receipt, no read mark.
    await reader_again.wait_for(lambda: last_read(reader_again) >= number)
    assert not [raw for raw in third.raw[start:] if SEEN_KEY in raw]
    assert not [raw for raw in third.raw[start:] if LAST_READ_KEY in raw]
    assert SEEN_KEY not in "".join(reader.raw[start:])
    await author.show_seen_by(number)
    await author.wait_for(lambda: author.seen_by() == [bia.username])
    # Kept live while open: the author's tabs are asked to read the list
    # again (a browser runs the event at once; this client is told to).
    asked = len(author.asked)
    await third.read_to(number)
    refresh = f"{READING}.refresh_seen_by"
    await author.wait_for(lambda: refresh in author.asked[asked:])
    assert refresh not in third.asked and refresh not in reader.asked
    await author.emit(refresh, {})
    await author.wait_for(lambda: author.seen_by() == [bia.username, caio.username])


async def test_a_live_tab_reads_each_message_with_no_more_reports(connect, account):
    ana, bia = account("ana"), account("bia")
    author, reader = await connect(ana), await connect(bia)
    reader_again = await connect(bia)
    first = await sent(author, reader, reader_again)
    await reader.read_to(first, True)  # visible, at the bottom: said once
    await author.wait_for(lambda: author.seen().get("sala-1", 0) >= first)
    number = first
    for _ in range(2):
        number = await sent(author, reader)
        await author.wait_for(lambda n=number: author.seen().get("sala-1", 0) >= n)
        await reader_again.wait_for(lambda n=number: last_read(reader_again) >= n)
    # Scrolled up (or hidden): what arrives next is not read.
    await reader.read_to(number, False)
    later = await sent(author, reader)
    await author.show_seen_by(later)
    await author.wait_for(lambda: author.var(READING, "seen_for") == later)
    assert author.seen_by() == []
    assert author.seen().get("sala-1", 0) < later
    await reader.read_to(later, "yes")
    await refused(reader, "That request was not understood.")


@pytest.mark.parametrize(
    "number", [0, -1, None, True, 1.5, [1], {"id": 1}, "x" * 10_000, "-3"]
)
async def test_a_report_is_a_message_number(connect, account, number):
    hostile = await connect(account("eve"))
    await hostile.read_to(number)
    await refused(hostile, NOT_A_NUMBER)


async def test_a_report_past_the_latest_only_reads_to_the_latest(connect, account):
    ana, eve = account("ana"), account("eve")
    author, hostile = await connect(ana), await connect(eve)
    hostile_again = await connect(eve)
    number = await sent(author, hostile, hostile_again)
    await hostile.read_to(2**31 - 1)
    await author.wait_for(lambda: author.seen().get("sala-1", 0) >= number)
    await hostile_again.wait_for(lambda: last_read(hostile_again) >= number)
    latest = max(m["id"] for m in hostile_again.messages())
    assert last_read(hostile_again) == latest
    # A room named in the report is refused, not followed.
    await hostile.emit(f"{READING}.read_to", {"number": 1, "room": "sala-2"})
    await refused(hostile, "That request was not understood.")


async def test_a_flood_of_reports_is_refused_and_reads_nothing_more(connect, account):
    hostile = await connect(account("eve"))
    for number in range(1, 301):
        await hostile.read_to(number)
    await refused(hostile, "Too many reports of reading")
    latest = max((m["id"] for m in hostile.messages()), default=0)
    assert last_read(hostile) <= latest


async def test_a_tab_in_no_room_reports_nothing(connect, account):
    hostile = await connect(account("eve"))
    await hostile.leave_room()
    await hostile.wait_for(lambda: hostile.room_slug() == "")
    await hostile.read_to(1)
    await refused(hostile, "You are not in this room any more")


async def test_seen_by_only_of_ones_own_message_in_the_tabs_room(connect, account):
    ana, eve = account("ana"), account("eve")
    owner = await connect(ana)
    await owner.enter_room("sala-3")
    await owner.wait_for(lambda: owner.room_slug() == "sala-3")
    elsewhere = await sent(owner)
    await owner.enter_room("sala-1")
    await owner.wait_for(lambda: owner.room_slug() == "sala-1")
    hostile = await connect(eve)
    mine = await sent(owner, hostile)
    # Someone else's message, one that does not exist, one of another room.
    await hostile.show_seen_by(mine)
    await refused(hostile, "Only its author sees who saw a message.")
    latest = max(m["id"] for m in owner.messages())
    await owner.show_seen_by(latest + 1)
    await refused(owner, "That message is not in this room.")
    if elsewhere > latest:  # Sala 1 has no message with that number
        await owner.show_seen_by(elsewhere)
        await refused(owner, "That message is not in this room.")
    for number in (-1, "x", None, 1.5):
        await owner.show_seen_by(number)
        await refused(owner, "That message is not in this room.")
    assert owner.var(READING, "seen_for") in (None, 0)
    assert hostile.var(READING, "seen_for") in (None, 0)
