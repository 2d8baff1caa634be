"""Chat messages and the live window every member of a room shares.

The window is a ring of ``RING_BLOCKS`` blocks of ``BLOCK_SIZE`` messages each,
numbered by the message's sequence number in its room. A new message changes only
its own block, so what each member is sent for it is one block, whatever the size
of the room's history: with blocks of one message, that message alone.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field

BLOCK_SIZE = 1
RING_BLOCKS = 128
GROUP_GAP_MS = 5 * 60 * 1000
# A message longer than this (characters or lines) shows folded, with "Read more".
FOLD_CHARACTERS = 700
FOLD_LINES = 12


@dataclass(frozen=True)
class AttachedFile:
    """A file a message carries, as its readers see it.

    Attributes:
        url: Where it is served: ``/static/<stored name>``.
        name: The original name, for display only.
        size: Its size in bytes.
        kind: ``image`` (shown as a thumbnail) or ``file`` (an icon and a link).
        content_type: The type sniffed from its content.
    """

    url: str
    name: str
    size: int
    kind: str
    content_type: str


@dataclass(frozen=True)
class ReactionChip:
    """One emoji people reacted to a message with.

    Attributes:
        emoji: The emoji.
        count: How many people reacted with it.
        users: Who, in the order they reacted.
    """

    emoji: str
    count: int
    users: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class ChatMessage:
    """One message as every member's screen shows it.

    Attributes:
        id: The message's sequence number in its room (1, 2, 3...).
        author: The sender's username.
        text: The validated text.
        sent_at_ms: When the server accepted it, in milliseconds since the epoch
            (browsers render it in the reader's local time).
        continues: Whether it follows a message of the same author sent less than
            five minutes earlier, so it is drawn under the same name.
        previous_sent_at_ms: When the room's previous message was sent (0 if none),
            so a browser can tell whether a day separator goes above this one.
        images: Attached pictures.
        files: Other attached files.
        html: The text drawn safely (``domain.markup``): formatting, links and
            mentions.
        long: Whether the text is long enough to show folded.
        mentions: The usernames it mentions.
        reply_to: The number of the message it quotes (0 for none).
        quote_author: That message's author.
        quote_text: Its first line, or its first file's name.
        quote_kind: ``text``, ``image``, ``file``, or ``deleted`` when it is gone.
        edited_at_ms: When its author last edited it (0 if never).
        deleted: Whether its author deleted it (nothing of it is left).
        removed: Whether an administrator removed it (deleted too: shown as
            removed by moderation).
        reactions: The reactions, by first reacted.
    """

    id: int
    author: str
    text: str
    sent_at_ms: int
    continues: bool = False
    previous_sent_at_ms: int = 0
    images: list[AttachedFile] = field(default_factory=list)
    files: list[AttachedFile] = field(default_factory=list)
    html: str = ""
    long: bool = False
    mentions: list[str] = field(default_factory=list)
    reply_to: int = 0
    quote_author: str = ""
    quote_text: str = ""
    quote_kind: str = ""
    edited_at_ms: int = 0
    deleted: bool = False
    reactions: list[ReactionChip] = field(default_factory=list)
    removed: bool = False


def continues_previous(
    previous: ChatMessage | None, author: str, sent_at_ms: int
) -> bool:
    """Whether a new message is grouped under the previous one's author.

    Args:
        previous: The room's previous message, if any.
        author: The new message's author.
        sent_at_ms: When the new message was sent.

    Returns:
        True for the same author within five minutes.
    """
    return (
        previous is not None
        and previous.author == author
        and 0 <= sent_at_ms - previous.sent_at_ms < GROUP_GAP_MS
    )


def is_long(text: str) -> bool:
    """Whether a message's text is long enough to show folded at first.

    Args:
        text: The text.

    Returns:
        True past ``FOLD_CHARACTERS`` characters or ``FOLD_LINES`` lines.
    """
    return len(text) > FOLD_CHARACTERS or text.count("\n") >= FOLD_LINES


def block_number(seq: int) -> int:
    """The block a message belongs to, counted from the room's first message.

    Args:
        seq: The message's sequence number (from 1).

    Returns:
        The block number (from 0).
    """
    return (seq - 1) // BLOCK_SIZE


def slot_of(block: int) -> int:
    """Where in the ring a block is kept.

    Args:
        block: The block number.

    Returns:
        The slot, 0 to ``RING_BLOCKS - 1``.
    """
    return block % RING_BLOCKS


def first_seq_of(block: int) -> int:
    """The sequence number of a block's first message.

    Args:
        block: The block number.

    Returns:
        The sequence number.
    """
    return block * BLOCK_SIZE + 1


def window_start(latest_seq: int) -> int:
    """The sequence number of the oldest message the live window holds.

    Args:
        latest_seq: The room's latest sequence number (0 when empty).

    Returns:
        The first sequence number in the window (at least 1).
    """
    if latest_seq <= 0:
        return 1
    return first_seq_of(max(0, block_number(latest_seq) - RING_BLOCKS + 1))


def ring(messages: Sequence[ChatMessage]) -> tuple[list[list[ChatMessage]], int]:
    """Lay the window's messages out in the ring.

    Args:
        messages: The messages from ``window_start`` on, oldest first.

    Returns:
        The ``RING_BLOCKS`` slots (each oldest first) and the slot of the newest
        block (0 when there are no messages).
    """
    slots: list[list[ChatMessage]] = [[] for _ in range(RING_BLOCKS)]
    for message in messages:
        slots[slot_of(block_number(message.id))].append(message)
    head = slot_of(block_number(messages[-1].id)) if messages else 0
    return slots, head
