"""Validation of what people type: usernames and message texts."""

import re
from collections.abc import Iterable

from chat_app.domain.errors import ChatError

USERNAME_MAX_LENGTH = 32
USERNAME_PATTERN = re.compile(r"[A-Za-z0-9._-]+")


def validate_username(raw: object, present: Iterable[str]) -> str:
    """Check a username someone wants to enter a room with.

    Args:
        raw: What the client sent; anything that is not a string is refused.
        present: The usernames already in the room.

    Returns:
        The username with surrounding spaces removed.

    Raises:
        ChatError: If it is empty, too long, has other characters, or is taken
            (case-insensitively) by someone present.
    """
    if not isinstance(raw, str):
        raise ChatError("Choose a username.")
    username = raw.strip()
    if not username:
        raise ChatError("Choose a username.")
    if len(username) > USERNAME_MAX_LENGTH:
        raise ChatError(f"A username has at most {USERNAME_MAX_LENGTH} characters.")
    if not USERNAME_PATTERN.fullmatch(username):
        raise ChatError(
            "A username may only contain letters, digits, '.', '_' and '-'."
        )
    folded = username.casefold()
    if any(other.casefold() == folded for other in present):
        raise ChatError(f"Someone called {username} is already in this room.")
    return username


def validate_message(raw: object, max_length: int) -> str:
    """Check the text of a message about to be sent.

    Args:
        raw: What the client sent; anything that is not a string is refused.
        max_length: The most characters a message may have.

    Returns:
        The text without leading and trailing white space.

    Raises:
        ChatError: If the text is blank or too long.
    """
    if not isinstance(raw, str):
        raise ChatError("A message must be text.")
    text = raw.strip()
    if not text:
        raise ChatError("An empty message is not sent.")
    if len(text) > max_length:
        raise ChatError(
            f"A message has at most {max_length} characters; this one has {len(text)}."
        )
    return text
