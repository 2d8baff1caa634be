"""Which conversation a tab may be in, and naming the one it shows.

Plain functions on the tab's ``ChatState``, shared by its handlers, the
addresses' load and the conversations' handlers.
"""

import time
from typing import TYPE_CHECKING

from chat_app import db
from chat_app.domain.conversations import Conversation
from chat_app.rooms import conversations
from chat_app.settings import get_settings

if TYPE_CHECKING:  # the chat's state imports this module
    from chat_app.states.chat import ChatState

ROOMS = get_settings().room_list()
ROOM_SLUGS = [room.slug for room in ROOMS]


async def reachable(*slugs: str | None, username: str) -> list[str]:
    """The configured rooms, then which of some places a user may be in now.

    Args:
        *slugs: Candidate slugs (None for none).
        username: The verified user.

    Returns:
        Slugs; the first is the default room.
    """
    found = await db.run(
        conversations.reachable,
        slugs=[slug for slug in slugs if slug not in ROOM_SLUGS],
        username=username,
        configured=ROOMS,
    )
    return [*ROOM_SLUGS, *found]


async def conversation(username: str, slug: object) -> Conversation:
    """The conversation a user asks to enter (a public room makes them a member).

    Args:
        username: The verified user.
        slug: The slug asked for.

    Returns:
        The conversation, as the user sees it.

    Raises:
        ConversationNotFoundError: If it is not open to them.
    """
    # Read first: only a public room's newcomer is written (made a member).
    found = await db.run(
        conversations.find, slug=slug, username=username, configured=ROOMS
    )
    if found.member:
        return found
    return await db.run(
        conversations.enter,
        slug=slug,
        username=username,
        configured=ROOMS,
        now_ms=int(time.time() * 1000),
    )


def show(chat: "ChatState", room: Conversation | None) -> None:
    """Name the conversation a tab shows, as its user sees it (None: none).

    Args:
        chat: The tab's state.
        room: The conversation.
    """
    chat.room_slug, chat.room_name = (room.slug, room.name) if room else ("", "")
    chat.room_kind, chat.room_topic = (room.kind, room.topic) if room else ("", "")
    chat.room_private = bool(room and room.private)
    chat.room_archived = bool(room and room.archived)
    chat.room_owned = bool(room and room.owner == chat.username)
