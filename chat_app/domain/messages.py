"""Chat messages and the live window of a room's latest ones."""

from dataclasses import dataclass


@dataclass(frozen=True)
class ChatMessage:
    """One message as every member's screen shows it.

    Attributes:
        id: Increasing number within the room, used as the React key.
        author: The sender's username.
        text: The validated text.
        sent_at_ms: When the server accepted it, in milliseconds since the epoch
            (browsers render it in the reader's local time).
    """

    id: int
    author: str
    text: str
    sent_at_ms: int


def append_message(
    window: list[ChatMessage], message: ChatMessage, limit: int
) -> list[ChatMessage]:
    """Append a message to a room's live window, dropping the oldest beyond the limit.

    Args:
        window: The latest messages, oldest first.
        message: The new message.
        limit: How many messages the window keeps.

    Returns:
        The new window, at most ``limit`` long, ending with ``message``.
    """
    return [*window, message][-limit:] if limit > 0 else []
