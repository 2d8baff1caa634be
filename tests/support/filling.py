"""Fill a room with many messages quickly, through the real socket."""

import asyncio

from harness.protocol import ChatClient
from tests.support.accounts import create_account

# Messages each poster sends: the message rate limit's allowance at once.
PER_POSTER = 10
# Posters in the room at once: each receives every message posted meanwhile.
POSTERS = 10


async def post_many(url: str, room: str, prefix: str, count: int) -> int:
    """Post ``count`` messages ``<prefix> <i>`` into a room, many at once.

    Ten people at a time post ten messages each (the rate limit's allowance)
    and leave once the room has them. Within a round the messages arrive in no
    particular order: find them by number, not by text.

    Args:
        url: The chat's address.
        room: The room's slug.
        prefix: The start of every message's text.
        count: How many to post.

    Returns:
        The room's latest message number once every message is in.
    """
    latest = 0
    for start in range(0, count, PER_POSTER * POSTERS):
        texts = [
            f"{prefix} {number:03d}"
            for number in range(start, min(count, start + PER_POSTER * POSTERS))
        ]
        latest = await post_round(url, room, texts)
    return latest


async def post_round(url: str, room: str, texts: list[str]) -> int:
    """Post some messages from fresh posters, ``PER_POSTER`` each, at once.

    Args:
        url: The chat's address.
        room: The room's slug.
        texts: The messages.

    Returns:
        The room's latest message number once they are all in.
    """
    tabs = []
    for number in range((len(texts) + PER_POSTER - 1) // PER_POSTER):
        account = create_account(url, f"f{number}", language="en")
        tab = await ChatClient(url, account.token).connect()
        await tab.enter_room(room)
        tabs.append(tab)
    await asyncio.gather(*(t.wait_for(lambda t=t: t.room_slug() == room) for t in tabs))
    before = newest(tabs[-1])

    async def post(tab: ChatClient, mine: list[str]) -> None:
        for text in mine:
            await tab.send(text)

    await asyncio.gather(
        *(post(tab, texts[index :: len(tabs)]) for index, tab in enumerate(tabs))
    )
    watcher = tabs[-1]
    await watcher.wait_for(lambda: newest(watcher) >= before + len(texts), 60)
    latest = newest(watcher)
    for tab in tabs:
        await tab.leave_room()
        await tab.close()
    return latest


def newest(tab: ChatClient) -> int:
    """The newest message number in a tab's live window (0 for none)."""
    return max((message["id"] for message in tab.messages()), default=0)
