"""Message actions over the real socket: live for the room, refused cleanly.

Reply, edit, delete, react and mention, by well-behaved tabs and by a hostile
client calling the handlers with anything.
"""

import asyncio
import json
import uuid

import httpx
import pytest

from chat_app.settings import get_settings
from harness.protocol import ACTIONS, CHAT, ROOM, ChatClient
from tests.support import pictures


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def find(tab: ChatClient, text: str) -> dict | None:
    """The message with some text, as the tab shows it now."""
    return next((m for m in tab.history() if text in m["text"]), None)


def by_number(tab: ChatClient, number: int) -> dict | None:
    return next((m for m in tab.history() if m["id"] == number), None)


async def sent(tab: ChatClient, *others: ChatClient, prefix="msg") -> int:
    """Send a message with unique text; its number once every tab has it."""
    text = unique(prefix)
    await tab.send(text)
    for reader in (tab, *others):
        await reader.wait_for(lambda r=reader: find(r, text) is not None)
    found = find(tab, text)
    assert found is not None
    return found["id"]


async def refused(tab: ChatClient, expected: str) -> None:
    """Wait for a refusal in the tab's error banner, then clear it."""
    await tab.wait_for(lambda: expected in tab.error())
    await tab.emit(f"{CHAT}.dismiss_error", {})
    await tab.wait_for(lambda: tab.error() == "")


def frames_since(tab: ChatClient, start: int) -> list[str]:
    return tab.raw[start:]


async def test_an_edit_reaches_the_room_as_one_small_update(connect, account):
    ana, bia = account("ana"), account("bia")
    writer, reader = await connect(ana), await connect(bia)
    number = await sent(writer, reader)
    start = len(reader.raw)
    new_text = unique("fixed **now**")
    await writer.edit(number, new_text)
    await reader.wait_for(lambda: (by_number(reader, number) or {}).get("edited_at_ms"))
    edited = by_number(reader, number)
    assert edited is not None and edited["text"] == new_text
    assert "<strong>now</strong>" in edited["html"]
    update = [raw for raw in frames_since(reader, start) if new_text in raw]
    assert len(update) == 1 and len(update[0].encode()) < 2048
    await writer.wait_for(lambda: writer.var(CHAT, "editing") == 0)
    assert writer.var(CHAT, "draft") == ""


async def test_nobody_edits_or_deletes_someone_elses_message(connect, account):
    writer, hostile = await connect(account("ana")), await connect(account("eve"))
    number = await sent(writer, hostile)
    before = by_number(writer, number)
    await hostile.act("start_edit", number=number)
    await refused(hostile, "Only its author")
    await hostile.delete(number)
    await refused(hostile, "Only its author")
    # Straight to the save, with the composer's edit number forged: no such var
    # reaches the server (the number is the server's own, set by start_edit).
    await hostile.emit(f"{CHAT}.send", {"form_data": {"text": "hacked"}})
    await hostile.wait_for(lambda: find(hostile, "hacked") is not None)
    assert by_number(writer, number) == before


@pytest.mark.parametrize(
    "number", [10**9, 0, -1, None, True, [1], {"id": 1}, 1.5, "x" * 10_000]
)
async def test_actions_on_a_message_not_in_the_tabs_room_are_not_found(
    connect, account, number
):
    hostile = await connect(account("eve"))
    for handler, arguments in [
        ("react", {"number": number, "emoji": "👍"}),
        ("start_reply", {"number": number}),
        ("start_edit", {"number": number}),
    ]:
        await hostile.act(handler, **arguments)
        await refused(hostile, "That message is not in this room.")
    assert hostile.var(CHAT, "reply_to") in (None, 0)


async def test_a_message_of_another_room_cannot_be_touched_or_quoted(connect, account):
    owner = await connect(account("ana"))
    await owner.enter_room("sala-3")
    await owner.wait_for(lambda: owner.room_slug() == "sala-3")
    elsewhere = await sent(owner, prefix="sala3")
    hostile = await connect(account("eve"))  # in Sala 1
    # Sala 1 has a message with that number only if it is busier than Sala 3:
    # a higher number than any of its own shows that the room is the tab's.
    latest = max((m["id"] for m in hostile.messages()), default=0)
    target = max(elsewhere, latest + 1)
    await hostile.react(target, "👍")
    await refused(hostile, "That message is not in this room.")
    await hostile.act("start_reply", number=target)
    await refused(hostile, "That message is not in this room.")
    await hostile.leave_room()
    await hostile.wait_for(lambda: hostile.room_slug() == "")
    await hostile.react(elsewhere, "👍")
    await refused(hostile, "You are not in this room any more")
    shown = by_number(owner, elsewhere)
    assert shown is not None and shown["reactions"] == []


@pytest.mark.parametrize(
    "emoji",
    ["x" * 10_240, "👍" * 5_000, "a", "👍👍", "", None, 7, ["👍"], "<img src=x>"],
    ids=[
        "10KB",
        "5000-emoji",
        "letter",
        "two",
        "empty",
        "null",
        "number",
        "list",
        "html",
    ],
)
async def test_only_one_real_emoji_is_a_reaction(connect, account, emoji):
    tab = await connect(account("eve"))
    number = await sent(tab)
    await tab.react(number, emoji)
    await refused(tab, "A reaction is one emoji.")
    shown = by_number(tab, number)
    assert shown is not None and shown["reactions"] == []


async def test_500_reactions_in_a_burst_are_slowed_down(connect, account):
    flooder, reader = await connect(account("eve")), await connect(account("bia"))
    number = await sent(flooder, reader)
    emoji = ["👍", "❤️"]
    for index in range(500):
        await flooder.react(number, emoji[index % 2])
    await flooder.wait_for(lambda: "Slow down" in flooder.error(), 60)
    # The tab's events run in order: once this one is answered, all were.
    await flooder.emit(f"{CHAT}.dismiss_error", {})
    await flooder.wait_for(lambda: flooder.error() == "", 60)
    limit = 10
    await reader.wait_for(lambda: by_number(reader, number) is not None)
    shown = by_number(reader, number)
    assert shown is not None
    # At most the limit's worth of toggles went through (the message was one).
    assert sum(chip["count"] for chip in shown["reactions"]) <= 2
    updates = [raw for raw in reader.raw if f'"id": {number},' in raw]
    assert len(updates) <= limit + 1


async def test_reactions_toggle_for_each_person_and_everyone_sees_them(
    connect, account
):
    ana, bia = account("ana"), account("bia")
    one, two = await connect(ana), await connect(bia)
    number = await sent(one, two)

    def chips(tab):
        shown = by_number(tab, number) or {}
        return [(c["emoji"], c["count"], c["users"]) for c in shown["reactions"]]

    await one.react(number, "👍")
    await two.wait_for(lambda: chips(two) == [("👍", 1, [ana.username])])
    await two.react(number, "👍")
    await two.react(number, "🎉")
    expected = [("👍", 2, [ana.username, bia.username]), ("🎉", 1, [bia.username])]
    await one.wait_for(lambda: chips(one) == expected)
    await one.react(number, "👍")
    await two.wait_for(lambda: chips(two) == [("👍", 1, [bia.username]), *expected[1:]])


async def test_a_reply_quotes_and_learns_when_the_original_is_deleted(
    chat_server, connect, account
):
    ana, bia = account("ana"), account("bia")
    author, replier = await connect(ana), await connect(bia)
    async with httpx.AsyncClient(base_url=chat_server.url.rstrip("/")) as http:
        answer = await http.post(
            "/api/upload",
            headers={"Authorization": f"Bearer {ana.token}"},
            files=[("files", ("foto.png", pictures.halves(20, 20), "image/png"))],
        )
        answer.raise_for_status()
        [url] = answer.json()["links"]
        text = unique("original line")
        await author.emit(
            f"{CHAT}.send",
            {"form_data": {"text": text, "attachments": json.dumps([url])}},
        )
        await replier.wait_for(lambda: find(replier, text) is not None)
        original = find(replier, text)
        assert original is not None
        number = original["id"]
        await replier.act("start_reply", number=number)
        await replier.wait_for(lambda: replier.var(CHAT, "reply_to") == number)
        assert replier.var(CHAT, "reply_text") == text
        reply_text = unique("answer")
        await replier.send(reply_text)
        await author.wait_for(lambda: find(author, reply_text) is not None)
        reply = find(author, reply_text)
        assert reply is not None
        assert (reply["reply_to"], reply["quote_author"], reply["quote_kind"]) == (
            number,
            ana.username,
            "text",
        )
        # The composer replies no more.
        await replier.wait_for(lambda: replier.var(CHAT, "reply_to") == 0)
        assert (await http.get(url)).status_code == 200
        # The test servers keep uploads where this process's settings say.
        stored = get_settings().upload_dir / url.removeprefix("/static/")
        assert stored.exists()
        await author.delete(number)
        await replier.wait_for(
            lambda: (by_number(replier, number) or {}).get("deleted") is True
        )
        await replier.wait_for(
            lambda: (find(replier, reply_text) or {}).get("quote_kind") == "deleted"
        )
        gone = by_number(replier, number)
        assert gone is not None and gone["text"] == "" and gone["images"] == []
        assert text not in json.dumps(replier.history())
        assert (await http.get(url)).status_code == 404  # the file is gone
        assert not stored.exists()  # from the disk too
    # A deleted message is quoted no more, and deleted only once.
    await replier.act("start_reply", number=number)
    await refused(replier, "That message is not in this room.")
    await author.delete(number)
    await refused(author, "That message was deleted.")


async def test_a_mention_reaches_only_the_person_named(connect, account):
    ana, bia, carl = account("ana"), account("bia"), account("carl")
    writer, named, other = await connect(ana), await connect(bia), await connect(carl)
    await named.enter_room("sala-2")
    await named.wait_for(lambda: named.room_slug() == "sala-2")
    start = len(other.raw)
    text = f"ping @{bia.username} and @nobody-{uuid.uuid4().hex[:6]}"
    await writer.send(text)
    await named.wait_for(lambda: (named.var(ROOM, "mentioned") or {}).get("sala-1"))
    message = find(writer, "ping @")
    assert message is not None and message["mentions"] == [bia.username]
    assert f'data-mention="{bia.username}"' in message["html"]
    assert named.var(ROOM, "mentioned")["sala-1"] == message["id"]
    assert not any("mentioned_rx_state_" in raw for raw in other.raw[start:])


async def test_an_edit_adds_no_files_and_keeps_a_text_message_from_emptying(
    connect, account
):
    tab = await connect(account("ana"))
    number = await sent(tab)
    before = by_number(tab, number)
    await tab.act("start_edit", number=number)
    await tab.wait_for(lambda: tab.var(CHAT, "editing") == number)
    await tab.emit(
        f"{CHAT}.send",
        {"form_data": {"text": "x", "attachments": '["/static/' + "a" * 32 + '.png"]'}},
    )
    await refused(tab, "A sent message keeps its files")
    await tab.send("   ")
    await refused(tab, "An empty message is not sent.")
    assert by_number(tab, number) == before


async def test_the_up_arrow_edit_takes_ones_latest_message(connect, account):
    tab = await connect(account("ana"))
    await sent(tab)
    number = await sent(tab)
    await tab.emit(f"{CHAT}.set_draft", {"value": "half-written"})
    await tab.act("edit_latest")
    await tab.wait_for(lambda: tab.var(CHAT, "editing") == number)
    await tab.act("cancel_edit")
    await tab.wait_for(lambda: tab.var(CHAT, "draft") == "half-written")


async def test_a_change_reaches_older_pages_a_tab_loaded(connect, account):
    reader = await connect(account("reader"))
    await reader.enter_room("sala-2")
    await reader.wait_for(lambda: reader.room_slug() == "sala-2")
    author = await connect(account("ana"))
    await author.enter_room("sala-2")
    await author.wait_for(lambda: author.room_slug() == "sala-2")
    old = await sent(author, reader, prefix="old")
    senders = [await connect(account(f"s{index}")) for index in range(14)]
    for sender in senders:
        await sender.enter_room("sala-2")
    await asyncio.gather(
        *(s.wait_for(lambda s=s: s.room_slug() == "sala-2") for s in senders)
    )

    async def send_ten(sender: ChatClient) -> None:
        for number in range(10):
            await sender.send(unique(f"filler-{number}"))

    await asyncio.gather(*(send_ten(sender) for sender in senders))
    await reader.wait_for(lambda: by_number(reader, old + 140) is not None, 30)
    for _ in range(10):  # pages of the window's leftovers, then older ones
        if by_number(reader, old) is not None:
            break
        shown = len(reader.history())
        await reader.load_older()
        await reader.wait_for(lambda s=shown: len(reader.history()) > s, 10)
    await author.react(old, "🙏")
    await reader.wait_for(
        lambda: (
            [c["emoji"] for c in (by_number(reader, old) or {})["reactions"]] == ["🙏"]
        )
    )


async def test_a_jump_loads_history_down_to_the_message(connect, account):
    reader = await connect(account("reader"))
    await reader.show_message(10**9)
    await refused(reader, "That message is not in this room.")
    await reader.show_message(1)
    await reader.wait_for(lambda: by_number(reader, 1) is not None)
    assert reader.var(ACTIONS, "confirm_delete") in (None, 0)
