"""Jumps to a message far back, over the real socket: the tab re-anchors there.

A jump too far back to load down to drops the tab's older pages and loads one
page around the message; from there, newer pages load toward the live window
and older ones above, and a hostile client asking for newer pages out of turn
changes nothing.
"""

import json
import re
import uuid

from chat_app.domain.history import ANCHOR_CONTEXT
from chat_app.settings import get_settings
from chat_app.states.conversations import ConversationsState
from harness.protocol import CHAT, HISTORY, ROOM, ChatClient
from tests.support.filling import post_many

CONVERSATIONS = ConversationsState.get_full_name()
OLDER_PAGE = re.compile(r"older_\d+_rx_state_")
PAGE = get_settings().history_page_size


def pages_sent(tab: ChatClient, since: int) -> list[list[int]]:
    """The non-empty older pages the server sent a tab since a frame, in order."""
    pages = []
    for raw in tab.raw[since:]:
        for state, values in (json.loads(raw).get("delta") or {}).items():
            if state == ROOM:
                pages += [
                    [message["id"] for message in value]
                    for key, value in values.items()
                    if OLDER_PAGE.fullmatch(key) and value
                ]
    return pages


def shown(tab: ChatClient) -> set[int]:
    return {message["id"] for message in tab.history()}


async def load(tab: ChatClient, handler: str) -> list[int]:
    """Ask for a page (``load_older`` or ``load_newer``); the page sent."""
    since = len(tab.raw)
    await tab.emit(f"{HISTORY}.{handler}", {})
    await tab.wait_for(lambda: pages_sent(tab, since), 15)
    [page] = pages_sent(tab, since)
    return page


async def settled(tab: ChatClient) -> None:
    """Wait until the server handled everything the tab sent before."""
    for sidebar in (True, False):
        await tab.emit(f"{CHAT}.toggle_sidebar", {})
        await tab.wait_for(lambda s=sidebar: tab.var(CHAT, "sidebar_open") is s)


async def public_room(tab: ChatClient) -> str:
    """A new public room, which starts at message 1; the tab goes into it."""
    name = f"Arquivo {uuid.uuid4().hex[:8]}"
    form = {"name": name, "topic": "muitas mensagens"}
    await tab.emit(f"{CONVERSATIONS}.create_room", {"form_data": form})
    await tab.wait_for(lambda: tab.room_slug().startswith("arquivo-"), 15)
    return tab.room_slug()


async def test_a_jump_far_back_loads_the_message_and_its_neighbours_only(
    chat_server, connect, account
):
    reader = await connect(account("leitor"))
    room = await public_room(reader)
    latest = await post_many(chat_server.url, room, "antiga", 700)
    await reader.wait_for(lambda: max(shown(reader)) == latest, 30)
    ring_start = min(m["id"] for m in reader.messages())
    assert ring_start > 300

    since = len(reader.raw)
    await reader.show_message(20)
    await reader.wait_for(lambda: 20 in shown(reader), 15)
    assert pages_sent(reader, since) == [list(range(1, 20 + ANCHOR_CONTEXT + 1))]
    await reader.wait_for(lambda: reader.carried("chatShowMessage(20)"))
    assert shown(reader) == {*range(1, 46), *range(ring_start, latest + 1)}
    assert reader.var(ROOM, "anchored") is True
    assert reader.var(ROOM, "has_older") is False
    assert reader.error() == ""

    assert await load(reader, "load_newer") == list(range(46, 46 + PAGE))
    assert reader.var(ROOM, "older_last") == 45 + PAGE

    # A jump within reach below the run loads down to it, as before.
    since = len(reader.raw)
    await reader.show_message(120)
    await reader.wait_for(lambda: 120 in shown(reader), 15)
    assert pages_sent(reader, since) == [list(range(46 + PAGE, 131))]

    # Further on: the pages held go, one page around the message comes.
    since = len(reader.raw)
    await reader.show_message(440)
    await reader.wait_for(lambda: 440 in shown(reader), 15)
    assert pages_sent(reader, since) == [list(range(415, 466))]
    assert shown(reader) == {*range(415, 466), *range(ring_start, latest + 1)}
    # Above the run (never the gap below it), and below it toward the window.
    assert await load(reader, "load_older") == list(range(415 - PAGE, 415))
    assert await load(reader, "load_newer") == list(range(466, 466 + PAGE))
    assert shown(reader) == {
        *range(415 - PAGE, 466 + PAGE),
        *range(ring_start, latest + 1),
    }
    assert reader.var(ROOM, "anchored") is True


async def test_newer_pages_close_the_gap_and_the_tab_is_ordinary_again(
    chat_server, connect, account
):
    reader = await connect(account("leitor"))
    room = await public_room(reader)
    latest = await post_many(chat_server.url, room, "fecha", 600)
    await reader.wait_for(lambda: max(shown(reader)) == latest, 30)
    ring_start = min(m["id"] for m in reader.messages())
    far = ring_start - 320  # beyond reach: anchored
    await reader.show_message(far)
    await reader.wait_for(lambda: far in shown(reader), 15)
    assert reader.var(ROOM, "anchored") is True
    for _ in range(8):
        if reader.var(ROOM, "anchored") is False:
            break
        await load(reader, "load_newer")
    assert reader.var(ROOM, "anchored") is False
    assert reader.var(ROOM, "older_last") == ring_start - 1
    assert shown(reader) == set(range(far - ANCHOR_CONTEXT, latest + 1))
    # Nothing is left below: a newer page is nothing to do.
    since = len(reader.raw)
    await reader.emit(f"{HISTORY}.load_newer", {})
    await settled(reader)
    assert pages_sent(reader, since) == []
    assert reader.error() == ""


async def test_load_newer_out_of_turn_changes_nothing(connect, account):
    hostile = await connect(account("hostil"))
    await settled(hostile)
    before = hostile.history()
    since = len(hostile.raw)
    for _ in range(3):  # not anchored: nothing to load below
        await hostile.emit(f"{HISTORY}.load_newer", {})
    await settled(hostile)
    assert pages_sent(hostile, since) == []
    assert hostile.error() == ""
    await hostile.emit(f"{HISTORY}.load_newer", {"first": 1, "last": 10**6})
    await hostile.wait_for(lambda: "not understood" in hostile.error())
    await hostile.emit(f"{CHAT}.dismiss_error", {})
    for _ in range(12):  # a burst is slowed down like older pages
        await hostile.emit(f"{HISTORY}.load_newer", {})
    await hostile.wait_for(lambda: "Slow down" in hostile.error())
    assert pages_sent(hostile, since) == []
    assert hostile.history() == before
    assert hostile.sio.connected
