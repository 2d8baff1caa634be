"""People to mention over the real socket: members first, and a hostile client
that learns nothing more and is shown no error.

``PeopleState.find`` is called at every pause in typing, so anything that cannot
be the start of a username simply finds no one.
"""

import time
import uuid

import pytest

from chat_app.states.people import FIND_LIMIT
from harness.protocol import CHAT, PEOPLE, ChatClient
from tests.support.accounts import Account, create_account


def tag() -> str:
    return uuid.uuid4().hex[:6]


@pytest.fixture
def named(chat_server):
    """Register an account with a chosen username."""

    def make(username: str) -> Account:
        return create_account(chat_server.url, username=username, language="en")

    return make


async def listed(tab: ChatClient, query: object, expected: list[str]) -> None:
    """Ask for people and wait for the list (different from the one before)."""
    await tab.find_people(query)
    await tab.wait_for(lambda: tab.people() == expected)


async def test_the_room_s_members_come_first_then_everyone_else(connect, named):
    t = tag()
    asker, member, stranger = named(f"p{t}-eu"), named(f"p{t}-zoe"), named(f"p{t}-ana")
    tab = await connect(asker)
    await connect(member)  # in Sala 1 too
    # "ana" comes before "zoe", but Zoe is here; the asker is never listed.
    await listed(tab, f"p{t}", [member.username, stranger.username])
    first = tab.var(PEOPLE, "people")[0]
    assert (first["name"], first["member"]) == (member.name, True)
    assert tab.var(PEOPLE, "query") == f"p{t}"
    await listed(tab, f"P{t}-A".upper(), [stranger.username])  # any case
    assert tab.error() == ""


@pytest.mark.parametrize(
    "query",
    [
        "x" * 33,
        "x" * 10_000,
        None,
        7,
        True,
        ["p"],
        {"query": "p"},
        "' OR 1=1 --",
        "p'; DROP TABLE users; --",
        "%",
        "%%",
        "p%",
        "a b",
        "@p",
        "p\x00",
    ],
    ids=[
        "33-chars",
        "10KB",
        "null",
        "number",
        "bool",
        "list",
        "object",
        "or-1-1",
        "drop-table",
        "percent",
        "percents",
        "prefix-percent",
        "space",
        "at",
        "nul",
    ],
)
async def test_a_query_no_username_starts_with_finds_no_one_quietly(
    connect, named, query
):
    t = tag()
    tab = await connect(named(f"q{t}-eu"))
    other = named(f"q{t}-bia")
    await listed(tab, f"q{t}", [other.username])
    await listed(tab, query, [])
    assert tab.var(PEOPLE, "query") == ""
    assert tab.error() == ""
    # Nothing was dropped or changed: the same query finds the same person.
    await listed(tab, f"q{t}", [other.username])


async def test_like_wildcards_match_only_themselves(connect, named):
    t = tag()
    tab = await connect(named(f"w{t}-eu"))
    under, plain = named(f"w{t}_a"), named(f"w{t}xa")
    await listed(tab, f"w{t}", [under.username, plain.username])
    await listed(tab, "_", [])  # no username starts with "_"
    await listed(tab, f"w{t}_", [under.username])
    await listed(tab, f"w{t}%", [])
    assert tab.error() == ""


async def test_a_signed_out_tab_is_told_no_one(connect, named):
    someone = named(f"s{tag()}-ana")
    tab = await connect()
    await tab.wait_for(lambda: "/login" in tab.redirected_to())
    before = len(tab.redirected_to())
    await tab.find_people("")
    await tab.find_people(someone.username)
    # Each is answered by the login page, and by no one's name.
    await tab.wait_for(lambda: len(tab.redirected_to()) >= before + 2)
    assert tab.people() == []
    assert not tab.carried(someone.username)


async def test_a_burst_of_queries_reaches_the_database_a_few_times_a_second(
    connect, named
):
    t = tag()
    tab = await connect(named(f"b{t}-eu"))
    target = named(f"b{t}-zz")
    typed = f"b{t}-zz"
    start, began = len(tab.raw), time.monotonic()
    for _ in range(20):
        for end in range(1, len(typed) + 1):
            await tab.find_people(typed[:end])
    # The tab's events run in order: once a later one is answered, all were.
    await tab.emit(f"{CHAT}.dismiss_error", {})
    await tab.wait_for(lambda: tab.var(CHAT, "error") == "", 30)
    seconds = time.monotonic() - began
    answered = [raw for raw in tab.raw[start:] if "people_rx_state_" in raw]
    assert len(answered) <= FIND_LIMIT * (int(seconds) + 2), (len(answered), seconds)
    # A pause later, the same query is answered.
    for _ in range(10):
        await tab.find_people(typed)
        try:
            await tab.wait_for(lambda: tab.people() == [target.username], 1)
            break
        except TimeoutError:
            continue
    assert tab.people() == [target.username]
    assert tab.error() == ""
