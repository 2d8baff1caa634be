"""What people may do with a message once it is sent: the rules, without storage.

Reply, edit, delete and react each name a message by its number in the room the
tab is in; a number of another room is simply not found there, so nobody learns
what other rooms hold.
"""

import unicodedata
from typing import TypeGuard

import emoji as emoji_data

from chat_app.domain import markup
from chat_app.domain.errors import ChatError

# The longest emoji accepted (family and flag sequences run to about a dozen
# code points); anything longer is not one emoji.
MAX_EMOJI_LENGTH = 16
# The first line of a quoted message, as its reply shows it.
QUOTE_LENGTH = 120
# The most people one message can mention (more @names stay plain text).
MAX_MENTIONS = 20
# The quick reactions offered on every message.
QUICK_REACTIONS = ("👍", "❤️", "😂", "😮", "😢", "🙏")


class MessageNotFoundError(ChatError):
    """No such message in the tab's room (or it may not be acted on)."""

    def __init__(self) -> None:
        super().__init__("That message is not in this room.")


def message_number(raw: object) -> int:
    """Check the number a client gave for a message.

    Args:
        raw: What the client sent.

    Returns:
        The number (from 1).

    Raises:
        MessageNotFoundError: If it is not a positive whole number.
    """
    if not is_message_number(raw):
        raise MessageNotFoundError()
    return raw


def is_message_number(raw: object) -> TypeGuard[int]:
    """Whether a client's value can be a message's number in a room.

    Args:
        raw: What the client sent.

    Returns:
        True for a whole number from 1 that the database can hold.
    """
    return not isinstance(raw, bool) and isinstance(raw, int) and 0 < raw < 2**31


def check_author(
    *, author: str, user: str, deleted: bool, moderator: bool = False
) -> None:
    """Refuse a change to a message by anyone but its author, or to a deleted one.

    Args:
        author: Who wrote the message.
        user: Who asks.
        deleted: Whether it was deleted already.
        moderator: Whether the user is an administrator removing it (they
            remove anyone's message; they edit only their own).

    Raises:
        ChatError: If the user did not write it, or it was deleted.
    """
    if deleted:
        raise ChatError("That message was deleted.")
    if author != user and not moderator:
        raise ChatError("Only its author can change or delete a message.")


def check_edit_window(*, sent_at_ms: int, now_ms: int, window_seconds: float) -> None:
    """Refuse an edit once the message is older than the edit window.

    Args:
        sent_at_ms: When the message was sent.
        now_ms: The time now.
        window_seconds: How long a message stays editable.

    Raises:
        ChatError: If it is too late.
    """
    if now_ms - sent_at_ms > window_seconds * 1000:
        hours = format(window_seconds / 3600, "g")
        raise ChatError(
            "A message can be edited for {hours} h after it is sent.", hours=hours
        )


def valid_emoji(raw: object) -> str:
    """Check a reaction: exactly one emoji, as Unicode defines them.

    Args:
        raw: What the client sent.

    Returns:
        The emoji (in NFC).

    Raises:
        ChatError: If it is not one emoji.
    """
    if not isinstance(raw, str) or not 0 < len(raw) <= MAX_EMOJI_LENGTH:
        raise ChatError("A reaction is one emoji.")
    value = unicodedata.normalize("NFC", raw)
    if not emoji_data.is_emoji(value):
        raise ChatError("A reaction is one emoji.")
    return value


def check_reaction_room(*, distinct: set[str], emoji: str, limit: int) -> None:
    """Refuse a new kind of reaction once a message has as many as allowed.

    Args:
        distinct: The emoji the message already has.
        emoji: The one being added.
        limit: The most distinct reactions a message may have.

    Raises:
        ChatError: If it would be one too many.
    """
    if emoji not in distinct and len(distinct) >= limit:
        raise ChatError(
            "A message has at most {limit} different reactions.", limit=limit
        )


def quote_line(text: str) -> str:
    """The first line of a message's text, as read, short enough to quote.

    Args:
        text: The message's text, as typed.

    Returns:
        Its first non-blank line without formatting marks, cut at
        ``QUOTE_LENGTH`` characters with "…".
    """
    shown = markup.plain(text)
    line = next((line.strip() for line in shown.splitlines() if line.strip()), "")
    if len(line) <= QUOTE_LENGTH:
        return line
    return line[: QUOTE_LENGTH - 1].rstrip() + "…"
