"""How a room's messages are shown: each row with its reactions, mentions and quote.

Every reader of the room sees the same thing (one encoded update serves them
all): what only one reader sees (their own reactions, mentions of them) is
worked out in their browser from these fields.
"""

import functools
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from sqlmodel import Session, col, select

from chat_app.db import reads
from chat_app.domain import markup
from chat_app.domain.actions import (
    MessageNotFoundError,
    check_author,
    check_edit_window,
    message_number,
    quote_line,
)
from chat_app.domain.messages import (
    AttachedFile,
    ChatMessage,
    ReactionChip,
    block_number,
    continues_previous,
    first_seq_of,
    is_long,
)
from chat_app.models import Mention, Message, Reaction
from chat_app.settings import Settings


@dataclass(frozen=True)
class _Extras:
    """What a page of messages shows beside their own rows."""

    reactions: dict[int, list[ReactionChip]] = field(default_factory=dict)
    mentions: dict[int, list[str]] = field(default_factory=dict)
    quoted: dict[int, Message] = field(default_factory=dict)


def _extras(session: Session, room: str, rows: Sequence[Message]) -> _Extras:
    """Reactions, mentions and quoted messages of some of a room's messages."""
    seqs = [row.seq for row in rows]
    if not seqs:
        return _Extras()
    reactions: dict[int, dict[str, list[str]]] = {}
    for reaction in session.exec(
        select(Reaction)
        .where(Reaction.room == room, col(Reaction.seq).in_(seqs))
        .order_by(col(Reaction.id))
    ):
        by_emoji = reactions.setdefault(reaction.seq, {})
        by_emoji.setdefault(reaction.emoji, []).append(reaction.username)
    mentions: dict[int, list[str]] = {}
    for mention in session.exec(
        select(Mention).where(Mention.room == room, col(Mention.seq).in_(seqs))
    ):
        mentions.setdefault(mention.seq, []).append(mention.username)
    quoted_seqs = {row.reply_to for row in rows if row.reply_to}
    quoted = {
        row.seq: row
        for row in session.exec(
            select(Message).where(
                Message.room == room, col(Message.seq).in_(quoted_seqs)
            )
        )
    }
    return _Extras(
        reactions={
            seq: [
                ReactionChip(emoji=emoji, count=len(users), users=users)
                for emoji, users in by_emoji.items()
            ]
            for seq, by_emoji in reactions.items()
        },
        mentions={seq: sorted(names) for seq, names in mentions.items()},
        quoted=quoted,
    )


def quote(original: Message | None) -> tuple[str, str, str]:
    """Who and what a reply quotes.

    Args:
        original: The quoted message; None if it is not there.

    Returns:
        Its author, first line (or first file's name) and kind: ``text``,
        ``image``, ``file``, or ``deleted`` when it is gone.
    """
    if original is None or original.deleted_at_ms is not None:
        return (original.author if original else "", "", "deleted")
    if original.text:
        return original.author, quote_line(original.text), "text"
    first = (original.attachments or [{}])[0]
    kind = "image" if first.get("kind") == "image" else "file"
    return original.author, str(first.get("name", "")), kind


@functools.lru_cache(maxsize=4096)
def drawn(text: str, mentioned: tuple[str, ...]) -> str:
    """A message's HTML (``markup.render``), drawn once per text and mentions.

    Every arrival in a room draws its latest messages again, and they are the
    same most of the time: the drawing is kept for the next one.

    Args:
        text: The message as typed.
        mentioned: The usernames it mentions.

    Returns:
        The HTML.
    """
    return markup.render(text, {name.casefold(): name for name in mentioned})


def _to_message(row: Message, previous: Message | None, extras: _Extras) -> ChatMessage:
    # A deleted message keeps its place in its author's run.
    before = (
        ChatMessage(
            id=previous.seq,
            author=previous.author,
            text="",
            sent_at_ms=previous.sent_at_ms,
        )
        if previous
        else None
    )
    base = ChatMessage(
        id=row.seq,
        author=row.author,
        text="",
        sent_at_ms=row.sent_at_ms,
        continues=continues_previous(before, row.author, row.sent_at_ms),
        previous_sent_at_ms=previous.sent_at_ms if previous else 0,
    )
    if row.deleted_at_ms is not None:
        return replace(base, deleted=True, removed=row.removed_by is not None)
    attached = [AttachedFile(**item) for item in row.attachments or []]
    mentioned = extras.mentions.get(row.seq, [])
    shown_quote = (
        quote(extras.quoted.get(row.reply_to)) if row.reply_to else ("", "", "")
    )
    return replace(
        base,
        text=row.text,
        images=[item for item in attached if item.kind == "image"],
        files=[item for item in attached if item.kind != "image"],
        html=drawn(row.text, tuple(mentioned)),
        long=is_long(row.text),
        mentions=mentioned,
        reply_to=row.reply_to or 0,
        quote_author=shown_quote[0],
        quote_text=shown_quote[1],
        quote_kind=shown_quote[2],
        edited_at_ms=row.edited_at_ms or 0,
        reactions=extras.reactions.get(row.seq, []),
    )


def messages_from(
    session: Session, room: str, first: int, last: int | None = None
) -> list[ChatMessage]:
    """A room's messages with sequence numbers from ``first`` (to ``last``)."""
    query = select(Message).where(Message.room == room, Message.seq >= first - 1)
    if last is not None:
        query = query.where(Message.seq <= last)
    rows = session.exec(query.order_by(col(Message.seq))).all()
    extras = _extras(session, room, [row for row in rows if row.seq >= first])
    result = []
    for index, row in enumerate(rows):
        if row.seq >= first:
            result.append(_to_message(row, rows[index - 1] if index else None, extras))
    return result


def blocks_of(
    session: Session, *, room: str, seqs: list[int]
) -> dict[int, list[ChatMessage]]:
    """The blocks holding some of a room's messages, as their readers see them.

    Args:
        session: The database session.
        room: The room's slug.
        seqs: The messages' numbers.

    Returns:
        Block number to its messages, oldest first.
    """
    blocks = {}
    for block in sorted({block_number(seq) for seq in seqs}):
        last = first_seq_of(block + 1) - 1
        blocks[block] = messages_from(session, room, first_seq_of(block), last)
    return blocks


def find_message(session: Session, *, room: str, number: object) -> Message:
    """A message of a room by the number a client gave.

    Args:
        session: The database session.
        room: The room the tab is in.
        number: The message's number, as sent.

    Returns:
        The row.

    Raises:
        MessageNotFoundError: If that room has no such message.
    """
    seq = message_number(number)
    row = session.exec(
        select(Message).where(Message.room == room, Message.seq == seq)
    ).first()
    if row is None:
        raise MessageNotFoundError()
    return row


@reads
def history(session: Session, *, room: str, first: int, last: int) -> list[ChatMessage]:
    """A room's messages from one sequence number to another, oldest first.

    Args:
        session: The database session.
        room: The room's slug.
        first: The first sequence number.
        last: The last sequence number.

    Returns:
        The messages.
    """
    return messages_from(session, room, max(1, first), last) if last >= 1 else []


@reads
def quote_of(
    session: Session, *, room: str, number: object
) -> tuple[int, str, str, str]:
    """What a reply to a message shows of it, for the composer's preview.

    Args:
        session: The database session.
        room: The room the tab is in.
        number: The message's number, as the client sent it.

    Returns:
        Its number, author, first line (or first file's name) and kind
        (``text``, ``image`` or ``file``).

    Raises:
        MessageNotFoundError: If the room has no such message (or it was deleted).
    """
    row = find_message(session, room=room, number=number)
    if row.deleted_at_ms is not None:
        raise MessageNotFoundError()
    author, line, kind = quote(row)
    return row.seq, author, line, kind


@reads
def editable(
    session: Session,
    *,
    room: str,
    username: str,
    number: object,
    now_ms: int,
    settings: Settings,
) -> tuple[int, str]:
    """One's own message that may still be edited, to put in the composer.

    Args:
        session: The database session.
        room: The room the tab is in.
        username: The verified user.
        number: The message's number, as the client sent it; None for the
            user's latest message in the room.
        now_ms: The time now.
        settings: The edit window.

    Returns:
        Its number and text.

    Raises:
        MessageNotFoundError: If there is no such message (or it was deleted).
        ChatError: If someone else wrote it, or it is too old to edit.
    """
    if number is None:
        row = session.exec(
            select(Message)
            .where(
                Message.room == room,
                Message.author == username,
                col(Message.deleted_at_ms).is_(None),
            )
            .order_by(col(Message.seq).desc())
            .limit(1)
        ).first()
        if row is None:
            raise MessageNotFoundError()
    else:
        row = find_message(session, room=room, number=number)
    check_author(
        author=row.author, user=username, deleted=row.deleted_at_ms is not None
    )
    check_edit_window(
        sent_at_ms=row.sent_at_ms,
        now_ms=now_ms,
        window_seconds=settings.edit_window_seconds,
    )
    return row.seq, row.text
