"""Conversations: the configured rooms, rooms people create, direct messages.

Who may see, enter, write in and manage a conversation is decided here, from
what the database says about it and the person asking. A conversation someone
may not see is "not found" to them, whether it exists or not, so its existence
is never told; one they see but may not change is "not allowed".
"""

import re
from dataclasses import dataclass

from chat_app.domain.errors import ChatError, NotAllowedError
from chat_app.domain.rooms import Room, slugify
from chat_app.domain.text import Text

ROOM = "room"
DIRECT = "direct"
# Direct conversations are named by their two people's account ids; a room
# people create may never take such a slug.
DIRECT_PREFIX = "dm-"
_DIRECT = re.compile(r"^dm-([1-9][0-9]{0,17})-([1-9][0-9]{0,17})$")
NAME_MAX = 50
TOPIC_MAX = 300
# A slug must stay a short path segment and element id.
SLUG_MAX = 60


class ConversationNotFoundError(ChatError):
    """The conversation does not exist, or is not open to the person asking."""

    def __init__(self) -> None:
        """Say it without telling which."""
        super().__init__("That conversation was not found.")


@dataclass(frozen=True)
class Conversation:
    """A place to talk, as one person sees it.

    Attributes:
        slug: Its address and id (``sala-1``, ``projeto-x``, ``dm-3-7``).
        name: The name shown; for a direct conversation, the other person's.
        kind: ``room`` or ``direct``.
        private: Only its members see and enter it (always so for direct ones).
        owner: Who created a room (None for configured rooms and direct ones).
        topic: What the room is for.
        archived: Read-only and out of the list (rooms people created only).
        pinned: A configured room: on top of every list, everyone's.
        peer: For a direct conversation, the other person's username.
        member: Whether the person asking belongs to it (its unread counts).
    """

    slug: str
    name: str
    kind: str = ROOM
    private: bool = False
    owner: str | None = None
    topic: str = ""
    archived: bool = False
    pinned: bool = False
    peer: str = ""
    member: bool = False


def configured(room: Room) -> Conversation:
    """A room of ``CHAT_ROOMS`` as a conversation: public, pinned, everyone's.

    Args:
        room: The configured room.

    Returns:
        The conversation.
    """
    return Conversation(slug=room.slug, name=room.name, pinned=True, member=True)


def direct_slug(first_id: int, second_id: int) -> str:
    """The slug of the direct conversation of two accounts (either order).

    Args:
        first_id: One account's id.
        second_id: The other's.

    Returns:
        ``dm-<lower id>-<higher id>``.

    Raises:
        ChatError: For one account twice.
    """
    if first_id == second_id:
        raise ChatError("You cannot start a conversation with yourself.")
    low, high = sorted((first_id, second_id))
    return f"{DIRECT_PREFIX}{low}-{high}"


def direct_ids(slug: str) -> tuple[int, int] | None:
    """The two account ids a direct conversation's slug names.

    Args:
        slug: Any slug.

    Returns:
        The ids, or None if the slug is not a direct conversation's.
    """
    found = _DIRECT.match(slug)
    if found is None:
        return None
    return int(found.group(1)), int(found.group(2))


def room_name(value: object) -> str:
    """A new room's name, checked.

    Args:
        value: What the person typed.

    Returns:
        The name, without surrounding spaces.

    Raises:
        ChatError: If it is empty, too long or has no letters or digits.
    """
    if not isinstance(value, str) or not value.strip():
        raise ChatError("Give the room a name.")
    name = " ".join(value.split())
    if len(name) > NAME_MAX:
        raise ChatError("A room's name has at most {limit} characters.", limit=NAME_MAX)
    return name


def room_slug(name: str, *, taken: set[str]) -> str:
    """The slug of a room people create, unique among every conversation's.

    Args:
        name: The checked name (``room_name``).
        taken: Slugs that exist (configured rooms and stored conversations).

    Returns:
        The slug.

    Raises:
        ChatError: If the name gives no usable slug, one that is taken, or one
            a direct conversation could have.
    """
    try:
        slug = slugify(name)[:SLUG_MAX].strip("-")
    except ChatError:
        raise ChatError("A room's name needs letters or digits.") from None
    if slug.startswith(DIRECT_PREFIX) or slug in taken:
        raise ChatError("There is already a room with that name.")
    return slug


def topic(value: object) -> str:
    """A room's topic, checked (empty for none).

    Args:
        value: What the person typed.

    Returns:
        The topic on one line.

    Raises:
        ChatError: If it is not text or is too long.
    """
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ChatError("A room's topic must be text.")
    text = " ".join(value.split())
    if len(text) > TOPIC_MAX:
        raise ChatError(
            "A room's topic has at most {limit} characters.", limit=TOPIC_MAX
        )
    return text


def may_see(conversation: Conversation) -> bool:
    """Whether the person it was read for may see it at all.

    Configured rooms and public rooms are everyone's to see; private rooms and
    direct conversations their members'. An archived room only its members'.

    Args:
        conversation: The conversation, as read for the person.

    Returns:
        True if it exists for them.
    """
    if conversation.pinned or conversation.member:
        return True
    return not conversation.private and not conversation.archived


ARCHIVED = Text("This room is archived: it can only be read.")


def check_writable(conversation: Conversation) -> None:
    """Refuse writing in an archived room.

    Args:
        conversation: The conversation.

    Raises:
        NotAllowedError: If it is archived.
    """
    if conversation.archived:
        raise NotAllowedError(ARCHIVED)


def check_owner(conversation: Conversation, username: str) -> None:
    """Refuse managing a conversation one does not own.

    Only rooms people created have an owner; configured rooms and direct
    conversations are nobody's to rename, invite to or archive.

    Args:
        conversation: The conversation, as read for the person.
        username: The person.

    Raises:
        NotAllowedError: If they are not its owner.
    """
    if conversation.kind != ROOM or conversation.owner != username:
        raise NotAllowedError(Text("Only the room's owner can do that."))
