"""Notification settings and mention notices over the real socket.

Settings are the verified session's own, saved on the account and followed by
that person's tabs only; a hostile client calling the handlers with anything is
refused clearly and changes nothing. A mention notice reaches the person
mentioned, on their own channel, and no one else.
"""

import uuid

from chat_app.realtime.notices import NoticeState
from chat_app.realtime.views import live_key
from chat_app.states.attention import AttentionState
from harness.protocol import CHAT, ChatClient
from tests.support.accounts import Account

ATTENTION = AttentionState.get_full_name()
NOTICE = NoticeState.get_full_name()
LOAD = f"{ATTENTION}.load"


def settings(tab: ChatClient) -> tuple:
    return (
        tab.var(ATTENTION, "notify"),
        tab.var(ATTENTION, "preview"),
        tab.var(ATTENTION, "sound"),
    )


async def loaded(tab: ChatClient) -> tuple:
    """The settings the account has, as a tab loads them when the chat appears."""
    start = len(tab.raw)
    await tab.emit(LOAD, {})
    await tab.wait_for(lambda: any(ATTENTION in frame for frame in tab.raw[start:]))
    return settings(tab)


async def refused(tab: ChatClient, expected: str) -> None:
    await tab.wait_for(lambda: tab.error() == expected)
    await tab.emit(f"{CHAT}.dismiss_error", {})
    await tab.wait_for(lambda: tab.error() == "")


def notice(tab: ChatClient) -> dict:
    return tab.var(NOTICE, "mention") or {}


async def test_a_change_is_saved_and_only_that_person_s_tabs_follow(connect, account):
    ana, bia = account("ana"), account("bia")
    first, second, other = await connect(ana), await connect(ana), await connect(bia)
    assert await loaded(first) == ("all", True, True)

    await first.emit(f"{ATTENTION}.choose", {"choice": "mentions"})
    await first.wait_for(lambda: settings(first)[0] == "mentions")
    await first.emit(f"{ATTENTION}.play_sound", {"on": False})
    await first.wait_for(lambda: settings(first)[2] is False)
    await first.emit(f"{ATTENTION}.show_preview", {"on": False})
    await first.wait_for(lambda: settings(first)[1] is False)
    # The other tab is asked to load them again, and finds them saved.
    await second.wait_for(lambda: second.asked.count(LOAD) == 3)
    assert await loaded(second) == ("mentions", False, False)
    assert LOAD not in other.asked and LOAD not in first.asked
    assert await loaded(other) == ("all", True, True)
    assert await loaded(await connect(ana)) == ("mentions", False, False)


async def test_anything_but_a_choice_or_a_switch_is_refused_and_changes_nothing(
    connect, account
):
    ana, bia = account("ana"), account("bia")
    tab, bias = await connect(ana), await connect(bia)
    for bad in ("loud", "", "ALL", None, 7, True, ["all"], {"v": "off"}, "x" * 100_000):
        await tab.emit(f"{ATTENTION}.choose", {"choice": bad})
        await refused(tab, "Choose all messages, mentions only or nothing.")
    for handler in ("show_preview", "play_sound"):
        for bad in ("false", 0, 1, None, [], "y" * 100_000):
            await tab.emit(f"{ATTENTION}.{handler}", {"on": bad})
            await refused(tab, "That setting is either on or off.")
    # Identity is the session's: naming someone else is an argument too many.
    for extra in ({"username": bia.username}, {"user_id": 1}, {"token": bia.token}):
        await tab.emit(f"{ATTENTION}.choose", {"choice": "off", **extra})
        await refused(tab, "That request was not understood.")
    await tab.emit(f"{ATTENTION}.choose", {})
    await refused(tab, "That request was not understood.")
    assert await loaded(tab) == ("all", True, True)
    assert await loaded(bias) == ("all", True, True)
    assert LOAD not in bias.asked


async def test_a_tab_without_a_session_cannot_read_or_change_settings(connect):
    visitor = await connect()
    await visitor.wait_for(lambda: "/login" in visitor.redirected_to())
    await visitor.emit(f"{ATTENTION}.choose", {"choice": "off"})
    await visitor.emit(LOAD, {})
    await visitor.wait_for(lambda: visitor.redirected_to().count("/login") >= 3)


async def in_room(tab: ChatClient, who: Account, slug: str) -> None:
    await tab.enter_room(slug)
    await tab.wait_for(
        lambda: tab.room_slug() == slug and who.username in tab.members()
    )


async def test_a_mention_notice_reaches_only_the_person_mentioned(connect, account):
    ana, bia, cai, dora = (
        account("ana"),
        account("bia"),
        account("cai"),
        account("dora"),
    )
    writer, here = await connect(ana), await connect(dora)
    mentioned, bystander = await connect(bia), await connect(cai)
    await in_room(mentioned, bia, "sala-2")
    await in_room(bystander, cai, "sala-2")
    tag = uuid.uuid4().hex[:6]
    text = f"**oi** @{bia.username} e @{ana.username} {tag} " + "longo " * 40
    await writer.send(text)
    await mentioned.wait_for(
        lambda: notice(mentioned).get("key", "").startswith("sala-1:")
    )
    got = notice(mentioned)
    assert got["room"] == "sala-1" and got["room_name"] == "Sala 1"
    assert got["key"] == f"sala-1:{got['seq']}"
    assert got["author"] == ana.username
    assert got["preview"].startswith(f"oi @{bia.username} e @{ana.username} {tag}")
    assert len(got["preview"]) == 120 and got["preview"].endswith("…")
    # The room's other member reads the message, not a notice; elsewhere,
    # nothing; the author mentioned themselves, which is no mention.
    await here.wait_for(lambda: here.carried(tag))
    for tab in (writer, here, bystander):
        assert notice(tab) == {} and not tab.carried('"room_name":')
    # Elsewhere, Sala 1's latest line in the list of conversations at most.
    assert bystander.carriers(tag) <= {live_key("sala-1")}


async def test_a_flood_of_changes_is_slowed_down_with_a_clear_message(connect, account):
    ana = account("ana")
    tab = await connect(ana)
    for n in range(12):
        await tab.emit(f"{ATTENTION}.choose", {"choice": ("off", "mentions")[n % 2]})
    await tab.wait_for(lambda: "Too many changes at once: try again in" in tab.error())
    # What was saved is one of the choices sent, and every tab loads the same.
    saved = await loaded(tab)
    assert saved[0] in ("off", "mentions")
    assert await loaded(await connect(ana)) == saved
