"""Moderation over the real socket: what admins do, and a hostile client refused.

The test server's administrators are ``harness.servers.ADMINS``; everyone else
calling the admin screen's handlers, with any arguments, is refused and changes
nothing. A muted person's writing is refused; a banned person's open tab is cut
off within seconds, their events and their login refused.
"""

import uuid

import httpx
import pytest

from harness.protocol import ADMIN, CHAT, ChatClient
from harness.servers import ADMINS
from tests.protocol.test_message_actions import by_number, find, refused, sent
from tests.support.accounts import admin_account

NOT_ALLOWED = "Only administrators may do that."


@pytest.fixture
def admin(chat_server):
    """Log in one of the administrators (registered on first use)."""

    def make(username: str = ADMINS[0]):
        return admin_account(chat_server.url, username, language="en")

    return make


async def loaded(tab: ChatClient) -> None:
    """Open the admin screen's data, as its page's load does."""
    await tab.moderate("load")
    await tab.wait_for(lambda: tab.var(ADMIN, "allowed") is True)


def listed(tab: ChatClient, username: str) -> dict:
    """A person as the admin screen last listed them."""
    people = tab.var(ADMIN, "people") or []
    return next((p for p in people if p["username"] == username), {})


async def test_a_non_admin_is_refused_every_moderation_handler(connect, account, admin):
    victim = account("alvo")
    hostile, target = await connect(account("eve")), await connect(victim)
    number = await sent(target, hostile)
    calls = [
        ("load", {}),
        ("search", {"query": ""}),
        ("search", {"query": victim.username}),
        ("set_reason", {"value": "because"}),
        ("set_mute_choice", {"choice": "1d"}),
        ("ban", {"username": victim.username}),
        ("unban", {"username": victim.username}),
        ("mute", {"username": victim.username}),
        ("unmute", {"username": victim.username}),
        ("ban", {"username": ADMINS[0]}),
        ("ban", {"username": 42}),
        ("mute", {"username": None}),
    ]
    for handler, payload in calls:
        await hostile.moderate(handler, **payload)
        await refused(hostile, NOT_ALLOWED)
    # Malformed calls are refused before anything else.
    await hostile.moderate("ban", username=victim.username, extra="x")
    await refused(hostile, "not understood")
    await hostile.moderate("ban")
    await refused(hostile, "not understood")
    # A moderator's delete of someone else's message: only its author may.
    await hostile.delete(number)
    await refused(hostile, "Only its author")
    # Nothing of the admin screen reached the hostile tab, and nothing changed.
    assert not hostile.var(ADMIN, "allowed")
    assert not hostile.var(ADMIN, "people") and not hostile.var(ADMIN, "entries")
    assert not (by_number(target, number) or {}).get("deleted")
    await sent(target, hostile)  # neither banned nor muted
    boss = await connect(admin())
    await loaded(boss)
    entries = boss.var(ADMIN, "entries") or []
    assert not [e for e in entries if e["target"] == victim.username]

    await boss.moderate("search", query=victim.username)
    await boss.wait_for(lambda: listed(boss, victim.username) != {})
    assert listed(boss, victim.username)["banned"] is False
    assert listed(boss, victim.username)["muted_until_ms"] == 0


async def test_an_admin_removes_a_message_and_the_room_sees_it_removed(
    connect, account, admin
):
    writer, reader = await connect(account("ana")), await connect(account("bia"))
    boss = await connect(admin())
    number = await sent(writer, reader, boss)
    await boss.delete(number)
    for tab in (writer, reader, boss):
        await tab.wait_for(lambda t=tab: (by_number(t, number) or {}).get("removed"))
        shown = by_number(tab, number)
        assert shown is not None and shown["deleted"] and shown["text"] == ""
    await loaded(boss)
    entry = (boss.var(ADMIN, "entries") or [])[0]
    assert (entry["action"], entry["seq"], entry["room"]) == (
        "delete",
        number,
        "sala-1",
    )
    assert entry["admin"] == ADMINS[0]


async def test_admins_do_not_ban_or_mute_themselves_or_each_other(connect, admin):
    boss = await connect(admin())
    await loaded(boss)
    other = admin(ADMINS[1])  # registered, so there is someone to refuse
    for handler in ("ban", "mute"):
        await boss.moderate(handler, username=ADMINS[0])
        await refused(boss, "yourself")
        await boss.moderate(handler, username=other.username)
        await refused(boss, "another administrator")
    await boss.moderate("ban", username=f"nobody-{uuid.uuid4().hex[:6]}")
    await refused(boss, "No one has that username")
    await boss.moderate("set_reason", value="x" * 301)
    await refused(boss, "at most 300")
    await boss.moderate("set_mute_choice", choice="1y")
    await refused(boss, "how long")


async def test_a_muted_person_cannot_write_edit_or_react_until_unmuted(
    connect, account, admin
):
    person = account("calado")
    muted, reader = await connect(person), await connect(account("ouve"))
    number = await sent(muted, reader)
    boss = await connect(admin())
    await loaded(boss)
    await boss.moderate("set_reason", value="flood")
    await boss.moderate("set_mute_choice", choice="1h")
    await boss.moderate("mute", username=person.username)
    await boss.wait_for(
        lambda: (boss.var(ADMIN, "entries") or [{}])[0].get("target") == person.username
    )
    entry = boss.var(ADMIN, "entries")[0]
    assert (entry["action"], entry["reason"]) == ("mute", "flood")
    assert entry["until_ms"] - entry["at_ms"] == 3600 * 1000
    text = f"muted-{uuid.uuid4().hex[:8]}"
    await muted.send(text)
    await refused(muted, "You are muted until")
    await muted.edit(number, "changed while muted")
    await refused(muted, "You are muted until")
    await muted.act("cancel_edit")
    await muted.react(number, "👍")
    await refused(muted, "You are muted until")
    await boss.moderate("unmute", username=person.username)
    await boss.wait_for(
        lambda: (boss.var(ADMIN, "entries") or [{}])[0].get("action") == "unmute"
    )
    await sent(muted, reader)
    assert find(reader, text) is None
    assert not (by_number(reader, number) or {}).get("reactions")


async def test_a_ban_cuts_off_the_open_tab_and_refuses_its_events_and_login(
    chat_server, connect, account, admin
):
    person = account("banido")
    banned, reader = await connect(person), await connect(account("fica"))
    await sent(banned, reader)
    boss = await connect(admin())
    await loaded(boss)
    await boss.moderate("ban", username=person.username)
    # Evicted by the presence sweep (a tick of two seconds), without doing
    # anything: out of the room, and asked to show its room again, which a
    # browser does at once (the harness's tab runs nothing by itself).
    await reader.wait_for(lambda: person.username not in reader.members(), 10)
    await banned.wait_for(lambda: f"{CHAT}.open_chat" in banned.asked, 10)
    await banned.open_chat()
    await banned.wait_for(lambda: "/login" in banned.redirected_to())
    assert "banned" in banned.error()
    # Whatever the tab sends now is refused: nothing stored, nothing entered.
    redirects = len(banned.redirected_to())
    text = f"after-ban-{uuid.uuid4().hex[:8]}"
    await banned.enter_room("sala-1")
    await banned.send(text)
    await banned.wait_for(lambda: len(banned.redirected_to()) >= redirects + 2)
    await sent(reader)
    assert find(reader, text) is None
    assert person.username not in reader.members()
    with httpx.Client(base_url=chat_server.url, timeout=30) as client:
        response = client.post(
            "/api/auth/login",
            json={"login": person.username, "password": person.password},
            headers={"Accept-Language": "en"},
        )
    assert response.status_code == 401
    assert "banned" in response.text
    # Unbanned, the person logs in again.
    await boss.moderate("unban", username=person.username)
    await boss.wait_for(
        lambda: (boss.var(ADMIN, "entries") or [{}])[0].get("action") == "unban"
    )
    with httpx.Client(base_url=chat_server.url, timeout=30) as client:
        again = client.post(
            "/api/auth/login",
            json={"login": person.username, "password": person.password},
        )
    assert again.status_code == 200
