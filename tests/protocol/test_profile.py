"""The profile over the real socket: saved for oneself only, refused clearly (B17)."""

import httpx
import pytest

from harness.protocol import PROFILE, ChatClient
from tests.support import pictures

LOAD = f"{PROFILE}.load"


async def profile_of(chat_server, account) -> dict:
    async with httpx.AsyncClient(base_url=chat_server.url.rstrip("/")) as http:
        answer = await http.get(
            "/api/me", headers={"Authorization": f"Bearer {account.token}"}
        )
    answer.raise_for_status()
    return answer.json()


async def refused(tab: ChatClient, payload: object, expected: str) -> None:
    """Send a save, wait for its refusal, then clear it for the next one."""
    await tab.emit(f"{PROFILE}.save", payload)  # pyright: ignore[reportArgumentType]
    await tab.wait_for(lambda: tab.var(PROFILE, "error") == expected)
    await tab.emit(f"{PROFILE}.set_open", {"is_open": False})
    await tab.wait_for(lambda: tab.var(PROFILE, "error") == "")


@pytest.mark.parametrize(
    ("payload", "expected"),
    [
        ({"form_data": {"name": 5}}, "Enter your name."),
        ({"form_data": {"name": None}}, "Enter your name."),
        ({"form_data": {"name": ["Ana"]}}, "Enter your name."),
        ({"form_data": {"name": {"first": "Ana"}}}, "Enter your name."),
        ({"form_data": {}}, "Enter your name."),
        ({"form_data": "name=Ana"}, "Enter your name."),
        ({"form_data": {"name": " \u200f\u202e "}}, "Enter your name."),
        ({"form_data": {"name": "x" * 101}}, "A name has at most 100 characters."),
        ({"form_data": {"name": "x" * 50_000}}, "A name has at most 100 characters."),
        (
            {"form_data": {"name": "Ana\x00"}},
            "A name cannot contain control characters.",
        ),
        (
            {"form_data": {"name": "Ana\x07Bel"}},
            "A name cannot contain control characters.",
        ),
        (
            {"form_data": {"name": "Ana"}, "username": "someone-else"},
            "That request was not understood.",
        ),
        ({}, "That request was not understood."),
    ],
    ids=[
        "number",
        "null",
        "list",
        "object",
        "missing",
        "not-a-form",
        "invisible",
        "101",
        "50000",
        "nul",
        "bell",
        "extra-argument",
        "no-argument",
    ],
)
async def test_a_hostile_save_is_refused_clearly_and_changes_nothing(
    chat_server, connect, account, payload, expected
):
    ana = account("ana")
    tab, other_tab = await connect(ana), await connect(ana)
    before = await profile_of(chat_server, ana)
    await refused(tab, payload, expected)
    assert await profile_of(chat_server, ana) == before
    assert LOAD not in other_tab.asked  # nobody was told of a change
    assert tab.var(PROFILE, "is_open") is not True


async def test_opening_takes_a_yes_or_a_no_only(connect, account):
    tab = await connect(account("ana"))
    for bad in ("yes", 1, None, ["true"]):
        await tab.emit(f"{PROFILE}.set_open", {"is_open": bad})
        await tab.wait_for(
            lambda: tab.var(PROFILE, "error") == "That request was not understood."
        )
        assert tab.var(PROFILE, "is_open") is not True
        await tab.emit(f"{PROFILE}.set_open", {"is_open": False})
        await tab.wait_for(lambda: tab.var(PROFILE, "error") == "")
    await tab.emit(f"{PROFILE}.set_open", {"is_open": True})
    await tab.wait_for(lambda: tab.var(PROFILE, "is_open") is True)
    assert tab.var(PROFILE, "name") == "Ana Tester"


@pytest.mark.parametrize("token", ["", "forged.token.value"], ids=["none", "forged"])
async def test_a_signed_out_tab_is_sent_to_log_in_and_changes_nothing(
    chat_server, token
):
    tab = ChatClient(chat_server.url, token)
    try:
        await tab.connect()
        await tab.wait_for(lambda: tab.redirected_to() == ["/login"])
        await tab.emit(f"{PROFILE}.save", {"form_data": {"name": "Intruder"}})
        await tab.wait_for(lambda: tab.redirected_to() == ["/login", "/login"])
        assert not tab.var(PROFILE, "name") and not tab.var(PROFILE, "error")
        assert not tab.carried("Intruder")
    finally:
        await tab.close()


async def test_a_saved_name_and_picture_reach_the_room_and_the_user_s_tabs(
    chat_server, connect, account
):
    ana, bia = account("ana"), account("bia")
    tab, second = await connect(ana), await connect(ana)
    watcher = await connect(bia)
    async with httpx.AsyncClient(base_url=chat_server.url.rstrip("/")) as http:
        answer = await http.post(
            "/api/profile/avatar",
            headers={"Authorization": f"Bearer {ana.token}"},
            files=[("file", ("eu.png", pictures.halves(300, 200), "image/png"))],
        )
    assert answer.status_code == 200
    version = answer.json()["url"].split("?v=")[1]
    assert ana.username not in watcher.avatars()  # not before the page says so
    # The name is refused; the picture uploaded is shown all the same.
    await tab.emit(f"{PROFILE}.save", {"form_data": {"name": " "}})
    await tab.wait_for(lambda: tab.var(PROFILE, "error") == "Enter your name.")
    assert tab.var(PROFILE, "avatar_version") == version
    await watcher.wait_for(lambda: watcher.avatars().get(ana.username) == version)
    await second.wait_for(lambda: second.asked.count(LOAD) == 1)
    assert (await profile_of(chat_server, ana))["name"] == "Ana Tester"
    # Then the name is saved: the user's other tab reloads its profile again.
    await tab.emit(f"{PROFILE}.save", {"form_data": {"name": "  Ana \t Nova "}})
    await tab.wait_for(lambda: tab.var(PROFILE, "name") == "Ana Nova")
    assert tab.var(PROFILE, "error") == "" and tab.var(PROFILE, "is_open") is False
    assert (await profile_of(chat_server, ana))["name"] == "Ana Nova"
    await second.wait_for(lambda: second.asked.count(LOAD) == 2)
    assert LOAD not in watcher.asked
    # Someone arriving later is shown the picture with the room.
    later = await connect(account("cid"))
    assert later.avatars().get(ana.username) == version
